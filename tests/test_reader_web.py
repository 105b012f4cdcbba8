"""What search engines, aggregators and feed readers take from the site: sitemaps, robots.txt, Atom
feeds (read with feedparser), JSON-LD and Open Graph, and the text an article extractor keeps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.robotparser
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from PIL import Image

from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from tests.helpers import copy_bundled_project, make_project, run_update, translate, write_article

BASE = "https://news.example/"
LANGUAGES = ("en", "ru", "be", "kk")
SLUG = "kazakhstan-belarus-allies"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# Three stories: the newest, one 47 hours older (inside the news window), one 49 hours older (outside).
STORIES = {"test-story": "2024-09-05T12:00:00+03:00", "second-story": "2024-09-03T13:00:00+03:00",
           "old-story": "2024-09-03T11:00:00+03:00"}


def built(root: Path) -> Path:
    build(load_config(root), ("html",))
    return root / "output" / "html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Three stories: ru and kk translated (kk leaves one story out), be not at all (held back)."""
    root = make_project(tmp_path_factory.mktemp("site"), extra_settings=f'base_url = "{BASE}"')
    for slug, published in STORIES.items():
        path = write_article(root, slug, headline=f"Headline of {slug}")
        path.write_text(path.read_text().replace("2024-09-05T12:00:00+03:00", published))
    (root / "source" / "test-story.md").write_text(
        (root / "source" / "test-story.md").read_text().replace("published:", "updated: 2024-09-06T08:30:00+03:00\n"
                                                                "published:"))
    run_update(root)
    for slug in STORIES:
        translate(root, "ru", {"BelTA": "БЕЛТА"}, slug=slug, default="RU {msgid}")
        if slug != "old-story":
            translate(root, "kk", {"BelTA": "БЕЛТА"}, slug=slug, default="ҚК {msgid}")
    return built(root)


def url_to_path(html: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return html / url.removeprefix(BASE)


def published_pages(html: Path) -> set[Path]:
    return set(html.rglob("*.html"))


# --- sitemap.xml ---------------------------------------------------------------------------------------


def sitemap_urls(html: Path) -> dict[str, dict[str, str]]:
    """loc → {hreflang: href}"""
    root = etree.parse(str(html / "sitemap.xml")).getroot()
    assert root.tag == f"{SM}urlset"
    urls = {}
    for url in root.iterfind(f"{SM}url"):
        loc = url.findtext(f"{SM}loc")
        assert loc not in urls, f"{loc} listed twice"
        assert RFC3339.match(url.findtext(f"{SM}lastmod")), url.findtext(f"{SM}lastmod")
        urls[loc] = {link.get("hreflang"): link.get("href") for link in url.iterfind(f"{XHTML}link")
                     if link.get("rel") == "alternate"}
    return urls


def test_the_sitemap_lists_every_page_once_with_reciprocal_alternates(site):
    urls = sitemap_urls(site)
    assert {url_to_path(site, loc) for loc in urls} == published_pages(site)
    for loc, alternates in urls.items():
        assert loc in alternates.values(), f"{loc} does not name itself"
        assert "x-default" in alternates
        for lang, href in alternates.items():
            assert url_to_path(site, href).is_file(), href
            if lang != "x-default":
                assert urls[href] == alternates, f"{href} and {loc} disagree on their alternates"
    assert set(urls[f"{BASE}en/old-story.html"]) == {"en", "ru", "x-default"}
    assert urls[f"{BASE}kk/test-story.html"]["x-default"] == f"{BASE}en/test-story.html"
    assert urls[f"{BASE}ru/index.html"]["x-default"] == f"{BASE}index.html"


def test_the_sitemap_dates_are_the_stories_last_changes(site):
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    lastmod = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iterfind(f"{SM}url")}
    assert lastmod[f"{BASE}ru/test-story.html"] == "2024-09-06T08:30:00+03:00"
    assert lastmod[f"{BASE}ru/old-story.html"] == "2024-09-03T11:00:00+03:00"
    assert lastmod[f"{BASE}index.html"] == lastmod[f"{BASE}kk/index.html"] == "2024-09-06T08:30:00+03:00"


# --- The Google News sitemap --------------------------------------------------------------------------


def test_the_news_sitemap_holds_the_48_hours_before_the_newest_story(site):
    root = etree.parse(str(site / "news-sitemap.xml")).getroot()
    entries = {}
    for url in root.iterfind(f"{SM}url"):
        news = url.find(f"{NEWS}news")
        entries[url.findtext(f"{SM}loc")] = (news.findtext(f"{NEWS}publication/{NEWS}name"),
                                             news.findtext(f"{NEWS}publication/{NEWS}language"),
                                             news.findtext(f"{NEWS}publication_date"), news.findtext(f"{NEWS}title"))
    newest = datetime.fromisoformat(STORIES["test-story"])
    expected = {f"{BASE}{lang}/{slug}.html" for slug, when in STORIES.items() for lang in ("en", "ru", "kk")
                if newest - datetime.fromisoformat(when) <= timedelta(hours=48) and (lang, slug) != ("kk", "old-story")}
    assert set(entries) == expected and len(expected) == 6
    assert entries[f"{BASE}ru/second-story.html"] == ("BelTA", "ru", STORIES["second-story"],
                                                       "RU Headline of second-story")


# --- robots.txt ------------------------------------------------------------------------------------------


def test_robots_txt_lets_crawlers_in_and_names_both_sitemaps(site):
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((site / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [f"{BASE}sitemap.xml", f"{BASE}news-sitemap.xml"]
    assert robots.can_fetch("Googlebot", f"{BASE}ru/test-story.html")


def test_without_base_url_the_build_says_so_once_and_writes_no_sitemap(tmp_path):
    root = make_project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(root), "--format", "html"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "base_url" in line]
    assert notes == ["note: base_url is not set: canonical and hreflang links stay relative and no sitemap is "
                     "written; set base_url in [tool.publisher] to the address output/html is served at"]
    html = root / "output" / "html"
    assert not (html / "sitemap.xml").exists() and not (html / "news-sitemap.xml").exists()
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((html / "robots.txt").read_text().splitlines())
    assert robots.site_maps() is None and robots.can_fetch("*", "/en/test-story.html")
    assert not build(load_config(root), ("xhtml",)).notes, "a build without web pages needs no address"


def test_a_base_url_that_is_not_a_site_address_is_refused(tmp_path):
    root = make_project(tmp_path)
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text() + 'base_url = "news.example/world"\n')
    with pytest.raises(PublisherError, match="base_url: 'news.example/world' is not an http or https address"):
        load_config(root)


# --- Atom feeds ----------------------------------------------------------------------------------------------


def test_each_language_has_a_feed_that_feedparser_reads_without_complaint(site):
    for lang, stories in (("en", 3), ("ru", 3), ("kk", 2)):
        parsed = feedparser.parse((site / lang / "atom.xml").read_bytes(), response_headers={
            "content-location": f"{BASE}{lang}/atom.xml", "content-type": "application/atom+xml"})
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        assert parsed.feed.language == lang
        assert parsed.feed.title == {"en": "News – BelTA", "ru": "Новости – BelTA", "kk": "Жаңалықтар – BelTA"}[lang]
        assert [e.title for e in parsed.entries] == [
            f"{'' if lang == 'en' else {'ru': 'RU ', 'kk': 'ҚК '}[lang]}Headline of {slug}"
            for slug in list(STORIES)[:stories]]
        for entry in parsed.entries:
            assert url_to_path(site, entry.link).is_file()
            assert entry.id.startswith("urn:uuid:")
            assert entry.content[0].type == "application/xhtml+xml"
            assert "MINSK" in entry.content[0].value or "ҚК MINSK" in entry.content[0].value
        assert not (site / "be" / "atom.xml").exists()


def test_feeds_follow_rfc_4287(site):
    """RFC 4287 §4.1.1–4.1.2: a feed has one id, title and updated, an author (or every entry
    has one), at most one alternate link per type and hreflang; entries have one id, title,
    updated; dates are RFC 3339 (§3.3); ids are absolute IRIs (§4.2.6); xhtml content is one div (§4.1.3)."""
    ids = set()
    for lang in ("en", "ru", "kk"):
        feed = etree.parse(str(site / lang / "atom.xml")).getroot()
        assert feed.tag == f"{ATOM}feed"
        for element in (feed, *feed.iterfind(f"{ATOM}entry")):
            for name in ("id", "title", "updated"):
                assert len(element.findall(f"{ATOM}{name}")) == 1, (lang, name)
            assert RFC3339.match(element.findtext(f"{ATOM}updated"))
            alternates = [(link.get("type"), link.get("hreflang")) for link in element.iterfind(f"{ATOM}link")
                          if link.get("rel") == "alternate"]
            assert len(alternates) == len(set(alternates)) == 1
            assert re.match(r"^[a-z][a-z0-9+.-]*:", element.findtext(f"{ATOM}id"))
            ids.add(element.findtext(f"{ATOM}id"))
        assert feed.find(f"{ATOM}author/{ATOM}name").text == {"en": "BelTA"}.get(lang, "БЕЛТА")
        assert [link.get("href") for link in feed.iterfind(f"{ATOM}link[@rel='self']")] == [f"{BASE}{lang}/atom.xml"]
        for entry in feed.iterfind(f"{ATOM}entry"):
            assert RFC3339.match(entry.findtext(f"{ATOM}published"))
            (content,) = entry.findall(f"{ATOM}content")
            assert content.get("type") == "xhtml" and [c.tag for c in content] == [f"{XHTML}div"]
    assert len(ids) == 3 + 3 * 3 - 1, "every feed and entry id is its own"


def test_feed_ids_do_not_depend_on_the_address(site, tmp_path):
    root = make_project(tmp_path, extra_settings='base_url = "https://elsewhere.example/news/"')  # same story
    moved = feedparser.parse((built(root) / "en" / "atom.xml").read_bytes())
    here = feedparser.parse((site / "en" / "atom.xml").read_bytes())
    assert moved.entries[0].id == here.entries[0].id
    assert moved.entries[0].link == "https://elsewhere.example/news/en/test-story.html"


def test_every_page_links_the_feed_of_its_language(site):
    for page in published_pages(site):
        doc = lxml.html.fromstring(page.read_bytes())
        feeds = doc.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')
        expected = ([f"{lang}/atom.xml" for lang in ("en", "ru", "kk")] if page == site / "index.html"
                    else ["atom.xml"])
        assert feeds == expected, page
        assert all((page.parent / href).is_file() for href in feeds)


# --- JSON-LD and Open Graph -----------------------------------------------------------------------------


def head(path: Path) -> tuple[lxml.html.HtmlElement, dict]:
    doc = lxml.html.fromstring(path.read_bytes())
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    return doc, json.loads(script.text)


def meta(doc: lxml.html.HtmlElement, prop: str) -> list[str]:
    return doc.xpath(f'//meta[@property="{prop}"]/@content | //meta[@name="{prop}"]/@content')


def test_articles_carry_what_googles_article_documentation_asks(site):
    doc, data = head(site / "ru" / "test-story.html")
    assert data["@type"] == "NewsArticle" and data["headline"] == "RU Headline of test-story"
    assert (data["datePublished"], data["dateModified"]) == ("2024-09-05T12:00:00+03:00", "2024-09-06T08:30:00+03:00")
    (author,) = data["author"]
    publisher = data["publisher"]
    assert author == publisher, "the agency that signs the story is the publisher: one entity"
    assert (publisher["name"], publisher["alternateName"], publisher["url"]) == ("БЕЛТА", "BelTA", f"{BASE}index.html")
    logo = publisher["logo"]
    with Image.open(url_to_path(site, logo["url"])) as image:
        assert image.size == (logo["width"], logo["height"]) and min(image.size) >= 112
    assert data["dateline"] == "RU MINSK, 5 сентября (БЕЛТА)"
    assert meta(doc, "og:url") == [f"{BASE}ru/test-story.html"] and meta(doc, "og:type") == ["article"]
    assert meta(doc, "article:modified_time") == ["2024-09-06T08:30:00+03:00"]
    assert meta(doc, "article:tag") == ["RU Belarus"]


def test_an_article_signed_by_a_person_names_the_person(tmp_path):
    root = make_project(tmp_path, extra_settings=f'base_url = "{BASE}"')
    story = root / "source" / "test-story.md"
    story.write_text(story.read_text().replace("byline: BelTA", "byline: Natalya Yurova"))
    _, data = head(built(root) / "en" / "test-story.html")
    assert data["author"] == [{"@type": "Person", "name": "Natalya Yurova"}]
    assert data["publisher"]["name"] == "BelTA"


def test_every_index_has_description_canonical_open_graph_and_json_ld(site):
    for lang in ("en", "ru", "kk"):
        doc, data = head(site / lang / "index.html")
        assert doc.xpath('//link[@rel="canonical"]/@href') == [f"{BASE}{lang}/index.html"]
        (description,) = meta(doc, "description")
        assert description == {"en": "The latest news from BelTA.", "ru": "Последние новости BelTA.",
                               "kk": "BelTA соңғы жаңалықтары."}[lang]
        assert meta(doc, "og:description") == [description] and meta(doc, "og:url") == [f"{BASE}{lang}/index.html"]
        assert meta(doc, "og:image") == [f"{BASE}icon-512.png"]
        assert (data["@type"], data["inLanguage"], data["description"]) == ("CollectionPage", lang, description)
        items = data["mainEntity"]["itemListElement"]
        assert [i["url"] for i in items] == [f"{BASE}{lang}/{slug}.html" for slug in STORIES
                                             if (lang, slug) != ("kk", "old-story")]


def test_the_root_names_every_language_index_and_itself_as_x_default(site):
    doc, data = head(site / "index.html")
    alternates = dict(zip(doc.xpath('//link[@rel="alternate"][@hreflang]/@hreflang'),
                          doc.xpath('//link[@rel="alternate"][@hreflang]/@href')))
    assert alternates == {"en": f"{BASE}en/index.html", "ru": f"{BASE}ru/index.html", "kk": f"{BASE}kk/index.html",
                          "x-default": f"{BASE}index.html"}
    assert meta(doc, "description") == ["News from BelTA in English, Russian and Kazakh."]
    assert (data["@type"], data["inLanguage"]) == ("WebSite", ["en", "ru", "kk"])
    for lang in ("ru", "kk"):
        index, _ = head(site / lang / "index.html")
        assert index.xpath('//link[@hreflang="x-default"]/@href') == [f"{BASE}index.html"]


def test_the_icons_and_manifest_come_from_the_theme(site):
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert (manifest["name"], manifest["lang"], manifest["start_url"]) == ("BelTA", "en", "index.html")
    for icon in manifest["icons"]:
        path = site / icon["src"]
        if icon["type"] == "image/png":
            with Image.open(path) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
        else:
            assert etree.parse(str(path)).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    doc = lxml.html.fromstring((site / "kk" / "test-story.html").read_bytes())
    for href in doc.xpath('//link[@rel="icon" or @rel="manifest" or @rel="apple-touch-icon"]/@href'):
        assert (site / "kk" / href).is_file(), href


# --- What an article extractor keeps -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    root = copy_bundled_project(tmp_path_factory.mktemp("bundled"))
    build(load_config(root), ("html",))
    return root / "output" / "html"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trafilatura_keeps_the_datelines_date(bundled, lang):
    trafilatura = pytest.importorskip("trafilatura")
    html = (bundled / lang / f"{SLUG}.html").read_text(encoding="utf-8")
    dateline = lxml.html.fromstring(html).find_class("dateline")[0].text_content()
    extracted = trafilatura.bare_extraction(html, with_metadata=True).as_dict()
    assert dateline in extracted["text"], (dateline, extracted["text"][:300])
    assert re.search(r"\b5\b", dateline), dateline
    assert extracted["date"] == "2024-09-05"
