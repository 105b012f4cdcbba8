"""Sentence units: right on news text, and lossless."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.segment import sentences, split, units
from publisher.source import read_article
from tests.helpers import ROOT

BUNDLED = ROOT / "source" / "kazakhstan-belarus-allies.md"


def test_bundled_article_units_and_roles():
    every = units(read_article(BUNDLED))
    roles = [u.role for u in every]
    assert roles[:5] == ["headline", "summary", "dateline.place", "dateline.agency", "byline"]
    body = [u for u in every if u.role in ("body", "quotation")]
    assert len(body) == 36
    assert all(u.context is None for u in body)


def test_multi_sentence_quotation_stays_one_unit_with_its_marks():
    every = [u.text for u in units(read_article(BUNDLED))]
    quote = next(t for t in every if t.startswith("Timur Zhaxylykov said: “"))
    assert quote.endswith("many other ones.”")
    assert "partners. Our cooperation" in quote
    assert any(t == "“We will have to get to grips with it.”" for t in every)


def test_figures_do_not_split_sentences():
    text = ("The projects are worth more than $200 million and provide for creating over 1,500 jobs. "
            "Three more projects are in the pipeline.")
    assert sentences(text, "en") == (
        "The projects are worth more than $200 million and provide for creating over 1,500 jobs.",
        "Three more projects are in the pipeline.")


def test_russian_abbreviations_and_initials():
    assert sentences("Референдум пройдет 6 окт. 2024 г. в Казахстане. Проректор Ю. Николайчик выступил.", "ru") == (
        "Референдум пройдет 6 окт. 2024 г. в Казахстане.", "Проректор Ю. Николайчик выступил.")
    assert sentences("Он сказал, т.е. вырос. Потом ушел.", "ru") == ("Он сказал, т.е. вырос.", "Потом ушел.")


def test_belarusian_uses_russian_rules():
    assert sentences("Прарэктар Ю. Нікалайчык выступіў. Гэта важна.", "be") == (
        "Прарэктар Ю. Нікалайчык выступіў.", "Гэта важна.")


def test_links_are_never_cut():
    text = "See [the report. It is long](https://example.com/a.b. C) today. Next."
    assert sentences(text, "en") == ("See [the report. It is long](https://example.com/a.b. C) today.", "Next.")


def test_paragraph_mode_keeps_the_paragraph_whole():
    assert sentences("One. Two.\nThree.", "en", mode="paragraph") == ("One. Two. Three.",)


# --- Articles the bundled one does not have: quotations, abbreviations, ellipses, figures ---------

SEGMENT_DATA = ROOT / "tests" / "data" / "segment"
# Every unit of each, by role; the datelines, byline and keywords are left out.
MARKETS = [
    ("headline", "Prices rose… then they fell, the U.S. Treasury says"),
    ("summary", "Dr. Anna Ivanova of the U.S. Treasury said prices rose by approx. 2.5 per cent, i.e. faster than "
                "expected."),
    ("body", "Prices rose…"),
    ("body", "Then they fell."),
    ("body", "Mr. J. R. Smith, head of No. 5 Fund, met Ms. Green and Dr. Brown on Monday."),
    ("body", "They talked about the U.S. economy, which grew 2.5–3.1 per cent in 2023–2024, e.g. Germany grew less."),
    ("quotation", '"Nobody believed it!" Ms. Ivanova added.'),
    ("quotation", '"Why?" asked Dr. Petrov.'),
    ("heading", "What the markets *expect*"),
    ("quotation", "“Prices rose. Then they fell. Nobody believed it!” Ms. Ivanova added."),
    ("body", "The index fell to 1,234.5 points..."),
    ("body", "It was approx. 10 per cent lower, i.e. The Fed was right."),
    ("list item", "The [Treasury report. It is long](https://example.com/report?a=1.2) says so."),
    ("list item", "Read it."),
    ("list item", "Rates: 5.25–5.5 per cent… and waiting."),
    ("list item", "**Exports** rose."),
    ("list item", "*Imports* fell!"),
    ("quotation", '"We will see. Maybe next year?" the minister said.'),
    ("quotation", "“Will it last?” Mr. Brown asked."),
    ("body", "Hmm... what next?"),
    ("quotation", "“Nobody knows!”"),
    ("body", "The next day prices fell again."),
]
MINISTERS = [
    ("headline", "Ministers met in Minsk"),
    ("summary", "The ministers met in Minsk."),
    ("heading", "Talks"),
    ("body", "The meeting began at 10.30 a.m. and ended at approx. 1 p.m."),
    ("body", "Prof. K. Smith chaired it."),
    ("list item", "First, the budget: 1,500–2,000 jobs."),
    ("list item", "Then the rest."),
    ("list item", "See `api.v2` and [the minutes](https://example.com/m) for details."),
    ("body", "'Stop!' Mr. Lee shouted."),
    ("body", "'We are not done…'"),
    ("body", "He sat down."),
    ("body", "Talks went on… and on."),
]


@pytest.mark.parametrize(("slug", "expected"), [("markets", MARKETS), ("ministers", MINISTERS)])
def test_articles_with_quotations_abbreviations_ellipses_lists_and_links(slug, expected):
    every = units(read_article(SEGMENT_DATA / f"{slug}.md"))
    assert [(u.role, u.text) for u in every if u.role not in _FRONT_MATTER_ROLES] == expected


_FRONT_MATTER_ROLES = ("dateline.place", "dateline.agency", "byline", "keyword")


@pytest.mark.parametrize(("text", "expected"), [
    ('"Nobody believed it!" Ms. Ivanova added.', ['"Nobody believed it!" Ms. Ivanova added.']),
    ("“Really?” The ambassador is convinced.", ["“Really?” The ambassador is convinced."]),
    ('"Nobody believed it!" The next day prices fell.', ['"Nobody believed it!"', "The next day prices fell."]),
    ("«Никто не верил!» — добавила Иванова. Потом ушла.", ["«Никто не верил!» — добавила Иванова.", "Потом ушла."]),
])
def test_a_quotation_ending_in_an_exclamation_or_question_keeps_its_attribution(text, expected):
    assert list(sentences(text, "ru" if "«" in text else "en")) == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Prices rose… Then they fell.", "en", ["Prices rose…", "Then they fell."]),
    ("Prices rose... Then they fell.", "en", ["Prices rose...", "Then they fell."]),
    ("He waited… and waited.", "en", ["He waited… and waited."]),
    ("Prices rose… “Then they fell.”", "en", ["Prices rose…", "“Then they fell.”"]),
    ("Цены выросли… Потом упали.", "ru", ["Цены выросли…", "Потом упали."]),
    ("Кошты выраслі… Потым упалі.", "be", ["Кошты выраслі…", "Потым упалі."]),
])
def test_an_ellipsis_before_a_capital_ends_a_sentence(text, lang, expected):
    assert list(sentences(text, lang)) == expected


def test_a_long_paragraph_is_segmented_like_its_sentences_one_by_one():
    """Past 3,000 characters sentencex reads a paragraph in pieces (it is quadratic on some texts);
    the units are those of the sentences read on their own."""
    parts = [f"Mr. Brown met Ms. Green in room No. {i}. “It went well. We agreed!” Ms. Green added. "
             f"Prices rose… Then they fell by approx. 2.5 per cent." for i in range(80)]
    paragraph = " ".join(parts)
    assert len(paragraph) > 3 * 3000
    assert sentences(paragraph, "en") == tuple(s for part in parts for s in sentences(part, "en"))


WORDS = st.sampled_from(["Kazakhstan", "and", "Belarus", "1,500", "$200", "million", "Mr.", "J.", "г.",
                         "“We", "know.”", "T.", "e.g.", "5%", "Минск", "сент.", "2024", "(BelTA)", "–", "it."])
PARAGRAPHS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join) | st.text(max_size=300)


@settings(max_examples=400, deadline=None)
@given(PARAGRAPHS, st.sampled_from(["en", "ru", "be", "kk"]))
def test_joining_the_pieces_gives_the_paragraph_back(paragraph, lang):
    pieces = split(paragraph, lang)
    assert "".join(pieces) == paragraph
    assert all(p.strip() for p in pieces[1:])
