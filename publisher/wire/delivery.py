"""`publish deliver`: push to each partner the outbox files it has not yet received.

A partner with a `protocol` (`[tool.publisher.partners.<name>]`) receives, in outbox order, every
item version of its profile (`.xml` for newsml, `.json` for ninjs) in its languages, with each
story's package, under the outbox file's own name (`<article id>@kk-v2.xml`): one file per item
version, as FTP and file ingest (Superdesk's among them) read them.

    deliveries/<partner>.jsonl    the delivery log, in the project: one line per attempt that
                                  ended (file, guid, version, sha256, time, result)

A file is sent only if the log has no `delivered` line for it, so no partner receives a version
twice; a run cut short (a crash, a lost connection) resumes where it stopped. Each upload goes
to a temporary name (`.<name>.part`) and is renamed when complete, so a partner never sees a
partial file under a final name; a file already there under its final name (the rename made it,
the log line did not) is logged as delivered without sending it again. Before sending, each
file's bytes are checked against the sha256 the ledger recorded. A failed connection or upload
is tried again on a new connection, from the file that failed, `retries` times in all, waiting
1 s, 2 s, 4 s… between them (a refused login is not retried); a partner that still fails is
reported with its reason and the others go on.

Passwords come from the environment variable `password_env` names; SFTP keys and known-hosts
files must lie outside the project (publisher.config checks it).
"""

from __future__ import annotations

import ftplib
import io
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from publisher.config import Config, Partner
from publisher.errors import PublisherError
from publisher.fsutil import write_atomic
from publisher.wire import outbox
from publisher.wire.ledger import format_time
from publisher.wire.newsday import project_ledgers

LOG_DIR = "deliveries"
BACKOFF = 1.0  # seconds before the second attempt; doubled before each next one
TIMEOUT = 30.0  # seconds a connection may stay silent
DEFAULT_PORTS = {"ftp": 21, "ftps": 21, "sftp": 22, "https": 443, "http": 80}


@dataclass(frozen=True)
class Parcel:
    """One outbox file for one partner."""

    name: str  # its name at the partner
    source: Path
    sha256: str  # "sha256:…", as the ledger recorded it
    guid: str
    version: int


@dataclass
class Outcome:
    partner: str
    where: str
    sent: list[str]
    already: list[str]  # there under the final name already: logged, not sent again
    pending: list[str]  # what a dry run would send
    error: str | None = None


class Transport:
    """What a protocol offers: whether a final name exists, and an upload renamed into place."""

    def exists(self, name: str, size: int) -> bool:
        raise NotImplementedError

    def put(self, name: str, data: bytes, parcel: Parcel) -> None:
        raise NotImplementedError


def deliver(config: Config, names: tuple[str, ...] = (), dry_run: bool = False,
            log: Callable[[str], None] = lambda line: None) -> list[Outcome]:
    """Deliver to each pushing partner (or those `names`); one Outcome each, failures included."""
    pushing = {name: p for name, p in sorted(config.partners.items()) if p.protocol}
    unknown = sorted(set(names) - set(pushing))
    if unknown:
        raise PublisherError(f"no partner {', '.join(unknown)} with a protocol in [tool.publisher.partners]; "
                             f"the partners that publish deliver sends to are: {', '.join(pushing) or 'none'}")
    entries = outbox.entries(project_ledgers(config))
    outcomes = []
    for name, partner in pushing.items():
        if names and name not in names:
            continue
        outcomes.append(_deliver_one(config, name, partner, entries, dry_run, log))
    return outcomes


def parcels(config: Config, partner: Partner, entries: list[outbox.Entry]) -> list[Parcel]:
    """The partner's share of the outbox, in outbox order."""
    suffix = ".xml" if partner.profile == "newsml" else ".json"
    found = []
    for entry in entries:
        if entry.kind == "text" and partner.languages and entry.language not in partner.languages:
            continue
        digest = entry.version.sent if partner.profile == "newsml" else entry.version.outbox.ninjs
        found.append(Parcel(Path(entry.file).name + suffix, config.output_path / (entry.file + suffix), digest,
                            entry.guid, entry.version.version))
    return found


def delivered(config: Config, name: str) -> set[str]:
    """The files the log says the partner has."""
    path = _log_path(config, name)
    if not path.exists():
        return set()
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
            if record["result"] == "delivered":
                found.add(str(record["file"]))
        except (ValueError, KeyError, TypeError):
            raise PublisherError(f"not a delivery record ({line[:80]!r}); remove the line, and the partner may "
                                 f"be sent that file again", path, number) from None
    return found


def _deliver_one(config: Config, name: str, partner: Partner, entries, dry_run: bool, log) -> Outcome:
    have = delivered(config, name)
    todo = [p for p in parcels(config, partner, entries) if p.name not in have]
    outcome = Outcome(name, _where(partner), [], [], [p.name for p in todo] if dry_run else [])
    for attempt in range(partner.retries if todo and not dry_run else 0):
        try:
            _session(config, name, partner, todo, outcome, log)
            outcome.error = None
            break
        except _failures() as exc:  # that partner's failure, not the run's: the others go on
            outcome.error = _reason(exc)
            if isinstance(exc, (_Refused, PublisherError)) or attempt + 1 == partner.retries:
                break  # a wrong password or a damaged file stays so: no retry
            time.sleep(BACKOFF * 2 ** attempt)
    return outcome


def _session(config: Config, name: str, partner: Partner, todo: list[Parcel], outcome: Outcome, log) -> None:
    """One connection: send what is left of `todo` (emptied as files arrive); a failure is logged."""
    with _connect(partner, config.root) as transport:
        while todo:
            parcel = todo[0]
            try:
                data = _checked_bytes(parcel)
                there = transport.exists(parcel.name, len(data))
                if not there:
                    transport.put(parcel.name, data, parcel)
            except _failures() as exc:
                _record(config, name, parcel, f"failed: {_reason(exc)}")
                raise
            (outcome.already if there else outcome.sent).append(parcel.name)
            _record(config, name, parcel, "delivered")
            log(f"{name}: {parcel.name}")
            todo.pop(0)


def _failures() -> tuple[type[BaseException], ...]:
    """What a partner's connection can fail with: the network, the server's answers, our checks."""
    import asyncssh
    import urllib3

    return OSError, EOFError, ftplib.Error, PublisherError, _Remote, asyncssh.Error, urllib3.exceptions.HTTPError


def _checked_bytes(parcel: Parcel) -> bytes:
    if not parcel.source.is_file():
        raise PublisherError(f"{parcel.guid} version {parcel.version} is in the ledger but not in the outbox; run "
                             f"publish build (it writes the latest versions again; earlier ones only a backup of "
                             f"output/wire/ holds)", parcel.source)
    data = parcel.source.read_bytes()
    if outbox.digest(data) != parcel.sha256:
        raise PublisherError(f"{parcel.source.name} is not the bytes the ledger recorded for {parcel.guid} version "
                             f"{parcel.version}; nothing more is sent to this partner: restore the file "
                             f"from a backup of output/wire/", parcel.source)
    return data


def _record(config: Config, name: str, parcel: Parcel, result: str) -> None:
    path = _log_path(config, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"file": parcel.name, "guid": parcel.guid, "version": parcel.version, "sha256": parcel.sha256,
                       "at": format_time(datetime.now(timezone.utc)), "result": result}, ensure_ascii=False)
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())


def _log_path(config: Config, name: str) -> Path:
    return config.root / LOG_DIR / f"{name}.jsonl"


def _where(partner: Partner) -> str:
    if partner.protocol == "folder":
        return partner.path
    port = partner.port or DEFAULT_PORTS[partner.protocol]
    return f"{partner.protocol}://{partner.host}:{port}/{partner.path.lstrip('/')}"


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, PublisherError) else str(exc)


class _Remote(Exception):
    """The partner's server answered with a failure."""


class _Refused(_Remote):
    """The partner's server refused our credentials: trying again will not help."""


def _password(partner: Partner) -> str:
    if not partner.password_env:
        return ""
    value = os.environ.get(partner.password_env)
    if value is None:
        raise PublisherError(f"the environment variable {partner.password_env} (password_env) is not set; set it "
                             f"to the partner's password")
    return value


# --- Transports -------------------------------------------------------------------------------


@contextmanager
def _connect(partner: Partner, root: Path) -> Iterator[Transport]:
    if partner.protocol != "folder" and not partner.host:
        raise PublisherError(f"no host for protocol {partner.protocol}; set host")
    connect = {"folder": _folder, "ftp": _ftp, "ftps": _ftp, "sftp": _sftp, "https": _http, "http": _http}
    with connect[partner.protocol](partner, root) as transport:
        yield transport


@contextmanager
def _folder(partner: Partner, root: Path) -> Iterator[Transport]:
    if not partner.path:
        raise PublisherError("no path for protocol folder; set path to the partner's drop folder")
    folder = root / Path(partner.path).expanduser()  # a relative path is the project's
    folder.mkdir(parents=True, exist_ok=True)

    class Folder(Transport):
        def exists(self, name: str, size: int) -> bool:
            return (folder / name).is_file() and (folder / name).stat().st_size == size

        def put(self, name: str, data: bytes, parcel: Parcel) -> None:
            write_atomic(folder / name, data)  # a temporary file beside it, then os.replace

    yield Folder()


@contextmanager
def _ftp(partner: Partner, root: Path) -> Iterator[Transport]:
    client = ftplib.FTP_TLS(timeout=TIMEOUT) if partner.protocol == "ftps" else ftplib.FTP(timeout=TIMEOUT)
    client.connect(partner.host, partner.port or 21)
    try:
        try:
            client.login(partner.user or "anonymous", _password(partner))
        except ftplib.error_perm as exc:
            raise _Refused(f"login refused: {exc}") from None
        if partner.protocol == "ftps":
            client.prot_p()  # the data connection encrypted too
        if partner.path:
            client.cwd(partner.path)
        client.voidcmd("TYPE I")

        class Ftp(Transport):
            def exists(self, name: str, size: int) -> bool:
                try:
                    return client.size(name) == size
                except ftplib.error_perm:  # 550: no such file
                    return False

            def put(self, name: str, data: bytes, parcel: Parcel) -> None:
                part = f".{name}.part"
                client.storbinary(f"STOR {part}", io.BytesIO(data))
                client.rename(part, name)

        yield Ftp()
    finally:
        try:
            client.quit()
        except (OSError, EOFError, ftplib.Error):
            client.close()


@contextmanager
def _sftp(partner: Partner, root: Path) -> Iterator[Transport]:
    """asyncssh, run on a loop of our own: the one well-kept SSH library that is both client and server."""
    import asyncio

    import asyncssh

    loop = asyncio.new_event_loop()
    options = {"username": partner.user or None, "connect_timeout": TIMEOUT}
    if partner.known_hosts:  # else asyncssh reads ~/.ssh/known_hosts, and refuses a host it does not list
        options["known_hosts"] = str(root / Path(partner.known_hosts).expanduser())
    if partner.key_file:
        options["client_keys"] = [str(root / Path(partner.key_file).expanduser())]
    password = _password(partner)
    if password:
        options["password"] = password

    async def connect():
        try:
            connection = await asyncssh.connect(partner.host, partner.port or 22, **options)
        except asyncssh.PermissionDenied as exc:
            raise _Refused(f"login refused: {exc}") from None
        return connection, await connection.start_sftp_client()

    try:
        connection, sftp = loop.run_until_complete(connect())
    except BaseException:
        loop.close()
        raise
    folder = partner.path.rstrip("/") or "."
    try:
        class Sftp(Transport):
            def exists(self, name: str, size: int) -> bool:
                async def check():
                    try:
                        return (await sftp.stat(f"{folder}/{name}")).size == size
                    except asyncssh.SFTPNoSuchFile:
                        return False
                return loop.run_until_complete(check())

            def put(self, name: str, data: bytes, parcel: Parcel) -> None:
                async def upload():
                    part = f"{folder}/.{name}.part"
                    async with sftp.open(part, "wb") as remote:
                        await remote.write(data)
                    await sftp.rename(part, f"{folder}/{name}")
                loop.run_until_complete(upload())

        yield Sftp()
    finally:
        connection.close()
        loop.run_until_complete(connection.wait_closed())
        loop.close()


@contextmanager
def _http(partner: Partner, root: Path) -> Iterator[Transport]:
    """A POST per file to the partner's address; 2xx is received. A server cannot be asked what
    it holds, so each POST carries the file's name and sha256 for the receiver to drop a repeat."""
    import urllib3

    pool = urllib3.PoolManager(timeout=urllib3.Timeout(TIMEOUT), retries=False)
    base = f"{partner.protocol}://{partner.host}:{partner.port or DEFAULT_PORTS[partner.protocol]}"
    url = base + "/" + partner.path.lstrip("/")
    password = _password(partner)
    auth = urllib3.make_headers(basic_auth=f"{partner.user}:{password}") if partner.user else {}

    class Http(Transport):
        def exists(self, name: str, size: int) -> bool:
            return False

        def put(self, name: str, data: bytes, parcel: Parcel) -> None:
            kind = "application/vnd.iptc.g2.newsitem+xml" if name.endswith(".xml") else "application/json"
            headers = {**auth, "Content-Type": kind, "X-Filename": name, "Idempotency-Key": parcel.sha256}
            response = pool.request("POST", url, body=data, headers=headers)
            if response.status in (401, 403):
                raise _Refused(f"{url} refused us: HTTP {response.status}")
            if not 200 <= response.status < 300:
                raise _Remote(f"{url} answered HTTP {response.status}")

    try:
        yield Http()
    finally:
        pool.clear()

