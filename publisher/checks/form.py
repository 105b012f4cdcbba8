"""Form: inline markup, whitespace, sentence-final punctuation and length."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from publisher.checks.base import Context, Entry, quoted
from publisher.inline import Inline, parse_inline, plain_text

_MARKUP_NAMES = {"em": "emphasis *…*", "strong": "strong **…**", "code": "code `…`", "link": "links"}
# The word before doubled spaces, read from its first letter only (not again from each of its letters).
_DOUBLE_SPACE = re.compile(r"(?<!\S)(\S*)[ \u00a0]{2,}")
# The same spaces without the word before them: found far faster, in the many texts that have none.
_TWO_SPACES = re.compile("[ \u00a0]{2}")
_FINAL_MARKS = ".!?…:;"
# Left out before reading the final mark: English ends “….” inside the quotes, Russian «…». after them.
_CLOSERS = "”’»“)]\"' "
# Target length / source length in characters (markup left out), measured on the bundled article's
# catalogues, 46 units each: whole catalogue ru 0.97, be 0.93, kk 0.94; over the 37 units of 40+
# characters the median is ru 0.95, be 0.92, kk 0.92 and single units range 0.73–1.27.
LENGTH_NORMS = {("en", "ru"): 0.97, ("en", "be"): 0.93, ("en", "kk"): 0.94}
# How far from the norm a unit may be before a warning: measured units stay within 0.77–1.31× their
# norm; ×/÷ 1.6 flags a unit more than a third shorter or more than half longer than usual.
LENGTH_TOLERANCE = 1.6
# Short units (names, keywords) vary too much for a ratio to mean anything.
LENGTH_MIN_SOURCE = 40


def markup(entry: Entry, ctx: Context) -> Iterator[str]:
    source, target = _markup(entry.source), _markup(entry.target)
    for kind, name in _MARKUP_NAMES.items():
        have, want = target[kind], source[kind]
        if len(have) != len(want):
            yield f"{name}: {len(want)} in the source, {len(have)} in the translation"
        elif sorted(have) != sorted(want):
            changed = quoted(sorted((Counter(want) - Counter(have)).elements()))
            yield f"{name} changed: {changed} not in the translation"


def _markup(text: str) -> dict[str, list[str]]:
    """Per kind of markup, its link targets or code (emphasis: one empty entry per span)."""
    found: dict[str, list[str]] = {kind: [] for kind in _MARKUP_NAMES}
    _walk(parse_inline(text), found)
    return found


def _walk(nodes: tuple[Inline, ...], found: dict[str, list[str]]) -> None:
    for node in nodes:
        if node.kind in found:
            found[node.kind].append(node.href if node.kind == "link" else node.text)
        _walk(node.children, found)


def whitespace(entry: Entry, ctx: Context) -> Iterator[str]:
    source, target = entry.source, entry.target
    if target[:1].isspace() and not source[:1].isspace():
        yield "starts with a space"
    if target[-1:].isspace() and not source[-1:].isspace():
        yield "ends with a space"
    if not _TWO_SPACES.search(source) and _TWO_SPACES.search(target):
        doubled = [m.group(1) for m in _DOUBLE_SPACE.finditer(target.strip())]
        if doubled:
            yield f"double space after {quoted(doubled)}"


def punctuation(entry: Entry, ctx: Context) -> Iterator[str]:
    source, target = _final_mark(entry.source), _final_mark(entry.target)
    if source == target:
        return
    if not target:
        yield f"ends without “{source}” (the source does)"
    elif not source:
        yield f"ends with “{target}” (the source has no final punctuation)"
    else:
        yield f"ends with “{target}” where the source ends with “{source}”"


def _final_mark(text: str) -> str:
    end = plain_text(text).replace("...", "…").rstrip(_CLOSERS)
    return end[-1] if end and end[-1] in _FINAL_MARKS else ""


def length(entry: Entry, ctx: Context) -> Iterator[str]:
    source, target = len(plain_text(entry.source)), len(plain_text(entry.target))
    if source < LENGTH_MIN_SOURCE:
        return
    norm = LENGTH_NORMS.get((ctx.source_lang, ctx.lang), 1.0)
    ratio = target / source
    if not norm / LENGTH_TOLERANCE <= ratio <= norm * LENGTH_TOLERANCE:
        yield f"{ratio:.2f}× the source's length, where {ctx.source_lang}→{ctx.lang} translations run " \
              f"about {norm:.2f}×: something left out or added?"
