"""The wire as the build sees it: one story's items and ledger, then the feed, every file validated.

    newsml/<lang>/<slug>.xml   one text newsItem per story and language
    newsml/<slug>.xml          the packageItem listing the story's languages (pgrmod:alt)
    newsml/feed.xml            a newsMessage carrying the items and packages the newest stories
                               (Config.collection_size) send in this build
    newsml/partners/<name>/…   each partner's newsMessages, as its profile says (messages.py)
    wire/<day>/<item>-v<N>.*   the outbox: each version sent, as NewsML-G2 and ninjs, written once
    wire/…                     what partners pull: indexes, Atom feeds, the changes listing (pull.py)

Every document is checked against the shipped NewsML-G2 2.35 schema (and what the schema leaves
out: one XHTML body in inlineXML, qcodes from declared schemes) before the build may write
anything: a document that fails is a bug in the toolkit, reported as one, and nothing is written;
every ninjs twin likewise against the shipped ninjs 2.2 schema.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from publisher.clock import build_time
from publisher.errors import PublisherError
from publisher.exporters import Context, Files, Unread, Versions
from publisher.wire import ledger as ledgers, messages, ninjs, outbox, pull, rows
from publisher.wire.ledger import Ledger
from publisher.wire.messages import Carried, Story
from publisher.wire.newsday import committed_ledgers, load_ledger, outbox_last, plan, project_rows, sent_items
from publisher.wire.rows import Row
from publisher.wire.schema import problems


class WireExporter:
    name = "newsml"

    def article(self, versions: Versions, ctx: Context) -> Files:
        return self.article_with_state(versions, ctx)[0]

    def article_with_state(self, versions: Versions, ctx: Context) -> tuple[Files, Files]:
        """The story's documents, and its ledger keyed by its path in the project."""
        article = versions[0].article
        book = load_ledger(ctx.config, article.id)
        result = plan(versions, ctx.config, book, ctx.build_time or build_time(), _outbox_last(ctx))
        files = {document.path: document.data for document in result.documents}
        check(files)
        for document in result.documents:
            ninjs.check(document.path.removesuffix(".xml") + ".json", document.ninjs)
            files.update(document.outbox)
        if not result.ledger.sent():
            return files, {}
        return files, {ledgers.ledger_path(article.id): ledgers.dumps(result.ledger)}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        return self.collection_and_rows(articles, replace(ctx, listings={}))[0]

    def collection_and_rows(self, articles: tuple[Versions, ...],
                            ctx: Context) -> tuple[Files, set[str], rows.Listed]:
        """The pull listings, and the newsMessages (messages.py) of what the newest stories send:
        the items the article step wrote, read back from the output folder or from where this build
        staged them (a story with a file missing or damaged is planned again). No message when they
        send nothing (every language held back): the build then keeps the last. A message whose
        bytes the last build wrote (ctx.checked) was checked then. Then the listings made from the
        same rows as their file (ctx.listings): kept, not made (their paths come second); and what
        this build listed, for the next build (rows.py), which keeps it in its state folder."""
        stories = []
        for versions in articles[: ctx.config.collection_size]:
            book = _pending_ledger(versions, ctx)
            documents = _written(versions, book, ctx) or _planned(versions, book, ctx)
            if documents:
                stories.append(Story(versions[0].article.slug, versions[0].article.urgency, documents))
        sent = messages.feed(stories, ctx.config)
        check({path: data for path, data in sent.items() if hashlib.sha256(data).hexdigest() not in ctx.checked})
        committed = ctx.ledgers if ctx.ledgers is not None else committed_ledgers(ctx.config)
        listed = project_rows(ctx.config, ctx.state, committed)
        in_order = sorted((row for _, book in listed for row in book), key=Row.order)
        made, digests = pull.files(ctx.config, in_order, ctx.listings)
        return {**made, **sent}, set(digests) - set(made), rows.Listed(dict(listed), digests)


EXPORTER = WireExporter()


def check(files: Files) -> None:
    """Refuse to write a document the IPTC schema rejects: that is a bug of ours, not bad input."""
    for path, data in sorted(files.items()):
        found = problems(data, ours=True)
        if found:
            listed = "; ".join(f"line {p.line}: {p.message}" for p in found[:5])
            raise PublisherError(f"bug: publish made a NewsML-G2 document that the IPTC 2.35 schema rejects, so "
                                 f"nothing was written; please report it with this message: {listed}", path)


def _written(versions: Versions, book: Ledger, ctx: Context) -> tuple[Carried, ...]:
    """The story's documents as the article step wrote them, in the output folder or, when this
    build staged them anew, in their temporary files beside it (ctx.staged), when every one is its
    item's latest version, byte for byte as the ledger recorded it; nothing otherwise (a file
    missing or damaged). `book`: the story's ledger as this build leaves it."""
    found = []
    for path, item in sent_items(versions, ctx.config, book):
        latest = item.latest if item.versions else None
        data = _read(_where(ctx, path)) if latest and latest.sent else None
        if data is None or outbox.digest(data) != latest.sent:
            return ()
        found.append(Carried(item.guid, latest.version, item.language if item.kind == "text" else "", data,
                             latest.created))
    return tuple(found)


def _planned(versions: Versions, book: Ledger, ctx: Context) -> tuple[Carried, ...]:
    """The story's documents planned and rendered again, as the article step made them."""
    result = plan(versions, ctx.config, book, ctx.build_time or build_time(), _outbox_last(ctx))
    return tuple(Carried(d.guid, d.version, d.language, d.data, result.ledger.items[d.guid].latest.created)
                 for d in result.documents)


def _where(ctx: Context, path: str) -> Path:
    """Where a document of the output folder is now: its staged temporary file until the commit."""
    target = ctx.config.output_path / path
    staged = ctx.staged.get(path)
    return target.with_name(staged) if staged else target


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # missing, a folder, unreadable: rendered again instead
        return None


def _outbox_last(ctx: Context):
    """When an earlier build last put a version into the outbox: as the build read it once, else from the ledgers."""
    return outbox_last(ctx.config) if isinstance(ctx.outbox_last, Unread) else ctx.outbox_last


def _pending_ledger(versions: Versions, ctx: Context) -> Ledger:
    """The story's ledger as this build leaves it: from the state it is about to write, else the project."""
    article = versions[0].article
    pending = ctx.state.get(ledgers.ledger_path(article.id))
    if pending is None:
        committed = ctx.ledgers.get(article.id) if ctx.ledgers is not None else None
        return committed.parsed(ctx.config, article.id) if committed else load_ledger(ctx.config, article.id)
    return ledgers.loads(pending, article.id)


