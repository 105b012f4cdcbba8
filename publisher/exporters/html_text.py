"""Localized text as HTML: a unit's inline tree rendered in Python rather than by a recursive
template macro (one macro call per node made rendering the slowest part of a build).

It is exactly as safe as the template's autoescaping: every string that comes from an article or
a catalogue (text, code, link targets, language tags) is escaped as `markupsafe.escape`, the
function autoescaping itself applies, escapes it (the same five characters, the same entities; a
test holds the two equal), so a translation stays data; the only markup written is the fixed tags
below. The pieces stay plain strings (a Markup object for each costs more than its escaping), and
the result is one `Markup`, so that the template does not escape it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from markupsafe import Markup

from publisher import links as link_targets
from publisher.inline import Inline, parse_inline
from publisher.model import LocalizedBlock, Text

_TAGS = {"em": ("<em>", "</em>"), "strong": ("<strong>", "</strong>")}


def text_html(text: Text, page_lang: str, links: bool = True) -> Markup:
    """A piece of text in the language it is really in: a source sentence shown for a missing
    translation carries its own lang, so screen readers switch voice, and a class the theme marks."""
    return Markup(_text(text, page_lang, links))


def sentences_html(texts: Iterable[Text], page_lang: str) -> Markup:
    return Markup(_sentences(texts, page_lang))


def escape_html(text: str) -> str:
    """`text` escaped as markupsafe.escape escapes a string, as a plain string."""
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))
    return text


def _text(text: Text, page_lang: str, links: bool) -> str:
    inner = _inline(parse_inline(text.text), links)
    if text.lang == page_lang:
        return inner
    fallback = ' class="fallback"' if text.fallback else ""
    return f'<span lang="{escape_html(text.lang)}"{fallback}>{inner}</span>'


def _inline(nodes: tuple[Inline, ...], links: bool) -> str:
    return "".join([_node(node, links) for node in nodes])


def _node(node: Inline, links: bool) -> str:
    if node.kind == "text":
        return escape_html(node.text)
    if node.kind == "code":
        return f"<code>{escape_html(node.text)}</code>"
    inner = _inline(node.children, links)
    if node.kind in _TAGS:
        start, end = _TAGS[node.kind]
        return start + inner + end
    if node.kind == "link" and links and link_targets.allowed(node.href):  # one allow-list for every format
        return f'<a href="{escape_html(node.href)}">{inner}</a>'
    return inner  # a link where links are off (the text already sits inside a link): its words only


def blocks_html(blocks: Iterable[LocalizedBlock], page_lang: str, figure: Callable[[LocalizedBlock], str]) -> Markup:
    """The body's blocks, as the theme lays them out (macros.html's `blocks`, which calls this:
    one macro call per block made it a fifth of a page's rendering); `figure(block)` renders a
    picture block (the template's own macro)."""
    return Markup("".join(_blocks(blocks, page_lang, figure)))


def _blocks(blocks: Iterable[LocalizedBlock], lang: str, figure: Callable[[LocalizedBlock], str]) -> Iterator[str]:
    for block in blocks:
        kind = block.kind
        if kind == "figure":
            yield f"{figure(block)}\n"
        elif kind == "paragraph":
            yield f"<p>{_sentences(block.sentences, lang)}</p>\n"
        elif kind == "heading":
            level = min(max(block.level, 2), 6)  # the headline is the page's h1: body headings start at h2
            yield f"<h{level}>{_sentences(block.sentences, lang)}</h{level}>\n"
        elif kind == "quote":
            yield f"<blockquote>\n{''.join(_blocks(block.children, lang, figure))}\n</blockquote>\n"
        elif kind == "list":
            tag = "ol" if block.ordered else "ul"
            yield f"<{tag}>\n{''.join(_blocks(block.children, lang, figure))}\n</{tag}>\n"
        elif kind == "item" and len(block.children) == 1 and block.children[0].kind == "paragraph":
            yield f"<li>{_sentences(block.children[0].sentences, lang)}</li>\n"
        elif kind == "item":
            yield f"<li>\n{''.join(_blocks(block.children, lang, figure))}\n</li>\n"


def _sentences(texts: Iterable[Text], page_lang: str) -> str:
    return " ".join([_text(t, page_lang, True) for t in texts])
