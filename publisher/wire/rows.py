"""What the pull listings and the outbox's clock read of a story's ledger: one row per version in
the outbox, kept between builds in .build/_outbox.json by the digest of the ledger's bytes, with
the digest of what each listing was made from.

Every build lists the whole outbox, so it reads every story's ledger; at 10,000 stories parsing
them is most of what the wire costs a build in which one story changed. A ledger whose bytes are
those of a ledger the last build listed is not parsed again: its rows come from this file. The
file is used only while it holds the bytes the build's manifest recorded for it (Manifest.state),
and it is data only, decoded strictly into these types, each row as plausible as one made of a
ledger and with no character the listings cannot carry (anything else, and every ledger is
parsed as before). It holds the rows of the ledgers as the build that wrote it left them, no
others. A listing whose rows are the last build's is not made again either (pull.files): a full
page of changes never changes, and only today's index grows.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import msgspec

from publisher.jsontext import plain_escapes
from publisher.layout import OUTBOX_ROWS_NAME
from publisher.manifest import Manifest, vouches
from publisher.textchars import forbidden
from publisher.wire.ledger import OUTBOX_FILE, STATUSES, Item, Ledger, Version, format_time
from publisher.wire.outbox import day

NAME = OUTBOX_ROWS_NAME  # in the build's state folder (not a slug: the underscore)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")  # a BCP 47 tag's shape (the config checks the project's)


class Row(msgspec.Struct, frozen=True, array_like=True, forbid_unknown_fields=True, gc=False):
    """One version in the outbox, as the listings and the Atom feeds give it."""

    at_us: int  # when a build put it in the outbox, in microseconds since 1970: the listings' order
    file: str  # wire/<day>/<name>, without .xml / .json
    at: str  # the same time as the ledger gives it (xs:dateTime, its zone offset)
    guid: str
    version: int
    kind: str
    language: str
    status: str
    signal: str | None
    created_us: int  # versionCreated, in microseconds since 1970: the feeds' order
    created: str
    day: str  # the UTC day of versionCreated: the day index that lists it
    headline: str | None
    newsml_sha256: str | None
    ninjs_sha256: str

    def order(self) -> tuple[int, str]:
        return (self.at_us, self.file)


Kept = dict[str, tuple[Row, ...]]  # a ledger file's digest → its rows


class Listed(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the last build listed: every ledger's rows, and the digest of what each pull listing that
    only rows make (a day's index, a page of changes) was made from (publisher.wire.pull)."""

    rows: Kept = {}
    listings: dict[str, str] = {}  # output-relative path → digest (pull._digest)
    toolkit: str = ""  # the build hash of the build that listed them: another toolkit makes other listings


def of(book: Ledger) -> tuple[Row, ...]:
    """The ledger's versions in the outbox, in the ledger's own order (items, then versions)."""
    return tuple(row(item, v) for item in book.items.values() for v in item.versions if v.outbox)


def row(item: Item, v: Version) -> Row:
    """A version's row, the version with its outbox record."""
    box = v.outbox
    return Row(_micros(box.at), box.file, format_time(box.at), item.guid, v.version, item.kind, item.language,
               v.status, v.signal, _micros(v.created), format_time(v.created), day(v.created), v.headline,
               _hex(v.sent), _hex(box.ninjs))


def last(books: list[tuple[Row, ...]]) -> datetime | None:
    """The latest time a build put a version into the outbox: the first such row's, in the order
    given (the ledgers by id, each in its own order), as the ledger wrote it."""
    found = None
    for version in (version for book in books for version in book):
        if found is None or version.at_us > found.at_us:
            found = version
    return datetime.fromisoformat(found.at) if found else None


def load(file: Path, manifest: Manifest, owned: bool = False) -> Listed:
    """What the last build listed; nothing when there is no file, the manifest does not vouch for
    its bytes, or it is not one this module wrote (not asked when the manifest is `owned`:
    publisher.owned)."""
    try:
        raw = file.read_bytes()
        if not vouches(manifest, NAME, raw):
            return Listed()
        listed = msgspec.json.decode(raw, type=Listed)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return Listed()
    return listed if owned or plain_escapes(raw) and b"\x7f" not in raw and _carried(listed) else Listed()


def _carried(listed: Listed) -> bool:
    """Whether the listings can carry every text of the rows (the Atom feeds' XML refuses some
    characters): the names, times, codes and digests a build writes are ASCII, and a headline holds
    no character an output cannot carry. With the file's escapes plain and no DEL in it, no row
    holds a control character. (Checked as two joined texts: there are 50,000 rows at N = 10,000.)"""
    names = "".join(text for book in listed.rows.values() for row in book for text in _names(row))
    headlines = "".join(row.headline for book in listed.rows.values() for row in book if row.headline)
    times: dict = {}
    return (names.isascii() and "".join(listed.listings).isascii() and forbidden(headlines) is None
            and all(_plausible(row, times) for book in listed.rows.values() for row in book))


def _plausible(row: Row, times: dict) -> bool:
    """What the listings take for granted of a row, as `row` makes it of a ledger: the outbox's
    layout, times with their zone that give its order and its day, a kind, status and language tag.
    `times` keeps each time's answer: most rows share theirs with others (a build's own time)."""
    return (_time_is(row.at, row.at_us, None, times) and _time_is(row.created, row.created_us, row.day, times)
            and OUTBOX_FILE.fullmatch(row.file) is not None and row.kind in ("text", "package")
            and row.status in STATUSES and _LANGUAGE.fullmatch(row.language) is not None)


def _time_is(text: str, micros: int, on: str | None, times: dict) -> bool:
    """Whether `text` is a time with its zone, written as format_time writes it, at `micros`
    (and on the UTC day `on`, if given)."""
    key = (text, micros, on)
    if key not in times:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = None
        times[key] = (when is not None and when.tzinfo is not None and format_time(when) == text
                      and _micros(when) == micros and (on is None or day(when) == on))
    return times[key]


def _names(row: Row) -> tuple[str, ...]:
    return (row.file, row.at, row.guid, row.kind, row.language, row.status, row.signal or "", row.created, row.day,
            row.newsml_sha256 or "", row.ninjs_sha256)


def dumps(listed: Listed) -> bytes:
    return msgspec.json.encode(Listed(dict(sorted(listed.rows.items())), dict(sorted(listed.listings.items())),
                                      listed.toolkit))


def _micros(when: datetime) -> int:
    return (when - _EPOCH) // _MICROSECOND


def _hex(digest: str | None) -> str | None:
    return digest.removeprefix("sha256:") if digest else None
