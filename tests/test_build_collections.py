"""The collections (indexes, editions, the feed) of an incremental build are a fresh build's.

An article up to date gives the collections its versions from its cache entry (publisher.buildcache):
without their bodies unless it is among the newest (editions and the feed take those whole), whose
entries are read again whole. An entry's bodies are then checked only as JSON until the article is
among the newest: over a history that moves articles in and out of the window, with edits in two
languages, a withdrawal, settings and forged entries, every build's outputs are a fresh build's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest

from publisher import buildcache
from publisher.build import build
from publisher.config import load_config
from publisher.exporters import FORMATS, html
from publisher.layout import COLLECTIONS_NAME
from publisher.manifest import MANIFEST_NAME, record
from tests.helpers import BODY, json_paths, make_project, po_path, run_update, translate, vouch_for, write_article
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


def test_the_newest_a_format_publishes_are_whole_where_the_newest_of_all_is_held_back(tmp_path):
    """Editions and feeds show the newest articles a format publishes, bodies and all: where the
    newest of all is withdrawn (no readers' format publishes it), the next one takes its place
    whole, read from its entry whether this build rendered it (the entry it staged) or not, as a
    fresh build shows it."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    withdraw(root, SLUGS[1])  # story-two, the newest: story-three is the newest the web pages show
    for step, edit in (("the newest withdrawn", lambda root: None),
                       ("the next one's body edited, rendered again", lambda root: edit_body(root, "ru", SLUGS[2])),
                       ("an older one edited, the next one read from its entry",
                        lambda root: edit_catalogue(root, "kk", SLUGS[0]))):
        edit(root)
        build(load_config(root), jobs=1)
        feed = (root / "output" / "html" / "en" / "atom.xml").read_text(encoding="utf-8")
        assert "Third headline" in feed and "old partners" in feed, step  # story-three's body
        assert project_state(root) == clean_build(root, tmp_path), step


# --- Collections kept unrendered: .build/_collections.json ---------------------------------------------


def edit_body(root: Path, lang: str, slug: str) -> None:
    """A translator's correction to a body sentence: no index, sitemap or chooser shows it."""
    path = po_path(root, lang, slug)
    text = path.read_text(encoding="utf-8")
    assert f"[{lang}] A referendum" in text
    path.write_text(text.replace(f"[{lang}] A referendum", f"[{lang}] The referendum", 1), encoding="utf-8")


def collections_file(root: Path) -> Path:
    return root / "output" / ".build" / COLLECTIONS_NAME


def made_from(root: Path) -> dict:
    return json.loads(collections_file(root).read_bytes())


def forge_collections(root: Path, change, vouched: bool = True) -> None:
    """The collections' digests changed by `change` (a function of the decoded file), as anyone who
    can write output/ could; with the manifest forged to vouch for them if `vouched`."""
    collections_file(root).write_bytes(msgspec.json.encode(change(made_from(root))))
    if vouched:
        vouch_for(collections_file(root))


def only_the_index(found: dict) -> dict:
    """The theme said to have made the English index alone, with its digest as it was."""
    theme = found["html"]["theme"]
    return {**found, "html": {**found["html"], "theme": [theme[0], ["html/en/index.html"]]}}


def swapped_indexes(found: dict) -> dict:
    """The Russian index's part said to have made the Kazakh index's files, and the other way round:
    every file is still in one part, so only the manifest's record of the file tells."""
    ru, kk = found["html"]["index/ru"], found["html"]["index/kk"]
    return {**found, "html": {**found["html"], "index/ru": [ru[0], kk[1]], "index/kk": [kk[0], ru[1]]}}


def withdraw(root: Path, slug: str) -> None:
    edit_source(root, slug, "byline: BelTA\n", "byline: BelTA\nstatus: canceled\n")


def remove_article(root: Path, slug: str) -> None:
    (root / "source" / f"{slug}.md").unlink()
    for lang in ("en", "ru", "be", "kk"):
        po_path(root, lang, slug).unlink(missing_ok=True)


def add_article(root: Path, slug: str) -> None:
    write_article(root, slug, BODY.replace("key partners", "new partners"), headline="Fourth headline")
    run_update(root)
    for lang in ("ru", "be", "kk"):
        translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")


def and_then(*edits):
    """Edits one after the other: a forged digest alone changes no input, and no build looks at it."""
    return lambda root: [edit(root) for edit in edits]


def unreadable(root: Path) -> None:
    collections_file(root).write_bytes(b'{"html": 1')


def set_base_url(root: Path) -> None:
    """Sitemaps, which need absolute addresses, are made from now on."""
    path = root / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("collection_size =", f'base_url = "{BASE_URL}"\ncollection_size ='),
                    encoding="utf-8")


BASE_URL = "https://news.example/"
LANGS = ("be", "en", "kk", "ru")
EVERY_HTML_PART = {"chooser", "sitemaps", "theme", *(f"{part}/{lang}" for part in ("feed", "index") for lang in LANGS)}

# Each step with the parts of the HTML collection whose inputs change (the others keep their files
# unrendered, unless one is damaged), and whether the editions' inputs stay as they were: a
# language's index reads that language's listings (no body), its feed and an edition the newest
# article's versions whole.
KEPT_HISTORY = [
    ("an older article's Russian body edited", lambda root: edit_body(root, "ru", SLUGS[0]), set(), True),
    ("the Russian index deleted", lambda root: (root / "output" / "html" / "ru" / "index.html").unlink(), set(),
     True),
    ("another older article's Kazakh body edited", lambda root: edit_body(root, "kk", SLUGS[2]), set(), True),
    ("the digests unreadable", and_then(unreadable, lambda root: edit_body(root, "be", SLUGS[0])), set(), True),
    ("the theme's digests said to list one index alone",
     and_then(lambda root: forge_collections(root, only_the_index), lambda root: edit_body(root, "kk", SLUGS[0])),
     set(), True),
    ("the Russian and Kazakh indexes' files swapped in the digests, not in the manifest",
     and_then(lambda root: forge_collections(root, swapped_indexes, vouched=False),
              lambda root: edit_catalogue(root, "ru", SLUGS[0])), {"index/ru"}, True),
    ("an edition's file changed", lambda root: (root / "output" / "epub" / "en" / "edition.epub").write_bytes(b"x"),
     set(), True),
    ("the digests gone", and_then(lambda root: collections_file(root).unlink(),
                                  lambda root: edit_body(root, "be", SLUGS[2])), set(), True),
    ("the newest article's Belarusian body edited", lambda root: edit_body(root, "be", SLUGS[1]),
     {"feed/be"}, False),
    ("a build narrowed to Russian in between", lambda root: build(load_config(root), languages=("ru",), jobs=1),
     set(), True),
    ("an older article's Russian headline edited", lambda root: edit_catalogue(root, "ru", SLUGS[0]), {"index/ru"},
     True),
    ("two in every collection", lambda root: set_collection_size(root, 2), EVERY_HTML_PART, False),
    ("an article added, the oldest", lambda root: add_article(root, "story-four"), {f"index/{lang}" for lang in LANGS},
     True),
    ("an older article withdrawn", lambda root: withdraw(root, SLUGS[0]), {f"index/{lang}" for lang in LANGS}, True),
    ("the withdrawn article removed", lambda root: remove_article(root, SLUGS[0]), set(), True),  # no reader had it
    ("sitemaps made", set_base_url, EVERY_HTML_PART, False),
    ("the newest article's Kazakh headline edited", lambda root: edit_catalogue(root, "kk", SLUGS[1]),
     {"index/kk", "feed/kk", "sitemaps"}, False),  # the news sitemap shows the newest headlines
    ("the sitemap deleted", lambda root: (root / "output" / "html" / "sitemap.xml").unlink(), set(), True),
]


def test_a_collection_whose_inputs_did_not_change_is_kept_as_a_fresh_build_makes_it(tmp_path):
    """A readers' collection part whose inputs did not change is not rendered again; over a history
    of edits that do and do not change them, damaged files and forged digests, every build's outputs
    are a fresh build's, and so are its digests (they are the inputs', not the history's)."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    for step, edit, html_changed, edition_unchanged in KEPT_HISTORY:
        before = made_from(root)
        edit(root)
        build(load_config(root), jobs=1)
        assert project_state(root) == clean_build(root, tmp_path), step
        after = made_from(root)
        assert after == made_from(tmp_path / "fresh"), step
        assert set(after["html"]) == EVERY_HTML_PART, step
        assert {part for part, made in after["html"].items() if made[0] != before["html"][part][0]} == html_changed, step
        assert (after["epub"] == before["epub"]) == edition_unchanged, step


def test_a_russian_headline_edit_renders_the_russian_index_alone(tmp_path, monkeypatch):
    """Which of the HTML collection's parts a build renders (jobs=1: in this process), the real
    renderers recording the languages they are called for: a Russian headline outside the newest
    renders the Russian index again and no other index or feed; a forced build renders them all."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    rendered = []
    for name in ("_index_part", "_feed_part"):
        def recording(articles, facts, ctx, render=getattr(html, name), name=name):
            rendered.append((name, facts[0]))
            return render(articles, facts, ctx)
        monkeypatch.setattr(html, name, recording)
    edit_catalogue(root, "ru", SLUGS[0])
    report = build(load_config(root), jobs=1)
    assert rendered == [("_index_part", "ru")] and "output/html/ru/index.html" in report.written
    rendered.clear()
    build(load_config(root), force=True, jobs=1)
    assert sorted(rendered) == sorted((name, lang) for name in ("_index_part", "_feed_part") for lang in LANGS)


def test_a_damaged_collection_file_renders_its_part_alone(tmp_path, monkeypatch):
    """A collection's file deleted or changed since the last build is rendered again, and the
    parts whose files are intact are kept: the Russian index deleted and the wire's feed changed
    (as a build narrowed to languages changes it) render the Russian index alone of the readers'
    parts, and the outputs are a fresh build's."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    rendered = []
    for name in ("_index_part", "_feed_part", "_chooser_part", "_sitemaps_part"):
        def recording(articles, facts, ctx, render=getattr(html, name), name=name):
            rendered.append((name, facts[0] if name in ("_index_part", "_feed_part") else ""))
            return render(articles, facts, ctx)
        monkeypatch.setattr(html, name, recording)
    (root / "output" / "html" / "ru" / "index.html").unlink()
    (root / "output" / "newsml" / "feed.xml").write_bytes(b"<changed/>")
    report = build(load_config(root), jobs=1)
    assert rendered == [("_index_part", "ru")] and report.rebuilt == []
    assert sorted(report.written) == ["output/html/ru/index.html", "output/newsml/feed.xml"]
    assert project_state(root) == clean_build(root, tmp_path)


def test_a_narrowed_build_keeps_its_own_digests(tmp_path):
    """A build narrowed to languages renders collections of its own: it keeps what they were made
    from in its own folder, and the full build's stay as they were."""
    root = newsroom(tmp_path / "newsroom")
    build(load_config(root), jobs=1)
    full = collections_file(root).read_bytes()
    build(load_config(root), languages=("ru",), jobs=1)
    narrowed = list((root / "output" / ".build").glob(f"narrowed-*/{COLLECTIONS_NAME}"))
    assert collections_file(root).read_bytes() == full and len(narrowed) == 1
    parts = json.loads(narrowed[0].read_bytes())["html"]
    assert parts["index/ru"][1] == ["html/ru/index.html"] and "index/en" not in parts
    assert made_from(root)["html"]["index/en"][1] == ["html/en/index.html"]


def unlink(lang: str, *slugs: str):
    return lambda root: [po_path(root, lang, slug).unlink() for slug in slugs]


# Each step, then the articles whose inputs it changes. The newest (story-two) alone is in the
# window of the feeds and editions (collection_size = 1).
NARROWED_HISTORY = [
    ("nothing changed", lambda root: None, set()),
    ("an older article's Russian catalogue edited", lambda root: edit_catalogue(root, "ru", SLUGS[0]), {SLUGS[0]}),
    ("an older article's Belarusian catalogue edited", lambda root: edit_catalogue(root, "be", SLUGS[0]), {SLUGS[0]}),
    ("the newest article's Kazakh catalogue deleted", unlink("kk", SLUGS[1]), {SLUGS[1]}),
    ("Kazakh gone from every article", unlink("kk", SLUGS[0], SLUGS[2]), {SLUGS[0], SLUGS[2]}),
    ("the newest article's Russian catalogue deleted", unlink("ru", SLUGS[1]), {SLUGS[1]}),
    ("the newest article withdrawn", lambda root: withdraw(root, SLUGS[1]), {SLUGS[1]}),
]


def test_a_build_narrowed_to_a_language_makes_the_full_builds_files(tmp_path):
    """A build narrowed to Russian localizes, gates and publishes every language as a full build
    does and renders the Russian files alone: over a history of edits in Russian and in other
    languages, languages deleted from one article and from all, the newest article losing its
    Russian (the window of the feeds and editions) and withdrawn, each Russian and shared readers'
    file is the one a full build makes in a twin project and, where it has one, a fresh build's
    (what the narrowed build wrote and what it left), it writes no other language's, the same
    build again does nothing, and the full build after it renders no article but those the step
    changed and leaves what the twin's does."""
    root = newsroom(tmp_path / "newsroom")
    set_base_url(root)
    build(load_config(root), jobs=1)
    twin = shutil.copytree(root, tmp_path / "twin", symlinks=True)
    for step, edit, changed in NARROWED_HISTORY:
        before = project_state(root)
        edit(root), edit(twin)
        narrowed = build(load_config(root), languages=("ru",), jobs=1)
        build(load_config(twin), jobs=1)
        made, now, fresh = readers(project_state(twin)), project_state(root), clean_build(root, tmp_path)
        for oracle in (made, fresh):  # the fresh build has no earlier file a held-back language keeps
            assert {p: now.get(p) for p in oracle if in_russian_or_shared(p)} == {
                p: data for p, data in oracle.items() if in_russian_or_shared(p)}, step
        others = {p for p, data in readers(now).items() if not in_russian_or_shared(p) and data != before.get(p)}
        assert others == set(), step
        again = build(load_config(root), languages=("ru",), jobs=1)
        assert (again.rebuilt, again.written) == ([], []), step
        full = build(load_config(root), jobs=1)
        assert set(full.rebuilt) <= changed, step
        assert readers(project_state(root)) == made, step
    assert narrowed.rebuilt == [SLUGS[1]]  # the withdrawal


def readers(state: dict[str, bytes]) -> dict[str, bytes]:
    """The readers' outputs of a project's state (not the wire's, which sends what each build sends)."""
    return {p: data for p, data in state.items() if p.split("/")[0] in ("html", "xhtml", "epub")}


def in_russian_or_shared(relative: str) -> bool:
    """A readers' output a build narrowed to Russian makes as a full build does: in Russian or of
    no language (the chooser, sitemaps, theme, pictures)."""
    parts = relative.split("/")
    return parts[0] in ("html", "xhtml", "epub") and (parts[1] == "ru" or parts[1] not in LANGS)
