"""NewsML-G2 2.35 documents as lxml trees: a newsItem per language, a packageItem, a newsMessage.

Element order follows the schema (itemMeta: itemClass, provider, versionCreated, firstCreated,
embargoed, pubStatus, edNote, signal, link; contentMeta: administrative before descriptive).
Every function here is pure: the version stamp (a ledger entry) is passed in, and `None` renders
the item without it, which is what the ledger hashes to decide whether the content changed.
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

from publisher.config import Config
from publisher.errors import PublisherError
from publisher.exporters.xhtml_tree import append_block, set_lang
from publisher.inline import plain_text
from publisher.ledger import Entry, format_time
from publisher.localedata import dateline, language_name
from publisher.model import Article, LocalizedArticle, Text

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
NEWSITEM_TYPE = "application/vnd.iptc.g2.newsitem+xml"
ROOT_ATTRIBUTES = {"standard": "NewsML-G2", "standardversion": "2.35", "conformance": "power"}
# Subject schemes the IPTC catalogue defines, and the concept type of their codes.
SUBJECT_TYPES = {"medtop": "cpnat:abstract", "subj": "cpnat:abstract", "iso3166-1a2": "cpnat:geoArea"}


def guid(config: Config, article: Article, lang: str | None = None) -> str:
    """Stable for ever: from the provider and the article id (plus the language for a newsItem)."""
    provider = "".join(c if c.isalnum() or c in ".-" else "-" for c in config.provider.lower())
    return f"urn:newsml:{provider}:{article.id}" + (f":{lang}" if lang else "")


def news_item(version: LocalizedArticle, config: Config, stamp: Entry | None,
              links: tuple[LocalizedArticle, ...] = ()) -> etree._Element:
    article, lang = version.article, version.lang
    item = _root("newsItem", guid(config, article, lang), stamp, lang)
    _rights(item, config)
    meta = _item_meta(item, "ninat:text", article, config, stamp)
    for other in links:
        _el(meta, "link", rel="irel:seeAlso", residref=guid(config, article, other.lang),
            contenttype=NEWSITEM_TYPE, title=language_name(other.lang), **{XML_LANG: other.lang})
    _content_meta(item, version)
    inline = _el(_el(item, "contentSet"), "inlineXML", contenttype="application/xhtml+xml")
    inline.append(xhtml_document(version))
    return item


def package_item(versions: tuple[LocalizedArticle, ...], config: Config, stamp: Entry | None) -> etree._Element:
    """One packageItem per article: its language versions as alternatives (pgrmod:alt)."""
    article = versions[0].article
    package = _root("packageItem", guid(config, article), stamp, article.language)
    _rights(package, config)
    _item_meta(package, "ninat:composite", article, config, stamp)
    content = _el(package, "contentMeta")
    _el(content, "slugline").text = article.slug
    _el(content, "headline").text = plain_text(article.headline)
    group = _el(_el(package, "groupSet", root="G1"), "group", id="G1", mode="pgrmod:alt")
    for version in versions:
        ref = _el(group, "itemRef", residref=guid(config, article, version.lang), contenttype=NEWSITEM_TYPE,
                  title=language_name(version.lang), **{XML_LANG: version.lang})
        _el(ref, "itemClass", qcode="ninat:text")
    return package


def news_message(items: list[etree._Element], sent: str, sender: str, transmit_id: str,
                 priority: int) -> etree._Element:
    message = etree.Element(f"{{{NAR}}}newsMessage", nsmap={None: NAR})
    header = _el(message, "header")
    _el(header, "sent").text = sent
    _el(header, "sender").text = sender
    _el(header, "transmitId").text = transmit_id
    _el(header, "priority").text = str(priority)
    item_set = _el(message, "itemSet")
    for item in items:
        item_set.append(item)
    return message


# --- Parts ------------------------------------------------------------------------------------


def _el(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NAR}}}{name}", attributes)


def _root(name: str, item_guid: str, stamp: Entry | None, lang: str) -> etree._Element:
    root = etree.Element(f"{{{NAR}}}{name}", nsmap={None: NAR})
    root.set("guid", item_guid)
    if stamp:
        root.set("version", str(stamp.version))
    for key, value in ROOT_ATTRIBUTES.items():
        root.set(key, value)
    root.set(XML_LANG, lang)
    _el(root, "catalogRef", href=CATALOG)
    return root


def _rights(item: etree._Element, config: Config) -> None:
    if not (config.copyright_holder or config.copyright_notice):
        return
    rights = _el(item, "rightsInfo")
    if config.copyright_holder:
        _el(_el(rights, "copyrightHolder"), "name").text = config.copyright_holder
    if config.copyright_notice:
        _el(rights, "copyrightNotice").text = config.copyright_notice


def _item_meta(item: etree._Element, item_class: str, article: Article, config: Config,
               stamp: Entry | None) -> etree._Element:
    meta = _el(item, "itemMeta")
    _el(meta, "itemClass", qcode=item_class)
    _el(meta, "provider", literal=config.provider)
    if stamp:
        _el(meta, "versionCreated").text = format_time(stamp.version_created)
        _el(meta, "firstCreated").text = format_time(stamp.first_created)
    if article.embargoed:
        _el(meta, "embargoed").text = format_time(article.embargoed)
    _el(meta, "pubStatus", qcode=f"stat:{article.status}")
    for note in (article.ednote, article.correction):
        if note:
            _el(meta, "edNote", **{XML_LANG: article.language}).text = note
    if stamp and stamp.version > 1:
        _el(meta, "signal", qcode="sig:correction" if article.correction else "sig:update")
    return meta


def _content_meta(item: etree._Element, version: LocalizedArticle) -> None:
    article, lang = version.article, version.lang
    content = _el(item, "contentMeta")
    _el(content, "urgency").text = str(article.urgency)
    _el(content, "contentCreated").text = format_time(article.published)
    if article.updated:
        _el(content, "contentModified").text = format_time(article.updated)
    _text(_el(content, "located", type="cpnat:geoArea"), "name", version.dateline_place, lang)
    _text(_el(content, "creator"), "name", version.byline, lang)
    _el(content, "language", tag=lang)
    _el(content, "genre", qcode=_qcode(article, article.genre, ("genre",)))
    for subject in article.subjects:
        qcode = _qcode(article, subject, SUBJECT_TYPES)
        _el(content, "subject", type=SUBJECT_TYPES[qcode.split(":")[0]], qcode=qcode)
    for keyword in version.keywords:
        _text(content, "keyword", keyword, lang)
    _el(content, "slugline").text = article.slug
    _text(content, "headline", version.headline, lang)
    place_and_agency = (version.dateline_place.text, version.dateline_agency.text)
    _el(content, "dateline").text = dateline(*place_and_agency, article.dateline.date, version.babel_locale)
    if version.summary:
        _text(content, "description", version.summary, lang, role="drol:summary")


def _text(parent: etree._Element, name: str, text: Text, lang: str, **attributes: str) -> etree._Element:
    """A text property; marked with its own language when it fell back to the source's."""
    if text.lang != lang:
        attributes[XML_LANG] = text.lang
    element = _el(parent, name, **attributes)
    element.text = plain_text(text.text)
    return element


def _qcode(article: Article, qcode: str, schemes: Collection[str]) -> str:
    scheme, _, code = qcode.partition(":")
    if scheme not in schemes or not code or any(c.isspace() for c in qcode):
        known = ", ".join(f"{s}:…" for s in schemes)
        raise PublisherError(f"'{qcode}' is not a code the IPTC catalogue defines for NewsML-G2; use {known} "
                             "(e.g. medtop:20000638 for international relations)", article.path)
    return qcode


# --- The body: one XHTML document inside inlineXML ----------------------------------------------


def xhtml_document(version: LocalizedArticle) -> etree._Element:
    """The localized body as one XHTML document, rendered as the EPUB content documents render it."""
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    set_lang(html, version.lang)
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = plain_text(version.headline.text)
    body = etree.SubElement(html, f"{{{XHTML}}}body")
    for block in version.blocks:
        append_block(body, block)
    return html
