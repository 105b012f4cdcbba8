"""epub/<lang>/<slug>.epub and epub/<lang>/edition.epub: EPUB 3 books, byte-identical on rebuild.

Identifiers and dates come from the articles (never the wall clock), so a rebuild of the same
input gives the same book, and an e-reader recognises a rebuilt book as the same one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.resources import files as package_files

from lxml import etree

from publisher.config import Config
from publisher.exporters import Context, Files, Versions
from publisher.exporters import ocf
from publisher.exporters.xhtml_tree import XML_LANG, append_text, content_document, document, element, serialize
from publisher.inline import plain_text
from publisher.localedata import long_date
from publisher.model import LocalizedArticle, Text

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
# uuid5 namespace for book identifiers, so they never collide with other uuid5 uses of the same ids.
BOOK_ID_NAMESPACE = uuid.UUID("3bfdbc8d-0e58-4da6-82eb-38f7f8297b9e")
ROOT = "EPUB"
STYLESHEET = "epub.css"
NAV = "nav.xhtml"


@dataclass(frozen=True)
class Book:
    identifier: str
    lang: str
    title: Text
    creators: tuple[Text, ...]
    published: datetime
    modified: datetime
    description: Text | None
    subjects: tuple[Text, ...]
    articles: tuple[LocalizedArticle, ...]
    toc_page: bool  # the table of contents is the first page (an edition), not only the reader's menu


class EpubExporter:
    name = "epub"

    def article(self, versions: Versions, ctx: Context) -> Files:
        return {f"epub/{v.lang}/{v.slug}.epub": package(article_book(v), ctx.config) for v in versions}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        result = {}
        newest = articles[: ctx.config.collection_size]  # the build passes the others without their bodies
        for lang in ctx.config.languages:
            in_lang = tuple(v for versions in newest for v in versions if v.lang == lang)
            if in_lang:
                result[f"epub/{lang}/edition.epub"] = package(edition_book(lang, in_lang, ctx.config), ctx.config)
        return result


def article_book(version: LocalizedArticle) -> Book:
    article = version.article
    return Book(
        identifier=book_identifier(f"article {article.id} {version.lang}"),
        lang=version.lang,
        title=version.headline,
        creators=(version.byline,),
        published=article.published,
        modified=article.updated or article.published,
        description=version.summary,
        subjects=version.keywords,
        articles=(version,),
        toc_page=False,
    )


def edition_book(lang: str, versions: tuple[LocalizedArticle, ...], config: Config) -> Book:
    """All articles of one language, newest first: a digest with its table of contents up front."""
    newest = versions[0]
    day = long_date(newest.article.published.date(), newest.babel_locale)
    bylines = {v.byline.text: v.byline for v in versions}
    return Book(
        identifier=book_identifier(" ".join(["edition", lang, *(v.article.id for v in versions)])),
        lang=lang,
        title=Text(f"{config.provider} · {day}", lang),
        creators=tuple(bylines.values()),
        published=newest.article.published,
        modified=max(v.article.updated or v.article.published for v in versions),
        description=None,
        subjects=(),
        articles=versions,
        toc_page=True,
    )


def book_identifier(name: str) -> str:
    return uuid.uuid5(BOOK_ID_NAMESPACE, name).urn


def package(book: Book, config: Config) -> bytes:
    files = {
        f"{ROOT}/package.opf": package_document(book, config),
        f"{ROOT}/{NAV}": navigation_document(book),
        f"{ROOT}/{STYLESHEET}": package_files("publisher").joinpath("data", STYLESHEET).read_bytes(),
    }
    for version in book.articles:
        files[f"{ROOT}/{_chapter_path(version)}"] = content_document(version, config, f"../{STYLESHEET}")
    return ocf.package(f"{ROOT}/package.opf", files, book.modified)


def _chapter_path(version: LocalizedArticle) -> str:
    return f"text/{version.slug}.xhtml"


def package_document(book: Book, config: Config) -> bytes:
    attributes = {"version": "3.0", "unique-identifier": "book-id", XML_LANG: book.lang}
    root = etree.Element(f"{{{OPF_NS}}}package", attributes, nsmap={None: OPF_NS, "dc": DC_NS})
    _metadata(etree.SubElement(root, f"{{{OPF_NS}}}metadata"), book, config)
    manifest = etree.SubElement(root, f"{{{OPF_NS}}}manifest")
    spine = etree.SubElement(root, f"{{{OPF_NS}}}spine")
    _item(manifest, "nav", NAV, "application/xhtml+xml", properties="nav")
    _item(manifest, "css", STYLESHEET, "text/css")
    if book.toc_page:
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref="nav")
    for version in book.articles:
        item_id = f"article-{version.slug}"
        _item(manifest, item_id, _chapter_path(version), "application/xhtml+xml")
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=item_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _metadata(metadata: etree._Element, book: Book, config: Config) -> None:
    _dc(metadata, "identifier", book.identifier, book.lang).set("id", "book-id")
    _dc(metadata, "title", book.title, book.lang)
    _dc(metadata, "language", book.lang, book.lang)
    for creator in book.creators:
        _dc(metadata, "creator", creator, book.lang)
    _dc(metadata, "publisher", config.provider, book.lang)
    if config.copyright_notice:
        _dc(metadata, "rights", Text(config.copyright_notice, config.source_language), book.lang)
    _dc(metadata, "date", _utc(book.published), book.lang)
    if book.description:
        _dc(metadata, "description", book.description, book.lang)
    for subject in book.subjects:
        _dc(metadata, "subject", subject, book.lang)
    modified = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property="dcterms:modified")
    modified.text = _utc(book.modified)


def _dc(metadata: etree._Element, name: str, value: str | Text, book_lang: str) -> etree._Element:
    """A Dublin Core element; a text not in the book's language carries its own xml:lang."""
    node = etree.SubElement(metadata, f"{{{DC_NS}}}{name}")
    if isinstance(value, Text):
        node.text = plain_text(value.text)
        if value.lang != book_lang:
            node.set(XML_LANG, value.lang)
    else:
        node.text = value
    return node


def _item(manifest: etree._Element, item_id: str, href: str, media_type: str, **extra: str) -> None:
    etree.SubElement(manifest, f"{{{OPF_NS}}}item", {"id": item_id, "href": href, "media-type": media_type, **extra})


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def navigation_document(book: Book) -> bytes:
    html, body = document(book.lang, book.title, STYLESHEET)
    nav = element(body, "nav", epub_type="toc", id="toc")
    append_text(element(nav, "h1"), book.title)
    entries = element(nav, "ol")
    for version in book.articles:
        # A headline's own link stays out: an <a> inside an <a> is invalid (EPUBCheck RSC-005, NAV-010).
        append_text(element(element(entries, "li"), "a", href=_chapter_path(version)), version.headline,
                    with_links=False)
    return serialize(html)


EXPORTER = EpubExporter()
