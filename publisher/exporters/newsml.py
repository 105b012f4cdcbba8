"""NewsML-G2 for syndication partners: a newsItem per language, a packageItem per article, a feed.

    newsml/<lang>/<slug>.xml   one text newsItem per article and language
    newsml/<slug>.xml          the packageItem grouping the article's languages (pgrmod:alt)
    newsml/feed.xml            a newsMessage carrying the items and packages of the newest
                               articles (Config.collection_size)

Versions come from the ledger (publisher/ledger.py): each document is hashed as rendered without
its version stamp, and only a new hash makes a new version. The ledger is project state, not
output: `article_with_state` hands it to the build, which writes it once everything is rendered.

Which languages arrive here is the build's gate (Config.gates["newsml"], applied in build.py):
only a catalogue that is 100% translated, with nothing fuzzy and no check error; the wire never
falls back to the source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from publisher import ledger
from publisher.config import Config
from publisher.exporters import Context, Files, Versions
from publisher.ledger import Entry, Ledger
from publisher.newsml_tree import news_item, news_message, package_item


@dataclass(frozen=True)
class Document:
    path: str
    tree: etree._Element
    stamp: Entry


class NewsMLExporter:
    name = "newsml"

    def article(self, versions: Versions, ctx: Context) -> Files:
        return self.article_with_state(versions, ctx)[0]

    def article_with_state(self, versions: Versions, ctx: Context) -> tuple[Files, Files]:
        """The article's documents, and its version ledger keyed by its path in the project: both from
        one pass over the ledger (each item is rendered once to hash it, once stamped)."""
        book = _ledger(versions, ctx.config)
        files = {doc.path: serialize(doc.tree) for doc in _documents(versions, ctx.config, book)}
        return files, {ledger.relative_path(book.id): ledger.dumps(book)}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        articles = articles[: ctx.config.collection_size]  # the feed carries the newest stories
        if not articles:
            return {}
        documents = [doc for versions in articles for doc in _documents(versions, ctx.config)]
        sent = ledger.format_time(_sent(documents))
        priority = min(versions[0].article.urgency for versions in articles)
        feed = news_message([doc.tree for doc in documents], sent, ctx.config.provider,
                            _transmit_id(sent, documents), priority)
        return {"newsml/feed.xml": serialize(feed)}


EXPORTER = NewsMLExporter()


def serialize(tree: etree._Element) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _documents(versions: Versions, config: Config, book: Ledger | None = None) -> list[Document]:
    article = versions[0].article
    book = book or _ledger(versions, config)
    documents = []
    for version in versions:
        others = tuple(v for v in versions if v.lang != version.lang)
        stamp = book.languages[version.lang]
        tree = news_item(version, config, stamp, others)
        documents.append(Document(f"newsml/{version.lang}/{article.slug}.xml", tree, stamp))
    package = package_item(versions, config, book.package)
    documents.append(Document(f"newsml/{article.slug}.xml", package, book.package))
    return documents


def _sent(documents: list[Document]) -> datetime:
    """After the newest item was created: SOURCE_DATE_EPOCH may move it later, never earlier."""
    latest = max(doc.stamp.version_created for doc in documents)
    return max(latest, ledger.source_date_epoch() or latest)


def _transmit_id(sent: str, documents: list[Document]) -> str:
    """The same items sent at the same time make the same message; anything else gets another id."""
    lines = [sent] + [f"{doc.tree.get('guid')} {doc.stamp.version}" for doc in documents]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:20]


def _ledger(versions: Versions, config: Config) -> Ledger:
    """The ledger after this build: a language whose content hash changed gets its next version.

    Links to the other languages are left out of an item's hash: a language joining or leaving
    the wire changes the package (which lists them), not the stories themselves.
    """
    article = versions[0].article
    old = ledger.load(config.root, article.id)
    earliest = ledger.source_date_epoch() or article.updated or article.published
    languages = dict(old.languages)
    for version in versions:
        content = _hash(news_item(version, config, None))
        languages[version.lang] = ledger.advance(old.languages.get(version.lang), content, earliest)
    package = ledger.advance(old.package, _hash(package_item(versions, config, None)), earliest)
    return Ledger(article.id, languages, package)


def _hash(tree: etree._Element) -> str:
    return "sha256:" + hashlib.sha256(serialize(tree)).hexdigest()
