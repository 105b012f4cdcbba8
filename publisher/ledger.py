"""The version ledger: which version of each wire item was sent, with which content, and when.

A partner's ingest system keeps the highest version it has seen of every guid, so versions must
only ever go up, even when the story is rebuilt on another machine: the ledger is committed with
the project (`ledger/<article id>.json`, keyed by id because the guid is) and read back by every
build. One entry per language (and one for the package grouping them):

    {"id": "...", "languages": {"en": ENTRY, ...}, "package": ENTRY}
    ENTRY = {"hash": "sha256:…", "version": 2, "firstCreated": "…", "versionCreated": "…",
             "history": [{"hash": "sha256:…", "version": 1, "versionCreated": "…"}]}

The time of a version never comes from the clock, so that a build is reproducible:
- SOURCE_DATE_EPOCH when it is set, else the article's `updated` (or `published`) time;
- never earlier than one second after the previous version, so versions always move forward
  even when an old article gets a translation fix without a new `updated` time.
An unchanged content hash keeps the entry as it is: same version, same versionCreated.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from publisher.errors import PublisherError

LEDGER_DIR = "ledger"
ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Past:
    hash: str
    version: int
    version_created: datetime


@dataclass(frozen=True)
class Entry:
    hash: str
    version: int
    first_created: datetime
    version_created: datetime
    history: tuple[Past, ...] = ()


@dataclass(frozen=True)
class Ledger:
    id: str
    languages: dict[str, Entry] = field(default_factory=dict)
    package: Entry | None = None


def relative_path(article_id: str) -> str:
    """The ledger's path inside the project."""
    return f"{LEDGER_DIR}/{article_id}.json"


def advance(entry: Entry | None, content_hash: str, earliest: datetime) -> Entry:
    """The entry after sending content with this hash: unchanged content keeps its version."""
    if entry is None:
        return Entry(content_hash, 1, earliest, earliest)
    if entry.hash == content_hash:
        return entry
    created = max(earliest, entry.version_created + ONE_SECOND)
    past = Past(entry.hash, entry.version, entry.version_created)
    return Entry(content_hash, entry.version + 1, entry.first_created, created, entry.history + (past,))


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as a UTC time, when the user sets it."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise PublisherError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '{value}'")
    return datetime.fromtimestamp(int(value), timezone.utc)


# --- Reading and writing ----------------------------------------------------------------------


def load(root: Path, article_id: str) -> Ledger:
    """The article's ledger; an empty one when nothing was sent yet."""
    name = relative_path(article_id)
    file = root / name
    if not file.exists():
        return Ledger(article_id)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return Ledger(
            id=data["id"],
            languages={lang: _entry(value) for lang, value in data["languages"].items()},
            package=_entry(data["package"]) if data.get("package") else None,
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PublisherError(f"the version ledger cannot be read ({type(exc).__name__}: {exc}); restore it "
                             "from version control: without it the wire would send lower versions", name) from None


def dumps(ledger: Ledger) -> bytes:
    """Stable JSON: sorted keys, two-space indents, one trailing newline, so that git diffs stay small."""
    data = {"id": ledger.id, "languages": {lang: _json(e) for lang, e in ledger.languages.items()}}
    if ledger.package:
        data["package"] = _json(ledger.package)
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _entry(data: dict) -> Entry:
    history = tuple(Past(p["hash"], int(p["version"]), _time(p["versionCreated"])) for p in data["history"])
    return Entry(data["hash"], int(data["version"]), _time(data["firstCreated"]),
                 _time(data["versionCreated"]), history)


def _json(entry: Entry) -> dict:
    return {
        "hash": entry.hash,
        "version": entry.version,
        "firstCreated": format_time(entry.first_created),
        "versionCreated": format_time(entry.version_created),
        "history": [{"hash": p.hash, "version": p.version, "versionCreated": format_time(p.version_created)}
                    for p in entry.history],
    }


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
