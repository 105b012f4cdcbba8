"""A build goes on from its own state unchecked (publisher.owned): a manifest holding the bytes this
user's last build committed, and the state files it vouches for, are not checked again; any other
manifest, and all it vouches for, is. Every build of the history gives what a fresh build gives."""

from __future__ import annotations

import json

from publisher import buildcache, manifest as manifests, owned
from publisher.build import build
from publisher.config import load_config
from publisher.manifest import MANIFEST_NAME, record
from publisher.wire import rows
from tests.helpers import translate
from tests.test_build_state import (SLUGS, clean_build, newsroom, project, project_state,  # noqa: F401
                                    reproducible_wire_times)

# What stands between a build and a state file anyone could have written: each is asked of every
# state file of the kind a build goes on from (the manifest, the cache entries, the index, the rows).
CHECKS = [(manifests, "_problem"), (buildcache, "_plausible"), (buildcache, "_plausible_listing"),
          (rows, "_carried")]


def edited(lang, word, slug=SLUGS[1]):
    """A translator's edit (no figure in it: the gate would hold the language back)."""
    return lambda root: translate(root, lang, slug=slug, default=f"[{lang}, {word}] {{msgid}}")


def state(root):
    return root / "output" / ".build"


def manifest_rewritten(root):
    """The manifest as another JSON writer gives it: it says the same, in other bytes."""
    path = state(root) / MANIFEST_NAME
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=1), encoding="utf-8")


def user_cache_gone(root):
    owned.usercache.cache_file(load_config(root), owned.PURPOSE).unlink()


def summary_in_another_language(root):
    """A listing of the index said to be in a language the project does not have, with the manifest
    vouching for the index: only the check of what it says stands in the way."""
    index_file = state(root) / buildcache.VERSIONS_NAME
    index = json.loads(index_file.read_bytes())
    index["articles"][SLUGS[0]]["summary"]["listings"][1]["lang"] = "de"
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()
    index_file.write_bytes(data)
    path = state(root) / MANIFEST_NAME
    manifest = json.loads(path.read_bytes())
    manifest["articles"][manifests.COLLECTIONS]["cache"] = [record(data).sha256, len(data), [0, 0, 0]]
    path.write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def then(damage, edit):
    return lambda root: (damage(root), edit(root))


# (what, the edit, whether the build goes on from state it owns)
HISTORY = [
    ("a translation edited, in a copy of another folder's output", edited("ru", "first"), False),
    ("another translation edited", edited("kk", "second"), True),
    ("the manifest rewritten, saying the same", then(manifest_rewritten, edited("be", "third")), False),
    ("a third translation edited", edited("ru", "fourth", SLUGS[0]), True),
    ("the user's record of the manifest gone", then(user_cache_gone, edited("kk", "fifth", SLUGS[0])), False),
    ("a build narrowed to Russian in between", then(lambda root: build(load_config(root), languages=("ru",), jobs=1),
                                                     edited("be", "sixth", SLUGS[0])), True),
    ("a summary in another language, the manifest vouching for it",
     then(summary_in_another_language, edited("ru", "seventh")), False),
    ("a last translation edited", edited("kk", "eighth"), True),
]


def spy_on_checks(monkeypatch, asked: list[str]) -> None:
    for module, name in CHECKS:
        check = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, check=check, name=name: asked.append(name) or check(*a))


def test_a_build_checks_only_the_state_it_does_not_own(project, tmp_path, monkeypatch):  # noqa: F811
    for step, edit, owns in HISTORY:
        edit(project)
        asked: list[str] = []
        spy_on_checks(monkeypatch, asked)
        assert build(load_config(project), jobs=1).rebuilt, step
        monkeypatch.undo()  # the fresh build's checks are not the step's
        assert (not asked) == owns, (step, sorted(set(asked)))
        assert project_state(project) == clean_build(project, tmp_path), step


def test_a_manifest_is_owned_only_with_the_bytes_recorded_and_this_project(project):  # noqa: F811
    config = load_config(project)
    build(config, jobs=1)
    folder, out = state(project), project / "output"
    known = owned.digest(config, folder / MANIFEST_NAME)
    assert known == record((folder / MANIFEST_NAME).read_bytes()).sha256
    assert manifests.load(folder, out, project, known=known).owned
    assert not manifests.load(folder, out, project, known="0" * 64).owned
    assert not manifests.load(folder, out, project).owned
    moved = project.parent / "elsewhere"
    project.rename(moved)  # another project's path: the manifest names the one that wrote it
    loaded = manifests.load(moved / "output" / ".build", moved / "output", moved, known=known)
    assert not loaded.owned and "another project" in loaded.problem
