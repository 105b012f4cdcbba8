"""An article's inputs as the manifest recorded them (manifests.article_inputs): a file is read again
unless its whole stat record (size, mtime_ns, inode, ctime_ns) is as recorded and it had settled
(git's racy rule); and what a forged record in the manifest (output/ is no trusted place) can and
cannot make the build believe."""

from __future__ import annotations

import os
from pathlib import Path

from publisher import manifest as manifests
from publisher.manifest import RACY, RACY_NS


def two_inputs(root: Path) -> list[str]:
    """An article's source and one catalogue (two of everything: the second is what is forged)."""
    (root / "source").mkdir(parents=True)
    (root / "source" / "story.md").write_bytes(b"# A story\n")
    (root / "ru.po").write_bytes(b'msgid "A story"\nmsgstr "\xd0\x98\xd1\x81\xd1\x82\xd0\xbe\xd1\x80\xd0\xb8\xd1\x8f"\n')
    return [str(root / "source" / "story.md"), str(root / "ru.po")]


def honest(root: Path, paths: list[str]) -> str:
    """The hash from the bytes alone, as a build that trusts no record computes it."""
    return manifests.article_hash(root, Path(paths[0]), [Path(p) for p in paths[1:]])


def settled_at(paths: list[str]) -> int:
    """The first start of a build at which every one of the files counts as settled."""
    return max(max(os.stat(p).st_mtime_ns, os.stat(p).st_ctime_ns) for p in paths) + RACY_NS + 1


def test_a_file_changed_within_the_racy_window_is_recorded_without_its_stat(tmp_path):
    paths = two_inputs(tmp_path)
    hour_ago = os.stat(paths[1]).st_mtime_ns - 3600 * 10**9
    os.utime(paths[1], ns=(hour_ago, hour_ago))  # a copy keeping its times: just changed all the same (ctime)
    for path in paths:
        start = settled_at([path])
        for racy_start in (start - 1, start - RACY_NS):  # changed at, or later than, RACY_NS before the build began
            found = manifests.article_inputs(tmp_path, [path], (), racy_start)[1]
            assert [entry[1:] for entry in found] == [(RACY, 0, 0, 0, "")]
    digest, found = manifests.article_inputs(tmp_path, paths, (), settled_at(paths))
    assert digest == honest(tmp_path, paths)
    assert [entry[0] for entry in found] == ["source/story.md", "ru.po"]
    assert all(entry[1] >= 0 and entry[5] for entry in found)


def test_a_record_is_used_only_when_its_whole_stat_record_is_the_files(tmp_path):
    """Each field of the record off, one at a time, or no digest: the file is read. Only a record
    naming the file exactly as it is now lends its digest."""
    paths = two_inputs(tmp_path)
    start = settled_at(paths)
    before = manifests.article_inputs(tmp_path, paths, (), start)[1]
    forged_sha = "0" * 64
    as_now = before[1]
    assert manifests.article_inputs(tmp_path, paths, (before[0], (*as_now[:5], forged_sha)), start)[0] != \
        honest(tmp_path, paths)  # what a record naming the file as it is now can do: see the next test
    for field, other in ((1, as_now[1] + 1), (2, as_now[2] - 1), (3, as_now[3] + 1), (4, as_now[4] - 1),
                         (1, RACY), (1, -1)):
        stale = list(as_now[:5]) + [forged_sha]
        stale[field] = other
        digest = manifests.article_inputs(tmp_path, paths, (before[0], tuple(stale)), start)[0]
        assert digest == honest(tmp_path, paths), f"a record differing in field {field} was trusted"
    digest = manifests.article_inputs(tmp_path, paths, (before[0], (*as_now[:5], "")), start)[0]
    assert digest == honest(tmp_path, paths), "a record without a digest was trusted"


def test_a_forged_record_lends_a_digest_only_to_a_file_it_names_as_it_is_now(tmp_path):
    """What a forged manifest (output/ is hostile) gains by its stat records: a digest of its
    choosing for an input whose size, mtime_ns, inode and ctime_ns it names as they are now. No
    program can set ctime, and a manifest made elsewhere (a restored cache, a pull request, another
    checkout) cannot know this checkout's inodes and ctimes; one written here by someone who can
    stat the project can have an article's outputs left as they are, which that writer of output/
    could as well have replaced, records and all. It never makes the build read or vouch for a
    file other than the article's own inputs, and outputs are checked against their own records
    (publisher.uptodate.Plan._damaged) whatever the inputs' records say."""
    paths = two_inputs(tmp_path)
    start = settled_at(paths)
    before = manifests.article_inputs(tmp_path, paths, (), start)[1]
    elsewhere = tmp_path / "secret.txt"
    elsewhere.write_bytes(b"not an input")
    st = os.stat(elsewhere)
    foreign = ("secret.txt", st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, "1" * 64)
    digest, found = manifests.article_inputs(tmp_path, paths, (*before, foreign), start)
    assert digest == honest(tmp_path, paths) and [e[0] for e in found] == ["source/story.md", "ru.po"]
    # A record naming the catalogue as it is now, with a digest of other bytes: the hash is the one a
    # manifest could have named outright (the digest is taken, the file not read).
    forged = (before[0], (*before[1][:5], manifests._sha(b"other bytes")))
    as_if = manifests.digest(manifests._part("source/story.md", before[0][5]),
                             manifests._part("ru.po", manifests._sha(b"other bytes")))
    assert manifests.article_inputs(tmp_path, paths, forged, start)[0] == as_if
