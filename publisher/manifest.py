"""What the last build was made from and what it wrote: output/.build/manifest.json.

For each article: its id, a content hash of its inputs (source, catalogues, ledger), the files it
wrote with their SHA-256 and size, and what was held back; the same for the collections (indexes,
editions, the feed). A build compares each article's input hash with it and skips the article
when nothing changed: a no-op build reads only file bytes, never parses a catalogue, and reads
no input that is as the manifest saw it when it last read it (`article_inputs`). It also
compares each output file with what the manifest says was written (a file whose inode, size and
times are unchanged is not read again), so a deleted or overwritten output is rendered again.

The manifest lives in a folder others may write into (a restored CI cache, a shared web root): it
is plain JSON, decoded against the declared types below and checked (every path stays inside the
output folder, the project is this one), and anything unexpected means "rebuild, remove nothing".
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import msgspec

import publisher
from publisher.fsutil import confined, inside, plain_relative, real_path, stays_inside
from publisher.layout import COLLECTIONS_NAME, ID_RE, OUTBOX_ROWS_NAME, SLUG_RE
from publisher.textchars import printable

if TYPE_CHECKING:
    from publisher.config import Config

MANIFEST_NAME = "manifest.json"
FORMAT = 2  # the layout below; a manifest of another layout is not read
COLLECTIONS = "*"  # the pseudo-article owning the indexes, editions and feed
_PACKAGE = Path(publisher.__file__).resolve().parent
STATE_NAMES = frozenset({OUTBOX_ROWS_NAME, COLLECTIONS_NAME})  # see Manifest.state
NO_STAMP = (0, 0, 0)  # a record made from bytes, of a file not yet seen written


# The records hold strings, numbers and containers of those, never a cycle: the cyclic collector does
# not track them (gc=False), 16 bytes less each and no walk over 280,000 of them at N=10,000.
class FileRecord(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True, gc=False):
    """A file as written: its hash and size, and (inode, mtime_ns, ctime_ns) when last seen so."""

    sha256: str
    size: int
    stamp: tuple[int, int, int] = NO_STAMP


# An input file as a build found it: (project-relative path, size, mtime_ns, inode, ctime_ns, the
# SHA-256 of its bytes); a missing file has size -1 and zeros, a racy one size -2 and no digest.
Seen = tuple[str, int, int, int, int, str]


class ArticleRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    id: str
    inputs: str  # the hash of its source, catalogues and ledger
    files: dict[str, FileRecord]  # output-relative path → record
    held_back: list[tuple[str, str, str]] = []  # (lang, format, reason)
    cache: FileRecord | None = None  # .build/<slug>.json, the localized versions the collections need
    # (the collections' record: .build/_versions.json, every article's, see buildcache)
    seen: tuple[Seen, ...] = ()  # each input as it was when `inputs` was hashed (see article_inputs)


class Manifest(msgspec.Struct, forbid_unknown_fields=True):
    format: int = FORMAT
    project: str = ""  # the project folder that wrote it: another project's manifest is foreign
    build_hash: str = ""  # settings, glossary, templates, the toolkit itself, the build options
    articles: dict[str, ArticleRecord] = {}  # slug (or COLLECTIONS) → record
    # The build's own files beside it that the next build goes on from, by name (STATE_NAMES): what
    # the wire listed (_outbox.json) and what the collections were made from (_collections.json).
    # Each is used only while it holds the bytes recorded here, as _versions.json is (its record
    # is the collections' cache).
    state: dict[str, FileRecord] = {}

    def dumps(self) -> bytearray:
        """Its JSON and a newline, encoded into one buffer: `encode(self) + b"\\n"` would hold the
        encoding twice at once, 60 MB each at N=10,000."""
        data = bytearray()
        _ENCODER.encode_into(self, data)
        data.append(0x0A)
        return data


_ENCODER = msgspec.json.Encoder()


class Loaded(NamedTuple):
    manifest: Manifest
    problem: str | None  # why it is empty: the manifest found was not to be trusted
    owned: bool = False  # its bytes are those of `known` (publisher.owned): not checked


def load(folder: Path, out: Path, project: Path, keep: bool = False, known: str | None = None) -> Loaded:
    """The manifest in `folder`; an empty one (and why) when there is none or it is not to be trusted.
    One whose bytes have the SHA-256 `known` (the one this user's last build committed) is owned:
    its paths are not checked again (those a link leads out of the output folder are).

    `keep`: it is also kept for the next load in this process, which decodes nothing when it reads
    the same bytes: `publish build` first decides whether it has anything to do (publisher.entry),
    and a build with work to do then loads the manifest again (decoding it and checking its 27,000
    paths took 0.24 s at N=1,000). The kept one goes at the next load, whatever it reads; what a
    link on the way to a folder may lead to is looked up again by each load."""
    global _kept
    kept, _kept = _kept, None
    path = folder / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(Manifest(), None)
    except OSError as exc:
        return Loaded(Manifest(), f"cannot read it ({exc.strerror})")
    key = (str(path), project_key(project))
    if kept is not None and kept.key == key and kept.raw == raw:
        manifest, folders, owned = _copy(kept.manifest), kept.folders, kept.owned
    else:
        try:
            manifest = msgspec.json.decode(raw, type=Manifest)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
            return Loaded(Manifest(), f"not a manifest this toolkit wrote ({str(exc)[:200]})")
        owned = (known is not None and hashlib.sha256(raw).hexdigest() == known
                 and (manifest.format, manifest.project) == (FORMAT, key[1]))
        problem, folders = (None, _folders(manifest)) if owned else _problem(manifest, key[1])
        if problem:
            return Loaded(Manifest(), problem)
    outside = _outside(folders, out)
    if outside is not None:
        return Loaded(Manifest(), f"a path outside the output folder (through a symbolic link) {outside[:200]!r}")
    if keep:
        _kept = _Kept(key, raw, manifest, folders, owned)
        return Loaded(_copy(manifest), None, owned)
    return Loaded(manifest, None, owned)


def forget_kept() -> None:
    """No manifest kept (see load) any longer."""
    global _kept
    _kept = None


def _copy(manifest: Manifest) -> Manifest:
    """A manifest whose records a build may refresh (publisher.uptodate.Plan replaces some in its
    `articles`; the records themselves are frozen) while the kept one stays as decoded."""
    return msgspec.structs.replace(manifest, articles=dict(manifest.articles))


class _Kept(NamedTuple):
    key: tuple[str, str]  # the manifest's path, the project's
    raw: bytes  # its bytes (compared whole: no hash to compute on a no-op build, which keeps them too)
    manifest: Manifest  # as decoded from them
    folders: dict[str, bool]  # _problem's
    owned: bool


_kept: _Kept | None = None  # see load


def _problem(manifest: Manifest, project: str) -> tuple[str | None, dict[str, bool]]:
    """What makes the manifest untrustworthy, found in its bytes alone; and the folders its paths
    are in ("" or ending in /, each mapped to whether it may hold outputs)."""
    folders: dict[str, bool] = {}
    if manifest.format != FORMAT:
        return f"written by another version of the toolkit (layout {manifest.format})", folders
    if not manifest.project:
        return "incomplete (it names no project)", folders
    if manifest.project != project:
        return f"written by another project ({printable(manifest.project[:200])})", folders
    for slug, record in manifest.articles.items():
        if slug != COLLECTIONS and not SLUG_RE.fullmatch(slug):
            return f"an unusable article name {slug[:100]!r}", folders
        if slug != COLLECTIONS and not ID_RE.fullmatch(record.id):
            return f"an unusable article id {record.id[:100]!r}", folders
        for relative in record.files:
            if not _may_hold(folders, relative):
                return f"a path outside the output folder {relative[:200]!r}", folders
        if any(not text.isprintable() for row in record.held_back for text in row):
            return "a held-back reason no terminal should print", folders  # it is printed by every no-op build
    if not set(manifest.state) <= STATE_NAMES:
        return f"an unknown state file {sorted(set(manifest.state) - STATE_NAMES)[0][:100]!r}", folders
    return None, folders


def vouches(manifest: Manifest, name: str, raw: bytes) -> bool:
    """Whether `raw` are the bytes the manifest recorded for its state file `name`."""
    expected = manifest.state.get(name)
    return expected is not None and record(raw) == FileRecord(expected.sha256, expected.size)


def _folders(manifest: Manifest) -> dict[str, bool]:
    """The folders of an owned manifest's paths, as _problem finds them (each may hold outputs)."""
    return dict.fromkeys({relative[: relative.rfind("/") + 1] for record in manifest.articles.values()
                          for relative in record.files}, True)


def _outside(folders: dict[str, bool], out: Path) -> str | None:
    """The first folder of the manifest's paths that a symbolic link leads out of the output folder."""
    real_out = real_path(str(out))
    return next((f for f in sorted(folder[:-1] for folder in folders)  # each folder looked up once
                 if not inside(real_out, real_path(os.path.join(real_out, f)))), None)


def _may_hold(folders: dict[str, bool], relative: str) -> bool:
    """plain_relative(relative) and not in .build/, with its folder tested once for all its files
    (a full build's manifest names 27,000 files in a few dozen folders): a path is plain when its
    folder is and its last name is."""
    name = relative.rpartition("/")[2]
    folder = relative[: len(relative) - len(name)]
    plain = folders.get(folder)
    if plain is None:
        plain = folders[folder] = not folder or plain_relative(folder[:-1]) and not folder.startswith(".build/")
    return plain and name not in _UNPLAIN_NAMES and "\\" not in name and "\0" not in name  # plain_relative(name)


_UNPLAIN_NAMES = ("", ".", "..")  # the names plain_relative refuses, besides those with a backslash or NUL


def output_path(out: Path, relative: str) -> Path | None:
    """Where an output-relative path from the manifest (or the journal) points, if it may be touched:
    inside the output folder, through no symbolic link that leads out, and not the build's own folder."""
    return confined(out, relative) if may_touch(real_path(str(out)), relative) else None


def may_touch(real_out: str, relative: object) -> bool:
    return stays_inside(real_out, relative) and not relative.startswith(".build/")


def project_key(root: Path) -> str:
    return str(root.resolve())


# --- Files as written ---------------------------------------------------------------------------------


def record(data: bytes) -> FileRecord:
    return FileRecord(hashlib.sha256(data).hexdigest(), len(data))


def stamped(path: Path, rec: FileRecord) -> FileRecord:
    """The record with the file's current stamp, after the build wrote (or found) it so."""
    try:
        st = os.lstat(path)
    except OSError:
        return rec
    return FileRecord(rec.sha256, rec.size, _stamp(st))


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


def check(path: Path | str, rec: FileRecord) -> FileRecord | None:
    """The file's record if it still holds what was written (refreshed when only its stamp moved);
    None if it is missing, not a regular file, or holds other bytes."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return _as_found(path, st, rec)


def _as_found(path: Path | str, st: os.stat_result, rec: FileRecord) -> FileRecord | None:
    """check's answer for the file at `path`, of which lstat found `st`."""
    if not stat.S_ISREG(st.st_mode) or st.st_size != rec.size:
        return None
    if _stamp(st) == rec.stamp:
        return rec
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return FileRecord(rec.sha256, rec.size, _stamp(st)) if record(data).sha256 == rec.sha256 else None


class OutputFiles:
    """check for many output-relative paths, each folder opened once and each file looked up by
    its name in it: a no-op build checks 27,000 files in a few dozen folders, and the kernel finds
    a name in an open folder faster than it walks a whole path (a fifth of the no-op's lstat time)."""

    def __init__(self, out: str):
        self.out = out
        self.folders: dict[str, int] = {}  # output-relative folder → its descriptor (-1: it cannot be opened)

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self.folders.values():
            if fd >= 0:
                os.close(fd)
        self.folders.clear()

    def check(self, relative: str, rec: FileRecord) -> FileRecord | None:
        folder, _, name = relative.rpartition("/")
        fd = self.folders.get(folder)
        if fd is None:
            fd = self.folders[folder] = self._open(folder)
        if fd < 0:
            return None
        try:
            st = os.lstat(name, dir_fd=fd)
        except OSError:
            return None
        if st.st_size == rec.size and (st.st_ino, st.st_mtime_ns, st.st_ctime_ns) == rec.stamp and stat.S_ISREG(st.st_mode):
            return rec  # as written: _as_found's answer, without a call for each of 27,000 files
        return _as_found(f"{self.out}/{relative}", st, rec)

    def _open(self, folder: str) -> int:
        try:  # a symbolic link on the way is followed, as lstat of the whole path follows it
            return os.open(f"{self.out}/{folder}" if folder else self.out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return -1


# --- Input hashes ---------------------------------------------------------------------------------------


def digest(*parts: bytes) -> str:
    """SHA-256 of the parts, each with its length (no two lists of parts give the same bytes)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _read(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b"\0missing"


def _tree(folder: Path, suffix: str = "") -> list[bytes]:
    """Each file under `folder` whose name ends so, as its relative path and bytes, in the order of
    their paths' names (os.walk: rglob costs a no-op build more than reading the files)."""
    found = []
    for base, folders, files in os.walk(folder):  # symbolic links to folders are not followed
        folders[:] = [name for name in folders if name != "__pycache__"]
        relative = os.path.relpath(base, folder).split(os.sep) if base != str(folder) else []
        found += [((*relative, name), os.path.join(base, name)) for name in files if name.endswith(suffix)]
    return [("/".join(parts)).encode() + b"\0" + _bytes(path) for parts, path in sorted(found) if os.path.isfile(path)]


def _bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@lru_cache(maxsize=None)
def _toolkit_code() -> tuple[bytes, ...]:
    """The toolkit's own modules, read once per process (both hashes hold them; a build read them
    twice): a process goes on running the modules it has imported whatever is on disk since."""
    return tuple(_tree(_PACKAGE, ".py"))


def build_hash(config: Config, options: str) -> str:
    """Everything every output depends on besides its own article and catalogues."""
    templates = _tree(config.root / config.templates_dir) if config.templates_dir else []
    return digest(_settings(config), options.encode(), _read(config.glossary_path), *templates,
                   *_toolkit_code(), *_tree(_PACKAGE / "templates"), *_tree(_PACKAGE / "locale"),
                   *_tree(_PACKAGE / "data"), publisher.__version__.encode())


def checks_hash(config: Config) -> str:
    """Everything a catalogue's check errors depend on besides the catalogue and its article: the
    settings, the glossary and the toolkit's code (not the build's options: a narrowed build may
    use what a full one found)."""
    return digest(_settings(config), _read(config.glossary_path), *_toolkit_code(),
                   publisher.__version__.encode())


def _settings(config: Config) -> bytes:
    # Where the outputs go is no input of theirs (the manifest lives in the output folder).
    return repr(sorted((k, repr(v)) for k, v in vars(config).items() if k not in ("root", "output_dir"))).encode()


# How far a file's times may lag the clock the build reads (coarse kernel clocks, file systems with
# one- or two-second times, a file server's clock): a file changed less than this before a build
# started is "racy" and hashed again by every build until it is older.
RACY_NS = 3_000_000_000
RACY = -2  # the size recorded of a racy file: no stat matches it


def article_inputs(root: Path, paths: list[str], before: tuple[Seen, ...],
                   started_ns: int) -> tuple[str, tuple[Seen, ...]]:
    """The article's input hash (article_hash's, of `paths`: its source first), reading only the
    files not as `before` recorded them; and what to record of each now. A build that started at
    `started_ns` (time.time_ns()) records no stat of a file changed too recently to tell a later
    change of the same size in the same clock tick by its times (git's rule for a racy index
    entry): it is read again next time. Any write moves ctime, which no program can set back, so a
    file written again after a build read it never matches the record kept then.

    What a forged record can do (tests/test_input_records.py): lend the digest of its choosing to a
    file whose size, times and inode it names exactly as they are now (ctime included, which no
    program sets, and which a manifest made elsewhere cannot know). It can then have an article's
    outputs left as they are, which whoever can write output/ could as well have replaced. It
    cannot make the build read a file other than the article's inputs, nor skip an output check."""
    known = {entry[0]: entry for entry in before}
    inside, settled_before = str(root).rstrip("/") + "/", started_ns - RACY_NS
    parts, found = [], []
    for path in paths:
        # The project-relative name, cut from the string (Path.relative_to costs more than the stat).
        name = path[len(inside):] if path.startswith(inside) else path
        try:
            st = os.stat(path)
            now = (name, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        except OSError:
            now = (name, -1, 0, 0, 0)
        old = known.get(name)
        sha = old[5] if old is not None and old[:5] == now and old[5] else _sha(_read(path))
        parts.append(_part(name, sha))
        found.append((*now, sha) if max(now[2], now[4]) < settled_before else (name, RACY, 0, 0, 0, ""))
    return digest(*parts), tuple(found)


def article_hash(root: Path, source: Path, inputs: list[Path], written: dict[Path, bytes] | None = None) -> str:
    """Each input's project-relative path and the digest of its bytes (`written`: as the build
    leaves them), the source first. Where the project lives is no part of it."""
    written = written or {}
    return digest(*(_part(_relative(root, p), _sha(written[p] if p in written else _read(p)))
                     for p in [source, *inputs]))


def _part(name: str, sha: str) -> bytes:
    return name.encode() + b"\0" + sha.encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
