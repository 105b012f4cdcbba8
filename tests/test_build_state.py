"""What the build keeps in output/.build (manifest, cache, journal) is data others can write: a bad,
foreign or hostile file means "build again", never code, a crash, or a file touched outside
output/. And output/ is what the inputs say it should be after any history: files deleted or
overwritten behind the build's back are repaired, a commit cut short is finished by the next build."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher import buildcache, fsutil, journal, manifest as manifests, wire
from publisher.wire import schema as newsml_schema
from publisher.build import build
from publisher.config import load_config
from publisher.errors import BuildInterrupted, PublisherError
from publisher.exporters import FORMATS
from publisher.manifest import MANIFEST_NAME, record
from tests.helpers import BODY, fail_writes, json_paths, make_project, po_path, run_update, translate, write_article


@pytest.fixture(scope="module", autouse=True)
def reproducible_wire_times():
    """Builds compared across histories stamp new wire versions with one time, not the clock's
    (subprocess builds inherit it too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1725526800")
        yield

SLUGS = ("story-one", "story-two")
FUZZ = {"deadline": None, "database": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}


def outputs(root: Path) -> dict[str, bytes]:
    """Every output file (not the build's own folder), by output-relative path."""
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".build" not in p.relative_to(out).parts}


def project_state(root: Path) -> dict[str, bytes]:
    """Outputs and version ledgers: what a build's commit changes."""
    ledgers = {f"ledger/{p.name}": p.read_bytes() for p in sorted((root / "ledger").glob("*"))} if (
        root / "ledger").is_dir() else {}
    return outputs(root) | ledgers


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """Two articles translated into every language, built once."""
    root = make_project(tmp_path_factory.mktemp("state") / "newsroom", slug=SLUGS[0])
    write_article(root, SLUGS[1], BODY.replace("key partners", "close partners"), headline="Second headline")
    run_update(root)
    for slug in SLUGS:
        for lang in ("ru", "be", "kk"):
            translate(root, lang, slug=slug, default=f"[{lang}] {{msgid}}")
    build(load_config(root), jobs=1)
    return root


def copy_of(newsroom: Path, root: Path) -> Path:
    """A copy of the project whose output/ counts as built there (a manifest names the project
    that wrote it, and another project's means a full rebuild)."""
    shutil.copytree(newsroom, root, symlinks=True)
    path = root / "output" / ".build" / MANIFEST_NAME
    manifest = json.loads(path.read_bytes())
    manifest["project"] = str(root.resolve())
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return root


@pytest.fixture
def project(newsroom, tmp_path) -> Path:
    return copy_of(newsroom, tmp_path / "newsroom")


def edit_translation(root: Path, slug: str = SLUGS[0]) -> None:
    translate(root, "ru", slug=slug, default="[ru, edited] {msgid}")


def clean_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the same inputs (in a copy without output/), but for the
    wire's outbox: it keeps every version ever sent, which no build makes again, so it is copied."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root, fresh, symlinks=True, ignore=shutil.ignore_patterns("output"))
    for path in sorted((root / "output").rglob("*")):
        relative = path.relative_to(root / "output").as_posix()
        if wire.write_once(relative) and path.is_file() and not path.is_symlink():
            (fresh / "output" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, fresh / "output" / relative)
    build(load_config(fresh), jobs=1)
    return project_state(fresh)


def publish(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args, "-C", str(root)], capture_output=True, text=True,
                          timeout=300)


# --- The cache is data, never code ----------------------------------------------------------------------


class _Payload:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_never_runs(project, tmp_path):
    marker = tmp_path / "code-ran"
    edit_translation(project, SLUGS[1])  # story-one's cache is read for the collections
    for name in (f"{SLUGS[0]}.pickle", f"{SLUGS[0]}.json"):
        (project / "output" / ".build" / name).write_bytes(pickle.dumps(_Payload(str(marker))))
    report = build(load_config(project), jobs=1)
    assert not marker.exists()
    assert sorted(report.rebuilt) == sorted(SLUGS)  # the unreadable cache entry: story-one is rendered again
    assert not list((project / "output" / ".build").glob("*.pickle"))
    assert project_state(project) == clean_build(project, tmp_path)


def _vouch_for(root: Path, slug: str, data: bytes) -> None:
    """Write a cache entry and make the manifest vouch for it, as someone who can write output/ could."""
    cache = root / "output" / ".build" / f"{slug}.json"
    cache.write_bytes(data)
    path = root / "output" / ".build" / MANIFEST_NAME
    manifest = json.loads(path.read_bytes())
    manifest["articles"][slug]["cache"] = [record(data).sha256, len(data), [0, 0, 0]]
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _mutations() -> st.SearchStrategy:
    """Values a hostile cache entry could put where the real one has a string, number or list."""
    return st.one_of(st.text(max_size=8), st.sampled_from(["\x00", "../../x", "xx_YY", "0001-01-01T00:00:00+23:59",
                                                           "9999-12-31T23:59:59-23:59", "9999-12-31", "", "\ufffe"]),
                     st.integers(-2**70, 2**70), st.none(), st.lists(st.text(max_size=3), max_size=2),
                     st.booleans(), st.floats(allow_nan=True))


def _set(value, path, new):
    if not path:
        return new
    value[path[0]] = _set(value[path[0]], path[1:], new)
    return value


@pytest.fixture(scope="module")
def edited(newsroom, tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The newsroom with story-two's Russian edited, and what a clean build makes of it."""
    root = copy_of(newsroom, tmp_path_factory.mktemp("edited") / "newsroom")
    edit_translation(root, SLUGS[1])
    return root, clean_build(root, tmp_path_factory.mktemp("clean"))


def fresh_copy(edited, tmp_path_factory) -> Path:
    return copy_of(edited[0], tmp_path_factory.mktemp("example") / "newsroom")


def _same_but_collections(state: dict[str, bytes], clean: dict[str, bytes]) -> set[str]:
    """Assert the same files as a clean build's, the same bytes but for the collections; their names."""
    collections = {name for name in clean if name.endswith(("index.html", "edition.epub", "feed.xml", "atom.xml",
                                                            "sitemap.xml"))}
    assert set(state) == set(clean)
    assert {n: d for n, d in state.items() if n not in collections} == {
        n: d for n, d in clean.items() if n not in collections}
    return collections


@settings(max_examples=int(os.environ.get("HUNT", 25)), **FUZZ)
@given(data=st.data())
def test_a_hostile_cache_entry_vouched_for_by_the_manifest_means_a_rebuild(edited, tmp_path_factory, data):
    """Whatever a cache entry holds, even well-formed JSON with a matching hash, the build succeeds
    and gives what a clean build gives."""
    root = fresh_copy(edited, tmp_path_factory)
    original = (root / "output" / ".build" / f"{SLUGS[0]}.json").read_bytes()
    entry = json.loads(original)
    changes = data.draw(st.lists(st.tuples(st.sampled_from(list(json_paths(entry))), _mutations()), min_size=1,
                                 max_size=3))
    for path, new in changes:
        try:
            entry = _set(entry, path, new)
        except (KeyError, IndexError, TypeError):
            pass
    # msgspec's own bytes pass the canonical-form check, so the types and values are what is tested.
    hostile = msgspec.json.encode(entry) if data.draw(st.booleans()) else json.dumps(entry).encode()
    _vouch_for(root, SLUGS[0], hostile)
    build(load_config(root), jobs=1)  # never an exception
    state, clean = project_state(root), edited[1]
    # A well-formed entry is used: someone who can write output/ can change what the collections say
    # (they could change the files themselves), but nothing else, and every page stays valid.
    collections = _same_but_collections(state, clean)
    for name in collections:  # no schema problem the clean feed does not have
        if name.endswith("feed.xml"):
            assert {p.message for p in newsml_schema.problems(state[name])} <= {
                p.message for p in newsml_schema.problems(clean[name])}, name
    shutil.rmtree(root.parent)


@pytest.mark.parametrize("field, value", [("subjects", ["medtop:20000638", ""]), ("subjects", ["medtop:a b"]),
                                          ("genre", "Current"), ("genre", "genre:")])
def test_a_cached_article_with_codes_the_wire_refuses_means_a_rebuild(edited, tmp_path_factory, field, value):
    """The wire refuses a subject or genre code outside IPTC's schemes, naming the source; a cached
    copy of the article that says so (the source does not) is not used: the build reads the source."""
    root = fresh_copy(edited, tmp_path_factory)
    entry = json.loads((root / "output" / ".build" / f"{SLUGS[0]}.json").read_bytes())
    for version in entry["versions"]:
        version["article"][field] = value
    _vouch_for(root, SLUGS[0], msgspec.json.encode(entry))
    build(load_config(root), jobs=1)
    assert project_state(root) == edited[1]
    shutil.rmtree(root.parent)


def test_a_cached_text_in_any_other_language_than_its_versions_means_a_rebuild(project):
    """Every Text of a cached version, wherever the entry keeps it (headline, summary, byline,
    keywords, a block's sentences…), is in its version's language or the source's: one moved to a
    third language anywhere makes the entry unusable (the walk of the texts skips no field)."""
    config = load_config(project)
    out = project / "output" / ".build"
    manifest = msgspec.json.decode((out / MANIFEST_NAME).read_bytes(), type=manifests.Manifest)
    slug, record_ = SLUGS[0], manifest.articles[SLUGS[0]]
    original = json.loads((out / f"{slug}.json").read_bytes())
    assert buildcache.load(out, slug, record_.id, record_.inputs, record_.cache, config, FORMATS) is not None
    texts = [path for path in json_paths(original) if path[-1:] == ("lang",) and len(path) > 3]
    places = {tuple(p for p in path[2:-1] if isinstance(p, str)) for path in texts}
    assert {("headline",), ("summary",), ("byline",), ("keywords",), ("blocks", "sentences")} <= places
    for path in texts:
        entry = json.loads(json.dumps(original))
        lang = entry["versions"][path[1]]["lang"]
        third = next(other for other in ("ru", "be", "kk") if other not in (lang, config.source_language))
        _set(entry, list(path), third)
        data = msgspec.json.encode(entry)
        (out / f"{slug}.json").write_bytes(data)
        assert buildcache.load(out, slug, record_.id, record_.inputs, record(data), config, FORMATS) is None, path


def _vouch_for_index(root: Path, data: bytes) -> None:
    """Write the index of every article's versions and make the manifest vouch for it."""
    (root / "output" / ".build" / buildcache.VERSIONS_NAME).write_bytes(data)
    path = root / "output" / ".build" / MANIFEST_NAME
    manifest = json.loads(path.read_bytes())
    manifest["articles"][manifests.COLLECTIONS]["cache"] = [record(data).sha256, len(data), [0, 0, 0]]
    path.write_text(json.dumps(manifest), encoding="utf-8")


@settings(max_examples=int(os.environ.get("HUNT", 25)), **FUZZ)
@given(data=st.data())
def test_a_hostile_index_of_versions_vouched_for_by_the_manifest_means_a_rebuild(edited, tmp_path_factory, data):
    """Whatever the index of every article's versions holds, even well-formed JSON with a matching
    hash, the build succeeds and gives what a clean build gives (but for what the collections say,
    as with a hostile entry)."""
    root = fresh_copy(edited, tmp_path_factory)
    index = json.loads((root / "output" / ".build" / buildcache.VERSIONS_NAME).read_bytes())
    assert set(index["articles"]) == set(SLUGS)
    for path, new in data.draw(st.lists(st.tuples(st.sampled_from(list(json_paths(index))), _mutations()),
                                        min_size=1, max_size=3)):
        try:
            index = _set(index, path, new)
        except (KeyError, IndexError, TypeError):
            pass
    _vouch_for_index(root, msgspec.json.encode(index) if data.draw(st.booleans()) else json.dumps(index).encode())
    build(load_config(root), jobs=1)  # never an exception
    _same_but_collections(project_state(root), edited[1])
    shutil.rmtree(root.parent)


def test_a_part_of_the_index_serves_only_as_its_entry_and_inputs_are_and_with_plausible_texts(project):
    """An article's part of the index names the hash of the entry it was made with and the article's
    input hash: made with another entry, or other inputs, it does not serve (the entry is read);
    nor does one with a text in a third language, a listing of another article or time, nor an
    index the manifest does not vouch for. One that serves is the summary its entry gives."""
    config = load_config(project)
    out = project / "output" / ".build"
    manifest = msgspec.json.decode((out / MANIFEST_NAME).read_bytes(), type=manifests.Manifest)
    slug, record_ = SLUGS[0], manifest.articles[SLUGS[0]]
    index_file = out / buildcache.VERSIONS_NAME
    vouched = manifest.articles[manifests.COLLECTIONS].cache
    part = buildcache.load_versions(index_file, vouched)[slug]
    published, held_back, retracted = buildcache.load(out, slug, record_.id, record_.inputs, record_.cache, config,
                                                      FORMATS, whole=False)
    article = published["html"][0].article
    summary = buildcache.summary(article, published, held_back, retracted, config)
    assert buildcache.indexed(part, slug, record_.id, record_.inputs, record_.cache, config, FORMATS) == summary
    assert [v.lang for v in summary.listed("html")] == list(summary.formats["html"]) == ["en", "ru", "be", "kk"]
    other = manifests.FileRecord("0" * 64, record_.cache.size)
    assert buildcache.indexed(part, slug, record_.id, record_.inputs, other, config, FORMATS) is None
    assert buildcache.indexed(part, slug, record_.id, "0" * 64, record_.cache, config, FORMATS) is None
    assert buildcache.indexed(part, SLUGS[1], record_.id, record_.inputs, record_.cache, config, FORMATS) is None
    assert buildcache.load_versions(index_file, manifests.FileRecord("0" * 64, vouched.size)) == {}
    original = json.loads(index_file.read_bytes())
    listings = ("articles", slug, "summary", "listings")
    texts = [path for path in json_paths(original)  # ("articles", slug, "summary", "listings", i, …, "lang")
             if path[:4] == listings and len(path) > 6 and path[-1] == "lang"]
    assert {path[5] for path in texts} == {"headline", "summary"}
    third = {lang: next(o for o in ("ru", "be", "kk") if o not in (lang, config.source_language))
             for lang in config.languages}
    forged = [(path, third[_get(original, path[:5])["lang"]]) for path in texts]
    forged += [(listings + (1, "slug"), SLUGS[1]), (listings + (2, "published"), "2024-09-04T12:00:00+00:00"),
               (listings + (3, "updated"), "2024-09-05T12:00:00"), (listings + (0, "provider"), "Bel\u0007TA"),
               (listings + (1, "babel_locale"), "kk"), (("articles", slug, "summary", "id"), "other-id")]
    for path, value in forged:
        index = json.loads(json.dumps(original))
        _set(index, list(path), value)
        data = msgspec.json.encode(index)
        index_file.write_bytes(data)
        changed = buildcache.load_versions(index_file, record(data)).get(slug)
        assert buildcache.indexed(changed, slug, record_.id, record_.inputs, record_.cache, config, FORMATS) is None, path


def _get(value, path: tuple):
    for key in path:
        value = value[key]
    return value


@settings(max_examples=25, **FUZZ)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
       name=st.sampled_from([MANIFEST_NAME, f"{SLUGS[0]}.json", "journal.json", buildcache.VERSIONS_NAME]))
def test_any_bytes_as_manifest_cache_or_journal(edited, tmp_path_factory, raw, name):
    root = fresh_copy(edited, tmp_path_factory)
    (root / "output" / ".build" / name).write_bytes(raw)
    build(load_config(root), jobs=1)
    assert project_state(root) == edited[1]
    shutil.rmtree(root.parent)


# --- The manifest: paths stay inside output/ ------------------------------------------------------------


@pytest.mark.parametrize("planted", ["../../victim.txt", "/tmp/victim.txt", "html/../../victim.txt",
                                     "html/link/victim.txt", ".build/../../victim.txt"])
def test_no_path_in_the_manifest_leads_outside_output(project, tmp_path, planted):
    victim = project.parent / "victim.txt"
    victim.write_text("someone's file", encoding="utf-8")
    if planted.startswith("/tmp/"):
        planted = str(victim)
    (project / "output" / "html" / "link").symlink_to(project.parent, target_is_directory=True)
    path = project / "output" / ".build" / MANIFEST_NAME
    manifest = json.loads(path.read_bytes())
    manifest["articles"]["gone-story"] = {"id": "gone", "inputs": "x", "files": {planted: ["0" * 64, 1, [0, 0, 0]]}}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    report = build(load_config(project), jobs=1)
    assert victim.read_text(encoding="utf-8") == "someone's file"
    assert report.removed == []
    assert any("a path outside the output folder" in note for note in report.notes), report.notes


def test_a_symlinked_build_folder_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project / "output" / ".build")
    (project / "output" / ".build").symlink_to(elsewhere, target_is_directory=True)
    edit_translation(project)
    before = project_state(project)
    result = publish(project, "build")
    assert result.returncode == 1
    assert result.stderr.strip() == ("output/.build: the build's own folder is a symbolic link; delete the link "
                                     "(the build makes a real folder there)")
    assert list(elsewhere.iterdir()) == [] and project_state(project) == before


# --- Inputs are trusted by their size, times and inode only once settled (git's racy rule) ------------------


@pytest.fixture(params=["racy", "settled"])
def trust(request, monkeypatch) -> str:
    """"racy": inputs written moments before a build, which every build hashes again; "settled":
    as if the builds ran long after each write (RACY_NS 0), so the manifest's stat records are trusted."""
    if request.param == "settled":
        monkeypatch.setattr(manifests, "RACY_NS", 0)
    return request.param


def same_size_edit(path: Path, old: str, new: str) -> None:
    """An edit that keeps the size, and the times a program can set back (os.utime)."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def count_read(monkeypatch) -> list[str]:
    """The sources whose bytes a build reads to hash them."""
    read, real = [], manifests._read
    monkeypatch.setattr(manifests, "_read", lambda path: (read.append(Path(path).stem) if str(path).endswith(".md")
                                                          else None) or real(path))
    return read


def test_settled_inputs_are_not_read_by_a_no_op_build_and_racy_ones_are(project, trust, monkeypatch):
    build(load_config(project), jobs=1)  # records what it hashed (settled or not)
    read = count_read(monkeypatch)
    report = build(load_config(project), jobs=1)
    assert report.written == [] and report.rebuilt == []
    assert sorted(read) == ([] if trust == "settled" else sorted(SLUGS))


def test_an_edit_keeping_size_and_mtime_is_seen(project, trust, tmp_path):
    build(load_config(project), jobs=1)
    build(load_config(project), jobs=1)  # settled: the manifest now vouches for every input by its stat
    same_size_edit(po_path(project, "ru", SLUGS[0]), "[ru]", "[RU]")
    report = build(load_config(project), jobs=1)
    assert report.rebuilt == [SLUGS[0]]
    assert project_state(project) == clean_build(project, tmp_path)


EDITS = {  # same-size edits (and their undoing) of each story's Russian catalogue and source
    "translation": (lambda root, slug: po_path(root, "ru", slug), "[ru]", "[RU]"),
    "source": (lambda root, slug: root / "source" / f"{slug}.md", "T12:00:00+03:00", "T13:00:00+03:00"),  # the time of day
}


@settings(max_examples=int(os.environ.get("HUNT", 4)), **FUZZ)
@given(history=st.lists(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.sampled_from(SLUGS)), max_size=2),
                        min_size=1, max_size=4),
       settled=st.booleans())
def test_outputs_follow_any_history_of_same_size_edits(newsroom, tmp_path_factory, history, settled):
    """Edits that keep each file's size and mtime, some undone later, with builds between: after each
    build the outputs are what a clean build makes of the inputs as they are then."""
    root = copy_of(newsroom, tmp_path_factory.mktemp("history") / "newsroom")
    with pytest.MonkeyPatch.context() as patch:
        if settled:
            patch.setattr(manifests, "RACY_NS", 0)
        build(load_config(root), jobs=1)
        for edits in history:
            for kind, slug in edits:
                where, old, new = EDITS[kind]
                path = where(root, slug)
                text = path.read_text(encoding="utf-8")
                same_size_edit(path, *((old, new) if old in text else (new, old)))
            build(load_config(root), jobs=1)
            assert project_state(root) == clean_build(root, tmp_path_factory.mktemp("clean"))
    shutil.rmtree(root.parent)


def _stamps_as_found(root: Path) -> dict[str, tuple[int, int, int]]:
    """Each output the manifest records, and whether its recorded stamp is the file's now."""
    out = root / "output"
    manifest = msgspec.json.decode((out / ".build" / MANIFEST_NAME).read_bytes(), type=manifests.Manifest)
    wrong = {}
    for article in manifest.articles.values():
        for relative, rec in article.files.items():
            st = os.lstat(out / relative)
            if rec.stamp != (st.st_ino, st.st_mtime_ns, st.st_ctime_ns):
                wrong[relative] = rec.stamp
    return wrong


def _edit_source_time(root: Path, slug: str) -> None:
    path = root / "source" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("T12:00:00+03:00", "T13:00:00+03:00"), encoding="utf-8")


def test_after_any_build_of_a_history_the_manifest_stamps_every_output_as_it_is(project, tmp_path):
    """A build stamps only the records it made; those it keeps carry the stamps the last one left
    (or _damaged refreshed): after each step every record's stamp is its file's, as if all were statted."""
    page = project / "output" / "html" / "be" / f"{SLUGS[1]}.html"
    steps = [lambda: edit_translation(project, SLUGS[0]),  # one catalogue: one article's files rewritten
             lambda: _edit_source_time(project, SLUGS[1]),  # one article: its pages and the collections
             lambda: shutil.copyfile(page, tmp_path / "copy") or (tmp_path / "copy").replace(page),  # same bytes, new inode
             lambda: None]  # a no-op
    for step in steps:
        step()
        build(load_config(project), jobs=1)
        assert _stamps_as_found(project) == {}
        assert project_state(project) == clean_build(project, tmp_path)


# --- A no-op build repairs what changed behind its back -------------------------------------------------


@pytest.mark.parametrize("damage", ["delete", "overwrite same size", "overwrite", "symlink", "delete a folder"])
def test_a_no_op_build_repairs_deleted_or_overwritten_outputs(project, tmp_path, damage):
    expected = project_state(project)
    page = project / "output" / "html" / "ru" / f"{SLUGS[0]}.html"
    if damage == "delete":
        page.unlink()
        (project / "output" / "epub" / "kk" / "edition.epub").unlink()
    elif damage == "overwrite same size":
        data = page.read_bytes()
        page.write_bytes(data[:-2] + b"X\n")
        os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns - 10**9))  # even with an old mtime
    elif damage == "overwrite":
        page.write_text("defaced", encoding="utf-8")
    elif damage == "symlink":
        page.unlink()
        page.symlink_to(project / "pyproject.toml")
    else:
        shutil.rmtree(project / "output" / "newsml")
    report = build(load_config(project), jobs=1)
    assert project_state(project) == expected
    assert report.notes and "deleted or changed since the last build" in report.notes[0]
    again = build(load_config(project), jobs=1)
    assert again.written == [] and again.rebuilt == [] and again.notes == []


def test_a_file_touched_or_copied_back_unchanged_is_not_rendered_again(project):
    out = project / "output"
    shutil.copytree(out, project / "copy")
    shutil.rmtree(out)
    shutil.copytree(project / "copy", out)  # new inodes and times, same bytes: a restored CI cache
    report = build(load_config(project), jobs=1)
    assert report.rebuilt == [] and report.written == []


# --- The commit: finished by the next build when cut short --------------------------------------------------


class _Killed(BaseException):
    """Stands for kill -9: nothing after it runs (it is no Exception, so nothing catches it)."""


def _cut_short_after(monkeypatch, moves: int, how) -> list:
    real, done = os.replace, []

    def replace(src, dst):
        if len(done) == moves:
            how()
        done.append(dst)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return done


def _kill():
    raise _Killed


@pytest.mark.parametrize("moves", [0, 1, 2, 8, 21])  # 0: while the journal itself is written
def test_a_commit_killed_halfway_is_finished_by_the_next_build(project, tmp_path, monkeypatch, moves):
    before = project_state(project)
    edit_translation(project)
    translate(project, "kk", slug=SLUGS[1], default="[kk, edited] {msgid}")
    (project / "source" / f"{SLUGS[1]}.md").write_text(
        (project / "source" / f"{SLUGS[1]}.md").read_text(encoding="utf-8").replace("Second", "Third"), "utf-8")
    twin = copy_of(project, tmp_path / "twin")  # the same history, not interrupted
    build(load_config(twin), jobs=1)
    expected = project_state(twin)
    _cut_short_after(monkeypatch, moves, _kill)
    with pytest.raises(_Killed):
        build(load_config(project), jobs=1)
    monkeypatch.undo()
    cache_dir = project / "output" / ".build"
    if moves == 0:
        assert project_state(project) == before and not (cache_dir / "journal.json").exists()
    else:
        assert project_state(project) != expected and (cache_dir / "journal.json").exists()
        assert set(project_state(project)) >= set(before)  # nothing removed yet
        notes = journal.recover(cache_dir, project / "output", project)  # what the next build does first
        assert project_state(project) == expected, "rolled forward to exactly the new state"
        assert notes and "finished it" in notes[0]
    report = build(load_config(project), jobs=1)
    assert project_state(project) == expected
    assert (report.rebuilt == []) == (moves > 0)
    assert not [p for p in (project / "output").rglob("*.tmp")] + [p for p in (project / "ledger").glob("*.tmp")]


@pytest.mark.parametrize("when", ["installing the final manifest", "removing the staged one"])
def test_a_commit_killed_as_it_installs_its_manifest_leaves_one_vouching_for_the_new_files(
        project, tmp_path, monkeypatch, when):
    """The journal names the manifest staged with the files; the final one (with the files' stamps)
    replaces the manifest first, the staged one goes after: a kill in between finds either in place."""
    edit_translation(project)
    expected = clean_build(project, tmp_path)
    real_replace, real_unlink = os.replace, Path.unlink

    def replace(src, dst):
        if when == "installing the final manifest" and str(dst).endswith(f"/.build/{MANIFEST_NAME}"):
            raise _Killed
        real_replace(src, dst)

    def unlink(path, missing_ok=False):
        if when == "removing the staged one" and fsutil.is_temporary_for(path.name, MANIFEST_NAME):
            raise _Killed
        real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(_Killed):
        build(load_config(project), jobs=1)
    monkeypatch.undo()
    cache_dir = project / "output" / ".build"
    assert project_state(project) == expected and (cache_dir / "journal.json").exists()
    staged = [p.name for p in cache_dir.iterdir() if fsutil.is_temporary_for(p.name, MANIFEST_NAME)]
    assert len(staged) == 1 and staged[0] in (cache_dir / "journal.json").read_text(encoding="utf-8")
    report = build(load_config(project), jobs=1)  # the journal finished first
    assert report.rebuilt == [] and "finished it" in report.notes[0]
    assert project_state(project) == expected
    assert not [p for p in (project / "output").rglob("*.tmp")] and not (cache_dir / "journal.json").exists()


def test_ctrl_c_during_the_moves_waits_for_them_and_says_so(project, tmp_path, monkeypatch):
    edit_translation(project)
    expected = clean_build(project, tmp_path)
    _cut_short_after(monkeypatch, 3, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pytest.raises(BuildInterrupted, match="finished doing so"):
        build(load_config(project), jobs=1)
    monkeypatch.undo()
    assert project_state(project) == expected
    assert not (project / "output" / ".build" / "journal.json").exists()


def test_ctrl_c_before_the_moves_leaves_everything_as_it_was(project, monkeypatch):
    before = project_state(project)
    edit_translation(project)
    import publisher.journal as commit_module
    monkeypatch.setattr(commit_module, "write_atomic", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build(load_config(project), jobs=1)
    assert project_state(project) == before
    assert not [p for p in (project / "output").rglob("*.tmp")]


def test_a_disk_error_during_the_moves_says_what_to_do(project, tmp_path, monkeypatch):
    edit_translation(project)
    expected = clean_build(project, tmp_path)

    def fail():
        raise OSError(28, "No space left on device")

    _cut_short_after(monkeypatch, 2, fail)
    result_error = None
    try:
        build(load_config(project), jobs=1)
    except PublisherError as exc:
        result_error = str(exc)
    monkeypatch.undo()
    assert result_error and "No space left on device while moving the build's files into place" in result_error
    assert "until the next publish build finishes the job" in result_error
    build(load_config(project), jobs=1)
    assert project_state(project) == expected


@pytest.mark.parametrize("hostile", [
    {"base": "output", "path": "../../victim.txt"}, {"base": "project", "path": "pyproject.toml"},
    {"base": "output", "path": "html/ru/story-one.html", "temporary": "victim.txt"},
    {"base": "cache", "path": "../victim.txt"}, {"remove": ["../victim.txt"]}, {"manifest": "../../victim.txt"},
    {"manifest": '{"format": 2, "articles": {}}'}])  # the manifest's bytes, as the journal once carried them
def test_a_hostile_journal_is_ignored_and_touches_nothing(project, tmp_path, hostile):
    victim = project.parent / "victim.txt"
    victim.write_text("someone's file", encoding="utf-8")
    move = ["output", "html/ru/story-one.html", ".story-one.html.publisher-0123456789ab.tmp"]
    if "base" in hostile:
        move = [hostile["base"], hostile["path"], hostile.get("temporary", f".{Path(hostile['path']).name}"
                                                                          ".publisher-0123456789ab.tmp")]
    entry = {"project": str(project.resolve()), "moves": [move], "remove": hostile.get("remove", []),
             "manifest": hostile.get("manifest")}
    (project / "output" / ".build" / "journal.json").write_text(json.dumps(entry), encoding="utf-8")
    expected = project_state(project)
    report = build(load_config(project), jobs=1)
    assert victim.read_text(encoding="utf-8") == "someone's file"
    assert (project / "pyproject.toml").read_text(encoding="utf-8").startswith("[tool.publisher]")
    assert report.notes and "it was ignored, and everything is built again" in report.notes[0]
    assert project_state(project) == expected


# --- Temporary files: only ours, only where we write --------------------------------------------------------


KILLED_WHILE_STAGING = """
import os, signal, sys
from pathlib import Path
import publisher.journal
from publisher.build import build
from publisher.config import load_config
publisher.journal.commit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # kill -9, just before the moves
build(load_config(Path(sys.argv[1])), jobs=1)
"""


def test_the_temporary_files_of_a_build_killed_while_staging_are_swept(project, tmp_path):
    before = project_state(project)
    edit_translation(project)
    expected = clean_build(project, tmp_path)
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_STAGING, str(project)], capture_output=True,
                            timeout=300)
    assert killed.returncode == -signal.SIGKILL
    left = [p for p in (project / "output").rglob("*.publisher-*.tmp")]
    staged = {name for name in project_state(project) if ".publisher-" in name}
    assert left and {n: d for n, d in project_state(project).items() if n not in staged} == before  # nothing moved
    build(load_config(project), jobs=1)
    assert [p for p in left if p.exists()] == [] and project_state(project) == expected


def test_only_the_toolkits_own_temporary_files_are_swept(project, tmp_path):
    out = project / "output"
    theirs = [out / ".git" / ".index.lock.tmp", out / "html" / ".draft.tmp", out / ".notes.abc123.tmp",
              project / "locales" / ".git" / ".x.publisher-0123456789ab.tmp",
              project / ".page.html.publisher-0123456789ab.tmp"]
    outside = tmp_path / "shared"
    outside.mkdir()
    theirs.append(outside / ".page.html.publisher-0123456789ab.tmp")
    (out / "html" / "shared").symlink_to(outside, target_is_directory=True)  # never followed
    ours = [out / "html" / "ru" / f".{SLUGS[0]}.html.publisher-0123456789ab.tmp",
            out / ".build" / f".{SLUGS[0]}.json.publisher-0123456789ab.tmp",
            project / "ledger" / ".x.json.publisher-0123456789ab.tmp"]
    for path in theirs + ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (out / "html" / "shared").unlink()
    (out / "html" / "shared").symlink_to(outside, target_is_directory=True)
    (out / ".build" / "staging").touch()  # the mark a build killed while staging leaves
    build(load_config(project), jobs=1)
    assert [p for p in theirs if not p.exists()] == []
    assert [p for p in ours if p.exists()] == []


# --- Locks -------------------------------------------------------------------------------------------------


def test_a_symlinked_lock_file_is_refused_and_its_target_never_created(project, tmp_path):
    target = tmp_path / "created-by-the-lock"
    (project / ".publisher.lock").unlink(missing_ok=True)
    (project / ".publisher.lock").symlink_to(target)
    for command in ("build", "update"):
        result = publish(project, command)
        assert result.returncode == 1
        assert result.stderr.strip() == (f"{project / '.publisher.lock'}: the lock file is a symbolic link; delete it "
                                         "(publish creates its own)")
    assert not target.exists()


def test_two_projects_cannot_build_into_the_same_folder_at_once(project, tmp_path):
    from publisher.fsutil import folder_lock
    shared = tmp_path / "site"
    shared.mkdir()
    other = tmp_path / "other"
    shutil.copytree(project, other, symlinks=True)
    with folder_lock(shared, "busy"):  # the other project's build, holding the folder
        result = publish(project, "build", "--out", str(shared))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"{shared}: another publish build is writing into {shared}; wait for it to "
                                     "finish and run this one again")
    link = tmp_path / "site-link"
    link.symlink_to(shared, target_is_directory=True)
    with folder_lock(link, "busy"):  # the same folder by another name: the same lock
        assert publish(other, "build", "--out", str(shared)).returncode == 1
    assert publish(project, "build", "--out", str(shared)).returncode == 0


# --- Disk errors name the file ---------------------------------------------------------------------------


def test_a_full_disk_is_reported_with_the_path(project, monkeypatch):
    from typer.testing import CliRunner

    from publisher.cli import app
    edit_translation(project)
    fail_writes(monkeypatch, OSError(28, "No space left on device"))
    result = CliRunner().invoke(app, ["build", "-C", str(project), "--jobs", "1"])
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(str(project / "output")) and message.endswith(
        ": No space left on device; nothing was left half-written"), message
    assert not [p for p in (project / "output").rglob("*.tmp")]


@pytest.mark.parametrize("blocking, message", [
    ("html/ru/index.html", "a folder is where the build puts a file"),
    ("wire/changes", "a file is where the build needs a folder")])
def test_what_stands_where_the_build_writes_is_named_and_nothing_is_written(project, tmp_path, blocking, message):
    """A folder where the build puts a file, or a file where it needs a folder: the build names it
    and says what to do, before it moves anything (nothing is written), and once it is moved away
    the build makes what a fresh build makes."""
    edit_translation(project)
    expected = clean_build(project, tmp_path)
    path = project / "output" / blocking
    if path.is_dir():
        shutil.rmtree(path)
        path.write_text("in the way", encoding="utf-8")
    else:
        path.unlink()
        path.mkdir()
    damaged = project_state(project)
    with pytest.raises(PublisherError) as error:
        build(load_config(project), jobs=1)
    assert str(error.value) == f"{path}: {message}: move it away, then build again; nothing was written"
    assert project_state(project) == damaged and not [p for p in (project / "output").rglob("*.tmp")]
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    build(load_config(project), jobs=1)
    assert project_state(project) == expected


def test_the_caches_byte_check_refuses_exactly_what_the_readers_refuse():
    """The cache is checked as UTF-8 bytes, the inputs as text: the same characters either way."""
    from publisher.textchars import forbidden, forbidden_in_utf8
    disagree = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF
                and (forbidden(chr(cp)) is not None) != forbidden_in_utf8(f"a{chr(cp)}b".encode())]
    assert disagree == []
