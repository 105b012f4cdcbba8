"""Languages × formats → output/: localize once, gate, render everything, then write atomically."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from publisher import catalogs
from publisher.checks import errors_by_language
from publisher.config import Config
from publisher.errors import PublisherError
from publisher.exporters import FORMATS, Context, Files, exporter
from publisher.fsutil import project_lock, write_atomic
from publisher.localize import localize
from publisher.model import Article, LocalizedArticle
from publisher.project import display_path, load_articles

log = logging.getLogger(__name__)


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


def build(config: Config, formats: tuple[str, ...] = FORMATS, languages: tuple[str, ...] = (),
          only: tuple[str, ...] = (), fallback: bool = True) -> BuildReport:
    languages = languages or config.languages
    report = BuildReport()
    with project_lock(config.root):
        articles = load_articles(config, only)
        all_versions = [_localize_all(config, article, languages) for article in articles]
        all_versions.sort(key=lambda vs: vs[0].article.published, reverse=True)
        files: Files = {}
        state: Files = {}  # project files an exporter keeps between builds, such as a version ledger
        ctx = Context(config)
        for fmt in formats:
            chosen = tuple(_gate(config, fmt, versions, fallback, report) for versions in all_versions)
            chosen = tuple(vs for vs in chosen if vs)
            ex = exporter(fmt)
            for versions in chosen:
                files.update(ex.article(versions, ctx))
            files.update(ex.collection(chosen, ctx))
            state.update(_state_files(ex, chosen, ctx))
        _write_all(config, files, report)
        _write_all(config, state, report, config.root)
    return report


def _localize_all(config: Config, article: Article, languages: tuple[str, ...]) -> tuple[LocalizedArticle, ...]:
    available = tuple(lang for lang in config.languages if lang in languages)
    versions = []
    for lang in available:
        path = catalogs.catalog_path(config.locales_path, lang, article.slug)
        if path.exists():
            translations = catalogs.translations(catalogs.read(path, display_path(config, path)))
        elif lang == article.language:
            translations = {}
        else:
            continue
        versions.append(localize(article, translations, lang, config.babel_locale(lang), config.segmentation,
                                 available))
    return tuple(versions)


def _gate(config: Config, fmt: str, versions: tuple[LocalizedArticle, ...], fallback: bool,
          report: BuildReport) -> tuple[LocalizedArticle, ...]:
    gate = config.gates[fmt]
    errors = errors_by_language(config, versions[0].article) if versions and not gate.allow_check_errors else {}
    passed = []
    for version in versions:
        percent = version.completeness.percent
        reason = None
        if percent < gate.min_translated:
            reason = f"{percent:.0f}% translated, {fmt} needs {gate.min_translated:.0f}%"
        elif percent < 100 and not (fallback and gate.allow_fallback):
            reason = f"{percent:.0f}% translated and {fmt} publishes no source-language fallback"
        elif errors.get(version.lang):
            reason = f"{errors[version.lang]} check error(s); see publish check --lang {version.lang}"
        if reason:
            report.held_back.append(HeldBack(version.slug, version.lang, fmt, reason))
        else:
            passed.append(version)
    languages = tuple(v.lang for v in passed)
    return tuple(replace(v, languages=languages) for v in passed)


def _state_files(ex, chosen: tuple[tuple[LocalizedArticle, ...], ...], ctx: Context) -> Files:
    """An exporter may keep state in the project (an optional `state_files` method returning
    {project-relative path: bytes}); it is rendered with everything else and written last."""
    state_files = getattr(ex, "state_files", None)
    return state_files(chosen, ctx) if state_files else {}


def _write_all(config: Config, files: Files, report: BuildReport, folder: Path | None = None) -> None:
    folder = folder or config.output_path
    out = folder.resolve()
    for relative, data in sorted(files.items()):
        target = (out / relative).resolve()
        if not target.is_relative_to(out):
            raise PublisherError(f"refusing to write outside {display_path(config, folder)}: {relative}")
        name = display_path(config, folder / relative)
        if write_atomic(target, data):
            report.written.append(name)
        else:
            report.unchanged.append(name)
