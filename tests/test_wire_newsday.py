"""A news day on the wire, build after build: times, versions, corrections, late translations,
embargoes, withdrawals, withholdings and deletions, as partners see them."""

from __future__ import annotations

import json
import subprocess
import sys
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polib
import pytest

from publisher.errors import PublisherError
from tests.helpers import po_path, run_update, translate
from tests.wire_helpers import (LANGUAGES, NAR, XML_LANG, assert_all_valid, body_paragraphs, feed, item, make_newsroom,
                                meta, package, retranslate, set_front_matter, wire_build, wire_files)

NOON = datetime(2024, 9, 5, 9, 0, tzinfo=timezone.utc)  # the stories' publication (12:00 in Minsk)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_newsroom(tmp_path_factory.mktemp("newsroom"))


@pytest.fixture
def day(template, tmp_path, monkeypatch):
    """A copy of the newsroom and a clock: day(hours) builds as if that many hours after noon."""
    root = Path(shutil.copytree(template, tmp_path / "newsroom"))

    def build_at(hours: float, **options):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((NOON + timedelta(hours=hours)).timestamp())))
        report = wire_build(root, **options)
        assert_all_valid(root)
        return report

    build_at.root = root
    return build_at


def stamp(hours: float) -> str:
    return (NOON + timedelta(hours=hours)).isoformat()


def times(tree) -> tuple[str, str, str]:
    m = meta(tree)
    return tree.get("version"), m.findtext(NAR + "versionCreated"), m.findtext(NAR + "firstCreated")


def signals(tree) -> list[str]:
    return [s.get("qcode") for s in meta(tree).iter(NAR + "signal")]


def notes(tree) -> list[tuple[str, str | None, str]]:
    return [(n.get("role"), n.get(XML_LANG), n.text) for n in meta(tree).iter(NAR + "edNote")]


def ledger_of(root: Path, article_id: str = "test-test-story") -> dict:
    return json.loads((root / "ledger" / f"{article_id}.json").read_text(encoding="utf-8"))


def make_fuzzy(root: Path, lang: str, slug: str = "test-story") -> None:
    po = polib.pofile(str(po_path(root, lang, slug)))
    next(e for e in po if e.msgstr and not e.msgctxt).flags.append("fuzzy")
    po.save()


def test_a_version_is_dated_by_the_build_that_made_it_and_a_correction_is_its_own(day):
    day(0.5)
    assert times(item(day.root, "ru")) == ("1", stamp(0.5), stamp(0.5))
    set_front_matter(day.root, "correction: Corrects the value of the projects.")
    run_update(day.root)
    translate(day.root, "ru", {"Corrects the value of the projects.": "Исправлена стоимость проектов."})
    day(50)  # two days later: not the first hour, or Superdesk drops it as older than its expiry
    ru = item(day.root, "ru")
    assert times(ru) == ("2", stamp(50), stamp(0.5)) and signals(ru) == ["sig:correction"]
    assert notes(ru) == [("noterole:correction", None, "Исправлена стоимость проектов.")]
    assert signals(item(day.root, "en")) == ["sig:correction"]
    path = day.root / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("key partners", "close partners"), encoding="utf-8")
    retranslate(day.root, "ru", {"Kazakhstan and Belarus are close partners.":
                                 "Казахстан и Беларусь — близкие партнёры."})
    day(51)
    ru = item(day.root, "ru")
    assert times(ru) == ("3", stamp(51), stamp(0.5))
    assert signals(ru) == ["sig:update"] and notes(ru) == []  # the correction belonged to version 2
    versions = ledger_of(day.root)["items"]["urn:newsml:belta.by:20240905:test-test-story@ru"]["versions"]
    assert [(v["signal"], v["correctionNote"]) for v in versions] == [
        (None, None), ("correction", {"lang": "ru", "text": "Исправлена стоимость проектов."}), ("update", None)]


def test_without_source_date_epoch_a_version_gets_the_real_time_of_its_build(template, tmp_path, monkeypatch):
    root = Path(shutil.copytree(template, tmp_path / "clock"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    wire_build(root)
    after = datetime.now(timezone.utc)
    created = datetime.fromisoformat(meta(item(root, "kk")).findtext(NAR + "versionCreated"))
    assert before <= created <= after
    assert wire_build(root, force=True).written == []  # the ledger keeps it: a rebuild later is the same bytes


def test_a_late_translation_is_version_1_of_its_own_item_and_changes_only_the_package(day):
    po = polib.pofile(str(po_path(day.root, "kk")))
    for entry in po:
        entry.msgstr = ""
    po.save()
    report = day(0)
    assert {(h.article, h.lang) for h in report.held_back} == {("test-story", "kk")}
    assert not (day.root / "output" / "newsml" / "kk" / "test-story.xml").exists()
    before = wire_files(day.root)
    translate(day.root, "kk", default="{msgid} [kk]")
    day(6)
    assert times(item(day.root, "kk")) == ("1", stamp(6), stamp(6))
    after = wire_files(day.root)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"output/newsml/kk/test-story.xml", "output/newsml/test-story.xml", "output/newsml/feed.xml",
                       "ledger/test-test-story.json"}
    assert [r.get(XML_LANG) for r in package(day.root).iter(NAR + "itemRef")] == list(LANGUAGES)
    assert package(day.root).get("version") == "2"


def test_a_language_held_back_keeps_its_version_at_partners_and_in_the_package(day):
    day(0)
    before = wire_files(day.root)
    make_fuzzy(day.root, "be")
    set_front_matter(day.root, "ednote: Updated figures follow.")
    run_update(day.root)
    for lang in ("ru", "kk"):
        translate(day.root, lang, {"Updated figures follow.": f"Updated figures follow. [{lang}]"})
    report = day(2)
    assert {(h.article, h.lang) for h in report.held_back} == {("test-story", "be")}
    assert wire_files(day.root)["output/newsml/be/test-story.xml"] == before["output/newsml/be/test-story.xml"]
    refs = {r.get(XML_LANG): r.get("version") for r in package(day.root).iter(NAR + "itemRef")}
    assert refs == {"en": "2", "ru": "2", "be": "1", "kk": "2"}


def test_a_kill_bypasses_every_gate_and_reaches_every_language_ever_sent(day):
    day(0)
    make_fuzzy(day.root, "kk")  # the gate would hold kk back
    po_path(day.root, "be").unlink()  # and be has no catalogue at all any more
    set_front_matter(day.root, "status: canceled", "ednote: Withdrawn as the figures were wrong.")
    run_update(day.root)
    translate(day.root, "ru", {"Withdrawn as the figures were wrong.": "Отозвано: цифры были неверны."})
    report = day(3)
    assert report.held_back == []
    for lang in LANGUAGES:
        tree = item(day.root, lang)
        assert tree.get("version") == "2" and meta(tree).find(NAR + "pubStatus").get("qcode") == "stat:canceled"
        assert body_paragraphs(tree) == [] and tree.find(f"{NAR}contentSet/{NAR}inlineXML") is None
    assert notes(item(day.root, "ru")) == [("noterole:withdrawal", None, "Отозвано: цифры были неверны.")]
    assert notes(item(day.root, "be")) == [("noterole:withdrawal", "en", "Withdrawn as the figures were wrong.")]
    assert notes(item(day.root, "kk")) == [("noterole:withdrawal", "en", "Withdrawn as the figures were wrong.")]
    assert meta(package(day.root)).find(NAR + "pubStatus").get("qcode") == "stat:canceled"
    assert {e.get("guid").rsplit("@", 1)[-1] for e in feed(day.root).find(NAR + "itemSet")
            if "test-test-story@" in e.get("guid")} == set(LANGUAGES)


def test_a_kill_without_a_note_says_so_in_the_wires_own_words(day):
    day(0)
    set_front_matter(day.root, "status: canceled")
    day(1)
    assert notes(item(day.root, "kk")) == [
        ("noterole:withdrawal", None, "Материал кері қайтарып алынды. Оны пайдаланбауды сұраймыз.")]
    assert notes(item(day.root, "en"))[0][2] == "This story has been withdrawn. Do not use it."


def test_a_withdrawn_story_never_comes_back_under_the_same_guids(day):
    day(0)
    set_front_matter(day.root, "status: canceled")
    day(1)
    set_front_matter(day.root, "status: usable")
    with pytest.raises(PublisherError, match="a withdrawn story never comes back under the same guids"):
        day(2)


def test_withheld_sends_stat_withheld_for_what_was_sent_and_the_story_can_return(day):
    po = polib.pofile(str(po_path(day.root, "kk")))
    for entry in po:
        entry.msgstr = ""
    po.save()
    day(0)
    set_front_matter(day.root, "status: withheld")
    day(1)
    for lang in ("en", "ru", "be"):
        tree = item(day.root, lang)
        assert meta(tree).find(NAR + "pubStatus").get("qcode") == "stat:withheld" and body_paragraphs(tree) == []
        assert notes(tree)[0][0] == "noterole:withheld"
    assert not (day.root / "output" / "newsml" / "kk" / "test-story.xml").exists()  # never sent: nothing to withhold
    set_front_matter(day.root, "status: usable")
    day(4)
    ru = item(day.root, "ru")
    assert times(ru) == ("3", stamp(4), stamp(0)) and body_paragraphs(ru)


def test_a_story_deleted_after_it_was_sent_is_refused_until_it_is_withdrawn(day):
    day(0)
    source = day.root / "source" / "second-story.md"
    text = source.read_text(encoding="utf-8")
    source.unlink()
    before = wire_files(day.root)
    with pytest.raises(PublisherError) as error:
        day(1)
    assert str(error.value).startswith("ledger/test-second-story.json: this story was sent to wire partners")
    assert "source/second-story.md is gone; restore it, and set 'status: canceled'" in str(error.value)
    assert wire_files(day.root) == before
    source.write_text(text.replace("byline: BelTA\n", "byline: BelTA\nstatus: canceled\n"), encoding="utf-8")
    day(2)
    source.unlink()
    day(3)  # withdrawn from partners first: it may go now
    assert ledger_of(day.root, "test-second-story")["items"]  # the record of what was sent stays


def test_when_the_wire_holds_everything_back_the_last_good_feed_stays(day):
    day(0)
    last = (day.root / "output" / "newsml" / "feed.xml").read_bytes()
    settings = day.root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('provider_domain = "belta.by"\n', ""),
                        encoding="utf-8")
    report = day(1)
    assert len(report.held_back) == 8
    assert (day.root / "output" / "newsml" / "feed.xml").read_bytes() == last


def test_a_lifted_embargo_is_sent_no_earlier_than_the_embargo(day):
    set_front_matter(day.root, "embargoed: 2024-09-05T18:00:00+03:00")
    day(0)
    en = item(day.root, "en")
    assert meta(en).findtext(NAR + "embargoed") == "2024-09-05T18:00:00+03:00"
    set_front_matter(day.root, "embargoed: ''")
    path = day.root / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("embargoed: ''\n", ""), encoding="utf-8")
    day(1)  # lifted at 13:00 Minsk time, before the embargo ends at 18:00
    en = item(day.root, "en")
    assert meta(en).find(NAR + "embargoed") is None
    assert times(en) == ("2", "2024-09-05T18:00:00+03:00", stamp(0))


def test_a_changed_translation_sends_only_that_item_and_the_package(day):
    day(0)
    before = wire_files(day.root)
    translate(day.root, "kk", {"Kazakhstan and Belarus are key partners.": "Қазақстан мен Беларусь — серіктестер."})
    day(1)
    after = wire_files(day.root)
    assert {n for n in after if after[n] != before[n]} == {
        "output/newsml/kk/test-story.xml", "output/newsml/test-story.xml", "output/newsml/feed.xml",
        "ledger/test-test-story.json"}
    assert times(item(day.root, "kk")) == ("2", stamp(1), stamp(0)) and signals(item(day.root, "kk")) == ["sig:update"]


def test_changing_the_id_of_a_sent_story_is_refused(day):
    day(0)
    path = day.root / "source" / "second-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("id: test-second-story", "id: renamed-story"),
                    encoding="utf-8")
    with pytest.raises(PublisherError, match="now has the id 'renamed-story', but partners know the story by guids"):
        day(1)


def test_the_editor_reads_the_refusal_without_a_traceback(day):
    day(0)
    (day.root / "source" / "second-story.md").unlink()
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(day.root), "--format", "newsml"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("ledger/test-second-story.json: this story was sent to wire partners")
