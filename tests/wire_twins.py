"""What a ninjs twin must say to match its NewsML-G2 item, read from both documents independently."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import lxml.html
from lxml import etree

from publisher.wire.schema import parser
from tests.wire_helpers import NAR, XHTML, XML_LANG

SHARED_SCHEMA = Path(__file__).resolve().parents[1] / "publisher" / "wire" / "schemas" / "ninjs" / \
    "ninjs-schema_2.2.json"


def ninjs_errors(document: dict) -> list[str]:
    """IPTC's ninjs 2.2 schema through jsonschema, formats checked: the oracle, not the toolkit's own check."""
    schema = json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def assert_twins(newsml: bytes, ninjs: bytes) -> None:
    """The ninjs document is schema-valid and says what the NewsML-G2 item says."""
    tree, document = etree.fromstring(newsml, parser()), json.loads(ninjs)
    assert ninjs_errors(document) == []
    meta = tree.find(f"{NAR}itemMeta")
    assert document["uri"] == tree.get("guid")
    assert document["version"] == tree.get("version")
    assert document["versioncreated"] == meta.findtext(f"{NAR}versionCreated")
    assert document["firstcreated"] == meta.findtext(f"{NAR}firstCreated")
    assert "stat:" + document["pubstatus"] == meta.find(f"{NAR}pubStatus").get("qcode")
    assert document.get("embargoed") == meta.findtext(f"{NAR}embargoed")
    signals = [s.get("qcode") for s in meta.findall(f"{NAR}signal")]
    assert [a["value"] for a in document.get("altids", ()) if a["role"] == "signal"] == signals
    assert document["language"] == tree.get(XML_LANG)
    if tree.tag == f"{NAR}packageItem":
        _assert_package(tree, document)
    else:
        _assert_item(tree, document)


def _assert_item(tree: etree._Element, document: dict) -> None:
    content = tree.find(f"{NAR}contentMeta")
    lang = tree.get(XML_LANG)
    assert document["type"] == "text"
    assert document["headlines"][0]["value"] == content.findtext(f"{NAR}headline")
    assert document["by"] == content.findtext(f"{NAR}by")
    assert str(document["urgency"]) == content.findtext(f"{NAR}urgency")
    named = {}
    for subject in content.findall(f"{NAR}subject"):
        names = {n.get(XML_LANG): n.text for n in subject.findall(f"{NAR}name")}
        named[subject.get("qcode")] = names.get(lang) or next(iter(names.values()), None)
    in_ninjs = {c["literal"]: c.get("name") for c in document.get("subjects", []) + document.get("places", [])
                if c.get("rel") != "located"}
    assert in_ninjs == named
    paragraphs = tree.findall(f"{NAR}contentSet/{NAR}inlineXML/{XHTML}html/{XHTML}body/*")
    if not paragraphs:  # a withdrawn or withheld story carries no text, in either form
        assert "bodies" not in document
        return
    body = document["bodies"][0]
    assert body["contenttype"] == "text/html"
    html = lxml.html.fragments_fromstring(body["value"])
    assert [(etree.QName(p).localname, "".join(p.itertext())) for p in paragraphs] == \
           [(p.tag, "".join(p.itertext())) for p in html]


def _assert_package(tree: etree._Element, document: dict) -> None:
    assert document["type"] == "composite"
    refs = tree.findall(f"{NAR}groupSet/{NAR}group/{NAR}itemRef")
    assert [(a["uri"], a["version"], a["language"]) for a in document["associations"]] == \
           [(r.get("residref"), r.get("version"), r.get(XML_LANG)) for r in refs]
