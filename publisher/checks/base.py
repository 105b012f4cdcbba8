"""What every check sees: one catalogue entry, the catalogue's context, and the text it reads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale
from babel.core import get_global

from publisher.inline import Inline, parse_inline

if TYPE_CHECKING:
    from publisher.checks.spelling import Spelling
    from publisher.glossary import Glossary

# Links and e-mail addresses written as plain text: not prose, never language. An address starts
# where a word does (the lookbehind): tried from inside a long word, it would rescan the word.
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A word: letters only (digits, underscores, hyphens and apostrophes separate words).
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Entry:
    """One unit of a catalogue: the source text (msgid) and its translation (msgstr)."""

    source: str
    target: str
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.target) and not self.fuzzy


@dataclass(frozen=True)
class Context:
    """Facts about the catalogue being checked, shared by all its entries."""

    lang: str
    source_lang: str
    babel_locale: str
    source_babel_locale: str
    glossary: Glossary
    allowed_latin: frozenset[str] = frozenset()  # the source's names and the glossary's Latin forms
    spelling: Spelling | None = None  # the catalogue's unknown words; None: not checked (no dictionary)


@dataclass(frozen=True)
class Check:
    """A check on one entry (or, for a catalogue check, on all of them): one message per problem."""

    name: str
    severity: str  # error | warning
    run: Callable[[Entry, Context], Iterable[str]] | Callable[[list[Entry], Context], Iterable[str]]
    # Whether an entry's findings depend on its catalogue too (the source's names, the catalogue's
    # unknown words), not only on the entry, its languages and the glossary.
    reads_catalogue: bool = False


@lru_cache(maxsize=4096)
def prose(text: str) -> str:
    """A unit's words as a reader sees them: markup, code spans and URLs left out.

    Most checks read it, and a source text is read again for each language: kept once computed."""
    plain = "".join(_prose(node) for node in parse_inline(text))
    # Searching for an address costs more than the rest; without these there is none.
    if "://" in plain or "www." in plain or "@" in plain:
        return _URL.sub(" ", plain)
    return plain


def _prose(node: Inline) -> str:
    if node.kind == "code":
        return " "
    return node.text if node.kind == "text" else "".join(_prose(child) for child in node.children)


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=None)
def language_script(lang: str) -> str:
    """The ISO 15924 script a language is written in by default (CLDR likely subtags): Cyrl, Latn…"""
    likely = get_global("likely_subtags").get(lang, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else ""


@lru_cache(maxsize=None)
def english_name(lang: str) -> str:
    """Russian, Belarusian, Kazakh: messages are in English."""
    return Locale.parse(lang).english_name or lang


def quoted(items: Iterable[str]) -> str:
    return ", ".join(f"“{item}”" for item in items)
