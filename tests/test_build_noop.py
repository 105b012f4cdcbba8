"""A build with nothing to do is decided before the renderers are imported (publisher.uptodate), and
by `publish build` before the CLI is (publisher.entry). Over a history of edits, with full and
narrowed builds, that early decision is the full build's: when it finds nothing to do, the full
path finds nothing to do and reports the same; when the full path finds nothing to do and no earlier
build left work behind, so does it. After each step the outputs are what a build from nothing makes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings, strategies as st

from publisher import journal, manifest as manifests, uptodate
from publisher.build import build_locked
from publisher.config import load_config
from publisher.exporters import FORMATS
from publisher.fsutil import plain_relative, real_path
from publisher.manifest import MANIFEST_NAME
from publisher.uptodate import Options, Plan, if_up_to_date
from tests.helpers import BODY, po_path, run_update, translate, write_article
from tests.test_build_state import clean_build, make_project, outputs, project_state

SLUGS = ("story-one", "story-two")
# Full, and narrowed three ways (each with its own manifest in .build/narrowed-<hash>/). Only the
# full build sends the wire, and the one narrowed to languages makes books: a wire build narrowed
# writes the ledgers (inputs of every build) otherwise than the full one, and web pages narrowed to
# languages offer only those, so each build would find work after the other, for ever.
BUILDS = {
    "html": (("html",), (), ()),
    "ru+be": (("epub",), ("ru", "be"), ()),
    "one article": (("xhtml",), (), (SLUGS[0],)),
    "full": (FORMATS, (), ()),
}


@pytest.fixture(autouse=True)
def wire_time_and_settled_inputs(monkeypatch):
    """One wire time for every build compared; and every input counts as settled at once (no
    three-second racy window), so that the stat records are what decides."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    monkeypatch.setattr(manifests, "RACY_NS", 0)


def newsroom(root: Path) -> Path:
    """Two articles, translated into Russian and Belarusian; Kazakh left untranslated (held back
    from the wire for both)."""
    make_project(root, slug=SLUGS[0])
    write_article(root, SLUGS[1], BODY.replace("key partners", "close partners"), headline="Second headline")
    run_update(root)
    for slug in SLUGS:
        for lang in ("ru", "be"):
            translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")
    return root


def decisions(root: Path, monkeypatch) -> dict[str, tuple[bool, bool]]:
    """Per build: (the early decision found nothing to do, the full path found nothing to do); each
    early report that found nothing to do equals the full path's."""
    idle_calls: list[int] = []
    nothing_to_do = Plan.nothing_to_do

    def counted(plan):
        idle_calls.append(1)
        return nothing_to_do(plan)

    monkeypatch.setattr(Plan, "nothing_to_do", counted)
    found = {}
    for name, (formats, languages, only) in BUILDS.items():
        config = load_config(root)
        early = if_up_to_date(config, formats, languages, only, True)
        idle_calls.clear()
        wanted = tuple(lang for lang in config.languages if lang in (languages or config.languages))
        with uptodate._locks(config):
            report = build_locked(config, Options(tuple(f for f in FORMATS if f in formats), wanted, True), only,
                                  False, 1, None, None, None)
        found[name] = (early is not None, bool(idle_calls))
        if early is not None:
            assert early == report, name
    monkeypatch.setattr(Plan, "nothing_to_do", nothing_to_do)
    return found


def keep_times(path: Path, change) -> None:
    """Change a file's bytes, keeping its size and modification time (ctime moves all the same)."""
    before = path.stat()
    data = path.read_bytes()
    changed = change(data)
    assert len(changed) == len(data) and changed != data
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def first_html(root: Path) -> Path:
    return next(p for p in sorted((root / "output" / "html").rglob("*.html")) if SLUGS[0] in p.name)


def withdraw(root: Path, slug: str) -> None:
    """Withdrawn from partners first: a story they hold may not just vanish (publisher.wire)."""
    path = root / "source" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("byline: BelTA\n", "byline: BelTA\nstatus: canceled\n"),
                    encoding="utf-8")


def kill_while_staging(root: Path) -> None:
    (root / "output" / ".build" / uptodate.STAGING_MARK).touch()


def cut_commit_short(root: Path) -> None:
    """A journal left by a commit cut short (nothing left to move)."""
    config = load_config(root)
    entry = journal.Journal(manifests.project_key(config.root), [], [], None)
    (root / "output" / ".build" / journal.JOURNAL_NAME).write_bytes(msgspec.json.encode(entry))


def hostile_manifest(root: Path) -> None:
    path = root / "output" / ".build" / MANIFEST_NAME
    manifest = msgspec.json.decode(path.read_bytes())
    manifest["articles"][SLUGS[0]]["files"]["../../escaped.html"] = ["0" * 64, 1]
    path.write_bytes(msgspec.json.encode(manifest))


# Each step: what it does, and whether it leaves work that only the full path repairs first.
HISTORY = [
    ("nothing changed", lambda root: None, False),
    ("an output touched", lambda root: os.utime(first_html(root)), False),
    ("source edited, size and time kept", lambda root: keep_times(
        root / "source" / f"{SLUGS[0]}.md", lambda b: b.replace(b"T12:00:00+03:00", b"T13:00:00+03:00")), False),  # the time of day
    ("catalogue edited, size and time kept", lambda root: keep_times(
        po_path(root, "ru", SLUGS[1]), lambda b: b.replace(b"[ru]", b"[RU]", 1)), False),
    ("an output deleted", lambda root: first_html(root).unlink(), False),
    ("an output changed", lambda root: keep_times(first_html(root), lambda b: b.replace(b"<", b"{", 1)), False),
    ("settings changed", lambda root: (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text(encoding="utf-8") + 'collection_size = 7\n', encoding="utf-8"), False),
    ("article added", lambda root: (write_article(root, "story-three", headline="Third headline"),
                                    run_update(root)), False),
    ("article withdrawn", lambda root: withdraw(root, "story-three"), False),
    ("article removed", lambda root: (root / "source" / "story-three.md").unlink(), False),
    ("a picture added", lambda root: ((root / "source" / SLUGS[1]).mkdir(),
                                      (root / "source" / SLUGS[1] / "unused.jpg").write_bytes(b"\xff\xd8")), False),
    ("a build killed while staging", kill_while_staging, True),
    ("a commit cut short", cut_commit_short, True),
    ("a hostile manifest", hostile_manifest, False),
    ("a language's web pages deleted", lambda root: shutil.rmtree(root / "output" / "html" / "ru"), False),
    ("nothing changed again", lambda root: None, False),
]


def test_the_early_decision_is_the_full_builds_over_a_history(tmp_path, monkeypatch):
    root = newsroom(tmp_path / "newsroom")
    decisions(root, monkeypatch)  # every build made; a second round, each finds the others' files as it made them
    for step, edit, left_work in HISTORY:
        edit(root)
        found = decisions(root, monkeypatch)
        for name, (early, full) in found.items():
            assert not early or full, f"{step}: {name}: the early decision skipped a build with work to do"
            assert early or not full or left_work, f"{step}: {name}: the early decision missed a no-op"
        if step.startswith("nothing changed"):
            assert all(early for early, _ in decisions(root, monkeypatch).values()), step
        if step in ("an output deleted", "an output changed", "source edited, size and time kept",
                    "catalogue edited, size and time kept", "settings changed", "article added"):
            assert not found["html"][0], step  # the first build after the edit: the others may find it repaired
        assert project_state(root) == clean_build(root, tmp_path), step
        assert not (tmp_path / "escaped.html").exists()


def manifests_as_written(root: Path) -> dict[str, tuple[bytes, int]]:
    """Each manifest in .build/ (the full build's, the narrowed builds'): its bytes and inode."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_ino)
            for p in sorted((root / "output" / ".build").rglob(MANIFEST_NAME))}


def test_a_no_op_after_a_build_leaves_the_manifest_as_the_build_wrote_it(tmp_path):
    """Each build records every input as it leaves it (its ledger, under the article's id, which a
    new article's plan cannot know): the no-op after it has nothing to refresh, and writes nothing."""
    root = newsroom(tmp_path / "newsroom")
    for step in ("from scratch", "article added"):
        if step == "article added":
            write_article(root, "story-three", headline="Third headline")
            run_update(root)
        for name, (formats, languages, only) in reversed(BUILDS.items()):  # the full build first: the wire's ledgers
            uptodate.build(load_config(root), formats, languages, only, jobs=1)
            written = manifests_as_written(root)
            assert uptodate.build(load_config(root), formats, languages, only, jobs=1).rebuilt == [], (step, name)
            assert manifests_as_written(root) == written, (step, name)
        manifest = msgspec.json.decode(written["output/.build/manifest.json"][0], type=manifests.Manifest)
        for slug, record in manifest.articles.items():
            if slug != manifests.COLLECTIONS:
                ledgers = [entry for entry in record.seen if entry[0].startswith("ledger/")]
                assert [entry[0] for entry in ledgers] == [f"ledger/{record.id}.json"], step
                assert ledgers[0][1] == (root / ledgers[0][0]).stat().st_size, step  # recorded, not racy


def test_an_edit_is_never_missed_with_the_racy_window(tmp_path, monkeypatch):
    """The real racy window: a catalogue saved right after a build, same size and time."""
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    root = newsroom(tmp_path / "newsroom")
    decisions(root, monkeypatch)
    keep_times(po_path(root, "be", SLUGS[0]), lambda b: b.replace(b"[be]", b"[BE]", 1))
    assert if_up_to_date(load_config(root), FORMATS, (), (), True) is None


def publish(root: Path, entry: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"from {entry} import main; main()", "build", *args],
                          cwd=root, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [(), ("--format", "html"), ("-l", "kk", "--strict"), ("--format=newsml", "--strict"),
                                  ("-a", SLUGS[1], "--no-fallback", "-j", "1"), ("-o", "elsewhere")])
def test_publish_build_with_nothing_to_do_prints_what_the_cli_prints(tmp_path, args):
    root = newsroom(tmp_path / "newsroom")
    first = publish(root, "publisher.cli", *args)
    assert first.returncode in (0, 1), first.stderr
    before = outputs(root)
    early, cli = publish(root, "publisher.entry", *args), publish(root, "publisher.cli", *args)
    assert (early.returncode, early.stdout, early.stderr) == (cli.returncode, cli.stdout, cli.stderr)
    assert " 0 article(s) rendered" in early.stdout
    assert outputs(root) == before
    if "--strict" in args:
        assert early.returncode == 1 and "held back: " in early.stderr


def test_publish_build_leaves_what_it_cannot_answer_to_the_cli(tmp_path):
    root = newsroom(tmp_path / "newsroom")
    publish(root, "publisher.cli")
    for args in (("--format", "pdf"), ("--lang", "de"), ("--force",), ("--help",), ("-j", "-1")):
        early, cli = publish(root, "publisher.entry", *args), publish(root, "publisher.cli", *args)
        assert (early.returncode, early.stdout, early.stderr) == (cli.returncode, cli.stdout, cli.stderr), args


def test_a_manifest_naming_a_folder_linked_out_of_output_is_not_trusted(tmp_path, monkeypatch):
    root = newsroom(tmp_path / "newsroom")
    decisions(root, monkeypatch)
    folder = first_html(root).parent
    folder.rename(tmp_path / "elsewhere")
    folder.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    config = load_config(root)
    real_path.cache_clear()  # as every command does when it starts
    manifest, problem, _ = manifests.load(config.output_path / ".build", config.output_path, config.root)
    assert manifest.articles == {} and "outside the output folder (through a symbolic link)" in problem
    assert if_up_to_date(config, FORMATS, (), (), True) is None


def another_build(root: Path) -> None:
    uptodate.build(load_config(root), jobs=1)


def link_out(root: Path) -> None:
    folder = first_html(root).parent
    folder.rename(root.parent / "elsewhere")
    folder.symlink_to(root.parent / "elsewhere", target_is_directory=True)


# What may happen between `publish build`'s up-to-date check, which keeps the manifest it decoded,
# and the build that follows it under the locks again: (what, what the build notes, whether it
# renders, whether it decodes a manifest: only other bytes than the check's are decoded again).
BETWEEN = {
    "nothing": (lambda root: None, "", True, False),
    "another build wrote the manifest": (another_build, "", False, True),
    "a hostile manifest": (hostile_manifest, "everything is built again", True, True),
    "the manifest removed": (lambda root: (root / "output" / ".build" / MANIFEST_NAME).unlink(), "", True, False),
}


@pytest.mark.parametrize("what", BETWEEN)
def test_the_build_after_the_up_to_date_check_uses_its_manifest_only_as_a_fresh_load_would(
        tmp_path, monkeypatch, what):
    """The manifest is decoded once for the check and the build; a manifest that changed in between
    is decoded again, and the folders' links are looked up again."""
    between, noted, renders, decodes = BETWEEN[what]
    root = newsroom(tmp_path / "newsroom")
    uptodate.build(load_config(root), jobs=1)
    translate(root, "ru", slug=SLUGS[0], default="[ru, edited] {msgid}")
    decoded, problem, folders = [], manifests._problem, manifests._folders  # one of them for each manifest decoded
    monkeypatch.setattr(manifests, "_problem", lambda *a: decoded.append(1) or problem(*a))
    monkeypatch.setattr(manifests, "_folders", lambda *a: decoded.append(1) or folders(*a))
    assert if_up_to_date(load_config(root), FORMATS, (), (), True) is None and len(decoded) == 1
    between(root)
    decoded.clear()
    report = uptodate.build(load_config(root), jobs=1)
    assert bool(decoded) == decodes, what
    assert noted in " ".join(report.notes) and (report.rebuilt != []) == renders, report.notes
    assert project_state(root) == clean_build(root, tmp_path), what
    assert not (tmp_path / "escaped.html").exists()


def test_a_folder_linked_out_after_the_up_to_date_check_is_found_by_the_builds_load(tmp_path):
    root = newsroom(tmp_path / "newsroom")
    uptodate.build(load_config(root), jobs=1)
    translate(root, "ru", slug=SLUGS[0], default="[ru, edited] {msgid}")
    config = load_config(root)
    assert if_up_to_date(config, FORMATS, (), (), True) is None  # the manifest it decoded is kept
    link_out(root)
    real_path.cache_clear()  # as every command does when it takes the locks
    manifest, problem, _ = manifests.load(config.output_path / ".build", config.output_path, config.root)
    assert manifest.articles == {} and "outside the output folder (through a symbolic link)" in problem


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", ".", "..", ".build", ".build.", "html", "ru", "a\\b", "c\0"])
                         | st.text(alphabet="/.\\\0abuild", max_size=8), min_size=1, max_size=4).map("/".join),
                min_size=1, max_size=6))
def test_a_manifest_path_is_tested_by_its_folder_as_by_the_whole_path(paths):
    """The folder of each path is tested once for all its files (manifests._may_hold), with the
    same answers, in any order, as testing each whole path."""
    folders: dict[str, bool] = {}
    for relative in paths:
        assert manifests._may_hold(folders, relative) == (plain_relative(relative)
                                                          and not relative.startswith(".build/")), relative
