"""The newsroom sequences that used to corrupt catalogues, each tried as a new user would."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import unicodedata

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher import build as building, merged, po
from publisher.checks import check_articles
from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.localize import completeness, localize
from publisher.po.memory import similarity
from publisher.project import load_articles, status, update
from tests.helpers import BODY, make_project, po_path, run_update, translate, write_article
from tests.validators import gettext_tool

PROJECTS = "The projects are worth more than $200 million."


def _translated(root):
    make_project(root)
    for lang in ("ru", "be", "kk"):
        translate(root, lang, default=f"[{lang}] {{msgid}}")
    return root


def _body(root) -> str:
    return (root / "source" / "test-story.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def _set_body(root, body: str) -> None:
    write_article(root, "test-story", body)


def _msgfmt_accepts(path) -> None:
    check = subprocess.run([gettext_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def _live(root, lang="ru", slug="test-story"):
    return {e.msgid: e for e in po.read(po_path(root, lang, slug)).live}


def test_deleting_a_sentence_and_updating_twice_keeps_one_obsolete_entry(tmp_path):
    _translated(tmp_path)
    _set_body(tmp_path, BODY.replace(" " + PROJECTS, ""))
    run_update(tmp_path)
    run_update(tmp_path)
    obsolete = po.read(po_path(tmp_path, "ru")).obsolete
    assert [e.msgid for e in obsolete] == [PROJECTS]
    _msgfmt_accepts(po_path(tmp_path, "ru"))


def test_an_improved_restored_unit_keeps_the_improvement(tmp_path):
    _translated(tmp_path)
    _set_body(tmp_path, BODY.replace(" " + PROJECTS, ""))
    run_update(tmp_path)
    _set_body(tmp_path, BODY)
    run_update(tmp_path)
    translate(tmp_path, "ru", {PROJECTS: "Стоимость проектов превышает 200 млн долларов."})
    run_update(tmp_path)
    assert _live(tmp_path)[PROJECTS].msgstr == "Стоимость проектов превышает 200 млн долларов."
    assert not po.read(po_path(tmp_path, "ru")).obsolete


def test_a_hand_made_obsolete_copy_of_a_live_entry_is_refused_as_msgfmt_refuses_it(tmp_path):
    _translated(tmp_path)
    path = po_path(tmp_path, "ru")
    path.write_text(path.read_text(encoding="utf-8") + f'\n#~ msgid "{PROJECTS}"\n#~ msgstr "старое"\n',
                    encoding="utf-8")
    with pytest.raises(PublisherError, match=r"test-story.po:\d+: this entry repeats the one at line \d+.*msguniq"):
        run_update(tmp_path)


def test_an_edited_sentence_deleted_before_the_translator_acts_is_written_as_gettext_writes_it(tmp_path):
    _translated(tmp_path)
    _set_body(tmp_path, BODY.replace("$200 million", "$250 million"))
    run_update(tmp_path)
    _set_body(tmp_path, BODY.replace(" " + PROJECTS, ""))
    run_update(tmp_path)
    text = po_path(tmp_path, "ru").read_text(encoding="utf-8")
    assert f'#~| msgid "{PROJECTS}"' in text and "#~ #|" not in text
    polib.pofile(str(po_path(tmp_path, "ru")))  # polib reads it too
    _msgfmt_accepts(po_path(tmp_path, "ru"))
    config = load_config(tmp_path)
    assert check_articles(config, load_articles(config), ("ru",), jobs=1).catalogues == 1


def test_a_sentence_edited_twice_and_reverted_gets_its_translation_back_confirmed(tmp_path):
    _translated(tmp_path)
    for figure in ("$250 million", "$300 million"):
        _set_body(tmp_path, BODY.replace("$200 million", figure))
        run_update(tmp_path)
    _set_body(tmp_path, BODY)
    run_update(tmp_path)
    entry = _live(tmp_path)[PROJECTS]
    assert entry.msgstr == f"[ru] {PROJECTS}" and not entry.fuzzy
    _msgfmt_accepts(po_path(tmp_path, "ru"))


def test_translated_plurals_are_read_and_kept(tmp_path):
    _translated(tmp_path)
    path = po_path(tmp_path, "ru")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "%d file"\nmsgid_plural "%d files"\n'
                    'msgstr[0] "%d файл"\nmsgstr[1] "%d файла"\nmsgstr[2] "%d файлов"\n', encoding="utf-8")
    catalog = po.read(path)
    assert po.translations(catalog).get((None, "%d file")) == "%d файл"
    assert po.stats(catalog).translated == len(catalog.live)  # every live entry, the plural one too
    run_update(tmp_path)
    assert po.read(path).obsolete[0].msgstr_plural == ["%d файл", "%d файла", "%d файлов"]
    _msgfmt_accepts(path)


def test_update_sets_only_what_it_must_in_the_header(tmp_path):
    _translated(tmp_path)
    path = po_path(tmp_path, "ru")
    text = path.read_text(encoding="utf-8")
    text = text.replace('"Last-Translator: \\n"', '"Last-Translator: Ирина <i@belta.by>\\n"\n"X-Poedit-Basepath: .\\n"')
    text = text.replace('"POT-Creation-Date: 2024-09-05 12:00+0300\\n"', '"POT-Creation-Date: 2020-01-01 00:00+0000\\n"')
    path.write_text(text.replace('"Plural-Forms: nplurals=3;', '"Plural-Forms: nplurals=3 broken;'), encoding="utf-8")
    run_update(tmp_path)
    catalog = po.read(path)
    assert catalog.field("Last-Translator") == "Ирина <i@belta.by>" and catalog.field("X-Poedit-Basepath") == "."
    assert catalog.field("POT-Creation-Date") == "2024-09-05 12:00+0300"
    assert catalog.field("Plural-Forms") == po.plural_forms("ru")  # it was invalid


def test_charset_in_a_header_comment_is_not_the_files_charset(tmp_path):
    _translated(tmp_path)
    path = po_path(tmp_path, "ru")
    path.write_text("# Converted from charset=KOI8-R long ago.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    run_update(tmp_path)
    assert po.read(path).header.tcomments[0] == "Converted from charset=KOI8-R long ago."


def test_status_check_and_build_agree_on_what_is_translated(tmp_path):
    """A whitespace-only msgstr is untranslated everywhere; a msgid in NFD, or with a space where
    the source has a no-break space, is the same unit everywhere."""
    body = "The caf\u00e9 opened in Minsk. Over 1\u00a0500 people came. Nobody translated this one.\n"
    make_project(tmp_path, body=body)
    path = po_path(tmp_path, "ru")
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgid "The caf\u00e9 opened in Minsk."\nmsgstr ""',
                        f'msgid "{unicodedata.normalize("NFD", "The café opened in Minsk.")}"\nmsgstr "Кафе открылось."')
    text = text.replace('msgid "Over 1 500 people came."\nmsgstr ""',  # the source's space, as segmented
                        'msgid "Over 1\u00a0500 people came."\nmsgstr "Пришли более 1500 человек."')
    text = text.replace('msgid "Nobody translated this one."\nmsgstr ""', 'msgid "Nobody translated this one."\n'
                                                                             'msgstr "   "')
    path.write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    article = load_articles(config)[0]
    counted = status(config, [article], ("ru",))[0].stats
    report = check_articles(config, [article], ("ru",), jobs=1)
    untranslated = [p.msgid for p in report.problems if p.check == "untranslated"]
    built = completeness(article, po.read_translations(path), "ru", config.segmentation)
    assert "Nobody translated this one." in untranslated
    assert not set(untranslated) & {"The caf\u00e9 opened in Minsk.", "Over 1 500 people came."}
    assert counted.translated == built.translated == counted.units - len(untranslated)
    # A build looks units up by their keys normalised once for the article (localize.UnitTranslations):
    # the same version as po.Translations, which normalises every key it is asked for, gives.
    versions, _ = building._localize_all(config, article, ("en", "ru"), building._read_catalogues(config, article, ("en", "ru")))
    assert versions[1] == localize(article, po.read_translations(path), "ru", config.babel_locale("ru"),
                                   config.segmentation, ("en", "ru"))
    assert versions[1].completeness.translated == built.translated
    assert "Кафе открылось." in [t.text for b in versions[1].blocks for t in b.sentences]
    update(config, [article])
    live = _live(tmp_path)
    assert live["The caf\u00e9 opened in Minsk."].msgstr == "Кафе открылось."  # msgid now the source's
    assert status(config, [article], ("ru",))[0].stats == counted


def test_near_matches_from_the_memory_are_offered_only_when_number_safe(tmp_path):
    _translated(tmp_path)
    write_article(tmp_path, "second-story", "The projects are worth more than $200 million in total. "
                                            "The projects are worth more than $900 million.\n", article_id="second")
    run_update(tmp_path)
    live = _live(tmp_path, "ru", "second-story")
    near = live["The projects are worth more than $200 million in total."]
    assert near.fuzzy and near.previous_msgid == PROJECTS and near.msgstr == f"[ru] {PROJECTS}"
    assert live["The projects are worth more than $900 million."].msgstr == ""  # other figures: nothing


@given(st.lists(st.sampled_from("the of Minsk Astana , . grain said 200 million in".split()), max_size=12),
       st.lists(st.sampled_from("the of Minsk Astana , . grain said 200 million in".split()), max_size=12),
       st.sampled_from([0.7, 0.8, 0.9]))
def test_a_similarity_with_a_floor_is_the_whole_one_wherever_it_reaches_the_floor(a, b, floor):
    whole, floored = similarity(tuple(a), tuple(b)), similarity(tuple(a), tuple(b), floor)
    assert floored == whole if whole >= floor else floored in (whole, 0.0)


def test_the_memory_scores_the_records_sharing_most_rare_words_and_prefers_the_first_source():
    """More records share the unit's rarest words than are scored: those sharing the most are."""
    words = ["Alpha", "beta", "gamma", "delta"]
    crowd = [(f"c{i}.po", po.Catalog(po.Entry("", ""), [po.Entry(
        " ".join(w for w in words if w != words[i % 4]) + f" filler{i} other words.", f"[ru] {i}")]))
        for i in range(40)]  # each holds three of the four words: the first 40 records
    near = "Alpha beta gamma delta zeta."
    twins = [(name, po.Catalog(po.Entry("", ""), [po.Entry(near, f"[ru] {name}")])) for name in ("x.po", "y.po")]
    memory = po.Memory(lambda: crowd + twins)
    entry = po.Entry("Alpha beta gamma delta epsilon.")
    assert memory.fill(entry) and entry.fuzzy and entry.previous_msgid == near
    assert entry.msgstr == "[ru] x.po"  # the same score: the first source's
    assert memory.fill(entry := po.Entry(entry.msgid), excluding="x.po") and entry.msgstr == "[ru] y.po"


def test_prune_obsolete_drops_them(tmp_path):
    _translated(tmp_path)
    _set_body(tmp_path, BODY.replace(" " + PROJECTS, ""))
    config = load_config(tmp_path)
    update(config, load_articles(config), prune_obsolete=True)
    assert po.read(po_path(tmp_path, "ru")).obsolete == []


def _publish(*args):
    return subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True)


def test_update_says_when_catalogues_follow_a_renamed_article(tmp_path):
    _translated(tmp_path)
    (tmp_path / "source" / "test-story.md").rename(tmp_path / "source" / "renamed-story.md")
    result = _publish("update", "-C", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "wrote locales/ru/LC_MESSAGES/renamed-story.po (renamed from locales/ru/LC_MESSAGES/test-story.po)" \
        in result.stdout


def test_fmt_rewrites_lists_and_refuses_as_a_pre_commit_hook_needs(tmp_path):
    _translated(tmp_path)
    path = po_path(tmp_path, "ru")
    canonical = path.read_bytes()
    polib.pofile(str(path), wrapwidth=40).save(str(path))  # an editor that wraps at 40 columns
    check = _publish("fmt", "--check", str(tmp_path / "locales"))
    assert check.returncode == 1 and str(path) in check.stdout and path.read_bytes() != canonical
    formatted = _publish("fmt", str(path))
    assert formatted.returncode == 0 and path.read_bytes() == canonical
    assert _publish("fmt", "--check", "-C", str(tmp_path)).returncode == 0
    path.write_text('msgid "unterminated\nmsgstr ""\n', encoding="utf-8")
    broken = _publish("fmt", str(path))
    assert broken.returncode == 1 and f"{path}:1: not a valid PO file" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_rename_updated_one_language_at_a_time_loses_no_catalogue(tmp_path):
    _translated(tmp_path)
    kk_before = po.translations(po.read(po_path(tmp_path, "kk")))
    (tmp_path / "source" / "test-story.md").rename(tmp_path / "source" / "renamed-story.md")
    config = load_config(tmp_path)
    update(config, load_articles(config), ("ru",))
    assert po_path(tmp_path, "ru", "renamed-story").exists() and not po_path(tmp_path, "ru").exists()
    assert po_path(tmp_path, "kk").exists()  # not updated yet: still where it was
    update(config, load_articles(config))
    assert po.translations(po.read(po_path(tmp_path, "kk", "renamed-story"))) == kk_before
    assert not list((tmp_path / "locales").rglob("test-story.po*"))


def test_update_forgets_the_catalogues_that_are_gone(tmp_path):
    """A rename done one language at a time, then a catalogue removed by hand: each update keeps
    records only of the catalogues on disk, and those of the languages it did not touch."""
    _translated(tmp_path)
    config = load_config(tmp_path)

    def kept():
        return set(merged.load(config))

    def catalogues():
        return {path.relative_to(tmp_path).as_posix() for path in (tmp_path / "locales").rglob("*.po")}

    assert kept() == catalogues() and "locales/kk/LC_MESSAGES/test-story.po" in kept()
    (tmp_path / "source" / "test-story.md").rename(tmp_path / "source" / "renamed-story.md")
    update(config, load_articles(config), ("ru",))
    assert kept() == catalogues() and "locales/kk/LC_MESSAGES/test-story.po" in kept()
    update(config, load_articles(config))
    assert kept() == catalogues() and not any("test-story" in where for where in kept())
    po_path(tmp_path, "be", "renamed-story").unlink()
    update(config, load_articles(config), ("ru",))
    assert "locales/be/LC_MESSAGES/renamed-story.po" not in kept() and kept() == catalogues()


def test_catalogues_of_a_removed_article_are_kept_whole_in_gettexts_form(tmp_path):
    """Two articles; one leaves source/ while translators' tools save both languages' catalogues
    their own way (CRLF, a BOM msgfmt refuses): update keeps every translation of the orphan, for
    the memory, and leaves it in the form gettext reads."""
    _translated(tmp_path)
    write_article(tmp_path, "second-story", BODY)
    run_update(tmp_path)
    orphans = [po_path(tmp_path, lang) for lang in ("ru", "kk")]
    before = [{(e.msgid, e.msgstr) for e in po.read(path).entries} for path in orphans]
    (tmp_path / "source" / "test-story.md").unlink()
    orphans[0].write_bytes(orphans[0].read_bytes().replace(b"\n", b"\r\n"))
    orphans[1].write_bytes(b"\xef\xbb\xbf" + orphans[1].read_bytes())
    run_update(tmp_path)
    msgcat = gettext_tool("msgcat")
    for path, entries in zip(orphans, before):
        _msgfmt_accepts(path)
        assert subprocess.run([msgcat, str(path)], capture_output=True).stdout == path.read_bytes()
        assert {(e.msgid, e.msgstr) for e in po.read(path).entries} == entries
    assert all(e.msgstr and not e.fuzzy for e in _live(tmp_path, "ru", "second-story").values())


def test_the_languages_updated_side_by_side_give_the_same_catalogues_as_one_after_another(tmp_path):
    """`publish update` merges the languages in worker processes; with edited and new sentences
    across several articles (memory fills, fuzzy matches, obsolete entries), every catalogue and
    template is byte for byte what a serial update writes."""
    from benchmarks.corpus import generate
    from benchmarks.edits import edit_sources

    generate(tmp_path / "serial", 12, seed_value=5)
    edit_sources(tmp_path / "serial", fraction=0.1, seed=2)
    shutil.copytree(tmp_path / "serial", tmp_path / "parallel")
    shutil.copytree(tmp_path / "serial", tmp_path / "per-language")
    results = {}
    for name, jobs in (("serial", 1), ("parallel", 2), ("per-language", 3)):  # 3: the CLI's default here
        config = load_config(tmp_path / name)
        assert gc.isenabled()
        results[name] = update(config, load_articles(config), jobs=jobs)
        assert gc.isenabled()  # paused during the update only
    for name in ("parallel", "per-language"):
        assert [(w.path, w.changed) for w in results["serial"]] == [(w.path, w.changed) for w in results[name]]
    assert sum(w.changed for w in results["serial"]) > 12  # the edits reached the catalogues
    files = sorted(p.relative_to(tmp_path / "serial") for p in (tmp_path / "serial" / "locales").rglob("*.po*"))
    for name in ("parallel", "per-language"):
        assert all((tmp_path / "serial" / f).read_bytes() == (tmp_path / name / f).read_bytes() for f in files)


def test_an_update_that_skips_what_it_left_as_it_was_writes_what_a_full_one_writes(tmp_path, monkeypatch):
    """Over rounds of source edits and a translator's re-save by msgcat (of an edited article's
    catalogue), an update that remembers which catalogues it left as they are and which it wrote
    (merged.py: their unchanged entries are not written anew) gives the files an update without
    that memory gives; and with nothing changed, it parses no catalogue at all."""
    from benchmarks.corpus import generate
    from benchmarks.edits import edit_sources

    generate(tmp_path / "kept", 8, seed_value=9)
    shutil.copytree(tmp_path / "kept", tmp_path / "fresh")
    msgcat = gettext_tool("msgcat")
    for round_number in range(3):
        for name in ("kept", "fresh"):
            edited = sorted({change.slug for change in edit_sources(tmp_path / name, fraction=0.05, seed=round_number)})
            resaved = po_path(tmp_path / name, "be", edited[round_number])  # merged from another tool's file
            subprocess.run([msgcat, "--no-wrap", "-o", str(resaved), str(resaved)], check=True)
            cache = tmp_path / ("xdg-kept" if name == "kept" else f"xdg-fresh-{round_number}")
            monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
            config = load_config(tmp_path / name)
            update(config, load_articles(config), jobs=1)
        files = sorted(p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept" / "locales").rglob("*.po*"))
        assert [(tmp_path / "kept" / f).read_bytes() for f in files] == \
            [(tmp_path / "fresh" / f).read_bytes() for f in files], round_number
    parsed = []
    real_parse = po.parse
    monkeypatch.setattr(po, "parse", lambda *args, **kw: parsed.append(args[1]) or real_parse(*args, **kw))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-kept"))
    config = load_config(tmp_path / "kept")
    assert not any(w.changed for w in update(config, load_articles(config), jobs=1))
    assert [name for name in parsed if name.endswith(".po")] == []
