"""The version ledger: plain, stable JSON that reads back; format 1 keeps its guids; bad files are refused."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st

from publisher.errors import PublisherError
from publisher.jsontext import indented, indented_file
from publisher.wire import ledger
from publisher.wire.ledger import Item, Ledger, Outbox, Version
from tests.test_html import _JSON_TEXT, _JSON_VALUES

CREATED = datetime.fromisoformat("2026-12-01T09:47:00+00:00")
GUID = "urn:newsml:belta.by:20240905:story-1@kk"


def _book() -> Ledger:
    first = Version(1, CREATED, "sha256:a", "sha256:b", headline="Headline")
    second = Version(2, CREATED.replace(hour=11), "sha256:c", "sha256:d", "usable", "correction", "Corrects it.",
                     ("Түзетеді.", "kk"), None, "Headline 2",
                     Outbox("wire/2026-12-01/story-1@kk-v2", CREATED.replace(hour=12), "sha256:e"))
    return Ledger("story-1", "story", {GUID: Item(GUID, "text", "kk", (first, second))})


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_JSON_TEXT, _JSON_VALUES, max_size=6))
def test_sorted_json_text_is_what_json_dumps_writes(data):
    """The ledger's text (publisher.jsontext in C) is json.dumps(ensure_ascii=False, indent=2, sort_keys=True)'s."""
    assert indented(data, sort_keys=True) == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_JSON_TEXT, _JSON_VALUES, max_size=6), sort_keys=st.booleans())
def test_a_json_file_is_its_text_encoded_with_a_newline(data, sort_keys):
    """What the wire writes (ledgers, ninjs twins, pull listings) is the indented text, in UTF-8, one newline after."""
    assert indented_file(data, sort_keys) == (indented(data, sort_keys) + "\n").encode("utf-8")


def test_file_is_stable_sorted_json_that_reads_back(tmp_path):
    book = _book()
    data = ledger.dumps(book)
    assert data == ledger.dumps(book) and data.endswith(b"}\n")
    parsed = json.loads(data)
    assert data.decode() == json.dumps(parsed, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert list(parsed) == ["article", "format", "items", "slug"] and parsed["format"] == 2
    assert parsed["items"][GUID]["versions"][1] == {
        "content": "sha256:c", "correction": "Corrects it.", "correctionNote": {"lang": "kk", "text": "Түзетеді."},
        "created": "2026-12-01T11:47:00+00:00", "embargoed": None, "headline": "Headline 2", "sent": "sha256:d",
        "signal": "correction", "status": "usable", "version": 2,
        "outbox": {"at": "2026-12-01T12:47:00+00:00", "file": "wire/2026-12-01/story-1@kk-v2", "ninjs": "sha256:e"}}
    assert parsed["items"][GUID]["versions"][0]["outbox"] is None
    path = tmp_path / ledger.ledger_path("story-1")
    path.parent.mkdir()
    path.write_bytes(data)
    assert ledger.load(tmp_path, "story-1") == book
    assert book.items[GUID].first_created == CREATED and book.current("text", "kk").latest.version == 2


FORMAT_1 = {"id": "story-1", "languages": {"en": {
    "firstCreated": "2024-09-05T12:00:00+03:00", "hash": "sha256:x", "version": 2,
    "versionCreated": "2024-09-05T12:00:01+03:00",
    "history": [{"hash": "sha256:w", "version": 1, "versionCreated": "2024-09-05T12:00:00+03:00"}]}},
    "package": {"firstCreated": "2024-09-05T12:00:00+03:00", "hash": "sha256:p", "version": 1,
                "versionCreated": "2024-09-05T12:00:00+03:00", "history": []}}


def test_a_format_1_ledger_keeps_the_guids_partners_hold(tmp_path):
    path = tmp_path / ledger.ledger_path("story-1")
    path.parent.mkdir()
    path.write_text(json.dumps(FORMAT_1), encoding="utf-8")
    names = {"text": "urn:newsml:belta:story-1:{}", "package": "urn:newsml:belta:story-1"}
    book = ledger.load(tmp_path, "story-1", lambda kind, lang: (names[kind].format(lang), lang or "en"))
    en = book.items["urn:newsml:belta:story-1:en"]
    assert [(v.version, v.content) for v in en.versions] == [(1, None), (2, None)]  # unknown content: next is v3
    assert book.items["urn:newsml:belta:story-1"].kind == "package"


def _one_version(extra: dict) -> str:
    version = {"version": 1, "created": "2026-12-01T09:47:00+00:00", "content": None, "sent": None,
               "status": "usable", "signal": None, "correction": None, "correctionNote": None, "embargoed": None,
               "headline": None, **extra}
    return json.dumps({"format": 2, "article": "s", "items": {"g": {"kind": "text", "language": "en", "retired": False,
                                                                      "versions": [version]}}})


@pytest.mark.parametrize("text, reason", [
    ('{"format": 2, "article": "story-1", "items": {"g": {"kind": "text", "language": "en", "retired": false, '
     '"versions": [{"version": 1}]}}}', "KeyError"),
    ('{"format": 2, "article": "story-1", "items": {"g": {"kind": "text", "language": "en", "retired": false, '
     '"versions": []}}}', "IndexError"),
    ('{"format": 7}', "unknown ledger format 7"),
    ("[1, 2]", "not a JSON object"),
    ('{"format": 2, "article": "s", "items": {"g": {"kind": "text", "language": "en", "retired": false, '
     '"versions": [' + ",".join(json.dumps({"version": n, "created": "2026-12-01T09:47:00+00:00", "content": None,
                                            "sent": None, "status": "usable", "signal": None, "correction": None,
                                            "correctionNote": None, "embargoed": None, "headline": None})
                                for n in (1, 3)) + "]}}}", "do not count up one by one"),
    *[(_one_version({"outbox": outbox}), reason) for outbox, reason in [
        ({"file": "../../etc/passwd", "at": "2026-12-01T09:47:00+00:00", "ninjs": "sha256:a"},
         "not a path in the outbox"),
        ({"file": "wire/2026-12-01/s@en-v1/../../x", "at": "2026-12-01T09:47:00+00:00", "ninjs": "sha256:a"},
         "not a path in the outbox"),
        ({"file": "wire/2026-12-01/s@en-v1", "at": "2026-12-01T09:47:00+00:00", "ninjs": 5}, "not a sha256 digest"),
    ]],
])
def test_a_broken_ledger_is_an_error_that_names_it(tmp_path, text, reason):
    assert ledger.load(tmp_path, "story-1") == Ledger("story-1")
    path = tmp_path / "ledger" / "story-1.json"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PublisherError) as error:
        ledger.load(tmp_path, "story-1")
    assert str(error.value).startswith("ledger/story-1.json: the version ledger cannot be read")
    assert reason in str(error.value)
