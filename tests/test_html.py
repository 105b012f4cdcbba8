"""The HTML exporter: pages, links, fallback marking, metadata, the toolkit's own words, and the Nu checker."""

from __future__ import annotations

import json
import posixpath
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from hypothesis import assume, given, settings, strategies as st
from babel.messages.extract import extract_from_dir
from babel.dates import format_skeleton
from babel.messages.pofile import read_po

from publisher import po, i18n
from publisher.build import build
from publisher.config import load_config
from publisher.exporters import addresses, linked_data
from markupsafe import escape

from publisher.exporters.html_text import escape_html, sentences_html, text_html
from publisher.localedata import dateline, dateline_date
from publisher.model import Text
from tests.helpers import ROOT, copy_bundled_project, make_project, translate
from tests.validators import gettext_tool, java, vnu_jar

BODY = """\
Kazakhstan and Belarus are *key* partners. The projects are worth more than $200 million.

## Energy

> “We will have to get to grips with it,” he said.

Fields for cooperation:

- nuclear power
- [education](https://www.belta.by/)

A referendum is scheduled for 6 October 2024.
"""
MISSING = "The projects are worth more than $200 million."
NAMES = {"Minsk": "Минск", "BelTA": "БЕЛТА"}
LANGUAGES = ("en", "ru", "be", "kk")
SLUG = "kazakhstan-belarus-allies"


def build_html(root: Path, **options) -> Path:
    report = build(load_config(root), ("html",), **options)
    assert not report.held_back, report.held_back
    return root / "output" / "html"


def page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def json_ld(doc: lxml.html.HtmlElement) -> dict:
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A test story in four languages; Kazakh lacks one sentence, so it falls back to English."""
    root = make_project(tmp_path_factory.mktemp("story"), body=BODY)
    translate(root, "ru", NAMES, default="RU {msgid}")
    translate(root, "be", NAMES, default="BE {msgid}")
    translate(root, "kk", {**NAMES, MISSING: ""}, default="ҚК {msgid}")
    return build_html(root)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    """The repository's own article, built with the README's command into a copy of the project."""
    root = copy_bundled_project(tmp_path_factory.mktemp("bundled"))
    subprocess.run([sys.executable, "-m", "publisher", "build", "--format", "html", "-C", str(root)], check=True, capture_output=True)
    return root


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_bundled_article_gives_four_pages_and_five_indexes(bundled):
    html = bundled / "output" / "html"
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html"))
    assert pages == sorted([f"{lang}/{SLUG}.html" for lang in LANGUAGES]
                           + [f"{lang}/index.html" for lang in LANGUAGES] + ["index.html"])


def test_the_kazakh_dateline_is_the_catalogue_place_and_babels_kk_date(bundled):
    kk = po.translations(po.read(po.catalog_path(bundled / "locales", "kk", SLUG)))
    expected = dateline(kk[("dateline.place", "Minsk")], kk[("dateline.agency", "BelTA")], date(2024, 9, 5), "kk")
    doc = page(bundled / "output" / "html" / "kk" / f"{SLUG}.html")
    assert doc.find_class("dateline")[0].text_content() == expected
    assert "5 қыркүйек" in expected


def test_each_page_declares_its_language_and_shows_the_article(site):
    for lang in LANGUAGES:
        doc = page(site / lang / "test-story.html")
        assert doc.get("lang") == lang
        body = doc.find("body").text_content()
        prefix = {"en": "", "ru": "RU ", "be": "BE ", "kk": "ҚК "}[lang]
        assert f"{prefix}Test headline" in doc.findtext(".//h1")
        assert doc.xpath("//h2")[0].text_content() == f"{prefix}Energy"
        quote = doc.xpath("//blockquote/p")[0].text_content()
        assert quote == f"{prefix}“We will have to get to grips with it,” he said."
        items = [li.text_content() for li in doc.xpath("//main//ul/li")]
        assert items == [f"{prefix}nuclear power", f"{prefix}education"]
        assert doc.xpath("//main//ul//a/@href") == ["https://www.belta.by/"]
        assert doc.xpath("//em")[0].text == "key"
        assert "6 October 2024" in body


def test_the_english_dateline_reads_as_the_wire_writes_it(site):
    doc = page(site / "en" / "test-story.html")
    assert doc.find_class("dateline")[0].text_content() == "MINSK, 5 September (BelTA) –"


@pytest.mark.parametrize("locale", ["en", "en_GB", "ru_RU", "be_BY", "kk_KZ", "uk_UA", "de_DE", "fr_FR", "ja_JP", "ar_EG"])
def test_a_datelines_day_is_what_babels_skeleton_formatting_writes(locale):
    # dateline_date finds the locale's pattern once; format_skeleton matches the skeleton on every call.
    days = [date(2024, 1, 1), date(2024, 2, 29), date(2024, 9, 5), date(2025, 12, 31)]
    assert [dateline_date(day, locale) for day in days] == [format_skeleton("dMMMM", day, locale=locale)
                                                            for day in days]


def test_a_missing_translation_shows_the_english_sentence_marked_en(site):
    doc = page(site / "kk" / "test-story.html")
    (fallback,) = doc.find_class("fallback")
    assert (fallback.tag, fallback.get("lang"), fallback.text_content()) == ("span", "en", MISSING)
    assert doc.find_class("completeness")[0].text_content().startswith("Мақаланың 92% бөлігі аударылған.")
    assert not page(site / "ru" / "test-story.html").find_class("completeness")


def test_no_fallback_leaves_the_incomplete_language_out(tmp_path):
    root = make_project(tmp_path, body=BODY)
    translate(root, "ru", default="RU {msgid}")
    translate(root, "kk", {MISSING: ""}, default="ҚК {msgid}")
    report = build(load_config(root), ("html",), fallback=False)
    html = root / "output" / "html"
    assert {(h.lang, h.format) for h in report.held_back} == {("kk", "html"), ("be", "html")}
    assert not (html / "kk").exists()
    switcher = page(html / "ru" / "test-story.html").xpath('//nav[@class="languages"]//a/@hreflang')
    assert switcher == ["en"]


def test_a_msgstr_with_markup_is_shown_as_text(tmp_path):
    root = make_project(tmp_path, body=BODY)
    attack = "<script>alert(1)</script></script><!-- <b>bold</b>"
    translate(root, "ru", {"Test headline": attack}, default="RU {msgid}")
    path = build_html(root, languages=("en", "ru")) / "ru" / "test-story.html"
    doc = page(path)
    assert doc.findtext(".//h1") == attack
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//b")
    assert json_ld(doc)["headline"] == attack
    raw = path.read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


_JSON_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | _JSON_TEXT,
                            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4),
                            max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_JSON_TEXT, _JSON_VALUES, max_size=6))
def test_json_ld_is_written_as_json_dumps_would_indent_it(data):
    """The script's text is json.dumps(ensure_ascii=False, indent=2)'s (publisher.jsontext, which the wire's
    ninjs documents use too), then made safe in <script>."""
    expected = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, indent=2)
    expected = expected.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert str(linked_data.script(data)) == expected


def test_inline_markdown_becomes_tags_and_every_other_character_is_escaped():
    text = Text("<b>&\"'</b> *em* **bold _in_** `<code>` [a & *b*](https://x.example/?q='1'&b=\"2\")", "ru")
    words = "&lt;b&gt;&amp;&#34;&#39;&lt;/b&gt; <em>em</em> <strong>bold <em>in</em></strong> <code>&lt;code&gt;</code> "
    assert text_html(text, "ru") == (
        words + '<a href="https://x.example/?q=&#39;1&#39;&amp;b=%222%22">a &amp; <em>b</em></a>')
    assert text_html(text, "ru", links=False) == words + "a &amp; <em>b</em>"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("&<>'\"a; #x\u00a0ы"), max_size=12) | st.text(max_size=30))
def test_the_text_escape_is_markupsafes_own(value):
    assert escape_html(value) == str(escape(value))


_SEGMENTS = st.sampled_from(["html", "ru", "kk", "x", "a.b", "..", ".", "", "index.html", "pictures"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=5).map("/".join), st.lists(_SEGMENTS, max_size=2).map("/".join))
def test_a_relative_link_is_what_relpath_gives(target, here):
    start = posixpath.join("html", here)
    assume(target and not target.startswith("/") and not here.startswith("/"))
    assume(not posixpath.normpath(target).startswith("..") and not posixpath.normpath(start).startswith(".."))
    addresses.relative.cache_clear()
    assert addresses.relative(target, here) == posixpath.relpath(target, start)


def test_text_in_another_language_carries_its_lang_and_a_fallback_its_class():
    texts = [Text("One.", "kk"), Text("Two <i>.", "en", fallback=True), Text("Three.", "en")]
    assert sentences_html(texts, "kk") == (
        'One. <span lang="en" class="fallback">Two &lt;i&gt;.</span> <span lang="en">Three.</span>')


def test_the_reading_time_uses_each_languages_plural_forms(site):
    ru = i18n.translations("ru")
    forms = [ru.ngettext("Reading time: %(num)d minute", "Reading time: %(num)d minutes", n) % {"num": n}
             for n in (1, 3, 5, 11, 21, 22)]
    assert forms == ["Время чтения: 1 минута", "Время чтения: 3 минуты", "Время чтения: 5 минут",
                     "Время чтения: 11 минут", "Время чтения: 21 минута", "Время чтения: 22 минуты"]
    expected = {"en": "Reading time: 1 minute", "ru": "Время чтения: 1 минута", "be": "Час чытання: 1 хвіліна",
                "kk": "Оқу уақыты: 1 минут"}
    for lang, words in expected.items():
        assert words in page(site / lang / "test-story.html").find_class("meta")[0].text_content()


def test_the_language_index_lists_headline_summary_and_localized_date(site):
    doc = page(site / "ru" / "index.html")
    assert doc.findtext(".//h1") == "Новости"
    (item,) = doc.xpath('//ol[@class="articles"]/li')
    assert item.xpath(".//h2/a/@href") == ["test-story.html"]
    assert item.findtext(".//time") == "5 сентября 2024\u202fг."
    assert item.find_class("summary")[0].text_content() == "RU A short summary of the test story."


def test_the_chooser_names_each_language_in_itself(site):
    doc = page(site / "index.html")
    links = [(a.get("href"), a.get("lang"), a.text) for a in doc.xpath("//main//a")]
    assert links == [("en/index.html", "en", "English"), ("ru/index.html", "ru", "русский"),
                     ("be/index.html", "be", "беларуская"), ("kk/index.html", "kk", "қазақ тілі")]


# --- Links and metadata ------------------------------------------------------------------------------------


def test_every_link_is_relative_and_reaches_a_built_file(site):
    for path in site.rglob("*.html"):
        doc = page(path)
        for href in doc.xpath("//link/@href | //a/@href"):
            if href == "https://www.belta.by/":  # the article's own link
                continue
            assert "://" not in href and not href.startswith("/"), (path, href)
            assert (path.parent / href).resolve().is_file(), (path, href)


def test_switcher_alternates_and_og_locales_cover_every_language(site):
    doc = page(site / "be" / "test-story.html")
    switcher = doc.xpath('//nav[@class="languages"]//a')
    assert [(a.get("href"), a.text) for a in switcher] == [
        ("../en/test-story.html", "English"), ("../ru/test-story.html", "русский"),
        ("../kk/test-story.html", "қазақ тілі")]
    alternates = dict(zip(doc.xpath('//link[@rel="alternate"][@hreflang]/@hreflang'),
                          doc.xpath('//link[@rel="alternate"][@hreflang]/@href')))
    assert alternates == {"en": "../en/test-story.html", "ru": "../ru/test-story.html", "be": "test-story.html",
                          "kk": "../kk/test-story.html", "x-default": "../en/test-story.html"}
    assert doc.xpath('//link[@rel="canonical"]/@href') == ["test-story.html"]
    assert doc.xpath('//meta[@property="og:locale"]/@content') == ["be_BY"]
    assert doc.xpath('//meta[@property="og:locale:alternate"]/@content') == ["en_GB", "ru_RU", "kk_KZ"]
    assert not doc.xpath('//meta[@property="og:url"]')


def test_json_ld_is_a_news_article_linked_to_its_translations(site):
    for lang in LANGUAGES:
        path = site / lang / "test-story.html"
        data = json_ld(page(path))
        assert (data["@context"], data["@type"], data["inLanguage"]) == ("https://schema.org", "NewsArticle", lang)
        assert data["datePublished"] == "2024-09-05T12:00:00+03:00"
        assert data["headline"].endswith("Test headline")
        links = data["workTranslation"] if lang == "en" else [data["translationOfWork"]]
        assert [link["inLanguage"] for link in links] == (["ru", "be", "kk"] if lang == "en" else ["en"])
        for link in links:
            assert (path.parent / link["@id"]).resolve() == site / link["inLanguage"] / "test-story.html"


def test_base_url_makes_canonical_addresses_absolute_and_keeps_navigation_relative(tmp_path):
    root = make_project(tmp_path, body=BODY, extra_settings='base_url = "https://news.example/world/"')
    translate(root, "ru", default="RU {msgid}")
    doc = page(build_html(root, languages=("en", "ru")) / "ru" / "test-story.html")
    assert doc.xpath('//link[@rel="canonical"]/@href') == ["https://news.example/world/ru/test-story.html"]
    assert doc.xpath('//meta[@property="og:url"]/@content') == ["https://news.example/world/ru/test-story.html"]
    assert doc.xpath('//link[@hreflang="x-default"]/@href') == ["https://news.example/world/en/test-story.html"]
    assert json_ld(doc)["translationOfWork"]["@id"] == "https://news.example/world/en/test-story.html"
    assert doc.xpath('//nav[@class="languages"]//a/@href') == ["../en/test-story.html"]


# --- Theme ---------------------------------------------------------------------------------------------------


def test_a_project_template_folder_replaces_theme_files(tmp_path):
    root = make_project(tmp_path, body=BODY, extra_settings='templates_dir = "theme"')
    (root / "theme").mkdir()
    (root / "theme" / "style.css").write_text("body { color: teal; }\n", encoding="utf-8")
    html = build_html(root, languages=("en",))
    assert (html / "style.css").read_text(encoding="utf-8") == "body { color: teal; }\n"
    assert page(html / "en" / "test-story.html").find_class("dateline")  # the rest is still the package theme


def test_the_same_input_gives_the_same_bytes(tmp_path):
    root = make_project(tmp_path, body=BODY)
    translate(root, "kk", {MISSING: ""}, default="ҚК {msgid}")
    first = {p: p.read_bytes() for p in build_html(root, languages=("en", "kk")).rglob("*") if p.is_file()}
    build(replace(load_config(root), output_dir="again"), ("html",), languages=("en", "kk"))
    again = root / "again" / "html"
    assert {p: p.read_bytes() for p in again.rglob("*") if p.is_file()} == {
        again / p.relative_to(root / "output" / "html"): data for p, data in first.items()}


# --- The toolkit's own words -----------------------------------------------------------------------------------


def test_the_ui_template_holds_every_string_of_the_theme():
    method_map = [("publisher/templates/**.html", "jinja2"), ("publisher/exporters/**.py", "python")]
    extracted = {msg[2] if isinstance(msg[2], str) else msg[2][0] for msg in extract_from_dir(ROOT, method_map)}
    with open(ROOT / "publisher" / "locale" / "publisher.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted == template


@pytest.mark.parametrize("lang", ["ru", "be", "kk"])
def test_every_ui_string_is_translated_with_all_plural_forms(lang):
    with open(ROOT / "publisher" / "locale" / lang / "LC_MESSAGES" / "publisher.po", "rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert catalog.num_plurals == {"ru": 3, "be": 3, "kk": 2}[lang]
    for message in catalog:
        if message.id:
            strings = message.string if message.pluralizable else (message.string,)
            assert len(strings) == (catalog.num_plurals if message.pluralizable else 1)
            assert all(strings) and not message.fuzzy, message.id
    msgfmt = gettext_tool("msgfmt")
    subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(ROOT / "publisher" / "locale" / lang / "LC_MESSAGES"
                                                       / "publisher.po")], check=True)


# --- The W3C Nu checker ------------------------------------------------------------------------------------------


def test_every_page_passes_the_nu_checker(site, bundled):
    jar = vnu_jar()
    pages = sorted(site.rglob("*.html")) + sorted((bundled / "output" / "html").rglob("*.html"))
    result = subprocess.run([java(), "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True)
    messages = json.loads(result.stderr)["messages"]
    assert messages == [], json.dumps(messages, ensure_ascii=False, indent=2)
    assert len(pages) == 18


# --- The theme's article page in Python (html_page) against Jinja's rendering of the templates ---


def _versions(root: Path):
    """Every language version of every article of a project, as a build localizes them."""
    from publisher import build as building
    from publisher.project import load_articles
    config = load_config(root)
    for article in load_articles(config):
        catalogues = building._read_catalogues(config, article, config.languages)
        yield config, building._localize_all(config, article, config.languages, catalogues)[0]


def _assert_python_page_is_jinjas(config, version) -> None:
    from publisher.exporters import html
    python, jinja = html._render_article(version, config), html._render_article(version, config, jinja=True)
    assert python.decode("utf-8").splitlines() == jinja.decode("utf-8").splitlines()
    assert python == jinja


@pytest.fixture(scope="module")
def pictured_project(tmp_path_factory) -> Path:
    """Every kind of block, a lead picture and one in the body, base_url (Open Graph images and
    addresses), and a language with a fallback."""
    from tests.test_pictures import BASE, EVERY_KIND, RU, pictured
    root = tmp_path_factory.mktemp("pictured")
    pictured(root, body=EVERY_KIND, extra_settings=f'base_url = "{BASE}"')
    translate(root, "ru", RU, default="RU {msgid}")
    translate(root, "be", RU, default="BE & <{msgid}>")
    translate(root, "kk", {**RU, "first": "", "Timur Zhaxylykov speaks at a round table in Minsk": ""},
              default="ҚК {msgid}")
    return root


def test_the_theme_article_page_is_jinjas_for_the_bundled_pictured_and_benchmark_articles(pictured_project,
                                                                                          tmp_path):
    from benchmarks.corpus import generate
    generate(tmp_path, 6, seed_value=11)
    pages = 0
    for root in (ROOT, pictured_project, tmp_path):
        for config, versions in _versions(root):
            for version in versions:
                _assert_python_page_is_jinjas(config, version)
                pages += 1
    assert pages == 4 * 8


_TEXTS = st.text(alphabet="aбҚ &<>\"'*_`[]()!#\\\n:/.", max_size=40).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_theme_article_page_is_jinjas_whatever_the_page_holds(pictured_project, data):
    """Every branch of the templates: with and without a summary, an update, a partial
    translation, pictures, switcher, copyright notice and base_url; any text, markup included."""
    from publisher.model import Completeness, LocalizedBlock
    config, versions = next(_versions(pictured_project))
    version = data.draw(st.sampled_from(versions))
    lang = data.draw(st.sampled_from(["en", "ru", version.lang]))
    text = st.builds(Text, _TEXTS, st.just(lang), st.booleans())
    article = version.article
    if data.draw(st.booleans()):
        article = replace(article, updated=article.published.replace(year=2025))
    blocks = version.blocks
    if data.draw(st.booleans()):  # a body that opens with another kind of block than a paragraph
        blocks = (LocalizedBlock("heading", (data.draw(text),), level=2),) + blocks
    if data.draw(st.booleans()):
        blocks = tuple(b for b in blocks if b.kind != "figure")
    version = replace(version, article=article, headline=data.draw(text), byline=data.draw(text), blocks=blocks,
                      summary=data.draw(st.none() | text), keywords=tuple(data.draw(st.lists(text, max_size=3))),
                      picture=version.picture if data.draw(st.booleans()) else None,
                      completeness=Completeness(data.draw(st.integers(0, 10)), 10),
                      languages=data.draw(st.sampled_from([version.languages, (version.lang,)])))
    config = replace(config, copyright_notice=data.draw(st.sampled_from(["", config.copyright_notice, "© A & <B>"])),
                     provider=data.draw(st.sampled_from([config.provider, "Q&A \"News\""])),
                     base_url=data.draw(st.sampled_from([config.base_url, None])))
    _assert_python_page_is_jinjas(config, version)


def test_a_project_that_replaces_a_theme_template_gets_its_own(tmp_path):
    """html_page stands for base.html, article.html and macros.html: a project's own copy of any
    of them is what its article pages are made with."""
    copy_bundled_project(tmp_path)
    (tmp_path / "theme").mkdir()
    theme = (ROOT / "publisher" / "templates" / "base.html").read_text(encoding="utf-8")
    (tmp_path / "theme" / "base.html").write_text(theme.replace("<main>", '<main class="own">'), encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("[tool.publisher]\n",
                                                                       '[tool.publisher]\ntemplates_dir = "theme"\n'),
                         encoding="utf-8")
    build(load_config(tmp_path), ("html",))
    for lang in ("en", "ru", "be", "kk"):
        assert '<main class="own">' in (tmp_path / "output" / "html" / lang / "kazakhstan-belarus-allies.html").read_text()


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.builds(lambda texts: (texts, ()), st.lists(_TEXTS | st.sampled_from(["", " ", "a\u00a0b"]), max_size=3)),
                    lambda children: st.builds(lambda texts, kids: (texts, tuple(kids)),
                                               st.lists(_TEXTS, max_size=2), st.lists(children, max_size=3)),
                    max_leaves=8))
def test_the_reading_time_counts_the_words_of_the_body_joined(tree):
    from publisher.exporters.html import _words
    from publisher.inline import plain_text
    from publisher.model import LocalizedBlock

    def block(node):
        texts, kids = node
        return LocalizedBlock("paragraph", tuple(Text(t, "en") for t in texts), tuple(block(k) for k in kids))

    def joined(node):
        texts, kids = node
        return [plain_text(t) for t in texts] + [t for k in kids for t in joined(k)]

    assert _words((block(tree),)) == len(" ".join(joined(tree)).split())
