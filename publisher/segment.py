"""Article → translatable units: sentence splitting and roles."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from sentencex import segment as sentencex_segment

from publisher.model import Article, Block, Picture, Unit

# sentencex has no Belarusian rules and falls back to English ones; Russian ones fit Belarusian.
SEGMENTER_LANGUAGE = {"be": "ru"}
# The rules below read only the end of the text before a sentence start: this much of it
# (more than the longest abbreviation they know, so a cut never changes their answer).
_TAIL = 48
# A piece after a one-letter initial continues the sentence ("Ю. Николайчик", "J. Smith").
_INITIAL_END = re.compile(r"(?:^|[\s(])[A-ZА-ЯЁІЎӘҒҚҢӨҰҮҺ]\.$")
# A piece starting with a digit after a month or unit abbreviation continues it ("5 сент. 2024").
_ABBREVIATION_END = re.compile(
    r"\b(?:[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]ct|[Nn]ov|[Dd]ec|No|Nos|approx"
    r"|янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек|г|гг|тыс|млн|млрд|руб|долл|п|ст|т\.\s?е|т\.\s?к"
    r"|студз|лют|сак|крас|чэрв|ліп|жн|вер|кастр|ліст|снеж|қаң|ақп|нау|сәу|мам|мау|шіл|там|қыр|қаз|қар|жел)\.$"
)
# Abbreviations that never end an English sentence, whatever follows: titles before a name
# ("Ms. Green") and "i.e."/"e.g." before a capital.
_TITLE_END = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Gen|Col|Lt|Capt|Sgt|Sen|Rep|Gov|Hon|St|Mt"
                        r"|i\.\s?e|e\.\s?g|cf|vs|viz)\.$")
# A quotation ending in ! or ? (or …), its closing mark, then its attribution ("Nobody believed it!"
# Ms. Ivanova added.): a dash (Russian «…!» — добавила она), or a short clause with a verb of saying.
_QUOTATION_END = re.compile(r"[!?…][”\"»’'“]+$")
_DASH_START = re.compile(r"[—–-]\s")
_ATTRIBUTION = re.compile(
    r"(?:\S+\s+){0,5}(?:said|says|added|adds|asked|asks|noted|notes|stressed|stresses|explained|explains"
    r"|replied|replies|wrote|writes|continued|concluded|insisted|exclaimed|admitted|recalled|remarked"
    r"|announced|declared|shouted|cried|answered|observed|emphasi[sz]ed|suggested|warned|urged|argued"
    r"|believes|is\s+convinced|was\s+convinced)\b(?:\s+[^\s.!?]+){0,4}[.!?](?:\s|$)")
_ATTRIBUTION_LENGTH = 120  # characters: an attribution is a short clause, longer pieces are not read for one
# An ellipsis followed by a capital ends a sentence ("Prices rose… Then they fell."); sentencex
# only splits after three dots.
_ELLIPSIS = re.compile(r"…|\.\.\.")
_OPENERS = "“«„‘\"'([—–-"
_CLOSERS = "”»’\"')]"
# sentencex reads at most this many characters at a time (see _sentence_starts); past a window in
# which no sentence ends, the next place where one may: a final mark, closing marks, spaces.
_CHUNK = 3000
_CANDIDATE_END = re.compile(r"[.!?…][”\"»’'“)\]]*\s+")
# Markdown spans no sentence boundary may cut: links (text and target) and code. Each part stops
# at the first bracket, parenthesis or backtick that could begin another, so the text is read once.
_PROTECTED = re.compile(r"!?\[[^\[\]]*\]\((?:[^()]|\([^()]*\))*\)|`[^`]*`")
# A body sentence holding one of these quotes someone (the apostrophe ' is left out: it is also a letter's).
_QUOTATION_MARK = re.compile("[“«„\"]")


def split(text: str, lang: str) -> list[str]:
    """Split a paragraph into sentence pieces whose concatenation is exactly `text`."""
    if not text.strip():
        return [text] if text else []
    starts = sorted(set(_sentence_starts(text, lang)) | set(_ellipsis_starts(text)))
    starts = _merge_false_starts(text, starts)
    bounds = starts[1:] + [len(text)]
    return [text[a:b] for a, b in zip([0] + starts[1:], bounds)]


def _sentence_starts(text: str, lang: str) -> list[int]:
    """Offsets where sentences start, found by sentencex and located in the original text.

    sentencex takes quadratic time on some long texts (many opening quotation marks or brackets,
    many short sentences: see tests/test_linear_time.py), so it reads at most _CHUNK characters at a
    time, several times the longest paragraph a news agency writes. A longer paragraph is read in
    windows, each from the start of the last sentence the previous one found; a window in which no
    sentence ends is one piece, up to the first place after it where one may end."""
    starts: list[int] = []
    start = 0
    while start < len(text):
        window = _sentencex_starts(text[start:start + _CHUNK], lang)
        if start + _CHUNK >= len(text):
            starts += [start + s for s in window]
            break
        if len(window) > 1:  # the window's last sentence may go on beyond it: read it again
            starts += [start + s for s in window[:-1]]
            start += window[-1]
        else:
            starts.append(start + window[0])
            end = _CANDIDATE_END.search(text, start + _CHUNK)
            start = end.end() if end else len(text)
    return starts or [0]


def _sentencex_starts(text: str, lang: str) -> list[int]:
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
    return starts or [len(text) - len(text.lstrip())]


def _ellipsis_starts(text: str) -> Iterator[int]:
    """Where a sentence starts after an ellipsis (and the marks closing a quotation on it): spaces,
    maybe an opening mark, then a capital."""
    for match in _ELLIPSIS.finditer(text):
        i = match.end()
        while i < len(text) and text[i] in _CLOSERS:
            i += 1
        if i < len(text) and text[i].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            start = i
            while i < len(text) and text[i] in _OPENERS:
                i += 1
            if i < len(text) and text[i].isupper():
                yield start


def _merge_false_starts(text: str, starts: list[int]) -> list[int]:
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    protected_starts = [a for a, _ in protected]
    kept = [starts[0]]
    for start in starts[1:]:
        i = bisect_right(protected_starts, start) - 1
        inside_markup = i >= 0 and protected[i][0] < start < protected[i][1]
        if inside_markup or _continues(text, kept[-1], start):
            continue
        kept.append(start)
    return kept


def _continues(text: str, sentence_start: int, start: int) -> bool:
    """Whether the piece at `start` goes on with the sentence begun at `sentence_start`."""
    end = start
    while end > sentence_start and text[end - 1].isspace():
        end -= 1
    before = text[max(sentence_start, end - _TAIL):end]
    first = text[start:start + 1]
    return (
        first.islower()
        or bool(_INITIAL_END.search(before) or _TITLE_END.search(before))
        or first.isdigit() and bool(_ABBREVIATION_END.search(before))
        or bool(_QUOTATION_END.search(before)) and _is_attribution(text, start)
    )


def _is_attribution(text: str, start: int) -> bool:
    """A dash, or a short clause with a verb of saying up to its final mark ("Ms. Ivanova added.")."""
    return bool(_DASH_START.match(text, start) or _ATTRIBUTION.match(text[start:start + _ATTRIBUTION_LENGTH]))


@lru_cache(maxsize=4096)  # every language version of an article splits the same source paragraphs
def sentences(text: str, lang: str, mode: str = "sentence") -> tuple[str, ...]:
    """The unit texts of one paragraph: sentences (or the whole paragraph), whitespace normalised."""
    pieces = [text] if mode == "paragraph" else split(text, lang)
    return tuple(normalise(p) for p in pieces if p.strip())


def normalise(text: str) -> str:
    """One space between words: soft line breaks in the source do not change a unit's identity."""
    return " ".join(text.split())


@lru_cache(maxsize=8)  # asked for each language of the article being built (its completeness, its links)
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
    if role == "body" and _QUOTATION_MARK.search(sentence):
        return "quotation"
    return role
