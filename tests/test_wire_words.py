"""The wire's own words and names: its notes in every language, and the IPTC names it ships."""

from __future__ import annotations

import json
import subprocess

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from publisher.wire import codes
from publisher.source import read_article
from tests.helpers import ROOT
from tests.validators import gettext_tool

LOCALE = ROOT / "publisher" / "wire" / "locale"


def test_the_template_holds_every_word_the_wire_marks():
    marked = {m[2] for m in extract_from_dir(ROOT / "publisher" / "wire", method_map=[("**.py", "python")],
                                             keywords={"_": None})}
    with open(LOCALE / "wire.pot", "rb") as handle:
        assert {m.id for m in read_po(handle) if m.id} == marked and len(marked) == 2


@pytest.mark.parametrize("lang", ["ru", "be", "kk"])
def test_every_note_is_translated_and_msgfmt_accepts_the_catalogue(lang):
    path = LOCALE / lang / "LC_MESSAGES" / "wire.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert all(m.string and not m.fuzzy for m in catalog if m.id)
    subprocess.run([gettext_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)], check=True)


def test_the_bundled_story_s_codes_have_iptc_names_and_the_mapping_iptc_publishes():
    article = read_article(ROOT / "source" / "kazakhstan-belarus-allies.md")
    subjects = codes.subjects(article.subjects, "kk", article.path)
    medtop = [s for s in subjects if s.qcode.startswith("medtop:")]
    assert len(medtop) == 9 and all(s.names and s.names[-1].lang == "en-GB" for s in medtop)
    assert [s.qcode for s in subjects if s.qcode.startswith("subj:")] == [
        "subj:11002002", "subj:11002000", "subj:04008011", "subj:04008025", "subj:04005005", "subj:11019000",
        "subj:05000000", "subj:06006003"]  # vocational education has no mapping; higher education a broad one
    assert codes.genre("genre:Current", "ru", "x").names[0].text == "Current Events"
    data = json.loads((ROOT / "publisher" / "wire" / "data" / "codes.json").read_text(encoding="utf-8"))
    assert "CC BY 4.0" in data["about"] and set(data["sources"]) == {"medtop", "genre", "iso3166-1a2"}


def test_a_language_iptc_names_gets_its_name_and_english_and_iptc_tags_become_bcp_47():
    german = codes.subjects(("medtop:20000638",), "de", "x")[0]
    assert [(n.lang, n.text) for n in german.names] == [("de", "Internationale Beziehung"),
                                                       ("en-GB", "international relations")]
    swedish = codes.subjects(("medtop:20000638",), "sv", "x")[0]
    assert swedish.names[0].lang == "sv"  # IPTC's file says 'se', the code of Northern Sami
