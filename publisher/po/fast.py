"""The fast reader: PO files in the form GNU gettext (and this toolkit) writes them.

A build reads every catalogue; polib's state machine and the careful line-by-line scan that
gives bad input its precise messages costs far more than a build can spend. Files as gettext
writes them (one blank line between entries, one keyword or string per line) are read here in
well under a millisecond: an entry of the plainest shape (comments, msgctxt, msgid, msgstr, no
previous strings) by one regular expression, any other line by line, and an obsolete entry as the
live one it was behind gettext's #~ mark. Anything else (plural forms, unusual escapes or
layout) makes `parse` return None, and the caller reads the file the careful way (.scan), which
accepts every valid file and reports every invalid one with its line. A build, which needs only
each entry's strings and whether it is fuzzy or obsolete, reads the plainest entries without
making them at all (plain_units).
"""

from __future__ import annotations

import re

from publisher.po.catalog import Entry

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
# Other escapes stand for characters the careful reader looks at (most are refused in outputs).
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
_REFERENCE = re.compile(r"[\w./@+-]+(?::\d+)?")
_FLAG = re.compile(r"[\w-]+")
_KEYWORDS = ("msgctxt", "msgid", "msgstr")
_COMMENT_ORDER = {"#.": 1, "#:": 2, "#,": 3, "#|": 4}  # translator comments (# ) come first

# The plainest entry, whole: translator, extracted, reference and flag comments in gettext's order
# (no line ending in a space or a backslash), then msgctxt, msgid and msgstr, each a quoted string
# with only \\, \" and \n escaped, continued on lines of their own. Whatever else an entry holds
# is read line by line (_entry), which finds the same for these and refuses what is unusual.
_QUOTED = r'"[^"\\\n]*(?:\\[\\"n][^"\\\n]*)*"'
_STRINGS = rf"{_QUOTED}(?:\n{_QUOTED})*"
_COMMENT_TEXT = r" [^\n]*[^\s\\]\n"
# Reference and flag lines only as the line-by-line reader reads them (references apart by spaces,
# flags by commas, spaces around them), so that what _PLAIN matches needs no second look.
_SPACE = r"[^\S\n]"
_REFERENCE_LINE = rf"#: {_SPACE}*{_REFERENCE.pattern}(?:{_SPACE}+{_REFERENCE.pattern})*\n"
_FLAG_LINE = rf"#, {_SPACE}*{_FLAG.pattern}(?:{_SPACE}*,{_SPACE}*{_FLAG.pattern})*\n"
_PLAIN = re.compile(
    rf"(?P<translator>(?:#(?:{_COMMENT_TEXT}|\n))*)(?P<extracted>(?:#\.{_COMMENT_TEXT})*)"
    rf"(?P<references>(?:{_REFERENCE_LINE})*)(?P<flags>(?:{_FLAG_LINE})*)"
    rf"(?:msgctxt (?P<msgctxt>{_STRINGS})\n)?msgid (?P<msgid>{_STRINGS})\nmsgstr (?P<msgstr>{_STRINGS})\n?")


class _Unusual(Exception):
    """The file is not in gettext's own layout: read it the careful way."""


def parse(text: str) -> list[Entry] | None:
    try:
        return list(_entries(text))
    except _Unusual:
        return None


# What a build reads of an entry: (msgctxt, msgid, msgstr, fuzzy, obsolete).
Unit = tuple[str | None, str, str, bool, bool]


def plain_units(text: str) -> list[Unit] | None:
    """Each entry's (msgctxt, msgid, msgstr, fuzzy, obsolete) as `parse` reads them, when every
    entry is of the plainest shape (_PLAIN, live or behind #~): what a build needs of a catalogue,
    without the cost of making its entries. None for anything else (`parse` may still read it)."""
    units = []
    for block in text.split("\n\n"):
        obsolete = block.startswith("#~") or "\n#~" in block
        if obsolete:
            try:
                block = _unmarked(block)
            except _Unusual:
                return None
        plain = _PLAIN.fullmatch(block)
        if plain is None:
            if block.strip("\n"):
                return None
            continue  # blank lines between entries
        msgctxt, msgid, msgstr, flags = plain.group("msgctxt", "msgid", "msgstr", "flags")
        msgid, msgstr = _joined(msgid), _joined(msgstr)
        if msgid and (msgid[:1] == "\n" or msgid[-1:] == "\n" or msgstr[:1] == "\n" or msgstr[-1:] == "\n"):
            return None  # _edge_breaks
        fuzzy = bool(flags) and "fuzzy" in _flags(flags)
        units.append((_joined(msgctxt) if msgctxt is not None else None, msgid, msgstr, fuzzy, obsolete))
    return units


def _entries(text: str):
    line = 1
    for block in text.split("\n\n"):
        obsolete = block.startswith("#~") or "\n#~" in block
        if obsolete:
            block = _unmarked(block)
        plain = _PLAIN.fullmatch(block)
        entry = _plain_entry(plain, line) if plain else None
        if entry is None:
            lines = block.split("\n")
            entry = _entry(lines, line) if any(lines) else None
        if entry is not None:
            entry.obsolete = obsolete
            yield entry
        line += block.count("\n") + 2


def _unmarked(block: str) -> str:
    """An obsolete entry as the live entry it was. gettext writes its comments as they are, then
    each keyword and string line behind "#~ "; any other use of the mark (previous strings behind
    #~|, a comment behind #~, a live line among marked ones) is the careful reader's to judge."""
    lines = block.split("\n")
    marked = next(i for i, text in enumerate(lines) if text.startswith("#~"))
    if not all(text[:1] in ("", "#") for text in lines[:marked]) or not all(
            text == "" or text[:3] == "#~ " and text[3:4] in ("m", '"') for text in lines[marked:]):
        raise _Unusual
    return "\n".join(lines[:marked] + [text[3:] for text in lines[marked:]])


def _plain_entry(match: re.Match, line: int) -> Entry | None:
    """The entry _PLAIN matched, or None where its line breaks need the line-by-line reader's judgement."""
    translator, extracted, references, flags, msgctxt, msgid, msgstr = match.groups()
    msgid, msgstr = _joined(msgid), _joined(msgstr)
    if msgid and (msgid[:1] == "\n" or msgid[-1:] == "\n" or msgstr[:1] == "\n" or msgstr[-1:] == "\n"):
        return None  # _edge_breaks
    entry = Entry(msgid, msgstr, _joined(msgctxt) if msgctxt is not None else None, line=line)
    if translator:
        entry.tcomments = [text[2:] for text in translator[:-1].split("\n")]
    if extracted:
        entry.comments = [text[3:] for text in extracted[:-1].split("\n")]
    if references:
        for text in references[:-1].split("\n"):
            entry.references += [ref for ref in text[3:].split() if ref not in entry.references]
    if flags:
        entry.flags = _flags(flags)
    return entry


def _flags(lines: str) -> list[str]:
    """The flags of the #, lines _PLAIN matched."""
    return [flag.strip() for text in lines[:-1].split("\n") for flag in text[3:].split(",")]


def _joined(strings: str) -> str:
    """The value of quoted strings on consecutive lines (as _PLAIN matched them)."""
    value = strings[1:-1].replace('"\n"', "")  # an unescaped quote only ends or starts a line
    return _ESCAPE.sub(_unescape, value) if "\\" in value else value


def _entry(lines: list[str], start: int) -> Entry:
    entry = Entry("", line=start + next(i for i, text in enumerate(lines) if text))
    strings: dict[str, str] = {}
    key, order, comment_rank = None, -1, 0  # comments in gettext's order, then msgctxt, msgid, msgstr
    for text in lines:
        if text[-1:].isspace():
            raise _Unusual  # readers strip it, and not all the same way
        if text.startswith('"'):
            if key is None:
                raise _Unusual
            strings[key] += _unquote(text)
        elif text.startswith("#"):
            rank = _COMMENT_ORDER.get(text[:2], 0)
            if order >= 0 or rank < comment_rank:
                raise _Unusual
            comment_rank = rank
            key = _comment(entry, strings, text, key)
        elif text:
            keyword, _, rest = text.partition(" ")
            if keyword not in _KEYWORDS or _KEYWORDS.index(keyword) <= order:
                raise _Unusual
            key, order = keyword, _KEYWORDS.index(keyword)
            strings[key] = _unquote(rest)
    if "msgid" not in strings or "msgstr" not in strings or _edge_breaks(strings):
        raise _Unusual
    entry.msgid, entry.msgstr, entry.msgctxt = strings["msgid"], strings["msgstr"], strings.get("msgctxt")
    entry.previous_msgctxt, entry.previous_msgid = strings.get("previous_msgctxt"), strings.get("previous_msgid")
    return entry


def _edge_breaks(strings: dict[str, str]) -> bool:
    """A line break at either end of a unit (gettext compares them between msgid and msgstr)."""
    unit = (strings["msgid"], strings["msgstr"])
    return bool(strings["msgid"]) and any(s[:1] == "\n" or s[-1:] == "\n" for s in unit)


def _comment(entry: Entry, strings: dict[str, str], text: str, key: str | None) -> str | None:
    """File a comment line; returns the string key a following continuation line belongs to."""
    if text.endswith("\\"):
        raise _Unusual  # gettext joins the next line to it
    kind, body = text[:2], text[3:]
    if kind in _COMMENT_ORDER and text[2:3] != " ":
        raise _Unusual  # polib reads "#.x" as a syntax error, gettext as a comment
    if kind == "#|":
        keyword, _, rest = body.partition(" ")
        if keyword.startswith('"') and key and key.startswith("previous_"):
            strings[key] += _unquote(keyword + (" " + rest if rest else ""))
            return key
        if keyword not in ("msgctxt", "msgid"):
            raise _Unusual
        strings["previous_" + keyword] = _unquote(rest)
        return "previous_" + keyword
    if kind == "#.":
        entry.comments.append(body)
    elif kind == "#:" and all(_REFERENCE.fullmatch(ref) for ref in body.split()):
        entry.references += [ref for ref in body.split() if ref not in entry.references]
    elif kind == "#," and all(_FLAG.fullmatch(flag.strip()) for flag in body.split(",")):
        entry.flags += [flag.strip() for flag in body.split(",")]
    elif kind == "# " or text == "#":
        entry.tcomments.append(text[2:])
    else:
        raise _Unusual  # #~ obsolete entries and anything else
    return None


def _unquote(text: str) -> str:
    inner = text[1:-1]
    if len(text) > 1 and text[0] == text[-1] == '"' and '"' not in inner and "\\" not in inner:
        return inner  # most strings: nothing escaped
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
