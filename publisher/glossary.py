"""The terminology base: a TBX file (ISO 30042, TBX-Basic) → terms and the forms a checker accepts.

In each language section of a concept the first term is the preferred one; the others are the
forms that count as the same term in running text (inflections, abbreviations).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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
        return bool(self._spans(text, lang))

    def _spans(self, text: str, lang: str) -> list[tuple[int, int]]:
        text = unicodedata.normalize("NFC", text)
        return [match.span() for form in self.forms.get(lang, ()) for match in _pattern(form).finditer(text)]


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    def find(self, text: str, lang: str) -> tuple[Term, ...]:
        """The terms that occur in `text`, in glossary order.

        Words that are part of a longer term's occurrence belong to that term only: "Belarusian State
        University of Informatics and Radioelectronics" is not also "Belarusian State University".
        """
        spans = [(span, term.id) for term in self.terms for span in term._spans(text, lang)]
        inside = _inside_longer(spans)
        found = {term_id for span, term_id in spans if span not in inside}
        return tuple(term for term in self.terms if term.id in found)


def _inside_longer(spans: list[tuple[tuple[int, int], str]]) -> set[tuple[int, int]]:
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
    """The glossary in `path`; an empty one when there is no such file."""
    if not path.is_file():
        return Glossary()
    root = _parse(path)
    if root.tag != f"{TBX}tbx":
        raise PublisherError(f'not a TBX file: the root element must be <tbx xmlns="{TBX[1:-1]}">',
                             path, root.sourceline)
    terms = tuple(_term(entry, path) for entry in root.iterfind(f"{TBX}text/{TBX}body/{TBX}conceptEntry"))
    _check_unique(terms, root, path)
    return Glossary(terms)


def _parse(path: Path) -> etree._Element:
    # No DTD, no network and no entity expansion: a glossary is data from outside (XXE, billion laughs).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", path) from None
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
