"""A news day on the wire: which items a build sends, with which versions and times.

- A usable story sends each language the build's gate passed; a language held back sends nothing
  new, and partners keep the version they have (the package still lists it).
- A withdrawn story (`status: canceled`) reaches every item ever sent, whatever the translation
  gates say, a retired guid too: `stat:canceled`, no body, the withdrawal's note in the item's
  language where it is translated, in the source language otherwise. A withheld story sends
  `stat:withheld` the same way. A story never sent sends nothing. A withdrawal is final: the
  same guids never turn usable again.
- A version is made only when an item's content (content.py) changes. Its time is the real time
  of the build that made it (`clock.build_time`, SOURCE_DATE_EPOCH when set), never earlier than the
  version before it, and never earlier than an embargo it lifts. `sig:correction` and the
  correction note belong to the version that made the correction; later versions say `sig:update`.
- A late translation is version 1 of its own item, with its own firstCreated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from publisher.config import Config
from publisher.errors import Problems, PublisherError
from publisher.localize import localize
from publisher.model import Article, LocalizedArticle
from publisher.wire import ledger as ledgers, ninjs, outbox, rows
from publisher.wire.codes import Name
from publisher.wire.content import Note, Ref, item_content, notes, package_content
from publisher.wire.ledger import Item, Ledger, Version
from publisher.wire.rows import Row
from publisher.wire.tree import Stamp, news_item, package_item, serialize

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Document:
    path: str  # under the output folder
    guid: str
    version: int
    data: bytes
    ninjs: bytes  # its ninjs twin
    language: str  # a text item's language; empty for a package
    outbox: dict[str, bytes]  # its files in the outbox (outbox.py), when these are the bytes first sent


@dataclass(frozen=True)
class Plan:
    documents: tuple[Document, ...]  # the story's items, then its package
    ledger: Ledger


def guid(config: Config, article: Article, lang: str | None = None) -> str:
    """An RFC 3085 NewsML URN, as NewsML-G2 providers write it (the revision is the item's version):
    urn:newsml:<provider_domain>:<CCYYMMDD first published>:<article id>[@<language>]."""
    day = article.published.strftime("%Y%m%d")
    return f"urn:newsml:{config.provider_domain}:{day}:{article.id}" + (f"@{lang}" if lang else "")


def legacy(config: Config, article_id: str):
    """How format-1 ledgers named their items (urn:newsml:<provider name>:<id>[:<lang>]): they keep
    those guids, which partners hold. Their package stood in the source language."""
    provider = "".join(c if c.isalnum() or c in ".-" else "-" for c in config.provider.lower())

    def name(kind: str, lang: str) -> tuple[str, str]:
        if kind == "package":
            return f"urn:newsml:{provider}:{article_id}", config.source_language
        return f"urn:newsml:{provider}:{article_id}:{lang}", lang
    return name


def load_ledger(config: Config, article_id: str) -> Ledger:
    return ledgers.load(config.root, article_id, legacy(config, article_id))


class Committed(NamedTuple):
    """A story's ledger as committed, the digest of its file's bytes and its rows in the outbox (a
    build that leaves those bytes as they are has that ledger, without parsing them again). The
    ledger is None when its rows were kept from the last build: `parsed` reads it when needed."""

    ledger: Ledger | None
    digest: str
    rows: tuple[Row, ...]

    def parsed(self, config: Config, article_id: str) -> Ledger:
        if self.ledger is not None:
            return self.ledger
        data = ledgers.read(config.root, article_id)
        if data is None or outbox.digest(data) != self.digest:
            raise PublisherError("the version ledger changed while the build ran; build again",
                                 ledgers.ledger_path(article_id))
        return ledgers.loads(data, article_id, legacy(config, article_id))


def committed_ledgers(config: Config, kept: rows.Kept | None = None) -> dict[str, Committed]:
    """Every story's ledger as committed, by article id; those whose bytes have rows `kept` from the
    last build are not parsed (their bytes were, when that build listed them)."""
    kept = kept or {}
    found = {}
    for article_id in ledgers.ledger_ids(config.root):
        data = ledgers.read(config.root, article_id)
        if data is None:  # gone since the folder was listed: nothing committed
            continue
        digest = outbox.digest(data)
        if digest in kept:
            found[article_id] = Committed(None, digest, kept[digest])
        else:
            book = ledgers.loads(data, article_id, legacy(config, article_id))
            found[article_id] = Committed(book, digest, rows.of(book))
    return found


def project_ledgers(config: Config) -> list[Ledger]:
    """Every story's ledger as committed, in the order of their ids (publish deliver's outbox)."""
    committed = committed_ledgers(config)
    return [committed[i].ledger for i in sorted(committed)]


def project_rows(config: Config, pending: dict[str, bytes],
                 committed: dict[str, Committed]) -> list[tuple[str, tuple[Row, ...]]]:
    """Every story's rows in the outbox with its ledger's digest, the ledgers as this build leaves
    them (`pending`, by project path, else as committed), in the order of their ids."""
    found = []
    for article_id in sorted(set(committed) | _pending_ids(pending)):
        data, known = pending.get(ledgers.ledger_path(article_id)), committed.get(article_id)
        digest = known.digest if data is None else outbox.digest(data)
        if known is not None and digest == known.digest:
            found.append((digest, known.rows))  # left as committed (a full build rewrites every ledger, mostly the same)
        else:
            found.append((digest, rows.of(ledgers.loads(data, article_id, legacy(config, article_id)))))
    return found


def _pending_ids(pending: dict[str, bytes]) -> set[str]:
    return {path.removeprefix(f"{ledgers.LEDGER_DIR}/").removesuffix(".json") for path in pending
            if path.startswith(f"{ledgers.LEDGER_DIR}/")}


def outbox_last(config: Config, committed: dict[str, Committed] | None = None) -> datetime | None:
    """When an earlier build last put a version into the outbox (the committed ledgers say)."""
    committed = committed_ledgers(config) if committed is None else committed
    return rows.last([committed[i].rows for i in sorted(committed)])


def plan(versions: tuple[LocalizedArticle, ...], config: Config, book: Ledger, now: datetime,
         outbox_last: datetime | None = None) -> Plan:
    """The documents this build sends for one story, and the ledger after sending them.

    `versions` are what the build hands the wire: the languages its gate passed for a usable
    story, every language it could localize for a withdrawn or withheld one. `outbox_last` is
    the latest time an earlier build put a version into the outbox (rows.last): what this
    build puts there comes after it, so the changes listing only ever grows at its end."""
    article = versions[0].article
    _refuse_revival(article, book)
    book = replace(book, slug=article.slug)
    documents = []
    for target in _targets(article, versions, config, book):
        document, book = _send_item(target, config, book, now, outbox_last)
        documents.append(document)
    packages, book = _send_packages(article, versions, config, book, now, outbox_last)
    return Plan(tuple(documents + packages), book)


def check_sent_stories(config: Config, articles: list[Article]) -> None:
    """A story sent to partners whose source is gone (or whose id changed) is refused: partners would
    keep it as usable for ever."""
    ids = {a.id for a in articles}
    by_slug = {a.slug: a for a in articles}
    errors = []
    for article_id in ledgers.ledger_ids(config.root):
        if article_id in ids:
            continue
        book = load_ledger(config, article_id)
        live = [item for item in book.sent() if item.latest.status != "canceled"]
        if not live:
            continue
        renamed = by_slug.get(book.slug)
        if renamed:
            problem = (f"source/{book.slug}.md now has the id '{renamed.id}', but partners know the story by "
                       f"guids built from '{article_id}'; put the id back, or withdraw the story under it first "
                       "('status: canceled') and send the new one after")
        else:
            source = f"source/{book.slug}.md" if book.slug else f"the article with id '{article_id}'"
            problem = (f"{source} is gone; restore it, and set 'status: canceled' to withdraw the story from "
                       "partners, or keep it as it was")
        errors.append(PublisherError(f"this story was sent to wire partners ({len(live)} item(s) they still hold "
                                     f"as usable) but {problem}", ledgers.ledger_path(article_id)))
    if errors:
        raise errors[0] if len(errors) == 1 else Problems(errors)


def sent_items(versions: tuple[LocalizedArticle, ...], config: Config, book: Ledger) -> list[tuple[str, Item]]:
    """Where plan() puts each document of the story, and its item, without rendering any: once
    `book` is the ledger as this build leaves it (the story planned already), each document is its
    item's latest version, whose bytes the ledger records (`sent`). An item without versions is one
    plan() would send for the first time."""
    article = versions[0].article
    _refuse_revival(article, book)
    return [(path, item) for item, path in _text_items(article, versions, config, book)] + \
        [(path, item) for item, _, path in _package_items(article, config, book)]


# --- Items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    item: Item  # its ledger entry (no versions yet for a new item)
    version: LocalizedArticle
    path: str


def _targets(article: Article, versions: tuple[LocalizedArticle, ...], config: Config, book: Ledger) -> list[_Target]:
    by_lang = {v.lang: v for v in versions}
    return [_Target(item, by_lang.get(item.language) or _untranslated(article, item.language, config), path)
            for item, path in _text_items(article, versions, config, book)]


def _text_items(article: Article, versions: tuple[LocalizedArticle, ...], config: Config,
                book: Ledger) -> list[tuple[Item, str]]:
    """The text items the story sends, with their paths: a usable story's languages (an item not
    sent yet has no versions), every item ever sent for a withdrawal or a withholding."""
    if article.status == "usable":
        return [(book.current("text", v.lang) or Item(guid(config, article, v.lang), "text", v.lang),
                 _item_path(article, v.lang)) for v in versions]
    return [(item, _item_path(article, item.language, _retired_index(book, item)))
            for item in _sent(book, "text", config)]


def _send_item(target: _Target, config: Config, book: Ledger, now: datetime,
               outbox_last: datetime | None) -> tuple[Document, Ledger]:
    content = item_content(target.version, target.item.guid, config)
    correction = (content.correction.text, content.correction.lang) if content.correction else None
    item = _advance(target.item, content.digest(), now, content.status, content.embargoed, content.headline.text,
                    content.correction_source, correction)
    stamp = _stamp(item)
    name = outbox.stem(book.article, "text", item.language, _retired_index(book, item))
    return _document(target.path, item, serialize(news_item(content, stamp, config.provider_domain)),
                     ninjs.dumps(ninjs.item(content, stamp)), name, book, (now, outbox_last))


def _advance(item: Item, content_digest: str, now: datetime, status: str, embargoed: datetime | None,
             headline: str | None, correction_source: str | None = None,
             correction: tuple[str, str] | None = None) -> Item:
    """The item after sending this content: unchanged content keeps its version and time."""
    previous = item.latest if item.versions else None
    if previous and previous.content == content_digest:
        return item
    created, signal, note = now, None, None
    if previous:
        created = max(now, previous.created + ONE_SECOND)
        if previous.embargoed and not embargoed:  # lifting an embargo: not before it ends
            created = max(created, previous.embargoed)
        correcting = bool(correction_source) and correction_source != previous.correction
        signal = "correction" if correcting else "update"
        note = correction if correcting else None
    number = previous.version + 1 if previous else 1
    version = Version(number, created, content_digest, None, status, signal, correction_source, note, embargoed,
                      headline)
    return replace(item, versions=item.versions + (version,))


def _stamp(item: Item) -> Stamp:
    latest = item.latest
    note = Note("noterole:correction", *latest.correction_note) if latest.correction_note else None
    return Stamp(latest.version, latest.created, item.first_created, latest.signal, note)


def _document(path: str, item: Item, data: bytes, twin: bytes, name: str, book: Ledger,
              clock: tuple[datetime, datetime | None]) -> tuple[Document, Ledger]:
    """A new version records the sha256 of its bytes and goes into the outbox, stamped with this
    build's time (`clock`: now, and the outbox's last time); a version already sent keeps what it
    recorded (one made before the outbox existed goes in with its own time, if this toolkit
    renders exactly the bytes first sent)."""
    latest = item.latest
    new = latest.sent is None
    if new:
        latest = replace(latest, sent=outbox.digest(data))
    now, outbox_last = clock
    latest = outbox.record(latest, name, data, twin, outbox.after(now if new else latest.created, outbox_last))
    item = replace(item, versions=item.versions[:-1] + (latest,))
    document = Document(path, item.guid, latest.version, data, twin, item.language if item.kind == "text" else "",
                        outbox.files(latest, data, twin))
    return document, book.with_item(item)


def _untranslated(article: Article, lang: str, config: Config) -> LocalizedArticle:
    """A language sent once but without a catalogue now: its withdrawal speaks the source language."""
    return localize(article, {}, lang, config.babel_locale(lang), config.segmentation, config.languages)


# --- Packages ---------------------------------------------------------------------------------


def _send_packages(article: Article, versions: tuple[LocalizedArticle, ...], config: Config, book: Ledger,
                   now: datetime, outbox_last: datetime | None) -> tuple[list[Document], Ledger]:
    """The package lists every language partners hold, each at its latest version. A withdrawal
    reaches a retired package too, listing the retired items."""
    source = next((v for v in versions if v.lang == article.language), versions[0])
    package_notes = notes(source) if article.status != "usable" else ()
    documents = []
    for item, members, path in _package_items(article, config, book):
        refs = tuple(Ref(i.guid, i.latest.version, i.language, i.latest.headline or "", i.latest.status)
                     for i in members)
        headlines = tuple(Name(r.headline, r.lang) for r in refs if r.headline)
        retired = _retired_index(book, item)
        content = package_content(article, item.guid, refs, headlines, package_notes, config, retired)
        item = _advance(item, content.digest(), now, content.status, content.embargoed,
                        headlines[0].text if headlines else None)
        stamp = _stamp(item)
        tree = package_item(content, stamp, config.provider_domain)
        document, book = _document(path, item, serialize(tree), ninjs.dumps(ninjs.package(content, stamp)),
                                   outbox.stem(article.id, "package", "", retired), book, (now, outbox_last))
        documents.append(document)
    return documents, book


def _package_items(article: Article, config: Config, book: Ledger) -> list[tuple[Item, list[Item], str]]:
    """The packages the story sends (one not sent yet has no versions), each with the text items it
    lists (those already sent, a package's own retired ones for a retired package) and its path."""
    packages = [i for i in _sent(book, "package", config) if not i.retired]
    packages = packages or [Item(guid(config, article), "package", article.language)]
    if article.status != "usable":
        packages += [i for i in _sent(book, "package", config) if i.retired]
    found = []
    for item in packages:
        members = [i for i in _sent(book, "text", config) if i.retired == item.retired]
        if members:
            retired = _retired_index(book, item)
            found.append((item, members, f"newsml/{article.slug}{f'.retired-{retired}' if retired else ''}.xml"))
    return found


# --- Rules --------------------------------------------------------------------------------------


def _refuse_revival(article: Article, book: Ledger) -> None:
    if article.status == "canceled":
        return
    killed = [item for item in book.sent() if item.latest.status == "canceled"]
    if killed:
        raise PublisherError(f"this story was withdrawn from wire partners (stat:canceled, {killed[0].guid}); a "
                             "withdrawn story never comes back under the same guids: set 'status: canceled' "
                             "again, or give the new story another id", article.path)


def _sent(book: Ledger, kind: str, config: Config) -> list[Item]:
    """The items of a kind partners have received, in the project's language order."""
    return sorted((i for i in book.sent() if i.kind == kind),
                  key=lambda i: (_language_rank(config, i.language), i.retired, i.guid))


def _retired_index(book: Ledger, item: Item) -> int:
    """0 for a current item; 1, 2… for the retired items of its kind and language, by guid."""
    if not item.retired:
        return 0
    same = sorted(i.guid for i in book.items.values() if i.retired and i.kind == item.kind
                  and i.language == item.language)
    return same.index(item.guid) + 1


def _item_path(article: Article, lang: str, retired: int = 0) -> str:
    suffix = f".retired-{retired}" if retired else ""
    return f"newsml/{lang}/{article.slug}{suffix}.xml"


def _language_rank(config: Config, lang: str) -> tuple[int, str]:
    order = config.languages
    return (order.index(lang) if lang in order else len(order), lang)


# --- What the build asks -----------------------------------------------------------------------


def hold(article: Article, config: Config) -> str | None:
    """Why the wire sends nothing of this story now (the build reports it held back), or None.
    An embargo goes to partners with the story; a withdrawal and a withholding are sent."""
    if not config.provider_domain:
        return ("set provider_domain in [tool.publisher] to the Internet domain the provider owns (e.g. "
                "belta.by): wire guids are built from it")
    return None


def gated(article: Article) -> bool:
    """Whether the translation gates choose the languages: not for a withdrawal or a withholding,
    which must reach every language ever sent."""
    return article.status == "usable"
