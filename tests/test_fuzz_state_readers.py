"""Fuzzing the other readers of files from outside: the TBX glossary and the version ledger (both
committed with the project, so edited by hand and merged by git). Whatever they hold, the answer
is a value or a PublisherError naming the file, never another exception."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.wire import ledger
from publisher.wire.newsday import _advance
from publisher.errors import PublisherError
from publisher.glossary import load_glossary
from tests.helpers import ROOT, json_paths

FUZZ = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
GLOSSARY = (ROOT / "glossary" / "terms.tbx").read_text(encoding="utf-8")
XML_PIECES = ["<", ">", "</", "/>", "&", "&amp;", "&lt;", "&bogus;", "&#0;", "&#x110000;", "<!DOCTYPE x [<!ENTITY e "
              "'x'>]>", "&e;", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "xml:lang=\"ru\"", "id=\"c1\"", "\"", "'",
              "<conceptEntry id=\"c1\">", "<langSec xml:lang=\"kk\">", "<term>", "</term>", "<termSec>", "\x00",
              "\ufeff", "é", "\n", " "]


def _check_glossary(tmp: Path, text: str) -> None:
    path = tmp / "terms.tbx"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        glossary = load_glossary(path)
    except PublisherError as error:
        assert str(error).startswith(str(path)), str(error)
        return
    for term in glossary.terms:
        for lang, forms in term.forms.items():
            assert all(isinstance(form, str) and form for form in forms)
            glossary.find(" ".join(forms), lang)  # the terms it read can be looked up


@settings(max_examples=300, **FUZZ)
@given(edits=st.lists(st.tuples(st.integers(0, len(GLOSSARY)), st.integers(0, 30), st.sampled_from(XML_PIECES)),
                      min_size=1, max_size=4))
def test_a_real_glossary_broken_in_a_few_places(tmp_path_factory, edits):
    text = GLOSSARY
    for position, deleted, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + deleted:]
    _check_glossary(tmp_path_factory.getbasetemp(), text)


@settings(max_examples=200, **FUZZ)
@given(raw=st.binary(max_size=300))
def test_any_bytes_as_a_glossary(tmp_path_factory, raw):
    path = tmp_path_factory.getbasetemp() / "bytes.tbx"
    path.write_bytes(raw)
    try:
        load_glossary(path)
    except PublisherError as error:
        assert str(error).startswith(str(path))


VERSION = {"version": 1, "created": "2024-09-05T12:00:00+03:00", "content": "sha256:aa", "sent": "sha256:ab",
           "status": "usable", "signal": None, "correction": None, "correctionNote": None, "embargoed": None,
           "headline": "A headline"}
ITEM = {"kind": "text", "language": "ru", "retired": False,
        "versions": [VERSION, {**VERSION, "version": 2, "created": "2024-09-06T12:00:00+03:00", "signal": "update"}]}
LEDGER = {"article": "story", "format": 2, "slug": "story",
          "items": {"urn:newsml:belta.by:20240905:story@ru": ITEM,
                    "urn:newsml:belta.by:20240905:story": {**ITEM, "kind": "package", "language": "en"}}}
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=6)
                           | st.sampled_from(["0001-01-01T00:00:00+03:00", "9999-12-31T23:59:59-12:00", "2024-09-05",
                                              "sha256:", ""]),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                       max_size=3), max_leaves=6)


@settings(max_examples=400, **FUZZ)
@given(data=st.data())
def test_any_ledger_is_read_or_refused_with_a_message(tmp_path_factory, data):
    value = json.loads(json.dumps(LEDGER))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(json_paths(value))))
        new = data.draw(JSON_VALUES)
        if not path:
            value = new
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = new
    root = tmp_path_factory.getbasetemp() / "project"
    (root / "ledger").mkdir(parents=True, exist_ok=True)
    (root / "ledger" / "story.json").write_text(json.dumps(value), encoding="utf-8")
    try:
        book = ledger.load(root, "story")
    except PublisherError as error:
        assert str(error).startswith("ledger/story.json: "), str(error)
        return
    ledger.dumps(book)  # what was read can be written back
    for item in book.items.values():  # and the next version computed
        if item.versions:
            _advance(item, "sha256:new", item.latest.created, "usable", None, None)
