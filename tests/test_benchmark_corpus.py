"""The benchmark's corpus generator: complete, valid, consistent and reproducible catalogues."""

from __future__ import annotations

import re
import subprocess

import pytest

from benchmarks.corpus import generate
from publisher import po
from publisher.checks.runner import check_articles
from publisher.config import load_config
from publisher.project import load_articles, update
from tests.validators import gettext_tool

LANGUAGES = ("en", "ru", "be", "kk")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    generate(root, 3, seed_value=7)
    return root


def catalogues(root):
    return sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))


def test_three_articles_each_with_a_template_and_four_catalogues(corpus):
    slugs = sorted(p.stem for p in (corpus / "source").glob("*.md"))
    assert len(slugs) == 3 and len(set(slugs)) == 3
    for slug in slugs:
        assert (corpus / "locales" / "templates" / f"{slug}.pot").is_file()
        for lang in LANGUAGES:
            assert po.catalog_path(corpus / "locales", lang, slug).is_file()


def test_every_unit_is_translated_and_nothing_is_fuzzy(corpus):
    for path in catalogues(corpus):
        stats = po.stats(po.read(path))
        assert stats.units > 20
        assert (stats.translated, stats.fuzzy, stats.untranslated) == (stats.units, 0, 0), path


def test_catalogues_pass_msgfmt_check(corpus):
    msgfmt = gettext_tool("msgfmt")
    for path in catalogues(corpus):
        result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_an_update_finds_nothing_to_change(corpus):
    config = load_config(corpus)
    written = update(config, load_articles(config))
    assert written and not any(w.changed for w in written)


def test_figures_in_every_translation_match_the_source(corpus):
    def figures(text):
        return sorted(re.findall(r"\d+", re.sub(r"(?<=\d)[,\u00a0](?=\d{3})", "", text)))

    for path in catalogues(corpus):
        for entry in po.read(path):
            assert figures(entry.msgid) == figures(entry.msgstr), (path, entry.msgid)


def test_a_corpus_passes_every_check_with_no_warning_as_the_bundled_story_does(tmp_path):
    """Enough articles for every name, place, figure and added paragraph to occur: the corpus's
    translations are right, so `publish check --strict` has nothing to say, spelling included
    (a benchmark of the check that reports thousands of false findings measures the wrong thing)."""
    generate(tmp_path, 40, seed_value=3)
    config = load_config(tmp_path)
    report = check_articles(config, load_articles(config), jobs=1)
    assert [str(p) for p in report.problems] == []
    if report.skipped:
        pytest.skip(f"no findings, but not every check could run here: {report.skipped[0]}")


def test_articles_differ_from_each_other(corpus):
    articles = load_articles(load_config(corpus))
    assert len({a.id for a in articles}) == 3
    assert len({a.blocks for a in articles}) == 3


def test_the_same_seed_gives_the_same_corpus(corpus, tmp_path):
    again = tmp_path / "again"
    generate(again, 3, seed_value=7)
    files = sorted(p.relative_to(corpus) for p in corpus.rglob("*") if p.is_file() and ".lock" not in p.name)
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file() and ".lock" not in p.name)
    assert all((corpus / f).read_bytes() == (again / f).read_bytes() for f in files)
