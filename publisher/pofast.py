"""A fast reader for PO files in the form GNU gettext (and this toolkit) writes them.

A build reads every catalogue; polib's state machine and the careful line-by-line scan that
gives bad input its precise messages cost ~15 ms a file. Files as gettext writes them (one
blank line between entries, one keyword or string per line) are read here in well under a
millisecond. Anything else (obsolete entries, plural forms, unusual escapes or layout) makes
`parse` return None, and the caller reads the file the careful way, which accepts every valid
file and reports every invalid one with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
# Other escapes stand for characters the careful reader looks at (most are refused in outputs).
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
_REFERENCE = re.compile(r"[\w./@+-]+(?::\d+)?")
_FLAG = re.compile(r"[\w-]+")
_KEYWORDS = ("msgctxt", "msgid", "msgstr")
_COMMENT_ORDER = {"#.": 1, "#:": 2, "#,": 3, "#|": 4}  # translator comments (# ) come first


@dataclass
class RawEntry:
    line: int  # where the entry starts (its first comment line), as polib counts
    strings: dict[str, str] = field(default_factory=dict)  # msgctxt, msgid, msgstr; previous_msgctxt…
    tcomment: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


class _Unusual(Exception):
    """The file is not in gettext's own layout: read it the careful way."""


def parse(text: str) -> list[RawEntry] | None:
    try:
        return list(_entries(text))
    except _Unusual:
        return None


def _entries(text: str):
    line = 1
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if any(lines):
            yield _entry(lines, line)
        line += len(lines) + 1


def _entry(lines: list[str], start: int) -> RawEntry:
    entry = RawEntry(start + next(i for i, text in enumerate(lines) if text))
    key, order, comment_rank = None, -1, 0  # comments in gettext's order, then msgctxt, msgid, msgstr
    for text in lines:
        if text[-1:].isspace():
            raise _Unusual  # readers strip it, and not all the same way
        if text.startswith('"'):
            if key is None:
                raise _Unusual
            entry.strings[key] += _unquote(text)
        elif text.startswith("#"):
            rank = _COMMENT_ORDER.get(text[:2], 0)
            if order >= 0 or rank < comment_rank:
                raise _Unusual
            comment_rank = rank
            key = _comment(entry, text, key)
        elif text:
            keyword, _, rest = text.partition(" ")
            if keyword not in _KEYWORDS or _KEYWORDS.index(keyword) <= order:
                raise _Unusual
            key, order = keyword, _KEYWORDS.index(keyword)
            entry.strings[key] = _unquote(rest)
    if "msgid" not in entry.strings or "msgstr" not in entry.strings or _edge_breaks(entry.strings):
        raise _Unusual
    return entry


def _edge_breaks(strings: dict[str, str]) -> bool:
    """A line break at either end of a unit (gettext compares them between msgid and msgstr)."""
    unit = (strings["msgid"], strings["msgstr"])
    return bool(strings["msgid"]) and any(s[:1] == "\n" or s[-1:] == "\n" for s in unit)


def _comment(entry: RawEntry, text: str, key: str | None) -> str | None:
    """File a comment line; returns the string key a following continuation line belongs to."""
    if text.endswith("\\"):
        raise _Unusual  # gettext joins the next line to it
    kind, body = text[:2], text[3:]
    if kind in _COMMENT_ORDER and text[2:3] != " ":
        raise _Unusual  # polib reads "#.x" as a syntax error, gettext as a comment
    if kind == "#|":
        keyword, _, rest = body.partition(" ")
        if keyword.startswith('"') and key and key.startswith("previous_"):
            entry.strings[key] += _unquote(keyword + (" " + rest if rest else ""))
            return key
        if keyword not in ("msgctxt", "msgid"):
            raise _Unusual
        entry.strings["previous_" + keyword] = _unquote(rest)
        return "previous_" + keyword
    if kind == "#.":
        entry.comment.append(body)
    elif kind == "#:" and all(_REFERENCE.fullmatch(ref) for ref in body.split()):
        entry.references += body.split()
    elif kind == "#," and all(_FLAG.fullmatch(flag.strip()) for flag in body.split(",")):
        entry.flags += [flag.strip() for flag in body.split(",")]
    elif kind == "# " or text == "#":
        entry.tcomment.append(text[2:])
    else:
        raise _Unusual  # #~ obsolete entries and anything else
    return None


def _unquote(text: str) -> str:
    match = _STRING.fullmatch(text)
    if not match:
        raise _Unusual
    value = match.group(1)
    return _ESCAPE.sub(_unescape, value) if "\\" in value else value


def _unescape(match: re.Match) -> str:
    try:
        return _ESCAPES[match.group(1)]
    except KeyError:
        raise _Unusual from None
