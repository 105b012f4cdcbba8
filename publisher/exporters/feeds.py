"""html/<lang>/atom.xml: an Atom feed (RFC 4287) of a language's newest stories, for feed readers.

Entry ids are URNs derived from the article id and the language, never from an address, so a
story keeps its id when the site moves (RFC 4287 §4.2.6: an id never changes). Each entry
carries the summary and the whole text as XHTML, built by the same tree builder as the books.
Links are absolute when the project sets base_url, relative to the feed otherwise.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

from publisher.config import Config
from publisher.exporters.addresses import address, article_path, feed_path, index_path
from publisher.exporters.xhtml_tree import XHTML_NS, XML_LANG, append_block, append_dateline
from publisher.inline import plain_text
from publisher.model import LocalizedArticle, Text

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
# uuid5 namespace of feed and entry ids: stable, and apart from every other uuid5 use of the same ids.
FEED_ID_NAMESPACE = uuid.UUID("5d0f2b8e-3c0e-4d36-9a5e-6a1f3f0b7c21")
GENERATOR = "publisher"


def feed(config: Config, lang: str, title: str, author: str, icon: str, logo: str,
         entries: tuple[LocalizedArticle, ...]) -> bytes:
    """The feed of one language; `entries` newest first, `icon` and `logo` paths under the output folder."""
    root = etree.Element(_atom("feed"), {XML_LANG: lang}, nsmap={None: ATOM_NS})
    here = lang
    _text(root, "id", _urn(f"feed {config.provider} {lang}"))
    _text(root, "title", title)
    _text(root, "updated", _rfc3339(max(_modified(e) for e in entries)))
    _person(root, "author", author, address(config, index_path(lang), here))
    _link(root, "self", address(config, feed_path(lang), here), ATOM_TYPE)
    _link(root, "alternate", address(config, index_path(lang), here), "text/html", hreflang=lang)
    _text(root, "generator", GENERATOR)
    _text(root, "icon", address(config, icon, here))
    _text(root, "logo", address(config, logo, here))
    if config.copyright_notice:
        rights = _text(root, "rights", config.copyright_notice)
        if config.source_language != lang:
            rights.set(XML_LANG, config.source_language)
    for page in entries:
        _entry(etree.SubElement(root, _atom("entry")), page, config)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(entry: etree._Element, page: LocalizedArticle, config: Config) -> None:
    article = page.article
    _text(entry, "id", _urn(f"entry {article.id} {page.lang}"))
    _localized(entry, "title", page.headline, page.lang)
    _link(entry, "alternate", address(config, article_path(page.lang, page.slug), page.lang), "text/html")
    _text(entry, "published", _rfc3339(article.published))
    _text(entry, "updated", _rfc3339(_modified(page)))
    _person(entry, "author", plain_text(page.byline.text))
    for keyword in page.keywords:
        etree.SubElement(entry, _atom("category"), term=plain_text(keyword.text))
    if page.summary:
        _localized(entry, "summary", page.summary, page.lang)
    content = etree.SubElement(entry, _atom("content"), type="xhtml")
    body = etree.SubElement(content, f"{{{XHTML_NS}}}div", nsmap={None: XHTML_NS})
    append_dateline(etree.SubElement(body, f"{{{XHTML_NS}}}p", {"class": "dateline"}), page)
    for block in page.blocks:
        append_block(body, block)


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    node = etree.SubElement(parent, _atom(name))
    node.text = value
    return node


def _localized(parent: etree._Element, name: str, text: Text, lang: str) -> None:
    """A plain-text construct; one that fell back to the source language says so with xml:lang."""
    node = _text(parent, name, plain_text(text.text))
    if text.lang != lang:
        node.set(XML_LANG, text.lang)


def _person(parent: etree._Element, name: str, who: str, uri: str | None = None) -> None:
    person = etree.SubElement(parent, _atom(name))
    _text(person, "name", who)
    if uri:
        _text(person, "uri", uri)


def _link(parent: etree._Element, rel: str, href: str, media_type: str, **extra: str) -> None:
    etree.SubElement(parent, _atom("link"), {"rel": rel, "href": href, "type": media_type, **extra})


def _modified(page: LocalizedArticle) -> datetime:
    return page.article.updated or page.article.published


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _urn(name: str) -> str:
    return uuid.uuid5(FEED_ID_NAMESPACE, name).urn
