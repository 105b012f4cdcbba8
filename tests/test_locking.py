"""The project lock and atomic catalogue writes: commands never interleave, a failure never truncates."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.build import build
from publisher.config import load_config
from publisher.fsutil import project_lock, write_atomic
from tests.helpers import make_project, po_path, run_update, translate

LOCKED = "another publish command is working in this project; wait for it to finish and run this one again"


def publish(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher", *args, "-C", str(root)], capture_output=True, text=True,
                          timeout=300)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under locales/ and output/ (temporary files included), by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("locales", "output") for p in sorted((root / folder).rglob("*")) if p.is_file()}


def edit_article(root: Path) -> None:
    """A changed sentence, so that `publish update` has every catalogue to rewrite."""
    path = root / "source" / "test-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("key partners", "key allies"), encoding="utf-8")


@pytest.mark.parametrize("command", [("update",), ("update", "--lang", "ru"), ("build",), ("build", "-f", "html")])
def test_a_second_command_refuses_while_the_first_holds_the_lock(tmp_path, command):
    make_project(tmp_path)
    edit_article(tmp_path)
    before = snapshot(tmp_path)
    with project_lock(tmp_path):
        refused = publish(tmp_path, *command)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"{tmp_path / '.publisher.lock'}: {LOCKED}"
    assert refused.stdout == ""
    assert snapshot(tmp_path) == before
    assert publish(tmp_path, *command).returncode == 0  # the lock is free again
    assert snapshot(tmp_path) != before


def test_the_lock_is_released_when_a_command_fails(tmp_path):
    make_project(tmp_path)
    po_path(tmp_path, "ru").write_text("", encoding="utf-8")
    assert publish(tmp_path, "update").returncode == 1
    with project_lock(tmp_path):
        pass  # would raise if the failed command had kept it


def _new_catalogues(tmp_path: Path) -> dict[str, bytes]:
    """What a successful update after edit_article writes, computed on a copy of the project."""
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "project", copy)
    edit_article(copy)
    run_update(copy)
    return snapshot(copy)


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_an_update_failing_midway_leaves_each_catalogue_old_or_new_and_no_temporary_file(tmp_path, monkeypatch,
                                                                                           failure):
    root = make_project(tmp_path / "project")
    translate(root, "ru", default="RU {msgid}")
    old, new = snapshot(root), _new_catalogues(tmp_path)
    edit_article(root)
    real_replace, replaced = os.replace, []

    def replace_once_then_fail(src, dst):  # fault injection: the disk fills after the first file
        if replaced:
            raise failure
        replaced.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_once_then_fail)
    with pytest.raises(type(failure)):
        run_update(root)
    monkeypatch.undo()
    now = snapshot(root)
    assert set(now) == set(old)  # no temporary file left beside any catalogue
    assert all(now[path] in (old[path], new[path]) for path in now)
    assert sum(now[path] != old[path] for path in now) == 1
    assert not list(root.rglob("*.tmp"))
    run_update(root)  # the next run completes the job
    assert snapshot(root) == new


def test_an_update_failing_midway_leaves_no_temporary_beside_linked_catalogues_outside_the_project(tmp_path,
                                                                                                  monkeypatch):
    """Two catalogues linked to a desk's shared files outside the project: each is written through,
    its temporary staged beside the target; when the update fails, neither temporary stays there."""
    root = make_project(tmp_path / "project")
    translate(root, "ru", default="RU {msgid}")
    translate(root, "be", default="BE {msgid}")
    desk = tmp_path / "shared-desk"
    desk.mkdir()
    for lang in ("ru", "be"):
        path = po_path(root, lang)
        path.replace(desk / f"{lang}.po")
        path.symlink_to(desk / f"{lang}.po")
    before = {path.name: path.read_bytes() for path in desk.iterdir()}
    edit_article(root)

    def fail(src, dst):  # fault injection: the first move into place fails, after every file was staged
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        run_update(root)
    monkeypatch.undo()
    assert {path.name: path.read_bytes() for path in desk.iterdir()} == before
    assert not list(root.rglob("*.tmp"))
    run_update(root)  # the next run completes the job, through the links
    assert all(po_path(root, lang).is_symlink() and "key allies" in (desk / f"{lang}.po").read_text(encoding="utf-8")
               for lang in ("ru", "be"))


# A publish update that kills itself, workers and all, at the n-th call of one of its writing
# steps: SIGKILL, so no handler runs and nothing is swept; only what reached the disk is left.
_KILLED_UPDATE = """
import os, signal, sys, threading
import publisher.project as project
from publisher.entry import main

where, name, calls_before_kill = sys.argv[1], sys.argv[2], int(sys.argv[3])
owner = os if name == "replace" else project
real, calls, one_at_a_time = getattr(owner, name), [], threading.Lock()

def killing(*args, **kwargs):  # one call at a time: the calls before the kill have all done their work
    with one_at_a_time:
        calls.append(1)
        if len(calls) > calls_before_kill:
            os.killpg(0, signal.SIGKILL)
        return real(*args, **kwargs)

setattr(owner, name, killing)
sys.argv = ["publish", "update", "--jobs", "2", "-C", where]  # four tasks, two workers: one stages twice
main()
"""


def _catalogues_and_templates(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(root).items() if not path.endswith(".tmp")}


@pytest.mark.parametrize("step, calls_before_kill", [("write_temporary", 1), ("replace", 3)])
def test_an_update_killed_midway_leaves_each_file_old_or_new_and_the_next_completes_it(tmp_path, step,
                                                                                      calls_before_kill):
    """Killed while its tasks stage their files (in parallel, one worker each), or while the
    parent moves them into place: every catalogue and template is whole, old or new, the lock is
    free, and the next update sweeps what the killed one staged and writes what it would have."""
    root = make_project(tmp_path / "project")
    for lang in ("ru", "be"):
        translate(root, lang, default=lang.upper() + " {msgid}")
    old, new = snapshot(root), _new_catalogues(tmp_path)
    edit_article(root)
    killed = subprocess.run([sys.executable, "-c", _KILLED_UPDATE, str(root), step, str(calls_before_kill)],
                            capture_output=True, text=True, timeout=300, start_new_session=True)
    assert killed.returncode == -9, killed.stderr
    now = _catalogues_and_templates(root)
    assert set(now) == set(old) and all(now[path] in (old[path], new[path]) for path in now)
    assert now != new  # killed before the end
    if step == "replace":
        assert sum(now[path] != old[path] for path in now) == calls_before_kill
    assert list(root.rglob("*.tmp"))  # what was staged and not yet moved is still there
    result = publish(root, "update")  # the lock died with the killed run
    assert result.returncode == 0, result.stderr
    assert snapshot(root) == new


def test_an_atomic_rewrite_keeps_the_files_permissions(tmp_path):
    make_project(tmp_path)
    path = po_path(tmp_path, "ru")
    path.chmod(0o664)  # group-writable, as a shared newsroom checkout has it
    edit_article(tmp_path)
    run_update(tmp_path)
    assert "key allies" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_a_new_file_gets_the_permissions_of_any_new_file(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    write_atomic(tmp_path / "page.html", b"<p>x</p>")  # not 0600: a web server must be able to read it
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o666 & ~umask


def test_temporary_files_of_a_killed_run_are_swept(tmp_path):
    make_project(tmp_path)
    leftover = tmp_path / "locales" / "ru" / "LC_MESSAGES" / ".test-story.po.publisher-0123456789ab.tmp"
    leftover.write_text("half a catalogue", encoding="utf-8")
    (tmp_path / "output" / "html").mkdir(parents=True)
    stale = tmp_path / "output" / "html" / ".index.html.publisher-a8f2a8f2a8f2.tmp"
    (tmp_path / "output" / ".build").mkdir()
    (tmp_path / "output" / ".build" / "staging").touch()  # left by the build that was killed
    stale.write_text("<html", encoding="utf-8")
    run_update(tmp_path)
    build(load_config(tmp_path), formats=("html",))
    assert not leftover.exists() and not stale.exists()
