"""Source articles: the bundled one, and precise errors for bad front matter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publisher.errors import Problems, PublisherError
from publisher.source import read_article
from tests.helpers import ROOT, make_project

SEED = ROOT.parent / "shared" / "seed" / "000_243cedad34e7a4cc.txt"
BUNDLED = ROOT / "source" / "kazakhstan-belarus-allies.md"


def test_bundled_article_metadata():
    article = read_article(BUNDLED)
    assert article.id == "belta-20240905-kazakhstan-belarus-allies"
    assert article.language == "en"
    assert (article.dateline.place, article.dateline.agency, article.dateline.date.isoformat()) == (
        "Minsk", "BelTA", "2024-09-05")
    assert article.published.utcoffset().total_seconds() == 3 * 3600
    assert "medtop:20000265" in article.subjects and "iso3166-1a2:KZ" in article.subjects


@pytest.mark.skipif(not SEED.exists(), reason="the seed article (../shared/seed) is not beside this clone")
def test_bundled_body_is_the_wire_text_unchanged():
    wire = [p for p in SEED.read_text(encoding="utf-8").split("\n") if p.strip()]
    dateline = "MINSK, 5 September (BelTA) – "
    assert wire[0].startswith(dateline)
    wire[0] = wire[0][len(dateline):]
    article = read_article(BUNDLED)
    assert [b.kind for b in article.blocks] == ["paragraph"] * len(wire)
    assert [b.text for b in article.blocks] == wire


def _article(tmp_path: Path, front: str, body: str = "A sentence.\n", name: str = "story") -> Path:
    path = tmp_path / f"{name}.md"
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


GOOD = """id: s1
language: en
headline: A headline
published: 2024-09-05T12:00:00+03:00
dateline:
  place: Minsk
  agency: BelTA
"""


def test_good_minimal_article_gets_defaults(tmp_path):
    article = read_article(_article(tmp_path, GOOD))
    assert article.byline == "BelTA" and article.summary is None and article.status == "usable"
    assert (article.dateline.country, article.dateline.geonames) == (None, None)


def test_the_dateline_names_its_country_and_geonames_id_and_offsets_may_be_z_or_negative(tmp_path):
    front = GOOD.replace("  agency: BelTA\n", "  agency: BelTA\n  country: BY\n  geonames: 625144\n")
    front = front.replace("+03:00", "Z") + "updated: 2024-09-05T13:00:00-14:00\n"
    article = read_article(_article(tmp_path, front))
    assert (article.dateline.country, article.dateline.geonames) == ("BY", "625144")
    assert article.published.utcoffset().total_seconds() == 0 and article.updated.utcoffset().days == -1


@pytest.mark.parametrize("front, line, text", [
    (GOOD.replace("id: s1\n", ""), 1, "missing field 'id'"),
    (GOOD.replace("2024-09-05T12:00:00+03:00", "5 September"), 5, "'5 September' is not a date-time"),
    (GOOD.replace("+03:00", ""), 5, "add the time zone offset"),
    (GOOD.replace("language: en", "language: xx"), 3, "unknown language code 'xx'"),
    (GOOD.replace("  agency: BelTA\n", ""), 6, "'dateline.agency' is missing"),
    (GOOD + "colour: red\n", 9, "unknown field 'colour'"),
    (GOOD.replace("headline: A headline", "headline: [a, b]"), 4, "'headline' must be a non-empty text"),
    (GOOD.replace("id: s1", "id: ../etc"), 2, "id must be letters"),
    (GOOD + "urgency: 12\n", 9, "'urgency' must be a whole number"),
    # xs:dateTime carries offsets of whole minutes up to 14 hours: wire partners reject anything else.
    (GOOD.replace("+03:00", "+03:00:30"), 5, "the time zone offset of '2024-09-05T12:00:00+03:00:30' is not one"),
    (GOOD.replace("+03:00", "+23:00"), 5, "write whole minutes from -14:00 to +14:00"),
    (GOOD + "updated: 2024-09-05T13:00:00-14:30\n", 9, "is not one an xs:dateTime can carry"),
    (GOOD.replace("place: Minsk", "place: '[Minsk](https://minsk.by)'"), 7, "'dateline.place' is plain text"),
    (GOOD.replace("agency: BelTA", "agency: Bel&amp;TA"), 8, "'dateline.agency' is plain text, not Markdown"),
    (GOOD.replace("  agency: BelTA\n", "  agency: BelTA\n  country: XX\n"), 9, "'XX' is not an ISO 3166-1 alpha-2"),
    (GOOD.replace("  agency: BelTA\n", "  agency: BelTA\n  country: EU\n"), 9, "'EU' is not an ISO 3166-1"),
    (GOOD.replace("  agency: BelTA\n", "  agency: BelTA\n  geonames: Minsk\n"), 9, "'Minsk' is not a GeoNames id"),
    (GOOD.replace("  agency: BelTA\n", "  agency: BelTA\n  city: Minsk\n"), 9, "unknown field 'dateline.city'"),
])
def test_bad_front_matter_is_reported_with_its_line(tmp_path, front, line, text):
    with pytest.raises(PublisherError) as caught:
        read_article(_article(tmp_path, front), "source/story.md")
    assert f"source/story.md:{line}: " in str(caught.value)
    assert text in str(caught.value)


def test_yaml_syntax_error_has_its_line(tmp_path):
    path = _article(tmp_path, GOOD.replace("headline: A headline", "headline: [unclosed"))
    with pytest.raises(PublisherError, match=r"story.md:\d+: front matter is not valid YAML"):
        read_article(path)


def test_several_problems_are_reported_together(tmp_path):
    front = GOOD.replace("language: en", "language: xx").replace("+03:00", "")
    with pytest.raises(Problems) as caught:
        read_article(_article(tmp_path, front))
    assert len(caught.value.errors) == 2


@pytest.mark.parametrize("content, text", [
    ("no front matter here\n", "no front matter"),
    ("---\nid: x\n", "front matter is not closed"),
    ("---\n" + GOOD + "---\n\n", "the article has no body"),
])
def test_structural_problems(tmp_path, content, text):
    path = tmp_path / "story.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PublisherError, match=text):
        read_article(path)


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "story.md"
    path.write_bytes(("---\n" + GOOD + "---\n\nCaf").encode() + b"\xe9 ok.\n")
    with pytest.raises(PublisherError, match=r"story.md:11: not valid UTF-8"):
        read_article(path)


def test_unsupported_markdown_is_refused(tmp_path):
    path = _article(tmp_path, GOOD, "Intro.\n\n```\ncode\n```\n")
    with pytest.raises(PublisherError, match=r"story.md:13: fence is not supported"):
        read_article(path)


def test_body_structure(tmp_path):
    body = "Intro *with* [a link](https://example.com).\n\n## Sub\n\n> Quoted. Twice.\n\n- one\n- two\n"
    article = read_article(_article(tmp_path, GOOD, body))
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "quote", "list"]
    assert article.blocks[0].text == "Intro *with* [a link](https://example.com)."
    assert article.blocks[1].level == 2
    assert [c.children[0].text for c in article.blocks[3].children] == ["one", "two"]


def test_cli_reports_bad_front_matter_without_traceback(tmp_path):
    make_project(tmp_path)
    bad = tmp_path / "source" / "test-story.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("2024-09-05T12:00:00+03:00", "tomorrow"), "utf-8")
    before = {p: p.read_bytes() for p in (tmp_path / "locales").rglob("*.po*")}
    result = subprocess.run([sys.executable, "-m", "publisher", "update", "-C", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == ("source/test-story.md:6: field 'published': 'tomorrow' is not a date-time; "
                                     "write e.g. 2024-09-05T12:00:00+03:00")
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in before} == before
