"""publish check's report does not change when the checks are made faster: its text and its JSON,
on a sample of the benchmark corpus with faults of many checks seeded in two articles and two
languages, are compared byte for byte with the reports committed in tests/data/golden/.

The reports are regenerated only on purpose, when a finding is meant to change:
`python -m tests.test_check_golden` rewrites them; the diff then shows which findings changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from publisher import po
from tests.test_checks import needs_dictionaries

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
FORMATS = {"text": (), "json": ("--json",)}
# Not words of any of the languages: each one is a spelling finding, more than the catalogue's
# share of suggestions (publisher.checks.spelling.SUGGESTED) in one of them.
NONSENSE = ("бзыр", "кваплок", "жмырг", "тролкен", "шпындра", "вуглоп", "фрыжак", "блымс", "чварк", "зуброк",
            "глыпт", "мракс", "пшемб", "тывлок", "скрынд", "хлупс", "двярк", "жвалт", "крумб", "пляшк",
            "снуфт", "брыкс", "чмонд", "гвылт", "трязг")


def faulty_corpus(root: Path) -> Path:
    """Six benchmark articles; in the first two, Russian and Kazakh catalogues each get a broken
    figure, a misspelt word, a dropped glossary term, a Latin word, a double space, typewriter
    quotes, a lost final mark, an untranslated and a fuzzy unit, a silenced figure, an unknown
    check name, a bracket left open, a Latin look-alike, a spaced four-digit figure, the source
    copied, and in Russian a Belarusian letter; the first Russian one a run of unknown words; the English catalogue of the second a
    misspelling; and the third article's Kazakh catalogue is gone."""
    generate(root, 6, seed_value=3)
    slugs = sorted(path.stem for path in (root / "source").glob("*.md"))
    for slug in slugs[:2]:
        for lang in ("ru", "kk"):
            _seed(root, lang, slug, many_unknown=slug == slugs[0] and lang == "ru")
    _edit(po.catalog_path(root / "locales", "en", slugs[1]), lambda entries: _misspell(_long_word_entry(entries)))
    po.catalog_path(root / "locales", "kk", slugs[2]).unlink()
    return root


def _seed(root: Path, lang: str, slug: str, many_unknown: bool) -> None:
    def seed(entries: list[po.Entry]) -> None:
        figure = [e for e in entries if re.search(r"\d", e.msgstr)]
        figure[0].msgstr = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), figure[0].msgstr, count=1)
        figure[-1].msgstr = re.sub(r"\d", lambda m: str((int(m.group()) + 3) % 10), figure[-1].msgstr, count=1)
        figure[-1].tcomments.append("no-check: figures (the desk corrected the sum)")
        _misspell(_long_word_entry(entries))
        _drop_term(entries, lang)
        body = [e for e in entries if e.msgctxt is None and len(e.msgstr) > 60]
        body[0].msgstr = body[0].msgstr.replace(" ", " report ", 1)
        body[1].msgstr = body[1].msgstr.replace(" ", "  ", 1)
        body[2].msgstr = body[2].msgstr.rstrip(".")
        body[3].msgstr = body[3].msgstr.replace("«", '"').replace("»", '"') if "«" in body[3].msgstr \
            else f'"{body[3].msgstr}"'
        body[4].msgstr = ""
        body[5].flags.append("fuzzy")
        body[6].tcomments.append("no-check: spellin (a typo in the check's name)")
        body[8].msgstr = body[8].msgstr.replace(" ", " (", 1)
        body[9].msgstr = re.sub(r"(?<=\w)а(?=\w)", "a", body[9].msgstr, count=1)  # a Latin look-alike
        body[10].msgstr = body[10].msgstr.replace(" ", " 1 500 ", 1)
        body[11].msgstr = body[11].msgid
        if lang == "ru":
            body[12].msgstr = body[12].msgstr.replace("и", "і", 1)
        if many_unknown:
            body[7].msgstr = " ".join((body[7].msgstr, *NONSENSE))
    _edit(po.catalog_path(root / "locales", lang, slug), seed)


def _edit(path: Path, change) -> None:
    catalog = po.read(path)
    change([e for e in catalog.entries if e.msgid and not e.obsolete])
    path.write_text(po.render(catalog), encoding="utf-8")


def _long_word_entry(entries: list[po.Entry]) -> po.Entry:
    return next(e for e in entries if e.msgctxt is None and re.search(r"\w{9,}", e.msgstr))


def _misspell(entry: po.Entry) -> None:
    """Two letters of the first long word swapped."""
    word = re.search(r"\w{9,}", entry.msgstr).group()
    entry.msgstr = entry.msgstr.replace(word, word[:3] + word[4] + word[3] + word[5:], 1)


def _drop_term(entries: list[po.Entry], lang: str) -> None:
    """The translation of a unit whose source names Belarus loses the name."""
    name = "Беларус"  # ru, be and kk alike
    entry = next(e for e in entries if e.msgctxt is None and "Belarus" in e.msgid and name in e.msgstr)
    entry.msgstr = re.sub(rf"{name}\w*", "страна", entry.msgstr)


def check_output(root: Path, *args: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "publisher", "check", "-C", str(root), *args],
                            capture_output=True, text=True, env=env)
    assert result.returncode in (0, 1), result.stderr
    return f"exit {result.returncode}\n{result.stdout}"


@needs_dictionaries
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_report_of_a_corpus_with_findings_is_as_committed(jobs, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = faulty_corpus(tmp_path / "corpus")
    for name, args in FORMATS.items():
        golden = (GOLDEN / f"check-report.{name}").read_text(encoding="utf-8")
        assert check_output(root, *args, "--jobs", jobs) == golden, name


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        corpus = faulty_corpus(Path(folder) / "corpus")
        for name, args in FORMATS.items():
            (GOLDEN / f"check-report.{name}").write_text(check_output(corpus, *args, "--jobs", "1"), encoding="utf-8")
    print(f"written: {GOLDEN}/check-report.*")
