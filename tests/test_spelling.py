"""The spelling check with Hunspell's real dictionaries: no false alarm on the bundled translations,
misspellings seeded into them caught (with suggestions), the word lists kept honest, a missing
dictionary reported with what to install, and hostile text read in linear time."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from publisher.checks import check_articles
from publisher.checks import spelling as spelling_module
from publisher.checks.spelling import (LONGEST_WORD, dictionary_name, glossary_words, load_speller,
                                       load_word_list, prepare, word_list_path, words_to_check)
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.glossary import load_glossary
from publisher.project import load_articles
from tests.helpers import ROOT
from tests.test_linear_time import assert_linear
from tests.validators import DICTIONARIES, spellers_or_skip

SLUG = "kazakhstan-belarus-allies"
# Misspellings a desk makes (a letter doubled, dropped, swapped, or the neighbour language's
# spelling), each of a word the bundled translation has; the right word must be among the suggestions.
SEEDED = {
    "en": [("cooperation", "cooperaton"), ("technologies", "technolgies"), ("interested", "intrested"),
           ("engineers", "enginers"), ("experience", "experiance")],
    "ru": [("сотрудничество", "сотрудничиство"), ("технологий", "техналогий"), ("превышает", "привышает"),
           ("образования", "образавания"), ("инициативе", "иницеативе")],
    "be": [("супрацоўніцтва", "супрацоўнітцва"), ("тэхналогій", "тэхнолагій"), ("адукацыі", "адукацы"),
           ("развіццё", "развіцё"), ("пасольства", "пасольсва")],
    "kk": [("серіктестер", "серіктесер"), ("маңызды", "маңыззды"), ("білім", "білм"),
           ("мемлекеттік", "мемлекетік"), ("Қазақстан", "Қазақсатн")],
}


@pytest.fixture
def newsroom(tmp_path: Path) -> Path:
    """A copy of the bundled project."""
    spellers_or_skip()
    for name in ("source", "locales", "glossary"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def spelling_problems(root: Path, languages: tuple[str, ...] = ()):
    config = load_config(root)
    report = check_articles(config, load_articles(config), languages, jobs=1)
    return [p for p in report.problems if p.check == "spelling"], report


def test_the_bundled_translations_have_no_unknown_word(newsroom):
    problems, report = spelling_problems(newsroom)
    assert [str(p) for p in problems] == [] and report.skipped == []


def seed(root: Path, lang: str, pairs: list[tuple[str, str]]) -> dict[str, int]:
    """Write each misspelling over the first occurrence of its word; the line of each entry changed."""
    path = root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    po = polib.pofile(str(path), wrapwidth=0)
    lines = {}
    for right, wrong in pairs:
        pattern = re.compile(rf"(?<!\w){re.escape(right)}(?!\w)")
        entry = next(e for e in po if pattern.search(e.msgstr))
        entry.msgstr = pattern.sub(wrong, entry.msgstr, count=1)
        lines[wrong] = entry.msgid
    po.save(str(path))
    found = {e.msgid: e.linenum for e in polib.pofile(str(path))}
    return {wrong: found[msgid] for wrong, msgid in lines.items()}


@pytest.mark.parametrize("lang", SEEDED)
def test_seeded_misspellings_are_reported_at_their_entry_with_suggestions(newsroom, lang):
    lines = seed(newsroom, lang, SEEDED[lang])
    problems, _ = spelling_problems(newsroom, (lang,))
    reported = {re.match("“([^”]+)”", p.message).group(1): p for p in problems}
    assert set(reported) == set(lines), "every seeded misspelling, and nothing else"
    for right, wrong in SEEDED[lang]:
        problem = reported[wrong]
        assert problem.line == lines[wrong] and problem.severity == "warning"
        assert f"not in the {dictionary_name(lang, DICTIONARIES[lang])} dictionary" in problem.message
        suggestions = re.findall("“([^”]+)”", problem.message)[1:]
        assert right in suggestions or lang == "kk", problem.message  # hunspell-kk's suggestions are weak


def catch_rate(root: Path, lang: str, count: int = 40) -> float:
    """Seed `count` misspellings made by chance (two neighbouring letters swapped inside a word the
    translation has); the share the check reports. A swap may make another right word: not 100%."""
    po = polib.pofile(str(root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
    words = sorted({w for e in po for w in re.findall(r"[^\W\d_]{6,}", e.msgstr) if w.islower()})
    chance = random.Random(18)
    pairs = []
    for right in chance.sample(words, count):
        i = chance.randrange(1, len(right) - 2)
        wrong = right[:i] + right[i + 1] + right[i] + right[i + 2:]
        if wrong != right:
            pairs.append((right, wrong))
    lines = seed(root, lang, pairs)
    problems, _ = spelling_problems(root, (lang,))
    reported = {re.match("“([^”]+)”", p.message).group(1) for p in problems}
    return len(reported & set(lines)) / len(lines)


@pytest.mark.parametrize("lang", ["ru", "be", "kk"])
def test_misspellings_made_by_chance_are_caught(newsroom, lang, monkeypatch):
    monkeypatch.setattr(spelling_module, "SUGGESTED", 0)  # found, not corrected: suggestions take the time
    assert catch_rate(newsroom, lang) >= 0.9  # measured: 40 of 40 in each language


def test_a_word_list_entry_or_glossary_form_is_accepted_in_any_case_a_sentence_gives_it(newsroom):
    spellers_or_skip()
    known = prepare("ru", "ru", ["Жаксылыковский ЖАКСЫЛЫКОВСКИЙ жаксылыковский"], frozenset({"жаксылыковский"}))
    assert known.unknown == {}
    known = prepare("ru", "ru", ["Жаксылыковский"], frozenset())
    assert list(known.unknown) == ["Жаксылыковский"]


def test_what_the_check_reads_as_words():
    assert list(words_to_check("Сур’ёзны [аб’ём](https://x.by) `код`", "be")) == ["Сур’ёзны", "аб’ём"]
    # An ending after a figure, a per cent sign or an abbreviation is not a word of its own.
    assert list(words_to_check("1500-ден 5%-ын ЖІӨ-ні жан-жақты", "kk")) == ["ЖІӨ", "жан", "жақты"]
    # Latin words in a Cyrillic text, and a neighbour language's letters, are other checks' business.
    assert list(words_to_check("BelTA сообщила: приняли і ўсё", "ru")) == ["сообщила", "приняли"]
    assert list(words_to_check("BelTA сообщила", "en")) == ["BelTA"]


def test_apostrophes_are_read_as_the_dictionary_writes_them():
    spellers_or_skip()
    assert prepare("be", "be", ["сур’ёзны сурʼёзны сур'ёзны"], frozenset()).unknown == {}


# --- The word lists -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru", "be", "kk"])
def test_every_word_list_entry_says_why_and_is_needed(lang):
    """An entry has its reason after #, and neither the dictionary nor the glossary has it already."""
    spellers_or_skip()
    path = word_list_path(ROOT / "glossary" / "terms.tbx", lang)
    if not path.exists():
        return
    entries = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert all(re.fullmatch(r"\S+  # .+", line) for line in entries), "word  # why"
    glossary = load_glossary(ROOT / "glossary" / "terms.tbx")
    forms = glossary_words(f for term in glossary.terms for f in term.forms.get(lang, ()))
    speller = load_speller(dictionary_name(lang, DICTIONARIES[lang]))
    words = load_word_list(path, path.name)
    assert not words & forms, "already in the glossary"
    assert [w for w in sorted(words) if speller.spell(w)] == [], "already in the dictionary"


def test_a_word_list_line_with_two_words_is_refused_with_its_line(tmp_path):
    path = tmp_path / "words-ru.txt"
    path.write_text("# names\nЖаксылыков  # fine\nТимур Жаксылыков\n", encoding="utf-8")
    with pytest.raises(PublisherError) as caught:
        load_word_list(path, "glossary/words-ru.txt")
    assert str(caught.value).startswith("glossary/words-ru.txt:3: “Тимур Жаксылыков” is not one word")


# --- Without a dictionary -----------------------------------------------------------------------------


def test_a_missing_dictionary_is_reported_with_what_to_install_and_the_check_skipped(newsroom, monkeypatch):
    monkeypatch.setattr(spelling_module, "DICTIONARY_DIRS", ())
    monkeypatch.setenv("DICPATH", str(newsroom / "nowhere"))
    load_speller.cache_clear()
    try:
        problems, report = spelling_problems(newsroom, ("ru", "kk"))
    finally:
        load_speller.cache_clear()
    assert problems == [] and report.errors == 0
    assert report.skipped == [
        "spelling not checked in Russian: no Hunspell dictionary ru_RU for Russian: install it (apt-get install "
        "hunspell-ru) or put its .dic and .aff files in a folder named by DICPATH",
        "spelling not checked in Kazakh: no Hunspell dictionary kk_KZ for Kazakh: install it (apt-get install "
        "hunspell-kk) or put its .dic and .aff files in a folder named by DICPATH"]


def test_a_dictionary_in_dicpath_is_used_and_the_command_line_says_what_it_skipped(newsroom):
    (newsroom / "dicts").mkdir()
    for ext in ("dic", "aff"):
        shutil.copy(spelling_module._dictionary_dir("ru_RU") / f"ru_RU.{ext}", newsroom / "dicts" / f"ru_RU.{ext}")
    env = {"DICPATH": str(newsroom / "dicts"), "PATH": "/usr/bin:/bin", "HOME": str(newsroom)}
    result = subprocess.run([sys.executable, "-m", "publisher", "check", "-C", str(newsroom), "--json", "--lang", "ru"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped"] == []


# --- Cost ---------------------------------------------------------------------------------------------


def test_unknown_words_are_looked_up_in_linear_time_and_only_the_first_get_suggestions(monkeypatch):
    spellers_or_skip()
    letters = "абвгдежзиклмнопрстуфхцчшщыэюя"
    chance = random.Random(14)

    def garbage(n: int) -> str:
        return " ".join("".join(chance.choice(letters) for _ in range(8)) for _ in range(n // 9))

    monkeypatch.setattr(spelling_module, "SUGGESTED", 3)
    known = prepare("ru", "ru", [garbage(200), "а" * (LONGEST_WORD + 1)], frozenset())
    assert len(known.unknown) > 10 and sum(bool(s) for s in known.unknown.values()) <= 3
    assert known.unknown["а" * (LONGEST_WORD + 1)] == ()
    monkeypatch.setattr(spelling_module, "SUGGESTED", 0)  # look-ups alone: suggestions cost a constant
    assert_linear(lambda text: prepare("ru", "ru", [text], frozenset()), garbage, 20_000)
