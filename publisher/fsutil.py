"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import fcntl
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.errors import PublisherError


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temporary file and os.replace; False if it was already so.
    A symbolic link is written through (its target is replaced, the link stays), and the file
    keeps its mode, owner and group."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _keep_permissions(path, handle.fileno())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path` with the permissions any new file gets (mkstemp's would be 0600,
    unreadable to a web server or to the translator's group)."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _keep_permissions(path: Path, fd: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        pass  # only the owner's own group can be kept by someone else; the mode still is
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's lock: two commands never write catalogues or outputs at once."""
    path = root / ".publisher.lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublisherError("another publish command is working in this project; wait for it to finish "
                                 "and run this one again", path) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class Staging:
    """Two-phase writing: stage files beside their targets, then commit them all or none.

    Staged files hold the new bytes in temporary files, so memory stays flat however many files
    a build writes; until commit() nothing a reader can see has changed, and abort() removes
    every temporary file.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, path: Path, data: bytes) -> bool:
        """Stage `data` for `path`; False (nothing staged) if the file already holds exactly it."""
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return False
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temporary(path)
        self._staged.append((tmp, path))
        with os.fdopen(fd, "wb") as handle:
            _keep_permissions(path, handle.fileno())
            handle.write(data)
        return True

    def commit(self, last: Iterable[Path] = ()) -> None:
        """Move every staged file into place; the paths in `last` (e.g. a feed) go last."""
        final = set(last)
        ordered = [pair for pair in self._staged if pair[1] not in final]
        ordered += [pair for pair in self._staged if pair[1] in final]
        for tmp, path in ordered:
            os.replace(tmp, path)
        self._staged = []

    def abort(self) -> None:
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []


def sweep_temporary(folder: Path) -> None:
    """Remove the temporary files a killed run left behind (ours: `.<name>.<random>.tmp`).
    Called with the project lock held, so no running command still owns one."""
    if folder.is_dir():
        for path in folder.rglob(".*.tmp"):
            path.unlink(missing_ok=True)
