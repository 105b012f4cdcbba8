"""The HTML pages in headless Chromium, opened from disk as a reader would open output/html."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from tests.helpers import copy_bundled_project, make_project, translate
from tests.validators import axe_script, chromium

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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_colour_schemes_keep_aa_contrast_on_every_kind_of_page(browser, tmp_path, scheme):
    """axe-core (the engine inside Lighthouse) checks the contrast of every text on the page, with the
    browser told the reader prefers a light or a dark scheme; a fallback passage is on the page too."""
    root = make_project(tmp_path)
    translate(root, "kk", {"The projects are worth more than $200 million.": ""}, default="ҚК {msgid}")
    html = built(root)
    context = browser.new_context(color_scheme=scheme, viewport=PHONE)
    page = context.new_page()
    backgrounds = set()
    for path in (html / "kk" / "test-story.html", html / "kk" / "index.html", html / "index.html"):
        page.goto(path.as_uri())
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate("axe.run(document, {runOnly: ['color-contrast', 'color-contrast-enhanced']})")
        aa = [v for v in result["violations"] if v["id"] == "color-contrast"]
        assert not aa, [(n["html"], n["failureSummary"]) for v in aa for n in v["nodes"]]
        assert any(p["id"] == "color-contrast" for p in result["passes"]), "axe checked some text"
        backgrounds.add(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))
    assert backgrounds == {"rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 18, 18)"}
    context.close()
