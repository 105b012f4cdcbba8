"""Small fixture projects for tests: an article, settings and catalogues in a temporary folder."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import polib

from publisher.config import load_config
from publisher.fsutil import TEMPORARY
from publisher.project import load_articles, update

ROOT = Path(__file__).resolve().parent.parent

FRONT_MATTER = """\
---
id: {id}
language: en
headline: {headline}
summary: A short summary of the test story.
published: 2024-09-05T12:00:00+03:00
dateline:
  place: Minsk
  agency: BelTA
byline: BelTA
subjects: [medtop:20000638, iso3166-1a2:BY]
keywords: [Belarus]
---
"""

BODY = """\
Kazakhstan and Belarus are key partners. The projects are worth more than $200 million.

## Energy

He said: “We will have to get to grips with it.” A referendum is scheduled for 6 October 2024.
"""

SETTINGS = """\
[tool.publisher]
languages = ["en", "ru", "be", "kk"]
babel_locales = {{ en = "en_GB" }}
provider = "BelTA"
provider_domain = "belta.by"
copyright_holder = "BelTA"
copyright_notice = "© BelTA"
{extra}
"""


def make_project(root: Path, slug: str = "test-story", body: str = BODY, headline: str = "Test headline",
                 extra_settings: str = "") -> Path:
    """A project with one article and freshly updated (untranslated) catalogues."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    write_article(root, slug, body, headline)
    (root / "pyproject.toml").write_text(SETTINGS.format(extra=extra_settings), encoding="utf-8")
    run_update(root)
    return root


def write_article(root: Path, slug: str, body: str = BODY, headline: str = "Test headline",
                  article_id: str | None = None) -> Path:
    path = root / "source" / f"{slug}.md"
    front = FRONT_MATTER.format(id=article_id or f"test-{slug}", headline=headline)
    path.write_text(front + "\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def run_update(root: Path) -> None:
    config = load_config(root)
    update(config, load_articles(config))


def po_path(root: Path, lang: str, slug: str = "test-story") -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def translate(root: Path, lang: str, translations: dict[str, str] | None = None, slug: str = "test-story",
              default: str | None = None) -> None:
    """Fill a catalogue: msgid → msgstr from `translations`, others with `default` (a format string
    with {msgid}) when given. Then normalise it with an update, as a translator's save would be."""
    path = po_path(root, lang, slug)
    po = polib.pofile(str(path))
    for entry in po:
        if translations and entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
        elif default is not None:
            entry.msgstr = default.format(msgid=entry.msgid)
    po.save(str(path))
    run_update(root)


def copy_bundled_project(dest: Path) -> Path:
    """The repository's own newsroom (articles, catalogues, settings) copied to `dest`, so a test
    can build it without touching output/ or waiting for the repository's lock."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in ("source", "locales"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def json_paths(value, here=()):
    """Every path to a leaf (or a list) of decoded JSON, for fuzz tests that change one place."""
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, here + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_paths(item, here + (i,))


def fail_writes(monkeypatch, failure: BaseException, after: int = 0) -> list[int]:
    """Every write into a temporary file of ours (a file staged or written atomically) fails with
    `failure` (a full disk, Ctrl-C), from the one after the first `after` files on; the files opened."""
    real_open, real_write, opened, failing = os.open, os.write, [], set()

    def open_(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        failing.discard(fd)  # a number the system gives again
        if TEMPORARY.fullmatch(os.path.basename(path)):
            opened.append(fd)
            if len(opened) > after:
                failing.add(fd)
        return fd

    def write(fd, data):
        if fd in failing:
            raise failure
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "write", write)
    return opened


def vouch_for(state_file: Path) -> None:
    """The manifest beside a build's state file made to record the file's bytes as they are now, as
    anyone who can write output/.build/ could: what the file says is then all that stands."""
    import hashlib
    import json

    manifest_file = state_file.parent / "manifest.json"
    manifest = json.loads(manifest_file.read_bytes())
    data = state_file.read_bytes()
    manifest["state"][state_file.name] = [hashlib.sha256(data).hexdigest(), len(data), [0, 0, 0]]
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
