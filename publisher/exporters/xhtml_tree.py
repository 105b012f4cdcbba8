"""An article as an EPUB 3 XHTML content document, built as an lxml tree.

Shared by the standalone content documents (xhtml.py) and the books (epub.py). Translations are
data: their inline Markdown becomes elements through `parse_inline`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from lxml import etree

from publisher import links
from publisher.config import Config
from publisher.inline import Inline, parse_inline, plain_text
from publisher.localedata import DATELINE_DASH, dateline_date
from publisher.model import LocalizedArticle, LocalizedBlock, LocalizedPicture, Picture, Text

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
BLOCKS = {"html", "head", "title", "link", "body", "article", "header", "footer", "nav", "h1", "h2", "h3", "h4",
          "h5", "h6", "p", "blockquote", "ul", "ol", "li", "figure", "img", "figcaption"}
_FIGURE = f"{{{XHTML_NS}}}figure"
_BLOCK_TAGS = frozenset(f"{{{XHTML_NS}}}{name}" for name in BLOCKS)  # as lxml names them, compared at once
# Where a picture's file is, as seen from the document, and its size: (src, width, height). A
# builder given none (the wire's body) leaves pictures out.
ImageSource = Callable[[Picture], tuple[str, int, int]]
_ATTRIBUTE_NAMES = {"epub_type": EPUB_TYPE, "class_": "class"}  # keyword → attribute name


def element(parent: etree._Element | None, tag: str, **attributes: str) -> etree._Element:
    """An XHTML element; `epub_type` becomes epub:type, `class_` becomes class."""
    attrs = {_ATTRIBUTE_NAMES.get(k, k): v for k, v in attributes.items()}
    if parent is None:
        return etree.Element(f"{{{XHTML_NS}}}{tag}", attrs, nsmap={None: XHTML_NS, "epub": EPUB_NS})
    return etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}", attrs)


def set_lang(node: etree._Element, lang: str) -> None:
    node.set(XML_LANG, lang)
    node.set("lang", lang)


def document(lang: str, title: Text, stylesheet: str | None = None) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML document: (html, body)."""
    html = element(None, "html")
    set_lang(html, lang)
    head = element(html, "head")
    title_node = element(head, "title")
    title_node.text = plain_text(title.text)
    if title.lang != lang:
        set_lang(title_node, title.lang)
    if stylesheet:
        element(head, "link", rel="stylesheet", type="text/css", href=stylesheet)
    return html, element(html, "body")


def serialize(html: etree._Element) -> bytes:
    _indent(html)
    return etree.tostring(html, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _indent(node: etree._Element, depth: int = 0) -> None:
    """Indent block structure for people who read the file. Unlike lxml's pretty_print, which also
    puts line breaks between inline siblings (a visible space between <em>a</em><b>b</b>), this only
    indents elements that hold nothing but blocks."""
    children = list(node)
    if not children or (node.text or "").strip() or any(c.tag not in _BLOCK_TAGS or (c.tail or "").strip()
                                                          for c in children):
        return
    node.text = "\n" + "  " * (depth + 1)
    for child in children:
        child.tail = node.text
        _indent(child, depth + 1)
    children[-1].tail = "\n" + "  " * depth


def content_document(version: LocalizedArticle, config: Config, stylesheet: str | None = None,
                     images: ImageSource | None = None) -> bytes:
    """The version's document. The standalone document (xhtml.py) and the book's chapter (epub.py)
    differ only in the stylesheet link and where the pictures are: the second of the two made from
    the same version reuses the first's tree, with those set anew, rather than building it again."""
    kept = _kept_tree(version, config, images is not None)
    if kept is None:
        pictures: list[Picture] = []
        html, body = document(version.lang, version.headline, stylesheet)
        body.set(EPUB_TYPE, "bodymatter")
        append_article(body, version, config, _recording(images, pictures) if images else None)
        # Each picture asked for became a <figure>, its <img> first, in the order they were asked for.
        figures = list(zip((figure[0] for figure in html.iter(_FIGURE)), pictures, strict=True))
        _trees[version.lang] = _Tree(version, config, images is not None, html, figures)
        return serialize(html)
    _set_stylesheet(kept.html, stylesheet)
    for img, picture in kept.figures:
        src, width, height = images(picture)
        img.set("src", src)
        img.set("width", str(width))
        img.set("height", str(height))
    return serialize(kept.html)


@dataclass(frozen=True)
class _Tree:
    """A content document's tree as last written, and each picture's <img> element."""

    version: LocalizedArticle
    config: Config
    with_images: bool
    html: etree._Element
    figures: list[tuple[etree._Element, Picture]]


# The trees of one article's versions, by language: the formats of an article are rendered one
# after the other, so a tree is reused by the next format or dropped with the next article.
_trees: dict[str, _Tree] = {}
# What a document is made of: every field of the version but the languages it is published in,
# which each format's gate narrows and the document does not show.
_DOCUMENT_FIELDS = tuple(f.name for f in fields(LocalizedArticle) if f.name != "languages")


def _kept_tree(version: LocalizedArticle, config: Config, with_images: bool) -> _Tree | None:
    """The tree made for the same version (another format's copy of it, the same but for its
    `languages`), else None; the other articles' trees are dropped."""
    if any(tree.version.article is not version.article for tree in _trees.values()):
        _trees.clear()
    kept = _trees.get(version.lang)
    same = kept is not None and kept.config is config and kept.with_images == with_images and all(
        getattr(kept.version, name) is getattr(version, name) for name in _DOCUMENT_FIELDS)
    return kept if same else None


def _recording(images: ImageSource, pictures: list[Picture]) -> ImageSource:
    """`images`, noting each picture it is asked for."""
    def source(picture: Picture) -> tuple[str, int, int]:
        pictures.append(picture)
        return images(picture)
    return source


def _set_stylesheet(html: etree._Element, stylesheet: str | None) -> None:
    """The head's stylesheet link as document() makes it: after the title, or none."""
    head = html[0]
    link = head.find(f"{{{XHTML_NS}}}link")
    if link is not None and not stylesheet:
        head.remove(link)
    elif link is None and stylesheet:
        element(head, "link", rel="stylesheet", type="text/css", href=stylesheet)
    elif link is not None:
        link.set("href", stylesheet)


def append_article(parent: etree._Element, version: LocalizedArticle, config: Config,
                   images: ImageSource | None = None) -> None:
    article = element(parent, "article")
    header = element(article, "header")
    append_text(element(header, "h1", epub_type="title"), version.headline)
    if version.summary:
        append_text(element(header, "p", class_="summary"), version.summary)
    append_dateline(element(header, "p", class_="dateline"), version)
    append_text(element(header, "p", class_="byline"), version.byline)
    if version.picture and images:
        append_figure(article, version.picture, *images(version.picture.picture))
    for block in version.blocks:
        append_block(article, block, images)
    if config.copyright_notice:
        _append_rights(element(article, "footer"), version.lang, config)


def _append_rights(parent: etree._Element, lang: str, config: Config) -> None:
    """The copyright notice, written in the project's source language."""
    rights = element(parent, "p", class_="rights")
    rights.text = config.copyright_notice
    if config.source_language != lang:
        set_lang(rights, config.source_language)


def append_dateline(parent: etree._Element, version: LocalizedArticle) -> None:
    """PLACE, 5 September (AGENCY) –, as localedata.dateline writes it, each part in its own language."""
    place = version.dateline_place
    append_text(parent, Text(place.text.upper(), place.lang, place.fallback))
    _append_string(parent, ", ")
    day = version.article.dateline.date
    time = element(parent, "time", datetime=day.isoformat())
    time.text = dateline_date(day, version.babel_locale)
    _append_string(parent, " (")
    append_text(parent, version.dateline_agency)
    _append_string(parent, f") {DATELINE_DASH}")


def append_block(parent: etree._Element, block: LocalizedBlock, images: ImageSource | None = None) -> None:
    if block.kind == "figure":
        if images and block.picture:
            append_figure(parent, block.picture, *images(block.picture.picture))
        return
    if block.kind == "heading":
        node = element(parent, f"h{min(max(block.level, 2), 6)}")
    elif block.kind == "quote":
        node = element(parent, "blockquote")
    elif block.kind == "list":
        node = element(parent, "ol" if block.ordered else "ul")
    elif block.kind == "item":
        node = element(parent, "li")
    else:
        node = element(parent, "p")
    _append_sentences(node, block.sentences)
    for child in block.children:
        append_block(node, child, images)


def _append_sentences(node: etree._Element, sentences: tuple[Text, ...]) -> None:
    """The sentences, a space between each: a run of sentences without markup (most) is joined and
    appended as one string, not read back from the tree and written again once per sentence."""
    run: list[str] = []
    for i, sentence in enumerate(sentences):
        if i:
            run.append(" ")
        nodes = parse_inline(sentence.text)
        if not sentence.fallback and all(n.kind == "text" for n in nodes):
            run += (n.text for n in nodes)
            continue
        if run:
            _append_string(node, "".join(run))
            run = []
        append_text(node, sentence)
    if run:
        _append_string(node, "".join(run))


def append_figure(parent: etree._Element, picture: LocalizedPicture, src: str, width: int, height: int) -> None:
    """<figure>: the picture with its alt text (in the language it is really in), the caption and
    the credit."""
    figure = element(parent, "figure")
    img = element(figure, "img", src=src, alt=plain_text(picture.alt.text), width=str(width), height=str(height))
    if picture.alt.fallback:
        set_lang(img, picture.alt.lang)
    if not (picture.caption or picture.credit):
        return
    caption = element(figure, "figcaption")
    if picture.caption:
        append_text(caption, picture.caption)
    if picture.credit:
        if picture.caption:
            _append_string(caption, " ")
        append_text(element(caption, "span", class_="credit"), picture.credit)


def append_text(parent: etree._Element, text: Text, with_links: bool = True) -> None:
    """The text's inline markup as elements; a source-language fallback in a span marked with its
    language. Without links (the text already sits inside an <a>, as in a table of contents) a
    link keeps only its words."""
    if text.fallback:
        parent = element(parent, "span", class_="fallback")
        set_lang(parent, text.lang)
    for node in parse_inline(text.text):
        _append_inline(parent, node, with_links)


def _append_inline(parent: etree._Element, node: Inline, with_links: bool) -> None:
    if node.kind == "text":
        _append_string(parent, node.text)
        return
    if node.kind == "code":
        element(parent, "code").text = node.text
        return
    if node.kind == "link":  # one allow-list for every format (publisher.links)
        target = element(parent, "a", href=node.href) if with_links and links.allowed(node.href) else parent
    else:
        target = element(parent, node.kind)
    for child in node.children:
        _append_inline(target, child, with_links)


def _append_string(parent: etree._Element, text: str) -> None:
    """Text after the parent's last child (its tail), or the parent's own text."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
