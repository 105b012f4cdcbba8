"""Output formats: one module per format, each exposing EXPORTER, behind one tiny protocol.

An exporter renders files as bytes, keyed by their path under the output folder
("html/ru/<slug>.html"); it never writes: the build writes everything once all is rendered.
An exporter that keeps state in the project (NewsML-G2's version ledger) also offers
`article_with_state(versions, ctx) -> (files, {project-relative path: bytes})`. The wire is no
reader-facing format: it lives in publisher.wire and is registered here under "newsml".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from publisher.config import FORMAT_NAMES, Config
from publisher.model import LocalizedArticle, Text

# The registry: format name → module publisher.exporters.<name> (the wire's is publisher.wire).
FORMATS = FORMAT_NAMES  # declared with the settings, which check the gates' formats by them
MODULES = {"newsml": "publisher.wire"}

Files = dict[str, bytes]
# All language versions of one article that a format publishes (source language first).
Versions = tuple[LocalizedArticle, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """What a collection shows of one language version of any article, where it lists them all: a
    language's index (the headline, summary, date and link; the agency's name of the newest) and
    the sitemaps (the address and dates). The build keeps this of every article, and whole versions
    of the newest alone (editions and feeds show their bodies)."""

    slug: str
    lang: str
    babel_locale: str
    headline: Text
    summary: Text | None
    published: datetime
    updated: datetime | None
    provider: str  # the agency's name as the version writes it (linked_data.provider_name)


Listings = tuple[Listing, ...]  # an article's, one per language a format publishes


def listing(version: LocalizedArticle, config: Config) -> Listing:
    from publisher.exporters.linked_data import provider_name  # its page renderers, only when a version is listed

    article = version.article
    return Listing(article.slug, version.lang, version.babel_locale, version.headline, version.summary,
                   article.published, article.updated, provider_name(config, version))


class Unread:
    """The outbox clock of a context made without it: the wire then reads the ledgers itself."""


@dataclass(frozen=True)
class Context:
    config: Config
    build_time: datetime | None = None  # when this build runs: the time of the wire's new versions
    state: Files = field(default_factory=dict)  # project state this build will write (the ledgers), by path
    # When an earlier build last put a version into the wire's outbox (publisher.wire.outbox_last):
    # the build reads it from every ledger once, not once per story.
    outbox_last: datetime | None | Unread = field(default_factory=Unread)
    # The wire's committed ledgers by article id, as the build read them once (the collections' context
    # only: an article's job is not sent them); None: the wire reads them itself.
    ledgers: dict | None = None
    # The wire's documents this build has staged (the collections' context only): output-relative path
    # → the name of the temporary file beside it that holds them until the commit moves it into place.
    staged: dict[str, str] = field(default_factory=dict)
    # The sha256 of the collection files a build with the same toolkit and settings wrote last (the
    # manifest's records): the wire does not check those newsMessages against the schema again.
    checked: frozenset[str] = frozenset()
    # What each pull listing that rows alone make was made from in the last build whose file the
    # manifest vouches for (publisher.wire.rows): the wire does not make those listings again.
    listings: dict[str, str] = field(default_factory=dict)
    # The languages a build narrowed to them makes files for (it knows every language's versions,
    # as a full build does, for the links and lists that name them); empty: every language.
    languages: tuple[str, ...] = ()

    def makes(self, lang: str) -> bool:
        return not self.languages or lang in self.languages


class Exporter(Protocol):
    name: str

    def article(self, versions: Versions, ctx: Context) -> Files:
        """Files for one article in every language it is published in."""

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        """Files over the newest config.collection_size articles (newest first): editions, feeds.
        One whose files list every article (indexes, sitemaps) offers `collection_parts(newest,
        listed, ctx)` (see Part) instead, given every article's Listings beside the newest whole."""


@dataclass(frozen=True)
class Part:
    """Some of a collection's files and all they are made from beside the build hash (settings,
    templates, toolkit): the versions it reads, newest first, and any other facts (JSON data). Its
    files are `render(articles, facts, ctx)`, which reads nothing else: a build whose inputs for a
    part are the last build's keeps the part's files unrendered (publisher.build)."""

    name: str  # one of the format's parts, the same from build to build: "index/ru"
    articles: tuple[Versions, ...] | tuple[Listings, ...]
    facts: tuple
    render: Callable[[tuple[Versions, ...], tuple, Context], Files]

    def files(self, ctx: Context) -> Files:
        return self.render(self.articles, self.facts, ctx)


def collection_parts(ex: Exporter, newest: tuple[Versions, ...], listed: tuple[Listings, ...],
                     ctx: Context) -> tuple[Part, ...]:
    """A format's collection in parts: as its exporter states them, or else one part, of the newest
    config.collection_size articles (`newest`, whole; `listed`: every article's Listings)."""
    stated = getattr(ex, "collection_parts", None)
    if stated:
        return stated(newest, listed, ctx)
    read = newest[: ctx.config.collection_size]
    return (Part("collection", read, (), lambda chosen, facts, ctx: ex.collection(chosen, ctx)),)


def files_of(parts: tuple[Part, ...], ctx: Context) -> Files:
    """Every part's files: a collection made whole."""
    return {path: data for part in parts for path, data in part.files(ctx).items()}


def exporter(name: str) -> Exporter:
    if name not in FORMATS:
        raise KeyError(name)
    return importlib.import_module(MODULES.get(name, f"publisher.exporters.{name}")).EXPORTER
