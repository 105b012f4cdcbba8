"""Writing files so that a reader never sees half of one; locks; paths that stay where they belong.

Every temporary file the toolkit makes is named `.<name>.publisher-<12 hex digits>.tmp` beside
its target, so that nobody else's file can be mistaken for one: a sweep removes only such
files, only in the folders the toolkit writes, never through a symbolic link.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from publisher.errors import PublisherError

TEMPORARY = re.compile(r"\..+\.publisher-[0-9a-f]{12}\.tmp")


def temporary_name(target: str) -> str:
    return f".{target}.publisher-{os.urandom(6).hex()}.tmp"  # secrets.token_hex, without its imports


def is_temporary_for(name: str, target: str) -> bool:
    """Whether `name` is one of ours, made for a file called `target`."""
    return bool(TEMPORARY.fullmatch(name)) and name[1 : -len(".publisher-123456789abc.tmp")] == target


def with_path(exc: OSError, path: Path) -> OSError:
    """The same error naming the file: a write's own error (ENOSPC, EIO) carries no file name."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temporary file and os.replace; False if it was already so.
    A symbolic link is written through (its target is replaced, the link stays), and the file
    keeps its mode, owner and group."""
    if _holds(path, data):
        return False
    if path.is_symlink():  # written through: the target is replaced, the link stays
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = write_temporary(path, data, sync=True)
        try:
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise with_path(exc, path) from None
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data`, read a block at a time and only when its size is
    that of `data` (a 60 MB manifest is not read whole beside the one replacing it)."""
    try:
        with open(path, "rb", buffering=0) as handle:
            if os.fstat(handle.fileno()).st_size != len(data):
                return False
            at = 0
            while block := handle.read(min(_BLOCK, len(data) - at) or 1):
                if data[at : at + len(block)] != block:
                    return False
                at += len(block)
            return at == len(data)
    except OSError:
        return False


_BLOCK = 1 << 20


def write_atomic_all(files: list[tuple[Path, bytes]]) -> list[bool]:
    """write_atomic for many files, several at a time: each waits for the disk (fsync) in a thread
    of its own, and the file system commits the waits together. One file's error is raised once
    the others are done; each file is whole, old or new, either way."""
    if len(files) <= 1:
        return [write_atomic(path, data) for path, data in files]
    from concurrent.futures import ThreadPoolExecutor  # here: a no-op build, which writes no file, spares its import

    with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
        return list(pool.map(lambda item: write_atomic(*item), files))


_WRITERS = 8  # fsyncs in flight: on ext4, 1,000 catalogues take ~0.8 s instead of 3–7 s one by one


def write_temporary(path: Path, data: bytes, sync: bool = False, keep_permissions: bool = True) -> Path:
    """`data` in a new temporary file beside `path`, with the permissions `path` has (or those
    any new file gets: mkstemp's would be 0600, unreadable to a web server or the translator's group).
    `keep_permissions=False`: the caller found no file at `path` (one look fewer)."""
    while True:
        tmp = path.with_name(temporary_name(path.name))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise with_path(exc, path) from None
    try:
        try:  # on the descriptor itself: a file object would look at it three times more (fstat, lseek, ioctl)
            if keep_permissions:
                _keep_permissions(path, fd)
            written = memoryview(data)
            while written:
                written = written[os.write(fd, written):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise with_path(exc, path) from None
        raise
    return tmp


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


# --- Locks ---------------------------------------------------------------------------------------


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's lock: two commands never write catalogues or outputs at once."""
    with _lock(root / ".publisher.lock", "another publish command is working in this project"):
        yield


@contextmanager
def folder_lock(folder: Path, busy: str) -> Iterator[None]:
    """An exclusive lock on a folder itself (e.g. an output folder two projects may share): no lock
    file to plant a link in, and every path to the folder, links included, meets the same lock.
    A folder made only to be locked is removed again if nothing was written into it."""
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise with_path(exc, folder) from None
    try:
        with _flocked(fd, busy, folder):
            yield
    finally:
        os.close(fd)
        if created:
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: the command wrote into it


@contextmanager
def _lock(path: Path, busy: str) -> Iterator[None]:
    """An exclusive lock on `path`, created if needed; never through a symbolic link (it would
    create or truncate its target anywhere) and never on anything but a regular file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PublisherError("the lock file is a symbolic link; delete it (publish creates its own)",
                                 path) from None
        raise with_path(exc, path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PublisherError("the lock file is not a regular file; delete it (publish creates its own)", path)
        with _flocked(fd, busy, path):
            yield
    finally:
        os.close(fd)


@contextmanager
def _flocked(fd: int, busy: str, where: Path) -> Iterator[None]:
    """An exclusive flock on an open file or folder, refused at once (with `busy`) if another holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise PublisherError(f"{busy}; wait for it to finish and run this one again", where) from None
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


# --- Paths ---------------------------------------------------------------------------------------


def confined(root: Path, relative: object) -> Path | None:
    """`root/relative` if `relative` is a plain relative path that stays inside `root` (through any
    symbolic link on the way), else None. For paths read from files others can write."""
    base = real_path(str(root))
    return Path(base, relative) if stays_inside(base, relative) else None


def stays_inside(base: str, relative: object) -> bool:
    """Whether `relative` is a plain relative path that stays inside the real folder `base`."""
    return plain_relative(relative) and inside(base, real_path(os.path.dirname(os.path.join(base, relative))))


def plain_relative(relative: object) -> bool:
    """Whether `relative` is a relative path of plain names (no `..`, `.`, empty name, backslash, NUL)."""
    if not isinstance(relative, str) or "\\" in relative or "\0" in relative:
        return False
    framed = f"/{relative}/"  # an absolute or empty path, or an empty name, makes "//"
    return "//" not in framed and "/./" not in framed and "/../" not in framed


def inside(base: str, real: str) -> bool:
    """Whether the real path `real` is the real folder `base` or inside it."""
    return real == base or real.startswith(base + os.sep)


@lru_cache(maxsize=65536)
def real_path(path: str) -> str:
    """os.path.realpath, kept: a build checks thousands of files in a few folders. A command that
    writes clears it (real_path.cache_clear()) when it starts, under its lock."""
    return os.path.realpath(path)


def sweep_temporary(*folders: Path) -> None:
    """Remove the temporary files a killed run left behind: only ours (see TEMPORARY), only regular
    files, only in these folders and their subfolders, never following a symbolic link. Called
    with the lock held, so no running command still owns one."""
    for folder in folders:
        if folder.is_symlink() or not folder.is_dir():
            continue
        for parent, _, names in os.walk(folder, followlinks=False):
            for name in names:
                path = Path(parent, name)
                if TEMPORARY.fullmatch(name) and stat.S_ISREG(path.lstat().st_mode):
                    path.unlink(missing_ok=True)


def sweep_beside_linked_files(folder: Path) -> None:
    """Remove our temporaries beside the target of each file linked from `folder` (a catalogue
    linked to a desk's shared file is written through, its temporary staged beside the target,
    which may lie outside `folder`): only those made for that target's name."""
    for parent, _, names in os.walk(folder, followlinks=False):
        for link in (Path(parent, name) for name in names):
            if link.is_symlink():
                _remove_temporaries_for(Path(os.path.realpath(link)))


def _remove_temporaries_for(target: Path) -> None:
    try:
        beside = os.listdir(target.parent)
    except OSError:  # a dangling link's folder: nothing was staged there
        return
    for name in beside:
        if is_temporary_for(name, target.name):
            Path(target.parent, name).unlink(missing_ok=True)
