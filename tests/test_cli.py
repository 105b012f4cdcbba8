"""The command line, as translators and CI scripts use it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import make_project, translate


def publish(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True)


def test_status_json_counts_units_and_words(tmp_path):
    make_project(tmp_path)
    translate(tmp_path, "ru", {"Test headline": "Тестовый заголовок"})
    result = publish("status", "-C", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["language"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"en", "ru", "be", "kk"}
    assert rows["en"]["translated"] == rows["en"]["units"] and rows["en"]["percent"] == 100.0
    assert rows["ru"]["translated"] == 1 and rows["ru"]["words_translated"] == 2
    assert rows["ru"]["untranslated"] == rows["ru"]["units"] - 1
    assert rows["kk"]["translated"] == 0 and rows["kk"]["fuzzy"] == 0


def test_status_table_names_every_language(tmp_path):
    make_project(tmp_path)
    result = publish("status", "-C", str(tmp_path), "--lang", "kk")
    assert result.returncode == 0
    assert "test-story" in result.stdout and "kk" in result.stdout and "0.0" in result.stdout


def test_unknown_language_is_a_usage_error(tmp_path):
    make_project(tmp_path)
    result = publish("status", "-C", str(tmp_path), "--lang", "de")
    assert result.returncode == 2 and "unknown language de" in result.stderr


def test_update_reports_what_it_wrote(tmp_path):
    make_project(tmp_path)
    result = publish("update", "-C", str(tmp_path))
    assert result.returncode == 0 and result.stdout.strip().endswith("0 written, 5 unchanged")
    (tmp_path / "locales" / "templates" / "test-story.pot").unlink()
    for lang in ("ru", "kk"):
        (tmp_path / "locales" / lang / "LC_MESSAGES" / "test-story.po").unlink()
    result = publish("update", "-C", str(tmp_path), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["wrote locales/templates/test-story.pot",  # the languages' order
                                          "wrote locales/ru/LC_MESSAGES/test-story.po",
                                          "wrote locales/kk/LC_MESSAGES/test-story.po", "3 written, 2 unchanged"]
