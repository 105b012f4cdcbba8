"""A unit's inline Markdown (emphasis, links, code) as a small tree that exporters render.

Translators keep `*…*`, `**…**`, `` `…` `` and `[text](url)` in their msgstr; raw HTML is never
markup here (markdown-it runs with html off, so `<script>` stays text), and markdown-it refuses
link targets such as `javascript:`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False})
# Characters that can start inline markup, an entity or an escape in CommonMark.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!]|  $|\n")
_KINDS = {"em_open": "em", "strong_open": "strong", "link_open": "link"}


@dataclass(frozen=True)
class Inline:
    kind: str  # text | em | strong | link | code | break
    text: str = ""
    href: str = ""
    children: tuple[Inline, ...] = ()


@lru_cache(maxsize=65536)
def parse_inline(text: str) -> tuple[Inline, ...]:
    if not _MARKUP.search(text):  # most sentences: no character Markdown gives a meaning to
        return (Inline("text", text=text),) if text else ()
    tokens = _MD.parseInline(text)[0].children or []
    stack: list[tuple[str, str, list[Inline]]] = [("root", "", [])]
    for token in tokens:
        if token.type in _KINDS:
            stack.append((_KINDS[token.type], str(token.attrGet("href") or ""), []))
        elif token.type.endswith("_close") and len(stack) > 1:
            kind, href, children = stack.pop()
            stack[-1][2].append(Inline(kind, href=href, children=tuple(children)))
        elif token.type == "code_inline":
            stack[-1][2].append(Inline("code", text=token.content))
        elif token.type in ("softbreak", "hardbreak"):
            stack[-1][2].append(Inline("text", text=" "))
        else:
            stack[-1][2].append(Inline("text", text=token.content))
    while len(stack) > 1:  # unbalanced input: keep the text, drop the unfinished markup
        _, _, children = stack.pop()
        stack[-1][2].extend(children)
    return _merge_text(stack[0][2])


def _merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for node in nodes:
        if node.kind == "text" and merged and merged[-1].kind == "text":
            merged[-1] = Inline("text", text=merged[-1].text + node.text)
        elif node.kind != "text" or node.text:
            merged.append(node)
    return tuple(merged)


def plain_text(text: str) -> str:
    """The unit without its markup: for titles, metadata and search."""
    nodes = parse_inline(text)
    if len(nodes) == 1 and nodes[0].kind == "text":  # most units: no markup
        return nodes[0].text
    return "".join(_plain(node) for node in nodes)


def _plain(node: Inline) -> str:
    return node.text if node.kind in ("text", "code") else "".join(_plain(c) for c in node.children)
