"""Where format directives (`%s`, `%(name)d`, `{0}`) are, so the writer never breaks a line inside one.

gettext marks a directive from its first to its last character for the formats an entry's flags
name (`c-format`, `python-format` …), and stops at the first directive it cannot parse. These
are the formats catalogues in the wild carry; for the others gettext's rules are not copied here,
and their strings are wrapped by the line-break rules alone.
"""

from __future__ import annotations

import re

_C = re.compile(r"%(?:\d+\$)?[-+ #0'I]*(?:\*(?:\d+\$)?|\d+)?(?:\.(?:\*(?:\d+\$)?|\d*))?"
                r"(?:<[A-Za-z0-9_]*>|(?:hh|h|ll|l|L|q|j|z|Z|t)*[%csdiuoxXeEfFgGaApn])")
_PYTHON = re.compile(r"%(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d*))?[hlL]?"
                     r"[%csrdiuoxXeEfFgGa]")
_JAVASCRIPT = re.compile(r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[bcdefiojsuxX%]")


def directive_insides(value: str, formats: tuple[str, ...], is_msgstr: bool) -> frozenset[int]:
    """Positions inside a directive (not its first character) for the first format gettext parses."""
    for name in formats:
        language = name.removeprefix("possible-").removesuffix("-format")
        if language == "python-brace":
            return _brace_insides(value)
        pattern = {"c": _C, "python": _PYTHON, "javascript": _JAVASCRIPT}.get(language)
        if pattern is not None:
            return _percent_insides(value, pattern)
        return frozenset()  # the first format named decides, as in gettext
    return frozenset()


def _percent_insides(value: str, pattern: re.Pattern[str]) -> frozenset[int]:
    inside: set[int] = set()
    position = value.find("%")
    while position >= 0:
        match = pattern.match(value, position)
        if match is None:
            break  # gettext stops marking at a directive it cannot parse
        inside.update(range(position + 1, match.end()))
        position = value.find("%", match.end())
    return frozenset(inside)


def _brace_insides(value: str) -> frozenset[int]:
    inside: set[int] = set()
    i = 0
    while i < len(value):
        if value.startswith(("{{", "}}"), i):
            i += 2
        elif value[i] == "{":
            end = _closing_brace(value, i)
            if end is None:
                break
            inside.update(range(i + 1, end + 1))
            i = end + 1
        else:
            i += 1
    return frozenset(inside)


def _closing_brace(value: str, start: int) -> int | None:
    depth = 0
    for i in range(start, len(value)):
        if value[i] == "{":
            depth += 1
        elif value[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return None
