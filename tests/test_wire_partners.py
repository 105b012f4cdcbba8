"""Partners' newsMessages: two stories, two newsml partners with opposite profiles (one story per
message in two languages, every story in one message in another) and a ninjs partner. Each
message is schema-valid, read by IPTC's newsmlg2, carries the header its settings give and exactly
the items its profile says, each the same item as the file of its own; a rebuild keeps its
transmitId, a new version changes it."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from publisher.wire.schema import parser, problems
from tests.helpers import po_path, run_update
from tests.wire_helpers import NAR, XML_LANG, make_newsroom, set_front_matter, wire_build

PARTNERS = """
[tool.publisher.partners.dpa]
languages = ["en", "ru"]
message = "one-story"
priority = 3
destination = "dpa-desk"
channels = ["wire", "ru-service"]

[tool.publisher.partners.apa]
languages = ["kk"]
sender = "wire.belta.by"

[tool.publisher.partners.kazinform]
languages = ["kk"]
sender = "wire.belta.by"

[tool.publisher.partners.ntb]
profile = "ninjs"
"""
SLUGS = ("test-story", "second-story")


@pytest.fixture()
def newsroom(tmp_path, monkeypatch) -> Path:
    root = make_newsroom(tmp_path)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write(PARTNERS)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    wire_build(root, jobs=1)
    return root


def messages(root: Path) -> dict[str, bytes]:
    folder = root / "output" / "newsml" / "partners"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.xml"))}


def header(data: bytes) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for child in etree.fromstring(data).find(f"{NAR}header"):
        found.setdefault(etree.QName(child).localname, []).append(child.text)
    return found


def carried(data: bytes) -> list[tuple[str, str]]:
    """(guid, language) of each item in the message, the package's language as ''."""
    return [(i.get("guid"), i.get(XML_LANG) if etree.QName(i).localname == "newsItem" else "")
            for i in etree.fromstring(data).find(f"{NAR}itemSet")]


def own_file(root: Path, item: etree._Element) -> etree._Element:
    slug = item.find(f"{NAR}contentMeta/{NAR}slugline").text
    relative = f"{item.get(XML_LANG)}/{slug}.xml" if etree.QName(item).localname == "newsItem" else f"{slug}.xml"
    return etree.parse(str(root / "output" / "newsml" / relative), parser()).getroot()


def canonical(element: etree._Element) -> str:
    return etree.canonicalize(etree.tostring(element, encoding="unicode"), strip_text=True)


def test_each_partner_gets_the_messages_its_profile_says(newsroom):
    found = messages(newsroom)
    assert sorted(found) == ["apa/feed.xml", "dpa/second-story.xml", "dpa/test-story.xml", "kazinform/feed.xml"]
    # (ntb takes the outbox's ninjs twins)
    for name, data in found.items():
        assert problems(data, ours=True) == [], name
    for slug in SLUGS:
        items = carried(found[f"dpa/{slug}.xml"])
        assert sorted(lang for _, lang in items) == ["", "en", "ru"]
        assert all(f":test-{slug}" in guid for guid, _ in items)  # one story, nothing of the other
    apa = carried(found["apa/feed.xml"])
    assert sorted(lang for _, lang in apa) == ["", "", "kk", "kk"]
    assert {guid.split(":")[-1].split("@")[0] for guid, _ in apa} == {f"test-{slug}" for slug in SLUGS}
    for data in found.values():
        for item in etree.fromstring(data).find(f"{NAR}itemSet"):
            assert canonical(item) == canonical(own_file(newsroom, item))


def test_the_header_is_the_partners_and_the_transmit_id_names_what_was_sent(newsroom, monkeypatch):
    found = messages(newsroom)
    dpa = header(found["dpa/test-story.xml"])
    assert dpa["sender"] == ["belta.by"] and dpa["priority"] == ["3"] and dpa["destination"] == ["dpa-desk"]
    assert dpa["channel"] == ["wire", "ru-service"]
    apa = header(found["apa/feed.xml"])
    assert apa["sender"] == ["wire.belta.by"] and apa["priority"] == ["5"]  # the stories' urgency
    assert "destination" not in apa and "channel" not in apa
    for name, data in found.items():  # sent: the latest versionCreated of what the message carries
        items = etree.fromstring(data).find(f"{NAR}itemSet")
        created = [i.findtext(f"{NAR}itemMeta/{NAR}versionCreated") for i in items]
        assert header(data)["sent"] == [max(created)], name
    ids = [header(data)["transmitId"][0] for data in found.values()]
    assert len(set(ids)) == len(ids)  # kazinform takes what apa takes, in a transmission of its own
    assert carried(found["kazinform/feed.xml"]) == carried(found["apa/feed.xml"])

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725530400")
    wire_build(newsroom, jobs=1)  # nothing new: the same messages
    assert messages(newsroom) == found
    set_front_matter(newsroom, "correction: Corrects the figure.", slug="test-story")
    run_update(newsroom)
    wire_build(newsroom, jobs=1)  # English goes out again (ru and kk wait for the note's translation)
    again = messages(newsroom)
    assert again["dpa/second-story.xml"] == found["dpa/second-story.xml"]
    changed = header(again["dpa/test-story.xml"])
    assert changed["transmitId"] != dpa["transmitId"] and changed["sent"] == ["2024-09-05T10:00:00+00:00"]
    assert header(again["apa/feed.xml"])["transmitId"] != apa["transmitId"]  # the package moved on


def test_a_partner_whose_languages_are_all_held_back_gets_no_message_for_that_story(tmp_path, monkeypatch):
    root = make_newsroom(tmp_path)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write(PARTNERS)
    po = polib.pofile(str(po_path(root, "kk", "second-story")))
    next(e for e in po if e.msgstr).flags.append("fuzzy")  # Kazakh held back for the second story
    po.save()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    wire_build(root, jobs=1)
    apa = carried(messages(root)["apa/feed.xml"])
    assert {guid.split(":")[-1].split("@")[0] for guid, _ in apa} == {"test-test-story"}


def test_iptcs_library_reads_each_partners_message_and_its_header(newsroom):
    NewsMLG2 = pytest.importorskip("NewsMLG2", reason="IPTC's newsmlg2 is not installed: pip install -e '.[test]'")
    folder = newsroom / "output" / "newsml" / "partners"
    for name, data in messages(newsroom).items():
        message = NewsMLG2.NewsMLG2Document(str(folder / name)).get_item()
        assert isinstance(message, NewsMLG2.NewsMessage), name
        assert str(message.header.transmitid) == header(data)["transmitId"][0]
        assert str(message.header.sender) == header(data)["sender"][0]
