"""Lighthouse on every kind of page (an article, a language's index, the language chooser), served
from 127.0.0.1 as a reader's browser would get them: 100 in accessibility, best practices and SEO."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from tests.helpers import copy_bundled_project, run_update, write_article
from tests.test_pictures import BODY as PICTURED_BODY, add_pictures
from tests.validators import chromium_binary, lighthouse

CATEGORIES = ("accessibility", "best-practices", "seo")
SLUG = "kazakhstan-belarus-allies"
# One page of each kind, in three of the four languages and both alphabets.
PAGES = {"article": f"kk/{SLUG}.html", "article with pictures": "en/test-story.html", "index": "ru/index.html",
         "chooser": "index.html"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """output/html of the bundled project on a free port of 127.0.0.1, for the module's tests."""
    tool = lighthouse()
    root = copy_bundled_project(tmp_path_factory.mktemp("bundled"))
    write_article(root, "test-story", body=PICTURED_BODY)  # a second story, with a lead and a body picture
    add_pictures(root)
    run_update(root)
    build(load_config(root), ("html",))
    handler = functools.partial(_Quiet, directory=str(root / "output" / "html"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tool, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def audit(tool: Path, url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium_binary()}
    command = [str(tool), url, f"--only-categories={','.join(CATEGORIES)}", "--output=json",
               f"--output-path={out}", "--quiet", "--chrome-flags=--headless --no-sandbox --disable-gpu"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def failures(report: dict) -> list[str]:
    """Every scored audit below 1, with Lighthouse's own explanation."""
    return [f"{a['id']}: {a.get('explanation') or a['title']}" for a in report["audits"].values()
            if a.get("score") is not None and a["score"] < 1 and a["scoreDisplayMode"] in ("binary", "numeric")]


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_scores_100(served, tmp_path, kind):
    tool, base = served
    report = audit(tool, base + PAGES[kind], tmp_path / "report.json")
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    assert scores == dict.fromkeys(CATEGORIES, 1), (scores, failures(report))
