"""A translation is data, never markup: whatever a translator types, every output parses, the
XML ones validate, and no element, entity or template expression gets in."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from publisher import po
from publisher.wire import schema as newsml_schema
from publisher.config import load_config
from publisher.exporters import FORMATS, Context, exporter
from publisher.localize import localize
from publisher.project import load_articles
from publisher.textchars import forbidden
from tests.helpers import make_project, po_path, translate

# Elements a translation may bring: its inline Markdown, and the fallback marking of a missing one.
INLINE = {"em", "strong", "a", "code", "span", "bdi"}
HOSTILE = {
    "Test headline": "<script>alert(1)</script> & </title>",
    "A short summary of the test story.": "]]> &bogus; <!-- comment --> \"quoted\" 'single'",
    "Minsk": "Минск</p><p>",
    "Kazakhstan and Belarus are key partners.": "\u202eКазахстан\u202c и \u2067Беларусь\u2069 " + "Ә" * 3000 + ".",
    "The projects are worth more than $200 million.": "[клик](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "Energy": "{{ 7*7 }} {% if true %}",
    "He said: “We will have to get to grips with it.”": "<![CDATA[ x ]]> \\ <?php echo 1; ?>",
    "A referendum is scheduled for 6 October 2024.": "&#x3C;script&#x3E; &lt;b&gt;",
}
# Every output of these texts must show them as they are (the Markdown link becomes its text).
SHOWN = ["<script>alert(1)</script> & </title>", "]]> &bogus; <!-- comment -->", "Минск</p><p>",
         "\u202eКазахстан\u202c и \u2067Беларусь\u2069", "<img src=x onerror=alert(1)>", "{{ 7*7 }} {% if true %}",
         "<![CDATA[ x ]]>", "<?php echo 1; ?>"]
SAFE_PARSER = newsml_schema.parser()


def parsed_outputs(files: dict[str, bytes]) -> dict[str, etree._Element]:
    """Every HTML and XML document among `files` (EPUB members included), parsed strictly:
    an HTML5 parse error, an XML well-formedness error or a NewsML schema error fails the test."""
    trees = {}
    for name, data in files.items():
        if name.endswith(".html"):
            trees[name] = _html(data)
        elif name.endswith((".xhtml", ".xml")):
            trees[name] = etree.fromstring(data, SAFE_PARSER)
            if name.startswith("newsml/"):
                assert newsml_schema.problems(data) == [], name
        elif name.endswith(".epub"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                assert book.namelist()[0] == "mimetype"
                for member in book.namelist():
                    if member.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                        trees[f"{name}/{member}"] = etree.fromstring(book.read(member), SAFE_PARSER)
    return trees


def _html(data: bytes) -> etree._Element:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("lxml"), strict=True, namespaceHTMLElements=False)
    return parser.parse(data).getroot()


def element_names(tree: etree._Element) -> set[str]:
    return {etree.QName(e).localname for e in tree.iter() if isinstance(e.tag, str)}


def text_of(tree: etree._Element) -> str:
    return "".join(tree.itertext())


# --- Hostile translations, through the command line ------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A project with hostile Russian translations, built in every format."""
    root = make_project(tmp_path_factory.mktemp("hostile"),
                        extra_settings="gates = { newsml = { allow_check_errors = true } }")
    translate(root, "ru", HOSTILE, default="Перевод: {msgid}")
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(root)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return root


def _outputs(root: Path) -> dict[str, bytes]:
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_hostile_translations_are_shown_as_text_in_every_format(hostile):
    files = _outputs(hostile)
    trees = parsed_outputs(files)
    for document in ("html/ru/test-story.html", "xhtml/ru/test-story.xhtml", "newsml/ru/test-story.xml",
                     "epub/ru/test-story.epub/EPUB/text/test-story.xhtml"):
        assert document in trees, sorted(trees)
        shown = text_of(trees[document]).casefold()  # the dateline's place is in capitals
        assert [s for s in SHOWN if s.casefold() not in shown] == [], document
        assert "ә" * 3000 in shown  # a very long word is kept whole; the stylesheet lets it wrap
        # no template expression was evaluated (a time of the build may hold 49, as in 13:17:49)
        assert "49" not in re.sub(r"\d{4}-\d\d-\d\dt[\d:.+-]+", "", shown)


def test_no_translation_adds_an_element_a_script_or_a_javascript_link(hostile):
    trees = parsed_outputs(_outputs(hostile))
    ru_page, en_page = trees["html/ru/test-story.html"], trees["html/en/test-story.html"]
    assert element_names(ru_page) <= element_names(en_page) | INLINE
    assert len(ru_page.findall(".//script")) == len(en_page.findall(".//script"))
    assert not [name for name, tree in trees.items() for e in tree.iter() if isinstance(e.tag, str)
                for value in e.attrib.values() if value.strip().lower().startswith("javascript:")]


def test_the_json_ld_carries_the_headline_as_data(hostile):
    page = _html((hostile / "output" / "html" / "ru" / "test-story.html").read_bytes())
    data = json.loads(page.find(".//script[@type='application/ld+json']").text)
    assert data["headline"] == HOSTILE["Test headline"]


# --- Any text at all, through the catalogue, localize and every exporter ------------------------------


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    """The fixture article, its settings, its Russian catalogue, and a folder to write catalogues in."""
    root = make_project(tmp_path_factory.mktemp("property"))
    config = load_config(root)
    return load_articles(config)[0], config, po.read(po_path(root, "ru")), root / "scratch"


@pytest.fixture(scope="module")
def baseline(newsroom) -> dict[str, set[str]]:
    """The elements of each output when every unit is translated with a plain word."""
    article, config, catalog, _ = newsroom
    translations = {(e.msgctxt, e.msgid): "Перевод" for e in catalog}
    return {name: element_names(tree) for name, tree in parsed_outputs(render_everything(article, config,
                                                                                         translations)).items()}


FRAGMENTS = [*HOSTILE.values(), "*", "**", "`", "_", "[", "](", ")", "<", ">", "&", ";", "#", "\\", "\n", "\t",
             "\r", "\u00a0", "\u200b", "\ufeff", "\u202e", "\u2066", "\u061c", "\U0001f600", "e\u0301", "%s", "{0}",
             '"', " "]
# Without what the PO reader refuses: characters no output can carry, a line break at either end.
translation_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=6).map(
    lambda parts: "".join(c for c in "".join(parts) if not forbidden(c)).strip("\n"))


def through_the_catalogue(catalog: po.Catalog, texts: list[str], folder: Path) -> dict:
    """Translations as the build gets them: written as a catalogue, read back, made usable."""
    catalog = copy.deepcopy(catalog)
    for entry, text in zip(catalog, texts):
        entry.msgstr = text
    path = folder / "ru" / "LC_MESSAGES" / "test-story.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po.render(catalog), encoding="utf-8")
    read = po.read(path)
    assert [e.msgstr for e in read] == [e.msgstr for e in catalog]  # what a translator typed comes back exactly
    return po.translations(read)


def render_everything(article, config, translations: dict) -> dict[str, bytes]:
    languages = ("en", "ru")
    versions = (localize(article, {}, "en", config.babel_locale("en"), config.segmentation, languages),
                localize(article, translations, "ru", "ru", config.segmentation, languages))
    files, ctx = {}, Context(config)
    for fmt in FORMATS:
        files |= exporter(fmt).article(versions, ctx) | exporter(fmt).collection((versions,), ctx)
    return files


@settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(translation_text, max_size=12))  # fewer texts than units: the rest falls back
def test_any_translation_gives_outputs_that_parse_validate_and_add_no_element(newsroom, baseline, texts):
    article, config, po, scratch = newsroom
    trees = parsed_outputs(render_everything(article, config, through_the_catalogue(po, texts, scratch)))
    assert {name: element_names(tree) - baseline[name] - INLINE for name, tree in trees.items()} == {
        name: set() for name in trees}
