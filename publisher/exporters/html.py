"""Web pages: one per article and language, an index per language and a language chooser.

Pages come from Jinja2 templates with autoescaping (the package's theme, or the project's own
templates folder, file by file). Templates get the article's text through `text(t)` and
`sentences(texts)`, rendered in Python by html_text (escaped as autoescaping does), and may use
`plain_text` and `parse_inline` for anything else.

Every link between pages is relative, so output/html works opened from disk and served from any
path; canonical, hreflang and og:url become absolute only when the project sets `base_url`,
because search engines and Open Graph want absolute addresses there.
"""

from __future__ import annotations

import json
import math
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from babel.core import Locale, get_global
from babel.numbers import format_percent
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup

from publisher import i18n
from publisher.config import Config
from publisher.exporters import Context, Files, Versions
from publisher.exporters.html_text import sentences_html, text_html
from publisher.inline import parse_inline, plain_text
from publisher.localedata import DATELINE_DASH, dateline_date, language_name, long_date
from publisher.model import LocalizedArticle, LocalizedBlock, Text

WORDS_PER_MINUTE = 200
STYLESHEET = "style.css"
PathOf = Callable[[str], str]  # language → a page's path under the output folder


@dataclass(frozen=True)
class Link:
    lang: str
    name: str  # the language named in itself
    href: str


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

    page: LocalizedArticle
    href: str
    date: str
    datetime: str


class HtmlExporter:
    name = "html"

    def article(self, versions: Versions, ctx: Context) -> Files:
        return {_article_path(v.lang, v.slug): _render_article(v, ctx.config) for v in versions}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        config = ctx.config
        languages = tuple(lang for lang in config.languages if any(v.lang == lang for vs in articles for v in vs))
        files = {f"html/{lang}/index.html": _render_index(lang, articles, languages, config) for lang in languages}
        files["html/index.html"] = _render_chooser(languages, config)
        files[f"html/{STYLESHEET}"] = _stylesheet(config)
        return files


EXPORTER = HtmlExporter()


# --- Pages -------------------------------------------------------------------------------------------


def _render_article(page: LocalizedArticle, config: Config) -> bytes:
    here = page.lang

    def path(lang: str) -> str:
        return _article_path(lang, page.slug)

    return _render("article.html", page.lang, config, here,
                   page=page,
                   canonical=_address(config, path(here), here),
                   og_url=_absolute(config, path(here)),
                   og_locale=_og_locale(page.babel_locale),
                   og_alternates=[_og_locale(config.babel_locale(lang)) for lang in page.languages if lang != here],
                   alternates=_alternates(config, page.languages, here, path),
                   switcher=_switcher(page.languages, here, path),
                   dateline=_dateline(page),
                   published=_long_date(page.article.published.date(), page.babel_locale),
                   updated=_long_date(page.article.updated.date(), page.babel_locale) if page.article.updated else None,
                   minutes=reading_minutes(page.blocks),
                   translated=_translated(page),
                   json_ld=json_ld(page, config))


def _render_index(lang: str, articles: tuple[Versions, ...], languages: tuple[str, ...], config: Config) -> bytes:
    entries = [_entry(v) for vs in articles for v in vs if v.lang == lang]
    return _render("index.html", lang, config, lang,
                   entries=entries,
                   alternates=_alternates(config, languages, lang, _index_path, x_default="html/index.html"),
                   switcher=_switcher(languages, lang, _index_path))


def _entry(page: LocalizedArticle) -> Entry:
    published = page.article.published
    return Entry(page, _relative(_article_path(page.lang, page.slug), page.lang),
                 _long_date(published.date(), page.babel_locale), published.isoformat())


def _render_chooser(languages: tuple[str, ...], config: Config) -> bytes:
    choices = [Link(lang, _language_name(lang), _relative(_index_path(lang), "")) for lang in languages]
    return _render("languages.html", config.source_language, config, "", choices=choices, alternates=[],
                   switcher=[])


def _render(template: str, lang: str, config: Config, here: str, **values) -> bytes:
    """Render a template for a page in html/<here>/, in language `lang`, with the toolkit's words."""
    words = i18n.translations(lang)
    env = _environment(_templates_dir(config))
    html = env.get_template(template).render(
        lang=lang,
        gettext=words.gettext,
        ngettext=words.ngettext,
        site_name=config.provider,
        copyright_notice=config.copyright_notice,
        source_language=config.source_language,
        home=_relative(_index_path(lang), here),
        chooser=_relative("html/index.html", here) if here else None,
        stylesheet=_relative(f"html/{STYLESHEET}", here),
        **values,
    )
    return html.encode("utf-8")


# --- Links -------------------------------------------------------------------------------------------


def _article_path(lang: str, slug: str) -> str:
    return f"html/{lang}/{slug}.html"


def _index_path(lang: str) -> str:
    return f"html/{lang}/index.html"


@lru_cache(maxsize=4096)
def _relative(target: str, here: str) -> str:
    """`target` (a path under the output folder) as seen from a page in html/<here>/."""
    return posixpath.relpath(target, posixpath.join("html", here))


def _absolute(config: Config, target: str) -> str | None:
    if not config.base_url:
        return None
    return config.base_url.rstrip("/") + "/" + target.removeprefix("html/")


def _address(config: Config, target: str, here: str) -> str:
    """Absolute when the site's address is known, relative otherwise."""
    return _absolute(config, target) or _relative(target, here)


def _alternates(config: Config, languages: tuple[str, ...], here: str, path: PathOf,
                x_default: str | None = None) -> list[Link]:
    links = [Link(lang, _language_name(lang), _address(config, path(lang), here)) for lang in languages]
    default = x_default or path(config.source_language if config.source_language in languages else languages[0])
    return links + [Link("x-default", "", _address(config, default, here))]


def _switcher(languages: tuple[str, ...], here: str, path: PathOf) -> list[Link]:
    return [Link(lang, _language_name(lang), _relative(path(lang), here)) for lang in languages if lang != here]


# --- Facts on a page ------------------------------------------------------------------------------------

# Locale facts repeat across pages (names on every page of a language, dates on every story of a
# day, a handful of percentages): Babel recomputes them on each call, so they are kept for the process.
_language_name = lru_cache(maxsize=None)(language_name)
_long_date = lru_cache(maxsize=4096)(long_date)
_dateline_date = lru_cache(maxsize=4096)(dateline_date)
_percent = lru_cache(maxsize=4096)(format_percent)


def reading_minutes(blocks: tuple[LocalizedBlock, ...]) -> int:
    """Minutes to read the body at about 200 words a minute; at least one."""
    return max(1, math.ceil(_words(blocks) / WORDS_PER_MINUTE))


def _words(blocks: tuple[LocalizedBlock, ...]) -> int:
    return sum(len(plain_text(s.text).split()) for b in blocks for s in b.sentences) + sum(
        _words(b.children) for b in blocks)


def _dateline(page: LocalizedArticle) -> DatelineParts:
    place = replace(page.dateline_place, text=plain_text(page.dateline_place.text).upper())
    day = page.article.dateline.date
    return DatelineParts(place, _dateline_date(day, page.babel_locale), day, page.dateline_agency)


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


def json_ld(page: LocalizedArticle, config: Config) -> Markup:
    """A schema.org NewsArticle, safe inside <script>: no '<', '>' or '&' survives unescaped, so a
    translation cannot close the element or open a comment."""
    article = page.article

    def ref(lang: str) -> dict[str, str]:
        return {"@type": "NewsArticle", "@id": _address(config, _article_path(lang, page.slug), page.lang),
                "inLanguage": lang}

    data = {
        "@context": "https://schema.org",
        **ref(page.lang),
        "url": _address(config, _article_path(page.lang, page.slug), page.lang),
        "headline": plain_text(page.headline.text),
        "description": plain_text(page.summary.text) if page.summary else None,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat() if article.updated else None,
        "author": {"@type": "Organization" if article.byline in (article.credit, article.dateline.agency)
                   else "Person", "name": plain_text(page.byline.text)},
        "publisher": {"@type": "Organization", "name": config.provider},
        "keywords": [plain_text(k.text) for k in page.keywords] or None,
        "copyrightHolder": {"@type": "Organization", "name": config.copyright_holder} if config.copyright_holder
        else None,
    }
    others = [lang for lang in page.languages if lang not in (page.lang, article.language)]
    if page.lang == article.language:
        data["workTranslation"] = [ref(lang) for lang in others] or None
    elif article.language in page.languages:
        data["translationOfWork"] = ref(article.language)
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, indent=2)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- Templates ---------------------------------------------------------------------------------------


def _templates_dir(config: Config) -> str | None:
    return str(config.root / config.templates_dir) if config.templates_dir else None


@lru_cache(maxsize=8)
def _environment(templates_dir: str | None) -> Environment:
    """The project's templates first (any file it has replaces the theme's), then the package's theme."""
    loaders = [FileSystemLoader(templates_dir)] if templates_dir else []
    env = Environment(loader=ChoiceLoader([*loaders, PackageLoader("publisher", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(parse_inline=parse_inline, plain_text=plain_text, text=_text, sentences=_sentences)
    return env


# The page's language comes from the template context: text in another language gets its own lang.
@pass_context
def _text(context, text: Text, links: bool = True) -> Markup:
    return text_html(text, context["lang"], links)


@pass_context
def _sentences(context, texts: tuple[Text, ...]) -> Markup:
    return sentences_html(texts, context["lang"])


def _stylesheet(config: Config) -> bytes:
    """The theme's CSS, copied as it is (not rendered: CSS braces are not template syntax)."""
    env = _environment(_templates_dir(config))
    source, _, _ = env.loader.get_source(env, STYLESHEET)
    return source.encode("utf-8")
