"""A newsroom project: its articles and catalogues, and the catalogue commands over them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from publisher import catalogs
from publisher.config import Config
from publisher.errors import Problems, PublisherError
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
    _check_unique_ids(articles)
    return articles


def _check_unique_ids(articles: list[Article]) -> None:
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


def extract(config: Config, articles: list[Article]) -> list[Written]:
    with project_lock(config.root):
        return [_write(config, path, text) for path, text in _templates(config, articles)]


def _templates(config: Config, articles: list[Article]):
    for article in articles:
        pot = catalogs.template(article, units(article, config.segmentation), article.path)
        yield catalogs.template_path(config.locales_path, article.slug), catalogs.render(pot, is_template=True)


def update(config: Config, articles: list[Article], languages: tuple[str, ...] = ()) -> list[Written]:
    """Extract, then create or merge every catalogue. Everything is computed before anything is written."""
    languages = languages or config.languages
    with project_lock(config.root):
        sweep_temporary(config.locales_path)
        planned = []
        for article in articles:
            pot = catalogs.template(article, units(article, config.segmentation), article.path)
            planned.append((catalogs.template_path(config.locales_path, article.slug),
                            catalogs.render(pot, is_template=True)))
            for lang in languages:
                path = catalogs.catalog_path(config.locales_path, lang, article.slug)
                old = catalogs.read(path, display_path(config, path)) if path.exists() else None
                po = catalogs.merge(pot, old, lang, article, config.source_language)
                planned.append((path, catalogs.render(po)))
        return [_write(config, path, text) for path, text in planned]


def _write(config: Config, path: Path, text: str) -> Written:
    changed = write_atomic(path, text.encode("utf-8"))
    if changed:
        log.info("wrote %s", display_path(config, path))
    return Written(display_path(config, path), changed)


@dataclass(frozen=True)
class StatusRow:
    article: str
    lang: str
    stats: catalogs.Stats | None  # None: no catalogue yet


def status(config: Config, articles: list[Article], languages: tuple[str, ...] = ()) -> list[StatusRow]:
    rows = []
    for article in articles:
        for lang in languages or config.languages:
            path = catalogs.catalog_path(config.locales_path, lang, article.slug)
            po = catalogs.read(path, display_path(config, path)) if path.exists() else None
            rows.append(StatusRow(article.slug, lang, catalogs.stats(po) if po else None))
    return rows
