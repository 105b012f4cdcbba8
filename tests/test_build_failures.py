"""A build that fails halfway (an exporter's exception, a full disk, Ctrl-C) leaves the previous
output complete and unchanged, and no temporary file behind; the feed is the last output to change."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from publisher.build import FEED, build
from publisher.config import load_config
from publisher.exporters import exporter
from tests.helpers import fail_writes, make_project, run_update, translate, write_article

DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project: outputs, build cache, version ledgers (and the untouched inputs)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".publisher.lock"}


@pytest.fixture
def rebuilt(tmp_path) -> Path:
    """A project built once whose Russian translation has changed since: the next build rewrites outputs."""
    root = make_project(tmp_path)
    translate(root, "ru", default="Перевод: {msgid}")
    build(load_config(root))
    translate(root, "ru", default="Новый перевод: {msgid}")
    return root


def assert_nothing_changed(root: Path, before: dict[str, bytes]) -> None:
    assert snapshot(root) == before
    assert not [p for p in root.rglob("*.tmp")]
    build(load_config(root))  # and the same build, undisturbed, does change the outputs
    assert "Новый перевод" in (root / "output" / "html" / "ru" / "test-story.html").read_text(encoding="utf-8")


def _raise(failure: BaseException):
    def fail(*args, **kwargs):
        raise failure
    return fail


@pytest.mark.parametrize("fmt, method, failure", [
    ("epub", "article", RuntimeError("an exporter's bug")),
    ("newsml", "collection_and_rows", RuntimeError("an exporter's bug")),  # with what it listed
    ("html", "collection_parts", KeyboardInterrupt()),  # the web pages' collection is made in parts
])
def test_an_exporter_failing_changes_nothing(rebuilt, monkeypatch, fmt, method, failure):
    before = snapshot(rebuilt)
    monkeypatch.setattr(exporter(fmt), method, _raise(failure))  # fault injection into a real build
    with pytest.raises(type(failure)):
        build(load_config(rebuilt))
    monkeypatch.undo()
    assert_nothing_changed(rebuilt, before)


@pytest.mark.parametrize("failure", [DISK_FULL, KeyboardInterrupt()], ids=["disk full", "Ctrl-C"])
@pytest.mark.parametrize("after", [0, 5])
def test_a_write_failing_changes_nothing(rebuilt, monkeypatch, failure, after):
    """Every write into a file the build stages fails, as on a full disk (or is interrupted by
    Ctrl-C), from the one after the first `after` files on."""
    before = snapshot(rebuilt)
    opened = fail_writes(monkeypatch, failure, after)
    with pytest.raises(type(failure)):
        build(load_config(rebuilt), jobs=1)
    monkeypatch.undo()
    assert len(opened) > after  # the failure happened while writing
    assert_nothing_changed(rebuilt, before)


def test_the_feed_is_the_last_output_to_change(rebuilt, monkeypatch):
    real_replace, replaced = os.replace, []

    def replace(src, dst):
        replaced.append(Path(dst).relative_to((rebuilt / "output").resolve()).as_posix()
                        if Path(dst).is_relative_to((rebuilt / "output").resolve()) else None)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    build(load_config(rebuilt))
    outputs = [name for name in replaced if name and not name.startswith(".build/")]
    assert FEED in outputs and outputs[-1] == FEED
    assert len(outputs) > 1


@pytest.mark.parametrize("failing", ["story-b", "story-d"])
def test_a_worker_failing_leaves_nothing_the_other_workers_staged(tmp_path, monkeypatch, failing):
    """Workers stage their articles' files themselves: when one fails, the files the others (and
    it) staged are removed, and the previous output stays as it was."""
    root = make_project(tmp_path, slug="story-a")
    for slug in ("story-b", "story-c", "story-d"):
        write_article(root, slug, headline=f"Headline of {slug}")
    run_update(root)
    build(load_config(root), jobs=2)
    for slug in ("story-a", "story-b", "story-c", "story-d"):  # every page is to change
        write_article(root, slug, headline=f"New headline of {slug}")
    before = snapshot(root)
    real = exporter("html").article

    def article(versions, ctx):
        if versions[0].slug == failing:
            raise RuntimeError("an exporter's bug")
        return real(versions, ctx)

    monkeypatch.setattr(exporter("html"), "article", article)
    with pytest.raises(RuntimeError):
        build(load_config(root), jobs=2)
    monkeypatch.undo()
    assert snapshot(root) == before
    assert not [p for p in root.rglob("*.tmp")]


@pytest.mark.parametrize("failing", ["html", "newsml"])
def test_a_collection_failing_in_its_worker_leaves_the_previous_output(tmp_path, monkeypatch, failing):
    """Each format's collection renders in a worker process beside the others': when one fails, the
    build fails with its error and nothing is written (what the other workers staged is removed)."""
    root = make_project(tmp_path, slug="story-a")
    write_article(root, "story-b", headline="Headline of story-b")
    run_update(root)
    build(load_config(root), jobs=2)
    write_article(root, "story-b", headline="New headline of story-b")  # its pages and every index change
    before = snapshot(root)

    def collection(*articles_and_ctx):  # (articles, ctx), or the parts' (newest, listed, ctx)
        raise RuntimeError(f"a bug in the {failing} collection")

    method = "collection_parts" if failing == "html" else "collection_and_rows"  # the web pages' is made in parts
    monkeypatch.setattr(exporter(failing), method, collection)  # forked workers inherit it
    with pytest.raises(RuntimeError, match=f"the {failing} collection"):
        build(load_config(root), jobs=2)
    monkeypatch.undo()
    assert snapshot(root) == before
    assert not [p for p in root.rglob("*.tmp")]
