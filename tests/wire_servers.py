"""Real servers on 127.0.0.1 for the delivery tests, each with one failure it can be told to force:
an FTP server (pyftpdlib), an SFTP server (asyncssh's), and an HTTP receiver (http.server)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class FtpServer:
    """pyftpdlib, one user with a home folder; counts each upload by the name it was stored under."""

    def __init__(self, home: Path, user: str, password: str):
        servers = pytest.importorskip("pyftpdlib.servers",
                                      reason="pyftpdlib is not installed: pip install -e '.[test]'")
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler

        self.stored: Counter[str] = Counter()
        stored = self.stored
        authorizer = DummyAuthorizer()
        authorizer.add_user(user, password, str(home), perm="elradfmwMT")

        class Handler(FTPHandler):
            def on_file_received(self, file):
                stored[Path(file).name] += 1

        Handler.authorizer = authorizer
        Handler.passive_ports = None
        self.server = servers.ThreadedFTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.close_all()
        self.thread.join(5)


class SftpServer:
    """asyncssh's SFTP server on its own loop, a password login, chrooted to `root`. With `cut`,
    the first upload writes half of its bytes and the connection is dropped."""

    PASSWORD = "sftp-secret"

    def __init__(self, root: Path, known_hosts: Path, cut: bool):
        self.asyncssh = pytest.importorskip("asyncssh", reason="asyncssh is not installed: pip install -e .")
        self.root, self.known_hosts, self.cut = root, known_hosts, cut
        self.renamed: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        asyncssh = self.asyncssh
        key = asyncssh.generate_private_key("ssh-ed25519")
        server = self

        class Login(asyncssh.SSHServer):
            def begin_auth(self, username):
                return True

            def password_auth_supported(self):
                return True

            def validate_password(self, username, password):
                return username == "belta" and password == SftpServer.PASSWORD

        class Files(asyncssh.SFTPServer):
            def __init__(self, chan):
                super().__init__(chan, chroot=str(server.root))

            def write(self, file_obj, offset, data):
                if server.cut:
                    server.cut = False
                    file_obj.write(data[: len(data) // 2])
                    file_obj.flush()
                    self.channel.get_extra_info("connection").abort()
                    return None
                return super().write(file_obj, offset, data)

            def rename(self, oldpath, newpath):
                server.renamed[Path(newpath.decode()).name] += 1
                return super().rename(oldpath, newpath)

        self.thread.start()
        async def listen():
            return await asyncssh.listen("127.0.0.1", 0, server_host_keys=[key], server_factory=Login,
                                         sftp_factory=Files, allow_scp=False)

        listening = asyncio.run_coroutine_threadsafe(listen(), self.loop)
        self.server = listening.result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        public = key.export_public_key().decode().strip()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {public}\n", encoding="utf-8")
        return self

    def __exit__(self, *exc):
        async def stop():
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class HttpReceiver:
    """Stores each POST's body under its X-Filename; answers 503 to the first `unavailable` requests."""

    def __init__(self, folder: Path, unavailable: int):
        self.received: Counter[str] = Counter()
        self.unavailable = unavailable
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.unavailable:
                    receiver.unavailable -= 1
                    self.send_response(503)
                else:
                    name = Path(self.headers["X-Filename"]).name
                    (folder / name).write_bytes(body)
                    receiver.received[name] += 1
                    self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
