"""html/sitemap.xml, html/news-sitemap.xml and html/robots.txt: what search engines crawl.

- sitemap.xml (sitemaps.org 0.9) lists every page, each with `xhtml:link` alternates naming all its
  language versions and the x-default one, as Google's hreflang documentation describes.
- news-sitemap.xml (Google News) lists the stories of the last 48 hours. "Now" is the newest
  story's publication time, not the clock, so the same input always gives the same file: a
  site that keeps publishing has a window that moves with it.
- robots.txt lets every crawler in and names both sitemaps.

Sitemaps need absolute addresses, so they are written only when the project sets base_url.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lxml import etree

from publisher.config import Config
from publisher.exporters.addresses import CHOOSER, PathOf, absolute, alternate_targets, article_path, index_path
from publisher.inline import plain_text
from publisher.exporters import Listing, Listings

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP = "html/sitemap.xml"
NEWS_SITEMAP = "html/news-sitemap.xml"
ROBOTS = "html/robots.txt"
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 stories from one sitemap


def files(config: Config, articles: tuple[Listings, ...],
          languages: tuple[str, ...]) -> dict[str, bytes]:
    """The three files; robots.txt alone (without sitemap lines) when there is no base_url."""
    if not config.base_url:
        return {ROBOTS: robots(())}
    return {
        SITEMAP: sitemap(config, articles, languages),
        NEWS_SITEMAP: news_sitemap(config, articles),
        ROBOTS: robots((absolute(config, SITEMAP), absolute(config, NEWS_SITEMAP))),
    }


def sitemap(config: Config, articles: tuple[Listings, ...], languages: tuple[str, ...]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    everything = [v for versions in articles for v in versions]
    _url(root, config, CHOOSER, _newest(everything), languages, index_path, CHOOSER)
    for lang in languages:
        in_lang = [v for v in everything if v.lang == lang]
        _url(root, config, index_path(lang), _newest(in_lang), languages, index_path, CHOOSER)
    for versions in articles:
        published = tuple(v.lang for v in versions)
        for version in versions:
            def path(lang: str, slug: str = version.slug) -> str:
                return article_path(lang, slug)
            _url(root, config, path(version.lang), _modified(version), published, path)
    return _serialize(root)


def _url(root: etree._Element, config: Config, target: str, modified: datetime | None, languages: tuple[str, ...],
         path: PathOf, x_default: str | None = None) -> None:
    url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
    etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = absolute(config, target)
    if modified:
        etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = modified.isoformat(timespec="seconds")
    for lang, other in alternate_targets(config, languages, path, x_default):
        etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=absolute(config, other))


def news_sitemap(config: Config, articles: tuple[Listings, ...]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for version in recent(articles)[:NEWS_LIMIT]:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = absolute(config, article_path(version.lang, version.slug))
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(publication, f"{{{NEWS_NS}}}name").text = config.provider
        etree.SubElement(publication, f"{{{NEWS_NS}}}language").text = version.lang
        etree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = version.published.isoformat(
            timespec="seconds")
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = plain_text(version.headline.text)
    return _serialize(root)


def recent(articles: tuple[Listings, ...]) -> list[Listing]:
    """Every language version published within 48 hours before the newest story (articles come newest first)."""
    everything = [v for versions in articles for v in versions]
    if not everything:
        return []
    start = max(v.published for v in everything) - NEWS_WINDOW
    return [v for v in everything if v.published >= start]


def robots(sitemaps: tuple[str, ...]) -> bytes:
    lines = ["User-agent: *", "Allow: /", ""] + [f"Sitemap: {url}" for url in sitemaps]
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _newest(versions: list[Listing]) -> datetime | None:
    return max((_modified(v) for v in versions), default=None)


def _modified(version: Listing) -> datetime:
    return version.updated or version.published


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
