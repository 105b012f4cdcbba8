"""Languages × formats → output/: deterministic, incremental, parallel, gated, all-or-nothing.

Each article whose inputs changed (or one of whose files in output/ was deleted or changed since)
is localized once and rendered for every format in a worker process; its files are staged
beside their targets. Collections (indexes, editions, the feed) are rendered last from every
article's versions (kept per article from earlier builds, see buildcache), each format's in a
worker that stages its files; each part of a readers' format's collection (a language's index,
its feed: publisher.exporters.Part) whose inputs did not change since the last build keeps its
files unrendered (buildcache's _collections.json); the wire's listings likewise (wire/rows.py's
_outbox.json). Only when everything has rendered are the
staged files moved into place, under a journal (the feed last of the outputs, then the version
ledgers, the cache and the manifest); a failure before that removes
the staged files and leaves output/ as it was, and a commit cut short is finished by the next
build before anything else.

A build narrowed with --article, --lang or --format renders what it is asked for and removes
nothing; it keeps its own manifest and cache entries (.build/narrowed-<hash>/, one folder per
combination of options), so that it is incremental as a full build is, and leaves the full
build's manifest alone; an --article build leaves the collections (indexes, editions, feed)
alone too. A --lang build localizes, gates and publishes every language as a full build does
(its cache entries are the full build's, its pages and lists link to every language) but
renders only the files of its own (Context.languages): those are the full build's files. It
sends the wire just those languages; their package still lists every language partners hold
(publisher.wire).

Whether there is anything to do at all is decided first, by publisher.uptodate (whose build() is
the entry, and whose Plan _Build extends), before this module and the renderers are imported.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import heapq
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from msgspec.structs import replace as struct_replace

from publisher import buildcache, clock, collector, journal, links, manifest as manifests, owned, po, wire
from publisher.checks import GateChecks
from publisher.config import Config, Gate
from publisher.errors import PublisherError
from publisher.exporters import FORMATS, Context, Files, collection_parts, exporter
from publisher.fsutil import sweep_temporary
from publisher.journal import CACHE, OUTPUT, PROJECT, Move, Staging
from publisher.layout import CACHE_DIR, COLLECTIONS_NAME
from publisher.localize import UnitTranslations, localize
from publisher.manifest import COLLECTIONS, ArticleRecord, FileRecord, Manifest
from publisher.model import Article, LocalizedArticle
from publisher.parallel import job_count, map_in_processes, map_sharing
from publisher.layout import display_path
from publisher.project import check_unique_ids, load_articles
from publisher.segment import units
from publisher.wire import rows as wire_rows
from publisher.uptodate import (NO_RECORD, STAGING_MARK, BuildReport, HeldBack, Options, Plan, Progress, article_inputs,
                                build, state_file)

log = logging.getLogger(__name__)
__all__ = ["CACHE_DIR", "BuildReport", "HeldBack", "build"]  # build: publisher.uptodate's, which decides first
FEED = wire.FEED  # moved into place last: partners poll it
# Silencing the links check on a unit needs a reason: `# no-check: markup (the partner's page moved)`.
_SILENCED_WITH_REASON = re.compile(r"^\s*no-check:\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*\(\s*\S[^)]*\)", re.MULTILINE)


@dataclass(frozen=True)
class ArticleResult:
    """What one article contributed to a build."""

    slug: str
    published: dict[str, tuple[LocalizedArticle, ...]]  # format → gated versions
    held_back: tuple[HeldBack, ...]
    files: dict[str, bytes]  # output-relative path → bytes
    state: dict[str, bytes]  # project-relative path → bytes (the version ledger)
    retracted: bool = False  # canceled or withheld: its earlier files come down
    checked: buildcache.Checked = field(default_factory=dict)  # the check errors the gates asked for
    # What the build keeps of it for the collections: its listings (and `published` whole only for
    # the newest, whose bodies editions and feeds show), its place among them, its next index part.
    summary: buildcache.Summary | None = None


def build_locked(config: Config, options: Options, only: tuple[str, ...], force: bool, jobs: int | None,
                 progress: Progress | None, plan: Plan | None, stamp: datetime | None) -> BuildReport:
    """The build, under its locks (publisher.uptodate.build). `plan`: what it found, when no earlier
    build left work behind; else that work is done first (a journal's commit finished, staged files
    swept, an old cache removed) and then the build looks."""
    if plan is None:
        cache_dir = config.output_path / CACHE_DIR
        notes = journal.recover(cache_dir, config.output_path, config.root)
        if (cache_dir / STAGING_MARK).exists():  # the last build was killed while staging: sweep what it left
            _sweep_staged(config, config.output_path, cache_dir)
            (cache_dir / STAGING_MARK).unlink()
        for old_cache in cache_dir.glob("*.pickle"):  # earlier versions' cache, never to be unpickled
            old_cache.unlink()
        stamp = clock.build_time() if "newsml" in options.formats else None  # the time of the wire's new versions
        plan = Plan(config, options, only, force)
        plan.report.notes[:0] = notes
    try:
        return _Build(plan, stamp).run(job_count(jobs), progress)
    finally:
        gc.unfreeze()  # what collector.paused froze: the collector sees it again (a caller builds again)


def _sweep_staged(config: Config, out: Path, cache_dir: Path) -> None:
    """Remove the temporary files a build stages, wherever it stages them."""
    sweep_temporary(*(out / fmt for fmt in FORMATS), out / wire.OUTBOX, cache_dir, config.root / wire.LEDGER_DIR)


class _Build(Plan):
    def __init__(self, plan: Plan, build_time: datetime | None = None):
        vars(self).update(vars(plan))  # what the plan found is the build's to go on from
        self.build_time = build_time
        self.staging = Staging(self.out, self.config.root)
        self.records: dict[str, dict[str, FileRecord]] = {}  # slug (or COLLECTIONS) → the files rendered
        self.pending_state: dict[str, bytes] = {}  # project-relative path → bytes this build writes (ledgers)
        self.inputs: dict[str, str] = {}  # slug → its input hash after this build
        self.cache_records: dict[str, FileRecord] = {}
        self.checks_hash = manifests.checks_hash(self.config)
        self.state_records: dict[str, FileRecord] = {}  # name → record of the state files staged (Manifest.state)

    def run(self, jobs: int, progress: Progress | None) -> BuildReport:
        if self.hashes is None and self.decide():  # a plan from publisher.uptodate.build has decided already
            return self.nothing_to_do()
        hashes, damaged = self.hashes, self.damaged
        self.cached: dict[str, ArticleResult] = {}
        self.articles = self._articles(hashes, damaged, jobs)
        if not self.only and "newsml" in self.options.formats:  # a story partners hold may not just vanish
            wire.check_sent_stories(self.config, self.articles)
        self.newest = sorted(self.articles, key=_newest, reverse=True)
        self.window = {a.slug for a in self.newest[: self.config.collection_size]}
        for slug in self.kept_whole - self.window:  # kept whole while they might have been in it
            self.cached[slug] = self._lean(self.cached[slug])
        self.dirty = [a for a in self.articles
                      if a.slug not in self.cached and not self._up_to_date(a, hashes[a.slug], damaged)]
        self.checked = {} if self.asked_to_force else buildcache.load_checks(self.cache_dir)
        # Every exporter's context: the wire's clock, and when the outbox last grew (read from every
        # ledger once here, before this build writes any; the wire's collection takes them from here).
        self.listed = self._last_listed()
        with collector.paused(freeze=True):  # thousands of versions, no cycles, kept for the build: frozen
            self.ledgers = wire.committed_ledgers(self.config, self.listed.rows) if "newsml" in self.options.formats \
                else None
        outbox_last = wire.outbox_last(self.config, self.ledgers) if "newsml" in self.options.formats else None
        self.context = Context(self.config, self.build_time, outbox_last=outbox_last)
        mark = self.cache_dir / STAGING_MARK
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            mark.touch()
            if self.state:
                _make_narrowed_folder(self.state_dir)
            results = self._render_articles(jobs, progress)
            if not self.only:
                self._render_collections(results, jobs)
            self._commit(results)
        except BaseException:
            self.staging.abort()
            raise
        finally:
            mark.unlink(missing_ok=True)
            if not any(self.cache_dir.iterdir()):
                self.cache_dir.rmdir()  # a first build that failed leaves no trace
        return self.report

    def _last_listed(self) -> wire_rows.Listed:
        """The outbox's rows and listings as the last build left them (publisher.wire.rows), if its
        manifest vouches for them; nothing for a forced build."""
        if self.force or "newsml" not in self.options.formats:
            return wire_rows.Listed()
        return wire_rows.load(self.cache_dir / state_file(self.state, wire_rows.NAME), self.manifest, self.state_owned)

    def _last_listings(self, previous: dict[str, FileRecord]) -> dict[str, str]:
        """What the wire's pull listings were made from last time, those the manifest vouches for
        (`previous`: the collections' records, intact), when the same toolkit and settings made them."""
        if self.listed.toolkit != self.build_hash:
            return {}
        return {path: digest for path, digest in self.listed.listings.items() if path in previous}

    def _articles(self, hashes: dict[str, str], damaged: set[str], jobs: int) -> list[Article | buildcache.Summary]:
        """Every article. One up to date is its summary, from the index or its cache entry (its slug,
        id, source and time are all the build needs of it but its versions): its source is not parsed
        again. The others, and those of a build narrowed to articles, are read from source/."""
        self.kept_whole: set[str] = set()
        if self.only:
            return load_articles(self.config, self.only, jobs)
        with collector.paused(freeze=True):  # the entries stay for the build: frozen, not walked again
            found = self._cached_articles(hashes, damaged)
        unread = tuple(slug for slug in hashes if slug not in found)
        found.update((a.slug, a) for a in (load_articles(self.config, unread, jobs) if unread else ()))
        articles = [found[slug] for slug in hashes]
        check_unique_ids(articles)
        return articles

    def _cached_articles(self, hashes: dict[str, str], damaged: set[str]) -> dict[str, buildcache.Summary]:
        """The articles whose summary serves (from the index, or else its cache entry): each one's
        goes to self.cached; the versions of the newest, which might be in the window, are read
        whole from their entries (one whose entry then does not serve is read from source/ and
        rendered again)."""
        found: dict[str, buildcache.Summary] = {}
        index = self._versions_index()
        for slug, inputs in hashes.items():
            if not self._unchanged(slug, inputs, damaged):
                continue
            result = self._from_index(index.get(slug), slug, inputs) or self._from_cache(slug, inputs, whole=False)
            if result is not None:  # else no entry, or every language held back: nothing to take the article from
                found[slug], self.cached[slug] = result.summary, result
        newest = heapq.nlargest(self.config.collection_size, (_newest(a) for a in found.values()))
        for _, slug in newest:
            whole = self._from_cache(slug, hashes[slug])
            if whole is None:
                del found[slug], self.cached[slug]
            else:
                self.cached[slug] = whole
                self.kept_whole.add(slug)
        return found

    def _unchanged(self, slug: str, inputs: str, damaged: set[str]) -> bool:
        """Same inputs as the manifest says its files were made from, and those files intact."""
        record = self.manifest.articles.get(slug)
        return not self.force and record is not None and record.inputs == inputs and slug not in damaged

    def _up_to_date(self, article: Article, inputs: str, damaged: set[str]) -> bool:
        """Whether the article can be skipped: same inputs and id, its files intact, its cache usable."""
        record = self.manifest.articles.get(article.slug)
        if not self._unchanged(article.slug, inputs, damaged) or record.id != article.id:
            return False
        if self.only:
            return True  # no collection needs its versions
        cached = self._from_cache(article.slug, inputs, article=article)
        if cached is None:
            return False
        self.cached[article.slug] = self._lean(cached)
        return True

    def _versions_index(self) -> dict:
        """Every article's summary, as the last build left them (buildcache's _versions.json, which
        its manifest vouches for); nothing for a forced build."""
        if self.force:
            return {}
        record = self.manifest.articles.get(COLLECTIONS, NO_RECORD)
        return buildcache.load_versions(self.state_dir / buildcache.VERSIONS_NAME, record.cache, self.state_owned)

    def _from_index(self, item, slug: str, inputs: str) -> ArticleResult | None:
        """What the article gave the collections last time, its summary, from its part of the index;
        None if that does not serve (its entry is read instead)."""
        record = self.manifest.articles[slug]
        made = buildcache.indexed(item, slug, record.id, inputs, record.cache, self.config, self.options.formats,
                                  self.state_owned)
        if made is None:
            return None
        return ArticleResult(slug, {}, tuple(HeldBack(*row) for row in made.held_back), {}, {}, made.retracted,
                             summary=made)

    def _from_cache(self, slug: str, inputs: str, whole: bool = True, article: Article | None = None,
                    file: Path | None = None, record: FileRecord | None = None) -> ArticleResult | None:
        """What the article gave the collections last time, from its cache entry: its summary, and
        its versions whole if `whole`; None if the entry is unusable, or it published no version
        and no `article` is given to summarise. `file` and `record`: an entry this build staged."""
        known = self.manifest.articles.get(slug)
        record = known.cache if record is None else record
        cached = buildcache.load(self.state_dir, slug, known.id if article is None else article.id, inputs, record,
                                 self.config, self.options.formats, whole, file, self.state_owned and file is None)
        if cached is None:
            return None
        published, held_back, retracted = cached
        article = article or next((v.article for vs in published.values() for v in vs), None)
        if article is None:
            return None
        made = buildcache.summary(article, published, held_back, retracted, self.config)
        return ArticleResult(slug, published if whole else {}, tuple(HeldBack(*row) for row in held_back), {}, {},
                             retracted, summary=made)

    def _render_articles(self, jobs: int, progress: Progress | None) -> dict[str, ArticleResult]:
        """Each article is rendered, and its files and cache entry staged, by a worker; the build
        takes over the staged files as they come, and only its summary stays in memory (and the
        versions of the newest)."""
        results: dict[str, ArticleResult] = {}
        work = [_Job(self.config, self.options, a, self.context, self.checks_hash, self.checked.get(a.slug, {}),
                     self.state, a.slug in self.window) for a in self.dirty]
        # The collections never read an article's source blocks (a cached article has none): the
        # newest versions the build keeps of each one rendered share its article without them.
        articles = {a.slug: replace(a, blocks=()) for a in self.dirty if a.slug in self.window}
        try:
            for done, staged in enumerate(map_in_processes(_render_and_stage, work, jobs), start=1):
                results[staged.result.slug] = self._take_over(staged, articles.get(staged.result.slug))
                if progress:
                    progress(done, len(work))
        except BaseException:  # a worker may have staged files whose moves never reached this process
            _sweep_staged(self.config, self.out, self.cache_dir)
            raise
        self.report.rebuilt = sorted(results)
        known = {**self.cached, **results}  # the articles as their summaries, their sources let go
        self.articles, self.newest = ([known[a.slug].summary if a.slug in known else a for a in kept]
                                      for kept in (self.articles, self.newest))
        self.dirty = []
        return results

    def _take_over(self, staged: _Staged, article: Article | None) -> ArticleResult:
        """A worker's staged files become this build's; the article's result, its summary and, for
        one of the newest, its versions, which share this process's copy of the `article` without
        its source blocks (a worker's result comes without one), and where formats publish equal
        versions, one of them."""
        result = staged.result
        self.staging.moves += staged.moves
        self._report_staged(staged.records, staged.written)
        self.report.notes += [f"{self._name(relative)}: not the bytes this build makes of that version, and the "
                              "outbox is written once: it stays as it is (delete it to have it written again)"
                              for relative in staged.kept_once]
        self.records[result.slug] = staged.records
        self.checked[result.slug] = {**self.checked.get(result.slug, {}), **result.checked}
        self.pending_state.update(result.state)
        for relative, data in sorted(result.state.items()):
            if self.staging.stage(PROJECT, relative, data):
                self.report.written.append(relative)
        self.inputs[result.slug] = staged.inputs
        self.cache_records[result.slug] = staged.cache_record
        made: dict[int, LocalizedArticle] = {}  # a version several formats publish is replaced once
        equal: dict[tuple, LocalizedArticle] = {}  # and kept once where formats publish equal versions

        def shared(v: LocalizedArticle) -> LocalizedArticle:
            if id(v) not in made:
                mine = replace(v, article=article)
                first = equal.setdefault((mine.lang, mine.languages), mine)
                made[id(v)] = first if first == mine else mine
            return made[id(v)]

        published = {fmt: tuple(map(shared, versions)) for fmt, versions in result.published.items()}
        return replace(result, state={}, published=published)  # its files stayed with the worker

    def _lean(self, result: ArticleResult) -> ArticleResult:
        """Its summary alone, but for one in the window of the newest, whose versions editions and
        feeds show whole."""
        return replace(result, files={}, state={}, published=result.published if result.slug in self.window else {})

    def _render_collections(self, results: dict[str, ArticleResult], jobs: int) -> None:
        """Each format's collection in a worker process, beside the others' (the wire's first: it
        takes longest), which stages its files: only their records come back (the wire's listings
        and the indexes are megabytes at a thousand articles). Each part of a readers' collection
        whose inputs are the last build's keeps its files; the worker decides (the digests, and the
        exporters they need, stay out of the process the workers fork from)."""
        every = {**self.cached, **results}
        listed = {fmt: tuple(vs for vs in (every[a.slug].summary.listed(fmt) for a in self.newest) if vs)
                  for fmt in self.options.formats}
        newest = {fmt: self._newest_versions(fmt, every, results) for fmt in self.options.formats}
        order = sorted(self.options.formats, key=lambda fmt: fmt != "newsml")
        wire_staged = {move.path: move.temporary for move in self.staging.moves  # its stories' items are read there
                       if move.base == OUTPUT and move.path.startswith("newsml/")}
        last = self._last_collections()
        context = replace(self.context, state=self.pending_state, ledgers=self.ledgers, staged=wire_staged,
                          listings=self._last_listings(last[2]), languages=self.options.languages)
        shared = (newest, listed, context, self.build_hash, last, state_file(self.state, wire_rows.NAME))
        try:
            staged = dict(zip(order, map_sharing(_render_and_stage_collection, shared, order, jobs)))
        except BaseException:  # a worker may have staged files whose moves never reached this process
            _sweep_staged(self.config, self.out, self.cache_dir)
            raise
        files: dict[str, FileRecord] = {}
        made: buildcache.Collections = {}
        for fmt in self.options.formats:
            parts, records, written, moves, state = staged[fmt]
            self.staging.moves += moves
            self.state_records.update(state)
            self._report_staged(records, written)
            files.update(records)
            if fmt != "newsml":
                made[fmt] = parts
        collections = buildcache.dumps_collections(made)
        self.staging.stage(CACHE, state_file(self.state, COLLECTIONS_NAME), collections)
        self.state_records[COLLECTIONS_NAME] = manifests.record(collections)
        previous = self.manifest.articles.get(COLLECTIONS, NO_RECORD).files
        if "newsml" in self.options.formats and FEED not in files and FEED in previous \
                and FEED not in self.damaged_collections:  # one deleted or changed since is no good feed of ours
            files[FEED] = previous[FEED]  # the wire sends nothing this time: partners keep polling the last good feed
        self.records[COLLECTIONS] = files
        for article in self.articles:
            self.report.held_back += every[article.slug].held_back

    def _newest_versions(self, fmt: str, every: dict[str, ArticleResult],
                         results: dict[str, ArticleResult]) -> tuple[tuple[LocalizedArticle, ...], ...]:
        """The versions of the newest config.collection_size articles the format publishes, whole:
        the window's, as the build kept them, and beyond it (where an article of the window
        publishes nothing in the format) read back from their entries, staged by this build or not."""
        chosen = []
        for article in self.newest:
            if len(chosen) == self.config.collection_size:
                break
            if not every[article.slug].summary.formats.get(fmt):
                continue
            if article.slug not in self.window:
                every[article.slug] = self._read_whole(article.slug, results)
            chosen.append(every[article.slug].published[fmt])
        return tuple(chosen)

    def _read_whole(self, slug: str, results: dict[str, ArticleResult]) -> ArticleResult:
        """An article's versions whole from its entry: as this build staged it, if it rendered the
        article (the file in place holds those bytes when it staged none), else as it is."""
        if slug not in results:
            found = self._from_cache(slug, self.manifest.articles[slug].inputs)
        else:
            relative = state_file(self.state, f"{slug}.json")
            file = next((self.staging.path(CACHE, m.path).with_name(m.temporary) for m in self.staging.moves
                         if (m.base, m.path) == (CACHE, relative)), None)
            found = self._from_cache(slug, self.inputs[slug], article=results[slug].summary, file=file,
                                     record=self.cache_records[slug])
        if found is None:
            raise PublisherError(f"the build's cache entry of {slug} changed while the build ran; build again",
                                 display_path(self.config, self.cache_dir))
        return found

    def _last_collections(self) -> tuple[buildcache.Collections, dict[str, FileRecord], dict[str, FileRecord]]:
        """What the last build's collections were made from, the manifest's records of their files,
        and of those intact (not deleted or changed since: a part with a file that is not is
        rendered again); nothing to go on from for a forced build."""
        if self.force:
            return {}, {}, {}
        last = buildcache.load_collections(self.cache_dir / state_file(self.state, COLLECTIONS_NAME), self.manifest)
        previous = self.manifest.articles.get(COLLECTIONS, NO_RECORD).files
        return last, previous, {rel: rec for rel, rec in previous.items() if rel not in self.damaged_collections}

    def _report_staged(self, records: dict[str, FileRecord], written: set[str]) -> None:
        for relative in records:
            (self.report.written if relative in written else self.report.unchanged).append(self._name(relative))

    def _commit(self, results: dict[str, ArticleResult]) -> None:
        """Outputs first (the feed last of them), then project state, then the cache; then the
        manifest vouching for all of it. Under a journal: see publisher.journal."""
        if any(r.checked for r in results.values()):
            kept = self.checked if self.partial else {a.slug: self.checked.get(a.slug, {}) for a in self.articles}
            self.staging.stage(CACHE, buildcache.CHECKS_NAME, buildcache.dumps_checks(kept))
        versions = None if self.only else self._stage_versions(results)  # an --article build has no collections
        planned = self._next_manifest(results, versions)
        stale = [] if self.partial else self._stale(planned)  # a narrowed build removes nothing
        installed: list[bytearray] = []

        def final_manifest() -> bytearray:  # once the files are in place
            installed.append(self.recorded_inputs(self._stamped(planned), results).dumps())
            return installed[0]

        journal.commit(self.cache_dir, self.staging, _commit_order, stale, planned.dumps(), final_manifest,
                       self._manifest_name())
        owned.remember(self.config, self._manifest_file(), installed.pop())  # the next build need not check it
        self.report.removed += [self._name(relative) for relative in stale if not relative.startswith(CACHE_DIR)]

    def _stage_versions(self, results: dict[str, ArticleResult]) -> FileRecord:
        """Stage the index of every article's summary for the next build (buildcache's _versions.json),
        each with the hash of its entry as the next manifest records it; its record."""
        parts = {}
        for article in self.articles:
            slug, result = article.slug, results.get(article.slug) or self.cached.get(article.slug)
            entry = self.cache_records.get(slug) if slug in results else self.manifest.articles[slug].cache
            if result is not None and entry is not None:
                inputs = self.inputs[slug] if slug in results else self.manifest.articles[slug].inputs
                parts[slug] = buildcache.index_part(entry.sha256, inputs, result.summary)
        data = buildcache.dumps_versions({slug: part for slug, part in parts.items() if part is not None})
        self.staging.stage(CACHE, state_file(self.state, buildcache.VERSIONS_NAME), data)
        return manifests.record(data)

    def _next_manifest(self, results: dict[str, ArticleResult], versions: FileRecord | None = None) -> Manifest:
        old = self.manifest
        planned = Manifest(project=manifests.project_key(self.config.root), build_hash=self.build_hash,
                           state=dict(sorted(self.state_records.items())))
        for article in self.articles:
            if article.slug not in results:  # up to date: its inputs hash as recorded
                planned.articles[article.slug] = struct_replace(old.articles[article.slug],
                                                                seen=self.seen[article.slug])
                continue
            result = results[article.slug]
            files = dict(self.records[article.slug])
            if not result.retracted:  # a language now held back keeps its earlier files (never silently deleted)
                kept = self._kept(old.articles.get(article.slug), files)
                if not _keeps_pages(result, kept):  # no earlier page stays up to show an earlier rendition
                    kept = {rel: rec for rel, rec in kept.items() if "/pictures/" not in rel}
                files = {**kept, **files}
            planned.articles[article.slug] = ArticleRecord(
                article.id, self.inputs[article.slug], files,
                [(h.lang, h.format, h.reason) for h in result.held_back], self.cache_records[article.slug],
                self.seen[article.slug])
        collections = dict(self.records.get(COLLECTIONS, {}))
        held_langs = {h.lang for h in self.report.held_back}
        previous = old.articles.get(COLLECTIONS)
        if previous:  # a language held back keeps its earlier index and edition, as its articles keep theirs
            kept = {rel: rec for rel, rec in self._kept(previous, collections).items()
                    if rel.split("/")[1:2] and rel.split("/")[1] in held_langs}
            collections = {**kept, **collections}
        planned.articles[COLLECTIONS] = ArticleRecord("", "", collections, cache=versions)
        return planned

    def _kept(self, record: ArticleRecord | None, rendered: dict[str, FileRecord]) -> dict[str, FileRecord]:
        """Earlier files not rendered this time that are still there, as they are now."""
        kept = {}
        for relative, rec in (record.files.items() if record else ()):
            if relative in rendered:
                continue
            now = manifests.check(self.out / relative, rec)
            if now is None and (self.out / relative).is_file() and not (self.out / relative).is_symlink():
                now = manifests.record((self.out / relative).read_bytes())
            if now is not None:
                kept[relative] = now
        return kept

    def _stale(self, planned: Manifest) -> list[str]:
        """Outputs of articles whose source is gone or that were retracted, collections no longer
        produced, and the cache entries of articles that are gone."""
        before = {rel for record in self.manifest.articles.values() for rel in record.files}
        after = {rel for record in planned.articles.values() for rel in record.files}
        stale = [rel for rel in sorted(before - after) if not wire.write_once(rel)]  # the outbox keeps every version
        return stale + [f"{CACHE_DIR}/{slug}.json" for slug in self.gone]

    def _stamped(self, planned: Manifest) -> Manifest:
        """The manifest once the files are in place: each record this build made (of a file it
        wrote or rendered again) with its file's stamp. A record kept from the last manifest keeps
        its stamp, as _damaged found it (a stamp that moved since only makes the next build read
        the file again): one change at N=1,000 would otherwise stat 27,000 files to stamp 19. A
        record with nothing to stamp is the planned one itself, not a copy of its files."""
        out = str(self.out)
        articles = {slug: _with_stamps(out, record) for slug, record in planned.articles.items()}
        return Manifest(planned.format, planned.project, planned.build_hash, articles, planned.state)


def _with_stamps(out: str, record: ArticleRecord) -> ArticleRecord:
    """The record with the stamp of each file it has none for (made from the bytes this build staged)."""
    if all(rec.stamp != manifests.NO_STAMP for rec in record.files.values()):
        return record
    return struct_replace(record, files={
        rel: manifests.stamped(os.path.join(out, rel), rec) if rec.stamp == manifests.NO_STAMP else rec
        for rel, rec in record.files.items()})


NARROWED_KEPT = 8  # narrowed builds whose state is kept (the most recently made)


def _make_narrowed_folder(folder: Path) -> None:
    """A new narrowed build's folder; the state of the least recently made beyond NARROWED_KEPT goes."""
    if folder.is_dir():
        return
    others = sorted((p for p in folder.parent.glob(f"{journal.NARROWED_PREFIX}*") if p.is_dir() and not p.is_symlink()),
                    key=lambda p: p.stat().st_mtime_ns)
    for old in others[: max(0, len(others) - NARROWED_KEPT + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    folder.mkdir()


def _newest(article: Article) -> tuple:
    """The order of the collections: newest first (sorted in reverse), by slug at the same time."""
    return (article.published, article.slug)


def _keeps_pages(result: ArticleResult, earlier: dict[str, FileRecord]) -> bool:
    """Whether a held-back language keeps a web page or content document from an earlier build."""
    return any(f.startswith(f"{h.format}/{h.lang}/") for h in result.held_back for f in earlier)


def _commit_order(move: Move) -> int:
    """Outputs, the feed last of them; then project state (the ledger); then the build's cache."""
    if move.base == PROJECT:
        return 2
    if move.base == CACHE:
        return 3
    return 1 if move.path == FEED else 0


def _stage_outputs(staging: Staging, config: Config, files: Files) -> tuple[dict[str, FileRecord], set[str]]:
    """Stage each output file that does not already hold its bytes: every file's record (in
    path order; of what is there for an outbox file the staging kept, see Staging.kept_once),
    and the paths staged."""
    records, written = {}, set()
    for relative, data in sorted(files.items()):
        if manifests.output_path(staging.out, relative) is None:
            raise PublisherError(f"refusing to write outside {display_path(config, staging.out)}: {relative}")
        if staging.stage(OUTPUT, relative, data):
            written.add(relative)
        records[relative] = staging.kept_once.get(relative) or manifests.record(data)
    return records, written


def _render_and_stage_collection(inputs: tuple, fmt: str) -> tuple[dict[str, buildcache.Made], dict[str, FileRecord],
                                                                    set[str], list[Move], dict[str, FileRecord]]:
    """In a worker: a format's collection files, from each format's chosen versions and the
    exporters' context, staged beside their targets. Returns what each part of a readers' format's
    collection was made from (buildcache), the files' records, the paths staged, the moves, and
    the record of the state file it staged (the wire's rows, by name). What it staged is removed
    again if anything fails here."""
    newest, listed, ctx, build_hash, (last, previous, intact), rows_name = inputs
    ex = exporter(fmt)
    made, kept, files, outbox_rows = {}, {}, {}, None
    if fmt == "newsml":  # the wire's collection depends on the ledgers and the clock too: made every time
        checked = frozenset(record.sha256 for relative, record in intact.items() if relative.startswith("newsml/"))
        with collector.paused():  # every outbox entry's records, no cycles: the heap the worker forked with not walked
            files, unchanged, listed_now = ex.collection_and_rows(newest[fmt], replace(ctx, checked=checked))
        kept = {path: intact[path] for path in unchanged}  # the listings made from the last build's rows
        outbox_rows = wire_rows.dumps(struct_replace(listed_now, toolkit=build_hash))
    else:
        encoded: dict[int, bytes] = {}  # each version's digest, for every part that reads it
        last_parts = _last_parts(fmt, last, previous)
        for part in collection_parts(ex, newest[fmt], listed[fmt], ctx):
            digest = buildcache.collection_digest(build_hash, fmt, part, encoded)
            unchanged = _unchanged_part(last_parts.get(part.name), digest, intact)
            if unchanged is None:
                rendered = part.files(ctx)
                files.update(rendered)
                made[part.name] = (digest, tuple(sorted(rendered)))
            else:
                kept.update(unchanged)
                made[part.name] = (digest, tuple(unchanged))
    staging = Staging(ctx.config.output_path, ctx.config.root)
    try:
        records, written = _stage_outputs(staging, ctx.config, files)
        if outbox_rows is not None:
            staging.stage(CACHE, rows_name, outbox_rows)
    except BaseException:
        staging.abort()
        raise
    state = {} if outbox_rows is None else {wire_rows.NAME: manifests.record(outbox_rows)}
    return made, {**kept, **records}, written, staging.moves, state


def _last_parts(fmt: str, last: buildcache.Collections,
                previous: dict[str, FileRecord]) -> dict[str, buildcache.Made]:
    """What the format's collection parts were made from last time, when their files are every
    collection file the manifest has in the format's folder; else nothing (a file kept for a
    language held back, or one the digests' list leaves out, would not be the collection a fresh
    build makes)."""
    parts = last.get(fmt, {})
    listed = [rel for _, files in parts.values() for rel in files]
    in_folder = {rel for rel in previous if rel.startswith(f"{fmt}/")}
    return parts if len(listed) == len(in_folder) and set(listed) == in_folder else {}


def _unchanged_part(last: buildcache.Made | None, digest: str,
                    intact: dict[str, FileRecord]) -> dict[str, FileRecord] | None:
    """The records of a collection part's files when its inputs are the last build's (the
    manifest vouches for the files it made then, see _last_parts) and they are intact: kept, not
    rendered."""
    if last is None or last[0] != digest or not all(rel in intact for rel in last[1]):
        return None
    return {rel: intact[rel] for rel in last[1]}


@dataclass(frozen=True)
class _Job:
    config: Config
    options: Options
    article: Article
    context: Context  # the exporters' (the wire's clock, the outbox's last entry)
    checks_hash: str
    checked: buildcache.Checked
    state: str  # the build's narrowed folder in .build/, if any
    full: bool  # whether the collections need its versions whole (it is in the window of the newest)


@dataclass(frozen=True)
class _Staged:
    """An article rendered, its files and cache entry staged by the worker: only paths, records,
    its summary and the newest versions come back to the build, never the files' bytes."""

    result: ArticleResult  # without its files, and its versions only if the job is `full`
    records: dict[str, FileRecord]  # output-relative path → what the file holds
    written: set[str]  # the paths staged (the others already held their bytes)
    moves: list[Move]
    inputs: str  # the article's input hash, as this build leaves its state
    cache_record: FileRecord
    kept_once: tuple[str, ...] = ()  # outbox files there with other bytes than it made, left as they are


def _render_and_stage(job: _Job) -> _Staged:
    """In a worker: render the article, stage its files beside their targets and its cache entry.
    What it staged is removed again if anything fails here (see _Build.run for the rest)."""
    # An article's catalogues, versions, files and cache entry are tens of thousands of objects and
    # no cycle: collections their allocations set off walked every object the build holds, for nothing.
    with collector.paused():
        return _rendered_and_staged(job)


def _rendered_and_staged(job: _Job) -> _Staged:
    config, article = job.config, job.article
    result = _render_article(config, job.options, article, job.context, job.checks_hash, job.checked)
    staging = Staging(config.output_path, config.root)
    try:
        records, written = _stage_outputs(staging, config, result.files)
        written_state = {config.root / relative: data for relative, data in result.state.items()}
        inputs = _input_hash(config, article.slug, article.id, written_state)
        rows = [(h.article, h.lang, h.format, h.reason) for h in result.held_back]
        data = buildcache.dumps(article.slug, inputs, result.published, rows, result.retracted)
        staging.stage(CACHE, state_file(job.state, f"{article.slug}.json"), data)
    except BaseException:
        staging.abort()
        raise
    made: dict[int, LocalizedArticle] = {}
    published = {fmt: _sent_back(versions, made) for fmt, versions in result.published.items()} if job.full else {}
    summary = buildcache.summary(article, result.published, rows, result.retracted, config)
    return _Staged(replace(result, files={}, published=published, summary=summary), records, written,
                   staging.moves, inputs, manifests.record(data), tuple(staging.kept_once))


def _render_article(config: Config, options: Options, article: Article, ctx: Context,
                    checks_hash: str, checked: buildcache.Checked) -> ArticleResult:
    # Every language is localized and gated, in a build narrowed to languages too, and published
    # as a full build publishes it (the cache entry and the collections' lists and links know
    # every language), but only the languages asked for are rendered: their pages and collections
    # are the full build's, and neither build undoes the other's. The wire's items link to no
    # other language (its package lists what partners hold): it gates those asked for alone.
    # A gate that counts check errors parses each catalogue it gates and has no result for:
    # those are parsed at once, not read for their translations first (a fresh build's).
    asked = options.languages
    checking = {lang for fmt in options.formats if not config.gates[fmt].allow_check_errors
                for lang in (asked if fmt == "newsml" else config.languages) if lang not in checked}
    catalogues = _read_catalogues(config, article, config.languages, checking)
    versions, holds = _localize_all(config, article, config.languages, catalogues)
    published, held_back, files, state = {}, [], {}, {}
    errors = _GateErrors(config, article, catalogues, checks_hash, checked)
    for fmt in options.formats:
        candidates = tuple(v for v in versions if v.lang in asked) if fmt == "newsml" else versions
        published[fmt] = _gate(config, fmt, candidates, holds, options.fallback, errors.count, held_back)
        chosen = tuple(v for v in published[fmt] if v.lang in asked)
        if chosen:
            rendered, kept = _render_with_state(exporter(fmt), chosen, ctx)
            files.update(rendered)
            state.update(kept)
    retracted = article.status in ("canceled", "withheld")
    return ArticleResult(article.slug, published, tuple(h for h in held_back if h.lang in asked), files, state,
                         retracted, errors.checked)


def _read_catalogues(config: Config, article: Article, languages: tuple[str, ...],
                     whole: frozenset[str] | set[str] = frozenset()) -> dict[str, po.CatalogFile]:
    """Each language's catalogue that exists, read once for everything the build does with it
    (its entries only if a gate or a link hold asks for them, or at once for the `whole` languages)."""
    found = {}
    for lang in languages:
        path = po.catalog_path(config.locales_path, lang, article.slug)
        name = display_path(config, path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise PublisherError(f"cannot read: {exc.strerror}", name) from None
        found[lang] = po.read_for_build(raw, name, po.folder_language(path), whole=lang in whole)
    return found


class _GateErrors:
    """Check errors per language, found only when a gate asks (the wire's, once the other holds
    pass), and only for a catalogue not already checked with the same inputs (buildcache)."""

    def __init__(self, config: Config, article: Article, catalogues: dict[str, po.CatalogFile], checks_hash: str,
                 known: buildcache.Checked):
        self.config, self.article, self.catalogues = config, article, catalogues
        self.checks_hash, self.known = checks_hash, known
        self.checked: buildcache.Checked = {}
        self.gate: GateChecks | None = None

    def count(self, lang: str) -> int:
        if lang not in self.checked:
            if self.gate is None:
                self.gate = GateChecks(self.config, self.article)
            read = self.catalogues.get(lang)
            raw = read.raw if read else b""
            key = buildcache.check_key(self.checks_hash, lang, self.article.language, self.gate.shared.wanted, raw)
            known = self.known.get(lang)
            errors = known[1] if known and known[0] == key else self.gate.errors(lang, read.catalog if read else None)
            self.checked[lang] = (key, errors)
        return self.checked[lang][1]


def _localize_all(config: Config, article: Article, languages: tuple[str, ...],
                  catalogues: dict[str, po.CatalogFile]) -> tuple[tuple[LocalizedArticle, ...], dict[str, str]]:
    """Every language's version; and, per language, why no format may publish it (no catalogue,
    links that are not the source's)."""
    versions, holds = [], {}
    keys = {unit.key: po.unit_key(*unit.key) for unit in units(article, config.segmentation)}  # once for every language
    wanted = set(keys.values())
    for lang in languages:
        if lang in catalogues:
            translations = catalogues[lang].translations
            holds.update({lang: reason for reason in [_link_hold(config, article, lang, catalogues[lang], wanted)]
                          if reason})
        elif lang == article.language:
            translations = {}
        else:
            path = po.catalog_path(config.locales_path, lang, article.slug)
            dangling = " is a symbolic link to a missing file" if path.is_symlink() else " is missing"
            holds[lang] = f"no catalogue: {display_path(config, path)}{dangling}; run publish update --lang {lang}"
            translations = {}
        versions.append(localize(article, UnitTranslations(translations, keys), lang, config.babel_locale(lang),
                                 config.segmentation, languages))
    return tuple(versions), holds


def _link_hold(config: Config, article: Article, lang: str, read: po.CatalogFile, wanted: set[po.Key]) -> str | None:
    """A translation may not add, drop or retarget a link (a translator's link goes to every reader
    and partner) of the article's units (`wanted`), unless the translator silenced the markup check
    on that unit, with a reason."""
    differing = {key for key, text in read.translations.items() if key in wanted and links.differ(key[1], text)}
    if not differing:
        return None
    entries = [e for e in read.catalog if po.unit_key(*e.key) in differing]
    unsilenced = [e for e in entries if not _silenced_with_reason("\n".join(e.tcomments), "markup")]
    if not unsilenced:
        return None
    where = ", ".join(f"line {e.line}" for e in unsilenced[:3]) + (" …" if len(unsilenced) > 3 else "")
    path = po.catalog_path(config.locales_path, lang, article.slug)
    return (f"the links of {len(unsilenced)} unit(s) differ from the source's ({display_path(config, path)} {where}); "
            "keep the source's links, or silence the check on the unit with # no-check: markup (why)")


def _silenced_with_reason(comment: str | None, check: str) -> bool:
    return any(check in (name.strip() for name in match.group(1).split(","))
               for match in _SILENCED_WITH_REASON.finditer(comment or ""))


def _gate(config: Config, fmt: str, versions: tuple[LocalizedArticle, ...], holds: dict[str, str], fallback: bool,
          errors: Callable[[str], int], held_back: list[HeldBack]) -> tuple[LocalizedArticle, ...]:
    gate = config.gates[fmt]
    passed = []
    for version in versions:
        reason = _editorial_hold(config, version.article, fmt) or holds.get(version.lang)
        if not reason and (fmt != "newsml" or wire.gated(version.article)):  # a withdrawal reaches every language
            reason = _translation_hold(version, fmt, gate, fallback, errors)
        if reason:
            held_back.append(HeldBack(version.slug, version.lang, fmt, reason))
        else:
            passed.append(version)
    languages = tuple(v.lang for v in passed)
    return tuple(replace(v, languages=languages) for v in passed)


def _translation_hold(version: LocalizedArticle, fmt: str, gate: Gate, fallback: bool,
                      errors: Callable[[str], int]) -> str | None:
    percent = version.completeness.percent
    if percent < gate.min_translated:
        return f"{percent:.0f}% translated, {fmt} needs {gate.min_translated:.0f}%"
    if percent < 100 and not (fallback and gate.allow_fallback):
        return f"{percent:.0f}% translated and {fmt} publishes no source-language fallback"
    if not gate.allow_check_errors and errors(version.lang):
        return f"{errors(version.lang)} check error(s); see publish check --lang {version.lang}"
    return None


def _editorial_hold(config: Config, article: Article, fmt: str) -> str | None:
    """The desk's own holds. The wire decides its own (publisher.wire: it carries an embargo, a
    withdrawal and a withholding to partners); readers' formats wait until the embargo field is
    removed, and drop a withdrawn or withheld story."""
    if fmt == "newsml":
        return wire.hold(article, config)
    if article.status == "withheld":
        return "status: withheld"
    if article.status == "canceled":
        return "status: canceled (the wire sends the withdrawal)"
    if article.embargoed:
        return f"embargoed until {article.embargoed.isoformat()}; remove the field to publish"
    return None


def _render_with_state(ex, chosen: tuple[LocalizedArticle, ...], ctx: Context) -> tuple[Files, Files]:
    """An article's files, and the project state an exporter keeps (an optional `article_with_state`
    method also returns {project-relative path: bytes}, e.g. a version ledger: written after the outputs)."""
    with_state = getattr(ex, "article_with_state", None)
    return with_state(chosen, ctx) if with_state else (ex.article(chosen, ctx), {})


def _sent_back(versions: tuple[LocalizedArticle, ...], made: dict[int, LocalizedArticle]) -> tuple[LocalizedArticle, ...]:
    """A worker's versions of one of the newest as the build takes them over: without the article,
    which the build has already (_Build._take_over puts its own back): pickled, it was two fifths
    of what a result cost to send. `made`: by the id of each version."""
    return tuple(made.get(id(v)) or made.setdefault(id(v), replace(v, article=None)) for v in versions)


def _input_hash(config: Config, slug: str, article_id: str, written: dict[Path, bytes] | None = None) -> str:
    """The hash of an article's inputs; `written` gives files as this build leaves them (its ledger)."""
    inputs = [Path(p) for p in article_inputs(config, slug, article_id)]
    return manifests.article_hash(config.root, inputs[0], inputs[1:], written)
