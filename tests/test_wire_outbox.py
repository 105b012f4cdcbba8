"""The outbox and what partners pull from it, over a history of builds (hypothesis stateful, on the
news day of test_wire_history: two stories, late translations, holds, corrections, kills, deletions)
and over one scripted day. After every build: each outbox file once written keeps its bytes and
stays; every version in the ledgers is in the outbox, both files with the digests the ledger
recorded; each ninjs twin is valid against IPTC's schema and says what its NewsML-G2 item says; the
day indexes list the day's files; the changes listing only grows at its end and each page names the
next; each language's Atom feed reads in feedparser with the elements RFC 4287 requires."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import feedparser
import polib
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import rule

from publisher.build import build
from publisher.config import load_config
from tests.helpers import po_path, run_update
from tests.test_wire_history import NewsDay, template  # noqa: F401  (the fixture: the history's newsroom)
from tests.wire_helpers import make_newsroom, set_front_matter, wire_build
from tests.wire_twins import SHARED_SCHEMA, assert_twins

OUTBOX_FILE = "*/*-v*.*"  # wire/<day>/<stem>-v<N>.xml|json


def outbox_files(root: Path) -> dict[str, bytes]:
    wire = root / "output" / "wire"
    return {p.relative_to(root / "output").as_posix(): p.read_bytes() for p in sorted(wire.glob(OUTBOX_FILE))
            if p.name != "index.json"} if wire.exists() else {}


def wire_folder(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "output" / "wire").rglob("*")) if p.is_file()}


def ledger_versions(root: Path) -> list[tuple[str, dict]]:
    return [(guid, version) for path in sorted((root / "ledger").glob("*.json"))
            for guid, item in json.loads(path.read_text(encoding="utf-8"))["items"].items()
            for version in item["versions"]]


def changes(root: Path) -> list[dict]:
    """Every change, read as a partner does: from the index's first page, following "next"."""
    wire = root / "output" / "wire"
    index = json.loads((wire / "index.json").read_bytes())
    page, found, number = wire / index["changes"]["first"], [], 1
    while True:
        data = json.loads(page.read_bytes())
        assert data["page"] == number and len(data["changes"]) <= index["changes"]["page_size"]
        found += data["changes"]
        if data["next"] is None:
            assert page == wire / index["changes"]["latest"]
            break
        assert len(data["changes"]) == index["changes"]["page_size"]  # only the last page is short
        page, number = page.parent / data["next"], number + 1
    assert [c["seq"] for c in found] == list(range(1, len(found) + 1))
    assert index["changes"]["count"] == len(found)
    return found


def check_atom(root: Path) -> None:
    """Each language's feed: feedparser reads it cleanly; one entry per item, at its latest version."""
    wire = root / "output" / "wire"
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for guid, version in ledger_versions(root):
        if "@" in guid.rsplit(":", 1)[-1]:  # a text item
            lang = guid.rsplit("@", 1)[1].split(":")[0]
            latest[(lang, guid)] = max(latest.get((lang, guid), (0, "")), (version["version"],
                                                                           version["outbox"]["file"]))
    for lang, href in json.loads((wire / "index.json").read_bytes())["feeds"].items():
        parsed = feedparser.parse((wire / href).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.id and parsed.feed.title and parsed.feed.updated and parsed.feed.author
        assert parsed.feed.language == lang
        mine = {guid: found for (lg, guid), found in latest.items() if lg == lang}
        assert {e.id for e in parsed.entries} == set(mine)
        for entry in parsed.entries:
            assert entry.title and entry.updated and entry.summary
            links = {link.type: link.href for link in entry.links}
            _, file = mine[entry.id]
            assert (wire / lang / links["application/vnd.iptc.g2.newsitem+xml"]).resolve() == \
                   (root / "output" / f"{file}.xml").resolve()
            assert (wire / lang / links["application/json"]).resolve() == (root / "output" / f"{file}.json").resolve()


def check_outbox(root: Path, seen: dict[str, bytes], listed: list[dict]) -> list[dict]:
    """The outbox's promises after a build, given what earlier builds left (updated in place)."""
    now = outbox_files(root)
    for name, data in seen.items():
        assert now.get(name) == data, f"{name} was rewritten or removed"
    records = {}
    for guid, version in ledger_versions(root):
        box = version["outbox"]
        assert box is not None, f"{guid} v{version['version']} is not in the outbox"
        assert {f"{box['file']}.xml", f"{box['file']}.json"} <= set(now), f"{box['file']} is gone from the outbox"
        xml, twin = now[f"{box['file']}.xml"], now[f"{box['file']}.json"]
        assert "sha256:" + hashlib.sha256(xml).hexdigest() == version["sent"]
        assert "sha256:" + hashlib.sha256(twin).hexdigest() == box["ninjs"]
        assert box["file"].endswith(f"-v{version['version']}")
        records[box["file"]] = (guid, version)
    assert set(now) == {f"{f}.{ext}" for f in records for ext in ("xml", "json")}, "a file the ledger does not know"
    for name in sorted(set(now) - set(seen)):
        if name.endswith(".xml"):
            assert_twins(now[name], now[name.removesuffix(".xml") + ".json"])
    seen.update(now)
    if not records:
        return listed
    wire = root / "output" / "wire"
    for day in sorted({name.split("/")[1] for name in now}):
        index = json.loads((wire / day / "index.json").read_bytes())
        assert sorted(f"wire/{day}/{r['newsml']}" for r in index["files"]) == \
               sorted(n for n in now if n.startswith(f"wire/{day}/") and n.endswith(".xml"))
    found = changes(root)
    assert found[: len(listed)] == listed, "the changes listing changed what a partner has already read"
    assert sorted((c["guid"], c["version"]) for c in found) == sorted((g, v["version"]) for g, v in records.values())
    check_atom(root)
    return found


class OutboxDay(NewsDay):
    """The wire's news day, with the outbox's promises checked after each build."""

    def build(self):
        super().build()
        self.outbox = getattr(self, "outbox", {})
        self.listed = check_outbox(self.root, self.outbox, getattr(self, "listed", []))

    @rule()
    def forget_the_build(self):
        """The build's own state and the newsml/ snapshot gone (a clean checkout of output/, say):
        the next build renders everything again, and the outbox keeps every version it held."""
        shutil.rmtree(self.root / "output" / ".build", ignore_errors=True)
        shutil.rmtree(self.root / "output" / "newsml", ignore_errors=True)
        self.bytes.clear()  # the snapshot's bookkeeping starts again; the outbox's does not
        self.build()


def test_the_outbox_keeps_its_promises_over_a_news_day(template):  # noqa: F811
    OutboxDay.template = template
    test = OutboxDay.TestCase
    test.settings = settings(max_examples=12, stateful_step_count=10, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    test().runTest()


# --- One scripted day, with what each file must hold ----------------------------------------


def hold_back(root: Path, lang: str, slug: str) -> None:
    po = polib.pofile(str(po_path(root, lang, slug)))
    next(e for e in po if e.msgstr).flags.append("fuzzy")
    po.save()


def catch_up(root: Path, lang: str, slug: str) -> None:
    """A translator renders every unit of the catalogue, nothing left fuzzy."""
    po = polib.pofile(str(po_path(root, lang, slug)))
    for entry in po:
        entry.msgstr = f"{entry.msgid} [{lang}]"
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = None
    po.save()
    run_update(root)


def build_at(root: Path, monkeypatch, hour: int):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1725526800 + hour * 3600))  # 2024-09-05 09:00 UTC + hours
    return wire_build(root, jobs=1)


def test_a_day_of_two_stories_leaves_each_version_once_in_the_outbox(tmp_path, monkeypatch):
    root = make_newsroom(tmp_path)
    for slug in ("test-story", "second-story"):  # be and kk held back: en and ru go out
        for lang in ("be", "kk"):
            hold_back(root, lang, slug)
    seen: dict[str, bytes] = {}
    listed = check_outbox(root, seen, [])
    build_at(root, monkeypatch, 0)
    listed = check_outbox(root, seen, listed)
    set_front_matter(root, "correction: Corrects the figure.", slug="test-story")
    run_update(root)
    catch_up(root, "ru", "test-story")  # the Russian desk translates the correction note
    build_at(root, monkeypatch, 1)
    listed = check_outbox(root, seen, listed)
    catch_up(root, "kk", "test-story")  # the Kazakh desk catches up, built with the clock of the last build:
    build_at(root, monkeypatch, 1)  # its versions still go after those a partner has listed
    listed = check_outbox(root, seen, listed)
    set_front_matter(root, "status: canceled", slug="second-story")  # the second story is killed
    build_at(root, monkeypatch, 3)
    listed = check_outbox(root, seen, listed)
    before = dict(seen)
    build_at(root, monkeypatch, 4)  # nothing new: nothing changes in the outbox or its listings
    pulled = wire_folder(root)
    build_at(root, monkeypatch, 5)
    assert outbox_files(root) == before
    assert wire_folder(root) == pulled
    assert check_outbox(root, seen, listed) == listed

    versions = [(c["guid"].rsplit(":", 1)[1].removeprefix("test-"), c["version"], c["status"], c["signal"])
                for c in listed]
    assert versions == [
        # 09:00: both stories, in English and Russian, and their packages (the names sort within a build)
        ("second-story", 1, "usable", None), ("second-story@en", 1, "usable", None),
        ("second-story@ru", 1, "usable", None),
        ("test-story", 1, "usable", None), ("test-story@en", 1, "usable", None), ("test-story@ru", 1, "usable", None),
        # 10:00: the correction reaches both languages, and the package lists the new versions
        ("test-story", 2, "usable", "update"), ("test-story@en", 2, "usable", "correction"),
        ("test-story@ru", 2, "usable", "correction"),
        # 10:00 again: Kazakh joins at its first version; the package lists it
        ("test-story", 3, "usable", "update"), ("test-story@kk", 1, "usable", None),
        # 12:00: the kill reaches every language sent, and the package
        ("second-story", 2, "canceled", "update"), ("second-story@en", 2, "canceled", "update"),
        ("second-story@ru", 2, "canceled", "update"),
    ]
    killed = json.loads(seen[[n for n in seen if n.endswith("second-story@ru-v2.json")][0]])
    assert killed["pubstatus"] == "canceled" and "bodies" not in killed
    assert json.loads(seen[[n for n in seen if n.endswith("second-story@ru-v1.json")][0]])["bodies"]


def test_the_shipped_ninjs_schema_is_iptcs():
    """The copy the package ships is byte for byte the one in IPTC's schemas beside the project."""
    project = Path(__file__).resolve().parents[1]
    found = [p / "shared" / "ninjs" / "ninjs-schema_2.2.json" for p in (project.parent, project.parent.parent)]
    shared = next((p for p in found if p.exists()), None)
    if shared is None:
        pytest.skip(f"IPTC's ninjs schemas are not beside the project here ({found[0].parent})")
    assert SHARED_SCHEMA.read_bytes() == shared.read_bytes()


def test_the_twin_check_checks_the_formats_the_schema_names():
    """A bad date or address in a twin is refused before anything goes to partners."""
    from publisher.wire import ninjs

    named = set(re.findall(r'"format"\s*:\s*"([^"]+)"', ninjs.SCHEMA_FILE.read_text(encoding="utf-8")))
    assert named == {"date-time", "uri"}  # what the validator is asked to check (validate_formats)
    twin = {"uri": "not an address", "version": "1", "firstcreated": "yesterday"}
    found = ninjs.problems(json.dumps(twin).encode())
    assert any(p.startswith("uri: ") and "not an address" in p and "uri" in p[5:] for p in found), found
    assert any(p.startswith("firstcreated: ") and "date-time" in p for p in found), found


def test_a_full_build_that_removes_a_deleted_story_keeps_its_versions_in_the_outbox(tmp_path, monkeypatch):
    """Only a build of every format removes what a deleted story left; the outbox is not among it."""
    root = make_newsroom(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    build(load_config(root), jobs=1)
    set_front_matter(root, "status: canceled", slug="second-story")  # killed, then deleted
    build(load_config(root), jobs=1)
    seen: dict[str, bytes] = {}
    listed = check_outbox(root, seen, [])
    (root / "source" / "second-story.md").unlink()
    report = build(load_config(root), jobs=1)
    assert "newsml/en/second-story.xml" in " ".join(report.removed)
    assert not (root / "output" / "newsml" / "en" / "second-story.xml").exists()
    assert check_outbox(root, seen, listed) == listed
    assert any("second-story@en-v1" in name for name in seen)


def _listings_as_first_written(config, entries) -> dict[str, bytes]:
    """The day indexes and change pages as pull.files first made them: each entry's record made
    again for every listing, its links from that listing's folder."""
    from publisher.wire import pull
    from publisher.wire.ledger import format_time
    from publisher.wire.outbox import day

    def hex_of(digest):
        return digest.removeprefix("sha256:") if digest else None

    def record(e, here):
        v = e.version
        return {"at": format_time(e.at), "guid": e.guid, "version": v.version, "kind": e.kind,
                "language": e.language, "status": v.status, "signal": v.signal,
                "created": format_time(v.created), "headline": v.headline,
                "newsml": pull._relative(f"{e.file}.xml", here), "newsml_sha256": hex_of(v.sent),
                "ninjs": pull._relative(f"{e.file}.json", here), "ninjs_sha256": hex_of(v.outbox.ninjs)}

    found = {}
    for name in sorted({day(e.version.created) for e in entries}):
        found[f"wire/{name}/index.json"] = pull._json({"day": name, "files": [
            record(e, f"wire/{name}/") for e in entries if day(e.version.created) == name]})
    pages = [entries[i:i + pull.PAGE_SIZE] for i in range(0, len(entries), pull.PAGE_SIZE)]
    for number, page in enumerate(pages, start=1):
        found[pull._page(number)] = pull._json({
            "page": number, "previous": f"{number - 1}.json" if number > 1 else None,
            "next": f"{number + 1}.json" if number < len(pages) else None,
            "changes": [{"seq": (number - 1) * pull.PAGE_SIZE + i, **record(e, "wire/changes/")}
                        for i, e in enumerate(page, start=1)]})
    return found


def test_the_listings_give_each_record_as_first_written(tmp_path):
    """Each entry's record is made once for its day's index and its change page: the same bytes as
    when each listing made its own, over 250 entries (three pages), a day whose files stand in
    another day's folder (a version put in the outbox after its own day) among them."""
    from datetime import datetime, timedelta, timezone

    from hypothesis import given
    from hypothesis import strategies as st

    from publisher.wire import pull
    from publisher.wire.rows import row
    from publisher.wire.ledger import Item, Outbox, Version
    from publisher.wire.outbox import Entry

    config = load_config(make_newsroom(tmp_path))
    start = datetime(2024, 9, 5, 9, tzinfo=timezone.utc)

    @given(st.lists(st.tuples(st.integers(0, 72), st.integers(0, 2), st.sampled_from(["text", "package"]),
                              st.booleans(), st.none() | st.text("ab é<&\"", max_size=5)), min_size=1, max_size=250))
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    def check(rows):
        entries = []
        for n, (hours, late, kind, signal, headline) in enumerate(rows):
            created = start + timedelta(hours=hours)
            folder = (created + timedelta(days=late)).date().isoformat()  # its file may stand in a later day
            file = f"wire/{folder}/story-{n}@kk-v1"
            version = Version(1, created, f"sha256:{n:064x}", f"sha256:{n:064x}", signal="update" if signal else None,
                              headline=headline, outbox=Outbox(file, created + timedelta(days=late), f"sha256:{n:064x}"))
            entries.append(Entry(f"story-{n}", f"urn:newsml:example.org:20240905:story-{n}", kind, "kk", version))
        made, digests = pull.files(config, [row(Item(e.guid, e.kind, e.language), e.version) for e in entries])
        expected = _listings_as_first_written(config, entries)
        assert {path: made[path] for path in expected} == expected
        assert set(digests) == set(expected)  # every listing made of rows alone has its digest

    check()


def test_a_listing_made_from_the_last_builds_rows_is_kept_and_only_that(tmp_path):
    """After one more version, a listing whose rows did not change is not made again (its file
    stays, with the same bytes a fresh listing has), and every one made is what a fresh listing
    makes: over up to 320 versions, the new one on a day of its own or on the last one's, its
    page full or not."""
    from datetime import datetime, timedelta, timezone

    from hypothesis import given
    from hypothesis import strategies as st

    from publisher.wire import pull
    from publisher.wire.ledger import Item, Outbox, Version
    from publisher.wire.rows import row

    config = load_config(make_newsroom(tmp_path))
    start = datetime(2024, 9, 5, 9, tzinfo=timezone.utc)

    def version(n: int, hours: int) -> object:
        created = start + timedelta(hours=hours)
        file = f"wire/{created.date().isoformat()}/story-{n}@kk-v1"
        item = Item(f"urn:newsml:example.org:20240905:story-{n}", "text", "kk")
        return row(item, Version(1, created, f"sha256:{n:064x}", f"sha256:{n:064x}", headline=f"h{n}",
                                 outbox=Outbox(file, created, f"sha256:{n:064x}")))

    @given(st.integers(1, 320), st.integers(0, 30))
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    def check(count, later):
        before = [version(n, n // 12) for n in range(count)]
        after = before + [version(count, (count - 1) // 12 + later)]
        made, digests = pull.files(config, before)
        again, _ = pull.files(config, after, digests)
        fresh, _ = pull.files(config, after)
        assert {path: fresh[path] for path in again} == again
        kept = set(fresh) - set(again)
        assert all(fresh[path] == made[path] for path in kept)
        assert kept == {path for path in digests if made.get(path) == fresh.get(path)}  # nothing made needlessly
        assert (pull._page(1) in kept) == (count > pull.PAGE_SIZE)  # full, and its "next" set already

    check()
