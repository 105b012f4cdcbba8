"""The build engine: deterministic, incremental, parallel, gated, all-or-nothing."""

from __future__ import annotations

import gc
import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.manifest import MANIFEST_NAME
from tests.helpers import BODY, make_project, run_update, translate, write_article

SLUGS = ("story-one", "story-two", "story-three")


def _project(root: Path) -> Path:
    make_project(root, slug=SLUGS[0])
    for i, slug in enumerate(SLUGS[1:], start=2):
        write_article(root, slug, BODY.replace("key partners", f"partners number {i}"), headline=f"Headline {i}")
    run_update(root)
    for slug in SLUGS:
        for lang in ("ru", "be", "kk"):
            translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")
    return root


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".build" not in p.parts}


@pytest.fixture
def project(tmp_path):
    return _project(tmp_path / "newsroom")


def test_same_input_gives_the_same_bytes_whatever_the_number_of_jobs(project):
    config = load_config(project)
    build(config, jobs=1)
    serial = _outputs(project / "output")
    (project / "output").rename(project / "serial")
    report = build(config, jobs=2)
    assert len(report.rebuilt) == 3
    assert _outputs(project / "output") == serial
    # + the packages, editions, indexes, Atom feeds, the chooser, robots.txt, the theme's 5 files, the wire feed,
    # the outbox (each item and package as NewsML-G2 and ninjs) with its day index, the wire's Atom feeds,
    # its changes page and its index
    assert len(serial) == 3 * 4 * 4 + 3 + 4 + 4 + 4 + 1 + 1 + 5 + 1 + 3 * 5 * 2 + 1 + 4 + 1 + 1


def test_the_collector_is_paused_while_an_article_renders_and_only_then(project):
    """Rendering an article pauses the cyclic collector (tens of thousands of objects, no cycle):
    a build in this process, one that renders every article and one refused by an article's bad
    catalogue, leaves it running, and a second forced build gives the first one's bytes."""
    config = load_config(project)
    build(config, jobs=1)
    assert gc.isenabled()
    first = _outputs(project / "output")
    build(config, jobs=1, force=True)
    assert gc.isenabled() and _outputs(project / "output") == first
    catalogue = project / "locales" / "ru" / "LC_MESSAGES" / "story-two.po"
    catalogue.write_bytes(catalogue.read_bytes() + b"\nmsgid \"\xff\"\nmsgstr \"\"\n")
    with pytest.raises(PublisherError, match="not valid UTF-8"):
        build(config, jobs=1, force=True)
    assert gc.isenabled() and _outputs(project / "output") == first


def test_a_no_op_build_rewrites_nothing(project):
    config = load_config(project)
    build(config)
    stamps = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*") if p.is_file()}
    report = build(config)
    outputs = [p for p in stamps if ".build" not in p.parts]  # not the manifest and cache entries
    assert report.written == [] and report.rebuilt == [] and len(report.unchanged) == len(outputs)
    # The manifest alone may be written again: inputs the first build found changed moments before
    # it (racy) are recorded by a later build once they have settled, which under load is this one.
    kept = {p for p in stamps if p.name != MANIFEST_NAME}
    assert {p: p.stat().st_mtime_ns for p in kept} == {p: stamps[p] for p in kept}


def test_one_changed_catalogue_rebuilds_only_that_article_language(project):
    config = load_config(project)
    build(config)
    translate(project, "kk", slug="story-two", default="[kk] {msgid} (edited)")
    report = build(config)
    assert report.rebuilt == ["story-two"]
    changed = {name for name in report.written if "story-two" in name and name.startswith("output/")}
    assert changed == {f"output/{fmt}/kk/story-two.{ext}" for fmt, ext in
                       (("html", "html"), ("xhtml", "xhtml"), ("epub", "epub"), ("newsml", "xml"))} | {
        "output/newsml/story-two.xml"} | {  # the package lists the new kk version; both go into the outbox
        f"output/wire/{day}/test-story-two{item}-v2.{ext}" for item in ("@kk", "") for ext in ("xml", "json")
        for day in {name.split("/")[2] for name in changed if name.startswith("output/wire/")}}
    assert len([name for name in changed if name.startswith("output/wire/")]) == 4
    others = {name for name in report.written if "story-two" not in name}
    assert others <= {"output/epub/kk/edition.epub", "output/html/kk/index.html", "output/html/kk/atom.xml",
                      "output/newsml/feed.xml", "ledger/test-story-two.json", "output/wire/kk/atom.xml",
                      "output/wire/changes/1.json", "output/wire/index.json"} | {
        name for name in report.written if name.startswith("output/wire/") and name.endswith("/index.json")}



def test_an_incremental_build_parses_only_the_changed_article(project, monkeypatch):
    """The others come from their cache entries, whose versions carry them: their sources are not
    parsed again, and the collections are what a clean build makes (their order comes from there too)."""
    import publisher.project

    config = load_config(project)
    build(config)
    translate(project, "ru", slug="story-three", default="[ru] {msgid} (edited)")
    parsed, real = [], publisher.project.read_article
    monkeypatch.setattr(publisher.project, "read_article", lambda path, *rest: parsed.append(path.stem)
                        or real(path, *rest))
    assert build(config).rebuilt == ["story-three"]
    assert parsed == ["story-three"]
    incremental = _outputs(project / "output")
    for folder in ("output", "ledger"):
        shutil.rmtree(project / folder)
    build(config)
    readers = ("html/", "xhtml/", "epub/")  # the wire's versions count from scratch without the ledger
    assert {name: data for name, data in _outputs(project / "output").items() if name.startswith(readers)} == {
        name: data for name, data in incremental.items() if name.startswith(readers)}


def test_outputs_of_a_removed_article_are_removed(project):
    config = load_config(project)
    build(config)
    story = project / "source" / "story-three.md"  # sent to the wire: it is withdrawn before it goes
    story.write_text(story.read_text(encoding="utf-8").replace("byline: BelTA\n", "byline: BelTA\nstatus: canceled\n"),
                     encoding="utf-8")
    assert "output/html/ru/story-three.html" in build(config).removed
    story.unlink()
    report = build(config)
    assert "output/newsml/ru/story-three.xml" in report.removed
    assert not list((project / "output").rglob("story-three.*"))
    assert b"story-three" not in (project / "output" / "html" / "ru" / "index.html").read_bytes()


def test_force_rebuilds_everything_and_a_lost_manifest_costs_only_time(project):
    config = load_config(project)
    build(config)
    before = _outputs(project / "output")
    assert build(config, force=True).rebuilt == list(sorted(SLUGS))
    (project / "output" / ".build" / "manifest.json").unlink()
    report = build(config)
    assert report.rebuilt == sorted(SLUGS) and report.written == []
    assert _outputs(project / "output") == before


def test_a_held_back_language_is_reported_and_strict_fails(tmp_path):
    make_project(tmp_path)
    translate(tmp_path, "ru", default="[ru] {msgid}")
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(tmp_path), "--strict"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "held back: test-story [kk] html: 0% translated, html needs 50%" in result.stderr
    assert "held back: test-story [be] newsml: 0% translated, newsml needs 100%" in result.stderr
    assert (tmp_path / "output" / "newsml" / "ru" / "test-story.xml").is_file()
    assert not (tmp_path / "output" / "html" / "kk").exists()
    again = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(tmp_path)],
                           capture_output=True, text=True)
    assert again.returncode == 0 and "0 written" in again.stdout
    assert "held back: test-story [kk] html" in again.stderr  # still reported when nothing was rebuilt


def test_a_failing_exporter_leaves_the_previous_output_untouched(project, monkeypatch):
    config = load_config(project)
    build(config)
    before = _outputs(project / "output")
    translate(project, "ru", slug="story-one", default="[ru] {msgid} (v2)")

    from publisher.wire import exporter

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exporter.WireExporter, "collection_and_rows", broken)  # what the build calls
    with pytest.raises(RuntimeError):
        build(config, jobs=1)
    assert _outputs(project / "output") == before
    assert not [p for p in (project / "output").rglob("*.tmp")]


def test_out_option_and_narrowed_builds_leave_the_manifest_alone(project):
    config = load_config(project)
    result = subprocess.run([sys.executable, "-m", "publisher", "build", "-C", str(project), "--out",
                             str(project / "elsewhere"), "--format", "html", "--lang", "kk", "--jobs", "1"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "elsewhere" / "html").iterdir()) == [
        "favicon.svg", "icon-192.png", "icon-512.png", "index.html", "kk", "manifest.webmanifest", "robots.txt",
        "style.css"]
    assert not (project / "elsewhere" / ".build" / "manifest.json").exists()
    assert build(config).rebuilt == sorted(SLUGS)


def test_embargoed_canceled_and_withheld_stories(tmp_path):
    make_project(tmp_path)
    for lang in ("ru", "be", "kk"):
        translate(tmp_path, lang, default=f"[{lang}] {{msgid}}")
    story = tmp_path / "source" / "test-story.md"
    original = story.read_text(encoding="utf-8")

    def build_with(field: str):
        story.write_text(original.replace("byline: BelTA\n", f"byline: BelTA\n{field}\n"), encoding="utf-8")
        return build(load_config(tmp_path), force=True)

    report = build_with("embargoed: 2024-09-06T00:00:00+03:00")
    assert {(h.lang, h.format) for h in report.held_back} == {(lang, fmt) for lang in ("en", "ru", "be", "kk")
                                                              for fmt in ("html", "xhtml", "epub")}
    assert b"<embargoed>2024-09-06T00:00:00+03:00</embargoed>" in (
        tmp_path / "output" / "newsml" / "ru" / "test-story.xml").read_bytes()
    build_with("ednote: The embargo is lifted.")
    assert (tmp_path / "output" / "html" / "ru" / "test-story.html").is_file()
    report = build_with("status: withheld")
    assert {h.format for h in report.held_back} == {"html", "xhtml", "epub"}
    assert b'qcode="stat:withheld"' in (tmp_path / "output" / "newsml" / "ru" / "test-story.xml").read_bytes()
    report = build_with("status: canceled")
    assert {h.reason for h in report.held_back} == {"status: canceled (the wire sends the withdrawal)"}
    assert "output/html/ru/test-story.html" not in report.removed  # withheld took it down already
    assert not (tmp_path / "output" / "html" / "ru" / "test-story.html").exists()
    assert b'qcode="stat:canceled"' in (tmp_path / "output" / "newsml" / "ru" / "test-story.xml").read_bytes()


@pytest.mark.parametrize("narrowed", [{"formats": ("html",)},
                                      {"formats": ("epub", "newsml"), "languages": ("ru", "kk")},
                                      {"only": ("story-one", "story-three")}])
def test_a_narrowed_build_again_renders_only_what_changed(project, narrowed):
    config = load_config(project)
    first = build(config, **narrowed, jobs=1)
    assert first.rebuilt == sorted(narrowed.get("only", SLUGS)) and first.written
    again = build(config, **narrowed, jobs=1)
    assert (again.rebuilt, again.written) == ([], [])
    assert sorted(again.unchanged) == sorted(n for n in first.written if n.startswith("output/"))  # all vouched for

    translate(project, "ru", slug="story-three", default="[ru] {msgid} (v2)")
    edited = build(config, **narrowed, jobs=1)
    assert edited.rebuilt == ["story-three"]
    assert all("/ru/" in name for name in edited.written if "story-three" in name)

    full = build(config, jobs=1)  # the full build's own manifest: it has not built anything yet
    assert full.rebuilt == sorted(SLUGS) and not [n for n in full.notes if "since the last build" in n]
    build(config, **narrowed, jobs=1)  # the full build sent the wire the other languages: the ledger is an input
    assert (build(config, **narrowed, jobs=1).rebuilt, build(config, jobs=1).rebuilt) == ([], [])


def test_the_state_of_only_the_latest_narrowed_builds_is_kept(project):
    from publisher.build import NARROWED_KEPT
    config = load_config(project)
    languages = [(lang,) for lang in config.languages] + [pair for pair in itertools.combinations(config.languages, 2)]
    for chosen in languages[: NARROWED_KEPT + 2]:
        build(config, formats=("html",), languages=chosen, jobs=1)
    kept = sorted((project / "output" / ".build").glob("narrowed-*"))
    assert len(kept) == NARROWED_KEPT
    assert build(config, formats=("html",), languages=languages[NARROWED_KEPT + 1], jobs=1).rebuilt == []
    assert build(config, formats=("html",), languages=languages[0], jobs=1).rebuilt == sorted(SLUGS)


def test_articles_read_by_workers_report_every_problem_in_file_order(tmp_path, monkeypatch):
    """Many articles are read by worker processes: the build still reports the problems of all
    of them, in the order of the files, and writes nothing."""
    from publisher import project

    root = make_project(tmp_path, slug="story-a")
    for slug in ("story-b", "story-c", "story-d"):
        write_article(root, slug)
    run_update(root)
    for slug in ("story-b", "story-d"):
        path = root / "source" / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\x01", encoding="utf-8")
    monkeypatch.setattr(project, "PARALLEL_READING", 2)
    with pytest.raises(PublisherError) as caught:
        build(load_config(root), jobs=2)
    lines = str(caught.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["source/story-b.md", "source/story-d.md"]
    assert all("U+0001" in line for line in lines)
    assert not (root / "output").exists()
