"""Where a project keeps the files a build reads and writes, in the standard library alone: a
no-op build decides by these names before it imports the renderers (see publisher.uptodate)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.errors import PublisherError

if TYPE_CHECKING:
    from publisher.config import Config

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
ID_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$")
LEDGER_DIR = "ledger"  # the wire's version ledgers, one per article id (publisher.wire.ledger)
CACHE_DIR = ".build"  # inside the output folder: the manifest, each article's cache entry, the journal
JOURNAL_NAME = "journal.json"  # in CACHE_DIR while a build moves its files into place (publisher.journal)
OUTBOX_ROWS_NAME = "_outbox.json"  # in CACHE_DIR: the wire's outbox as the last build listed it (publisher.wire.rows)
COLLECTIONS_NAME = "_collections.json"  # in CACHE_DIR: what the readers' collections were made from (buildcache)
NARROWED_PREFIX = "narrowed-"  # .build/narrowed-<16 hex>/: a narrowed build's manifest and cache entries


def find_articles(source_dir: Path) -> list[Path]:
    """Every article in the source folder, in a stable order. Hidden files and editors' lock files
    are not articles (Emacs `.#slug.md`, a word processor's `~$slug.md`, a half-synced copy);
    backups (`slug.md~`, `#slug.md#`, `.slug.md.swp`) do not end in `.md`."""
    return [source_dir / f"{slug}.md" for slug in article_slugs(source_dir)]


def article_slugs(source_dir: Path) -> list[str]:
    """The slugs of find_articles' articles, in its order, without a Path for each."""
    return scan_source(source_dir)[0]


def scan_source(source_dir: Path) -> tuple[list[str], set[str]]:
    """article_slugs, and the names of the source folder's subfolders (an article's pictures are in
    source/<slug>/: most articles have none, and one listing says so for all of them)."""
    if not source_dir.is_dir():
        raise PublisherError("no source folder; create it and add an article as <slug>.md", source_dir)
    names, folders = [], set()
    with os.scandir(source_dir) as entries:
        for entry in entries:
            if entry.name.endswith(".md") and not entry.name.startswith((".", "#", "~")):
                names.append(entry.name)
            elif entry.is_dir():  # through a symbolic link too, as os.scandir of it would list it
                folders.add(entry.name)
    return [name[: -len(".md")] for name in sorted(names)], folders


def catalog_path(locales: Path, lang: str, slug: str) -> Path:
    return locales / catalog_name(lang, slug)


def catalog_name(lang: str, slug: str) -> str:
    """A language's catalogue of an article, relative to the locales folder."""
    return f"{lang}/LC_MESSAGES/{slug}.po"


def ledger_path(article_id: str) -> str:
    """An article's version ledger, relative to the project."""
    return f"{LEDGER_DIR}/{article_id}.json"


def display_path(config: Config, path: Path) -> str:
    """A path as the user sees it in messages and references: relative to the project."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)
