"""`publish serve`: the live preview. Build the web pages, serve them on this machine, rebuild
when a watched file is saved, and reload the pages a translator has open.

The pages on disk are exactly what `publish build` writes; the reload script is added only to
the bytes this server sends. A build that fails (a broken catalogue, say) leaves the last good
pages in place: they stay served, with the error shown over them, until the file is fixed.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from publisher.build import build
from publisher.config import Config, load_config
from publisher.errors import PublisherError

FORMATS = ("html",)  # the wire is never previewed: each build would record a new version in the ledger
LIVE_PREFIX = "/__publish__/"
HEARTBEAT_SECONDS = 15.0  # keeps the event stream open through proxies, and notices a closed tab
# Waits this long after a change for more (an editor saves a file and its backup together).
DEBOUNCE_MS = 100
# Editors' temporary, lock and backup files: a save of these is not a save of the project.
_EDITOR_LITTER = (".#", "#", "~", ".swp", ".swx", ".tmp", ".part", ".kate-swp")

_LIVE_SCRIPT = (Path(__file__).parent / "data" / "live.js").read_bytes()


@dataclass(frozen=True)
class State:
    """What the open pages need to know: the build they show and, if the last build failed, why."""

    generation: int = 0  # grows with every build that changed a page
    error: str | None = None
    closing: bool = False  # the preview is stopping: event streams end

    def event(self) -> bytes:
        data = json.dumps({"generation": self.generation, "error": self.error}, ensure_ascii=False)
        return f"data: {data}\n\n".encode()


class Preview:
    """The builds and their outcome, shared between the watcher and the server's threads."""

    def __init__(self, config: Config, languages: tuple[str, ...], report: Callable[[str], None]):
        self.config, self.languages, self.report = config, languages, report
        self._state = State()
        self._changed = threading.Condition()

    @property
    def state(self) -> State:
        with self._changed:
            return self._state

    def rebuild(self) -> None:
        try:
            self.config = load_config(self.config.root)  # the settings may be what was saved
            result = build(self.config, FORMATS, self.languages)
        except PublisherError as exc:
            self._publish(State(self.state.generation, str(exc)))
            self.report(f"{exc}\n(the last good pages are still served; save the fixed file to rebuild)")
            return
        changed = bool(result.written or result.removed)
        for held in result.held_back:
            self.report(f"held back: {held.article} [{held.lang}] {held.format}: {held.reason}")
        self.report(f"rebuilt: {len(result.written)} written, {len(result.removed)} removed")
        self._publish(State(self.state.generation + changed, None))

    def _publish(self, state: State) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def close(self) -> None:
        self._publish(State(self.state.generation, self.state.error, closing=True))

    def wait(self, seen: State, timeout: float) -> State:
        """The state once it differs from `seen`, or as it is after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._state != seen, timeout)
            return self._state


SETTINGS_FILES = ("pyproject.toml", "publisher.toml")


def watched_folders(config: Config) -> list[Path]:
    """Everything a page is made from besides the settings: articles, catalogues, glossary, templates."""
    folders = [config.source_path, config.locales_path, config.glossary_path.parent]
    if config.templates_dir:
        folders.append(config.root / config.templates_dir)
    return [f for f in dict.fromkeys(folders) if f.is_dir()]


def is_project_file(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(_EDITOR_LITTER) or name.endswith(_EDITOR_LITTER))


def changes(config: Config, stop: threading.Event) -> Iterator[set[str]]:
    """The paths of each batch of saves, until `stop` is set. The settings are watched in the
    project folder itself, not recursively (so output/ and .git are not), and as names, since an
    editor that saves by renaming a new file into place replaces the file a watch would follow."""
    from watchfiles import watch  # imported here: only the live preview needs it

    batches: queue.Queue[set[str]] = queue.Queue()

    def follow(paths: list[Path], recursive: bool, wanted: Callable[[str], bool]) -> None:
        for batch in watch(*paths, recursive=recursive, watch_filter=lambda _, path: wanted(path),
                           debounce=DEBOUNCE_MS, step=50, stop_event=stop, raise_interrupt=False):
            batches.put({path for _, path in batch})

    watchers = [threading.Thread(target=follow, args=(watched_folders(config), True, is_project_file), daemon=True),
                threading.Thread(target=follow, args=([config.root], False, _is_settings), daemon=True)]
    for watcher in watchers:
        watcher.start()
    while not stop.is_set():
        try:
            batch = batches.get(timeout=0.2)
        except queue.Empty:
            continue
        while not batches.empty():  # saves that came in together make one rebuild
            batch |= batches.get()
        yield batch


def _is_settings(path: str) -> bool:
    return Path(path).name in SETTINGS_FILES


class _Handler(SimpleHTTPRequestHandler):
    """Files of output/html, never cached; HTML pages get the reload script; a page that does not
    exist yet while the build is broken shows the error instead of a 404."""

    preview: Preview

    def do_GET(self) -> None:
        if self.path.startswith(LIVE_PREFIX):
            self._live()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", _with_live_script(path.read_bytes(), self._tag()))
        elif not path.exists() and self.preview.state.error:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", self._error_page())
        else:
            super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal is for builds and their errors

    def _tag(self) -> bytes:
        generation = self.preview.state.generation
        return f'<script src="{LIVE_PREFIX}live.js?generation={generation}" defer></script>'.encode()

    def _error_page(self) -> bytes:
        return b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>publish serve</title>" + self._tag() + (
            b"</head><body><main><p>No page here yet: the build failed.</p></main></body></html>")

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _live(self) -> None:
        if self.path.startswith(f"{LIVE_PREFIX}live.js"):
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", _LIVE_SCRIPT)
        elif self.path == f"{LIVE_PREFIX}events":
            self._events()
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _events(self) -> None:
        """Server-sent events: the state now, then each change of it, until the page goes away."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.preview.state
        try:
            self.wfile.write(state.event())
            while not state.closing:
                self.wfile.flush()
                newer = self.preview.wait(state, HEARTBEAT_SECONDS)
                self.wfile.write(newer.event() if newer != state else b": still here\n\n")
                state = newer
        except (BrokenPipeError, ConnectionResetError):
            pass


def _with_live_script(page: bytes, tag: bytes) -> bytes:
    head = page.find(b"</head>")
    return page[:head] + tag + page[head:] if head >= 0 else page + tag


class Server:
    """The preview's HTTP server, running in a thread of its own."""

    def __init__(self, preview: Preview, host: str, port: int):
        handler = type("Handler", (_Handler,), {"preview": preview})
        directory = preview.config.output_path / "html"
        directory.mkdir(parents=True, exist_ok=True)
        try:
            self.httpd = ThreadingHTTPServer((host, port), partial(handler, directory=str(directory)))
        except OSError as exc:
            raise PublisherError(f"cannot serve on {host}:{port}: {exc.strerror}; "
                                 "choose another port with --port") from None
        self.httpd.daemon_threads = True
        self.preview = preview
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.preview.close()  # ends the event streams, so no open page holds the server up
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(config: Config, languages: tuple[str, ...], host: str, port: int,
          report: Callable[[str], None], stop: threading.Event | None = None) -> None:
    """Build, serve, and rebuild on every save until interrupted (or `stop` is set)."""
    stop = stop or threading.Event()
    preview = Preview(config, languages, report)
    preview.rebuild()
    with Server(preview, host, port) as server:
        report(f"serving {server.url} (Ctrl-C to stop)")
        try:
            for batch in changes(config, stop):
                report("changed: " + ", ".join(sorted({Path(p).name for p in batch})))
                preview.rebuild()
        except KeyboardInterrupt:
            report("stopped")
