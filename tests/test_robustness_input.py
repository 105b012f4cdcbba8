"""Bad input through the command line: `path:line: what is wrong, and what to do`, exit 1, no
traceback, and nothing in locales/ or output/ changed. Catalogues come back from freelancers and
editors on deadline; articles are pasted in from other systems."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from tests.helpers import make_project, translate, write_article
from tests.validators import gettext_tool

PO = "locales/ru/LC_MESSAGES/test-story.po"
ARTICLE = "source/test-story.md"
FIX = "fix it in a PO editor (or restore the file from git)"
UNUSABLE_NUL = "the text contains U+0000 (a control character), which no output can carry; delete it"


def publish(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args, "-C", str(root)], capture_output=True, text=True,
                          timeout=timeout)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("locales", "output") for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project whose Russian catalogue is translated and whose outputs are built."""
    root = make_project(tmp_path_factory.mktemp("built"))
    translate(root, "ru", default="Перевод: {msgid}")
    build(load_config(root))
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    return root


def assert_refused(root: Path, message: str, command: tuple[str, ...] = ("update",)) -> None:
    before = snapshot(root)
    result = publish(root, *command)
    assert (result.returncode, result.stderr.strip()) == (1, message)
    assert result.stdout == ""
    assert snapshot(root) == before


def replace(root: Path, relative: str, old: str, new: str) -> int:
    """Replace the first `old` in a file; the line where it stood."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def append(root: Path, relative: str, text: str) -> int:
    """Append `text` to a file; the line where it starts."""
    path = root / relative
    old = path.read_text(encoding="utf-8")
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


# --- PO catalogues ----------------------------------------------------------------------------------


def unterminated_string(root):
    line = replace(root, PO, 'msgid "Minsk"\n', 'msgid "Minsk\n')
    return f'{PO}:{line}: not a valid PO file: unterminated string: add the closing " at the end of the line'


def msgstr_before_msgid(root):
    line = replace(root, PO, 'msgid "Energy"\nmsgstr "Перевод: Energy"', 'msgstr "Перевод: Energy"\nmsgid "Energy"')
    return f"{PO}:{line}: not a valid PO file: msgstr must come right after msgid; {FIX}"


def msgstr_without_msgid(root):
    line = replace(root, PO, '#. heading\n', 'msgstr "Энергетика"\n\n#. heading\n')
    return (f"{PO}:{line}: not a valid PO file: msgstr without a msgid before it; an entry is [msgctxt] msgid … "
            f"msgstr …; {FIX}")


def stray_text(root):
    line = replace(root, PO, "#. heading\n", "Checked by the desk, 5 Sept.\n#. heading\n")
    return (f"{PO}:{line}: not a valid PO file: unexpected text “Checked by the desk, 5 Sept.”: a PO file holds "
            f"only comments (#), msgctxt/msgid/msgid_plural/msgstr lines and quoted strings; {FIX}")


def unescaped_quote(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: "Minsk""')
    return (f'{PO}:{line}: not a valid PO file: unexpected text after the closing quote: “Minsk""”; '
            'write a quote inside a string as \\"')


def unknown_escape(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: C:\\Minsk"')
    return f"{PO}:{line}: not a valid PO file: unknown escape \\M; write a backslash as \\\\"


def missing_msgstr(root):
    line = replace(root, PO, 'msgid "Energy"\nmsgstr "Перевод: Energy"\n', 'msgid "Energy"\n')
    return f'{PO}:{line - 1}: not a valid PO file: this entry has no msgstr; add msgstr "" after its msgid'


def nul_in_a_translation(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: Minsk\x00"')
    return f"{PO}:{line}: {UNUSABLE_NUL}"


def control_character_by_escape(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод:\\fMinsk"')
    return (f"{PO}:{line}: not a valid PO file: the text contains U+000C (a control character), which no output "
            "can carry; delete it")


def noncharacter(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: Minsk\uffff"')
    return f"{PO}:{line}: the text contains U+FFFF (a noncharacter), which no output can carry; delete it"


def broken_previous_msgid(root):
    line = replace(root, PO, 'msgctxt "heading"\n', '#, fuzzy\n#| msgid "Energ\nmsgctxt "heading"\n') + 1
    return f'{PO}:{line}: not a valid PO file: unterminated string: add the closing " at the end of the line'


def translation_ending_with_a_line_break(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: Minsk\\n"')
    return f"{PO}:{line}: the msgstr ends with a line break (\\n) and the msgid does not; remove it"


def comment_inside_an_entry(root):
    line = replace(root, PO, 'msgid "Energy"\n', '#. the subheading\nmsgid "Energy"\n')
    return (f"{PO}:{line}: not a valid PO file: a comment inside an entry, before its msgstr; move it above "
            f"the entry; {FIX}")


def obsolete_and_ordinary_lines_mixed(root):
    line = replace(root, PO, 'msgstr "Перевод: Energy"', '#~ msgstr "Перевод: Energy"')
    return f"{PO}:{line}: not a valid PO file: an entry mixes #~ lines with ordinary ones; mark all of its lines " \
           f"#~ or none; {FIX}"


def duplicate_entry(root):
    line = append(root, PO, '\nmsgctxt "dateline.place"\nmsgid "Minsk"\nmsgstr "Минск"\n') + 1
    return (f"{PO}:{line}: this entry repeats the one at line 31; delete one of them "
            f"(`msguniq --use-first {PO} -o {PO}` keeps the first)")


def plural_count(root):
    line = append(root, PO, '\nmsgid "one day"\nmsgid_plural "%d days"\nmsgstr[0] "день"\nmsgstr[1] "дня"\n') + 1
    return (f"{PO}:{line}: this plural entry has msgstr[0], msgstr[1], but the header's Plural-Forms says "
            "nplurals=3; give exactly msgstr[0] … msgstr[2]")


def language_of_another_folder(root):
    line = replace(root, PO, '"Language: ru\\n"', '"Language: kk\\n"')
    return (f"{PO}:{line}: the header says Language: kk, but the file is in the folder for 'ru'; "
            "move the file to locales/kk/ or correct the header")


def missing_charset(root):
    replace(root, PO, '"Content-Type: text/plain; charset=UTF-8\\n"\n', "")
    return f'{PO}:2: the header says no charset; add "Content-Type: text/plain; charset=UTF-8\\n"'


def charset_other_than_utf8(root):
    line = replace(root, PO, "charset=UTF-8", "charset=CP1251")
    path = root / PO
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    return (f"{PO}:{line}: the catalogue is in charset CP1251, and only UTF-8 is read; convert it with "
            f"`msgconv --to-code=UTF-8 {PO} -o {PO}`, or save it as UTF-8 in your PO editor")


def not_utf8(root):
    line = replace(root, PO, '"Перевод: Minsk"', '"Перевод: Café"')
    path = root / PO
    path.write_bytes(path.read_bytes().replace("Café".encode(), "Café".encode("latin-1")))
    return (f"{PO}:{line}: not valid UTF-8; save the catalogue as UTF-8 in your PO editor "
            "(and say charset=UTF-8 in its header)")


def empty_file(root):
    (root / PO).write_bytes(b"")
    return (f"{PO}:1: the catalogue is empty; delete it and run `publish update` to create it again, "
            "or restore it from git")


def no_header(root):
    text = (root / PO).read_text(encoding="utf-8")
    (root / PO).write_text(text[text.index("#. headline"):], encoding="utf-8")
    return (f'{PO}:1: no header entry (msgid "" with the Content-Type); run `publish update` on a copy to see '
            "the header it needs, or restore the file from git")


BROKEN_CATALOGUES = [unterminated_string, msgstr_before_msgid, msgstr_without_msgid, stray_text, unescaped_quote,
                     unknown_escape, missing_msgstr, nul_in_a_translation, control_character_by_escape,
                     noncharacter, broken_previous_msgid, translation_ending_with_a_line_break,
                     comment_inside_an_entry, obsolete_and_ordinary_lines_mixed, duplicate_entry,
                     plural_count, language_of_another_folder, missing_charset, charset_other_than_utf8, not_utf8,
                     empty_file, no_header]


@pytest.mark.parametrize("breakage", BROKEN_CATALOGUES, ids=lambda f: f.__name__)
def test_a_broken_catalogue_is_refused_with_its_line(project, breakage):
    assert_refused(project, breakage(project))


@pytest.mark.parametrize("breakage", [stray_text, language_of_another_folder, nul_in_a_translation],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("command", [("build",), ("build", "-f", "newsml"), ("status",), ("update", "--lang", "ru")])
def test_every_command_that_reads_the_catalogue_refuses_it(project, breakage, command):
    assert_refused(project, breakage(project), command)


def test_several_problems_in_one_catalogue_are_reported_together(project):
    lines = [append(project, PO, '\nmsgctxt "dateline.place"\nmsgid "Minsk"\nmsgstr "Минск"\n') + 1,
             append(project, PO, '\nmsgid "one day"\nmsgid_plural "%d days"\nmsgstr[0] "день"\n') + 1]
    result = publish(project, "update")
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [f"{PO}:{n}" for n in lines]


def _run_advice(root: Path, command: str) -> None:
    """Run the shell command a message recommends, exactly as written there."""
    subprocess.run(command, shell=True, cwd=root, check=True, capture_output=True)


def test_the_advice_for_another_charset_works(project):
    gettext_tool("msgconv")
    message = charset_other_than_utf8(project)
    assert_refused(project, message)
    _run_advice(project, message.split("`")[1])
    assert publish(project, "update").returncode == 0
    assert "Перевод: Minsk" in (project / PO).read_text(encoding="utf-8")


def test_the_advice_for_duplicates_works(project):
    gettext_tool("msguniq")
    message = duplicate_entry(project)
    assert_refused(project, message)
    _run_advice(project, message.split("`")[1])
    assert publish(project, "update").returncode == 0


def test_the_advice_for_an_empty_catalogue_works(project):
    assert_refused(project, empty_file(project))
    (project / PO).unlink()
    assert publish(project, "update", "--lang", "ru").returncode == 0
    assert 'msgid "Minsk"' in (project / PO).read_text(encoding="utf-8")


def _translated(root: Path) -> int:
    result = publish(root, "status", "--lang", "ru", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]["translated"]


@pytest.mark.parametrize("encode", [lambda text: b"\xef\xbb\xbf" + text.encode(),
                                    lambda text: text.replace("\n", "\r\n").encode()], ids=["BOM", "CRLF"])
def test_a_utf8_bom_and_crlf_line_ends_are_accepted(project, encode):
    units = _translated(project)
    path = project / PO
    canonical = path.read_bytes()
    path.write_bytes(encode(canonical.decode()))
    assert _translated(project) == units
    assert publish(project, "build", "-f", "html").returncode == 0
    assert publish(project, "update", "--lang", "ru").returncode == 0
    assert path.read_bytes() == canonical  # written back as gettext writes it


def test_a_catalogue_of_several_megabytes_is_read_in_reasonable_time(project):
    entries = "".join(f'\nmsgid "Archived sentence number {i}, kept by the desk for reference."\n'
                      f'msgstr "Архивное предложение номер {i}, сохранённое редакцией для справки."\n'
                      for i in range(30_000))
    append(project, PO, entries)
    assert (project / PO).stat().st_size > 5_000_000
    result = publish(project, "status", "--lang", "ru", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["translated"] == 11  # status counts the article's units, as build does


# --- Source articles ----------------------------------------------------------------------------------


def no_front_matter(root):
    text = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(text.split("---\n", 2)[2], encoding="utf-8")
    return f"{ARTICLE}:1: no front matter; start the file with a '---' line, the YAML metadata, and '---'"


def unclosed_front_matter(root):
    replace(root, ARTICLE, "keywords: [Belarus]\n---\n", "keywords: [Belarus]\n")
    return f"{ARTICLE}:1: front matter is not closed; add a '---' line after the metadata"


def malformed_yaml(root):
    line = replace(root, ARTICLE, "headline: Test headline", "headline: [unclosed")
    return f"{ARTICLE}:{line + 1}: front matter is not valid YAML: expected ',' or ']', but got ':'"


def invalid_date(root):
    line = replace(root, ARTICLE, "2024-09-05T12:00:00+03:00", "2024-02-30T12:00:00+03:00")
    return (f"{ARTICLE}:{line}: field 'published': '2024-02-30T12:00:00+03:00' is not a date-time; "
            "write e.g. 2024-09-05T12:00:00+03:00")


def unknown_language(root):
    line = replace(root, ARTICLE, "language: en", "language: xx")
    return f"{ARTICLE}:{line}: unknown language code 'xx'; use an ISO 639 code such as en, ru, be, kk"


def _bad_id(value):
    def breakage(root):
        line = replace(root, ARTICLE, "id: test-test-story", f"id: {value}")
        return f"{ARTICLE}:{line}: id must be letters, digits, '.', '_' or '-', without '..'"
    breakage.__name__ = f"id {value}"
    return breakage


def id_with_control_characters(root):
    line = replace(root, ARTICLE, "id: test-test-story", 'id: "test\\astory"')  # YAML's \a is U+0007
    return f"{ARTICLE}:{line}: field 'id' contains control characters"


def reserved_id(root):
    line = replace(root, ARTICLE, "id: test-test-story", "id: AUX")
    return f"{ARTICLE}:{line}: id 'AUX' is a reserved name (a device on Windows or a page of the output); choose another"


def empty_body(root):
    text = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(text[: text.rindex("---\n") + 4] + "\n\n", encoding="utf-8")
    return f"{ARTICLE}:14: the article has no body; write at least one paragraph after the front matter"


def article_not_utf8(root):
    line = replace(root, ARTICLE, "## Energy", "## Énergie")
    path = root / ARTICLE
    path.write_bytes(path.read_bytes().replace("É".encode(), "É".encode("cp1252")))
    return f"{ARTICLE}:{line}: not valid UTF-8; save the file as UTF-8"


def _character_in_body(char, described):
    def breakage(root):
        line = replace(root, ARTICLE, "## Energy", f"## Energy{char}")
        return f"{ARTICLE}:{line}: the text contains {described}, which no output can carry; delete it"
    breakage.__name__ = f"body with {described}"
    return breakage


def _badly_named(stem, message):
    def breakage(root):
        write_article(root, stem, article_id="another-story")
        return f"source/{message}"
    breakage.__name__ = f"file name {stem!r}"
    return breakage


BROKEN_ARTICLES = [
    no_front_matter, unclosed_front_matter, malformed_yaml, invalid_date, unknown_language,
    _bad_id("../../etc/passwd"), _bad_id("news/2024/story"), _bad_id("..."), id_with_control_characters, reserved_id,
    empty_body, article_not_utf8, _character_in_body("\x00", "U+0000 (a control character)"),
    _character_in_body("\x1b[2J", "U+001B (a control character)"),
    _badly_named("bad\x1b[2Jname", "bad\\x1b[2Jname.md:1: file name 'bad\\x1b[2Jname' is not a usable slug; "
                                   "use lower-case letters, digits and hyphens"),
    _badly_named("tab\there", "tab\\there.md:1: file name 'tab\\there' is not a usable slug; "
                              "use lower-case letters, digits and hyphens"),
    _badly_named("Two Words", "Two Words.md:1: file name 'Two Words' is not a usable slug; "
                              "use lower-case letters, digits and hyphens"),
    _badly_named("con", "con.md:1: file name 'con' is a reserved name (a device on Windows or a page of the "
                        "output); rename the file"),
    _badly_named("index", "index.md:1: file name 'index' is a reserved name (a device on Windows or a page of the "
                          "output); rename the file"),
]


@pytest.mark.parametrize("breakage", BROKEN_ARTICLES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("command", [("update",), ("build",)])
def test_a_broken_article_is_refused_with_its_line(project, breakage, command):
    assert_refused(project, breakage(project), command)


def test_a_link_out_of_the_output_folder_is_not_followed(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project / "output" / "html")
    (project / "output" / "html").symlink_to(elsewhere, target_is_directory=True)
    result = publish(project, "build", "-f", "html")
    assert result.returncode == 1
    assert result.stderr.startswith("refusing to write outside output: html/"), result.stderr
    assert not list(elsewhere.iterdir())
