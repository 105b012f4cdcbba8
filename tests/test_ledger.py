"""The version ledger: versions only go up, unchanged content keeps its stamp, the file is stable."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from publisher import ledger
from publisher.errors import PublisherError
from publisher.ledger import Entry, Ledger, Past

PUBLISHED = datetime.fromisoformat("2024-09-05T12:00:00+03:00")


def test_first_version_is_stamped_with_the_earliest_time():
    entry = ledger.advance(None, "sha256:a", PUBLISHED)
    assert entry == Entry("sha256:a", 1, PUBLISHED, PUBLISHED)


def test_unchanged_content_keeps_version_and_time():
    entry = ledger.advance(None, "sha256:a", PUBLISHED)
    assert ledger.advance(entry, "sha256:a", PUBLISHED + timedelta(days=3)) is entry


def test_changed_content_moves_forward_even_without_a_newer_time():
    first = ledger.advance(None, "sha256:a", PUBLISHED)
    second = ledger.advance(first, "sha256:b", PUBLISHED)
    assert (second.version, second.version_created) == (2, PUBLISHED + timedelta(seconds=1))
    assert second.first_created == PUBLISHED
    assert second.history == (Past("sha256:a", 1, PUBLISHED),)


def test_a_later_time_dates_the_new_version_and_first_created_never_moves():
    first = ledger.advance(None, "sha256:a", PUBLISHED)
    updated = PUBLISHED + timedelta(hours=5)
    second = ledger.advance(first, "sha256:b", updated)
    third = ledger.advance(second, "sha256:a", updated)  # back to the first text: still a new version
    assert (second.version, second.version_created) == (2, updated)
    assert (third.version, third.version_created) == (3, updated + timedelta(seconds=1))
    assert third.first_created == PUBLISHED
    assert [p.version for p in third.history] == [1, 2]


def test_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert ledger.source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1726000000")
    assert ledger.source_date_epoch() == datetime(2024, 9, 10, 20, 26, 40, tzinfo=timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PublisherError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        ledger.source_date_epoch()


def _book() -> Ledger:
    first = ledger.advance(None, "sha256:a", PUBLISHED)
    return Ledger("story-1", {"kk": ledger.advance(first, "sha256:b", PUBLISHED), "en": first}, first)


def test_file_is_stable_sorted_json_that_reads_back(tmp_path):
    book = _book()
    data = ledger.dumps(book)
    assert data == ledger.dumps(book) and data.endswith(b"}\n")
    parsed = json.loads(data)
    assert list(parsed) == ["id", "languages", "package"] and list(parsed["languages"]) == ["en", "kk"]
    assert parsed["languages"]["kk"] == {
        "firstCreated": "2024-09-05T12:00:00+03:00",
        "hash": "sha256:b",
        "history": [{"hash": "sha256:a", "version": 1, "versionCreated": "2024-09-05T12:00:00+03:00"}],
        "version": 2,
        "versionCreated": "2024-09-05T12:00:01+03:00",
    }
    path = tmp_path / ledger.relative_path("story-1")
    path.parent.mkdir()
    path.write_bytes(data)
    assert ledger.load(tmp_path, "story-1") == book


def test_missing_ledger_is_empty_and_a_broken_one_is_an_error(tmp_path):
    assert ledger.load(tmp_path, "story-1") == Ledger("story-1")
    path = tmp_path / "ledger" / "story-1.json"
    path.parent.mkdir()
    path.write_text('{"id": "story-1", "languages": {"en": {"version": 1}}}', encoding="utf-8")
    with pytest.raises(PublisherError) as error:
        ledger.load(tmp_path, "story-1")
    assert str(error.value).startswith("ledger/story-1.json: the version ledger cannot be read")
