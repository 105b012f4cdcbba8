"""Output formats: one module per format, each exposing EXPORTER, behind one tiny protocol.

An exporter renders files as bytes, keyed by their path under the output folder
("html/ru/<slug>.html"); it never writes: the build writes everything once all is rendered.
An exporter that keeps state in the project (NewsML-G2's version ledger) also offers
`article_with_state(versions, ctx) -> (files, {project-relative path: bytes})`. The wire is no
reader-facing format: it lives in publisher.wire and is registered here under "newsml".
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from publisher.config import FORMAT_NAMES, Config
from publisher.model import LocalizedArticle

# The registry: format name → module publisher.exporters.<name> (the wire's is publisher.wire).
FORMATS = FORMAT_NAMES  # declared with the settings, which check the gates' formats by them
MODULES = {"newsml": "publisher.wire"}

Files = dict[str, bytes]
# All language versions of one article that a format publishes (source language first).
Versions = tuple[LocalizedArticle, ...]


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


class Exporter(Protocol):
    name: str

    def article(self, versions: Versions, ctx: Context) -> Files:
        """Files for one article in every language it is published in."""

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        """Files over all articles: indexes, editions, feeds. Articles come newest first. An exporter
        whose collection reads only the newest config.collection_size of them says so with a true
        `newest_only` attribute: the build's digest of its inputs then leaves the others out."""


def exporter(name: str) -> Exporter:
    if name not in FORMATS:
        raise KeyError(name)
    return importlib.import_module(MODULES.get(name, f"publisher.exporters.{name}")).EXPORTER
