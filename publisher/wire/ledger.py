"""The version ledger: every wire item of a story, every version of it that was sent, and when.

A partner's ingest system keeps the highest version of every guid it has seen, so versions only
ever go up, on whatever machine the story is rebuilt: the ledger is committed with the project,
one file per story, `ledger/<article id>.json` (keyed by id because the guids are), and read back by
every build. It is plain JSON with sorted keys:

    {
      "format": 2,
      "article": "<article id>",
      "slug": "<slug>",                       the source file, for messages
      "items": {
        "<guid>": {
          "kind": "text" | "package",
          "language": "en",
          "retired": false,                   true: an earlier guid of this item (not updated,
                                              but a withdrawal still reaches it)
          "versions": [
            {
              "version": 1,
              "created": "2026-12-01T09:47:00+00:00",   versionCreated; the first is firstCreated
              "content": "sha256:…",          the canonical editorial content (see content.py)
              "sent": "sha256:…",             the bytes of the NewsML-G2 item as written
              "status": "usable" | "canceled" | "withheld",
              "signal": null | "update" | "correction",
              "correction": null | "…",       the source's correction note when this version was made
              "correctionNote": null | {"text": "…", "lang": "kk"},   as the correcting version showed it
              "embargoed": null | "…",
              "headline": "…",                as sent, for the package and for people
              "outbox": null | {              the version's files in the outbox (written once)
                "file": "wire/2026-12-01/<id>@kk-v1",   the path under output/, without .xml/.json
                "at": "2026-12-01T09:47:00+00:00",     when the build put it there: pull listings
                                                        and deliveries go in this order
                "ninjs": "sha256:…"             the bytes of its ninjs twin (.json) as written
              }
            }
          ]
        }
      }
    }

`created` is the real time of the build that first made that version (SOURCE_DATE_EPOCH when it
is set), so rebuilds reproduce every item byte for byte; `sent` and `outbox.ninjs` let the outbox
(outbox.py) and delivery prove that the bytes it holds for guid + version are the ones first made.
A version made before the outbox existed gets its record from the first build that renders exactly
the bytes recorded in `sent` (its `at` is then its own time, so that build's ledger is reproducible).
Ledgers of format 1 (one entry per language, hashes of serializer bytes, guids derived from the
provider's name) are read and keep the guids they were sent with: a partner already holds those items.
"""

from __future__ import annotations

import errno
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from publisher.errors import PublisherError
from publisher.jsontext import indented_file
from publisher.layout import LEDGER_DIR, ledger_path

FORMAT = 2
STATUSES = ("usable", "canceled", "withheld")
# wire/<YYYY-MM-DD>/<stem>-v<N>: the outbox's layout (publisher.wire.outbox), checked when read back
OUTBOX_FILE = re.compile(r"wire/\d{4}-\d{2}-\d{2}/[A-Za-z0-9][A-Za-z0-9._@-]*-v[1-9][0-9]*")


@dataclass(frozen=True)
class Outbox:
    file: str  # output-relative, without the .xml / .json suffix
    at: datetime
    ninjs: str


@dataclass(frozen=True)
class Version:
    version: int
    created: datetime
    content: str | None  # None: recorded by a format-1 ledger, whose hashes were of serializer bytes
    sent: str | None
    status: str = "usable"
    signal: str | None = None
    correction: str | None = None
    correction_note: tuple[str, str] | None = None  # (text, language) shown by a correcting version
    embargoed: datetime | None = None
    headline: str | None = None
    outbox: Outbox | None = None


@dataclass(frozen=True)
class Item:
    guid: str
    kind: str  # text | package
    language: str
    versions: tuple[Version, ...] = ()
    retired: bool = False

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def first_created(self) -> datetime:
        return self.versions[0].created


@dataclass(frozen=True)
class Ledger:
    article: str
    slug: str = ""
    items: dict[str, Item] = field(default_factory=dict)  # guid → item

    def current(self, kind: str, lang: str) -> Item | None:
        """The item partners get updates of for this kind and language (not a retired guid)."""
        return next((i for i in self.items.values() if i.kind == kind and i.language == lang and not i.retired),
                    None)

    def sent(self) -> list[Item]:
        return [item for item in self.items.values() if item.versions]

    def with_item(self, item: Item) -> Ledger:
        return replace(self, items={**self.items, item.guid: item})


def ledger_ids(root: Path) -> list[str]:
    """The article ids that have a ledger in the project, in a stable order."""
    folder = root / LEDGER_DIR
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


# --- Reading and writing ----------------------------------------------------------------------


def load(root: Path, article_id: str, legacy=None) -> Ledger:
    """The article's ledger; an empty one when nothing was sent yet. `legacy(kind, lang)` gives the
    guid and language of an item of a format-1 ledger, which recorded neither."""
    data = read(root, article_id)
    return Ledger(article_id) if data is None else loads(data, article_id, legacy)


def read(root: Path, article_id: str) -> bytes | None:
    """The bytes of the article's ledger; None when it has none. The file is opened once, not
    asked first whether it exists: a build of 10,000 stories reads every ledger."""
    name = ledger_path(article_id)
    try:
        with open(f"{root}/{name}", "rb") as handle:
            return handle.read()
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return None
        raise PublisherError(f"the version ledger cannot be read ({exc.strerror})", name) from None


# What Path.exists() took for "no such file": nothing there, a file on the way, a link loop.
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def loads(data: bytes, article_id: str, legacy=None) -> Ledger:
    try:
        parsed = json.loads(data.decode("utf-8"))
        if not isinstance(parsed, dict):
            raise TypeError("the file is not a JSON object")
        if parsed.get("format") == FORMAT:
            return _read(parsed)
        if "languages" in parsed and legacy is not None:
            return _read_format_1(parsed, legacy)
        raise ValueError(f"unknown ledger format {parsed.get('format')!r}")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError,
            IndexError) as exc:
        raise PublisherError(f"the version ledger cannot be read ({type(exc).__name__}: {exc}); restore it "
                             "from version control: without it the wire would send lower versions",
                             ledger_path(article_id)) from None


def dumps(ledger: Ledger) -> bytes:
    """Stable JSON: sorted keys, two-space indents, one trailing newline, so that git diffs stay small."""
    data = {"format": FORMAT, "article": ledger.article, "slug": ledger.slug,
            "items": {guid: _item_json(item) for guid, item in ledger.items.items()}}
    return indented_file(data, sort_keys=True)


def _read(data: dict) -> Ledger:
    items = {}
    for guid, entry in data["items"].items():
        versions = tuple(_version(v) for v in entry["versions"])
        if [v.version for v in versions] != list(range(versions[0].version, versions[0].version + len(versions))):
            raise ValueError(f"the versions of {guid} do not count up one by one")
        if entry["kind"] not in ("text", "package"):
            raise ValueError(f"unknown item kind {entry['kind']!r}")
        items[str(guid)] = Item(str(guid), entry["kind"], str(entry["language"]), versions, bool(entry["retired"]))
    return Ledger(str(data["article"]), str(data.get("slug", "")), items)


def _version(data: dict) -> Version:
    status = data["status"]
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise ValueError(f"version {data['version']!r} is not a positive whole number")
    note = data["correctionNote"]
    return Version(data["version"], _time(data["created"]), data["content"], data["sent"], status, data["signal"],
                   data["correction"], (str(note["text"]), str(note["lang"])) if note else None,
                   _time(data["embargoed"]) if data["embargoed"] else None, data["headline"],
                   _outbox(data.get("outbox")))


def _outbox(data: dict | None) -> Outbox | None:
    """A version's outbox record (absent in ledgers written before the outbox existed)."""
    if data is None:
        return None
    file, ninjs = data["file"], data["ninjs"]
    if not (isinstance(file, str) and OUTBOX_FILE.fullmatch(file)):
        raise ValueError(f"outbox file {str(file)[:100]!r} is not a path in the outbox")
    if not (isinstance(ninjs, str) and ninjs.startswith("sha256:")):
        raise ValueError(f"outbox ninjs {str(ninjs)[:100]!r} is not a sha256 digest")
    return Outbox(file, _time(data["at"]), ninjs)


def _read_format_1(data: dict, legacy) -> Ledger:
    """Format 1: {"id", "languages": {lang: ENTRY}, "package": ENTRY}, each ENTRY with its history."""
    article = str(data["id"])
    entries = [("text", lang, entry) for lang, entry in data["languages"].items()]
    if data.get("package"):
        entries.append(("package", "", data["package"]))
    items = {}
    for kind, lang, entry in entries:
        past = [(p["version"], p["versionCreated"]) for p in entry["history"]]
        versions = tuple(Version(int(n), _time(t), None, None) for n, t in past + [(entry["version"],
                                                                                    entry["versionCreated"])])
        guid, language = legacy(kind, lang)
        items[guid] = Item(guid, kind, language, versions)
    return Ledger(article, "", items)


def _item_json(item: Item) -> dict:
    return {"kind": item.kind, "language": item.language, "retired": item.retired,
            "versions": [_version_json(v) for v in item.versions]}


def _version_json(v: Version) -> dict:
    return {"version": v.version, "created": format_time(v.created), "content": v.content, "sent": v.sent,
            "status": v.status, "signal": v.signal, "correction": v.correction,
            "correctionNote": dict(zip(("text", "lang"), v.correction_note)) if v.correction_note else None,
            "embargoed": format_time(v.embargoed) if v.embargoed else None, "headline": v.headline,
            "outbox": {"file": v.outbox.file, "at": format_time(v.outbox.at), "ninjs": v.outbox.ninjs}
            if v.outbox else None}


def _time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without a zone offset: {text}")
    if not 1800 <= value.year <= 2099:  # the years an article may carry (publisher.source): later ones overflow
        raise ValueError(f"time out of range: {text}")
    return value


def format_time(value: datetime) -> str:
    """xs:dateTime with the zone offset, to the second (2024-09-05T12:00:00+03:00)."""
    return value.isoformat(timespec="seconds")
