"""`publish serve` as a translator uses it: a page open in Chromium follows the catalogue as it is
saved, a broken save shows its error over the last good page, and the fix brings the page back."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from publisher.serve import is_project_file
from tests.helpers import copy_bundled_project
from tests.test_browser import browser  # noqa: F401  (the Chromium fixture)

SLUG = "kazakhstan-belarus-allies"
WAIT_MS = 20_000  # how long a page may take to follow a save before the test fails (a bound, not a target)


class Preview:
    """`publish serve` in a child process, and the lines it prints."""

    def __init__(self, root: Path, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "publisher", "serve", "-C", str(root), *args],
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                        preexec_fn=_as_from_a_terminal)
        self.lines: list[str] = []
        self.url = self.wait_for(r"serving (http://127\.0\.0\.1:\d+/)").group(1)

    def wait_for(self, pattern: str) -> re.Match:
        for line in self.process.stderr:
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"publish serve ended without printing {pattern!r}:\n{''.join(self.lines)}")

    def stop(self) -> None:
        """Ctrl-C, as a translator ends the preview: a clean exit, no traceback."""
        self.process.send_signal(signal.SIGINT)
        rest = self.process.communicate(timeout=60)[1]
        assert self.process.returncode == 0, "".join(self.lines) + rest
        assert "stopped" in rest and "Traceback" not in rest


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the preview as it does from a terminal, even when the tests themselves were
    started in the background by a shell without job control, which leaves SIGINT ignored in every
    child (Python then never raises KeyboardInterrupt, and the preview could not be stopped)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def project(tmp_path):
    return copy_bundled_project(tmp_path / "project")


@pytest.fixture
def preview(project):
    running = Preview(project, "--port", "0")
    yield running
    running.stop()


def set_headline(project: Path, lang: str, text: str) -> None:
    """What a PO editor does on save: the file rewritten with one translation changed."""
    path = project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "headline").msgstr = text
    po.save(str(path))


def test_an_open_page_shows_a_saved_translation_and_a_broken_save_keeps_the_last_good_page(browser, project,
                                                                                          preview):
    page = browser.new_page()
    page.goto(f"{preview.url}ru/{SLUG}.html")
    before = page.inner_text("h1")
    assert before and "Казахстан" in before

    saved = time.monotonic()
    set_headline(project, "ru", "Казахстан и Беларусь — ключевые союзники")
    page.wait_for_function("document.querySelector('h1').innerText === 'Казахстан и Беларусь — ключевые союзники'",
                           timeout=WAIT_MS)
    print(f"the page followed the save in {time.monotonic() - saved:.2f} s")

    po = project / "locales" / "ru" / "LC_MESSAGES" / f"{SLUG}.po"
    good = po.read_text(encoding="utf-8")
    po.write_text(good.replace('msgctxt "headline"', 'msgctxt "headline"\nmsgstr oops', 1), encoding="utf-8")
    error = page.locator("#publish-serve-error")
    error.wait_for(timeout=WAIT_MS)
    assert re.search(rf"{re.escape(str(po.relative_to(project)))}:\d+: ", error.inner_text())
    assert page.inner_text("h1") == "Казахстан и Беларусь — ключевые союзники"  # the last good page stays
    assert preview.wait_for(r"\.po:\d+: ")  # the terminal says it too
    page.reload()  # a reload while the build is broken still shows the last good page and the error
    error.wait_for(timeout=WAIT_MS)
    assert page.inner_text("h1") == "Казахстан и Беларусь — ключевые союзники"

    po.write_text(good.replace("Казахстан и Беларусь — ключевые союзники", "Снова исправлено"), encoding="utf-8")
    page.wait_for_function("document.querySelector('h1').innerText === 'Снова исправлено'", timeout=WAIT_MS)
    assert error.count() == 0
    page.close()


def test_two_open_pages_in_two_languages_each_follow_their_own_catalogue(browser, project, preview):
    ru, kk = browser.new_page(), browser.new_page()
    ru.goto(f"{preview.url}ru/{SLUG}.html")
    kk.goto(f"{preview.url}kk/{SLUG}.html")
    kk_before = kk.inner_text("h1")
    set_headline(project, "ru", "Первый заголовок")
    ru.wait_for_function("document.querySelector('h1').innerText === 'Первый заголовок'", timeout=WAIT_MS)
    set_headline(project, "kk", "Бірінші тақырып")
    kk.wait_for_function("document.querySelector('h1').innerText === 'Бірінші тақырып'", timeout=WAIT_MS)
    assert kk_before != "Бірінші тақырып"
    assert ru.inner_text("h1") == "Первый заголовок"
    ru.close()
    kk.close()


def save_by_renaming(path: Path, old: str, new: str) -> None:
    """How many editors save: a new file renamed over the old one."""
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.replace(temporary, path)


def test_saving_the_settings_twice_rebuilds_twice(browser, project, preview):
    page = browser.new_page()
    page.goto(f"{preview.url}ru/{SLUG}.html")
    settings = project / "pyproject.toml"
    for old, new in (("Reproduction requires", "Reproduction needs"), ("Reproduction needs", "Reuse needs")):
        save_by_renaming(settings, old, new)
        page.wait_for_function(f"document.body.innerText.includes({new!r})", timeout=WAIT_MS)
    page.close()


def test_the_files_on_disk_are_what_build_writes_without_the_reload_script(project, preview, tmp_path):
    other = copy_bundled_project(tmp_path / "other")
    subprocess.run([sys.executable, "-m", "publisher", "build", "--format", "html", "-C", str(other)], check=True,
                   capture_output=True)
    served = sorted(p.relative_to(project / "output" / "html") for p in (project / "output" / "html").rglob("*")
                    if p.is_file())
    assert served
    for relative in served:
        data = (project / "output" / "html" / relative).read_bytes()
        assert b"__publish__" not in data
        assert data == (other / "output" / "html" / relative).read_bytes(), relative


def test_a_port_in_use_is_an_error_without_a_traceback(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "publisher", "serve", "-C", str(project), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name, kept", [("kazakhstan-belarus-allies.po", True), (".#kazakhstan.po", False),
                                        ("kazakhstan.po~", False), (".kazakhstan.po.swp", False),
                                        ("#kazakhstan.po#", False), ("terms.tbx", True)])
def test_editor_litter_is_not_a_save(name, kept):
    assert is_project_file(f"/project/locales/ru/LC_MESSAGES/{name}") is kept


def test_ctrl_c_ends_the_preview_while_a_page_is_still_open(browser, project):
    running = Preview(project, "--port", "0")
    page = browser.new_page()
    page.goto(f"{running.url}en/{SLUG}.html")
    page.wait_for_load_state("networkidle")
    running.stop()  # the open page's event stream must not hold the server up
    page.close()
