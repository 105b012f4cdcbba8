"""The catalogue lifecycle: extract, create, merge, fuzzy, obsolete; files as GNU gettext writes them."""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher import po
from publisher.errors import PublisherError
from publisher.po import fast
from publisher.po.scan import decoded_text, scan_text
from tests.helpers import ROOT, make_project, po_path, run_update, translate, write_article
from tests.validators import gettext_tool

LANGS = ("en", "ru", "be", "kk")


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def _translated_project(root: Path) -> Path:
    make_project(root)
    for lang in ("ru", "be", "kk"):
        translate(root, lang, default=f"[{lang}] {{msgid}}")
    return root


def test_update_writes_a_template_and_every_catalogue(tmp_path):
    make_project(tmp_path)
    assert (tmp_path / "locales" / "templates" / "test-story.pot").is_file()
    for lang in LANGS:
        po = polib.pofile(str(po_path(tmp_path, lang)))
        assert po.metadata["Language"] == lang
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_plural_forms_as_gettext_and_cldr_give_them(tmp_path):
    make_project(tmp_path)
    forms = {lang: polib.pofile(str(po_path(tmp_path, lang))).metadata["Plural-Forms"] for lang in LANGS}
    gnu = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    assert forms["ru"] == forms["be"] == gnu
    assert forms["kk"] == "nplurals=2; plural=(n != 1);"
    assert forms["en"] == "nplurals=2; plural=(n != 1);"


def test_source_language_catalogue_holds_identity_translations(tmp_path):
    make_project(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "en")))
    assert po.percent_translated() == 100
    assert all(e.msgstr == e.msgid for e in po)


def test_roles_go_to_msgctxt_and_comments_never_positions(tmp_path):
    make_project(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "ru")))
    headline = po.find("Test headline", msgctxt="headline")
    assert headline is not None and headline.comment == "headline"
    body = po.find("Kazakhstan and Belarus are key partners.")
    assert body.msgctxt is None and body.comment == "body"
    assert all(e.occurrences == [("source/test-story.md", "")] for e in po)


def test_catalogues_pass_msgfmt_check_and_survive_msgcat(tmp_path):
    msgfmt, msgcat = gettext_tool("msgfmt"), gettext_tool("msgcat")
    _translated_project(tmp_path)
    for path in _snapshot(tmp_path):
        if path.suffix == ".po":
            check = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
            assert check.returncode == 0 and check.stderr == "", check.stderr
        assert subprocess.run([msgcat, str(path)], capture_output=True).stdout == path.read_bytes(), path


def test_the_bundled_catalogues_pass_msgfmt_check_and_survive_msgcat():
    msgfmt, msgcat = gettext_tool("msgfmt"), gettext_tool("msgcat")
    paths = sorted((ROOT / "locales").rglob("*.po")) + sorted((ROOT / "locales").rglob("*.pot"))
    assert len(paths) == 5
    for path in paths:
        if path.suffix == ".po":
            subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], check=True)
        assert subprocess.run([msgcat, str(path)], capture_output=True).stdout == path.read_bytes(), path


def test_update_twice_changes_no_byte(tmp_path):
    _translated_project(tmp_path)
    before = _snapshot(tmp_path)
    run_update(tmp_path)
    assert _snapshot(tmp_path) == before


def test_editing_one_sentence_makes_exactly_that_unit_fuzzy(tmp_path):
    _translated_project(tmp_path)
    old = "The projects are worth more than $200 million."
    new = "The projects are worth more than $250 million."
    body = (tmp_path / "source" / "test-story.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    write_article(tmp_path, "test-story", body.replace(old, new))
    run_update(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "ru")))
    fuzzy = [e for e in po if "fuzzy" in e.flags]
    assert [(e.msgid, e.previous_msgid, e.msgstr) for e in fuzzy] == [(new, old, f"[ru] {old}")]
    assert "#| msgid \"The projects are worth more than $200 million.\"" in po_path(tmp_path, "ru").read_text()
    # the confirmed translation of the old text is kept obsolete: if the sentence returns, so does it
    assert [(e.msgid, e.msgstr, e.flags) for e in po.obsolete_entries()] == [(old, f"[ru] {old}", [])]
    assert all(e.msgstr == e.msgid for e in polib.pofile(str(po_path(tmp_path, "en"))))


def test_inserting_a_paragraph_adds_entries_and_changes_nothing_else(tmp_path):
    _translated_project(tmp_path)
    before = _snapshot(tmp_path)
    body = (tmp_path / "source" / "test-story.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    added = "A brand-new paragraph arrives. It has two sentences."
    write_article(tmp_path, "test-story", added + "\n\n" + body)
    run_update(tmp_path)
    for path, old in before.items():
        diff = [line for line in difflib.unified_diff(old.decode().splitlines(), path.read_text().splitlines(),
                                                     lineterm="", n=0) if line[:1] in "+-"
                and not line.startswith(("+++", "---"))]
        assert all(line.startswith("+") for line in diff), (path, diff)
        added_ids = [line for line in diff if line.startswith("+msgid")]
        assert added_ids == ['+msgid "A brand-new paragraph arrives."', '+msgid "It has two sentences."']
    po = polib.pofile(str(po_path(tmp_path, "ru")))
    assert not [e for e in po if "fuzzy" in e.flags]


def test_moving_a_paragraph_makes_nothing_fuzzy(tmp_path):
    _translated_project(tmp_path)
    body = (tmp_path / "source" / "test-story.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    write_article(tmp_path, "test-story", "\n\n".join(paragraphs[::-1]) + "\n")
    run_update(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "kk")))
    assert po.percent_translated() == 100 and not po.fuzzy_entries()


def test_removed_unit_becomes_obsolete_and_comes_back(tmp_path):
    _translated_project(tmp_path)
    path = tmp_path / "source" / "test-story.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(" The projects are worth more than $200 million.", ""), encoding="utf-8")
    run_update(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "be")))
    assert [e.msgid for e in po.obsolete_entries()] == ["The projects are worth more than $200 million."]
    assert "#~ msgid" in po_path(tmp_path, "be").read_text()
    path.write_text(original, encoding="utf-8")
    run_update(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "be")))
    assert not po.obsolete_entries() and po.percent_translated() == 100


def test_a_brand_new_sentence_is_never_handed_an_unrelated_translation(tmp_path):
    _translated_project(tmp_path)
    path = tmp_path / "source" / "test-story.md"
    text = path.read_text(encoding="utf-8")
    # Shares many words with an old sentence, but says something else.
    path.write_text(text.replace("The projects are worth more than $200 million.",
                                 "Belarus and Kazakhstan signed key documents on energy."), encoding="utf-8")
    run_update(tmp_path)
    po = polib.pofile(str(po_path(tmp_path, "ru")))
    new = po.find("Belarus and Kazakhstan signed key documents on energy.")
    assert new.msgstr == "" and "fuzzy" not in new.flags


def test_translator_comments_and_flags_survive(tmp_path):
    _translated_project(tmp_path)
    path = po_path(tmp_path, "ru")
    po = polib.pofile(str(path))
    entry = po.find("Kazakhstan and Belarus are key partners.")
    entry.tcomment = "Checked with the desk."
    entry.flags.append("no-check-length")
    po.save(str(path))
    run_update(tmp_path)
    entry = polib.pofile(str(path)).find("Kazakhstan and Belarus are key partners.")
    assert entry.tcomment == "Checked with the desk." and entry.flags == ["no-check-length"]


def test_a_broken_catalogue_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    _translated_project(tmp_path)
    path = po_path(tmp_path, "kk")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[20] = 'msgstr "unterminated\n'
    path.write_text("".join(lines), encoding="utf-8")
    before = _snapshot(tmp_path)
    with pytest.raises(PublisherError, match=r"kk/LC_MESSAGES/test-story.po:21: not a valid PO file"):
        run_update(tmp_path)
    assert _snapshot(tmp_path) == before


PIECES = ['"', "\\", "\n", "\n\n", "#~ ", "#| ", "#, fuzzy\n", 'msgctxt "x"\n', 'msgid "a"\n', 'msgstr "b"\n',
          '"\\n"', "# note\n", "#. body\n", "\\t", "msgid_plural", "msgstr[0]",
          "#: a.md:3  a.md:3 b.md\n", "#:  x\u2009y\n", "#,  no-wrap ,fuzzy\n", "#, a,,b\n", ",", ":", "\u00a0"]


BUNDLED_KK = ROOT / "locales" / "kk" / "LC_MESSAGES" / "kazakhstan-belarus-allies.po"


def _with_obsolete_entries() -> str:
    """The bundled Kazakh catalogue after its story lost three units, as the next update writes it."""
    catalog = po.read(BUNDLED_KK)
    catalog.entries += [e.copy(obsolete=True, msgid=e.msgid + " (withdrawn)", references=[])
                        for e in catalog.entries[3:6]]
    return po.render(catalog)


@settings(max_examples=300, deadline=None)
@given(obsolete=st.booleans(),
       edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 20), st.sampled_from(PIECES)), max_size=3))
def test_the_fast_reader_agrees_with_the_careful_one(tmp_path_factory, obsolete, edits):
    text = _with_obsolete_entries() if obsolete else BUNDLED_KK.read_text(encoding="utf-8")
    if obsolete:  # the edits land among the obsolete entries at the end as often as elsewhere
        edits = [(len(text) - position, deleted, inserted) for position, deleted, inserted in edits]
    for position, deleted, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + deleted:]
    _assert_both_readers_agree(tmp_path_factory.mktemp("case"), text)


# Reference and flag lines, read or refused alike by both readers (the fast one matches them whole).
COMMENT_LINES = ["#: a.md:3  a.md:3 b.md", "#:  x\u2009y", "#: a.md:x", "#: a:1:2", "#: a.md\tb.md:12", "#: é/ü.md",
                 "#: a.md:3\n#: b.md a.md:3", "#: a.md\\", "#:a.md", "#: (a)", "#,  no-wrap ,fuzzy", "#, a,,b",
                 "#, fuzzy,", "#, c-format, \u00a0no-wrap", "#, a b", "#, fuzzy\n#, no-wrap", "#,fuzzy",
                 "#, fuzzy\t", "#, ключ", "#, a.b", "#: (x) a.md", "#: a.md\n b.md", "#, fuzzy\n,no-wrap"]


@pytest.mark.parametrize("line", COMMENT_LINES)
def test_the_fast_reader_agrees_with_the_careful_one_on_references_and_flags(tmp_path, line):
    text = (ROOT / "locales" / "kk" / "LC_MESSAGES" / "kazakhstan-belarus-allies.po").read_text(encoding="utf-8")
    _assert_both_readers_agree(tmp_path, text + f'\n#. body\n{line}\nmsgid "x y z"\nmsgstr "б"\n')


def _assert_both_readers_agree(folder: Path, text: str) -> None:
    path = folder / "kk" / "LC_MESSAGES" / "story.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    try:
        careful = scan_text(decoded_text(text.encode("utf-8"), "story.po"), "story.po", "kk")
    except PublisherError:
        careful = None
    try:
        fast = po.read(path)
    except PublisherError:
        assert careful is None
        _assert_the_build_reads_as_parse_does(text.encode("utf-8"), "kk")
        return
    assert careful is not None
    assert (fast.header, fast.entries) == (careful.header, careful.entries)  # every field, line numbers too
    _assert_the_build_reads_as_parse_does(text.encode("utf-8"), "kk")


def _assert_the_build_reads_as_parse_does(raw: bytes, lang: str | None) -> None:
    """What a build reads of a file (po.read_for_build, which skips making the entries of a plain
    one) is what po.parse reads: the same translations and catalogue, or the same refusal."""
    try:
        catalog = po.parse(raw, "story.po", lang)
    except PublisherError as refused:
        with pytest.raises(PublisherError) as build_refused:
            po.read_for_build(raw, "story.po", lang)
        assert str(build_refused.value) == str(refused)
        return
    for whole in (False, True):  # read for its translations first, or parsed at once for a gate
        read = po.read_for_build(raw, "story.po", lang, whole=whole)
        assert read.raw == raw
        assert list(read.translations.items()) == list(po.translations(catalog).items())
        assert (read.catalog.header, read.catalog.entries) == (catalog.header, catalog.entries)


CORPUS = Path(os.environ.get("PUBLISHER_PO_CORPUS", ROOT.parent / "shared" / "po-corpus"))


@pytest.mark.parametrize("path", sorted(CORPUS.rglob("*.po")) if CORPUS.is_dir() else [],
                         ids=lambda p: str(p.relative_to(CORPUS)))
def test_a_build_reads_every_corpus_catalogue_as_parse_does(path):
    _assert_the_build_reads_as_parse_does(path.read_bytes(), po.folder_language(path))


def test_a_build_reads_plain_catalogues_without_making_their_entries():
    """Every bundled catalogue is in gettext's plainest layout: a build reads its translations
    alone, and parses it whole only when asked (a gate's checks)."""
    paths = sorted((ROOT / "locales").rglob("*.po"))
    assert len(paths) >= 2
    for path in paths:
        read = po.read_for_build(path.read_bytes(), str(path), po.folder_language(path))
        assert read._catalog is None and read.translations
        _assert_the_build_reads_as_parse_does(path.read_bytes(), po.folder_language(path))


def test_obsolete_entries_as_gettext_writes_them_take_the_fast_reader(tmp_path):
    """A desk's catalogues hold obsolete entries after their first update with edits: msgmerge's
    and this toolkit's are read by the fast reader, as the careful one reads them."""
    msgmerge = gettext_tool("msgmerge")
    template = tmp_path / "story.pot"
    catalog = po.read(BUNDLED_KK)
    withdrawn = catalog.entries[3:6]
    catalog.entries = [e.copy(msgstr="") for e in catalog.entries if e not in withdrawn]
    template.write_text(po.render(catalog), encoding="utf-8")
    merged = tmp_path / "merged.po"
    subprocess.run([msgmerge, "--quiet", "--previous", "-o", str(merged), str(BUNDLED_KK), str(template)], check=True)
    for text in (merged.read_text(encoding="utf-8"), _with_obsolete_entries()):
        assert "\n#~ msgid" in text
        found = fast.parse(text)
        careful = scan_text(text, "story.po", "kk")
        assert found is not None and (found[0], found[1:]) == (careful.header, careful.entries)
        assert sum(e.obsolete for e in found) == 3
        assert po.read_for_build(text.encode("utf-8"), "story.po", "kk")._catalog is None  # a build's fast path too
        _assert_the_build_reads_as_parse_does(text.encode("utf-8"), "kk")


ODD_OBSOLETE = ['msgid "a"\n#~ msgstr "b"\n', '#~ msgid "a"\nmsgstr "b"\n', '#~ msgid "a"\n#~ msgstr ""\n#~ "b"\n',
                '#, fuzzy\n#~| msgid "old"\n#~ msgid "a"\n#~ msgstr "b"\n', '#~ #, fuzzy\n#~ msgid "a"\n#~ msgstr "b"\n',
                '#~msgid "a"\n#~msgstr "b"\n', '#~  msgid "a"\n#~ msgstr "b"\n', '#~ msgid "a"\n#~ msgstr "b" \n',
                '# note\n#~ msgid "a"\n# late note\n#~ msgstr "b"\n', '#~ #~ msgid "a"\n#~ msgstr "b"\n']


@pytest.mark.parametrize("block", ODD_OBSOLETE)
def test_odd_obsolete_entries_are_read_as_the_careful_reader_reads_them(tmp_path, block):
    text = BUNDLED_KK.read_text(encoding="utf-8") + "\n" + block
    path = tmp_path / "kk" / "LC_MESSAGES" / "story.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    try:
        careful = scan_text(text, "story.po", "kk")
    except PublisherError:
        with pytest.raises(PublisherError):
            po.read(path)
        return
    read = po.read(path)
    assert (read.header, read.entries) == (careful.header, careful.entries)


def test_read_translations_agrees_with_translations_of_read(tmp_path):
    _translated_project(tmp_path)
    translate(tmp_path, "ru", {"Test headline": "Заголовок\tс табуляцией"})
    path = po_path(tmp_path, "ru")
    saved = polib.pofile(str(path))
    saved.find("Kazakhstan and Belarus are key partners.").flags.append("fuzzy")
    saved.save(str(path))
    for lang in LANGS:
        path = po_path(tmp_path, lang)
        assert po.read_translations(path) == po.translations(po.read(path))
    ru = po.read_translations(po_path(tmp_path, "ru"))
    assert ("headline", "Test headline") in ru and ru[("headline", "Test headline")] == "Заголовок с табуляцией"
    assert (None, "Kazakhstan and Belarus are key partners.") not in ru


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file another owner needs root (CI runs as root)")
def test_update_writes_through_a_symlinked_catalogue_and_keeps_owner_group_and_mode(tmp_path):
    _translated_project(tmp_path)
    path = po_path(tmp_path, "ru")
    shared = tmp_path / "shared-desk" / "ru.po"
    shared.parent.mkdir()
    path.replace(shared)
    path.symlink_to(shared)
    os.chown(shared, 1234, 5678)
    shared.chmod(0o664)
    body = (tmp_path / "source" / "test-story.md").read_text(encoding="utf-8")
    (tmp_path / "source" / "test-story.md").write_text(body.replace("$200 million", "$250 million"), encoding="utf-8")
    run_update(tmp_path)
    assert path.is_symlink() and path.resolve() == shared
    assert "$250 million" in shared.read_text(encoding="utf-8")
    info = shared.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (1234, 5678, 0o664)


def test_plural_entries_become_obsolete_with_every_form(tmp_path):
    _translated_project(tmp_path)
    path = po_path(tmp_path, "ru")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "one file"\nmsgid_plural "%d files"\n'
                    'msgstr[0] "файл"\nmsgstr[1] "файла"\nmsgstr[2] "файлов"\n', encoding="utf-8")
    run_update(tmp_path)
    (plural,) = po.read(path).obsolete
    assert plural.msgid_plural == "%d files" and plural.msgstr_plural == ["файл", "файла", "файлов"]


def test_headers_written_by_translators_tools_are_kept(tmp_path):
    _translated_project(tmp_path)
    path = po_path(tmp_path, "kk")
    text = path.read_text(encoding="utf-8").replace(
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n"X-Generator: Poedit 3.4\\n"\n"Last-Translator: Айгүл <a@b.kz>\\n"')
    path.write_text(text, encoding="utf-8")
    run_update(tmp_path)
    header = po.read(path)
    assert header.field("Plural-Forms") == "nplurals=1; plural=0;" and header.field("X-Generator") == "Poedit 3.4"


def test_a_renamed_article_takes_its_catalogues_along(tmp_path):
    _translated_project(tmp_path)
    before = po.translations(po.read(po_path(tmp_path, "ru")))
    source = tmp_path / "source" / "test-story.md"
    source.rename(tmp_path / "source" / "new-slug.md")
    run_update(tmp_path)
    assert not po_path(tmp_path, "ru").exists()
    assert po.translations(po.read(po_path(tmp_path, "ru", "new-slug"))) == before


def test_a_new_article_that_repeats_sentences_is_filled_from_the_memory(tmp_path):
    _translated_project(tmp_path)
    write_article(tmp_path, "second-story", "Kazakhstan and Belarus are key partners. A sentence nobody wrote.\n",
                  article_id="second")
    run_update(tmp_path)
    catalog = po.read(po_path(tmp_path, "ru", "second-story"))
    known = next(e for e in catalog if e.msgid == "Kazakhstan and Belarus are key partners.")
    assert known.msgstr == "[ru] Kazakhstan and Belarus are key partners." and not known.fuzzy
    assert any(c.startswith(po.MEMORY_NOTE) for c in known.comments)
    assert next(e for e in catalog if e.msgid == "A sentence nobody wrote.").msgstr == ""
