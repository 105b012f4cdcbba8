"""The build's commit: staged files moved into place under a journal, so that it completes or
can be completed.

Every file a build writes is first staged as a temporary file beside its target (see fsutil).
When all are staged, and with them the manifest that vouches for the result (beside the one it
replaces), the journal (`output/.build/journal.json`) lists every move still to make, every stale
file to remove and the staged manifest's name; only then are the files moved. Ctrl-C during the
moves waits until they are done; if the process is killed outright (or the disk fails) halfway,
the next build first reads the journal and finishes the job ("rolls forward") before anything
else, so output/ is never left half old, half new.

The journal sits in a folder others may write into: it is decoded against declared types and
each path is checked (a temporary file of ours beside its target, inside the output folder or
the project's ledger folder) before anything is moved; a journal that fails the checks is set
aside and the build starts again from nothing. Files of the wire's outbox are written once: a
move never replaces one that is there, and a journal that would remove one is not followed.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from publisher.buildcache import CHECKS_NAME, VERSIONS_NAME
from publisher.errors import BuildInterrupted, PublisherError
from publisher.fsutil import confined, is_temporary_for, with_path, write_atomic, write_temporary
from publisher.layout import COLLECTIONS_NAME, JOURNAL_NAME, NARROWED_PREFIX, OUTBOX_ROWS_NAME, SLUG_RE
from publisher.manifest import MANIFEST_NAME, FileRecord, output_path, project_key, record
from publisher.textchars import printable
from publisher.wire.outbox import write_once as wire_write_once

# What a path is relative to: the output folder, the build's own folder in it, the project.
OUTPUT, CACHE, PROJECT = "output", "cache", "project"
_NARROWED = re.compile(rf"{NARROWED_PREFIX}[0-9a-f]{{16}}")
STATE_DIRS = ("ledger",)  # the only project folders a build writes (the version ledger)


class Move(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    base: str  # OUTPUT, CACHE or PROJECT
    path: str  # the target, relative to its base
    temporary: str  # the staged file's name, beside the target


class Journal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    project: str
    moves: list[Move]
    remove: list[str]  # output-relative
    manifest: str | None  # the staged manifest, beside manifest_name, installed once all is in place
    # (None: leave the manifest alone). Its name, not its bytes: a thousand articles' manifest is 6 MB.
    manifest_name: str = MANIFEST_NAME  # where in .build/ (a narrowed build's is in its own folder)


@dataclass
class Staging:
    """Files staged beside their targets; nothing a reader can see has changed until commit()."""

    out: Path
    project: Path
    moves: list[Move] = field(default_factory=list)
    # Outbox files found holding other bytes than those staged for them: never replaced (written
    # once), so the records are of what is there.
    kept_once: dict[str, FileRecord] = field(default_factory=dict)

    def stage(self, base: str, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative`; False (nothing staged) if the file already holds exactly it."""
        target = self.path(base, relative)
        if target is None:
            where = "the project's ledger folder" if base == PROJECT else "the output folder"
            raise PublisherError(f"refusing to write outside {where}: {relative}")
        exists = True
        try:
            if write_once(base, relative) and os.path.lexists(target):
                self._keep_once(relative, target, data)
                return False  # an outbox file, written once: what is there stays (see publisher.wire.outbox)
            info = target.lstat()
            if stat.S_ISDIR(info.st_mode):  # found now, not halfway through the moves
                raise PublisherError("a folder is where the build puts a file: move it away, then build again; "
                                     "nothing was written", str(target))
            if info.st_size == len(data) and not stat.S_ISLNK(info.st_mode) and target.read_bytes() == data:
                return False
        except FileNotFoundError:
            exists = False  # a new file: no permissions to keep (write_temporary), and maybe a new folder
        except OSError:
            pass
        try:
            tmp = write_temporary(target, data, keep_permissions=exists)
        except FileNotFoundError:  # its folder is new (asked only then: most files go where others already are)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except (NotADirectoryError, FileExistsError):
                raise _file_in_the_way(target) from None
            except OSError as exc:
                raise with_path(exc, target.parent) from None
            tmp = write_temporary(target, data, keep_permissions=exists)
        except NotADirectoryError:
            raise _file_in_the_way(target) from None
        self.moves.append(Move(base, relative, tmp.name))
        return True

    def _keep_once(self, relative: str, target: Path, data: bytes) -> None:
        """An outbox file that is there: its record in kept_once if it holds other bytes than `data`."""
        try:
            info = target.lstat()
            if not stat.S_ISREG(info.st_mode):
                return
            found = None if info.st_size == len(data) and target.read_bytes() == data else record(target.read_bytes())
        except OSError:
            return
        if found is not None:
            self.kept_once[relative] = found

    def path(self, base: str, relative: str) -> Path | None:
        if base == OUTPUT:
            return output_path(self.out, relative)
        if base == CACHE:
            return self.out / ".build" / relative if _cache_file(f".build/{relative}") else None
        if base == PROJECT and relative.split("/", 1)[0] in STATE_DIRS:
            return confined(self.project, relative)
        return None

    def abort(self) -> None:
        for move in self.moves:
            target = self.path(move.base, move.path)
            if target is not None:
                target.with_name(move.temporary).unlink(missing_ok=True)
        self.moves = []


def commit(cache_dir: Path, staging: Staging, order: Callable[[Move], int], remove: list[str],
           manifest: bytes | None, final_manifest: Callable[[], bytes] | None = None,
           manifest_name: str = MANIFEST_NAME) -> None:
    """Move every staged file into place (in `order`), remove `remove`, install the manifest.

    `manifest` is staged and named in the journal, for a commit cut short; `final_manifest()`,
    computed once the files are in place (it records their inodes and times), is what an
    uninterrupted commit installs."""
    moves = sorted(staging.moves, key=order)
    staged = write_temporary(cache_dir / manifest_name, manifest) if manifest is not None else None
    del manifest  # not held while the final one is made
    journal = Journal(project_key(staging.project), moves, sorted(remove),
                      staged.name if staged is not None else None, manifest_name)
    try:
        write_atomic(cache_dir / JOURNAL_NAME, msgspec.json.encode(journal) + b"\n")
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)  # as Staging.abort removes the files staged
        raise
    staging.moves = []
    with _uninterrupted():
        _apply(cache_dir, staging, journal, final_manifest)


def recover(cache_dir: Path, out: Path, project: Path) -> list[str]:
    """Finish a commit that was cut short; what was done, for the report."""
    path = cache_dir / JOURNAL_NAME
    if not path.exists():
        return []
    name = f"{out.name}/.build/{JOURNAL_NAME}"
    staging = Staging(out, project)
    try:
        journal = msgspec.json.decode(path.read_bytes(), type=Journal)
        problem = _problem(journal, staging)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        problem = f"unreadable ({str(exc)[:200]})"
    if problem:
        # Not ours to follow: set it aside with the manifest, so that everything is built again.
        for manifest in [cache_dir / MANIFEST_NAME, *cache_dir.glob(f"{NARROWED_PREFIX}*/{MANIFEST_NAME}")]:
            manifest.unlink(missing_ok=True)
        path.unlink()
        return [f"{name}: {problem}; it was ignored, and everything is built again"]
    with _uninterrupted():
        done = _apply(cache_dir, staging, journal, None)
    return [f"{name}: the previous build was cut short while moving its files into place; "
            f"finished it ({done} file(s) moved, {len(journal.remove)} removed)"]


def _problem(journal: Journal, staging: Staging) -> str | None:
    if not _manifest_name(journal.manifest_name):
        return f"a manifest outside the build's folder: {journal.manifest_name[:200]!r}"
    if journal.manifest is not None and not is_temporary_for(journal.manifest, MANIFEST_NAME):
        return f"not a temporary file of this toolkit: {journal.manifest[:200]!r}"
    if journal.project != project_key(staging.project) and any(m.base == PROJECT for m in journal.moves):
        return f"left by another project ({printable(journal.project[:200])})"
    for move in journal.moves:
        if staging.path(move.base, move.path) is None:
            return f"a path outside the output or ledger folder: {move.path[:200]!r}"
        if not is_temporary_for(move.temporary, move.path.rsplit("/", 1)[-1]):
            return f"not a temporary file of this toolkit: {move.temporary[:200]!r}"
    for relative in journal.remove:
        if output_path(staging.out, relative) is None and not _cache_file(relative):
            return f"a path outside the output folder: {relative[:200]!r}"
        if write_once(OUTPUT, relative):
            return f"it would remove a file of the wire's outbox, which no build removes: {relative[:200]!r}"
    return None


def _manifest_name(name: str) -> bool:
    """The full build's manifest, or a narrowed build's in its own folder."""
    folder, _, rest = name.rpartition("/")
    return rest == MANIFEST_NAME and (not folder or bool(_NARROWED.fullmatch(folder)))


def write_once(base: str, relative: str) -> bool:
    return base == OUTPUT and wire_write_once(relative)


def _create(tmp: Path, target: Path) -> None:
    """Move a write-once file into place only if nothing is there (a link never replaces a file)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        pass
    tmp.unlink()


def _cache_file(relative: str) -> bool:
    """An article's cache entry (.build/<slug>.json), which a build writes, and removes with the
    article; the check errors found (.build/_checks.json); and what each build's collections were
    made from (_collections.json, and every article's versions, _versions.json) and the wire's
    outbox as it listed it (_outbox.json): in .build/ or a narrowed build's folder."""
    folder, _, name = relative.partition("/")
    if folder != ".build":
        return False
    narrowed, _, entry = name.rpartition("/")
    if narrowed and not _NARROWED.fullmatch(narrowed):
        return False
    return (entry == CHECKS_NAME and not narrowed or entry in (COLLECTIONS_NAME, VERSIONS_NAME, OUTBOX_ROWS_NAME) or entry.endswith(".json")
            and bool(SLUG_RE.fullmatch(entry.removesuffix(".json"))))


def _apply(cache_dir: Path, staging: Staging, journal: Journal, final_manifest: Callable[[], bytes] | None) -> int:
    moved = 0
    try:
        for move in journal.moves:
            target = staging.path(move.base, move.path)
            assert target is not None  # checked when staged or read
            tmp = target.with_name(move.temporary)
            if not tmp.is_file() or tmp.is_symlink():  # a link planted under our name is not moved
                continue
            if write_once(move.base, move.path):
                _create(tmp, target)
            else:
                os.replace(tmp, target)
            moved += 1
        for relative in journal.remove:
            target = output_path(staging.out, relative) or (staging.out / relative)
            target.unlink(missing_ok=True)
        _install_manifest(cache_dir / journal.manifest_name, journal.manifest, final_manifest)
        (cache_dir / JOURNAL_NAME).unlink()
    except OSError as exc:
        where = exc.filename or cache_dir
        raise PublisherError(f"{exc.strerror or exc} while moving the build's files into place; the output "
                             "folder is part old, part new until the next publish build finishes the job "
                             f"(the journal {JOURNAL_NAME} says what is left)", where) from None
    return moved


def _file_in_the_way(target: Path) -> PublisherError:
    """The error for a file (or a link to one) where a file to be staged needs a folder."""
    blocking = next((folder for folder in target.parents if os.path.lexists(folder) and not folder.is_dir()),
                    target.parent)
    return PublisherError("a file is where the build needs a folder: move it away, then build again; "
                          "nothing was written", str(blocking))


def _install_manifest(path: Path, staged_name: str | None, final_manifest: Callable[[], bytes] | None) -> None:
    """The final manifest, or (finishing a commit cut short) the one staged, if it is still there;
    the staged one goes only once the final one is in place (a kill in between: the next build
    installs the staged one, which vouches for the same files)."""
    staged = path.with_name(staged_name) if staged_name is not None else None
    if final_manifest is not None:
        write_atomic(path, final_manifest())
        if staged is not None:
            staged.unlink(missing_ok=True)
    elif staged is not None and staged.is_file() and not staged.is_symlink():  # not a link planted under its name
        os.replace(staged, path)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits until the moves are done (then says so); kill -9 is what the journal is for."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise BuildInterrupted("the build had already started moving its files into place and finished doing "
                               "so: the output folder is complete and consistent")
