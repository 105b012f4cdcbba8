"""The wire over many builds, as a history (hypothesis stateful): edits, corrections, late
translations, holds, embargoes and their lifting, withdrawals, withholdings, deletions and a second
story, in any order. After every build each file is schema-valid, versions only grow, a sent
guid + version never changes its bytes, and a withdrawal has reached every language ever sent."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lxml import etree

from publisher.errors import PublisherError
from publisher.wire.schema import parser
from tests.helpers import po_path, run_update, translate, write_article
from tests.wire_helpers import (LANGUAGES, NAR, SECOND_BODY, assert_all_valid, make_newsroom, set_front_matter,
                                wire_build)

NOON = datetime(2024, 9, 5, 9, 0, tzinfo=timezone.utc)
STORIES = ("test-story", "second-story")
TARGETS = LANGUAGES[1:]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = make_newsroom(tmp_path_factory.mktemp("history"))
    (root / "source" / "second-story.md").unlink()  # a rule adds it
    shutil.rmtree(root / "locales" / "templates")
    for lang in LANGUAGES:
        po_path(root, lang, "second-story").unlink()
    run_update(root)
    return root


class NewsDay(RuleBasedStateMachine):
    template: Path

    def __init__(self):
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.root = Path(shutil.copytree(self.template, Path(self.folder) / "newsroom"))
        self.hours = 0.0
        self.status = {"test-story": "usable"}  # slug → usable | withheld | canceled; absent: not written
        self.edits = 0
        self.bytes: dict[tuple[str, str], str] = {}  # (guid, version) → sha256 of the document
        self.versions: dict[tuple[str, int], dict] = {}  # (guid, version) → its ledger record
        self.sent: dict[str, set[str]] = {}  # slug → guids of text items partners received
        self.build()

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- the desk --------------------------------------------------------------------------

    @rule(slug=st.sampled_from(STORIES))
    def edit(self, slug):
        if self._writable(slug):
            self.edits += 1
            path = self.root / "source" / f"{slug}.md"
            first = "Kazakhstan and Belarus are" if slug == "test-story" else "The second story has"
            text = path.read_text(encoding="utf-8").replace(first, f"{first} (edit {self.edits})", 1)
            path.write_text(text, encoding="utf-8")
            run_update(self.root)
        self.build()

    @rule(slug=st.sampled_from(STORIES), lang=st.sampled_from(TARGETS))
    def translate_late(self, slug, lang):
        """A translator catches up: every unit of the catalogue translated, nothing fuzzy."""
        if slug in self.status:
            po = polib.pofile(str(po_path(self.root, lang, slug)))
            for entry in po:
                entry.msgstr = f"{entry.msgid} [{lang}]"
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                entry.previous_msgid = None
            po.save()
            run_update(self.root)
        self.build()

    @rule(slug=st.sampled_from(STORIES), lang=st.sampled_from(TARGETS))
    def hold(self, slug, lang):
        if slug in self.status:
            po = polib.pofile(str(po_path(self.root, lang, slug)))
            for entry in po:
                if entry.msgstr and "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
                    break
            po.save()
        self.build()

    @rule(slug=st.sampled_from(STORIES))
    def correct(self, slug):
        if self._writable(slug):
            self.edits += 1
            set_front_matter(self.root, f"correction: Corrects figure {self.edits}.", slug=slug)
            run_update(self.root)
        self.build()

    @rule(slug=st.sampled_from(STORIES), hours=st.integers(1, 12))
    def embargo(self, slug, hours):
        if self._writable(slug):
            until = (NOON + timedelta(hours=self.hours + hours)).isoformat()
            set_front_matter(self.root, f"embargoed: {until}", slug=slug)
        self.build()

    @rule(slug=st.sampled_from(STORIES))
    def lift(self, slug):
        if self._writable(slug):
            path = self.root / "source" / f"{slug}.md"
            lines = path.read_text(encoding="utf-8").split("\n")
            path.write_text("\n".join(l for l in lines if not l.startswith("embargoed:")), encoding="utf-8")
        self.build()

    @rule(slug=st.sampled_from(STORIES), status=st.sampled_from(("canceled", "withheld", "usable")))
    def set_status(self, slug, status):
        if self._writable(slug) and self.status[slug] != "canceled":
            set_front_matter(self.root, f"status: {status}", slug=slug)
            self.status[slug] = status
        self.build()

    @precondition(lambda self: "second-story" not in self.status)
    @rule(languages=st.sets(st.sampled_from(TARGETS)))
    def add_second_story(self, languages):
        write_article(self.root, "second-story", SECOND_BODY, headline="Second headline")
        run_update(self.root)
        for lang in sorted(languages):
            translate(self.root, lang, slug="second-story", default=f"{{msgid}} [{lang}]")
        self.status["second-story"] = "usable"
        self.build()

    @rule(slug=st.sampled_from(STORIES))
    def delete(self, slug):
        """Deleting a story partners hold as usable is refused, and changes nothing."""
        path = self.root / "source" / f"{slug}.md"
        if not self._writable(slug):
            return
        text = path.read_text(encoding="utf-8")
        path.unlink()
        live = self.sent.get(slug) and self.status[slug] != "canceled"
        if live:
            before = self._documents()
            with pytest.raises(PublisherError, match="this story was sent to wire partners"):
                self.build()
            assert self._documents() == before
            path.write_text(text, encoding="utf-8")
        else:
            self.status[slug] = "deleted"
            self.build()

    # --- the build and its promises --------------------------------------------------------

    def build(self):
        self.hours += 1.5
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", str(self._stamp()))
            wire_build(self.root, jobs=1)
        assert_all_valid(self.root)
        self._record()

    def _stamp(self) -> int:
        return int((NOON + timedelta(hours=self.hours)).timestamp())

    def _record(self):
        for path, tree, data in self._documents_parsed():
            guid, version = tree.get("guid"), tree.get("version")
            digest = hashlib.sha256(data).hexdigest()
            assert self.bytes.setdefault((guid, version), digest) == digest, f"{guid} v{version} changed its bytes"
            if etree.QName(tree).localname == "newsItem":
                self.sent.setdefault(path.name[: -len(".xml")], set()).add(guid)
        for ledger in (self.root / "ledger").glob("*.json"):
            for guid, entry in json.loads(ledger.read_text(encoding="utf-8"))["items"].items():
                created = [v["created"] for v in entry["versions"]]
                assert created == sorted(created, key=datetime.fromisoformat), guid
                for record in entry["versions"]:
                    key = (guid, record["version"])
                    assert self.versions.setdefault(key, record) == record, f"{key} was rewritten in the ledger"
        for (guid, version), digest in self.bytes.items():  # what an outbox would check its files against
            assert self.versions[(guid, int(version))]["sent"] == f"sha256:{digest}", (guid, version)

    @invariant()
    def versions_only_grow(self):
        highest: dict[str, int] = {}
        for guid, version in self.versions:
            highest[guid] = max(highest.get(guid, 0), version)
        for _, tree, _ in self._documents_parsed():
            assert int(tree.get("version")) == highest[tree.get("guid")]  # every file shows the latest

    @invariant()
    def a_withdrawal_reached_every_language_ever_sent(self):
        for slug, status in self.status.items():
            if status != "canceled":
                continue
            for guid in self.sent.get(slug, ()):
                lang = guid.rsplit("@", 1)[1]
                tree = etree.parse(str(self.root / "output" / "newsml" / lang / f"{slug}.xml"), parser()).getroot()
                assert tree.get("guid") == guid
                assert tree.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:canceled"
                assert tree.find(f"{NAR}contentSet/{NAR}inlineXML") is None

    @invariant()
    def the_feed_carries_the_bytes_of_the_items(self):
        feed = self.root / "output" / "newsml" / "feed.xml"
        if not feed.exists():
            return
        files = {tree.get("guid"): tree for _, tree, _ in self._documents_parsed()}
        for element in etree.parse(str(feed), parser()).getroot().find(f"{NAR}itemSet"):
            own = files[element.get("guid")]
            assert element.get("version") == own.get("version")
            assert _canonical(element) == _canonical(own)

    @invariant()
    def a_fresh_build_makes_the_same_messages_and_listings(self):
        """The collection carries the items the articles' step wrote, read back: a build from
        nothing but the project, which renders every story again and reads its items from where it
        staged them, makes the same bytes; but for feed.xml when no story sends anything now, which
        the project's build keeps as it last sent it (partners keep polling the last good feed) and
        a build from nothing does not write."""
        fresh = Path(self.folder) / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(self.root, fresh, ignore=shutil.ignore_patterns("output"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", str(self._stamp()))
            wire_build(fresh, jobs=1, force=True)
        made, kept = _collection(fresh), _collection(self.root)
        if "newsml/feed.xml" not in made:
            kept.pop("newsml/feed.xml", None)
        assert made == kept

    def _writable(self, slug: str) -> bool:
        return self.status.get(slug) in ("usable", "withheld", "canceled")

    def _documents(self) -> dict[str, bytes]:
        out = self.root / "output" / "newsml"
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.xml"))} if out.exists() \
            else {}

    def _documents_parsed(self):
        out = self.root / "output" / "newsml"
        for name, data in self._documents().items():
            if name != "feed.xml":
                yield out / name, etree.fromstring(data, parser()), data


def _collection(root: Path) -> dict[str, bytes]:
    """The wire's collection files: the newsMessages and the pull listings (not the outbox's items)."""
    out = root / "output"
    found = sorted((out / "newsml").glob("feed.xml")) + sorted((out / "newsml" / "partners").rglob("*.xml"))
    found += [p for p in sorted((out / "wire").rglob("*")) if p.is_file() and not _OUTBOX_ITEM.search(p.name)]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in found}


_OUTBOX_ITEM = re.compile(r"-v[0-9]+\.(?:xml|json)$")


def _canonical(element: etree._Element) -> str:
    """C14N 2.0 of an item wherever it stands (a file of its own, or a feed's itemSet), indentation stripped."""
    return etree.canonicalize(etree.tostring(element, encoding="unicode"), strip_text=True)


@pytest.mark.parametrize("run", [0])
def test_the_wire_keeps_its_promises_over_a_news_day(template, run):
    NewsDay.template = template
    test = NewsDay.TestCase
    test.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    test().runTest()
