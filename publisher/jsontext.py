"""JSON text for people and diffs: what json.dumps(ensure_ascii=False, indent=2) writes, byte for byte.

json.dumps indents with its pure-Python encoder (its C encoder writes only compact JSON), which
cost a web page 0.3 ms and the wire more; msgspec encodes in C and then indents the same way
(tests/test_html.py holds the two to the same text).
"""

from __future__ import annotations

import re

import msgspec

from publisher.textchars import forbidden_in_utf8

# The escapes msgspec writes; any other (\u0000, \b…) would stand for a character no output carries.
_ESCAPE = re.compile(rb"\\(.)")
_PLAIN_ESCAPES = frozenset(b'"\\ntr')


def indented(data, sort_keys: bool = False) -> str:
    """`data` (dicts with string keys, lists, strings, integers, booleans, None) as indented JSON;
    with `sort_keys`, every object's keys in json.dumps(sort_keys=True)'s order (by code point)."""
    return _formatted(data, sort_keys).decode("utf-8")


def indented_file(data, sort_keys: bool = False) -> bytes:
    """`indented(data, sort_keys)` as a file holds it: UTF-8, one trailing newline (the text is
    never decoded and encoded again: the wire's pull listings are megabytes)."""
    return _formatted(data, sort_keys) + b"\n"


def _formatted(data, sort_keys: bool) -> bytes:
    encoded = msgspec.json.encode(data, order="sorted" if sort_keys else None)
    return msgspec.json.format(encoded, indent=2)


def as_written(raw: bytes, decoded) -> bool:
    """Whether `raw` is byte for byte what msgspec writes of `decoded`, with no character an output
    cannot carry, escaped or not: the build's own files are read back as data only, and one that is
    not exactly what the build writes is not used."""
    return msgspec.json.encode(decoded) == raw and not forbidden_in_utf8(raw) and plain_escapes(raw)


def plain_escapes(raw: bytes) -> bool:
    """Whether JSON `raw` escapes no character but those msgspec writes escaped (a quote, a
    backslash, a line break, a tab): any other escape (\\u0000, \\b…) stands for a character no
    output carries."""
    return all(match.group(1)[0] in _PLAIN_ESCAPES for match in _ESCAPE.finditer(raw))
