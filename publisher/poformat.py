"""Write PO files exactly as GNU gettext does (msgcat leaves them byte for byte unchanged).

Translators' editors and gettext's own tools re-wrap anything written otherwise, and every
re-wrap shows up as a diff. gettext wraps string lines at 79 columns at Unicode line-break
opportunities (UAX #14, see publisher.linebreak).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from publisher.linebreak import units as break_units

PAGE_WIDTH = 79
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
            "\f": "\\f", "\v": "\\v"}


_ESCAPE_TABLE = str.maketrans(_ESCAPES)
# Latin, Greek, Cyrillic (without its combining marks), punctuation: one column a character.
_NARROW = re.compile("[\x00-\u02ff\u0370-\u0482\u048a-\u052f\u2000-\u206f\u20a0-\u20bf\u2100-\u214f]*")


def escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)


def _width(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _portions(value: str) -> list[str]:
    """The value split after each newline, as gettext writes one string line per portion at least."""
    *complete, last = value.split("\n")
    portions = [part + "\n" for part in complete]
    return portions + [last] if last or not portions else portions


@lru_cache(maxsize=16384)  # a msgid is written in the template and every catalogue
def _wrap_portion(portion: str, start_column: int, spaces_only: bool = False) -> tuple[str, ...]:
    """Greedy wrap at line-break opportunities of the escaped text, as gettext computes them."""
    escaped = escape(portion)
    limit = PAGE_WIDTH - 1  # the closing quote takes the last column
    if start_column + _width(escaped) <= limit:
        return (escaped,)
    units = _space_units(escaped) if spaces_only else _glue_escapes(break_units(escaped))
    lines: list[str] = []
    line, column = "", start_column
    for unit in units:
        if line and column + _width(unit) > limit:
            lines.append(line)
            line, column = "", 1
        line += unit
        column += _width(unit)
    lines.append(line)
    return tuple(lines)


def _space_units(text: str) -> list[str]:
    """The header is broken after spaces only (gettext keeps 'Plural-Forms' and 'n%10' whole)."""
    return re.findall(r"\S*\s*", text)[:-1] or [""]


def _glue_escapes(units: list[str]) -> list[str]:
    """gettext breaks before an escape sequence (\\n, \\") only after a space."""
    glued: list[str] = []
    for unit in units:
        if glued and unit.startswith("\\") and not glued[-1].endswith(" "):
            glued[-1] += unit
        else:
            glued.append(unit)
    return glued


def string_lines(keyword: str, value: str, prefix: str = "", header: bool = False) -> list[str]:
    """`keyword "value"` as gettext writes it, wrapped, each line starting with `prefix`."""
    head = f"{prefix}{keyword} "
    portions = _portions(value)
    first = _wrap_portion(portions[0], _width(head) + 1, header)
    if len(portions) == 1 and len(first) == 1:
        return [f'{head}"{first[0]}"']
    lines = [f'{head}""']
    for portion in portions:
        lines += [f'{prefix}"{chunk}"' for chunk in _wrap_portion(portion, len(prefix) + 1, header)]
    return lines


def reference_lines(references: Iterable[str]) -> list[str]:
    lines, line = [], "#:"
    for ref in references:
        if line != "#:" and len(line) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + ref
    return lines + [line] if line != "#:" else lines


def entry_lines(entry, obsolete: bool = False) -> list[str]:
    """One entry (a polib.POEntry or anything shaped like it) in gettext's order of lines."""
    lines = [f"# {c}" if c else "#" for c in _comment_lines(entry.tcomment)]
    lines += [f"#. {c}" if c else "#." for c in _comment_lines(entry.comment)]
    if entry.occurrences and not obsolete:
        lines += reference_lines(_reference(f, n) for f, n in entry.occurrences)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    keep = "#~ " if obsolete else ""
    was = "#~| " if obsolete else "#| "  # gettext marks an obsolete entry's previous strings "#~|"
    if entry.previous_msgctxt is not None:
        lines += string_lines("msgctxt", entry.previous_msgctxt, was)
    if entry.previous_msgid is not None:
        lines += string_lines("msgid", entry.previous_msgid, was)
    if entry.previous_msgid_plural is not None:
        lines += string_lines("msgid_plural", entry.previous_msgid_plural, was)
    if entry.msgctxt is not None:
        lines += string_lines("msgctxt", entry.msgctxt, keep)
    lines += string_lines("msgid", entry.msgid, keep)
    if entry.msgid_plural:
        lines += string_lines("msgid_plural", entry.msgid_plural, keep)
        for index in sorted(entry.msgstr_plural):
            lines += string_lines(f"msgstr[{index}]", entry.msgstr_plural[index], keep)
    else:
        lines += string_lines("msgstr", entry.msgstr, keep)
    return lines


def _comment_lines(comment: str | None) -> list[str]:
    return comment.split("\n") if comment else []


def _reference(filename: str, line: str | None) -> str:
    return f"{filename}:{line}" if line else filename


def render(header_comment: str, header_flags: list[str], metadata: list[tuple[str, str]],
           entries: Iterable, obsolete: Iterable) -> str:
    """A whole PO/POT file."""
    header = "".join(f"{key}: {value}\n" for key, value in metadata)
    blocks = [_header_lines(header_comment, header_flags, header)]
    blocks += [entry_lines(e) for e in entries]
    blocks += [entry_lines(e, obsolete=True) for e in obsolete]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _header_lines(comment: str, flags: list[str], header: str) -> list[str]:
    lines = [f"# {c}" if c else "#" for c in _comment_lines(comment)]
    if flags:
        lines.append("#, " + ", ".join(flags))
    return lines + string_lines("msgid", "") + string_lines("msgstr", header, header=True)
