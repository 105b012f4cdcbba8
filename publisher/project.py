"""A newsroom project: its articles and catalogues, and the catalogue commands over them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from publisher import po
from publisher.config import Config
from publisher.errors import Problems, PublisherError
from publisher.glossary import load_glossary
from publisher.fsutil import project_lock, sweep_temporary, write_atomic
from publisher.model import Article
from publisher.segment import units
from publisher.source import find_articles, read_article

log = logging.getLogger(__name__)


def display_path(config: Config, path: Path) -> str:
    """A path as the user sees it in messages and references: relative to the project."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def load_articles(config: Config, only: tuple[str, ...] = ()) -> list[Article]:
    """Every article (or those named), all read before anything is reported, so all errors show."""
    paths = find_articles(config.source_path)
    if only:
        missing = sorted(set(only) - {p.stem for p in paths})
        if missing:
            raise PublisherError(f"no article named {', '.join(missing)} in {display_path(config, config.source_path)}")
        paths = [p for p in paths if p.stem in only]
    articles, errors = [], []
    for path in paths:
        try:
            articles.append(read_article(path, display_path(config, path), config.source_language))
        except Problems as exc:
            errors += exc.errors
        except PublisherError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else Problems(errors)
    check_unique_ids(articles)
    return articles


def check_unique_ids(articles: list[Article]) -> None:
    seen: dict[str, Article] = {}
    for article in articles:
        if article.id in seen:
            raise PublisherError(f"id '{article.id}' is already used by {seen[article.id].path}; ids must be unique",
                                 article.path, 2)
        seen[article.id] = article


@dataclass(frozen=True)
class Written:
    path: str
    changed: bool
    note: str = ""  # e.g. the catalogue it was renamed from


def extract(config: Config, articles: list[Article]) -> list[Written]:
    with project_lock(config.root):
        return [_write(config, path, po.render(pot)) for path, pot in _templates(config, articles)]


def _templates(config: Config, articles: list[Article]):
    for article in articles:
        pot = po.template(article, units(article, config.segmentation), article.path)
        yield po.template_path(config.locales_path, article.slug), pot


def update(config: Config, articles: list[Article], languages: tuple[str, ...] = (),
           prune_obsolete: bool | None = None) -> list[Written]:
    """Extract, then create or merge every catalogue, one language at a time, with that language's
    translation memory. Everything is computed before anything is written; the catalogues of a
    renamed article (same id, new slug) are moved to its new name, and the old files removed last."""
    languages = languages or config.languages
    prune = config.prune_obsolete if prune_obsolete is None else prune_obsolete
    with project_lock(config.root):
        sweep_temporary(config.locales_path)
        templates = dict(_templates(config, articles))
        renamed = _renamed(config, articles)
        planned = [(path, po.render(pot), None) for path, pot in templates.items()]
        for lang in languages:
            planned += _update_language(config, articles, templates, renamed, lang, prune)
        written = [_write(config, path, text, moved_from) for path, text, moved_from in planned]
        _remove_moved(config, [moved_from for _, _, moved_from in planned if moved_from])
        return written


def _update_language(config: Config, articles: list[Article], templates: dict, renamed: dict[str, str],
                     lang: str, prune: bool) -> list[tuple[Path, str, Path | None]]:
    existing = _read_language(config, lang)
    memory = po.Memory(_memory_sources(config, lang, existing), _glossary_terms(config))
    planned = []
    for article in articles:
        path = po.catalog_path(config.locales_path, lang, article.slug)
        old, moved_from = existing.get(path), None
        if old is None and article.slug in renamed:
            moved_from = po.catalog_path(config.locales_path, lang, renamed[article.slug])
            old = existing.get(moved_from)
            moved_from = moved_from if old is not None else None
        where = display_path(config, path)
        catalog = po.merge(templates[po.template_path(config.locales_path, article.slug)], old, lang, article,
                           config.source_language, lambda entry: memory.fill(entry, where), prune)
        planned.append((path, po.render(catalog), moved_from))
    return planned + _kept_orphans(config, existing, {p for path, _, moved in planned for p in (path, moved) if p})


def _kept_orphans(config: Config, existing: dict[Path, po.Catalog], planned: set[Path]):
    """Catalogues whose article is gone from source/: kept whole for the translation memory, but,
    like every catalogue update leaves behind, in gettext's form (a translator's tool may have saved
    one with CRLF or a BOM, which msgfmt refuses)."""
    slugs = {path.stem for path in find_articles(config.source_path)}
    return [(path, po.render(catalog), None) for path, catalog in existing.items()
            if path not in planned and path.stem not in slugs]


def _read_language(config: Config, lang: str) -> dict[Path, po.Catalog]:
    """Every catalogue of a language, read once: the articles' own and those of the memory."""
    folder = config.locales_path / lang / "LC_MESSAGES"
    paths = sorted(folder.glob("*.po")) if folder.is_dir() else []
    return {path: po.read(path, display_path(config, path)) for path in paths}


def _memory_sources(config: Config, lang: str, existing: dict[Path, po.Catalog]):
    compendium = po.compendium_path(config.locales_path, lang)
    sources = [(display_path(config, path), catalog) for path, catalog in existing.items()]
    if compendium.is_file():
        sources.append((display_path(config, compendium), po.read(compendium, display_path(config, compendium))))
    return sources


def _glossary_terms(config: Config):
    """Which glossary terms a source text holds (a near match must hold the same), if there is a glossary."""
    if not config.glossary_path.is_file():
        return None
    glossary = load_glossary(config.glossary_path)

    @lru_cache(maxsize=None)  # a memory sentence is compared with many new ones
    def terms(text: str) -> frozenset[str]:
        return frozenset(term.id for term in glossary.find(text, config.source_language))

    return terms


def _renamed(config: Config, articles: list[Article]) -> dict[str, str]:
    """New slug → old slug, for articles whose id an orphaned template carries (a language whose
    catalogue has not been moved yet takes it along on its update)."""
    slugs = {a.slug for a in articles}
    by_id = {}
    for path in sorted((config.locales_path / "templates").glob("*.pot")):
        if path.stem not in slugs:
            article_id = po.read(path, display_path(config, path)).field(po.ARTICLE_ID_FIELD)
            if article_id:
                by_id.setdefault(article_id, path.stem)
    return {a.slug: by_id[a.id] for a in articles if a.id in by_id}


def _remove_moved(config: Config, paths: list[Path]) -> None:
    """The catalogues just moved to an article's new name; the old template once none is left."""
    for path in paths:
        path.unlink()
        log.info("removed %s", display_path(config, path))
    for slug in sorted({path.stem for path in paths}):
        if not list(config.locales_path.glob(f"*/LC_MESSAGES/{slug}.po")):
            po.template_path(config.locales_path, slug).unlink(missing_ok=True)


def _write(config: Config, path: Path, text: str, moved_from: Path | None = None) -> Written:
    changed = write_atomic(path, text.encode("utf-8"))
    if changed:
        log.info("wrote %s", display_path(config, path))
    note = f"renamed from {display_path(config, moved_from)}" if moved_from else ""
    return Written(display_path(config, path), changed, note)


@dataclass(frozen=True)
class StatusRow:
    article: str
    lang: str
    stats: po.Stats | None  # None: no catalogue yet


def status(config: Config, articles: list[Article], languages: tuple[str, ...] = ()) -> list[StatusRow]:
    """Each article's own units counted in each catalogue, as check and build count them."""
    rows = []
    for article in articles:
        keys = [unit.key for unit in units(article, config.segmentation)]
        for lang in languages or config.languages:
            path = po.catalog_path(config.locales_path, lang, article.slug)
            catalog = po.read(path, display_path(config, path)) if path.exists() else None
            rows.append(StatusRow(article.slug, lang, po.stats(catalog, keys) if catalog else None))
    return rows
