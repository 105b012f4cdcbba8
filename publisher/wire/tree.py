"""NewsML-G2 2.35 documents as trees: a newsItem per language, a packageItem (Node trees, written
here as lxml writes them), a newsMessage (an lxml tree, for it carries items parsed back from bytes).

Each tree is a pure function of its content (content.py) and its stamp (from the ledger), so the
same guid and version always give the same bytes. Element order follows the schema (itemMeta:
itemClass, provider, versionCreated, firstCreated, embargoed, pubStatus, edNote, signal; contentMeta:
administrative before descriptive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from publisher.localedata import language_name
from publisher.wire.body import word_count
from publisher.wire.codes import Concept, Name
from publisher.wire.content import GROUP_SCHEME, NOTE_SCHEME, ItemContent, Note, PackageContent, Rights
from publisher.wire.ledger import format_time
from publisher.wire.schema import NAR, XHTML

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
NEWSITEM_TYPE = "application/vnd.iptc.g2.newsitem+xml"
ROOT_ATTRIBUTES = {"standard": "NewsML-G2", "standardversion": "2.35", "conformance": "power"}
INFO_SOURCE_ROLE = "cpprole:originfo"  # IPTC Content Production Party Role: the originating information source


@dataclass(frozen=True)
class Stamp:
    version: int
    version_created: datetime
    first_created: datetime
    signal: str | None  # update | correction
    correction: Note | None = None  # the correction note, on the version that made the correction


def news_item(content: ItemContent, stamp: Stamp, domain: str) -> Node:
    item = _root("newsItem", content.guid, stamp, content.lang)
    _catalog(item, domain, (NOTE_SCHEME,))
    _rights(item, content.rights, content.lang)
    notes = ((stamp.correction,) if stamp.correction else ()) + content.notes
    _item_meta(item, "ninat:text", content.provider, stamp, content.embargoed, content.status, notes, content.lang)
    _content_meta(item, content)
    content_set = _el(item, "contentSet")
    if content.body:  # a withdrawn or withheld story carries no text
        inline = _el(content_set, "inlineXML", contenttype="application/xhtml+xml",
                     wordcount=str(word_count(content.body)))
        inline.append(_xhtml(content))
    return item


def package_item(content: PackageContent, stamp: Stamp, domain: str) -> Node:
    """The story's language versions as alternatives (pgrmod:alt), each at the version partners hold."""
    package = _root("packageItem", content.guid, stamp, content.lang)
    _catalog(package, domain, (GROUP_SCHEME, NOTE_SCHEME))
    _rights(package, content.rights, content.lang)
    _item_meta(package, "ninat:composite", content.provider, stamp, content.embargoed, content.status,
               content.notes, content.lang)
    meta = _el(package, "contentMeta")
    _el(meta, "slugline").text = content.slugline
    for headline in content.headlines:
        _named(meta, "headline", headline, content.lang)
    group_set = _el(package, "groupSet", root=content.group_id)
    group = _el(group_set, "group", id=content.group_id, role=f"{GROUP_SCHEME}:languages", mode="pgrmod:alt")
    for ref in content.refs:
        item_ref = _el(group, "itemRef", residref=ref.guid, version=str(ref.version), contenttype=NEWSITEM_TYPE,
                       title=language_name(ref.lang), **{XML_LANG: ref.lang})
        _el(item_ref, "itemClass", qcode="ninat:text")
        _el(item_ref, "pubStatus", qcode=f"stat:{ref.status}")
        _el(item_ref, "headline").text = ref.headline
    return package


def news_message(items: list[etree._Element], sent: datetime, sender: str, transmit_id: str,
                 priority: int, destination: str = "", channels: tuple[str, ...] = ()) -> etree._Element:
    message = etree.Element(f"{{{NAR}}}newsMessage", nsmap={None: NAR})
    header = _message_el(message, "header")
    _message_el(header, "sent").text = format_time(sent)
    _message_el(header, "sender").text = sender
    _message_el(header, "transmitId").text = transmit_id
    _message_el(header, "priority").text = str(priority)
    if destination:
        _message_el(header, "destination").text = destination
    for channel in channels:
        _message_el(header, "channel").text = channel
    item_set = _message_el(message, "itemSet")
    for item in items:
        item_set.append(item)
    return message


def serialize(tree: Node | etree._Element) -> bytes:
    """The document as lxml writes it with pretty_print, XML declaration first."""
    if isinstance(tree, Node):
        return tree.document()
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class Node:
    """An element of an item, written as lxml writes the same element tree with pretty_print
    (tests/test_wire_tree.py holds the two alike): an item's 80 or so elements are built and written
    in Python in a third of the time lxml takes to build its tree (its bytes are parsed again to
    be checked against the schema). A tag is a local name in its parent's namespace; `xmlns` declares
    an element's own default namespace."""

    __slots__ = ("tag", "attrib", "text", "children", "xmlns")

    def __init__(self, tag: str, attrib: dict[str, str] | None = None, xmlns: str | None = None):
        self.tag, self.attrib, self.xmlns = tag, attrib or {}, xmlns
        self.text: str | None = None
        self.children: list[Node] = []

    def set(self, name: str, value: str) -> None:
        self.attrib[name] = value

    def append(self, child: Node) -> None:
        self.children.append(child)

    def document(self) -> bytes:
        out = ["<?xml version='1.0' encoding='UTF-8'?>\n"]
        self._write(out, 0, True)
        out.append("\n")
        return "".join(out).encode("utf-8")

    def _write(self, out: list[str], depth: int, indented: bool) -> None:
        start = f"<{self.tag}" + (f' xmlns="{_attribute_text(self.xmlns)}"' if self.xmlns else "")
        for name, value in self.attrib.items():
            start += f' {"xml:lang" if name == XML_LANG else name}="{_attribute_text(value)}"'
        if self.text is None and not self.children:
            out.append(start + "/>")
            return
        out.append(start + ">" if self.text is None else f"{start}>{escaped_text(self.text)}")
        indented = indented and self.text is None  # libxml2 indents no element holding text
        inner = _INDENTS[depth + 1] if indented else ""
        for child in self.children:
            if inner:
                out.append(inner)
            child._write(out, depth + 1, indented)
        out.append(f"{_INDENTS[depth]}</{self.tag}>" if inner and self.children else f"</{self.tag}>")


_INDENTS = ["\n" + "  " * depth for depth in range(40)]  # an item is a dozen levels deep
_TEXT_ESCAPED = re.compile(r"[&<>\r]")
_ATTRIBUTE_ESCAPED = re.compile(r'[&<>"\n\r\t]')


def escaped_text(value: str) -> str:
    """What libxml2 escapes in a text node, as XML and as HTML alike (&, <, >, CR)."""
    if not _TEXT_ESCAPED.search(value):  # most values: nothing to escape
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute_text(value: str) -> str:
    """What libxml2 escapes in an attribute value."""
    if not _ATTRIBUTE_ESCAPED.search(value):
        return value
    return (escaped_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
            .replace("\t", "&#9;"))


# --- Parts ------------------------------------------------------------------------------------


def _el(parent: Node, name: str, **attributes: str) -> Node:
    node = Node(name, attributes)
    parent.children.append(node)
    return node


def _message_el(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NAR}}}{name}", attributes)


def _root(name: str, guid: str, stamp: Stamp, lang: str) -> Node:
    root = Node(name, xmlns=NAR)
    root.set("guid", guid)
    root.set("version", str(stamp.version))
    for key, value in ROOT_ATTRIBUTES.items():
        root.set(key, value)
    root.set(XML_LANG, lang)
    _el(root, "catalogRef", href=CATALOG)
    return root


def _catalog(item: Node, domain: str, schemes: tuple[str, ...]) -> None:
    """The provider's own vocabularies (note and group roles), which IPTC leaves to providers."""
    catalog = _el(item, "catalog")
    for scheme in schemes:
        _el(catalog, "scheme", alias=scheme, uri=f"http://{domain}/newsml-g2/{scheme}/")


def _rights(item: Node, rights: Rights, lang: str) -> None:
    if not (rights.holder or rights.notice or rights.usage_terms):
        return
    info = _el(item, "rightsInfo")
    if rights.lang != lang:
        info.set(XML_LANG, rights.lang)
    if rights.holder:
        _el(_el(info, "copyrightHolder", literal=rights.holder), "name").text = rights.holder
    if rights.notice:
        _el(info, "copyrightNotice").text = rights.notice
    if rights.usage_terms:
        _el(info, "usageTerms").text = rights.usage_terms


def _item_meta(item: Node, item_class: str, provider: str, stamp: Stamp, embargoed: datetime | None,
               status: str, notes: tuple[Note, ...], lang: str) -> None:
    meta = _el(item, "itemMeta")
    _el(meta, "itemClass", qcode=item_class)
    _el(meta, "provider", literal=provider)
    _el(meta, "versionCreated").text = format_time(stamp.version_created)
    _el(meta, "firstCreated").text = format_time(stamp.first_created)
    if embargoed:
        _el(meta, "embargoed").text = format_time(embargoed)
    _el(meta, "pubStatus", qcode=f"stat:{status}")
    for note in notes:
        _named(meta, "edNote", Name(note.text, note.lang), lang, role=note.role)
    if stamp.signal:
        _el(meta, "signal", qcode=f"sig:{stamp.signal}")


def _content_meta(item: Node, content: ItemContent) -> None:
    lang = content.lang
    meta = _el(item, "contentMeta")
    _el(meta, "urgency").text = str(content.urgency)
    _el(meta, "contentCreated").text = format_time(content.content_created)
    if content.content_modified:
        _el(meta, "contentModified").text = format_time(content.content_modified)
    _located(meta, content, lang)
    _named(_el(meta, "infoSource", role=INFO_SOURCE_ROLE), "name", content.credit, lang)
    _named(_el(meta, "creator"), "name", content.byline, lang)
    _el(meta, "language", tag=lang)
    _concept(meta, "genre", content.genre, lang)
    for keyword in content.keywords:
        _named(meta, "keyword", keyword, lang)
    for subject in content.subjects:
        _concept(meta, "subject", subject, lang)
    _el(meta, "slugline").text = content.slugline
    _named(meta, "headline", content.headline, lang)
    _el(meta, "dateline").text = content.dateline
    _named(meta, "by", content.byline, lang)
    _named(meta, "creditline", content.credit, lang)
    if content.summary:
        _named(meta, "description", content.summary, lang, role="drol:summary")


def _located(meta: Node, content: ItemContent, lang: str) -> None:
    place = content.located
    located = _el(meta, "located", type="cpnat:geoArea", **({"qcode": place.qcode} if place.qcode else {}))
    _named(located, "name", place.name, lang)
    if place.country:
        _concept(located, "broader", place.country, lang)


def _concept(parent: Node, tag: str, concept: Concept, lang: str) -> None:
    attributes = {"type": concept.type, "qcode": concept.qcode}
    if concept.why:
        attributes["why"] = concept.why
    element = _el(parent, tag, **attributes)
    for name in concept.names:
        _el(element, "name", **{XML_LANG: name.lang}).text = name.text


def _named(parent: Node, tag: str, name: Name, lang: str, **attributes: str) -> Node:
    """A text property; marked with its own language when it is not the item's (a fallback, a code's name)."""
    if name.lang != lang:
        attributes[XML_LANG] = name.lang
    element = _el(parent, tag, **attributes)
    element.text = name.text
    return element


def _xhtml(content: ItemContent) -> Node:
    """The body as one XHTML document of flat paragraphs (see body.py)."""
    html = Node("html", {XML_LANG: content.lang, "lang": content.lang}, xmlns=XHTML)
    _el(_el(html, "head"), "title").text = content.headline.text
    body = _el(html, "body")
    for paragraph in content.body:
        _el(body, paragraph.tag).text = paragraph.text
    return html
