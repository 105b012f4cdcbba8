"""Article → translatable units: sentence splitting and roles."""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterator

from sentencex import segment as sentencex_segment

from publisher.model import Article, Block, Picture, Unit

# sentencex has no Belarusian rules and falls back to English ones; Russian ones fit Belarusian.
SEGMENTER_LANGUAGE = {"be": "ru"}
# A piece after a one-letter initial continues the sentence ("Ю. Николайчик", "J. Smith").
_INITIAL_END = re.compile(r"(?:^|[\s(])[A-ZА-ЯЁІЎӘҒҚҢӨҰҮҺ]\.\s*$")
# A piece starting with a digit after a month or unit abbreviation continues it ("5 сент. 2024").
_ABBREVIATION_END = re.compile(
    r"\b(?:[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]ct|[Nn]ov|[Dd]ec|No|Nos|approx"
    r"|янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек|г|гг|тыс|млн|млрд|руб|долл|п|ст|т\.\s?е|т\.\s?к"
    r"|студз|лют|сак|крас|чэрв|ліп|жн|вер|кастр|ліст|снеж|қаң|ақп|нау|сәу|мам|мау|шіл|там|қыр|қаз|қар|жел)\.\s*$"
)
# Markdown spans no sentence boundary may cut: links and code.
_PROTECTED = re.compile(r"!?\[[^\]]*\]\([^)]*\)|`[^`]*`")
_OPENING_QUOTES = "“«„‘\"'"


def split(text: str, lang: str) -> list[str]:
    """Split a paragraph into sentence pieces whose concatenation is exactly `text`."""
    if not text.strip():
        return [text] if text else []
    starts = _sentence_starts(text, lang)
    starts = _merge_false_starts(text, starts)
    bounds = starts[1:] + [len(text)]
    pieces = [text[a:b] for a, b in zip([0] + starts[1:], bounds)]
    return pieces


def _sentence_starts(text: str, lang: str) -> list[int]:
    """Offsets where sentences start, found by sentencex and located in the original text."""
    starts, cursor = [], 0
    for sentence in sentencex_segment(SEGMENTER_LANGUAGE.get(lang, lang), text):
        stripped = sentence.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor)
        if found < 0:  # the segmenter normalised something; keep what we have as one piece
            break
        starts.append(found)
        cursor = found + len(stripped)
    return starts or [0]


def _merge_false_starts(text: str, starts: list[int]) -> list[int]:
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    kept = [starts[0]]
    for start in starts[1:]:
        before = text[kept[-1] : start]
        if _continues(before, text[start:]) or any(a < start < b for a, b in protected):
            continue
        kept.append(start)
    return kept


def _continues(before: str, after: str) -> bool:
    first = after[:1]
    return (
        first.islower()
        or bool(_INITIAL_END.search(before))
        or first.isdigit() and bool(_ABBREVIATION_END.search(before))
    )


@lru_cache(maxsize=4096)  # every language version of an article splits the same source paragraphs
def sentences(text: str, lang: str, mode: str = "sentence") -> tuple[str, ...]:
    """The unit texts of one paragraph: sentences (or the whole paragraph), whitespace normalised."""
    pieces = [text] if mode == "paragraph" else split(text, lang)
    return tuple(normalise(p) for p in pieces if p.strip())


def normalise(text: str) -> str:
    """One space between words: soft line breaks in the source do not change a unit's identity."""
    return " ".join(text.split())


def units(article: Article, mode: str = "sentence") -> tuple[Unit, ...]:
    """Every translatable unit of an article, in reading order, without duplicates."""
    seen: dict[tuple[str | None, str], Unit] = {}
    for unit in _all_units(article, mode):
        seen.setdefault(unit.key, unit)
    return tuple(seen.values())


def _all_units(article: Article, mode: str) -> Iterator[Unit]:
    yield Unit(article.headline, "headline", "headline")
    if article.summary:
        yield Unit(article.summary, "summary", "summary")
    yield Unit(article.dateline.place, "dateline.place", "dateline.place")
    yield Unit(article.dateline.agency, "dateline.agency", "dateline.agency")
    yield Unit(article.byline, "byline", "byline")
    for keyword in article.keywords:
        yield Unit(keyword, "keyword", "keyword")
    if article.picture:
        yield from picture_units(article.picture)
    # Notes to partners travel with the story in every language (a withdrawal's reason, say).
    for role in ("ednote", "correction"):
        note = getattr(article, role)
        if note:
            yield Unit(note, role, role)
    for block in article.blocks:
        if block.kind == "figure":
            yield from picture_units(article.body_picture(block.text))
        else:
            yield from block_units(block, article.language, mode)


def picture_units(picture: Picture) -> Iterator[Unit]:
    """A picture's texts, whole (never split into sentences), each with its own msgctxt; the file
    named in the comment, where translators see which picture it is."""
    yield Unit(picture.alt, f"picture alt text, what {picture.file} shows", "picture.alt")
    if picture.caption:
        yield Unit(picture.caption, f"picture caption of {picture.file}", "picture.caption")
    if picture.credit:
        yield Unit(picture.credit, f"picture credit of {picture.file}", "picture.credit")


def block_units(block: Block, lang: str, mode: str, inherited: str = "body") -> Iterator[Unit]:
    if block.kind == "heading":
        yield Unit(normalise(block.text), "heading", "heading")
        return
    role = {"quote": "quotation", "item": "list item"}.get(block.kind, inherited)
    for child in block.children:
        yield from block_units(child, lang, mode, role)
    for sentence in sentences(block.text, lang, mode):
        yield Unit(sentence, _sentence_role(sentence, role))


def _sentence_role(sentence: str, role: str) -> str:
    if role == "body" and any(mark in sentence for mark in _OPENING_QUOTES[:3]):
        return "quotation"
    return role
