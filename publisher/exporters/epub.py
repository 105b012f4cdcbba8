"""epub/<lang>/<slug>.epub and epub/<lang>/edition.epub: EPUB 3 books, byte-identical on rebuild.

Identifiers and dates come from the articles (never the wall clock), so a rebuild of the same
input gives the same book, and an e-reader recognises a rebuilt book as the same one.

Every book has a cover (generated with the headline and the agency's name), a table of contents
and a landmarks navigation, DPUB-ARIA roles wherever an epub:type has one, and the schema.org
accessibility metadata of EPUB Accessibility 1.1 stating only what holds for every book made
here: text with headings and a reading order, a text alternative for each image, reflowable
type, no hazards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib.resources import files as package_files

from lxml import etree

from publisher import i18n
from publisher.config import Config
from publisher.exporters import Context, Files, Versions
from publisher.exporters import ocf
from publisher.exporters.cover import cover_svg
from publisher.exporters.linked_data import provider_name
from publisher.exporters.xhtml_tree import (EPUB_TYPE, XML_LANG, append_text, content_document, document, element,
                                            serialize, set_lang)
from publisher.inline import plain_text
from publisher.localedata import long_date
from publisher.model import LocalizedArticle, LocalizedPicture, Picture, Text
from publisher.pictures import Rendition, largest_jpeg

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
# uuid5 namespace for book identifiers, so they never collide with other uuid5 uses of the same ids.
BOOK_ID_NAMESPACE = uuid.UUID("3bfdbc8d-0e58-4da6-82eb-38f7f8297b9e")
ROOT = "EPUB"
STYLESHEET = "epub.css"
NAV = "nav.xhtml"
COVER_PAGE = "cover.xhtml"
COVER_IMAGE = "cover.svg"  # generated, where the book has no picture of its own
IMAGES = "images"
SUBJECTS_PER_EDITION = 20
# schema.org accessibility properties (EPUB Accessibility 1.1 §2) that hold for every book made here.
ACCESS_MODES = ("textual", "visual")  # the text; the cover and pictures, each with a text alternative
ACCESS_MODE_SUFFICIENT = ("textual",)
ACCESSIBILITY_FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
                          "displayTransformability")
ACCESSIBILITY_HAZARDS = ("none",)  # no sound, no motion, nothing that flashes


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
    toc_page: bool  # the table of contents is a page after the cover (an edition), not only the reader's menu
    publisher: str  # the agency's name in the book's language
    cover_title: str  # the large words of a generated cover: the headline, or an edition's day
    cover_note: str | None = None  # the date below an article's headline
    series: str | None = None  # editions belong to the series of a language's editions
    series_position: str | None = None
    cover_picture: LocalizedPicture | None = None  # an article's lead picture is its book's cover


class EpubExporter:
    name = "epub"
    def article(self, versions: Versions, ctx: Context) -> Files:
        return {f"epub/{v.lang}/{v.slug}.epub": package(article_book(v, ctx.config), ctx.config) for v in versions}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        result = {}
        newest = articles[: ctx.config.collection_size]  # the build passes these alone, whole
        for lang in filter(ctx.makes, ctx.config.languages):
            in_lang = tuple(v for versions in newest for v in versions if v.lang == lang)
            if in_lang:
                result[f"epub/{lang}/edition.epub"] = package(edition_book(lang, in_lang, ctx.config), ctx.config)
        return result


def article_book(version: LocalizedArticle, config: Config) -> Book:
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
        publisher=provider_name(config, version),
        cover_title=plain_text(version.headline.text),
        cover_picture=version.picture,
        cover_note=long_date(article.published.date(), version.babel_locale),
    )


def edition_book(lang: str, versions: tuple[LocalizedArticle, ...], config: Config) -> Book:
    """All articles of one language, newest first: a digest with its table of contents up front."""
    newest = versions[0]
    day = long_date(newest.article.published.date(), newest.babel_locale)
    bylines = {v.byline.text: v.byline for v in versions}
    words = i18n.translations(lang)
    name = provider_name(config, newest)
    headlines = "; ".join(plain_text(v.headline.text) for v in versions)
    # Translators: an edition's description in e-book stores; %(headlines)s are its headlines, separated by ";"
    description = words.gettext("News from %(site_name)s, %(date)s: %(headlines)s.") % {
        "site_name": name, "date": day, "headlines": headlines}
    return Book(
        identifier=book_identifier(" ".join(["edition", lang, *(v.article.id for v in versions)])),
        lang=lang,
        title=Text(f"{name} · {day}", lang),
        creators=tuple(bylines.values()),
        published=newest.article.published,
        modified=max(v.article.updated or v.article.published for v in versions),
        description=Text(description, lang),
        subjects=_edition_subjects(versions),
        articles=versions,
        toc_page=True,
        publisher=name,
        cover_title=day,
        series=words.gettext("News – %(site_name)s") % {"site_name": name},
        series_position=newest.article.published.strftime("%Y%m%d"),
    )


def _edition_subjects(versions: tuple[LocalizedArticle, ...]) -> tuple[Text, ...]:
    """The keywords of the edition's stories, each once, the newest stories' first."""
    seen: dict[str, Text] = {}
    for version in versions:
        for keyword in version.keywords:
            seen.setdefault(plain_text(keyword.text).casefold(), keyword)
    return tuple(seen.values())[:SUBJECTS_PER_EDITION]


def book_identifier(name: str) -> str:
    return uuid.uuid5(BOOK_ID_NAMESPACE, name).urn


def package(book: Book, config: Config) -> bytes:
    files = {
        f"{ROOT}/package.opf": package_document(book, config),
        f"{ROOT}/{NAV}": navigation_document(book),
        f"{ROOT}/{STYLESHEET}": _stylesheet(),
        f"{ROOT}/{COVER_PAGE}": cover_page(book),
    }
    if not book.cover_picture:
        files[f"{ROOT}/{COVER_IMAGE}"] = cover_svg(book.cover_title, book.publisher, book.lang, book.cover_note)
    images = {f"{ROOT}/{IMAGES}/{rendition.name}": rendition.data for rendition in book_images(book)}
    files.update(images)
    for version in book.articles:
        files[f"{ROOT}/{_chapter_path(version)}"] = content_document(version, config, f"../{STYLESHEET}",
                                                                    _chapter_image)
    # The stylesheet is every book's, a picture every language's book of its story: compressed once.
    shared = frozenset({f"{ROOT}/{STYLESHEET}", *images})
    return ocf.package(f"{ROOT}/package.opf", files, book.modified, shared)


@lru_cache(maxsize=1)
def _stylesheet() -> bytes:
    return package_files("publisher").joinpath("data", STYLESHEET).read_bytes()


def _chapter_path(version: LocalizedArticle) -> str:
    return f"text/{version.slug}.xhtml"


def book_images(book: Book) -> list[Rendition]:
    """One JPEG per picture of the book's stories (the largest rendition: a page, not a thumbnail)."""
    pictures = [p for v in book.articles for p in (v.article.picture, *v.article.pictures) if p]
    return list({r.name: r for r in map(largest_jpeg, pictures)}.values())


def _chapter_image(picture: Picture) -> tuple[str, int, int]:
    rendition = largest_jpeg(picture)
    return f"../{IMAGES}/{rendition.name}", rendition.width, rendition.height


def package_document(book: Book, config: Config) -> bytes:
    attributes = {"version": "3.0", "unique-identifier": "book-id", XML_LANG: book.lang}
    root = etree.Element(f"{{{OPF_NS}}}package", attributes, nsmap={None: OPF_NS, "dc": DC_NS})
    _metadata(etree.SubElement(root, f"{{{OPF_NS}}}metadata"), book, config)
    manifest = etree.SubElement(root, f"{{{OPF_NS}}}manifest")
    spine = etree.SubElement(root, f"{{{OPF_NS}}}spine")
    _item(manifest, "nav", NAV, "application/xhtml+xml", properties="nav")
    _item(manifest, "css", STYLESHEET, "text/css")
    cover = largest_jpeg(book.cover_picture.picture).name if book.cover_picture else None
    if not cover:
        _item(manifest, "cover-image", COVER_IMAGE, "image/svg+xml", properties="cover-image")
    for i, rendition in enumerate(book_images(book), 1):
        extra = {"properties": "cover-image"} if rendition.name == cover else {}
        _item(manifest, f"image-{i}", f"{IMAGES}/{rendition.name}", rendition.media_type, **extra)
    _item(manifest, "cover", COVER_PAGE, "application/xhtml+xml")
    etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref="cover")
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
    _dc(metadata, "publisher", book.publisher, book.lang)
    if config.copyright_notice:
        _dc(metadata, "rights", Text(config.copyright_notice, config.source_language), book.lang)
    _dc(metadata, "date", _utc(book.published), book.lang)
    if book.description:
        _dc(metadata, "description", book.description, book.lang)
    for subject in book.subjects:
        _dc(metadata, "subject", subject, book.lang)
    modified = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property="dcterms:modified")
    modified.text = _utc(book.modified)
    if book.series:
        _meta(metadata, "belongs-to-collection", book.series).set("id", "series")
        _meta(metadata, "collection-type", "series", refines="#series")
        _meta(metadata, "group-position", book.series_position, refines="#series")
    _accessibility(metadata, book)


def _accessibility(metadata: etree._Element, book: Book) -> None:
    for prop, values in (("accessMode", ACCESS_MODES), ("accessModeSufficient", ACCESS_MODE_SUFFICIENT),
                         ("accessibilityFeature", ACCESSIBILITY_FEATURES),
                         ("accessibilityHazard", ACCESSIBILITY_HAZARDS)):
        for value in values:
            _meta(metadata, f"schema:{prop}", value)
    words = i18n.translations(book.lang)
    # Translators: the accessibility summary e-book stores and reading apps show for every book
    summary = words.gettext("The text is structured with headings and a table of contents and follows the "
                            "reading order; it reflows to the reader's choice of font and size. Every image "
                            "has a text alternative. There is no sound, video or flashing content.")
    _meta(metadata, "schema:accessibilitySummary", summary)


def _meta(metadata: etree._Element, prop: str, value: str, **extra: str) -> etree._Element:
    node = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", {"property": prop, **extra})
    node.text = value
    return node


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
    nav = element(body, "nav", epub_type="toc", id="toc", role="doc-toc")
    append_text(element(nav, "h1"), book.title)
    entries = element(nav, "ol")
    for version in book.articles:
        # A headline's own link stays out: an <a> inside an <a> is invalid (EPUBCheck RSC-005, NAV-010).
        append_text(element(element(entries, "li"), "a", href=_chapter_path(version)), version.headline,
                    with_links=False)
    _landmarks(body, book)
    return serialize(html)


def _landmarks(body: etree._Element, book: Book) -> None:
    """The reading system's shortcuts: the cover, the contents page (editions), where the text starts."""
    words = i18n.translations(book.lang)
    nav = element(body, "nav", epub_type="landmarks", id="landmarks", hidden="hidden")
    # Translators: heading of an e-book's list of landmarks (cover, contents, start of the text)
    element(nav, "h2").text = words.gettext("Guide")
    entries = element(nav, "ol")
    # Translators: a landmark of an e-book: its cover
    links = [("cover", COVER_PAGE, words.gettext("Cover"))]
    if book.toc_page:
        # Translators: a landmark of an e-book: its table of contents
        links.append(("toc", f"{NAV}#toc", words.gettext("Contents")))
    # Translators: a landmark of an e-book: where the text starts
    links.append(("bodymatter", _chapter_path(book.articles[0]), words.gettext("Start reading")))
    for kind, href, label in links:
        element(element(entries, "li"), "a", epub_type=kind, href=href).text = label


def cover_page(book: Book) -> bytes:
    """The cover as the first page, its picture described for those who cannot see it."""
    html, body = document(book.lang, book.title, STYLESHEET)
    body.set(EPUB_TYPE, "cover")
    body.set("class", "cover")
    if book.cover_picture:
        picture = book.cover_picture
        img = element(body, "img", src=f"{IMAGES}/{largest_jpeg(picture.picture).name}",
                      alt=plain_text(picture.alt.text), role="doc-cover")
        if picture.alt.fallback:
            set_lang(img, picture.alt.lang)
        return serialize(html)
    words = i18n.translations(book.lang)
    # Translators: the text alternative of an e-book's cover, e.g. "Cover: <headline>, BelTA"
    alt = words.gettext("Cover: %(title)s, %(publisher)s") % {"title": plain_text(book.title.text),
                                                            "publisher": book.publisher}
    element(body, "img", src=COVER_IMAGE, alt=alt, role="doc-cover")
    return serialize(html)


EXPORTER = EpubExporter()
