"""The build's bytes do not change when the engine is made faster: every output file (and the
wire ledger a build writes) of the bundled story and of a sample of the benchmark corpus is
compared with hashes committed in tests/data/golden/.

The hashes are regenerated only on purpose, when an output is meant to change:
`python -m tests.test_golden_outputs` rewrites them; the diff then shows which files changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from publisher.build import build
from publisher.config import load_config

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
EPOCH = "1725526800"  # new wire versions carry this time, not the clock's
PROJECT_PARTS = ("pyproject.toml", "source", "locales", "glossary", "ledger")


def bundled(root: Path) -> Path:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    return root


def corpus_sample(root: Path) -> Path:
    generate(root, 6, seed_value=11)
    return root


PROJECTS = {"bundled": bundled, "corpus-sample": corpus_sample}


def hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file a build leaves in output/ (not its own cache) and in ledger/."""
    found = {}
    for top in ("output", "ledger"):
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and "/.build/" not in f"/{relative}/":
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def built(name: str, root: Path) -> dict[str, str]:
    PROJECTS[name](root)
    build(load_config(root), jobs=1)
    return hashes(root)


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_every_output_byte_is_as_committed(name, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    now = built(name, tmp_path)
    assert sorted(now) == sorted(golden), "other files than committed"
    changed = sorted(path for path in now if now[path] != golden[path])
    assert not changed, f"{len(changed)} file(s) differ, e.g. {changed[:5]}"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_a_narrowed_build_writes_the_same_bytes_as_a_full_one(name, tmp_path, monkeypatch):
    """Each format built on its own, one after another, makes the files the full build makes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    PROJECTS[name](tmp_path)
    config = load_config(tmp_path)
    for fmt in ("html", "xhtml", "epub", "newsml"):
        build(config, formats=(fmt,), jobs=1)
        now = hashes(tmp_path)
        mine = {path: digest for path, digest in now.items() if path.startswith(f"output/{fmt}/")}
        assert mine == {path: digest for path, digest in golden.items() if path.startswith(f"output/{fmt}/")}


def regenerate() -> None:
    import tempfile
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in sorted(PROJECTS):
        with tempfile.TemporaryDirectory() as folder:
            found = built(name, Path(folder))
        (GOLDEN / f"{name}.json").write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{name}: {len(found)} files", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
