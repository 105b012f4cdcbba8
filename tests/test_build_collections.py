"""The collections (indexes, editions, the feed) of an incremental build are a fresh build's.

An article up to date gives the collections its versions from its cache entry (publisher.buildcache):
without their bodies unless it is among the newest (editions and the feed take those whole), whose
entries are read again whole. An entry's bodies are then checked only as JSON until the article is
among the newest: over a history that moves articles in and out of the window, with edits in two
languages, a withdrawal, settings and forged entries, every build's outputs are a fresh build's."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from publisher import buildcache
from publisher.build import build
from publisher.config import load_config
from publisher.exporters import FORMATS
from publisher.manifest import MANIFEST_NAME, record
from tests.helpers import BODY, json_paths, make_project, po_path, run_update, translate, write_article
from tests.test_build_state import _set, _vouch_for, clean_build, project_state

# At one time, the newest is the greatest slug: story-two, then story-three, then story-one.
SLUGS = ("story-one", "story-two", "story-three")
NEWEST_ONLY = "collection_size = 1"


@pytest.fixture(autouse=True)
def reproducible_wire_times(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")


def newsroom(root: Path) -> Path:
    """Three articles translated into Russian, Belarusian and Kazakh; editions of the newest only."""
    make_project(root, slug=SLUGS[0], extra_settings=NEWEST_ONLY)
    write_article(root, SLUGS[1], BODY.replace("key partners", "close partners"), headline="Second headline")
    write_article(root, SLUGS[2], BODY.replace("key partners", "old partners"), headline="Third headline")
    run_update(root)
    for slug in SLUGS:
        for lang in ("ru", "be", "kk"):
            translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")
    return root


def entry(root: Path, slug: str) -> dict:
    return json.loads((root / "output" / ".build" / f"{slug}.json").read_bytes())


def forge_bodies(root: Path, slug: str) -> None:
    """Well-formed JSON where the bodies are, which no body decodes from, vouched for by the manifest."""
    forged = entry(root, slug)
    for version in forged["versions"]:
        version["blocks"] = [{"not": "a block"}]
    _vouch_for(root, slug, msgspec.json.encode(forged))


def forge_headline_language(root: Path, slug: str) -> None:
    """The Russian headline said to be Kazakh: refused with or without the bodies."""
    forged = entry(root, slug)
    version = next(v for v in forged["versions"] if v["lang"] == "ru")
    version["headline"]["lang"] = "kk"
    _vouch_for(root, slug, msgspec.json.encode(forged))


def edit_catalogue(root: Path, lang: str, slug: str) -> None:
    path = po_path(root, lang, slug)
    path.write_text(path.read_text(encoding="utf-8").replace(f"[{lang}]", f"[{lang}, edited]", 1), encoding="utf-8")


def edit_source(root: Path, slug: str, old: str, new: str) -> None:
    path = root / "source" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def set_collection_size(root: Path, size: int) -> None:
    path = root / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(NEWEST_ONLY, f"collection_size = {size}"),
                    encoding="utf-8")


HISTORY = [
    ("an older article's Russian edited", lambda root: edit_catalogue(root, "ru", SLUGS[0])),
    ("the newest article's Belarusian edited", lambda root: edit_catalogue(root, "be", SLUGS[1])),
    ("an older article's bodies forged", lambda root: forge_bodies(root, SLUGS[2])),
    ("nothing changed", lambda root: None),
    # story-two, a day older, leaves the window: story-three, whose entry's bodies are forged, enters it.
    ("the newest article dated a day earlier", lambda root: edit_source(root, SLUGS[1], "2024-09-05T", "2024-09-04T")),
    ("the newest article's bodies forged", lambda root: forge_bodies(root, SLUGS[2])),
    ("the newest article moved back", lambda root: edit_source(root, SLUGS[1], "2024-09-04T", "2024-09-05T")),
    ("an older article's headline language forged", lambda root: forge_headline_language(root, SLUGS[0])),
    ("an older article withdrawn", lambda root: edit_source(root, SLUGS[0], "byline: BelTA\n",
                                                            "byline: BelTA\nstatus: canceled\n")),
    ("the older article's Kazakh edited", lambda root: edit_catalogue(root, "kk", SLUGS[2])),
    ("two in every collection", lambda root: set_collection_size(root, 2)),
    ("an article in the window forged", lambda root: forge_bodies(root, SLUGS[2])),
]


def test_every_build_of_a_history_makes_the_collections_a_fresh_build_makes(tmp_path):
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    for step, edit in HISTORY:
        edit(root)
        build(load_config(root), jobs=1)
        assert project_state(root) == clean_build(root, tmp_path), step


def test_a_version_without_its_body_is_checked_as_strictly_as_whole_but_for_the_body(tmp_path):
    """An entry read for the indexes refuses every change the whole reading refuses outside the
    bodies (a text moved to a third language anywhere, a field of the wrong type); a change inside
    the bodies is refused by the whole reading only, and the bodies are never handed out."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    config, out = load_config(root), root / "output" / ".build"
    manifest = json.loads((out / MANIFEST_NAME).read_bytes())
    slug, (article_id, inputs) = SLUGS[0], (manifest["articles"][SLUGS[0]][k] for k in ("id", "inputs"))
    original = entry(root, slug)

    def load(data: bytes, whole: bool):
        (out / f"{slug}.json").write_bytes(data)
        return buildcache.load(out, slug, article_id, inputs, record(data), config, FORMATS, whole)

    lean = load(msgspec.json.encode(original), whole=False)
    assert lean is not None and all(v.blocks == () for vs in lean[0].values() for v in vs)
    assert len({id(v.article) for vs in lean[0].values() for v in vs}) == 1  # one copy kept, not one per version
    assert all(v.blocks for vs in load(msgspec.json.encode(original), whole=True)[0].values() for v in vs)
    changed = 0
    for path in json_paths(original):
        if path[-1:] not in (("lang",), ("urgency",)):
            continue
        forged = _set(json.loads(json.dumps(original)), list(path), "xx" if path[-1] != "urgency" else 99)
        data = msgspec.json.encode(forged)
        in_body = "blocks" in path[2:3]
        assert load(data, whole=True) is None, path
        assert (load(data, whole=False) is not None) == in_body, path
        changed += 1
    assert changed > 20
