"""Sentence units: right on news text, and lossless."""

from __future__ import annotations

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


WORDS = st.sampled_from(["Kazakhstan", "and", "Belarus", "1,500", "$200", "million", "Mr.", "J.", "г.",
                         "“We", "know.”", "T.", "e.g.", "5%", "Минск", "сент.", "2024", "(BelTA)", "–", "it."])
PARAGRAPHS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join) | st.text(max_size=300)


@settings(max_examples=400, deadline=None)
@given(PARAGRAPHS, st.sampled_from(["en", "ru", "be", "kk"]))
def test_joining_the_pieces_gives_the_paragraph_back(paragraph, lang):
    pieces = split(paragraph, lang)
    assert "".join(pieces) == paragraph
    assert all(p.strip() for p in pieces[1:])
