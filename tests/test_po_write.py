"""The writer against GNU gettext's own: read-then-write gives exactly the bytes of `msgcat FILE`."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher import po
from publisher.errors import PublisherError
from publisher.po.write import string_lines
from tests.helpers import ROOT
from tests.validators import gettext_tool

# Real catalogues of five other projects (see its README for their licences); beside a clone as ../shared.
CORPUS = Path(os.environ.get("PUBLISHER_PO_CORPUS", ROOT.parent / "shared" / "po-corpus"))
CORPUS_FILES = sorted(CORPUS.rglob("*.po")) if CORPUS.is_dir() else []
NEWS_ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
                 "іўІЎәғқңөұүһӘҒҚҢӨҰҮҺ0123456789"
                 " \u00a0\u202f.,;:!?«»“”„‘’—–-()[]/%$*_'\"\\\t\n&<>#@+={}")
HEADER = "Content-Type: text/plain; charset=UTF-8\n"


def _msgcat(path: Path, *options: str) -> bytes:
    return subprocess.run([gettext_tool("msgcat"), *options, str(path)], capture_output=True, check=True).stdout


def _msgcat_reads(path: Path) -> bool:
    return subprocess.run([gettext_tool("msgcat"), "-o", "/dev/null", str(path)], capture_output=True).returncode == 0


@pytest.mark.skipif(not CORPUS_FILES, reason=f"the real-world PO corpus is not at {CORPUS} "
                                              "(set PUBLISHER_PO_CORPUS to its folder)")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_catalogue_is_written_as_msgcat_writes_it(path, tmp_path):
    """A file gettext reads: our bytes are msgcat's (through `publish fmt` too); that includes the
    seven msgfmt -c refuses for their format strings, which are content, not syntax. A file
    gettext cannot read: a precise error, never a traceback."""
    if not _msgcat_reads(path):
        with pytest.raises(PublisherError) as refused:
            po.parse(path.read_bytes(), str(path), keep_cr=True)
        assert str(refused.value).startswith(str(path))
        return
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    result = po.format_files([copy])
    assert copy.read_bytes() == _msgcat(path)
    assert result.errors == [] and (result.changed or result.unchanged)
    assert po.format_files([copy], check=True).changed == []  # what fmt writes, fmt --check accepts


def test_news_sentences_wrap_as_gettext_wraps_them(tmp_path):
    words = (ROOT / "source" / "kazakhstan-belarus-allies.md").read_text(encoding="utf-8").split()
    words += "«Казахстан и Беларусь — ключевые союзники», – сказал он. 1 500 200 млн Қасым-Жомарт Тоқаев".split()
    words += ["**$200", "млн**", '«…»/"…"', "n%10", "\\n", "https://belta.by/politics/view/a-b-c-d-e-f-g-h-i-j-k"]
    rng = random.Random(7)
    values = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 70))) for _ in range(400)]
    entries = [po.Entry(v, v, msgctxt=str(i), previous_msgid=v if i % 3 == 0 else None, flags=["fuzzy"] * (i % 3 == 0),
                        obsolete=i % 5 == 0) for i, v in enumerate(values)]
    _assert_msgcat_agrees(po.Catalog(po.Entry("", HEADER), entries), tmp_path)


def _assert_msgcat_agrees(catalog: po.Catalog, folder: Path) -> None:
    ours = po.render(catalog)
    path = folder / "t.po"
    path.write_text(ours, encoding="utf-8")
    # --force-po: a file that holds only its header is written too (plain msgcat writes nothing)
    assert _msgcat(path, "--force-po").decode("utf-8").split("\n") == ours.split("\n")
    assert po.render(po.read(path)) == ours  # and it reads back to the same


# No line break at either end: gettext refuses a msgstr whose ends differ from its msgid's there.
_text = st.text(alphabet=NEWS_ALPHABET, max_size=200).map(lambda t: t.strip("\n"))
_comment = st.text(alphabet=NEWS_ALPHABET.replace("\n", ""), max_size=90).map(lambda c: c.rstrip("\\"))  # gettext joins a line ending in \\ to the next
_flags = st.lists(st.sampled_from(["fuzzy", "c-format", "no-c-format", "python-format", "python-brace-format",
                                   "no-wrap", "range: 1..5", "javascript-format"]), max_size=3)


@st.composite
def _entries(draw, index: int):
    plural = draw(st.booleans())
    msgid = draw(_text.filter(bool))
    entry = po.Entry(msgid, msgctxt=f"{index}" + draw(st.sampled_from(["", " headline", " a long context " * 5])),
                     tcomments=draw(st.lists(_comment, max_size=2)), comments=draw(st.lists(_comment, max_size=2)),
                     references=draw(st.lists(st.sampled_from(["source/a.md", "src/very/long/path/file.c:1234"]),
                                              max_size=4)),
                     flags=draw(_flags), obsolete=draw(st.booleans()))
    if plural:
        entry.msgid_plural = draw(_text.filter(bool))
        entry.msgstr_plural = draw(st.lists(_text, min_size=3, max_size=3))
    else:
        entry.msgstr = draw(_text)
    if draw(st.booleans()):
        entry.previous_msgid = draw(_text)
        entry.previous_msgctxt = draw(st.none() | _comment)
    if entry.obsolete:
        entry.references = []
    return entry


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), count=st.integers(1, 6), header_value=st.text(alphabet=NEWS_ALPHABET.replace("\n", ""),
                                                                      max_size=160))
def test_any_entries_are_written_as_msgcat_writes_them(tmp_path_factory, data, count, header_value):
    """Long words, Cyrillic, escapes, line breaks inside strings, previous and obsolete strings,
    plurals, flags and every comment kind, and a long header value."""
    header = po.Entry("", HEADER + "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 1);\n"
                      f"X-Long: {header_value}\n", tcomments=["Header comment", ""])
    entries = [data.draw(_entries(i)) for i in range(count)]
    _assert_msgcat_agrees(po.Catalog(header, entries), tmp_path_factory.mktemp("po"))


def test_short_strings_stay_on_one_line_and_newlines_split():
    assert string_lines("msgid", "Short") == ['msgid "Short"']
    assert string_lines("msgstr", "a\nb") == ['msgstr ""', '"a\\n"', '"b"']
    assert string_lines("msgid", 'say "hi"\\') == ['msgid "say \\"hi\\"\\\\"']


def test_continuation_lines_of_previous_and_obsolete_strings_stay_within_79_columns():
    long = "The projects in energy, industry and education are worth more than $200 million, he said."
    for lines in (string_lines("msgid", long, "#~ "), string_lines("msgid", long, "#~| "),
                  string_lines("msgid", long, "#| ")):
        assert len(lines) > 2 and all(len(line) <= 79 for line in lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), count=st.integers(1, 6))
def test_entries_as_written_before_are_written_as_anew(data, count):
    """render(catalogue, (read back, text)) takes an unchanged entry's lines from the text: the
    same file as rendering it anew, whatever was changed, added or removed."""
    header = po.Entry("", HEADER + "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 1);\n",
                      tcomments=["Header comment", ""])
    text = po.render(po.Catalog(header, [data.draw(_entries(i)) for i in range(count)]))
    before = po.parse(text.encode("utf-8"), "t.po")
    after = po.Catalog(before.header.copy(), [e.copy() for e in before.entries])
    for entry in after.entries:
        change = data.draw(st.sampled_from(["none", "msgstr", "flags", "comment", "tcomment", "obsolete"]))
        if change == "msgstr":
            entry.msgstr += "x"
        elif change == "flags":
            entry.set_fuzzy(not entry.fuzzy)
        elif change == "comment":
            entry.comments.append("translation memory: elsewhere")
        elif change == "tcomment":
            entry.tcomments.append("checked")
        elif change == "obsolete":
            entry.obsolete, entry.references = not entry.obsolete, []
    after.entries = [e for e in after.entries if data.draw(st.booleans()) or e.obsolete] + [data.draw(_entries(99))]
    if data.draw(st.booleans()):
        after.header.msgstr += "X-Changed: yes\n"
    assert po.render(after, (before, text)) == po.render(after)
    assert po.render(before, (before, text)) == text
