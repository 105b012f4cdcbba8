"""A build's entry, and whether it has anything to do, in the standard library and msgspec alone.

Most builds find everything up to date (a second build in a row, a preview rebuilt after a save
elsewhere): deciding that needs the manifest, a stat of every input and output, and the build
hash, never the renderers. So the build first takes its locks and, when no earlier build left
work behind (a journal to finish, a staging mark, an old cache to remove) and --force is not
given, decides here, with the very code the full build decides with (Plan, which publisher.build's
_Build extends): nothing to do is reported at once; anything else goes on, with what was found,
in publisher.build, which only then is imported (the exporters, Jinja, Babel's dates, lxml, the
wire). See publisher.build for what a build does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace as struct_replace

from publisher import clock, collector, manifest as manifests, owned
from publisher.errors import PublisherError
from publisher.config import FORMAT_NAMES as FORMATS  # publisher.exporters.FORMATS, without the exporters
from publisher.fsutil import folder_lock, project_lock, real_path, write_atomic
from publisher.layout import CACHE_DIR, JOURNAL_NAME, NARROWED_PREFIX, catalog_name, display_path, scan_source, \
    ledger_path
from publisher.manifest import COLLECTIONS, ArticleRecord, Manifest

if TYPE_CHECKING:
    from publisher.config import Config

# Present while a build stages files: if the next build finds it, that one was killed and its
# temporary files are swept (looking for them in every folder on every build would cost a no-op
# build a walk of the whole output).
STAGING_MARK = "staging"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HeldBack:
    article: str
    lang: str
    format: str
    reason: str

    def line(self) -> str:
        return f"held back: {self.article} [{self.lang}] {self.format}: {self.reason}"


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # articles rendered (the others were up to date)
    notes: list[str] = field(default_factory=list)  # what the build found and did about it (a repair…)

    def warnings(self) -> list[str]:
        """What the command prints on stderr: what was held back, then the notes."""
        return [h.line() for h in self.held_back] + [f"note: {note}" for note in self.notes]

    def summary(self) -> str:
        return (f"{len(self.written)} written, {len(self.unchanged)} unchanged, {len(self.removed)} removed, "
                f"{len(self.held_back)} held back; {len(self.rebuilt)} article(s) rendered")


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...]
    languages: tuple[str, ...]
    fallback: bool


def build(config: Config, formats: tuple[str, ...] = FORMATS, languages: tuple[str, ...] = (),
          only: tuple[str, ...] = (), fallback: bool = True, jobs: int | None = None, force: bool = False,
          progress: Progress | None = None) -> BuildReport:
    options = _options(config, formats, languages, fallback)
    cache_dir = _cache_folder(config, config.output_path)
    with _locks(config):
        plan, stamp = None, None
        if not force and not _left_work(cache_dir):  # what the full build would first repair, there is none
            stamp = clock.build_time() if "newsml" in options.formats else None  # the wire's clock, checked
            plan = Plan(config, options, only, force)
            if plan.decide():
                return plan.nothing_to_do()
        from publisher.build import build_locked  # only now: the renderers
        report = build_locked(config, options, only, force, jobs, progress, plan, stamp)
    if "html" in options.formats and not config.base_url and report.written:  # said once, when pages are made
        report.notes.append("base_url is not set: canonical and hreflang links stay relative and no sitemap is "
                            "written; set base_url in [tool.publisher] to the address output/html is served at")
    return report


def if_up_to_date(config: Config, formats: tuple[str, ...], languages: tuple[str, ...], only: tuple[str, ...],
                  fallback: bool) -> BuildReport | None:
    """The report of this build if it has nothing to do, decided (and any moved stamps refreshed)
    under the build's locks as build() decides; None if it may have work, of which nothing is done."""
    options = _options(config, formats, languages, fallback)
    cache_dir = _cache_folder(config, config.output_path)
    with _locks(config):
        if _left_work(cache_dir):
            return None
        if "newsml" in options.formats:
            clock.build_time()  # a SOURCE_DATE_EPOCH the wire cannot read stops every build
        plan = Plan(config, options, only, False, keep_manifest=True)  # for the build, when it has work to do
        if not plan.decide(thorough=False):
            return None
        manifests.forget_kept()  # not held while the report is made (a no-op's peak memory)
        return plan.nothing_to_do()


def _options(config: Config, formats: tuple[str, ...], languages: tuple[str, ...], fallback: bool) -> Options:
    wanted = tuple(lang for lang in config.languages if lang in (languages or config.languages))
    return Options(tuple(f for f in FORMATS if f in formats), wanted, fallback)


@contextmanager
def _locks(config: Config) -> Iterator[None]:
    """The project's lock, and the output folder's (two projects may build into one folder with --out)."""
    out = config.output_path
    busy = f"another publish build is writing into {display_path(config, out)}"
    with project_lock(config.root), folder_lock(out, busy):
        real_path.cache_clear()  # folders may have been moved or linked since the last command
        yield


def _left_work(cache_dir: Path) -> bool:
    """Whether an earlier build left something the next one repairs first (publisher.build.build_locked)."""
    return ((cache_dir / JOURNAL_NAME).exists() or (cache_dir / STAGING_MARK).exists()
            or any(cache_dir.glob("*.pickle")))


def _cache_folder(config: Config, out: Path) -> Path:
    """output/.build, which must be a real folder: through a symbolic link the build would write
    (and remove) wherever it points."""
    folder = out / CACHE_DIR
    if folder.is_symlink():
        raise PublisherError("the build's own folder is a symbolic link; delete the link (the build makes a real "
                             "folder there)", display_path(config, folder))
    if folder.exists() and not folder.is_dir():
        raise PublisherError("the build's own folder is a file; move it away", display_path(config, folder))
    return folder


class Plan:
    """What a build finds before it renders anything: the manifest, each article's input hash, the
    outputs deleted or changed since; and whether that leaves nothing to do."""

    def __init__(self, config: Config, options: Options, only: tuple[str, ...], force: bool,
                 keep_manifest: bool = False):
        self.config, self.options, self.only = config, options, only
        self.out = config.output_path
        self.out_shown = display_path(config, self.out)  # each output's name in the report starts so
        self.cache_dir = self.out / CACHE_DIR
        self.partial = bool(only) or options.formats != FORMATS or options.languages != config.languages
        # A narrowed build keeps its own manifest and cache entries (.build/narrowed-<hash>/), so
        # that the same narrowed build again is incremental too; the full build's stay as they are.
        self.state = narrowed_folder(options, only) if self.partial else ""
        self.state_dir = self.cache_dir / self.state if self.state else self.cache_dir
        self.report = BuildReport()
        self.manifest = self._load_manifest(keep_manifest)
        self.build_hash = manifests.build_hash(config, repr(options))
        self.force = force or self.manifest.build_hash != self.build_hash
        self.state_owned = self.state_owned and not self.force  # see publisher.owned
        self.asked_to_force = force  # the check errors' cache is keyed by all they depend on: only --force drops it
        self.stamps_moved = False  # a file found as written, with a new inode or times: its record is refreshed
        self.seen: dict[str, tuple[manifests.Seen, ...]] = {}  # slug → its inputs as found (manifests.article_inputs)
        self.hashes: dict[str, str] | None = None  # slug → its input hash now (decide)
        self.damaged_collections: set[str] = set()  # the collections' files deleted or changed since (decide)
        self.names = InputNames(config)  # each article's input files (the source's folders once decided)

    def _load_manifest(self, keep: bool) -> Manifest:
        with collector.paused():  # 27,000 records of a thousand articles' files, and no cycle among them
            known = owned.digest(self.config, self._manifest_file())
            loaded, problem, self.state_owned = manifests.load(self.state_dir, self.out, self.config.root, keep, known)
        if problem:
            self.report.notes.append(f"{self._name(self._manifest_name())}: {problem}; "
                                     "everything is built again and nothing is removed")
        return loaded

    def decide(self, thorough: bool = True) -> bool:
        """Whether there is nothing to do: every article's inputs as recorded, none gone, no output
        damaged. Not `thorough`: it stops at the first article changed (and the plan is no build's to go on from)."""
        with collector.paused():  # a thousand articles' inputs and 27,000 outputs checked: no cycle made
            return self._decide(thorough)

    def _decide(self, thorough: bool) -> bool:
        hashes = self._input_hashes(stop_at_change=not thorough)
        if hashes is None:
            return False
        self.hashes = hashes
        # An article gone from source/ is never a no-op, narrowed or not: the wire refuses a sent story
        # that vanished, and a full build removes its files (a narrowed one removes nothing).
        vanished = [] if self.only else sorted(set(self.manifest.articles) - set(hashes) - {COLLECTIONS})
        self.gone = [] if self.partial else vanished
        self.damaged = set() if self.force else self._damaged()
        return not self.force and not vanished and not self.damaged and all(
            s in self.manifest.articles and self.manifest.articles[s].inputs == h for s, h in hashes.items())

    def nothing_to_do(self) -> BuildReport:
        """The report of a build that found everything up to date; records whose stamps moved are refreshed."""
        assert self.hashes is not None
        with collector.paused():  # 27,000 names
            return self._nothing_to_do()

    def _nothing_to_do(self) -> BuildReport:
        names = {f for slug in [*self.hashes, COLLECTIONS] for f in self.manifest.articles.get(slug, NO_RECORD).files}
        self.report.unchanged = [self._name(f) for f in sorted(names)]  # one prefix: the same order
        self.report.held_back = [HeldBack(slug, *h) for slug in self.hashes
                                 for h in self.manifest.articles[slug].held_back]
        if self._seen_moved() or self.stamps_moved:
            data = self.manifest.dumps()
            write_atomic(self._manifest_file(), data)
            owned.remember(self.config, self._manifest_file(), data)
        return self.report

    def _input_hashes(self, stop_at_change: bool = False) -> dict[str, str] | None:
        """Each article's input hash from file bytes alone: a no-op build parses nothing. Nor does it
        read an input whose size, times and inode are what the manifest saw when it last read it,
        long enough before that build began (manifests.article_inputs)."""
        started = time.time_ns()
        hashes = {}
        slugs, folders = scan_source(self.config.source_path)
        self.names = InputNames(self.config, folders)
        for slug in slugs:
            if self.only and slug not in self.only:
                continue
            record = self.manifest.articles.get(slug)
            inputs = self.names.of(slug, record.id if record else "")  # a new article's id is not known yet
            hashes[slug], self.seen[slug] = manifests.article_inputs(self.config.root, inputs,
                                                                     record.seen if record else (), started)
            if stop_at_change and (record is None or record.inputs != hashes[slug]):
                return None
        return hashes

    def recorded_inputs(self, manifest: Manifest, rendered: Collection[str]) -> Manifest:
        """`manifest` with each article's inputs recorded as they are once the build's files are in
        place: those of the articles rendered (whose ledgers the build wrote, under the id read from
        the source, which the plan did not know of a new article or a changed id), and of any article
        with an input too recent to record when the build began. An input still as the plan found it
        is not read again; one written since is read, and recorded by its stat only if it is settled
        now (manifests.article_inputs: git's racy rule, from this moment)."""
        started, articles = time.time_ns(), dict(manifest.articles)
        for slug, record in manifest.articles.items():
            if slug == COLLECTIONS or slug not in rendered and all(entry[1] != manifests.RACY for entry in record.seen):
                continue
            found = manifests.article_inputs(self.config.root, self.names.of(slug, record.id), record.seen, started)[1]
            articles[slug] = struct_replace(record, seen=found)
        return struct_replace(manifest, articles=articles)

    def _seen_moved(self) -> bool:
        """Whether an input is now seen settled otherwise than the manifest says: the records are
        refreshed. (A racy one alone is no reason to write: it is read again next time either way.)"""
        moved = False
        for slug, found in self.seen.items():
            record = self.manifest.articles.get(slug)
            if record is not None and any(e[1] != manifests.RACY and e not in record.seen for e in found):
                self.manifest.articles[slug] = struct_replace(record, seen=found)
                moved = True
        return moved

    def _damaged(self) -> set[str]:
        """Articles (and COLLECTIONS) with an output file deleted or changed since the manifest was
        written: they are rendered again. A file found as written but with a new stamp (touched,
        copied back) only gets its record refreshed."""
        damaged, first = set(), None
        with manifests.OutputFiles(str(self.out)) as outputs:
            for slug, record in self.manifest.articles.items():
                moved = {}
                for relative, rec in record.files.items():
                    now = outputs.check(relative, rec)  # a plain relative path (manifests.load)
                    if now is None:
                        damaged.add(slug)
                        first = first or relative
                        if slug == COLLECTIONS:  # the collections' other parts keep their files
                            self.damaged_collections.add(relative)
                    elif now is not rec:
                        moved[relative] = now
                if moved:
                    self.manifest.articles[slug] = struct_replace(record, files={**record.files, **moved})
                    self.stamps_moved = True
        if damaged:
            self.report.notes.append(f"{self._name(first)} (and any other output of the same {len(damaged)} article(s) "
                                     "or collection(s)) was deleted or changed since the last build: rendered again "
                                     "(a language now held back keeps what is there)")
        return damaged

    def _name(self, relative: str) -> str:
        """An output as the report names it (display_path of it, without a Path per file: a no-op
        build of 1,000 articles names 27,000)."""
        return f"{self.out_shown}/{relative}"

    def _state_name(self, name: str) -> str:
        return state_file(self.state, name)

    def _manifest_name(self) -> str:
        return self._state_name(manifests.MANIFEST_NAME)

    def _manifest_file(self) -> Path:
        return self.state_dir / manifests.MANIFEST_NAME


NO_RECORD = ArticleRecord("", "", {})


def narrowed_folder(options: Options, only: tuple[str, ...]) -> str:
    """The folder in .build/ of a build narrowed to these formats, languages and articles."""
    what = repr((options.formats, options.languages, options.fallback, tuple(sorted(set(only)))))
    return f"{NARROWED_PREFIX}{manifests.digest(what.encode())[:16]}"


def state_file(state: str, name: str) -> str:
    """A file of a build's own state (`state`: its narrowed folder, if any), relative to .build/."""
    return f"{state}/{name}" if state else name


def article_inputs(config: Config, slug: str, article_id: str) -> list[str]:
    """An article's input files, its source first: every language's catalogue (a build narrowed to
    languages links its pages to the others), ledger, pictures (source/<slug>/…)."""
    return InputNames(config).of(slug, article_id)


class InputNames:
    """Articles' input files by name. Strings, not Paths: a no-op build of 1,000 articles names
    6,000 and reads none of them. `folders`, when given, are the source folder's subfolders
    (layout.scan_source): an article without one has no pictures, and its folder is not listed."""

    def __init__(self, config: Config, folders: set[str] | None = None):
        self.source, self.root = str(config.source_path), str(config.root)
        self.locales, self.languages = str(config.locales_path), config.languages
        self.folders = folders

    def of(self, slug: str, article_id: str) -> list[str]:
        folder = f"{self.source}/{slug}"
        pictures = _files_in(folder) if self.folders is None or slug in self.folders else []
        return [f"{folder}.md", *[f"{self.locales}/{catalog_name(lang, slug)}" for lang in self.languages],
                f"{self.root}/{ledger_path(article_id)}", *pictures]


def _files_in(folder: str) -> list[str]:
    """The files in a folder, sorted; none when there is no such folder (most articles have no pictures)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(f"{folder}/{entry.name}" for entry in entries if entry.is_file())
    except OSError:
        return []
