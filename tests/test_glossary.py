"""The terminology base: glossary/terms.tbx, its loader, and the translations checked against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from publisher import po
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.glossary import TBX, Glossary, Term, load_glossary
from publisher.segment import units
from publisher.source import read_article
from tests.helpers import ROOT

CONFIG = load_config(ROOT)
SLUG = "kazakhstan-belarus-allies"
# TBX-Basic's picklists (its Schematron rules) for the data categories the file uses.
PICKLISTS = {
    "administrativeStatus": {"preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts",
                             "supersededTerm-admn-sts"},
    "partOfSpeech": {"noun", "verb", "adjective", "adverb", "other"},
    "termType": {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"},
}

TBX_FILE = """\
<?xml version="1.0" encoding="UTF-8"?>
{doctype}<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="minsk">
        <langSec xml:lang="en"><termSec><term>{term}</term></termSec></langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(CONFIG.glossary_path)


def term(glossary: Glossary, ident: str) -> Term:
    return next(t for t in glossary.terms if t.id == ident)


def write_tbx(tmp_path: Path, term: str = "Minsk", doctype: str = "") -> Path:
    path = tmp_path / "terms.tbx"
    path.write_text(TBX_FILE.format(term=term, doctype=doctype), encoding="utf-8")
    return path


# --- The project's glossary --------------------------------------------------------------------------


def test_the_project_glossary_loads_with_preferred_forms_first(glossary):
    assert len(glossary.terms) >= 26
    zhaxylykov = term(glossary, "zhaxylykov")
    assert zhaxylykov.forms["be"][0] == "Цімур Жаксылыкаў"
    assert "Цімура Жаксылыкава" in zhaxylykov.forms["be"][1:]
    assert term(glossary, "eaeu").forms["kk"][0] == "Еуразиялық экономикалық одақ"
    assert zhaxylykov.note.endswith("of Kazakhstan to Belarus.")


def test_every_concept_has_all_four_languages(glossary):
    missing = [(t.id, lang) for t in glossary.terms for lang in CONFIG.languages if not t.forms.get(lang)]
    assert missing == []


def test_the_file_is_tbx_basic():
    root = etree.parse(str(CONFIG.glossary_path)).getroot()
    assert (root.tag, root.get("type"), root.get("style")) == (f"{TBX}tbx", "TBX-Basic", "dca")
    off_list = [(note.get("type"), note.text) for note in root.iter(f"{TBX}termNote")
                if note.text not in PICKLISTS.get(note.get("type"), ())]
    assert off_list == []
    for section in root.iter(f"{TBX}langSec"):
        statuses = [sec.findtext(f"{TBX}termNote[@type='administrativeStatus']")
                    for sec in section.iterfind(f"{TBX}termSec")]
        assert statuses[0] == "preferredTerm-admn-sts", section.sourceline
        assert set(statuses[1:]) <= {"admittedTerm-admn-sts"}, section.sourceline


# --- Matching ----------------------------------------------------------------------------------------


def test_declined_forms_occur_in_running_text(glossary):
    zhaxylykov = term(glossary, "zhaxylykov")
    assert zhaxylykov.occurs_in("встреча с Тимуром Жаксылыковым прошла", "ru")
    assert zhaxylykov.occurs_in("— падкрэсліў Цімур Жаксылыкаў.", "be")
    assert zhaxylykov.occurs_in("Тимур Жақсылықовтың айтуынша,", "kk")
    assert not zhaxylykov.occurs_in("Тимур Жаксылыков", "kk")  # the Russian spelling is not the Kazakh name
    assert term(glossary, "kazakhstan").occurs_in("Қазақстанның елшісі", "kk")
    assert term(glossary, "bntu").occurs_in("прарэктар БНТУ", "be")
    assert term(glossary, "gdp").occurs_in("ЖІӨ-ні екі есе арттыру", "kk")


def test_forms_match_whole_words_only():
    kazakhstan = Term("kazakhstan", {"kk": ("Қазақстан",), "en": ("Kazakhstan",)})
    assert not kazakhstan.occurs_in("Қазақстанның", "kk")
    assert kazakhstan.occurs_in("Kazakhstan’s ambassador", "en")
    assert not kazakhstan.occurs_in("Kazakhstani", "en")


def test_capitalised_forms_are_case_sensitive_others_not():
    agency = Term("belta", {"en": ("BelTA",)})
    ambassador = Term("ambassador", {"en": ("ambassador",)})
    assert not agency.occurs_in("belta", "en")
    assert ambassador.occurs_in("Ambassador Timur Zhaxylykov", "en")


def test_any_space_separates_the_words_of_a_form():
    name = Term("nikolaichik", {"ru": ("Юрий Николайчик",)})
    assert name.occurs_in("проректор Юрий\u00a0Николайчик", "ru")
    assert name.occurs_in("Юрий\nНиколайчик", "ru")


def test_find_counts_words_for_the_longest_term(glossary):
    text = "representatives of Belarusian State University of Informatics and Radioelectronics"
    assert [t.id for t in glossary.find(text, "en")] == ["bsuir"]
    both = glossary.find("Belarusian State University and BSUIR", "en")
    assert [t.id for t in both] == ["bsu", "bsuir"]


# --- Reading files -----------------------------------------------------------------------------------


def test_a_missing_file_is_an_empty_glossary(tmp_path):
    assert load_glossary(tmp_path / "none.tbx") == Glossary()


def test_malformed_xml_is_reported_with_path_and_line(tmp_path):
    path = write_tbx(tmp_path, term="Minsk</termSec>")
    with pytest.raises(PublisherError) as error:
        load_glossary(path)
    assert (error.value.path, error.value.line) == (str(path), 7)
    assert str(error.value).startswith(f"{path}:7: not well-formed XML")


def test_an_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    doctype = f'<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    with pytest.raises(PublisherError) as error:
        load_glossary(write_tbx(tmp_path, term="&xxe;", doctype=doctype))
    assert "&xxe;" in str(error.value) and "TOP-SECRET" not in str(error.value)


def test_a_billion_laughs_document_is_refused_without_expanding(tmp_path):
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = "<!DOCTYPE tbx [\n" + "\n".join(levels) + "\n]>\n"
    path = write_tbx(tmp_path, term="&lol9;", doctype=doctype)
    with pytest.raises(PublisherError) as error:
        load_glossary(path)
    assert error.value.path == str(path) and "lollol" not in str(error.value)


def test_a_concept_without_an_id_is_reported(tmp_path):
    path = write_tbx(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(' id="minsk"', ""), encoding="utf-8")
    with pytest.raises(PublisherError, match="conceptEntry has no id") as error:
        load_glossary(path)
    assert error.value.line == 6


# --- The acceptance test: the translations use the glossary's terms -----------------------------


@pytest.mark.parametrize("lang", CONFIG.target_languages)
def test_every_source_term_appears_in_the_translation(glossary, lang):
    article = read_article(CONFIG.source_path / f"{SLUG}.md")
    catalog = po.read(po.catalog_path(CONFIG.locales_path, lang, SLUG))
    translated = po.translations(catalog)
    problems = []
    for unit in units(article, CONFIG.segmentation):
        msgstr = translated.get(unit.key, "")
        for found in glossary.find(unit.text, CONFIG.source_language):
            if not found.occurs_in(msgstr, lang):
                problems.append(f"{found.id}: no form of «{found.forms[lang][0]}» in the translation of "
                                f"“{unit.text[:70]}”: «{msgstr[:70]}»")
    assert not problems, "\n".join(problems)


def _found_form_by_form(glossary: Glossary, text: str, lang: str) -> list[str]:
    """What `find` means, the slow way: every form searched on its own, spans compared pairwise."""
    import unicodedata
    from publisher.glossary import _pattern
    text = unicodedata.normalize("NFC", text)
    spans = [(m.span(), t.id) for t in glossary.terms for f in t.forms.get(lang, ())
             for m in _pattern(f).finditer(text)]
    inside = {s for s, _ in spans for o, _ in spans if o != s and o[0] <= s[0] and s[1] <= o[1]}
    found = {ident for s, ident in spans if s not in inside}
    return [t.id for t in glossary.terms if t.id in found]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Belarusian", "belarusian", "State", "University", "BSUIR", "of", "Minsk",
                                 "Belarus", "the", "Republic", "state", "a", "a\u00a0a", "-", ",", "БГУ", "ЕАЭС"]),
                max_size=30), st.sampled_from([" ", "  ", "\n", ""]))
def test_the_one_pass_matcher_finds_what_each_form_on_its_own_finds(words, space):
    glossary = Glossary((
        Term("bsu", {"en": ("Belarusian State University", "BSU", "state university")}),
        Term("bsuir", {"en": ("Belarusian State University of Informatics", "BSUIR")}),
        Term("belarus", {"en": ("Belarus", "Republic of Belarus", "belarusian")}),
        Term("a", {"en": ("a a", "-")}),
        Term("eaeu", {"en": ("ЕАЭС",), "ru": ("ЕАЭС",)}),
    ))
    text = space.join(words)
    assert [t.id for t in glossary.find(text, "en")] == _found_form_by_form(glossary, text, "en")
