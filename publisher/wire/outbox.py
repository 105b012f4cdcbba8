"""The outbox: every item version the wire sends, written once under a name that never changes.

    output/wire/<YYYY-MM-DD>/<id>@<lang>-v<N>.xml    a text item's version (NewsML-G2), and
    output/wire/<YYYY-MM-DD>/<id>@<lang>-v<N>.json   its ninjs twin
    output/wire/<YYYY-MM-DD>/<id>-v<N>.xml|json      the story's package (composite in ninjs)

The day is the version's versionCreated, in UTC; `<id>` is the article's id (its guids are built from
it, and it never changes while partners hold the story), `@retired-<n>` follows a retired guid.
A file here is never rewritten and never removed by a later build (publisher.build and the
journal ask `write_once`): the ledger records where each version's files are and the sha256 of
both, so a toolkit that would render other bytes for a version already sent leaves the file
alone, and `publish deliver` refuses to send a file whose bytes are not the ones recorded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from publisher.wire.ledger import OUTBOX_FILE, Ledger, Outbox, Version

FOLDER = "wire"
_WRITE_ONCE = re.compile(OUTBOX_FILE.pattern + r"\.(?:xml|json)")


def write_once(relative: str) -> bool:
    """Whether an output-relative path is an outbox file, which nothing may replace or remove."""
    return bool(_WRITE_ONCE.fullmatch(relative))


def stem(article_id: str, kind: str, lang: str, retired: int = 0) -> str:
    """An item's name in the outbox: `@` appears in no article id, so no two items share one."""
    name = article_id if kind == "package" else f"{article_id}@{lang}"
    return name + (f"@retired-{retired}" if retired else "")


def day(created: datetime) -> str:
    return created.astimezone(timezone.utc).date().isoformat()


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def after(when: datetime, last: datetime | None) -> datetime:
    """`when`, or a second after the outbox's `last` time if that is later: a clock set back (or
    one SOURCE_DATE_EPOCH for several builds) must not slip a new version in among those that a
    partner has already listed. The ledger's times are to the second."""
    return max(when, last + timedelta(seconds=1)) if last else when


def record(version: Version, name: str, data: bytes, ninjs: bytes, at: datetime) -> Version:
    """The version with its outbox record, if it has none yet and `data` are the bytes first sent
    (a version made before the outbox existed, rendered otherwise now, never gets one)."""
    if version.outbox is not None or version.sent != digest(data):
        return version
    file = f"{FOLDER}/{day(version.created)}/{name}-v{version.version}"
    return replace(version, outbox=Outbox(file, at, digest(ninjs)))


def files(version: Version, data: bytes, ninjs: bytes) -> dict[str, bytes]:
    """The version's outbox files, when these are the bytes the ledger recorded; nothing otherwise
    (what is there stays: a later toolkit never rewrites a version partners may hold)."""
    box = version.outbox
    if box is None or version.sent != digest(data) or box.ninjs != digest(ninjs):
        return {}
    return {f"{box.file}.xml": data, f"{box.file}.json": ninjs}


# --- What is in it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One item version in the outbox, as the ledger records it."""

    article: str  # the article id
    guid: str
    kind: str  # text | package
    language: str
    version: Version  # with its outbox record

    @property
    def file(self) -> str:
        return self.version.outbox.file

    @property
    def at(self) -> datetime:
        return self.version.outbox.at

    def order(self) -> tuple[datetime, str]:
        return (self.at, self.file)


def entries(ledgers: list[Ledger]) -> list[Entry]:
    """Every version in the outbox, in the order builds put them there (ties by name): the order
    of the pull listings and of deliveries. It only grows at the end while the clock moves forward."""
    found = [Entry(book.article, item.guid, item.kind, item.language, version)
             for book in ledgers for item in book.items.values() for version in item.versions if version.outbox]
    return sorted(found, key=Entry.order)
