"""publish check keeps each catalogue's report and checks again only what changed.

Over an editing history of the bundled project (a translator's correction that breaks a figure,
a silencing comment, a misspelling, a word list that accepts it, an editor's change to the
source, the settings, the glossary, a corrupt cache file), the report with kept reports is the
report a fresh check gives, finding for finding.
"""

from __future__ import annotations

import json
import shutil

import polib
import pytest

from publisher.checks import check_articles
from publisher.usercache import cache_file
from publisher.config import load_config
from publisher.project import load_articles
from tests.helpers import ROOT, copy_bundled_project, run_update


def _report(root, cache, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    config = load_config(root)
    report = check_articles(config, load_articles(config), jobs=1)
    return [str(p) for p in report.problems], report.silenced, report.catalogues, report.skipped


def _edit_entry(path, find, edit):
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if find in e.msgstr)
    edit(entry)
    catalog.save()


@pytest.fixture()
def project(tmp_path):
    """The bundled project with a second article, the same story under another slug and id, whose
    catalogues are copies of the first's: the edits below touch the first article only."""
    root = copy_bundled_project(tmp_path / "project")
    shutil.copytree(ROOT / "glossary", root / "glossary")
    source = root / "source" / "kazakhstan-belarus-allies.md"
    second = source.read_text(encoding="utf-8").replace("id: belta-20240905-kazakhstan-belarus-allies",
                                                          "id: belta-20240905-second-story", 1)
    (root / "source" / "second-story.md").write_text(second, encoding="utf-8")
    for folder in (root / "locales").glob("*/LC_MESSAGES"):
        shutil.copy(folder / "kazakhstan-belarus-allies.po", folder / "second-story.po")
    run_update(root)
    return root


def test_kept_reports_give_what_a_fresh_check_gives_over_an_editing_history(project, tmp_path, monkeypatch):
    warm = tmp_path / "kept"
    ru = project / "locales" / "ru" / "LC_MESSAGES" / "kazakhstan-belarus-allies.po"
    be = project / "locales" / "be" / "LC_MESSAGES" / "kazakhstan-belarus-allies.po"
    steps = {
        "as bundled": lambda: None,
        "a figure broken": lambda: _edit_entry(ru, "17", lambda e: setattr(e, "msgstr", e.msgstr.replace("17", "71"))),
        "the figure silenced": lambda: _edit_entry(ru, "71", lambda e: setattr(e, "tcomment", "no-check: figures (test)")),
        "a misspelling": lambda: _edit_entry(be, "Беларусі", lambda e: setattr(e, "msgstr", e.msgstr + " Кваркаград")),
        "the word listed": lambda: (project / "glossary" / "words-be.txt").open("a", encoding="utf-8").write(
            "Кваркаград\n"),
        "the source edited": lambda: _edit_source(project),
        "the catalogues updated": lambda: run_update(project),
        "the settings changed": lambda: _american_english(project),
        "the glossary changed": lambda: _drop_glossary_term(project),
    }
    seen = set()
    for step, change in steps.items():
        change()
        fresh = _report(project, tmp_path / f"fresh-{len(seen)}", monkeypatch)
        assert _report(project, warm, monkeypatch) == fresh, step
        assert _report(project, warm, monkeypatch) == fresh, f"{step}, from the kept reports"
        seen.add(tuple(fresh[0]))
        assert fresh[2] == 8  # two articles, four languages
    assert len(seen) >= 7  # the history changed what the check finds, step after step


def test_a_kept_report_is_what_the_check_reads_while_its_inputs_are_unchanged(project, tmp_path, monkeypatch):
    """The proof that kept reports are used at all: a message changed in the cache file (its key
    kept) is what the next check says; a change to the catalogue's bytes makes it check again."""
    cache = tmp_path / "kept"
    first = _report(project, cache, monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = cache_file(load_config(project), "checks")
    data = json.loads(path.read_text(encoding="utf-8"))
    article = data[1]["kazakhstan-belarus-allies"]
    article["ru"]["problems"] = [[1, "length", "warning", "kept, not checked again", None]]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "locales/ru/LC_MESSAGES/kazakhstan-belarus-allies.po:1: [length] kept, not checked again" \
        in _report(project, cache, monkeypatch)[0]
    ru = project / "locales" / "ru" / "LC_MESSAGES" / "kazakhstan-belarus-allies.po"
    _edit_entry(ru, "17", lambda e: setattr(e, "tcomment", "reviewed"))  # any change to the file's bytes
    assert _report(project, cache, monkeypatch) == first


@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'[1, {"x": {"ru": 1}}]',
                                     b'[99, {}]', b'{"format": 1}', b"\xff" * 10])
def test_a_cache_file_that_is_not_ours_is_ignored(project, tmp_path, monkeypatch, garbage):
    fresh = _report(project, tmp_path / "fresh", monkeypatch)
    cache = tmp_path / "kept"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = cache_file(load_config(project), "checks")
    path.parent.mkdir(parents=True)
    path.write_bytes(garbage)
    assert _report(project, cache, monkeypatch) == fresh
    assert _report(project, cache, monkeypatch) == fresh


def test_an_unwritable_cache_folder_costs_only_the_time(project, tmp_path, monkeypatch):
    fresh = _report(project, tmp_path / "fresh", monkeypatch)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert _report(project, blocked, monkeypatch) == fresh


def _edit_source(project):
    path = project / "source" / "kazakhstan-belarus-allies.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("17 breakthrough", "18 breakthrough", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text


def _american_english(project):
    """The source checked against en_US rather than en_GB: "organisation" is no longer right."""
    path = project / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('babel_locales = { en = "en_GB" }', 'babel_locales = { en = "en_US" }', 1),
                    encoding="utf-8")


def _drop_glossary_term(project):
    path = project / "glossary" / "terms.tbx"
    text = path.read_text(encoding="utf-8")
    start = text.index("<conceptEntry")
    end = text.index("</conceptEntry>", start) + len("</conceptEntry>")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
