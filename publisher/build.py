"""Languages × formats → output/: deterministic, incremental, parallel, gated, all-or-nothing.

Each article whose inputs changed is localized once and rendered for every format in a worker
process; its files are staged beside their targets. Collections (indexes, editions, the feed)
are rendered last from every article's versions (cached per article from earlier builds). Only
when everything has rendered are the staged files moved into place, the feed last; a failure
anywhere removes the staged files and leaves output/ as it was.

A build narrowed with --article, --lang or --format renders what it is asked for, removes
nothing and leaves the manifest alone; an --article build leaves the collections (indexes,
editions, feed) alone too. A --lang build sends the wire a package of just those languages.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from publisher import ledger, po
from publisher.checks import errors_by_language
from publisher.config import Config, Gate
from publisher.errors import PublisherError
from publisher.exporters import FORMATS, Context, Files, exporter
from publisher.fsutil import Staging, project_lock, sweep_temporary, write_atomic
from publisher.localize import localize
from publisher.manifest import MANIFEST_NAME, Manifest, article_hash, build_hash
from publisher.model import Article, LocalizedArticle
from publisher.parallel import job_count, map_in_processes
from publisher.project import display_path, load_articles
from publisher.source import find_articles

log = logging.getLogger(__name__)
CACHE_DIR = ".build"  # inside the output folder: the manifest and each article's localized versions
FEED = "newsml/feed.xml"  # moved into place last: partners poll it
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HeldBack:
    article: str
    lang: str
    format: str
    reason: str


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # articles rendered (the others were up to date)


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...]
    languages: tuple[str, ...]
    fallback: bool


@dataclass(frozen=True)
class ArticleResult:
    """What one article contributed to a build; cached (without its files) for the next build."""

    slug: str
    published: dict[str, tuple[LocalizedArticle, ...]]  # format → gated versions
    held_back: tuple[HeldBack, ...]
    files: dict[str, bytes]  # output-relative path → bytes
    state: dict[str, bytes]  # project-relative path → bytes (the version ledger)
    retracted: bool = False  # canceled or withheld: its earlier files come down


def build(config: Config, formats: tuple[str, ...] = FORMATS, languages: tuple[str, ...] = (),
          only: tuple[str, ...] = (), fallback: bool = True, jobs: int | None = None, force: bool = False,
          progress: Progress | None = None) -> BuildReport:
    wanted = tuple(lang for lang in config.languages if lang in (languages or config.languages))
    formats = tuple(f for f in FORMATS if f in formats)
    with project_lock(config.root):
        sweep_temporary(config.output_path)
        return _Build(config, Options(formats, wanted, fallback), only, force).run(job_count(jobs), progress)


class _Build:
    def __init__(self, config: Config, options: Options, only: tuple[str, ...], force: bool):
        self.config, self.options, self.only = config, options, only
        self.out = config.output_path
        self.partial = bool(only) or options.formats != FORMATS or options.languages != config.languages
        self.manifest = Manifest() if self.partial else Manifest.load(self.out / CACHE_DIR)
        self.build_hash = build_hash(config, repr(options))
        self.force = force or self.manifest.build_hash != self.build_hash
        self.report = BuildReport()
        self.staging = Staging()

    def run(self, jobs: int, progress: Progress | None) -> BuildReport:
        hashes = self._input_hashes()
        self.gone = [] if self.partial else sorted(set(self.manifest.articles) - set(hashes))
        if not self.force and not self.gone and all(self.manifest.articles.get(s) == h for s, h in hashes.items()):
            return self._nothing_to_do(hashes)
        self.articles = load_articles(self.config, self.only)
        self.dirty = [a for a in self.articles if self.force or self.manifest.articles.get(a.slug) != hashes[a.slug]
                      or self.manifest.ids.get(a.slug) != a.id or not _cache_path(self.out, a.slug).exists()]
        self.newest = sorted(self.articles, key=lambda a: (a.published, a.slug), reverse=True)
        self.window = {a.slug for a in self.newest[: self.config.collection_size]}
        self.outputs: dict[str, list[str]] = {}  # slug → the files this build rendered for it
        try:
            results = self._render_articles(jobs, progress)
            self.collection_files = [] if self.only else self._render_collections(results)
            self._commit(results)
        except BaseException:
            self.staging.abort()
            raise
        return self.report

    def _input_hashes(self) -> dict[str, str]:
        """Each article's input hash from file bytes alone: a no-op build parses nothing."""
        slugs = [p.stem for p in find_articles(self.config.source_path) if not self.only or p.stem in self.only]
        return {slug: _input_hash(self.config, slug, self.manifest.ids.get(slug, ""), self.options.languages)
                for slug in slugs}

    def _nothing_to_do(self, hashes: dict[str, str]) -> BuildReport:
        names = {f for slug in [*hashes, "*"] for f in self.manifest.files.get(slug, ())}
        self.report.unchanged = sorted(self._name(f) for f in names)
        self.report.held_back = [HeldBack(slug, *h) for slug in hashes for h in self.manifest.held_back.get(slug, ())]
        return self.report

    def _render_articles(self, jobs: int, progress: Progress | None) -> dict[str, ArticleResult]:
        """Each article's files are staged as they come; only a lean summary stays in memory."""
        results: dict[str, ArticleResult] = {}
        work = [(self.config, self.options, a) for a in self.dirty]
        for done, result in enumerate(map_in_processes(_render_article, work, jobs), start=1):
            self._stage_files(result.files)
            self.outputs[result.slug] = sorted(result.files)
            if not self.partial:
                self.staging.stage(_cache_path(self.out, result.slug), _dump_cache(result))
            results[result.slug] = self._lean(result)
            if progress:
                progress(done, len(work))
        self.report.rebuilt = sorted(results)
        return results

    def _lean(self, result: ArticleResult) -> ArticleResult:
        """Without its files, and without its bodies unless an edition or the feed will need them."""
        published = {fmt: _summary(versions, result.slug in self.window) for fmt, versions in result.published.items()}
        return replace(result, files={}, published=published)

    def _render_collections(self, results: dict[str, ArticleResult]) -> list[str]:
        cached = {a.slug: results.get(a.slug) or self._lean(_load_cache(self.out, a.slug)) for a in self.articles}
        ctx = Context(self.config)
        names: list[str] = []
        for fmt in self.options.formats:
            chosen = tuple(cached[a.slug].published.get(fmt, ()) for a in self.newest)
            files = exporter(fmt).collection(tuple(vs for vs in chosen if vs), ctx)
            self._stage_files(files)
            names += files
        for article in self.articles:
            self.report.held_back += cached[article.slug].held_back
        return names

    def _stage_files(self, files: Files) -> None:
        root = self.out.resolve()
        for relative, data in sorted(files.items()):
            target = (root / relative).resolve()
            if not target.is_relative_to(root):
                raise PublisherError(f"refusing to write outside {display_path(self.config, self.out)}: {relative}")
            name = self._name(relative)
            (self.report.written if self.staging.stage(target, data) else self.report.unchanged).append(name)

    def _commit(self, results: dict[str, ArticleResult]) -> None:
        """Outputs first (the feed last of them), then project state, then the manifest vouching for both."""
        self.staging.commit(last=[(self.out / FEED).resolve()])
        for result in results.values():
            for relative, data in sorted(result.state.items()):
                if write_atomic(self.config.root / relative, data):
                    self.report.written.append(relative)
        if not self.partial:
            manifest = self._next_manifest(results)
            self._remove_stale(manifest)
            write_atomic(self.out / CACHE_DIR / MANIFEST_NAME, manifest.dumps())

    def _next_manifest(self, results: dict[str, ArticleResult]) -> Manifest:
        old = self.manifest
        keep = [slug for slug in old.articles if slug not in self.gone and slug not in results]
        manifest = Manifest(self.build_hash, {s: old.articles[s] for s in keep}, {s: old.ids[s] for s in keep},
                            {s: old.files[s] for s in keep}, {s: old.held_back[s] for s in keep})
        for article in self.dirty:
            result = results[article.slug]
            # Hashed after the build wrote its state (the ledger), so the next build finds nothing to do.
            manifest.articles[article.slug] = _input_hash(self.config, article.slug, article.id, self.options.languages)
            manifest.ids[article.slug] = article.id
            # A language now held back keeps its earlier files (never silently deleted): they stay listed;
            # a retracted story's come down.
            earlier = set() if result.retracted else set(old.files.get(article.slug, ()))
            manifest.files[article.slug] = sorted(earlier | set(self.outputs[article.slug]))
            manifest.held_back[article.slug] = [[h.lang, h.format, h.reason] for h in result.held_back]
        manifest.files["*"] = sorted(self.collection_files)
        return manifest

    def _remove_stale(self, manifest: Manifest) -> None:
        """Outputs of articles whose source is gone or that were retracted, and collections no longer produced."""
        stale = {f for slug in self.gone for f in self.manifest.files.get(slug, ())}
        for slug in manifest.files:
            stale |= set(self.manifest.files.get(slug, ())) - set(manifest.files[slug])
        for relative in sorted(stale):
            (self.out / relative).unlink(missing_ok=True)
            self.report.removed.append(self._name(relative))
        for slug in self.gone:
            _cache_path(self.out, slug).unlink(missing_ok=True)

    def _name(self, relative: str) -> str:
        return display_path(self.config, self.out / relative)


def _render_article(job: tuple[Config, Options, Article]) -> ArticleResult:
    config, options, article = job
    versions = _localize_all(config, article, options.languages)
    ctx = Context(config)
    published, held_back, files, state = {}, [], {}, {}
    errors = None
    for fmt in options.formats:
        if not config.gates[fmt].allow_check_errors and errors is None:
            errors = errors_by_language(config, article)
        chosen = _gate(config, fmt, versions, options.fallback, errors or {}, held_back)
        published[fmt] = chosen
        if chosen:
            rendered, kept = _render_with_state(exporter(fmt), chosen, ctx)
            files.update(rendered)
            state.update(kept)
    retracted = article.status in ("canceled", "withheld")
    return ArticleResult(article.slug, published, tuple(held_back), files, state, retracted)


def _localize_all(config: Config, article: Article, languages: tuple[str, ...]) -> tuple[LocalizedArticle, ...]:
    versions = []
    for lang in languages:
        path = po.catalog_path(config.locales_path, lang, article.slug)
        if path.exists():
            translations = po.read_translations(path, display_path(config, path))
        elif lang == article.language:
            translations = {}
        else:
            continue
        versions.append(localize(article, translations, lang, config.babel_locale(lang), config.segmentation,
                                 languages))
    return tuple(versions)


def _gate(config: Config, fmt: str, versions: tuple[LocalizedArticle, ...], fallback: bool,
          errors: dict[str, int], held_back: list[HeldBack]) -> tuple[LocalizedArticle, ...]:
    gate = config.gates[fmt]
    passed = []
    for version in versions:
        reason = _editorial_hold(version.article, fmt) or _translation_hold(version, fmt, gate, fallback, errors)
        if reason:
            held_back.append(HeldBack(version.slug, version.lang, fmt, reason))
        else:
            passed.append(version)
    languages = tuple(v.lang for v in passed)
    return tuple(replace(v, languages=languages) for v in passed)


def _translation_hold(version: LocalizedArticle, fmt: str, gate: Gate, fallback: bool,
                      errors: dict[str, int]) -> str | None:
    percent = version.completeness.percent
    if percent < gate.min_translated:
        return f"{percent:.0f}% translated, {fmt} needs {gate.min_translated:.0f}%"
    if percent < 100 and not (fallback and gate.allow_fallback):
        return f"{percent:.0f}% translated and {fmt} publishes no source-language fallback"
    if not gate.allow_check_errors and errors.get(version.lang):
        return f"{errors[version.lang]} check error(s); see publish check --lang {version.lang}"
    return None


def _editorial_hold(article: Article, fmt: str) -> str | None:
    """The desk's own holds. The wire carries an embargo and a withdrawal to partners (embargoed,
    stat:canceled); readers' formats wait until the embargo field is removed, and drop a
    withdrawn story. A withheld story goes nowhere."""
    if article.status == "withheld":
        return "status: withheld"
    if fmt == "newsml":
        return None
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


def _summary(versions: tuple[LocalizedArticle, ...], full: bool) -> tuple[LocalizedArticle, ...]:
    """Indexes need only headlines and summaries; editions and the feed take the newest articles whole."""
    return versions if full else tuple(replace(v, blocks=()) for v in versions)


def _input_hash(config: Config, slug: str, article_id: str, languages: tuple[str, ...]) -> str:
    source = config.source_path / f"{slug}.md"
    catalogues = [po.catalog_path(config.locales_path, lang, slug) for lang in languages]
    return article_hash(source, catalogues + [config.root / ledger.relative_path(article_id)])


def _cache_path(out: Path, slug: str) -> Path:
    return out / CACHE_DIR / f"{slug}.pickle"


def _dump_cache(result: ArticleResult) -> bytes:
    return pickle.dumps(replace(result, files={}, state={}), protocol=pickle.HIGHEST_PROTOCOL)


def _load_cache(out: Path, slug: str) -> ArticleResult:
    with open(_cache_path(out, slug), "rb") as handle:
        return pickle.load(handle)
