"""EPUB 3 content documents and books: structure, languages, reproducibility, and EPUBCheck for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from publisher.build import build
from publisher.config import load_config
from tests.helpers import ROOT, make_project, translate, write_article
from tests.validators import ace, chromium_binary, epubcheck_jar, java

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORMATS = ("xhtml", "epub")
BUNDLED = "kazakhstan-belarus-allies"

BODY = """\
Kazakhstan and *Belarus* are **key** partners. See [the agency](https://www.belta.by/) and the archive.

## Energy

> He said: “We will have to get to grips with it.”

- Nuclear power, with `code` <script>alert(1)</script>.
- Forests.

1. Education.
"""
UNTRANSLATED = "He said: “We will have to get to grips with it.”"
# Every ru unit is translated as "RU <source>", except the quotation and one that looks like markup.
RU = {UNTRANSLATED: "", "Forests.": "Леса <i>и</i> поля."}
PUBLISHED_UTC = "2024-09-05T09:00:00Z"
UPDATED_UTC = "2024-09-06T05:30:00Z"


def build_into(root: Path, out: Path) -> Path:
    build(replace(load_config(root), output_dir=str(out)), FORMATS)
    return out


def files_under(folder: Path) -> dict[str, bytes]:
    """Every output file; not the build's own state in .build/, which records the files' stamps."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != ".build"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Two articles (the test story was updated, an older one was not); ru translated but for one unit,
    be and kk not at all (their gates let everything through, with fallback)."""
    root = make_project(tmp_path_factory.mktemp("project"), body=BODY,
                        extra_settings="gates = { xhtml = { min_translated = 0 }, epub = { min_translated = 0 } }")
    story = root / "source" / "test-story.md"
    story.write_text(story.read_text().replace("published:", "updated: 2024-09-06T08:30:00+03:00\npublished:"))
    older = write_article(root, "older-story", headline="Older headline")
    older.write_text(older.read_text().replace("2024-09-05T12:00", "2024-09-04T12:00"))
    translate(root, "ru", RU, default="RU {msgid}")
    translate(root, "ru", slug="older-story", default="RU {msgid}")
    return root


@pytest.fixture(scope="module")
def out(project, tmp_path_factory) -> Path:
    return build_into(project, tmp_path_factory.mktemp("out"))


def xhtml(out: Path, lang: str, slug: str = "test-story") -> etree._Element:
    return etree.parse(str(out / "xhtml" / lang / f"{slug}.xhtml")).getroot()


def book_entry(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as book:
        return etree.fromstring(book.read(name))


def package_document(path: Path) -> etree._Element:
    return book_entry(path, "EPUB/package.opf")


def text_of(node: etree._Element) -> str:
    return "".join(node.itertext())


def test_content_document_is_a_standalone_epub_xhtml_article(out):
    html = xhtml(out, "ru")
    assert html.tag == f"{XHTML}html" and html.nsmap["epub"] == "http://www.idpf.org/2007/ops"
    assert html.get(XML_LANG) == html.get("lang") == "ru"
    assert html.findtext(f"{XHTML}head/{XHTML}title") == "RU Test headline"
    assert html.find(f"{XHTML}head/{XHTML}link") is None, "a standalone document loads nothing"
    article = html.find(f"{XHTML}body/{XHTML}article")
    headline = article.find(f"{XHTML}header/{XHTML}h1")
    assert headline.text == "RU Test headline" and headline.get(EPUB_TYPE) == "title"
    dateline = article.find(f"{XHTML}header/{XHTML}p[@class='dateline']")
    assert text_of(dateline) == "RU MINSK, 5 сентября (RU BelTA) –"
    assert dateline.find(f"{XHTML}time").get("datetime") == "2024-09-05"
    assert [child.tag.removeprefix(XHTML) for child in article] == [
        "header", "p", "h2", "blockquote", "ul", "ol", "footer"]
    assert text_of(article.find(f"{XHTML}blockquote/{XHTML}p")) == UNTRANSLATED
    assert [text_of(li).strip() for li in article.iterfind(f"{XHTML}ul/{XHTML}li")] == [
        "RU Nuclear power, with code <script>alert(1)</script>.", "Леса <i>и</i> поля."]


def test_untranslated_units_fall_back_marked_with_the_source_language(out):
    article = xhtml(out, "ru").find(f"{XHTML}body/{XHTML}article")
    fallbacks = article.findall(f".//{XHTML}span[@class='fallback']")
    assert [text_of(span) for span in fallbacks] == [UNTRANSLATED]
    assert fallbacks[0].get(XML_LANG) == fallbacks[0].get("lang") == "en"
    assert article.find(f"{XHTML}footer/{XHTML}p").get("lang") == "en", "the copyright notice is in English"
    assert xhtml(out, "en").find(f".//{XHTML}span") is None


def test_inline_markup_becomes_elements_and_translations_stay_text(out):
    article = xhtml(out, "en").find(f"{XHTML}body/{XHTML}article")
    first = article.find(f"{XHTML}p")
    assert first.find(f"{XHTML}em").text == "Belarus" and first.find(f"{XHTML}strong").text == "key"
    links = first.findall(f"{XHTML}a")
    assert [(a.get("href"), a.text) for a in links] == [("https://www.belta.by/", "the agency")]
    assert text_of(first).endswith("and the archive.")
    assert article.find(f".//{XHTML}code").text == "code"
    ru = xhtml(out, "ru")
    assert ru.find(f".//{XHTML}script") is None and ru.find(f".//{XHTML}i") is None


def test_book_is_a_reproducible_ocf_zip(out):
    path = out / "epub" / "ru" / "test-story.epub"
    with zipfile.ZipFile(path) as book:
        entries = book.infolist()
        first = entries[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert book.read("mimetype") == b"application/epub+zip"
        assert [e.filename for e in entries[1:]] == [
            "META-INF/container.xml", "EPUB/package.opf", "EPUB/nav.xhtml", "EPUB/epub.css", "EPUB/cover.xhtml",
            "EPUB/cover.svg", "EPUB/text/test-story.xhtml"]
        assert {e.date_time for e in entries} == {(2024, 9, 6, 5, 30, 0)}, "from the article's update time"
        assert {e.external_attr >> 16 for e in entries} == {0o100644}
        container = etree.fromstring(book.read("META-INF/container.xml"))
    assert container.find(".//{*}rootfile").get("full-path") == "EPUB/package.opf"
    document = book_entry(path, "EPUB/text/test-story.xhtml")
    assert document.find(f"{XHTML}head/{XHTML}link").get("href") == "../epub.css"


def test_package_metadata_comes_from_the_article(out):
    package = package_document(out / "epub" / "ru" / "test-story.epub")
    metadata = package.find(f"{OPF}metadata")
    identifier = metadata.find(f"{DC}identifier")
    assert package.get("unique-identifier") == identifier.get("id")
    assert identifier.text.startswith("urn:uuid:")
    assert metadata.findtext(f"{DC}title") == "RU Test headline"
    assert metadata.findtext(f"{DC}language") == "ru"
    assert metadata.findtext(f"{DC}creator") == "RU BelTA"
    assert metadata.findtext(f"{DC}publisher") == "RU BelTA", "the agency as the catalogue names it, as creator"
    assert metadata.find(f"{DC}rights").get(XML_LANG) == "en"
    assert metadata.findtext(f"{DC}date") == PUBLISHED_UTC
    modified = metadata.findall(f"{OPF}meta[@property='dcterms:modified']")
    assert [m.text for m in modified] == [UPDATED_UTC]
    older = package_document(out / "epub" / "ru" / "older-story.epub").find(f"{OPF}metadata")
    assert older.findtext(f"{OPF}meta[@property='dcterms:modified']") == "2024-09-04T09:00:00Z"


def identifier(folder: Path, lang: str, name: str) -> str:
    return package_document(folder / "epub" / lang / f"{name}.epub").findtext(f".//{DC}identifier")


def test_identifiers_differ_by_article_and_language(out):
    books = [(lang, name) for lang in ("en", "ru") for name in ("test-story", "older-story", "edition")]
    assert len({identifier(out, lang, name) for lang, name in books}) == len(books)


def test_a_corrected_article_keeps_its_identifier(out, project, tmp_path):
    corrected = shutil.copytree(project, tmp_path / "corrected")
    story = corrected / "source" / "test-story.md"
    story.write_text(story.read_text().replace("key** partners", "close** partners"))
    again = build_into(corrected, tmp_path / "out")
    assert identifier(again, "ru", "test-story") == identifier(out, "ru", "test-story")
    assert files_under(again) != files_under(out)


def test_rebuild_gives_identical_bytes(out, project, tmp_path):
    again = build_into(project, tmp_path / "again")
    assert files_under(again) == files_under(out)


def test_edition_holds_every_article_newest_first_with_a_table_of_contents(out):
    path = out / "epub" / "ru" / "edition.epub"
    package = package_document(path)
    spine = [ref.get("idref") for ref in package.iterfind(f"{OPF}spine/{OPF}itemref")]
    assert spine == ["cover", "nav", "article-test-story", "article-older-story"]
    assert package.findtext(f".//{DC}title") == "RU BelTA · 5 сентября 2024\u202fг."
    assert package.findtext(f".//{OPF}meta[@property='dcterms:modified']") == UPDATED_UTC
    nav = book_entry(path, "EPUB/nav.xhtml").find(f".//{XHTML}nav")
    assert nav.get(EPUB_TYPE) == "toc"
    entries = [(a.get("href"), text_of(a)) for a in nav.iterfind(f".//{XHTML}a")]
    assert entries == [("text/test-story.xhtml", "RU Test headline"), ("text/older-story.xhtml", "RU Older headline")]


# --- EPUBCheck, for real: every book and content document, in one JVM ---------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    """The bundled article built from a copy of the project, so the repository's output/ stays untouched."""
    root = tmp_path_factory.mktemp("bundled")
    for name in ("source", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root)
    return build_into(root, root / "output")


@pytest.fixture(scope="module")
def epubcheck_reports(bundled, out, tmp_path_factory) -> dict[Path, dict]:
    jar = epubcheck_jar()
    paths = [path for folder in (bundled, out) for path in sorted(folder.rglob("*.*"))
             if path.suffix in (".epub", ".xhtml")]
    reports = tmp_path_factory.mktemp("epubcheck")
    runner = Path(__file__).with_name("EpubCheckBatch.java")
    command = [java(), "-XX:TieredStopAtLevel=1", "-cp", str(jar), str(runner), str(reports), *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return {path: json.loads((reports / f"{i}.json").read_text()) for i, path in enumerate(paths, 1)}


def describe(path: Path, message: dict) -> str:
    where = message["locations"][0] if message["locations"] else {}
    inside = f" {where.get('path')}:{where.get('line')}" if where else ""
    return f"{path}{inside}: {message['severity']} {message['ID']} {message['message']}"


def test_bundled_article_gives_four_documents_books_and_editions(bundled):
    languages = ("en", "ru", "be", "kk")
    assert sorted(p.relative_to(bundled).as_posix() for p in bundled.rglob("*.*") if ".build" not in p.parts) == sorted(
        [f"xhtml/{lang}/{BUNDLED}.xhtml" for lang in languages]
        + [f"epub/{lang}/{BUNDLED}.epub" for lang in languages]
        + [f"epub/{lang}/edition.epub" for lang in languages])


def test_bundled_article_rebuilds_to_identical_bytes(bundled, tmp_path):
    again = build_into(bundled.parent, tmp_path / "again")
    assert files_under(again) == files_under(bundled)


def test_epubcheck_reports_nothing_for_any_book_or_content_document(epubcheck_reports):
    problems = [describe(path, m) for path, report in epubcheck_reports.items() for m in report["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert not problems, "\n".join(problems)
    counts = {(r["checker"]["nFatal"], r["checker"]["nError"], r["checker"]["nWarning"])
              for r in epubcheck_reports.values()}
    assert counts == {(0, 0, 0)}


# --- Accessibility: metadata, roles, landmarks, cover; DAISY Ace for real ------------------------------

SCHEMA_PROPERTIES = ("accessMode", "accessModeSufficient", "accessibilityFeature", "accessibilityHazard",
                     "accessibilitySummary")
# DPUB-ARIA roles of the epub:type values the books use (EPUB Type to ARIA Role Authoring Guide).
ROLES = {"toc": "doc-toc", "cover": None, "landmarks": None, "bodymatter": None, "title": None}
SVG = "{http://www.w3.org/2000/svg}"


def books(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.epub"))


def schema_metadata(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in package_document(path).iterfind(f"{OPF}metadata/{OPF}meta"):
        if meta.get("property", "").startswith("schema:"):
            found.setdefault(meta.get("property").removeprefix("schema:"), []).append(meta.text)
    return found


def test_every_book_states_its_accessibility_in_its_language(out, bundled):
    for path in books(out) + books(bundled):
        found = schema_metadata(path)
        assert set(found) == set(SCHEMA_PROPERTIES), path
        assert found["accessMode"] == ["textual", "visual"] and found["accessModeSufficient"] == ["textual"]
        assert found["accessibilityHazard"] == ["none"]
        assert "tableOfContents" in found["accessibilityFeature"]
    summaries = {lang: schema_metadata(bundled / "epub" / lang / "edition.epub")["accessibilitySummary"][0]
                 for lang in ("en", "ru", "be", "kk")}
    assert summaries["en"].startswith("The text is structured with headings")
    assert summaries["ru"].startswith("Текст размечен заголовками")
    assert summaries["be"].startswith("Тэкст размечаны загалоўкамі")
    assert summaries["kk"].startswith("Мәтін тақырыптармен")


def test_every_epub_type_has_its_aria_role_and_the_landmarks_lead_somewhere(out):
    path = out / "epub" / "ru" / "edition.epub"
    with zipfile.ZipFile(path) as book:
        documents = {name: etree.fromstring(book.read(name)) for name in book.namelist() if name.endswith(".xhtml")}
    for name, document in documents.items():
        for node in document.iter():
            for kind in (node.get(EPUB_TYPE) or "").split():
                in_landmarks = any(a.get(EPUB_TYPE) == "landmarks" for a in node.iterancestors())
                assert kind in ROLES, f"{name}: epub:type {kind} is not in the role table"
                if ROLES[kind] and not in_landmarks:
                    assert node.get("role") == ROLES[kind], (name, kind)
    nav = documents["EPUB/nav.xhtml"]
    landmarks = nav.find(f".//{XHTML}nav[@{EPUB_TYPE}='landmarks']")
    assert landmarks.get("hidden") == "hidden"
    links = [(a.get(EPUB_TYPE), a.get("href"), a.text) for a in landmarks.iterfind(f".//{XHTML}a")]
    assert links == [("cover", "cover.xhtml", "Обложка"), ("toc", "nav.xhtml#toc", "Содержание"),
                     ("bodymatter", "text/test-story.xhtml", "Начало текста")]
    for _, href, _ in links:
        target, _, fragment = href.partition("#")
        document = documents[f"EPUB/{target}"]
        assert not fragment or document.find(f".//*[@id='{fragment}']") is not None
    article_nav = book_entry(out / "epub" / "ru" / "test-story.epub", "EPUB/nav.xhtml")
    assert [a.get(EPUB_TYPE) for a in article_nav.iterfind(f".//{XHTML}nav[@{EPUB_TYPE}='landmarks']//{XHTML}a")
            ] == ["cover", "bodymatter"], "an article book has no contents page to point at"


def test_a_book_without_a_picture_gets_a_cover_with_its_headline_and_the_agency(out):
    path = out / "epub" / "ru" / "test-story.epub"
    package = package_document(path)
    (item,) = package.findall(f"{OPF}manifest/{OPF}item[@properties='cover-image']")
    assert (item.get("href"), item.get("media-type")) == ("cover.svg", "image/svg+xml")
    assert package.find(f"{OPF}spine/{OPF}itemref").get("idref") == "cover", "the cover opens the book"
    svg = book_entry(path, "EPUB/cover.svg")
    lines = [" ".join(t.text for t in text.iterfind(f"{SVG}tspan")) for text in svg.iterfind(f"{SVG}text")]
    assert lines == ["RU BelTA", "RU Test headline", "5 сентября 2024\u202fг."]
    assert svg.get(XML_LANG) == "ru"
    img = book_entry(path, "EPUB/cover.xhtml").find(f".//{XHTML}img")
    assert (img.get("src"), img.get("role"), img.get("alt")) == ("cover.svg", "doc-cover",
                                                                "Обложка: RU Test headline, RU BelTA")


def test_a_long_headline_wraps_inside_the_cover():
    from publisher.exporters.cover import GLYPH_WIDTH, MARGIN, WIDTH, cover_svg

    headline = " ".join(["Қазақстан мен Беларусь — негізгі стратегиялық одақтастар"] * 4)
    svg = etree.fromstring(cover_svg(headline, "БЕЛТА", "kk", "2024 ж. 5 қыркүйек"))
    title = svg.findall(f"{SVG}text")[1]
    size = float(title.get("font-size"))
    lines = [t.text for t in title.iterfind(f"{SVG}tspan")]
    assert " ".join(lines).replace(" …", "") in headline and len(lines) > 4
    assert all(len(line) * size * GLYPH_WIDTH <= WIDTH - 2 * MARGIN for line in lines)


def test_an_edition_has_a_description_subjects_and_a_series(out):
    metadata = package_document(out / "epub" / "ru" / "edition.epub").find(f"{OPF}metadata")
    assert metadata.findtext(f"{DC}description") == (
        "Новости RU BelTA за 5 сентября 2024\u202fг.: RU Test headline; RU Older headline.")
    assert [s.text for s in metadata.iterfind(f"{DC}subject")] == ["RU Belarus"], "each keyword once"
    series = metadata.find(f"{OPF}meta[@property='belongs-to-collection']")
    assert series.text == "Новости – RU BelTA"
    refines = {m.get("property"): m.text for m in metadata.iterfind(f"{OPF}meta[@refines='#{series.get('id')}']")}
    assert refines == {"collection-type": "series", "group-position": "20240905"}


@pytest.fixture(scope="module")
def ace_reports(bundled, out, tmp_path_factory) -> dict[Path, dict]:
    """DAISY Ace on each distinct book: the bundled article's and edition in four languages, and an
    edition of two stories with a fallback passage."""
    tool = ace()
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium_binary()}
    reports = {}
    for i, path in enumerate(books(bundled) + [out / "epub" / "ru" / "edition.epub"]):
        folder = tmp_path_factory.mktemp(f"ace{i}")
        subprocess.run([str(tool), "--force", "--silent", "--outdir", str(folder), str(path)], env=env, check=True,
                       capture_output=True, timeout=300)
        reports[path] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return reports


def test_daisy_ace_reports_no_violation_in_any_book(ace_reports):
    problems = [f"{path}: {a['earl:test']['dct:title']} {a['earl:result'].get('html', '')}"
                for path, report in ace_reports.items() for group in report["assertions"]
                for a in group["assertions"] if a["earl:result"]["earl:outcome"] != "pass"]
    assert not problems, "\n".join(problems)
    assert {r["earl:result"]["earl:outcome"] for r in ace_reports.values()} == {"pass"}
    assert len(ace_reports) == 9
