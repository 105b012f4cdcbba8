"""Web pages: one per article and language, an index per language, a language chooser, and
what readers and search engines fetch beside them (feeds, sitemaps, robots.txt, icons, manifest).

Pages come from Jinja2 templates with autoescaping (the package's theme, or the project's own
templates folder, file by file). Templates get the article's text through `text(t)`,
`sentences(texts)` and `body(blocks, figures, figure)` (the blocks laid out as the theme does, a
picture by the `figure` macro given), rendered in Python by html_text (escaped as autoescaping
does), and may use `plain_text` and `parse_inline` for anything else.

Every link between pages is relative, so output/html works opened from disk and served from any
path; canonical, hreflang, Open Graph and JSON-LD addresses become absolute when the project sets
`base_url` (see addresses.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib.resources import files as package_files
from io import BytesIO
from pathlib import Path

from babel.core import Locale, get_global
from babel.lists import format_list
from babel.numbers import format_percent
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup
from PIL import Image as PILImage

from publisher import i18n
from publisher.config import Config
from publisher.exporters import (Context, Files, Listing, Listings, Part, Versions, feeds, files_of, html_page,
                                 linked_data, listing, sitemap)
from publisher.exporters.addresses import (CHOOSER, PathOf, absolute, address, alternate_targets, article_path,
                                           feed_path, index_path, picture_path, relative, theme_path)
from publisher.exporters.html_text import blocks_html, sentences_html, text_html
from publisher.exporters.linked_data import Image
from publisher.inline import parse_inline, plain_text
from publisher.localedata import DATELINE_DASH, dateline_date, language_name, long_date
from publisher.model import LocalizedArticle, LocalizedBlock, LocalizedPicture, Picture, Text
from publisher.pictures import Rendition, largest_jpeg, renditions

WORDS_PER_MINUTE = 200
STYLESHEET = "style.css"
# The theme's files copied beside the pages as they are; a project's templates folder may replace each.
THEME_FILES = (STYLESHEET, "favicon.svg", "icon-192.png", "icon-512.png")
MANIFEST = "manifest.webmanifest"
LOGO = "icon-512.png"  # the publisher's logo in JSON-LD and the feeds' logo
FEED_ICON = "icon-192.png"
# The picture's width on the page: the text column (42rem less 2.5rem of padding), or the screen's.
PICTURE_SIZES = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"
FALLBACK_WIDTH = 960  # the <img src> of a browser that reads no srcset


@dataclass(frozen=True)
class Link:
    lang: str
    name: str  # the language named in itself
    href: str


@dataclass(frozen=True)
class FeedLink:
    href: str
    title: str
    lang: str


@dataclass(frozen=True)
class PageMeta:
    """What every page tells search engines and link previews about itself."""

    title: str
    og_title: str
    description: str
    canonical: str
    og_type: str
    og_url: str | None
    og_locale: str
    og_alternates: tuple[str, ...]
    og_image: Image | None
    og_image_alt: str | None
    json_ld: Markup


@dataclass(frozen=True)
class Figure:
    """A picture as the page shows it: WebP and JPEG srcsets, its size (no layout shift), lazy below the fold."""

    picture: LocalizedPicture
    src: str
    webp: str  # srcset
    jpeg: str  # srcset
    width: int
    height: int
    lead: bool
    sizes: str = PICTURE_SIZES


@dataclass(frozen=True)
class DatelineParts:
    """MINSK, 5 September (BelTA) – in parts, so that a place or agency left untranslated keeps its lang."""

    place: Text
    day: str
    date: date
    agency: Text
    dash: str = DATELINE_DASH


@dataclass(frozen=True)
class Entry:
    """One article on a language's index page."""

    page: Listing
    href: str
    date: str
    datetime: str


class HtmlExporter:
    name = "html"

    def article(self, versions: Versions, ctx: Context) -> Files:
        files = {article_path(v.lang, v.slug): _render_article(v, ctx.config) for v in versions}
        for version in versions[:1]:  # the renditions serve every language
            for picture in _pictures(version):
                files.update({picture_path(version.slug, r.name): r.data for r in renditions(picture)})
        return files

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        """The collection of these articles alone, all of them the newest."""
        listed = tuple(tuple(listing(v, ctx.config) for v in versions) for versions in articles)
        return files_of(self.collection_parts(articles, listed, ctx), ctx)

    def collection_parts(self, newest: tuple[Versions, ...], listed: tuple[Listings, ...],
                         ctx: Context) -> tuple[Part, ...]:
        """A language's index reads that language's listings (and which languages there are, for
        its links), its feed its newest versions whole; the chooser the languages alone; the
        sitemaps every listing; the theme's files nothing but the settings (the build hash)."""
        config = ctx.config
        languages = tuple(lang for lang in config.languages if any(v.lang == lang for vs in listed for v in vs))
        newest = newest[: config.collection_size]
        parts = []
        for lang in filter(ctx.makes, languages):
            parts.append(Part(f"index/{lang}", _in_language(listed, lang), (lang, languages), _index_part))
            parts.append(Part(f"feed/{lang}", _in_language(newest, lang), (lang,), _feed_part))
        parts.append(Part("chooser", (), (languages,), _chooser_part))
        parts.append(Part("sitemaps", listed if config.base_url else (), (languages,), _sitemaps_part))
        parts.append(Part("theme", (), (), _theme_part))
        return tuple(parts)


EXPORTER = HtmlExporter()


# --- Pages -------------------------------------------------------------------------------------------


def _render_article(page: LocalizedArticle, config: Config, jinja: bool = False) -> bytes:
    here = page.lang

    def path(lang: str) -> str:
        return article_path(lang, page.slug)

    parts = _dateline(page)
    summary = plain_text(page.summary.text) if page.summary else plain_text(page.headline.text)
    shown = _shown_picture(page)
    image = _image(page.slug, shown) if shown else None
    json_ld = linked_data.article(page, config, _logo(config), _dateline_text(parts), (image,) if image else ())
    headline = plain_text(page.headline.text)
    meta = _meta(config, f"{headline} – {config.provider}", summary, path(here), here, page.babel_locale, "article",
                 _other_locales(config, page.languages, here), json_ld, og_title=headline, image=image,
                 image_alt=plain_text(shown.alt.text) if shown else None)
    figures = {b.picture.picture.file: _figure(b.picture, page.slug, here, lead=False)
               for b in page.blocks if b.kind == "figure" and b.picture}
    return _render("article.html", page.lang, config, here, jinja,
                   page=page, meta=meta, figures=figures,
                   lead=_figure(page.picture, page.slug, here, lead=True) if page.picture else None,
                   alternates=_alternates(config, page.languages, here, path),
                   switcher=_switcher(page.languages, here, path),
                   dateline=parts,
                   published=long_date(page.article.published.date(), page.babel_locale),
                   updated=long_date(page.article.updated.date(), page.babel_locale) if page.article.updated else None,
                   minutes=reading_minutes(page.blocks),
                   translated=_translated(page))


def _in_language(articles: tuple[tuple, ...], lang: str) -> tuple[tuple, ...]:
    return tuple((v,) for vs in articles for v in vs if v.lang == lang)


def _index_part(articles: tuple[Listings, ...], facts: tuple, ctx: Context) -> Files:
    lang, languages = facts
    return {index_path(lang): _render_index(lang, articles, languages, ctx.config)}


def _chooser_part(articles: tuple[Versions, ...], facts: tuple, ctx: Context) -> Files:
    return {CHOOSER: _render_chooser(facts[0], ctx.config)}


def _sitemaps_part(articles: tuple[Listings, ...], facts: tuple, ctx: Context) -> Files:
    return sitemap.files(ctx.config, articles, facts[0])


def _theme_part(articles: tuple[Versions, ...], facts: tuple, ctx: Context) -> Files:
    config = ctx.config
    files = {theme_path(name): _theme_file(config, name) for name in THEME_FILES}
    files[theme_path(MANIFEST)] = _render(MANIFEST, config.source_language, config, "")
    return files


def _render_index(lang: str, articles: tuple[Listings, ...], languages: tuple[str, ...], config: Config) -> bytes:
    pages = [v for vs in articles for v in vs if v.lang == lang]
    words = i18n.translations(lang)
    # Translators: the title of a language's list of articles, e.g. "News – BelTA"
    title = words.gettext("News – %(site_name)s") % {"site_name": config.provider}
    # Translators: the description search engines show for a language's list of articles
    description = words.gettext("The latest news from %(site_name)s.") % {"site_name": config.provider}
    publisher = pages[0].provider if pages else config.provider
    json_ld = linked_data.collection_page(config, lang, title, description, publisher, _logo(config), pages)
    meta = _meta(config, title, description, index_path(lang), lang, pages[0].babel_locale if pages
                 else config.babel_locale(lang), "website", _other_locales(config, languages, lang), json_ld)
    return _render("index.html", lang, config, lang,
                   entries=[_entry(v) for v in pages], meta=meta,
                   alternates=_alternates(config, languages, lang, index_path, x_default=CHOOSER),
                   switcher=_switcher(languages, lang, index_path))


def _entry(page: Listing) -> Entry:
    published = page.published
    return Entry(page, relative(article_path(page.lang, page.slug), page.lang),
                 long_date(published.date(), page.babel_locale), published.isoformat())


def _render_chooser(languages: tuple[str, ...], config: Config) -> bytes:
    lang = config.source_language
    words = i18n.translations(lang)
    names = format_list([Locale.parse(code).get_display_name(config.babel_locale(lang)) for code in languages],
                        locale=config.babel_locale(lang))
    # Translators: the description of the language chooser; %(languages)s lists them, e.g. "English and Russian"
    description = words.gettext("News from %(site_name)s in %(languages)s.") % {
        "site_name": config.provider, "languages": names}
    json_ld = linked_data.website(config, languages, description, _logo(config))
    meta = _meta(config, config.provider, description, CHOOSER, "", config.babel_locale(lang), "website",
                 _other_locales(config, languages, lang), json_ld)
    choices = [Link(code, _language_name(code), relative(index_path(code), "")) for code in languages]
    return _render("languages.html", lang, config, "", choices=choices, meta=meta,
                   alternates=_alternates(config, languages, "", index_path, x_default=CHOOSER),
                   switcher=[], feed_links=[_feed_link(config, code, "") for code in languages])


def _meta(config: Config, title: str, description: str, target: str, here: str, babel_locale: str, og_type: str,
          other_locales: tuple[str, ...], json_ld: Markup, og_title: str | None = None, image: Image | None = None,
          image_alt: str | None = None) -> PageMeta:
    """Open Graph wants absolute addresses: no og:url or og:image without base_url. An index
    shows the agency's logo; an article its picture, or none."""
    og_image = image if og_type == "article" else _logo(config)
    if og_image:
        url = absolute(config, og_image.path)
        og_image = replace(og_image, path=url) if url else None
    return PageMeta(title, og_title or title, description, address(config, target, here), og_type,
                    absolute(config, target), _og_locale(babel_locale), tuple(_og_locale(loc) for loc in other_locales),
                    og_image, image_alt if og_image and og_type == "article" else None, json_ld)


def _other_locales(config: Config, languages: tuple[str, ...], here: str) -> tuple[str, ...]:
    return tuple(config.babel_locale(lang) for lang in languages if lang != here)


def _render(template: str, lang: str, config: Config, here: str, jinja: bool = False, **values) -> bytes:
    """Render a template for a page in html/<here>/, in language `lang`, with the toolkit's words.
    The theme's article page, where the project replaces none of its templates, is written by
    html_page, as Jinja would render it, unless `jinja` (which a test compares it with)."""
    words = i18n.translations(lang)
    values.setdefault("feed_links", [_feed_link(config, lang, here)] if here else [])
    context = dict(
        lang=lang,
        gettext=words.gettext,
        ngettext=words.ngettext,
        site_name=config.provider,
        copyright_notice=config.copyright_notice,
        source_language=config.source_language,
        home=relative(index_path(lang), here),
        chooser=relative(CHOOSER, here) if here else None,
        stylesheet=relative(theme_path(STYLESHEET), here),
        icon=relative(theme_path("favicon.svg"), here),
        touch_icon=relative(theme_path(FEED_ICON), here),
        manifest=relative(theme_path(MANIFEST), here),
        **values,
    )
    if template == "article.html" and not jinja and values["page"].blocks and _theme_article(config):
        return html_page.article_page(context).encode("utf-8")
    return _environment(_templates_dir(config)).get_template(template).render(context).encode("utf-8")


def _theme_article(config: Config) -> bool:
    """Whether an article page is the theme's: the project's templates folder (looked at on every
    page, as Jinja's loader looks, since `publish serve` renders again as a designer edits it)
    replaces none of the templates it is made of."""
    folder = _templates_dir(config)
    return folder is None or not any((Path(folder) / name).exists() for name in html_page.TEMPLATES)


# --- Links -------------------------------------------------------------------------------------------


def _alternates(config: Config, languages: tuple[str, ...], here: str, path: PathOf,
                x_default: str | None = None) -> list[Link]:
    return [Link(lang, "" if lang == "x-default" else _language_name(lang), address(config, target, here))
            for lang, target in alternate_targets(config, languages, path, x_default)]


def _switcher(languages: tuple[str, ...], here: str, path: PathOf) -> list[Link]:
    return [Link(lang, _language_name(lang), relative(path(lang), here)) for lang in languages if lang != here]


def _feed_link(config: Config, lang: str, here: str) -> FeedLink:
    return FeedLink(relative(feed_path(lang), here), _feed_title(config, lang), lang)


def _feed_title(config: Config, lang: str) -> str:
    return i18n.translations(lang).gettext("News – %(site_name)s") % {"site_name": config.provider}


# --- Pictures ---------------------------------------------------------------------------------------


def _pictures(page: LocalizedArticle) -> list[Picture]:
    return [p for p in (page.article.picture, *page.article.pictures) if p]


def _shown_picture(page: LocalizedArticle) -> LocalizedPicture | None:
    """The picture that represents the story in search results and link previews: the lead
    picture, else the first in the body."""
    return page.picture or next((b.picture for b in page.blocks if b.kind == "figure" and b.picture), None)


def _image(slug: str, shown: LocalizedPicture) -> Image:
    rendition = largest_jpeg(shown.picture)
    picture = shown.picture
    return Image(picture_path(slug, rendition.name), rendition.width, rendition.height,
                 plain_text(shown.caption.text) if shown.caption else None,
                 plain_text(shown.credit.text) if shown.credit else None, picture.copyright, rendition.media_type)


def _figure(picture: LocalizedPicture, slug: str, here: str, lead: bool) -> Figure:
    made = renditions(picture.picture)

    def srcset(media_type: str) -> str:
        return ", ".join(f"{relative(picture_path(slug, r.name), here)} {r.width}w" for r in made
                         if r.media_type == media_type)

    jpegs = [r for r in made if r.media_type == "image/jpeg"]
    fallback = max((r for r in jpegs if r.width <= FALLBACK_WIDTH), key=_width, default=jpegs[0])
    largest = max(jpegs, key=_width)
    return Figure(picture, relative(picture_path(slug, fallback.name), here), srcset("image/webp"),
                  srcset("image/jpeg"), largest.width, largest.height, lead)


def _width(rendition: Rendition) -> int:
    return rendition.width


# --- Feeds -------------------------------------------------------------------------------------------


def _feed_part(articles: tuple[Versions, ...], facts: tuple, ctx: Context) -> Files:
    """A language's Atom feed, of its newest stories (`articles`); none without one."""
    (lang,) = facts
    config = ctx.config
    entries = tuple(v for versions in articles for v in versions if v.lang == lang)
    if not entries:
        return {}
    author = linked_data.provider_name(config, entries[0])
    return {feed_path(lang): feeds.feed(config, lang, _feed_title(config, lang), author,
                                        theme_path(FEED_ICON), theme_path(LOGO), entries)}


# --- Facts on a page ------------------------------------------------------------------------------------

# Locale facts repeat across pages (names on every page of a language, dates on every story of a
# day, a handful of percentages): Babel recomputes them on each call, so they are kept for the process.
_language_name = lru_cache(maxsize=None)(language_name)
_percent = lru_cache(maxsize=4096)(format_percent)


def reading_minutes(blocks: tuple[LocalizedBlock, ...]) -> int:
    """Minutes to read the body at about 200 words a minute; at least one."""
    return max(1, math.ceil(_words(blocks) / WORDS_PER_MINUTE))


def _words(blocks: tuple[LocalizedBlock, ...]) -> int:
    """The words of the body's sentences (as many as in all of them joined by spaces)."""
    return sum(sum(len(plain_text(s.text).split()) for s in block.sentences) + _words(block.children)
               for block in blocks)


def _dateline(page: LocalizedArticle) -> DatelineParts:
    place = replace(page.dateline_place, text=plain_text(page.dateline_place.text).upper())
    day = page.article.dateline.date
    return DatelineParts(place, dateline_date(day, page.babel_locale), day, page.dateline_agency)


def _dateline_text(parts: DatelineParts) -> str:
    return f"{parts.place.text}, {parts.day} ({plain_text(parts.agency.text)})"


def _translated(page: LocalizedArticle) -> str | None:
    """How much is translated, as the locale writes a percentage; None when all of it is."""
    percent = page.completeness.percent
    if percent >= 100:
        return None
    return _percent(math.floor(percent) / 100, locale=page.babel_locale)


@lru_cache(maxsize=None)
def _og_locale(babel_locale: str) -> str:
    """Open Graph wants language_TERRITORY (ru_RU); CLDR's likely subtags supply a missing territory."""
    locale = Locale.parse(babel_locale)
    territory = locale.territory or Locale.parse(get_global("likely_subtags").get(locale.language, "")).territory
    return f"{locale.language}_{territory}" if territory else locale.language


# --- Templates ---------------------------------------------------------------------------------------


def _templates_dir(config: Config) -> str | None:
    return str(config.root / config.templates_dir) if config.templates_dir else None


@lru_cache(maxsize=8)
def _environment(templates_dir: str | None) -> Environment:
    """The project's templates first (any file it has replaces the theme's), then the package's theme."""
    loaders = [FileSystemLoader(templates_dir)] if templates_dir else []
    env = Environment(loader=ChoiceLoader([*loaders, _ThemeLoader("publisher", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(parse_inline=parse_inline, plain_text=plain_text, text=_text, sentences=_sentences, body=_body)
    return env


class _ThemeLoader(PackageLoader):
    """The package's theme, whose files do not change while the toolkit runs (a project changes
    its own templates folder, whose files are still looked at again): a template loaded from it is
    taken as current, as PackageLoader takes one from a zipped package, rather than stat twice a page."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, None]:
        source, path, _ = super().get_source(environment, template)
        return source, path, None


# The page's language comes from the template context: text in another language gets its own lang.
@pass_context
def _text(context, text: Text, links: bool = True) -> Markup:
    return text_html(text, context["lang"], links)


@pass_context
def _sentences(context, texts: tuple[Text, ...]) -> Markup:
    return sentences_html(texts, context["lang"])


@pass_context
def _body(context, blocks: tuple[LocalizedBlock, ...], figures: dict[str, Figure], figure) -> Markup:
    """Blocks as the theme lays them out; `figure`: the template's macro for a picture, given its Figure."""
    return blocks_html(blocks, context["lang"], lambda block: figure(figures[block.picture.picture.file]))


def _theme_file(config: Config, name: str) -> bytes:
    """A theme file copied as it is (CSS braces are not template syntax; icons are not text):
    the project's own when its templates folder has one, else the package's."""
    return _theme_bytes(_templates_dir(config), name)


@lru_cache(maxsize=64)
def _theme_bytes(templates_dir: str | None, name: str) -> bytes:
    if templates_dir and (Path(templates_dir) / name).is_file():
        return (Path(templates_dir) / name).read_bytes()
    return package_files("publisher").joinpath("templates", name).read_bytes()


@lru_cache(maxsize=8)
def _logo_size(templates_dir: str | None) -> tuple[int, int]:
    with PILImage.open(BytesIO(_theme_bytes(templates_dir, LOGO))) as image:
        return image.size


def _logo(config: Config) -> Image:
    return Image(theme_path(LOGO), *_logo_size(_templates_dir(config)))
