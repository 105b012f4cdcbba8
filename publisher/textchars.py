"""Characters no output can carry, and text made safe to print in a message.

XML 1.0 forbids the C0 controls other than tab, line feed and carriage return (a NUL cannot even
be escaped), and U+FFFE/U+FFFF; HTML treats the other controls and every noncharacter as a parse
error. Such characters are refused where text comes in (source articles, PO catalogues), with
the file and line, so that every exporter can take its text as it is.
"""

from __future__ import annotations

import re
import unicodedata

# Two searches: one character class over the Basic Multilingual Plane is fast, while a class
# listing the noncharacters of the other planes one by one is twenty times slower.
_FORBIDDEN_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def forbidden(text: str) -> re.Match[str] | None:
    """The first character in `text` that no output can carry, if any."""
    found = _FORBIDDEN_BMP.search(text)
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):  # nothing beyond the BMP (a fast test)
        return found
    end = found.start() if found else len(text)
    astral = (m for m in _ASTRAL.finditer(text, 0, end) if ord(m.group(0)) & 0xFFFE == 0xFFFE)  # U+nFFFE, U+nFFFF
    return next(astral, found)


def forbidden_in_utf8(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character `forbidden` finds, or is no UTF-8 at all. (Decoding
    first and searching the text is twice as fast as one search of the bytes for the same
    characters' encodings, whose alternatives the regular expression tries at every byte.)"""
    try:
        return forbidden(data.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return True


def describe(char: str) -> str:
    """'U+0000 (a control character)': how a message names an invisible character."""
    kind = "a control character" if unicodedata.category(char) == "Cc" else "a noncharacter"
    return f"U+{ord(char):04X} ({kind})"


def printable(text: str) -> str:
    """`text` with every unprintable character escaped, so a message cannot drive the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for c in text)
