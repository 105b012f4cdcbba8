"""Quotation marks and brackets: the target language's marks (CLDR's, see localedata.QUOTES), balanced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from publisher.checks.base import Context, Entry, english_name, prose
from publisher.localedata import QUOTES, quotes as language_quotes

# Every quotation mark of the table's languages, and the typewriter's.
_ALL_MARKS = frozenset("".join("".join(marks) for marks in QUOTES.values()) + "\"'‹›")
_MARK = re.compile(f"[{re.escape(''.join(sorted(_ALL_MARKS)))}]")
_BRACKETS = (("(", ")"), ("[", "]"))
_APOSTROPHES = "’'"


def quotes(entry: Entry, ctx: Context) -> Iterator[str]:
    """Marks the target language does not use ("…" or “…” left in a Russian sentence)."""
    own = language_quotes(ctx.lang)
    foreign = [mark for mark in _marks(prose(entry.target)) if mark not in own]
    if foreign:
        outer, inner = f"{own[0]}…{own[1]}", f"{own[2]}…{own[3]}"
        yield f"quotation mark(s) {' '.join(dict.fromkeys(foreign))} not used in {english_name(ctx.lang)}: " \
              f"write {outer} (inside a quotation {inner})"


def balance(entry: Entry, ctx: Context) -> Iterator[str]:
    """Brackets and quotation marks that open and close, unless the source itself leaves one open
    (a quotation spanning several units)."""
    target = prose(entry.target)
    pairs = _BRACKETS + (() if _has_foreign_marks(target, ctx.lang) else _quote_pairs(ctx.lang))
    problem = _unbalanced(target, pairs)
    if problem and not _unbalanced(prose(entry.source), _BRACKETS + _quote_pairs(ctx.source_lang)):
        yield problem


def _has_foreign_marks(text: str, lang: str) -> bool:
    """Foreign marks are the quotes check's finding; pairing them by this language's rules would
    only report the same thing twice."""
    return any(mark not in language_quotes(lang) for mark in _marks(text))


def _quote_pairs(lang: str) -> tuple[tuple[str, str], ...]:
    marks = language_quotes(lang)
    return (marks[0], marks[1]), (marks[2], marks[3])


def _unbalanced(text: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    closing = {close: open_ for open_, close in pairs}
    opening = {open_ for open_, _ in pairs}
    stack: list[str] = []
    for char in _pair_marks(pairs).findall(text):
        if char in closing and stack and stack[-1] == closing[char]:
            stack.pop()
        elif char in opening:
            stack.append(char)
        elif char in closing and char not in _APOSTROPHES:
            return f"{char} closes nothing"
    return f"{stack[-1]} is never closed" if stack else None


@lru_cache(maxsize=64)
def _pair_marks(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """The marks that open or close: all the rest of a text is skipped at once."""
    return re.compile(f"[{re.escape(''.join(open_ + close for open_, close in pairs))}]")


@lru_cache(maxsize=4096)
def _marks(text: str) -> tuple[str, ...]:
    """Quotation marks in the text; an apostrophe inside a word (сям’я, O’Neill) is not one.
    Kept once found: the quotes and balance checks both ask."""
    return tuple(match.group() for match in _MARK.finditer(text) if not _apostrophe_in_word(text, match.start()))


def _apostrophe_in_word(text: str, i: int) -> bool:
    return text[i] in _APOSTROPHES and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
