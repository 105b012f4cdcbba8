"""Our PO writer against GNU gettext's own: msgcat must leave what we write unchanged."""

from __future__ import annotations

import random
import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.poformat import string_lines
from tests.helpers import ROOT
from tests.validators import gettext_tool

HEADER = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
NEWS_ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
                 "іўІЎәғқңөұүһӘҒҚҢӨҰҮҺ0123456789"
                 " \u00a0\u202f.,;:!?«»“”„‘’—–-()[]/%$*_'\"\\\t\n&<>#@+=")


def _msgcat_roundtrip(values: list[str], tmp_path) -> tuple[str, str]:
    lines = list(HEADER)
    for i, value in enumerate(values):
        lines += string_lines("msgctxt", str(i)) + string_lines("msgid", value) + string_lines("msgstr", value) + [""]
    ours = "\n".join(lines)
    path = tmp_path / "t.po"
    path.write_text(ours, encoding="utf-8")
    theirs = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True, check=True).stdout
    return ours, theirs


def test_news_sentences_wrap_as_gettext_wraps_them(tmp_path):
    words = (ROOT / "source" / "kazakhstan-belarus-allies.md").read_text(encoding="utf-8").split()
    words += "«Казахстан и Беларусь — ключевые союзники», – сказал он. 1 500 200 млн Қасым-Жомарт Тоқаев".split()
    rng = random.Random(7)
    values = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 70))) for _ in range(400)]
    ours, theirs = _msgcat_roundtrip(values, tmp_path)
    assert ours == theirs


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=NEWS_ALPHABET, min_size=1, max_size=240), min_size=1, max_size=8, unique=True))
def test_arbitrary_news_text_wraps_as_gettext_wraps_it(tmp_path_factory, values):
    ours, theirs = _msgcat_roundtrip(values, tmp_path_factory.mktemp("po"))
    assert ours == theirs


def test_short_strings_stay_on_one_line_and_newlines_split():
    assert string_lines("msgid", "Short") == ['msgid "Short"']
    assert string_lines("msgstr", "a\nb") == ['msgstr ""', '"a\\n"', '"b"']
    assert string_lines("msgid", 'say "hi"\\') == ['msgid "say \\"hi\\"\\\\"']


def test_an_obsolete_entry_keeps_its_previous_text_as_gettext_writes_it(tmp_path):
    """An edited unit edited again before it is translated becomes obsolete with its #| line: "#~|"."""
    import polib

    from publisher.poformat import entry_lines

    entry = polib.POEntry(msgid="The second story has (edit 2) a list and a quotation. " * 2, msgstr="Перевод",
                          flags=["fuzzy"], previous_msgid="The second story has a list and a quotation. " * 2)
    ours = "\n".join(HEADER + entry_lines(entry, obsolete=True)) + "\n"
    path = tmp_path / "obsolete.po"
    path.write_text(ours, encoding="utf-8")
    theirs = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, text=True, check=True).stdout
    assert ours == theirs and "#~| msgid" in ours
