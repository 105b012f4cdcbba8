"""Write PO files exactly as GNU gettext does: for a file msgfmt accepts, the bytes of `msgcat FILE`.

Translators' editors and gettext's own tools re-wrap anything written otherwise, and every
re-wrap shows up as a diff. gettext wraps string lines at 79 columns at Unicode line-break
opportunities (UAX #14, see .linebreak), never inside an escape sequence or a format directive,
starts a string that needs more than one line with `""`, orders the comment lines of an entry
(translator, extracted, references, flags, previous strings) and writes obsolete entries last.

One deliberate difference: flags gettext does not know (the checks' `no-check-…`) are kept,
after gettext's own, where msgcat would drop them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter

from publisher.po.catalog import Catalog, Entry
from publisher.po.directives import directive_insides
from publisher.po.linebreak import MANDATORY, opportunities

PAGE_WIDTH = 79
# The format languages gettext 0.21 knows, in the order it writes their flags.
FORMATS = ("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme", "lisp",
           "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde",
           "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp")
_FORMAT_FLAG = re.compile(rf"(no-|possible-)?({'|'.join(map(re.escape, FORMATS))})-format")
_RANGE_FLAG = re.compile(r"range:\s*(\d+)\s*\.\.\s*(\d+)")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
            "\f": "\\f", "\v": "\\v"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPED = re.compile(r"\\.")
_NEEDS_ESCAPE = re.compile("[\\\\\"\n\t\r\a\b\f\v]")
# Latin, Greek, Cyrillic (without its combining marks), punctuation: one column a printable character.
_NARROW = re.compile("[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027"
                     "\u2030-\u205f\u20a0-\u20bf\u2100-\u214f]*")


def escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(text) else text


def render(catalog: Catalog, written: tuple[Catalog, str] | None = None) -> str:
    """A whole PO/POT file: the header, the live entries, then the obsolete ones. `written`: a
    catalogue read from a text this module wrote, and that text; an entry the same as one of it
    takes its lines from there (what this module writes reads back to the same entries, and
    writes again as it was; most of a merged catalogue is as it was)."""
    lines = _lines_as_written(*written) if written else entry_lines
    blocks = [lines(catalog.header)] if catalog.header is not None else []
    blocks += [lines(e) for e in catalog.entries if not e.obsolete]
    blocks += [lines(e) for e in catalog.entries if e.obsolete and _first_msgstr(e)]  # as gettext
    return "".join("\n".join(block) + "\n" for block in _separated(blocks))


# Everything of an entry that is written (all but the line it was read from).
_WRITTEN_FIELDS = attrgetter(*(f.name for f in fields(Entry) if f.name != "line"))


def _lines_as_written(before: Catalog, text: str) -> Callable[[Entry], list[str]]:
    """entry_lines, but for an entry of `before`: its lines in `text`, from its first to the blank
    line (or the end) after it."""
    found = {(e.obsolete, e.key): e for e in ([before.header] if before.header else []) + before.entries}
    text_lines = text.split("\n")

    def lines(entry: Entry) -> list[str]:
        old = found.get((entry.obsolete, entry.key))
        if old is None or not old.line or _WRITTEN_FIELDS(old) != _WRITTEN_FIELDS(entry):
            return entry_lines(entry)
        start = old.line - 1
        return text_lines[start:text_lines.index("", start)]

    return lines


def _separated(blocks: list[list[str]]) -> list[list[str]]:
    return [block if i == 0 else [""] + block for i, block in enumerate(blocks)]


def entry_lines(entry: Entry) -> list[str]:
    """One entry in gettext's order of lines."""
    lines = [f"# {c}" if c else "#" for c in _split_lines(entry.tcomments)]
    lines += [f"#. {c}" if c else "#." for c in entry.comments]
    lines += reference_lines(dict.fromkeys(entry.references))
    flags = canonical_flags(entry) if entry.flags else []
    wrap, formats = True, ()
    if flags:
        lines.append("#, " + ", ".join(flags))
        wrap = "no-wrap" not in flags
        formats = tuple(f for f in flags if _FORMAT_FLAG.fullmatch(f) and not f.startswith("no-"))
    keep, previous = ("#~ ", "#~| ") if entry.obsolete else ("", "#| ")
    for keyword, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                           ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            lines += string_lines(keyword, value, previous, wrap, formats)
    if entry.msgctxt is not None:
        lines += string_lines("msgctxt", entry.msgctxt, keep, wrap, formats)
    lines += string_lines("msgid", entry.msgid, keep, wrap, formats)
    if entry.msgid_plural is not None:
        lines += string_lines("msgid_plural", entry.msgid_plural, keep, wrap, formats)
        for index, text in enumerate(entry.msgstr_plural):
            lines += string_lines(f"msgstr[{index}]", text, keep, wrap, formats, is_msgstr=True)
    else:
        lines += string_lines("msgstr", entry.msgstr, keep, wrap, formats, is_msgstr=True)
    return lines


def _split_lines(comments: list[str]) -> list[str]:
    return [line for comment in comments for line in comment.split("\n")]


def canonical_flags(entry: Entry) -> list[str]:
    """The flags as gettext writes them: fuzzy (only on a translated or obsolete entry), the format
    flags in gettext's order (the last word on each language wins), range, no-wrap; then the
    flags gettext does not know, in their order."""
    formats: dict[str, str] = {}
    fuzzy, no_wrap, value_range, others = False, False, None, []
    for flag in entry.flags:
        match = _FORMAT_FLAG.fullmatch(flag)
        if flag == "fuzzy":
            fuzzy = True
        elif match:
            formats[match.group(2)] = "no-" if match.group(1) == "no-" else ""
        elif flag in ("wrap", "no-wrap"):
            no_wrap = flag == "no-wrap"
        elif _RANGE_FLAG.fullmatch(flag):
            low, high = _RANGE_FLAG.fullmatch(flag).groups()
            value_range = f"range: {int(low)}..{int(high)}"
        elif flag and flag not in others:
            others.append(flag)
    written = ["fuzzy"] if fuzzy and (entry.obsolete or _first_msgstr(entry)) else []
    written += [f"{formats[name]}{name}-format" for name in FORMATS if name in formats]
    if value_range and not entry.obsolete:
        written.append(value_range)
    return written + (["no-wrap"] if no_wrap else []) + others


def _first_msgstr(entry: Entry) -> str:
    return entry.msgstr_plural[0] if entry.msgid_plural is not None and entry.msgstr_plural else entry.msgstr


def reference_lines(references: Iterable[str]) -> list[str]:
    lines, line = [], "#:"
    for ref in references:
        if line != "#:" and len(line) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + ref
    return lines + [line] if line != "#:" else lines


def string_lines(keyword: str, value: str, prefix: str = "", wrap: bool = True, formats: tuple[str, ...] = (),
                 is_msgstr: bool = False) -> list[str]:
    """`keyword "value"` as gettext writes it, wrapped, each line starting with `prefix`."""
    if "\n" not in value and len(prefix) + len(keyword) + 3 + 2 * len(value) <= PAGE_WIDTH:
        return [f'{prefix}{keyword} "{escape(value)}"']  # short: one line whatever its characters
    return list(_string_lines(keyword, value, prefix, wrap, formats, is_msgstr))


@lru_cache(maxsize=65536)  # a msgid is written in the template and every catalogue
def _string_lines(keyword: str, value: str, prefix: str, wrap: bool, formats: tuple[str, ...],
                  is_msgstr: bool) -> tuple[str, ...]:
    portions = _portions(value)
    inside = directive_insides(value, formats, is_msgstr) if formats else frozenset()
    first_column = len(prefix) + len(keyword) + 2  # after `keyword "`
    after_break = len(prefix) + 1
    offsets = _offsets(portions)
    first = _wrap(portions[0], first_column, after_break, wrap, _shift(inside, offsets[0], portions[0]))
    if len(portions) == 1 and len(first) == 1:
        return (f'{prefix}{keyword} "{first[0]}"',)
    lines = [f'{prefix}{keyword} ""']
    for portion, offset in zip(portions, offsets):
        chunks = _wrap(portion, after_break, after_break, wrap, _shift(inside, offset, portion))
        lines += [f'{prefix}"{chunk}"' for chunk in chunks]
    return tuple(lines)


def _portions(value: str) -> list[str]:
    """The value split after each newline: gettext writes one string line per portion at least."""
    *complete, last = value.split("\n")
    portions = [part + "\n" for part in complete]
    return portions + [last] if last or not portions else portions


def _offsets(portions: list[str]) -> list[int]:
    offsets, total = [], 0
    for portion in portions:
        offsets.append(total)
        total += len(portion)
    return offsets


def _shift(inside: frozenset[int], offset: int, portion: str) -> frozenset[int]:
    """Directive positions of the value → positions within one portion."""
    if not inside:
        return inside
    return frozenset(i - offset for i in inside if offset <= i < offset + len(portion))


@lru_cache(maxsize=65536)
def _wrap(portion: str, start_column: int, column_after_break: int, wrap: bool,
          inside: frozenset[int] = frozenset()) -> tuple[str, ...]:
    """Greedy fill at the allowed break opportunities, as libunistring's ulc_width_linebreaks: a
    piece (from one opportunity to the next) goes to a new line when it would pass the limit."""
    limit = PAGE_WIDTH - 1 if wrap else float("inf")  # the closing quote takes the last column
    escaped = escape(portion)
    if start_column + _width(escaped) <= limit:
        return (escaped,)
    escaped, allowed = _escaped_breaks(portion, inside)
    columns = _columns(escaped)
    breaks, piece_start, column, since = [], None, start_column, 0
    for i, kind in allowed.items():  # in the text's order: from one opportunity to the next
        piece_width = columns[i] - columns[since]
        if piece_start is not None and column + piece_width > limit:
            breaks.append(piece_start)
            column = column_after_break
        if kind == MANDATORY:  # the break character itself takes no column
            piece_start, column, since = None, column_after_break, i + 1
        else:
            piece_start, column, since = i, column + piece_width, i
    if piece_start is not None and column + columns[-1] - columns[since] > limit:
        breaks.append(piece_start)
    edges = [0, *breaks, len(escaped)]
    return tuple(escaped[a:b] for a, b in zip(edges, edges[1:]))


def _columns(escaped: str) -> Sequence[int]:
    """columns[i]: the width of escaped[:i] (in most text, one column a character)."""
    if _NARROW.fullmatch(escaped):
        return range(len(escaped) + 1)
    return [0, *accumulate(map(_char_width, escaped))]


def _escaped_breaks(portion: str, inside: frozenset[int]) -> tuple[str, dict[int, str]]:
    """The escaped portion and where it may break: never inside an escape sequence or a format
    directive, nor just before the `\\n` that ends the portion."""
    text = escape(portion)
    protected = {m.start() + 1 for m in _ESCAPED.finditer(text)}  # the letter after each backslash
    if inside:
        column = 0
        for i, char in enumerate(portion):
            if i in inside:
                protected.add(column)
            column += 2 if char in _ESCAPES else 1
    if portion.endswith("\n"):
        protected.add(len(text) - 2)
    breaks = {i: kind for i, kind in opportunities(text).items() if i not in protected}
    return text, breaks


def _width(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    return sum(_char_width(c) for c in text)


@lru_cache(maxsize=8192)
def _char_width(char: str) -> int:
    """Columns a character takes, as libunistring's uc_width (control characters count none)."""
    if " " <= char <= "~":
        return 1
    category = unicodedata.category(char)
    if category == "Cc" or category in ("Mn", "Me") or category == "Cf" and char != "\u00ad":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1
