"""`publish check`: each check on good and bad translations, the seeded-fault newsroom, silencing,
the command line, the build's wire gate, and the bundled article's own catalogues."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import polib
import pytest

from publisher.build import build
from publisher.checks import CHECK_NAMES, check_articles, errors_by_language
from publisher.checks.alphabets import ALPHABETS
from publisher.checks.base import Context, Entry
from publisher.checks.content import fuzzy, identical, terminology, untranslated
from publisher.checks.figures import digit_groups, figures
from publisher.checks.form import length, markup, punctuation, whitespace
from publisher.checks.marks import balance, quotes
from publisher.checks.script import foreign_letters, latin_words, mixed_script, own_letters, source_names
from publisher.config import load_config
from publisher.glossary import Glossary, Term
from publisher.project import load_articles
from tests.helpers import BODY, ROOT, make_project, po_path, run_update, translate, write_article
from tests.validators import gettext_tool, missing_dictionaries

SEEDED = Path(__file__).parent / "data" / "checks"
# The seeded newsroom and the bundled article are checked with the spelling check too.
needs_dictionaries = pytest.mark.skipif(bool(missing_dictionaries()), reason=", ".join(missing_dictionaries()))
NUCLEAR = Term("npp", {"en": ("nuclear power plant",),
                       "ru": ("атомная электростанция", "атомной электростанции", "АЭС")})
# A full, clean Russian translation of the helpers' test story.
RUSSIAN = {
    "Test headline": "Тестовый заголовок",
    "A short summary of the test story.": "Краткое изложение тестовой истории.",
    "Minsk": "Минск",
    "BelTA": "БЕЛТА",
    "Belarus": "Беларусь",
    "Kazakhstan and Belarus are key partners.": "Казахстан и Беларусь — ключевые партнеры.",
    "The projects are worth more than $200 million.": "Стоимость проектов превышает 200 млн долларов.",
    "Energy": "Энергетика",
    "He said: “We will have to get to grips with it.”": "Он сказал: «Нам предстоит за это взяться».",
    "A referendum is scheduled for 6 October 2024.": "Референдум назначен на 6 октября 2024 года.",
}


def make_newsroom(root: Path) -> Path:
    """The helpers' test project, with the word the spelling check needs for RUSSIAN's names."""
    make_project(root)
    (root / "glossary").mkdir(exist_ok=True)
    (root / "glossary" / "words-ru.txt").write_text("БЕЛТА  # the agency's Russian name\n", encoding="utf-8")
    return root


def ctx(lang: str, glossary: Glossary = Glossary(), allowed: frozenset[str] = frozenset()) -> Context:
    return Context(lang, "en", lang, "en_GB", glossary, allowed)


def found(check, source: str, target: str, lang: str = "ru", **context) -> list[str]:
    return list(check(Entry(source, target), ctx(lang, **context)))


def publish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


# --- Completeness ---------------------------------------------------------------------------------


def test_untranslated_and_fuzzy_entries_are_errors_but_the_source_language_needs_no_translation():
    assert found(untranslated, "Minsk", "")
    assert not found(untranslated, "Minsk", "Минск")
    assert not list(untranslated(Entry("Minsk", ""), Context("en", "en", "en_GB", "en_GB", Glossary())))
    assert list(fuzzy(Entry("Minsk", "Минск", fuzzy=True), ctx("ru")))
    assert not list(fuzzy(Entry("Minsk", "Минск"), ctx("ru")))


def test_identical_translation_is_an_error_unless_it_holds_no_words():
    assert found(identical, "Three more projects are in the pipeline.", "Three more projects are in the pipeline.")
    assert not found(identical, "2024", "2024")
    assert not found(identical, "Minsk", "Минск")


# --- Figures --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "source", "target"), [
    ("ru", "over 1,500 jobs", "более 1 500 рабочих мест"),
    ("ru", "over 1,500 jobs", "более 1\u00a0500 рабочих мест"),
    ("ru", "over 1,500 jobs", "более 1500 рабочих мест"),
    ("be", "over 1,500 jobs", "больш за 1\u202f500 працоўных месцаў"),
    ("kk", "over 1,500 jobs", "1,5 мыңнан астам жұмыс орны"),
    ("ru", "worth more than $200 million", "превышает 200 млн долларов"),
    ("ru", "worth more than $200 million", "превышает 200 миллионов долларов"),
    ("be", "worth more than $200 million", "перавышае 200 мільёнаў долараў"),
    ("kk", "up to 2 billion trees", "2 млрд-қа дейін ағаш"),
    ("ru", "2.5 billion", "2,5 млрд"),
    ("ru", "only 5% of the territory", "лишь 5 % территории"),
    ("ru", "on 6 October 2024", "6 октября 2024 года"),
    ("kk", "on 6 October 2024", "2024 жылғы 6 қазанда"),
    ("ru", "within five years", "за 5 лет"),
    ("ru", "within 5 years", "за пять лет"),
    ("kk", "within 5 years", "бес жыл ішінде"),
    ("ru", "two million", "2 млн"),
    ("ru", "in the 21st century", "в XXI веке"),
    ("be", "in the 19th century", "у XIX стагоддзі"),
    ("ru", "See [the 2023 report](https://belta.by/2024/09)", "См. [доклад за 2023 год](https://belta.by/2024/09)"),
])
def test_figures_written_the_target_languages_way_are_the_same(lang, source, target):
    assert found(figures, source, target, lang) == []


@pytest.mark.parametrize(("source", "target", "message"), [
    ("over 1,500 jobs", "более 1 600 рабочих мест", "1,500 missing; 1 600 not in the source"),
    ("over 1,500 jobs", "более 1600 рабочих мест", "1,500 missing; 1600 not in the source"),
    ("$200 million", "200 млрд долларов", "200 million missing; 200 млрд not in the source"),
    ("17 projects", "проекты", "17 missing"),
    ("projects", "17 проектов", "17 not in the source"),
    ("1.5 billion", "15 млрд", "1.5 billion missing; 15 млрд not in the source"),
    ("on 6 October 2024", "6 октября 2025 года", "2024 missing; 2025 not in the source"),
    ("in the 21st century", "в XX веке", "21 missing"),
    ("over 1,500 jobs", "более 1,500 рабочих мест", "1,500 missing; 1,500 not in the source; the same digits "
                                                    "mean another number in Russian: mind its group and decimal separators"),
])
def test_a_changed_lost_or_added_figure_is_reported(source, target, message):
    assert found(figures, source, target) == [message]


# --- Script ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "source", "target", "messages"), [
    ("ru", "over 1,500 jobs", "более 1 500 мест", ["“1 500”: Russian writes four-digit numbers solid: 1500"]),
    ("be", "over 1,500 jobs", "больш за 1\u00a0500 месцаў", ["“1\u00a0500”: Belarusian writes four-digit numbers solid: 1500"]),
    ("kk", "over 1,500.5 t", "1 500,5 тоннадан астам", ["“1 500”: Kazakh writes four-digit numbers solid: 1500"]),
    ("ru", "over 1,500 jobs", "более 1500 мест", []),
    ("ru", "15,000 jobs", "15\u00a0000 мест", []),
    ("ru", "15,000 jobs", "15 000 мест", ["“15 000”: group the digits with no-break spaces (U+00A0), so that the "
                                          "number never breaks across lines"]),
    ("ru", "in 5 pools of 100 m", "в 5 100-метровых бассейнах", []),  # two figures of the source
    ("en", "1 500", "1 500", []),
])
def test_four_digit_numbers_are_written_solid_in_russian_belarusian_and_kazakh(lang, source, target, messages):
    assert found(digit_groups, source, target, lang) == messages


def test_a_latin_look_alike_inside_a_cyrillic_word_is_reported_and_named():
    assert found(mixed_script, "Three more projects.", "Т\u0061ғы үш жоба.", "kk") == [
        "“Тaғы” mixes scripts: Latin “a” among Cyrillic letters (a look-alike?)"]
    assert found(mixed_script, "Kazakhstan", "K\u0430zakhstan", "en") == [
        "“Kаzakhstan” mixes scripts: Cyrillic “а” among Latin letters (a look-alike?)"]
    assert not found(mixed_script, "AI-related research", "исследования, связанные с ИИ, IT-парк", "ru")
    assert not found(mixed_script, "The family.", "Сямʼя.", "be"), "the modifier apostrophe is no alphabet's"
    assert found(mixed_script, "Alpha", "\u0391lpha", "en") == [
        "“Αlpha” mixes scripts: Greek “Α” among Latin letters (a look-alike?)"]


def test_the_alphabets_are_the_word_letters_whose_unicode_names_begin_with_theirs():
    every_char = "".join(map(chr, range(sys.maxunicode + 1)))
    letters = re.findall(r"[^\W\d_]", every_char)
    for name, alphabet in ALPHABETS.items():
        named = [c for c in letters if unicodedata.name(c, "").split(" ")[0] == name.upper()]
        assert alphabet.findall(every_char) == named, name


def test_latin_words_left_in_a_cyrillic_translation_unless_names_urls_glossary_or_numerals():
    assert found(latin_words, "The session was held in Minsk.", "Заседание было held в Минске.") == [
        "Latin-script word(s) in the translation: “held” (not a name in the source nor a glossary form)"]
    assert not found(latin_words, "It happened in the 21st century.", "Это случилось в XXI веке.")
    assert not found(latin_words, "See belta.by.", "См. https://belta.by или news@belta.by.")
    assert not found(latin_words, "Run `publish check`.", "Запустите `publish check`.")
    assert not found(latin_words, "BelTA reports.", "Сообщает BelTA.", allowed=frozenset({"BelTA"}))
    assert not found(latin_words, "The session.", "Заседание held.", "en")


def test_source_names_are_capitalised_words_not_at_a_sentence_start_and_mixed_case_words():
    names = source_names(["The session was opened by Timur Zhaxylykov. This is why BelTA and iPhone matter.",
                          "Minsk"])
    assert names == {"Timur", "Zhaxylykov", "BelTA", "iPhone"}


@pytest.mark.parametrize(("lang", "target", "message"), [
    ("be", "У пасяджэнні приняли ўдзел кіраўнікі.", "Belarusian does not use и (in “приняли”)"),
    ("be", "Аб’ём ещё вялікі.", "Belarusian does not use щ (in “ещё”)"),
    ("ru", "Представители вузов прыняли участие.", None),
    ("ru", "Вон і ўсе прынялі удзел.", "Russian does not use і ў (in “і”, “ўсе”, “прынялі”)"),
    ("be", "Сям’я і ўсе прынялі ўдзел.", None),
])
def test_letters_of_a_neighbour_language(lang, target, message):
    assert found(foreign_letters, "Heads took part.", target, lang) == ([message] if message else [])


def test_a_kazakh_catalogue_without_any_kazakh_letter_is_suspicious():
    russian = "Казахстан и Беларусь являются ключевыми стратегическими союзниками и партнерами. " * 4
    kazakh = russian + "Қазақстан мен Беларусь."
    assert list(own_letters([Entry("Kazakhstan and Belarus.", russian)], ctx("kk")))
    assert not list(own_letters([Entry("Kazakhstan and Belarus.", kazakh)], ctx("kk")))
    assert not list(own_letters([Entry("Kazakhstan.", "Казахстан")], ctx("kk"))), "too short to tell"
    assert not list(own_letters([Entry("Kazakhstan and Belarus.", russian)], ctx("ru")))


# --- Quotation marks and brackets -----------------------------------------------------------------


def test_quotation_marks_must_be_the_target_languages():
    source = "He said: “We will have to get to grips with it.”"
    assert not found(quotes, source, "Он сказал: «Нам предстоит „за это“ взяться».")
    assert found(quotes, source, "Он сказал: “Нам предстоит за это взяться”.") == [
        "quotation mark(s) ” not used in Russian: write «…» (inside a quotation „…“)"]
    assert found(quotes, source, 'Он сказал: "Нам предстоит за это взяться".')
    assert not found(quotes, source, "Ол былай деді: «Бізге “бұл іске” кірісуге тура келеді».", "kk")
    assert not found(quotes, "The family.", "Сям’я і аб'ём.", "be"), "an apostrophe inside a word"


def test_brackets_and_quotes_balance_unless_the_source_leaves_one_open():
    assert found(balance, "in Minsk (the capital).", "в Минске (столице.") == ["( is never closed"]
    assert found(balance, "in Minsk (the capital).", "в Минске столице).") == [") closes nothing"]
    assert found(balance, "He said: “Yes.”", "Он сказал: «Да.") == ["« is never closed"]
    assert not found(balance, "He said: “Yes.”", "Он сказал: «Да „конечно“».")
    assert not found(balance, "“We agree. More follows", "«Мы согласны. Далее"), "a quotation spanning units"
    assert not found(balance, "Belarus’ experience (great).", "Опыт Беларуси (большой).")
    assert not found(balance, "He said: “Yes.”", "Он сказал: “Да.”"), "foreign marks: the quotes check's finding"


# --- Terminology ----------------------------------------------------------------------------------


def test_every_glossary_term_in_the_source_needs_an_accepted_form_in_the_translation():
    glossary = Glossary((NUCLEAR,))
    source = "A referendum on building a nuclear power plant."
    assert not found(terminology, source, "Референдум о строительстве атомной электростанции.", glossary=glossary)
    assert not found(terminology, source, "Референдум о строительстве АЭС.", glossary=glossary)
    assert found(terminology, source, "Референдум о строительстве атомной станции.", glossary=glossary) == [
        "glossary term “nuclear power plant” is missing: none of “атомная электростанция”, "
        "“атомной электростанции”, “АЭС” in the translation"]
    assert not found(terminology, source, "Референдум о строительстве станции.", "be", glossary=glossary), \
        "no Belarusian forms: nothing to hold the translation to"


# --- Markup, whitespace, punctuation, length ------------------------------------------------------


def test_links_emphasis_and_code_are_kept_in_kind_count_and_target():
    source = "Read [the address](https://akorda.kz/a) *now*, then run `publish`."
    assert not found(markup, source, "Читайте [Послание](https://akorda.kz/a) *сейчас*, затем `publish`.")
    assert found(markup, source, "Читайте Послание *сейчас*, затем `publish`.") == [
        "links: 1 in the source, 0 in the translation"]
    assert found(markup, source, "Читайте [Послание](https://akorda.kz/b) *сейчас*, затем `publish`.") == [
        "links changed: “https://akorda.kz/a” not in the translation"]
    assert found(markup, source, "Читайте [Послание](https://akorda.kz/a) сейчас, затем `publish`.") == [
        "emphasis *…*: 1 in the source, 0 in the translation"]
    assert found(markup, source, "Читайте [Послание](https://akorda.kz/a) *сейчас*, затем `опубликовать`.") == [
        "code `…` changed: “publish” not in the translation"]


def test_leading_trailing_and_double_spaces():
    source = "The session was held in Minsk."
    assert not found(whitespace, source, "Заседание прошло в Минске.")
    assert found(whitespace, source, " Заседание прошло в Минске. ") == ["starts with a space", "ends with a space"]
    assert found(whitespace, source, "Заседание  прошло в\u00a0 Минске.") == [
        "double space after “Заседание”, “в”"]
    assert not found(whitespace, "Two  spaces.", "Два  пробела."), "the source has them too"


@pytest.mark.parametrize(("source", "target", "message"), [
    ("Forests occupy 5%.", "Леса занимают 5%.", None),
    ("“We will have to get to grips with it.”", "«Нам предстоит за это взяться».", None),
    ("Key allies, ambassador says", "Ключевые союзники, заявил посол", None),
    ("Is it so?", "Так ли это?", None),
    ("And then...", "А затем…", None),
    ("Forests occupy 5%.", "Леса занимают 5%", "ends without “.” (the source does)"),
    ("Key allies, ambassador says", "Ключевые союзники, заявил посол.",
     "ends with “.” (the source has no final punctuation)"),
    ("Is it so?", "Так ли это.", "ends with “.” where the source ends with “?”"),
])
def test_sentence_final_punctuation_follows_the_source(source, target, message):
    assert found(punctuation, source, target) == ([message] if message else [])


def test_length_far_from_the_language_pairs_norm_is_a_warning():
    source = "The ambassador noted that the development of digital technologies is a priority."
    assert not found(length, source, "Посол отметил, что развитие цифровых технологий является приоритетом.")
    assert found(length, source, "Посол отметил приоритет.") == [
        "0.30× the source's length, where en→ru translations run about 0.97×: something left out or added?"]
    assert found(length, source, "Посол " * 40)
    assert not found(length, "Minsk", "Город-герой Минск, столица Республики Беларусь"), "short units vary"


# --- The seeded-fault newsroom --------------------------------------------------------------------


def seeded_project(tmp_path: Path) -> Path:
    root = tmp_path / "newsroom"
    shutil.copytree(SEEDED, root)
    return root


def seeded_faults(root: Path) -> set[tuple[str, int, str]]:
    """(catalogue, line, check) of every entry marked `# seeded: <check>` in the fixture."""
    faults = set()
    for path in sorted(root.glob("locales/*/LC_MESSAGES/*.po")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := re.fullmatch(r"# seeded: ([\w-]+)", line):
                faults.add((path.relative_to(root).as_posix(), number, match.group(1)))
    return faults


@needs_dictionaries
def test_one_seeded_fault_per_check_yields_exactly_those_problems_at_each_entrys_first_line(tmp_path):
    root = seeded_project(tmp_path)
    config = load_config(root)
    report = check_articles(config, load_articles(config))
    expected = seeded_faults(root)
    assert len(expected) == 16
    assert {(p.path, p.line, p.check) for p in report.problems} == expected
    assert len(report.problems) == len(expected)
    assert (report.errors, report.warnings, report.silenced, report.catalogues) == (9, 7, 2, 4)


def test_every_check_has_a_seeded_fault_or_a_test_of_its_own(tmp_path):
    seeded = {check for _, _, check in seeded_faults(seeded_project(tmp_path))}
    assert set(CHECK_NAMES) - seeded == {"own-letters"}  # a whole-catalogue check: tested above and below


def test_a_whole_catalogue_check_is_reported_at_the_first_line(tmp_path):
    make_newsroom(tmp_path)
    summary = " ".join(["Краткое изложение тестовой истории о сотрудничестве двух государств."] * 3)
    translate(tmp_path, "kk", {**RUSSIAN, "A short summary of the test story.": summary})
    config = load_config(tmp_path)
    report = check_articles(config, load_articles(config), ("kk",))
    # (The spelling check, rightly, finds the Russian words unknown to Kazakh's dictionary.)
    assert [(p.line, p.check) for p in report.problems if p.check != "spelling"] == [(1, "own-letters")]


def test_units_missing_from_the_catalogue_and_missing_catalogues_are_errors(tmp_path):
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", RUSSIAN)
    write_article(tmp_path, "test-story", BODY + "\nA new sentence arrived.\n")
    po_path(tmp_path, "kk").unlink()
    config = load_config(tmp_path)
    report = check_articles(config, load_articles(config), ("ru", "kk"))
    assert [str(p) for p in report.problems] == [
        "locales/ru/LC_MESSAGES/test-story.po: [untranslated] “A new sentence arrived.” is not in the catalogue: "
        "run publish update --lang ru",
        "locales/kk/LC_MESSAGES/test-story.po: [untranslated] no catalogue: run publish update --lang kk"]
    assert report.catalogues == 1


# --- Silencing ------------------------------------------------------------------------------------


def silence(root: Path, msgid: str, comment: str = "", flags: tuple[str, ...] = ()) -> None:
    path = po_path(root, "ru")
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    entry.tcomment, entry.flags = comment, [*entry.flags, *flags]
    po.save(str(path))
    run_update(root)


def ru_problems(root: Path):
    config = load_config(root)
    return check_articles(config, load_articles(config), ("ru",))


@pytest.mark.parametrize(("comment", "flags"), [
    ("", ("no-check-figures",)),
    ("no-check: figures (the desk updated the sum to $250 million after the English went out)", ()),
    ("Checked with the desk.\nno-check: length, figures", ()),
])
def test_a_translator_silences_one_check_on_one_unit_and_it_survives_an_update(tmp_path, comment, flags):
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", {**RUSSIAN, "The projects are worth more than $200 million.":
                               "Стоимость проектов превышает 250 млн долларов!"})
    assert {p.check for p in ru_problems(tmp_path).problems} == {"figures", "punctuation"}
    silence(tmp_path, "The projects are worth more than $200 million.", comment, flags)
    report = ru_problems(tmp_path)
    assert [p.check for p in report.problems] == ["punctuation"]
    assert report.silenced == 1


def test_an_unknown_check_name_in_a_silencing_is_reported(tmp_path):
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", RUSSIAN)
    silence(tmp_path, "Energy", flags=("no-check-figure",))
    [problem] = ru_problems(tmp_path).problems
    assert (problem.check, problem.severity) == ("no-check", "warning")
    assert problem.message.startswith("unknown check “figure” silenced; the checks are untranslated, fuzzy")


def test_the_comment_form_survives_gnu_msgcat_which_drops_flags_it_does_not_know(tmp_path):
    msgcat = gettext_tool("msgcat")
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", {**RUSSIAN, "Energy": "Энергетика!"})
    silence(tmp_path, "Energy", comment="no-check: punctuation (an exclamation, as the desk wants)")
    silence(tmp_path, "BelTA", flags=("no-check-identical",))
    path = po_path(tmp_path, "ru")
    subprocess.run([msgcat, "-o", str(path), str(path)], check=True)
    text = path.read_text(encoding="utf-8")
    assert "# no-check: punctuation" in text and "no-check-identical" not in text
    report = ru_problems(tmp_path)
    assert report.problems == [] and report.silenced == 1


# --- Command line ---------------------------------------------------------------------------------


@needs_dictionaries
def test_check_prints_linter_lines_grouped_per_catalogue_and_a_summary(tmp_path):
    root = seeded_project(tmp_path)
    result = publish("check", "-C", str(root))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "locales/ru/LC_MESSAGES/seeded-faults.po:47: [figures] 1,500 missing; 1600 not in the source" in lines
    assert "locales/kk/LC_MESSAGES/seeded-faults.po:118: [mixed-script] " \
           "“Тaғы” mixes scripts: Latin “a” among Cyrillic letters (a look-alike?)" in lines
    assert lines[-1] == "9 errors, 7 warnings, 2 silenced in 4 catalogues"
    paths = [line.split(":")[0] for line in lines[:-1]]
    assert "" in paths, "a blank line between catalogues"
    groups = [p for i, p in enumerate(paths) if p and (i == 0 or paths[i - 1] != p)]
    assert groups == ["locales/ru/LC_MESSAGES/seeded-faults.po", "locales/be/LC_MESSAGES/seeded-faults.po",
                      "locales/kk/LC_MESSAGES/seeded-faults.po"]
    assert "\x1b[" not in result.stdout, "no colour when the output is not a terminal"


def test_check_colours_like_a_linter_on_a_terminal(tmp_path):
    result = publish("check", "-C", str(seeded_project(tmp_path)), "--lang", "ru",
                     env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    figures_line = next(line for line in result.stdout.splitlines() if "[figures]" in line)
    quotes_line = next(line for line in result.stdout.splitlines() if "[quotes]" in line)
    assert "\x1b[1;31m[figures]" in figures_line and "\x1b[33m[quotes]" in quotes_line


@needs_dictionaries
def test_check_json_filters_and_exit_codes(tmp_path):
    root = seeded_project(tmp_path)
    result = publish("check", "-C", str(root), "--json", "--lang", "kk", "--article", "seeded-faults")
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert data["summary"] == {"errors": 1, "warnings": 0, "silenced": 1, "catalogues": 1}
    assert data["skipped"] == []
    assert data["problems"] == [{
        "path": "locales/kk/LC_MESSAGES/seeded-faults.po", "line": 118, "check": "mixed-script",
        "severity": "error", "message": "“Тaғы” mixes scripts: Latin “a” among Cyrillic letters (a look-alike?)",
        "lang": "kk", "msgid": "Three more projects are in the pipeline."}]
    assert publish("check", "-C", str(root), "--lang", "en").returncode == 0
    assert publish("check", "-C", str(root), "--article", "nothing").returncode == 1


@needs_dictionaries
def test_check_jobs_spread_the_articles_over_processes_and_report_the_same_in_the_same_order(tmp_path):
    root = seeded_project(tmp_path)
    source = (root / "source" / "seeded-faults.md").read_text(encoding="utf-8")
    for copy in ("seeded-faults-2", "seeded-faults-3"):  # the same faults under other names
        (root / "source" / f"{copy}.md").write_text(source.replace("id: test-seeded-faults", f"id: {copy}"),
                                                    encoding="utf-8")
        for path in root.glob("locales/*/LC_MESSAGES/seeded-faults.po"):
            shutil.copy(path, path.with_name(f"{copy}.po"))
    serial = publish("check", "-C", str(root), "--json", "--jobs", "1")
    parallel = publish("check", "-C", str(root), "--json", "--jobs", "2")
    assert serial.returncode == parallel.returncode == 1, parallel.stderr
    assert parallel.stdout == serial.stdout
    data = json.loads(serial.stdout)
    assert data["summary"] == {"errors": 27, "warnings": 21, "silenced": 6, "catalogues": 12}
    config = load_config(root)
    slugs = [Path(problem["path"]).stem for problem in data["problems"]]
    assert list(dict.fromkeys(slugs)) == [article.slug for article in load_articles(config)]
    assert check_articles(config, load_articles(config), jobs=2) == check_articles(config, load_articles(config), jobs=1)


def test_warnings_fail_only_with_strict(tmp_path):
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", {**RUSSIAN, "Energy": "Энергетика."})
    assert publish("check", "-C", str(tmp_path), "--lang", "ru").returncode == 0
    strict = publish("check", "-C", str(tmp_path), "--lang", "ru", "--strict")
    assert strict.returncode == 1 and "0 errors, 1 warnings, 0 silenced" in strict.stdout


# --- The build's gate -----------------------------------------------------------------------------


def test_the_build_holds_a_language_with_check_errors_back_from_the_wire_only(tmp_path):
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", {**RUSSIAN, "The projects are worth more than $200 million.":
                               "Стоимость проектов превышает 300 млн долларов."})
    config = load_config(tmp_path)
    assert errors_by_language(config, load_articles(config)[0])["ru"] == 1
    report = build(config, ("html", "newsml"))
    assert [(h.lang, h.format, h.reason) for h in report.held_back if h.lang == "ru"] == [
        ("ru", "newsml", "1 check error(s); see publish check --lang ru")]
    assert any(name.startswith("output/html/ru/") for name in report.written)

    translate(tmp_path, "ru", RUSSIAN)
    assert [h for h in build(config, ("newsml",)).held_back if h.lang == "ru"] == []


# --- The bundled article --------------------------------------------------------------------------


@needs_dictionaries
def test_the_bundled_catalogues_have_no_errors_and_every_warning_is_explained():
    config = load_config(ROOT)
    report = check_articles(config, load_articles(config))
    assert [str(p) for p in report.problems if p.severity == "error"] == []
    for problem in report.problems:
        entry = polib.pofile(str(ROOT / problem.path)).find(problem.msgid)
        assert entry.tcomment.strip(), f"{problem}: explain the warning in a translator comment"


def test_the_wire_gate_checks_only_what_it_needs_and_again_only_what_changed(tmp_path, monkeypatch):
    from publisher.checks import GateChecks
    checked = []
    real = GateChecks.errors
    def counted(self, lang, catalog=None):
        checked.append(lang)
        return real(self, lang, catalog)

    monkeypatch.setattr(GateChecks, "errors", counted)
    make_newsroom(tmp_path)
    translate(tmp_path, "ru", {**RUSSIAN, "The projects are worth more than $200 million.":
                               "Стоимость проектов превышает 300 млн долларов."})
    config = load_config(tmp_path)
    held = lambda report: sorted((h.lang, h.reason) for h in report.held_back if h.format == "newsml")
    first = build(config, ("html", "newsml"), jobs=1)
    assert held(first)[2] == ("ru", "1 check error(s); see publish check --lang ru")
    assert sorted(checked) == ["en", "ru"]  # be and kk are untranslated: held back before any check

    checked.clear()
    translate(tmp_path, "ru", RUSSIAN)
    assert "ru" not in {lang for lang, _ in held(build(config, ("html", "newsml"), jobs=1))}
    assert checked == ["ru"]  # the English catalogue did not change

    checked.clear()
    translate(tmp_path, "ru", {**RUSSIAN, "Energy": "Энергетика 2"})
    assert held(build(config, ("newsml",), languages=("ru",), jobs=1)) == [
        ("ru", "1 check error(s); see publish check --lang ru")]
    assert checked == ["ru"]

    checked.clear()
    build(config, ("html", "newsml"), jobs=1, force=True)
    assert sorted(checked) == ["en", "ru"]  # --force trusts nothing it kept


def test_a_recurring_unit_is_judged_in_each_catalogue_by_that_catalogues_names(tmp_path):
    """The same unit, the same translation, in two articles: its findings are kept for the next
    catalogue, but whether a Latin word is one of the source's names depends on the article."""
    make_newsroom(tmp_path)
    shared_unit = "The projects are worth more than $200 million."
    write_article(tmp_path, "a-named", f"{shared_unit} The deal was signed at Astana Hub.\n")
    write_article(tmp_path, "b-unnamed", f"{shared_unit}\n")
    (tmp_path / "source" / "test-story.md").unlink()
    run_update(tmp_path)
    russian = {**RUSSIAN, shared_unit: "Проекты Astana Hub стоят более 200 млн долларов.",
               "The deal was signed at Astana Hub.": "Сделка подписана в Astana Hub."}
    for slug in ("a-named", "b-unnamed"):
        translate(tmp_path, "ru", russian, slug=slug)
    config = load_config(tmp_path)
    report = check_articles(config, load_articles(config), ("ru",), jobs=1)
    assert [(Path(p.path).stem, p.message) for p in report.problems if p.check == "latin"] == [
        ("b-unnamed", "Latin-script word(s) in the translation: “Astana”, “Hub” (not a name in the source nor a "
                      "glossary form)")]
