"""The outbox as rows kept between builds (.build/_outbox.json, publisher.wire.rows): a build lists
what a fresh build lists whatever became of the file, and parses no ledger whose bytes it holds."""

from __future__ import annotations

import json

import pytest

from publisher import manifest, wire
from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.wire import ledger as ledgers, pull, rows
from publisher.wire.newsday import committed_ledgers, load_ledger
from tests.helpers import translate, vouch_for
from tests.test_build_state import (SLUGS, clean_build, edit_translation, newsroom, project,  # noqa: F401
                                    project_state, reproducible_wire_times)


def rows_file(root):
    return root / "output" / ".build" / rows.NAME


def ledger_files(root):
    return sorted((root / "ledger").glob("*.json"))


def reformat_ledger(root):
    """A ledger's bytes changed, not what it says (a merge tool's indentation)."""
    path = ledger_files(root)[0]
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=4), encoding="utf-8")


def kept_rows(root):
    """The rows the next build goes on from: those the manifest vouches for."""
    return rows.load(rows_file(root), manifest.load(root / "output" / ".build", root / "output", root)[0]).rows


def then_edited(damage, lang, vouched=True):
    """Damage to the rows, with the manifest forged to vouch for them if `vouched` (else only the
    manifest's record stands in the way), then a translation edited (a build with nothing to do
    leaves its state be)."""
    def step(root):
        damage(rows_file(root))
        if vouched and rows_file(root).exists():
            vouch_for(rows_file(root))
        translate(root, lang, slug=SLUGS[1], default=f"[{lang}, {damage.__name__}] {{msgid}}")
    return step


def gone(file):
    file.unlink()


def not_json(file):
    file.write_bytes(b'{"sha256:')


def another_shape(file):
    file.write_bytes(b'{"sha256:00": [[1, "wire/x"]]}')


def damage_listing(root):
    """A day's index damaged in the output folder: the rows are the last build's, the file is not."""
    (root / "output" / "wire" / "2024-09-05" / "index.json").write_bytes(b"{}")


def forge_headlines(file, headline):
    data = json.loads(file.read_bytes())
    for book in data["rows"].values():
        for row in book:
            row[12] = headline
    file.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def forge_field(index, value):
    """Every row's field `index` forged: the rows are refused, and the ledgers parsed again."""
    def forged(file):
        data = json.loads(file.read_bytes())
        for book in data["rows"].values():
            for row in book:
                row[index] = value
        file.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    forged.__name__ = f"field {'abcdefghijklm'[index]} forged"  # no figure: the gate would hold it back
    return forged


def plausible_headline(file):
    """Every headline forged as a plausible one: nothing in the rows tells it from a true one."""
    forge_headlines(file, "Belarus and Kazakhstan sign a forged accord")


def control_character(file):
    """Every headline of the rows forged with a character no listing can carry (escaped, as msgspec
    escapes it): the Atom feeds' XML would refuse it, so rows that hold one are not used."""
    forge_headlines(file, "forged\u0001")


def noncharacter(file):
    """The same with a noncharacter, unescaped in the file."""
    forge_headlines(file, "forged\uffff")


HISTORY = [
    ("a translation edited: a new version in the outbox", edit_translation),
    ("the rows gone", then_edited(gone, "kk")),
    ("the rows not JSON", then_edited(not_json, "be")),
    ("rows of another shape", then_edited(another_shape, "ru")),
    ("a plausible headline forged, not the manifest", then_edited(plausible_headline, "kk", vouched=False)),
    ("a control character in the rows", then_edited(control_character, "kk")),
    ("a noncharacter in the rows", then_edited(noncharacter, "be")),
    ("a file outside the outbox's layout", then_edited(forge_field(1, "wire/oops"), "ru")),
    ("a time that is none", then_edited(forge_field(2, "not-a-time"), "kk")),
    ("a time without its zone", then_edited(forge_field(2, "2099-01-01T00:00:00"), "be")),
    ("an order that is not its time's", then_edited(forge_field(0, 10**30), "ru")),
    ("a language that is a path", then_edited(forge_field(6, "x/../../escape"), "kk")),
    ("a day that is not its version's", then_edited(forge_field(11, "evil"), "be")),
    ("a ledger reformatted", reformat_ledger),
    ("a day's index damaged", damage_listing),
    ("the other story's Kazakh edited", lambda root: translate(root, "kk", slug=SLUGS[1], default="[kk, new] {msgid}")),
]


def test_every_build_of_a_history_lists_the_outbox_a_fresh_build_lists(project, tmp_path):  # noqa: F811
    for step, edit in HISTORY:
        edit(project)
        build(load_config(project), jobs=1)
        assert project_state(project) == clean_build(project, tmp_path), step
        kept = kept_rows(project)
        config = load_config(project)
        expected = {wire.ledger_path(p.stem): rows.of(load_ledger(config, p.stem)) for p in ledger_files(project)}
        committed = committed_ledgers(config, kept)
        assert {wire.ledger_path(i): c.rows for i, c in committed.items()} == expected, step
        assert all(c.ledger is None for c in committed.values()), step  # every one kept: none parsed


def test_a_days_index_made_from_the_last_builds_rows_is_kept(project, tmp_path, monkeypatch):  # noqa: F811
    """A version sent a day later starts a day's index of its own: the earlier day's stays as it
    is, not made again, and the outputs are what a fresh build makes."""
    made_days = []
    make = pull._json

    def listing(data):  # the real one, noting which day's index it makes
        made_days.append(data.get("day"))
        return make(data)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1725526800 + 86400))
    monkeypatch.setattr(pull, "_json", listing)
    edit_translation(project)
    report = build(load_config(project), jobs=1)
    assert "2024-09-06" in made_days and "2024-09-05" not in made_days
    assert any("wire/2024-09-06/index.json" in name for name in report.written)
    assert any("wire/2024-09-05/index.json" in name for name in report.unchanged)
    assert project_state(project) == clean_build(project, tmp_path)


def test_a_ledger_the_rows_stand_for_is_read_when_needed_and_refused_if_it_changed(project):  # noqa: F811
    config = load_config(project)
    committed = committed_ledgers(config, kept_rows(project))
    article_id = sorted(committed)[0]
    assert committed[article_id].ledger is None
    assert committed[article_id].parsed(config, article_id) == load_ledger(config, article_id)
    path = project / ledgers.ledger_path(article_id)
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(PublisherError, match="changed while the build ran"):
        committed[article_id].parsed(config, article_id)


def test_a_ledger_the_rows_do_not_know_is_parsed_and_checked(project):  # noqa: F811
    """Rows stand in for bytes a build parsed: a damaged ledger is still refused, with its path."""
    config = load_config(project)
    kept = kept_rows(project)
    path = ledger_files(project)[0]
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(PublisherError, match="the version ledger cannot be read") as raised:
        committed_ledgers(config, kept)
    assert "ledger/" in str(raised.value)


def test_a_manifest_naming_a_state_file_it_does_not_keep_is_not_trusted(project):  # noqa: F811
    state = project / "output" / ".build"
    found = json.loads((state / manifest.MANIFEST_NAME).read_bytes())
    assert set(found["state"]) == {rows.NAME, "_collections.json"}
    found["state"]["../escape.json"] = found["state"][rows.NAME]
    (state / manifest.MANIFEST_NAME).write_text(json.dumps(found), encoding="utf-8")
    loaded, problem, _ = manifest.load(state, project / "output", project)
    assert "an unknown state file '../escape.json'" in problem and not loaded.state
