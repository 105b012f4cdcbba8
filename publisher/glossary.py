"""The terminology base: a TBX file (ISO 30042, TBX-Basic) → terms and the forms a checker accepts.

In each language section of a concept the first term is the preferred one; the others are the
forms that count as the same term in running text (inflections, abbreviations).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from publisher.errors import PublisherError

TBX = "{urn:iso:std:iso:30042:ed-2}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LOCATION = re.compile(r",? line \d+, column \d+$")


@dataclass(frozen=True)
class Term:
    id: str
    forms: dict[str, tuple[str, ...]]  # language → (preferred form, accepted forms…)
    note: str = ""

    def occurs_in(self, text: str, lang: str) -> bool:
        """Whether any accepted form occurs in `text` as whole words."""
        text = unicodedata.normalize("NFC", text)
        return any(_pattern(form).search(text) for form in self.forms.get(lang, ()))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    # One matcher per language, made on first use; shared by the copies a checker makes (see with_terms).
    matchers: dict[str, _Matcher] = field(default_factory=dict, compare=False, repr=False)

    def find(self, text: str, lang: str) -> tuple[Term, ...]:
        """The terms that occur in `text`, in glossary order.

        Words that are part of a longer term's occurrence belong to that term only: "Belarusian State
        University of Informatics and Radioelectronics" is not also "Belarusian State University".
        """
        if lang not in self.matchers:
            self.matchers[lang] = _Matcher(self.terms, lang)
        spans = self.matchers[lang].spans(unicodedata.normalize("NFC", text))
        inside = _inside_longer(spans)
        found = {index for span, index in spans if span not in inside}
        return tuple(self.terms[index] for index in sorted(found))


class _Matcher:
    """All of one language's forms, found in one pass over a text: at each word's start only the
    forms that begin with that word are tried (a dictionary look-up), so the time grows with the
    text, not with the text times the glossary. Each form's matches are those `finditer` would give
    (left to right, not overlapping one another)."""

    def __init__(self, terms: tuple[Term, ...], lang: str):
        self.by_word: dict[str, list[tuple[int, re.Pattern[str]]]] = {}  # first word (folded if the form is) → forms
        self.others: list[tuple[int, re.Pattern[str]]] = []  # forms that do not begin with a word character
        for index, term in enumerate(terms):
            for form in term.forms.get(lang, ()):
                pattern = _pattern(form)
                first = _FIRST_WORD.match(unicodedata.normalize("NFC", form))
                if first is None:
                    self.others.append((index, pattern))
                else:
                    key = first.group() if pattern.flags & re.IGNORECASE == 0 else _LOOSE + first.group().lower()
                    self.by_word.setdefault(key, []).append((index, pattern))

    def spans(self, text: str) -> list[tuple[tuple[int, int], int]]:
        found = [(match.span(), index) for index, pattern in self.others for match in pattern.finditer(text)]
        reached: dict[re.Pattern[str], int] = {}  # where each form's last match ended
        for word in _WORD_START.finditer(text):
            token, start = word.group(), word.start()
            for index, pattern in self.by_word.get(token, []) + self.by_word.get(_LOOSE + token.lower(), []):
                if reached.get(pattern, 0) > start:
                    continue
                match = pattern.match(text, start)
                if match:
                    found.append((match.span(), index))
                    reached[pattern] = match.end()
        return found


_FIRST_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w+")
_LOOSE = "\0"  # marks a folded key: a form in any case


def _inside_longer(spans: list[tuple[tuple[int, int], int]]) -> set[tuple[int, int]]:
    """The spans that lie within a longer one. In order of start (the longer first), a span is within
    a longer one when an earlier, different span reaches as far: one pass, not a pass per span."""
    inside, reach = set(), -1
    ordered = sorted({span for span, _ in spans}, key=lambda span: (span[0], -span[1]))
    for start, end in ordered:
        if reach >= end:
            inside.add((start, end))
        reach = max(reach, end)
    return inside


@lru_cache(maxsize=None)
def _pattern(form: str) -> re.Pattern[str]:
    """Whole words, any run of spaces (no-break ones too) between them; a capital keeps the case strict."""
    words = unicodedata.normalize("NFC", form).split()
    flags = 0 if form[:1].isupper() else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", flags)


# --- Reading the TBX file -------------------------------------------------------------------------


def load_glossary(path: Path) -> Glossary:
    """The glossary in `path`; an empty one when there is no such file. A build asks once per
    article: the file is read each time, and parsed again only when its bytes are not the last ones."""
    if not path.is_file():
        return Glossary()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", path) from None
    return _glossary(path, data)


@lru_cache(maxsize=4)
def _glossary(path: Path, data: bytes) -> Glossary:
    root = _parse(path, data)
    if root.tag != f"{TBX}tbx":
        raise PublisherError(f'not a TBX file: the root element must be <tbx xmlns="{TBX[1:-1]}">',
                             path, root.sourceline)
    terms = tuple(_term(entry, path) for entry in root.iterfind(f"{TBX}text/{TBX}body/{TBX}conceptEntry"))
    _check_unique(terms, root, path)
    return Glossary(terms)


def _parse(path: Path, data: bytes) -> etree._Element:
    # No DTD, no network and no entity expansion: a glossary is data from outside (XXE, billion laughs).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = _LOCATION.sub("", exc.msg)
        raise PublisherError(f"not well-formed XML: {reason}; fix it in a TBX or XML editor", path,
                             exc.lineno) from None
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        raise PublisherError(f"entity reference {entity.text} is not allowed in a glossary; "
                             "write the characters themselves", path, entity.sourceline)
    return root


def _term(entry: etree._Element, path: Path) -> Term:
    ident = entry.get("id")
    if not ident:
        raise PublisherError('conceptEntry has no id; give each concept a unique id="…"', path, entry.sourceline)
    forms: dict[str, tuple[str, ...]] = {}
    for section in entry.iterfind(f"{TBX}langSec"):
        lang = section.get(XML_LANG)
        terms = tuple(filter(None, (_text(t) for t in section.iterfind(f"{TBX}termSec/{TBX}term"))))
        if not lang or not terms or lang in forms:
            raise PublisherError(f"concept '{ident}': each langSec needs its own xml:lang and at least one term",
                                 path, section.sourceline)
        forms[lang] = terms
    return Term(ident, forms, _text(entry.find(f"{TBX}note")))


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _check_unique(terms: tuple[Term, ...], root: etree._Element, path: Path) -> None:
    seen: set[str] = set()
    for term in terms:
        if term.id in seen:
            line = root.xpath("//*[@id=$id]", id=term.id)[-1].sourceline
            raise PublisherError(f"concept id '{term.id}' is used twice; ids must be unique", path, line)
        seen.add(term.id)
