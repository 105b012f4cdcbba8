"""A generated book cover, for a book that has no picture of its own: the headline and the agency.

It is an SVG built as a tree: the text stays text (in the book's language, for the reader's own
fonts and screen readers), and the bytes depend on the words alone, never on the fonts or the
imaging library of the machine that built it.
"""

from __future__ import annotations

import textwrap

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WIDTH, HEIGHT = 1200, 1800  # 2:3, the shape e-book stores ask for
MARGIN = 90
BAND = 260  # the coloured band that carries the agency's name
ACCENT, INK, PAPER = "#0b57a4", "#1a1a1a", "#ffffff"
FONTS = "'Noto Sans', 'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
# An average bold sans-serif glyph is about two thirds of the type size wide (Latin and Cyrillic alike;
# measured with DejaVu Sans Bold, one of the widest): lines are wrapped for that.
GLYPH_WIDTH = 0.68
LINE_HEIGHT = 1.2
MAX_LINES = 9


def cover_svg(title: str, publisher: str, lang: str, note: str | None = None) -> bytes:
    """`title` large, `publisher` in the band at the top, `note` (a date) at the foot."""
    root = etree.Element(f"{{{SVG_NS}}}svg", {"viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": str(WIDTH),
                                                "height": str(HEIGHT), XML_LANG: lang}, nsmap={None: SVG_NS})
    etree.SubElement(root, f"{{{SVG_NS}}}title").text = f"{title} — {publisher}"
    _rect(root, 0, 0, WIDTH, HEIGHT, PAPER)
    _rect(root, 0, 0, WIDTH, BAND, ACCENT)
    _text(root, [publisher], 72, PAPER, BAND / 2 + 26, weight="700")
    size, lines = _fit(title)
    _text(root, lines, size, INK, BAND + 220 + size, weight="700")
    if note:
        _rect(root, MARGIN, HEIGHT - 260, WIDTH - 2 * MARGIN, 6, ACCENT)
        _text(root, [note], 54, INK, HEIGHT - 150)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fit(title: str) -> tuple[int, list[str]]:
    """The largest type size at which the title wraps into few enough lines to fit the page."""
    for size in range(110, 40, -6):
        per_line = int((WIDTH - 2 * MARGIN) / (size * GLYPH_WIDTH))
        lines = textwrap.wrap(title, per_line, break_long_words=False, break_on_hyphens=False)
        fits = all(len(line) <= per_line for line in lines)  # a word longer than a line does not
        if fits and len(lines) <= MAX_LINES and len(lines) * size * LINE_HEIGHT <= HEIGHT - BAND - 600:
            return size, lines
    lines = textwrap.wrap(title, int((WIDTH - 2 * MARGIN) / (44 * GLYPH_WIDTH)))
    return 44, lines[:MAX_LINES - 1] + [lines[MAX_LINES - 1] + " …"] if len(lines) > MAX_LINES else lines


def _rect(root: etree._Element, x: float, y: float, width: float, height: float, fill: str) -> None:
    etree.SubElement(root, f"{{{SVG_NS}}}rect", x=_n(x), y=_n(y), width=_n(width), height=_n(height), fill=fill)


def _text(root: etree._Element, lines: list[str], size: int, fill: str, baseline: float, weight: str = "400") -> None:
    text = etree.SubElement(root, f"{{{SVG_NS}}}text", {"x": _n(MARGIN), "y": _n(baseline), "font-family": FONTS,
                                                        "font-size": str(size), "font-weight": weight, "fill": fill})
    for i, line in enumerate(lines):
        etree.SubElement(text, f"{{{SVG_NS}}}tspan", x=_n(MARGIN), dy="0" if i == 0 else _n(size * LINE_HEIGHT)
                         ).text = line


def _n(value: float) -> str:
    return f"{value:g}"
