"""Localized text as HTML: a unit's inline tree rendered in Python rather than by a recursive
template macro (one macro call per node made rendering the slowest part of a build).

It is exactly as safe as the template's autoescaping: every string that comes from an article or
a catalogue (text, code, link targets, language tags) passes through `markupsafe.escape`, the
function autoescaping itself applies, so a translation stays data; the only markup written is the
fixed tags below. The result is `Markup` so that the template does not escape it twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from publisher import links as link_targets
from publisher.inline import Inline, parse_inline
from publisher.model import Text

_TAGS = {"em": ("<em>", "</em>"), "strong": ("<strong>", "</strong>")}


def text_html(text: Text, page_lang: str, links: bool = True) -> Markup:
    """A piece of text in the language it is really in: a source sentence shown for a missing
    translation carries its own lang, so screen readers switch voice, and a class the theme marks."""
    inner = _inline(parse_inline(text.text), links)
    if text.lang == page_lang:
        return Markup(inner)
    fallback = ' class="fallback"' if text.fallback else ""
    return Markup(f'<span lang="{escape(text.lang)}"{fallback}>{inner}</span>')


def sentences_html(texts: Iterable[Text], page_lang: str) -> Markup:
    return Markup(" ".join(text_html(t, page_lang) for t in texts))


def _inline(nodes: tuple[Inline, ...], links: bool) -> str:
    return "".join(_node(node, links) for node in nodes)


def _node(node: Inline, links: bool) -> str:
    if node.kind == "text":
        return escape(node.text)
    if node.kind == "code":
        return f"<code>{escape(node.text)}</code>"
    inner = _inline(node.children, links)
    if node.kind in _TAGS:
        start, end = _TAGS[node.kind]
        return start + inner + end
    if node.kind == "link" and links and link_targets.allowed(node.href):  # one allow-list for every format
        return f'<a href="{escape(node.href)}">{inner}</a>'
    return inner  # a link where links are off (the text already sits inside a link): its words only
