"""The HTML pages in headless Chromium, opened from disk as a reader would open output/html."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from tests.helpers import copy_bundled_project, make_project, translate
from tests.validators import chromium

LANGUAGES = ("en", "ru", "be", "kk")
SLUG = "kazakhstan-belarus-allies"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def built(root: Path) -> Path:
    build(load_config(root), ("html",))
    return root / "output" / "html"


def test_each_language_opens_and_the_switcher_leads_there_and_back(browser, tmp_path):
    html = built(copy_bundled_project(tmp_path / "project"))
    page = browser.new_page(viewport=PHONE)
    for here, there in zip(LANGUAGES, LANGUAGES[1:] + LANGUAGES[:1]):
        start = (html / here / f"{SLUG}.html").as_uri()
        page.goto(start)
        assert page.evaluate("document.documentElement.lang") == here
        page.click(f'nav.languages a[hreflang="{there}"]')
        page.wait_for_url((html / there / f"{SLUG}.html").as_uri())
        assert page.evaluate("document.documentElement.lang") == there
        page.click(f'nav.languages a[hreflang="{here}"]')
        page.wait_for_url(start)
        assert page.evaluate("document.documentElement.lang") == here
        page.screenshot(path=tmp_path / f"{here}.png", full_page=True)
        assert (tmp_path / f"{here}.png").stat().st_size > 10_000
    page.close()


def test_the_stylesheet_loads_from_disk_and_marks_a_fallback_sentence(browser, tmp_path):
    root = make_project(tmp_path)
    translate(root, "kk", {"The projects are worth more than $200 million.": ""}, default="ҚК {msgid}")
    page = browser.new_page(viewport=PHONE)
    page.goto((built(root) / "kk" / "test-story.html").as_uri())
    fallback = page.locator(".fallback")
    assert fallback.evaluate("e => e.lang") == "en"
    assert fallback.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 214)"
    assert "Noto Sans" in page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    page.close()
