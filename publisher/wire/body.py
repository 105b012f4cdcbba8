"""The wire's body profile: flat paragraphs and subheadings of plain text, the dateline leading.

Newsroom systems read a wire body shallowly. Superdesk's NewsML-G2 ingest keeps only the leading
text of each child of <body>: the words inside a nested <blockquote><p> or <ul><li>, and every
word after an inline <a> or <em>, are lost. Reuters and ANSA send flat <p> bodies, so the wire does
too: each block becomes one <p> (or <hN>) of text, inline markup is folded into its words (a link
keeps its text, not its address), a quotation becomes its paragraphs, a list item a paragraph that
starts with its bullet or number, and the dateline opens the first paragraph as agencies write it
("MINSK, 5 September (BelTA) – Kazakhstan and…"). The rich XHTML stays with the EPUB exporters.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.inline import plain_text
from publisher.localedata import dateline
from publisher.model import LocalizedArticle, LocalizedBlock

BULLET = "•"


@dataclass(frozen=True)
class Paragraph:
    tag: str  # p | h2 … h6
    text: str


def flat_body(version: LocalizedArticle) -> tuple[Paragraph, ...]:
    paragraphs: list[Paragraph] = []
    for block in version.blocks:
        paragraphs += _flatten(block)
    lead = dateline_text(version)
    if paragraphs and paragraphs[0].tag == "p":
        paragraphs[0] = Paragraph("p", f"{lead} {paragraphs[0].text}")
    else:
        paragraphs.insert(0, Paragraph("p", lead))
    return tuple(paragraphs)


def dateline_text(version: LocalizedArticle) -> str:
    """MINSK, 5 September (BelTA) – in the item's language: the words of the place and agency, not their markup."""
    return dateline(plain_text(version.dateline_place.text), plain_text(version.dateline_agency.text),
                    version.article.dateline.date, version.babel_locale)


def word_count(paragraphs: tuple[Paragraph, ...]) -> int:
    return sum(len(p.text.split()) for p in paragraphs)


def _flatten(block: LocalizedBlock, marker: str = "") -> list[Paragraph]:
    text = " ".join(plain_text(s.text) for s in block.sentences)
    if block.kind == "heading":
        return [Paragraph(f"h{min(max(block.level, 2), 6)}", text)]
    if block.kind == "list":
        return [p for n, item in enumerate(block.children, start=1)
                for p in _flatten(item, f"{n}." if block.ordered else BULLET)]
    found = [Paragraph("p", text)] if text else []
    for child in block.children:
        found += _flatten(child)
    if marker and found and found[0].tag == "p":  # a list item's first paragraph carries its bullet
        found[0] = Paragraph("p", f"{marker} {found[0].text}")
    return found
