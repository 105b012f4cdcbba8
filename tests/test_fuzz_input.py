"""Fuzzing the readers: whatever a catalogue or an article holds, the answer is a parsed value or a
PublisherError (a message for people), never another exception; the segmenter never loses text."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher import po
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.project import load_articles
from publisher.segment import sentences, split, units
from publisher.source import read_article
from tests.helpers import FRONT_MATTER, make_project, po_path

MSGFMT = shutil.which("msgfmt")
FUZZ = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
PO_PIECES = ['msgid "', 'msgstr "', 'msgctxt "', 'msgid_plural "', "msgstr[0] ", "msgstr[1] ", "msgstr[7] ", '"',
             '""', '\\"', "\\", "\\n", "\\t", "\\q", "\\f", "#", "#~ ", "#| ", "#, fuzzy", "#. ", "\n", "\n\n", "\r\n",
             " ", "\ufeff", "Language: kk\\n", "Language: ru\\n", "charset=UTF-8", "charset=CP1251", "nplurals=3;",
             "nplurals=2;", "Plural-Forms: ", "Content-Type: text/plain; ", "Ж", "\x00", "\uffff", "\u202e", "é"]


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    """The fixture project: its article, template, Russian catalogue, and a scratch folder."""
    root = make_project(tmp_path_factory.mktemp("fuzz"))
    config = load_config(root)
    article = load_articles(config)[0]
    pot = po.template(article, units(article, config.segmentation), article.path)
    return article, pot, po_path(root, "ru").read_text(encoding="utf-8"), root / "scratch"


def read_and_update(newsroom, data: bytes) -> None:
    """What `publish update` does with a catalogue: read it, merge it, write it out as text."""
    article, pot, _, scratch = newsroom
    path = scratch / "ru" / "LC_MESSAGES" / "test-story.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        old = po.read(path)
    except PublisherError as error:
        assert all(line.startswith(f"{path}:") for line in str(error).splitlines())  # each names the file
        return
    po.translations(old)
    po.render(po.merge(pot, old, "ru", article, "en"))
    if MSGFMT:  # what the reader accepts, GNU gettext reads too (the other way round the reader is stricter)
        as_gettext_reads_it = path.with_name("plain.po")  # GNU gettext takes no BOM, which editors may add
        as_gettext_reads_it.write_bytes(data.removeprefix(b"\xef\xbb\xbf"))
        run = subprocess.run([MSGFMT, "-o", "/dev/null", str(as_gettext_reads_it)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


@settings(max_examples=400, **FUZZ)
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_catalogue(newsroom, data):
    read_and_update(newsroom, data)


@settings(max_examples=400, **FUZZ)
@given(pieces=st.lists(st.one_of(st.sampled_from(PO_PIECES), st.text(max_size=4)), max_size=40))
def test_po_like_text_as_a_catalogue(newsroom, pieces):
    header = newsroom[2].split("\n\n", 1)[0] + "\n\n"
    read_and_update(newsroom, (header + "".join(pieces)).encode("utf-8", "surrogatepass"))


@settings(max_examples=800, **FUZZ)
@given(edits=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40), st.sampled_from(PO_PIECES)),
                      min_size=1, max_size=4))
def test_a_real_catalogue_broken_in_a_few_places(newsroom, edits):
    text = newsroom[2]
    for position, deleted, inserted in edits:  # delete a few characters, insert a piece of PO syntax
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + deleted:]
    read_and_update(newsroom, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=600, **FUZZ)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
       | st.lists(st.sampled_from(["A.", "Б.", " ", "т. е.", "г.", "5", "сент.", "«", "»", "“", "”", "\n", "?!", "…",
                                   "[a](b.c)", "`x.y`", "Ю.", "mr.", "e.g."]), max_size=30).map("".join),
       lang=st.sampled_from(["en", "ru", "be", "kk"]))
def test_the_segmenter_keeps_every_character(text, lang):
    assert "".join(split(text, lang)) == text
    assert all(s and s == " ".join(s.split()) for s in sentences(text, lang))


@settings(max_examples=400, **FUZZ)
@given(body=st.text(max_size=300), field=st.sampled_from(["id", "language", "headline", "published", "place"]),
       value=st.text(max_size=30))
def test_any_article_is_read_or_refused_with_a_message(tmp_path_factory, body, field, value):
    front = FRONT_MATTER.format(id="test-story", headline="A headline")
    line = next(line for line in front.splitlines() if line.strip().startswith(f"{field}:"))
    path = tmp_path_factory.getbasetemp() / "fuzzed-story.md"
    path.write_text(front.replace(line, f"{line.split(':')[0]}: {value}", 1) + "\n" + body, encoding="utf-8",
                    errors="surrogatepass")
    try:
        read_article(path, "source/fuzzed-story.md")
    except PublisherError as error:
        assert all(line.startswith("source/fuzzed-story.md:") for line in str(error).splitlines())
