"""A newsroom with two stories in four languages, built for the wire, and ways to read what it sent."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from lxml import etree

from publisher.build import build
from publisher.config import load_config
from publisher.wire.schema import parser, problems
from tests.helpers import make_project, run_update, translate, write_article

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("en", "ru", "be", "kk")
SLUGS = ("test-story", "second-story")
# RFC 3085's ProviderId, DateId and NewsItemId, plus the language of a text item.
GUID_RE = re.compile(r"urn:newsml:belta\.by:20240905:test-[a-z-]+(@(en|ru|be|kk))?")
SECOND_BODY = """\
The second story has a list and a quotation.

- The first point, with *emphasis* inside it.
- The second point, with [a link](https://example.by/) and words after it.

> Quoted words stay in the story.

1. An ordered item.
"""
SETTINGS = """\
usage_terms = "For BelTA's subscribers only."
[tool.publisher.gates.newsml]
allow_check_errors = true
"""


def make_newsroom(root: Path) -> Path:
    """Two stories, every catalogue translated (placeholders: the content checks are tested elsewhere)."""
    make_project(root, extra_settings=SETTINGS)  # usage_terms lands in [tool.publisher], before the gates
    write_article(root, "second-story", SECOND_BODY, headline="Second headline")
    run_update(root)
    for slug in SLUGS:
        for lang in LANGUAGES[1:]:
            translate(root, lang, slug=slug, default=f"{{msgid}} [{lang}]")
    return root


def wire_build(root: Path, **options):
    return build(load_config(root), formats=("newsml",), **options)


def wire_files(root: Path) -> dict[str, bytes]:
    """Every wire document and ledger, by path in the project."""
    paths = sorted((root / "output" / "newsml").rglob("*.xml")) + sorted((root / "ledger").glob("*.json"))
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}


def assert_all_valid(root: Path) -> None:
    for name, data in wire_files(root).items():
        if name.endswith(".xml"):
            assert problems(data, ours=True) == [], name


def read(root: Path, relative: str) -> etree._Element:
    return etree.parse(str(root / "output" / "newsml" / relative), parser()).getroot()


def item(root: Path, lang: str, slug: str = "test-story") -> etree._Element:
    return read(root, f"{lang}/{slug}.xml")


def package(root: Path, slug: str = "test-story") -> etree._Element:
    return read(root, f"{slug}.xml")


def feed(root: Path) -> etree._Element:
    return read(root, "feed.xml")


def meta(tree: etree._Element, name: str = "itemMeta") -> etree._Element:
    return tree.find(NAR + name)


def body_paragraphs(tree: etree._Element) -> list[tuple[str, str]]:
    body = tree.find(f"{NAR}contentSet/{NAR}inlineXML/{XHTML}html/{XHTML}body")
    return [(etree.QName(p).localname, p.text or "") for p in body] if body is not None else []


def set_front_matter(root: Path, *lines: str, slug: str = "test-story") -> None:
    """Add front-matter lines after the byline (replacing a field of the same name)."""
    path = root / "source" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    for line in lines:
        key = line.split(":", 1)[0] + ":"
        text = "\n".join(l for l in text.split("\n") if not l.startswith(key))
        text = text.replace("byline: BelTA\n", f"byline: BelTA\n{line}\n", 1)
    path.write_text(text, encoding="utf-8")


def retranslate(root: Path, lang: str, translations: dict[str, str], slug: str = "test-story") -> None:
    """A translator's answer to an edit: new text for these units, no longer fuzzy."""
    from tests.helpers import po_path

    run_update(root)
    po = polib.pofile(str(po_path(root, lang, slug)))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    po.save()
    run_update(root)
