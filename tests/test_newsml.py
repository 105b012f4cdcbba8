"""NewsML-G2: valid against the IPTC 2.35 schema (offline), and what the schema cannot see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from lxml import etree

from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.newsml_schema import parser, problems
from tests.helpers import ROOT, make_project, po_path, translate

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("en", "ru", "be", "kk")
# Scheme aliases that catalog.IPTC-G2-Standards_41.xml defines and the exporter may use.
CATALOGUE_SCHEMES = {"ninat", "stat", "sig", "irel", "medtop", "genre", "drol", "cpnat", "pgrmod", "iso3166-1a2"}
QCODE_ATTRIBUTES = ("qcode", "rel", "type", "role", "mode")
XHTML_ELEMENTS = {"html", "head", "title", "body", "p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol",
                  "li", "em", "strong", "code", "a", "span"}
GUID = "urn:newsml:belta:test-test-story"


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    """A fixture project whose four catalogues are complete (each test builds its own copy)."""
    # The translations are placeholders ("… [kk]"): the content checks, tested on their own, may
    # not hold them back here.
    root = make_project(tmp_path_factory.mktemp("translated"),
                        extra_settings="[tool.publisher.gates.newsml]\nallow_check_errors = true")
    for lang in LANGUAGES[1:]:
        translate(root, lang, default=f"{{msgid}} [{lang}]")
    return root


@pytest.fixture
def project(translated, tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return Path(shutil.copytree(translated, tmp_path / "project"))


def newsml_build(root: Path, **options):
    return build(load_config(root), formats=("newsml",), **options)


def newsml_files(root: Path) -> dict[str, bytes]:
    """Every NewsML file and the ledger, by path in the project."""
    paths = sorted((root / "output" / "newsml").rglob("*.xml")) + sorted((root / "ledger").glob("*.json"))
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}


def item(root: Path, lang: str) -> etree._Element:
    return etree.parse(str(root / "output" / "newsml" / lang / "test-story.xml"), parser()).getroot()


def package(root: Path) -> etree._Element:
    return etree.parse(str(root / "output" / "newsml" / "test-story.xml"), parser()).getroot()


def children(element: etree._Element, name: str) -> list[str]:
    return [etree.QName(child).localname for child in element.find(NAR + name)]


def set_front_matter(root: Path, line: str) -> None:
    path = root / "source" / "test-story.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("byline: BelTA\n", f"byline: BelTA\n{line}\n", 1), encoding="utf-8")


def test_items_package_and_feed_validate_against_the_schema(project):
    report = newsml_build(project)
    files = newsml_files(project)
    expected = {f"output/newsml/{lang}/test-story.xml" for lang in LANGUAGES}
    expected |= {"output/newsml/test-story.xml", "output/newsml/feed.xml", "ledger/test-test-story.json"}
    assert set(files) == expected and not report.held_back
    for name, data in files.items():
        if name.endswith(".xml"):
            assert problems(data) == [], name


def test_news_item_metadata(project):
    newsml_build(project)
    kk = item(project, "kk")
    assert (kk.get("guid"), kk.get("version"), kk.get(XML_LANG)) == (f"{GUID}:kk", "1", "kk")
    assert (kk.get("standard"), kk.get("standardversion"), kk.get("conformance")) == ("NewsML-G2", "2.35", "power")
    href = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
    assert kk.find(NAR + "catalogRef").get("href") == href
    assert kk.findtext(f"{NAR}rightsInfo/{NAR}copyrightNotice") == "© BelTA"
    assert children(kk, "itemMeta") == ["itemClass", "provider", "versionCreated", "firstCreated", "pubStatus",
                                        "link", "link", "link"]
    meta = kk.find(NAR + "itemMeta")
    assert meta.find(NAR + "itemClass").get("qcode") == "ninat:text"
    assert meta.findtext(NAR + "versionCreated") == meta.findtext(NAR + "firstCreated") == "2024-09-05T12:00:00+03:00"
    assert [(link.get("rel"), link.get("residref")) for link in meta.iter(NAR + "link")] == [
        ("irel:seeAlso", f"{GUID}:{lang}") for lang in ("en", "ru", "be")]
    content = kk.find(NAR + "contentMeta")
    assert content.find(NAR + "located").get("type") == "cpnat:geoArea"
    assert content.findtext(f"{NAR}located/{NAR}name") == "Minsk [kk]"
    assert content.find(NAR + "language").get("tag") == "kk"
    assert [s.get("qcode") for s in content.iter(NAR + "subject")] == ["medtop:20000638", "iso3166-1a2:BY"]
    assert content.findtext(NAR + "slugline") == "test-story"
    assert content.findtext(NAR + "headline") == "Test headline [kk]"
    assert content.findtext(NAR + "dateline") == "MINSK [KK], 5 қыркүйек (BelTA [kk]) –"
    assert content.find(NAR + "description").get("role") == "drol:summary"


def test_inline_xml_holds_one_namespaced_xhtml_document(project):
    newsml_build(project)
    for lang in LANGUAGES:
        inline = item(project, lang).find(f"{NAR}contentSet/{NAR}inlineXML")
        assert inline.get("contenttype") == "application/xhtml+xml"
        assert len(inline) == 1
        html = inline[0]
        assert html.tag == f"{{{XHTML}}}html" and html.get("lang") == lang and html.get(XML_LANG) == lang
        for element in html.iter(etree.Element):
            name = etree.QName(element)
            assert name.namespace == XHTML and name.localname in XHTML_ELEMENTS, name
        assert html.findtext(f"{{{XHTML}}}body/{{{XHTML}}}h2") == "Energy" + (f" [{lang}]" if lang != "en" else "")


def test_a_translation_is_data_never_markup(project):
    translate(project, "kk", {"Kazakhstan and Belarus are key partners.":
                              "Қазақстан *негізгі* [серіктес](https://example.kz/) <script>x()</script>"})
    # A link the source does not have is held back unless the translator says why it is there.
    path = project / "locales" / "kk" / "LC_MESSAGES" / "test-story.po"
    po = polib.pofile(str(path))
    po.find("Kazakhstan and Belarus are key partners.").tcomment = "no-check: markup (the partner's Kazakh page)"
    po.save(str(path))
    newsml_build(project)
    body = item(project, "kk").find(f"{NAR}contentSet/{NAR}inlineXML")[0].find(f"{{{XHTML}}}body")
    paragraph = body.find(f"{{{XHTML}}}p")
    assert [etree.QName(e).localname for e in paragraph] == ["em", "a"]
    assert paragraph.find(f"{{{XHTML}}}a").get("href") == "https://example.kz/"
    assert "<script>x()</script>" in "".join(paragraph.itertext())


def test_qcodes_come_from_the_catalogue(project):
    newsml_build(project)
    for name, data in newsml_files(project).items():
        if not name.endswith(".xml"):
            continue
        for element in etree.fromstring(data, parser()).iter(NAR + "*"):
            for attribute in QCODE_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None:
                    assert value.split(":", 1)[0] in CATALOGUE_SCHEMES, (name, element.tag, value)


def test_a_subject_from_an_unknown_scheme_is_refused(project):
    path = project / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("iso3166-1a2:BY", "topic:belarus"), encoding="utf-8")
    with pytest.raises(PublisherError, match="'topic:belarus' is not a code the IPTC catalogue defines"):
        newsml_build(project)
    assert not (project / "output").exists() and not (project / "ledger").exists()


def test_package_groups_the_languages_as_alternatives(project):
    newsml_build(project)
    pkg = package(project)
    assert pkg.get("guid") == GUID and pkg.get("version") == "1"
    assert pkg.find(f"{NAR}itemMeta/{NAR}itemClass").get("qcode") == "ninat:composite"
    group_set = pkg.find(NAR + "groupSet")
    group = group_set.find(NAR + "group")
    assert group_set.get("root") == group.get("id") and group.get("mode") == "pgrmod:alt"
    assert [(ref.get("residref"), ref.get(XML_LANG)) for ref in group] == [(f"{GUID}:{lang}", lang)
                                                                           for lang in LANGUAGES]


def test_feed_carries_every_item_and_the_package(project):
    newsml_build(project)
    feed = etree.parse(str(project / "output" / "newsml" / "feed.xml"), parser()).getroot()
    header = feed.find(NAR + "header")
    assert [etree.QName(e).localname for e in header] == ["sent", "sender", "transmitId", "priority"]
    assert header.findtext(NAR + "sent") == "2024-09-05T12:00:00+03:00"  # the ledger's latest, not the clock
    assert header.findtext(NAR + "sender") == "BelTA" and header.findtext(NAR + "priority") == "5"
    guids = [e.get("guid") for e in feed.find(NAR + "itemSet")]
    assert guids == [f"{GUID}:{lang}" for lang in LANGUAGES] + [GUID]


def test_unchanged_rebuild_rewrites_no_byte(project):
    newsml_build(project)
    before = newsml_files(project)
    report = newsml_build(project)
    assert report.written == [] and newsml_files(project) == before


def test_a_later_build_time_only_moves_the_feed(project, monkeypatch):
    newsml_build(project)
    before = newsml_files(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    report = newsml_build(project)
    assert report.written == ["output/newsml/feed.xml"]
    feed = etree.parse(str(project / "output" / "newsml" / "feed.xml"), parser()).getroot()
    assert feed.findtext(f"{NAR}header/{NAR}sent") == "2030-03-17T17:46:40+00:00"
    assert {k: v for k, v in newsml_files(project).items() if not k.endswith("feed.xml")} == \
           {k: v for k, v in before.items() if not k.endswith("feed.xml")}


def test_a_fresh_clone_rebuilds_the_same_bytes(project, tmp_path):
    newsml_build(project)
    clone = Path(shutil.copytree(project, tmp_path / "clone", ignore=shutil.ignore_patterns("output")))
    newsml_build(clone)
    assert newsml_files(clone) == newsml_files(project)


def test_a_changed_translation_raises_only_its_version(project):
    newsml_build(project)
    before = newsml_files(project)
    translate(project, "kk", {"Kazakhstan and Belarus are key partners.": "Қазақстан мен Беларусь — серіктестер."})
    report = newsml_build(project)
    after = newsml_files(project)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"output/newsml/kk/test-story.xml", "output/newsml/feed.xml", "ledger/test-test-story.json"}
    assert set(report.written) == changed
    kk = item(project, "kk")
    meta = kk.find(NAR + "itemMeta")
    assert kk.get("version") == "2" and kk.get("guid") == f"{GUID}:kk"
    assert [s.get("qcode") for s in meta.iter(NAR + "signal")] == ["sig:update"]
    assert meta.findtext(NAR + "firstCreated") == "2024-09-05T12:00:00+03:00"
    assert meta.findtext(NAR + "versionCreated") == "2024-09-05T12:00:01+03:00"  # one second after version 1
    assert children(kk, "itemMeta").index("signal") < children(kk, "itemMeta").index("link")
    feed = etree.fromstring(after["output/newsml/feed.xml"], parser())
    assert feed.findtext(f"{NAR}header/{NAR}sent") == "2024-09-05T12:00:01+03:00"
    assert problems(after["output/newsml/kk/test-story.xml"]) == []


def test_source_date_epoch_stamps_new_versions(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1726000000")
    newsml_build(project)
    assert item(project, "ru").findtext(f"{NAR}itemMeta/{NAR}versionCreated") == "2024-09-10T20:26:40+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1726086400")
    translate(project, "ru", {"Test headline": "Тестовый заголовок"})
    newsml_build(project)
    meta = item(project, "ru").find(NAR + "itemMeta")
    assert meta.findtext(NAR + "versionCreated") == "2024-09-11T20:26:40+00:00"
    assert meta.findtext(NAR + "firstCreated") == "2024-09-10T20:26:40+00:00"
    feed = etree.parse(str(project / "output" / "newsml" / "feed.xml"), parser()).getroot()
    assert feed.findtext(f"{NAR}header/{NAR}sent") == "2024-09-11T20:26:40+00:00"


def test_a_correction_is_signalled_on_every_language(project):
    newsml_build(project)
    set_front_matter(project, "correction: Corrects the value of the projects.")
    newsml_build(project)
    for lang in LANGUAGES:
        meta = item(project, lang).find(NAR + "itemMeta")
        assert item(project, lang).get("version") == "2"
        assert [s.get("qcode") for s in meta.iter(NAR + "signal")] == ["sig:correction"]
        assert meta.findtext(NAR + "edNote") == "Corrects the value of the projects."


def test_withdrawing_a_story_is_one_metadata_change(project):
    newsml_build(project)
    set_front_matter(project, "status: canceled")
    newsml_build(project)
    for root in [item(project, lang) for lang in LANGUAGES] + [package(project)]:
        assert root.get("version") == "2"
        assert root.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:canceled"
    for name, data in newsml_files(project).items():
        if name.endswith(".xml"):
            assert problems(data) == [], name


def test_embargo_and_editors_note_in_schema_order(project):
    set_front_matter(project, "embargoed: 2024-09-05T18:00:00+03:00\nednote: Not for use before 18:00.")
    newsml_build(project)
    en = item(project, "en")
    order = children(en, "itemMeta")
    assert order[:7] == ["itemClass", "provider", "versionCreated", "firstCreated", "embargoed", "pubStatus",
                         "edNote"]
    assert en.findtext(f"{NAR}itemMeta/{NAR}embargoed") == "2024-09-05T18:00:00+03:00"
    assert en.find(f"{NAR}itemMeta/{NAR}edNote").get(XML_LANG) == "en"
    assert problems((project / "output" / "newsml" / "en" / "test-story.xml").read_bytes()) == []


def test_only_complete_catalogues_without_fuzzy_entries_go_on_the_wire(project):
    po = polib.pofile(str(po_path(project, "kk")))
    po[3].flags.append("fuzzy")
    po.save()
    be = polib.pofile(str(po_path(project, "be")))
    be[2].msgstr = ""
    be.save()
    report = newsml_build(project)
    held = {(h.lang, h.format) for h in report.held_back}
    assert held == {("kk", "newsml"), ("be", "newsml")}
    assert all("translated" in h.reason for h in report.held_back)
    assert not (project / "output" / "newsml" / "kk").exists() and not (project / "output" / "newsml" / "be").exists()
    assert [ref.get(XML_LANG) for ref in package(project).iter(NAR + "itemRef")] == ["en", "ru"]
    assert [link.get("residref") for link in item(project, "en").iter(NAR + "link")] == [f"{GUID}:ru"]
    recorded = json.loads((project / "ledger" / "test-test-story.json").read_text(encoding="utf-8"))
    assert set(recorded["languages"]) == {"en", "ru"}


# --- The bundled article, as the README builds it ---------------------------------------------


def copy_newsroom(dest: Path) -> Path:
    """The repository's newsroom (articles, catalogues, glossary, settings, version ledger), so that
    it builds here as in the repository, without touching output/."""
    for folder in ("source", "locales", "glossary", "ledger"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_bundled_article_goes_on_the_wire_in_four_languages(tmp_path, monkeypatch):
    """Needs the bundled article's ru, be and kk catalogues to be complete."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_newsroom(tmp_path)
    slug = "kazakhstan-belarus-allies"
    report = newsml_build(root)
    assert [h for h in report.held_back if h.format == "newsml"] == []
    out = root / "output" / "newsml"
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xml"))
    assert names == sorted([f"{lang}/{slug}.xml" for lang in LANGUAGES] + [f"{slug}.xml", "feed.xml"])
    for path in out.rglob("*.xml"):
        assert problems(path.read_bytes()) == [], path
    subjects = {s.get("qcode") for s in etree.parse(str(out / "kk" / f"{slug}.xml"), parser()).iter(NAR + "subject")}
    assert {"medtop:20000638", "medtop:20000639", "medtop:20000265", "medtop:20000584", "medtop:20000405",
            "medtop:20000433", "iso3166-1a2:KZ", "iso3166-1a2:BY"} <= subjects

    def versions() -> dict[str, str]:
        return {p.relative_to(out).as_posix(): etree.parse(str(p), parser()).getroot().get("version")
                for p in out.rglob("*.xml") if p.name != "feed.xml"}

    before, before_bytes = versions(), {p: p.read_bytes() for p in out.rglob("*.xml")}
    kk = polib.pofile(str(po_path(root, "kk", slug)))
    entry = next(e for e in kk if e.msgctxt is None and e.msgstr)
    translate(root, "kk", {entry.msgid: entry.msgstr + " (түзетілді)"}, slug=slug)
    newsml_build(root)
    after = versions()
    assert after[f"kk/{slug}.xml"] == str(int(before[f"kk/{slug}.xml"]) + 1)
    assert {k: v for k, v in after.items() if k != f"kk/{slug}.xml"} == \
           {k: v for k, v in before.items() if k != f"kk/{slug}.xml"}
    signals = etree.parse(str(out / "kk" / f"{slug}.xml"), parser()).iter(NAR + "signal")
    assert [s.get("qcode") for s in signals] == ["sig:update"]
    unchanged = [p for p in before_bytes if p.parent.name != "kk" and p.name != "feed.xml"]
    assert all(p.read_bytes() == before_bytes[p] for p in unchanged)
    assert newsml_build(root).written == []
