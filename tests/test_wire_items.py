"""Wire items, packages and the feed of a two-story newsroom: valid, and carrying what partners read."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from lxml import etree

from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.wire import exporter as wire_exporter
from publisher.wire.schema import problems
from tests.wire_helpers import (GUID_RE, LANGUAGES, NAR, SLUGS, XHTML, XML_LANG, assert_all_valid, body_paragraphs,
                                feed, item, make_newsroom, meta, package, set_front_matter, wire_build, wire_files)
from tests.helpers import ROOT, translate

EPOCH = "1733046420"  # 2024-12-01T09:47:00Z


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = make_newsroom(tmp_path_factory.mktemp("newsroom"))
    assert wire_build(root).held_back == []
    mp.undo()
    return root


@pytest.fixture
def project(built, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return Path(shutil.copytree(built, tmp_path / "project"))


def test_every_file_of_two_stories_is_valid_and_group_ids_are_unique(built):
    names = set(wire_files(built))
    expected = {f"output/newsml/{lang}/{slug}.xml" for lang in LANGUAGES for slug in SLUGS}
    expected |= {f"output/newsml/{slug}.xml" for slug in SLUGS} | {"output/newsml/feed.xml"}
    expected |= {"ledger/test-test-story.json", "ledger/test-second-story.json"}
    assert names == expected
    assert_all_valid(built)
    ids = [g.get("id") for g in feed(built).iter(NAR + "group")]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_guids_are_rfc_3085_urns_from_the_provider_domain(built):
    guids = [e.get("guid") for e in feed(built).find(NAR + "itemSet")]
    assert len(guids) == 10 and len(set(guids)) == 10
    assert all(GUID_RE.fullmatch(g) for g in guids), guids
    assert item(built, "kk").get("guid") == "urn:newsml:belta.by:20240905:test-test-story@kk"
    assert package(built).get("guid") == "urn:newsml:belta.by:20240905:test-test-story"


def test_item_meta_is_in_schema_order_with_the_build_time(built):
    kk = item(built, "kk")
    assert (kk.get("version"), kk.get(XML_LANG)) == ("1", "kk")
    assert [etree.QName(e).localname for e in meta(kk)] == ["itemClass", "provider", "versionCreated",
                                                            "firstCreated", "pubStatus"]
    assert meta(kk).findtext(NAR + "versionCreated") == meta(kk).findtext(NAR + "firstCreated") == \
        "2024-12-01T09:47:00+00:00"
    assert kk.find(NAR + "catalogRef").get("href").endswith("catalog.IPTC-G2-Standards_41.xml")
    schemes = {s.get("alias"): s.get("uri") for s in kk.iterfind(f"{NAR}catalog/{NAR}scheme")}
    assert schemes == {"noterole": "http://belta.by/newsml-g2/noterole/"}


def test_what_partners_read_is_in_every_item(built):
    kk = meta(item(built, "kk"), "contentMeta")
    assert kk.findtext(NAR + "headline") == "Test headline [kk]"
    assert kk.findtext(NAR + "slugline") == "test-story"
    assert kk.find(NAR + "language").get("tag") == "kk"
    assert kk.findtext(NAR + "by") == kk.findtext(NAR + "creditline") == "BelTA [kk]"
    assert kk.findtext(f"{NAR}infoSource/{NAR}name") == "BelTA [kk]"
    assert kk.findtext(NAR + "dateline") == "MINSK [KK], 5 қыркүйек (BelTA [kk]) –"
    assert kk.find(NAR + "description").get("role") == "drol:summary"
    assert kk.findtext(NAR + "urgency") == "5"
    genre = kk.find(NAR + "genre")
    assert genre.get("qcode") == "genre:Current" and genre.findtext(NAR + "name") == "Current Events"
    assert genre.find(NAR + "name").get(XML_LANG) == "en-GB"  # IPTC publishes no Kazakh names
    rights = item(built, "kk").find(NAR + "rightsInfo")
    assert rights.get(XML_LANG) == "en" and rights.findtext(NAR + "usageTerms") == "For BelTA's subscribers only."
    assert rights.findtext(f"{NAR}copyrightHolder/{NAR}name") == "BelTA"


def test_subjects_have_names_and_iptc_subject_codes(built):
    subjects = {s.get("qcode"): s for s in meta(item(built, "ru"), "contentMeta").iter(NAR + "subject")}
    assert list(subjects) == ["medtop:20000638", "iso3166-1a2:BY", "subj:11002002"]
    names = {s: [(n.get(XML_LANG), n.text) for n in e.iter(NAR + "name")] for s, e in subjects.items()}
    assert names == {"medtop:20000638": [("en-GB", "international relations")],
                     "iso3166-1a2:BY": [("ru", "Беларусь"), ("en", "Belarus")], "subj:11002002": []}
    assert subjects["subj:11002002"].get("why") == "why:inferred"


def test_located_carries_the_place_and_its_country_when_the_source_names_them(project):
    located = meta(item(project, "ru"), "contentMeta").find(NAR + "located")
    assert located.get("qcode") is None and located.findtext(NAR + "name") == "Minsk [ru]"
    path = project / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("  agency: BelTA\n",
                                                             "  agency: BelTA\n  country: BY\n  geonames: 625144\n"),
                    encoding="utf-8")
    wire_build(project)
    located = meta(item(project, "be"), "contentMeta").find(NAR + "located")
    assert (located.get("type"), located.get("qcode")) == ("cpnat:geoArea", "geonames:625144")
    broader = located.find(NAR + "broader")
    assert broader.get("qcode") == "iso3166-1a2:BY" and broader.findtext(NAR + "name") == "Беларусь"
    assert_all_valid(project)


def test_the_body_is_flat_paragraphs_that_lose_no_word(built):
    for lang in LANGUAGES:
        tree = item(built, lang, "second-story")
        html = tree.find(f"{NAR}contentSet/{NAR}inlineXML/{XHTML}html")
        body = html.find(XHTML + "body")
        assert all(len(p) == 0 for p in body), "no element inside a paragraph"
        paragraphs = body_paragraphs(tree)
        suffix = f" [{lang}]" if lang != "en" else ""
        dateline = meta(tree, "contentMeta").findtext(NAR + "dateline")
        assert paragraphs[0] == ("p", f"{dateline} The second story has a list and a quotation.{suffix}")
        assert [p[1] for p in paragraphs[1:]] == [
            f"• The first point, with emphasis inside it.{suffix}",
            f"• The second point, with a link and words after it.{suffix}",
            f"Quoted words stay in the story.{suffix}", f"1. An ordered item.{suffix}"]
        words = sum(len(text.split()) for _, text in paragraphs)
        assert tree.find(f"{NAR}contentSet/{NAR}inlineXML").get("wordcount") == str(words)


def test_headings_and_inline_markup_of_a_translation_become_text(project):
    translate(project, "kk", {"Kazakhstan and Belarus are key partners.":
                              "Қазақстан *негізгі* [серіктес](https://example.kz/) <script>x()</script> & сөз"})
    # A link the source does not have is held back unless the translator says why it is there.
    path = project / "locales" / "kk" / "LC_MESSAGES" / "test-story.po"
    po = polib.pofile(str(path))
    po.find("Kazakhstan and Belarus are key partners.").tcomment = "no-check: markup (the partner's Kazakh page)"
    po.save(str(path))
    wire_build(project)
    paragraphs = body_paragraphs(item(project, "kk"))
    assert ("h2", "Energy [kk]") in paragraphs
    assert "Қазақстан негізгі серіктес <script>x()</script> & сөз" in paragraphs[0][1]
    assert_all_valid(project)


def test_the_package_lists_each_language_at_its_version_with_its_headline(built):
    pkg = package(built)
    assert meta(pkg).find(NAR + "itemClass").get("qcode") == "ninat:composite"
    headlines = [(h.get(XML_LANG), h.text) for h in meta(pkg, "contentMeta").iter(NAR + "headline")]
    assert headlines == [(None, "Test headline")] + [(lang, f"Test headline [{lang}]") for lang in LANGUAGES[1:]]
    group_set = pkg.find(NAR + "groupSet")
    group = group_set.find(NAR + "group")
    assert group_set.get("root") == group.get("id") == "G-test-test-story"
    assert (group.get("role"), group.get("mode")) == ("grouprole:languages", "pgrmod:alt")
    refs = [(r.get("residref"), r.get("version"), r.get(XML_LANG), r.findtext(NAR + "headline")) for r in group]
    assert refs == [(item(built, lang).get("guid"), "1", lang, item(built, lang).findtext(f"{NAR}contentMeta/"
                                                                                            f"{NAR}headline"))
                    for lang in LANGUAGES]


def test_the_feed_carries_both_stories_items_before_their_package(built):
    message = feed(built)
    header = message.find(NAR + "header")
    assert [etree.QName(e).localname for e in header] == ["sent", "sender", "transmitId", "priority"]
    assert header.findtext(NAR + "sent") == "2024-12-01T09:47:00+00:00"
    kinds = [(etree.QName(e).localname, e.get("guid").split(":")[-1]) for e in message.find(NAR + "itemSet")]
    # Newest first (both were published at noon: then by slug, from the end), items before their package.
    assert kinds == [("newsItem", f"test-test-story@{lang}") for lang in LANGUAGES] + [
        ("packageItem", "test-test-story")] + [("newsItem", f"test-second-story@{lang}") for lang in LANGUAGES] + [
        ("packageItem", "test-second-story")]


def test_a_rebuild_and_a_fresh_clone_give_the_same_bytes(project, tmp_path):
    before = wire_files(project)
    assert wire_build(project).written == [] and wire_files(project) == before
    clone = Path(shutil.copytree(project, tmp_path / "clone", ignore=shutil.ignore_patterns("output")))
    wire_build(clone)
    assert wire_files(clone) == before


def test_a_subject_from_an_unknown_scheme_is_refused(project):
    path = project / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("iso3166-1a2:BY", "topic:belarus"), encoding="utf-8")
    with pytest.raises(PublisherError, match="'topic:belarus' is not a code the IPTC catalogue defines"):
        wire_build(project)


def test_without_a_provider_domain_the_wire_holds_every_language_back(tmp_path, monkeypatch):
    root = make_newsroom(tmp_path / "nodomain")
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('provider_domain = "belta.by"\n', ""),
                        encoding="utf-8")
    report = wire_build(root)
    assert {(h.article, h.lang) for h in report.held_back} == {(s, lang) for s in SLUGS for lang in LANGUAGES}
    assert all("set provider_domain" in h.reason for h in report.held_back)
    assert not (root / "output" / "newsml").exists() and not (root / "ledger").exists()


def test_a_damaged_feed_is_not_kept_when_the_wire_sends_nothing(tmp_path):
    """When the wire sends nothing, its last feed.xml stays (partners keep polling the last good
    feed), but not one deleted or changed since, which is no feed of ours: a full build removes it
    and says so, and the build after it has nothing to do."""
    root = make_newsroom(tmp_path / "nodomain")
    build(load_config(root), jobs=1)
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('provider_domain = "belta.by"\n', ""),
                        encoding="utf-8")
    feed = root / "output" / "newsml" / "feed.xml"
    kept = feed.read_bytes()
    build(load_config(root), jobs=1)  # every language held back: the wire sends nothing
    assert feed.read_bytes() == kept
    feed.write_bytes(b"<changed/>")
    report = build(load_config(root), jobs=1)
    assert not feed.exists() and report.removed == ["output/newsml/feed.xml"]
    again = build(load_config(root), jobs=1)
    assert (again.rebuilt, again.written, again.removed, again.notes) == ([], [], [], [])


def test_an_outbox_file_changed_by_hand_stays_and_is_said_once(tmp_path):
    """The outbox is written once: a version's file changed since it was written is not replaced.
    The build says so, naming it and what to do, records it as it is (the next build has nothing
    to do), and once it is deleted writes it again as it was."""
    root = make_newsroom(tmp_path / "outbox")
    build(load_config(root), jobs=1)
    item = sorted((root / "output" / "wire").glob("*/*@ru-v1.xml"))[0]
    sent = item.read_bytes()
    item.write_bytes(b"<changed/>")
    report = build(load_config(root), jobs=1)
    name = f"output/{item.relative_to(root / 'output').as_posix()}"
    assert item.read_bytes() == b"<changed/>" and name not in report.written
    assert f"{name}: not the bytes this build makes of that version" in "\n".join(report.notes)
    again = build(load_config(root), jobs=1)
    assert (again.rebuilt, again.written, again.notes) == ([], [], [])
    item.unlink()
    build(load_config(root), jobs=1)
    assert item.read_bytes() == sent


def test_a_document_the_schema_rejects_stops_the_build_before_anything_is_written(project, monkeypatch):
    before = wire_files(project)
    set_front_matter(project, "ednote: A note.")
    real = wire_exporter.plan

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        first = result.documents[0]
        first = replace(first, data=first.data.replace(b"<urgency>5</urgency>", b"<urgency>50</urgency>"))
        return replace(result, documents=(first,) + result.documents[1:])

    monkeypatch.setattr(wire_exporter, "plan", broken)
    with pytest.raises(PublisherError) as error:
        wire_build(project)
    assert "bug: publish made a NewsML-G2 document that the IPTC 2.35 schema rejects" in str(error.value)
    assert "urgency" in str(error.value)
    assert wire_files(project) == before
    assert not list(project.rglob("*.tmp"))


def test_our_own_checks_see_what_the_schema_does_not(built):
    data = (built / "output" / "newsml" / "kk" / "test-story.xml").read_bytes()
    assert problems(data, ours=True) == []
    foreign = data.replace(b'qcode="genre:Current"', b'qcode="ourgenre:Current"')
    assert problems(foreign) == [] and "names a scheme no catalog declares" in problems(foreign, ours=True)[0].message
    not_xhtml = data.replace(b'<html xmlns="http://www.w3.org/1999/xhtml"', b'<html xmlns="urn:x"')
    assert "exactly one {http://www.w3.org/1999/xhtml}html element" in problems(not_xhtml)[0].message



# --- The bundled story, as the README builds it -------------------------------------------------


def copy_newsroom(dest: Path) -> Path:
    """The repository's newsroom (articles, catalogues, glossary, settings, ledger), without output/."""
    for folder in ("source", "locales", "glossary", "ledger"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def latest_version(ledger: bytes, guid: str) -> int:
    return json.loads(ledger)["items"][guid]["versions"][-1]["version"]


def test_the_bundled_story_goes_out_in_four_languages_as_its_ledger_says(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_newsroom(tmp_path)
    ledger = root / "ledger" / "belta-20240905-kazakhstan-belarus-allies.json"
    committed = ledger.read_bytes()
    report = wire_build(root)
    assert report.held_back == []
    assert ledger.read_bytes() == committed, ("the committed ledger is out of date with the bundled story: run "
                                              "`publish build` and commit ledger/")
    assert_all_valid(root)
    for lang in LANGUAGES:
        tree = item(root, lang, "kazakhstan-belarus-allies")
        assert tree.get("guid") == f"urn:newsml:belta.by:20240905:belta-20240905-kazakhstan-belarus-allies@{lang}"
        assert tree.get("version") == str(latest_version(committed, tree.get("guid")))
    retired = {g: i for g, i in json.loads(committed)["items"].items() if i["retired"]}
    assert sorted(retired) == ["urn:newsml:belta:belta-20240905-kazakhstan-belarus-allies"] + [
        f"urn:newsml:belta:belta-20240905-kazakhstan-belarus-allies:{lang}" for lang in ("be", "en", "kk", "ru")]


def test_withdrawing_the_bundled_story_reaches_its_retired_guids_too(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")
    root = copy_newsroom(tmp_path)
    path = root / "source" / "kazakhstan-belarus-allies.md"
    path.write_text(path.read_text(encoding="utf-8").replace("byline: BelTA\n", "byline: BelTA\nstatus: canceled\n"),
                    encoding="utf-8")
    committed = (root / "ledger" / "belta-20240905-kazakhstan-belarus-allies.json").read_bytes()
    wire_build(root)
    assert_all_valid(root)
    for lang in LANGUAGES:  # the withdrawal is the next version of every item partners hold, retired guids too
        for suffix, guid_end in (("", f"@{lang}"), (".retired-1", f":{lang}")):
            tree = item(root, lang, f"kazakhstan-belarus-allies{suffix}")
            assert tree.get("guid").endswith(guid_end)
            assert tree.get("version") == str(latest_version(committed, tree.get("guid")) + 1)
            assert meta(tree).find(NAR + "pubStatus").get("qcode") == "stat:canceled"
    old = package(root, "kazakhstan-belarus-allies.retired-1")
    assert old.get("guid") == "urn:newsml:belta:belta-20240905-kazakhstan-belarus-allies"
    assert old.get("version") == str(latest_version(committed, old.get("guid")) + 1)
    assert all(r.get("residref").startswith("urn:newsml:belta:") for r in old.iter(NAR + "itemRef"))


def test_a_story_whose_items_the_ledger_recorded_otherwise_is_planned_again_for_the_feed(project):
    """The feed carries the items the article step wrote (read back from where the build staged
    them) when their bytes are those the ledger recorded for their latest versions; a story whose
    ledger recorded other bytes (versions first sent by a toolkit that wrote them otherwise) is
    planned again for the feed, which carries the same items."""
    feed_before = (project / "output" / "newsml" / "feed.xml").read_bytes()
    for path in sorted((project / "ledger").glob("*.json"))[:1]:
        book = json.loads(path.read_text(encoding="utf-8"))
        for entry in book["items"].values():
            entry["versions"][-1] |= {"sent": "sha256:" + "0" * 64, "outbox": None}
        path.write_text(json.dumps(book, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(project / "output")
    wire_build(project, force=True)
    assert (project / "output" / "newsml" / "feed.xml").read_bytes() == feed_before
    assert_all_valid(project)
