"""Articles from outside: hostile or unusual front matter and Markdown get a precise
`path:line: message`, never a traceback, a hang or text silently dropped."""

from __future__ import annotations

import gc
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from publisher.errors import PublisherError
from publisher.layout import find_articles
from publisher.source import read_article, resolve_references

FUZZ = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
NAME = "source/x.md"
FRONT = """---
id: x
language: en
headline: H
published: 2024-09-05T12:00:00+03:00
dateline:
  place: Minsk
  agency: BelTA
{extra}---

{body}
"""
EXTRA_LINE = 9  # where `extra` starts
BODY_LINE = 11  # where the body starts (with one line of `extra`)


def read(tmp_path: Path, extra: str = "", body: str = "A paragraph.", source_language: str = "en"):
    path = tmp_path / "x.md"
    path.write_text(FRONT.format(extra=extra, body=body), encoding="utf-8")
    return read_article(path, NAME, source_language)


def refused(tmp_path: Path, extra: str = "", body: str = "A paragraph.") -> str:
    with pytest.raises(PublisherError) as caught:
        read(tmp_path, extra, body)
    return str(caught.value)


ALIAS = "anchors and aliases (&name, *name) are not accepted; write each value out"
YEARS = "is out of range; dates from 1800 to 2099 are accepted"
URGENCY = "field 'urgency' must be a whole number from 1 (most urgent) to 9"


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("extra, message", [
    (_bomb(9), f"{EXTRA_LINE}: front matter: {ALIAS}"),  # 577 bytes that expand to gigabytes
    ("summary: &s [*s]\n", f"{EXTRA_LINE}: front matter: {ALIAS}"),  # recursive
    ("ednote: !!python/object:os.system echo\n", f"{EXTRA_LINE}: front matter: tags (!name) are not accepted; "
                                                  "write the plain value"),
    ("? [a, b]\n: c\n", f"{EXTRA_LINE}: a field name must be a plain word, not a list or a mapping"),
    ("? {a: b}\n: c\n", f"{EXTRA_LINE}: a field name must be a plain word, not a list or a mapping"),
    ("keywords: [[[[[x]]]]]\n", f"{EXTRA_LINE}: front matter: values nested more than 3 levels deep; front matter "
                                "is 'field: value' lines, with a nested dateline"),
    ("urgency: ²\n", f"{EXTRA_LINE}: {URGENCY}"),
    ("urgency: ⑤\n", f"{EXTRA_LINE}: {URGENCY}"),
    ("urgency: " + "9" * 5000 + "\n", f"{EXTRA_LINE}: {URGENCY}"),
    ("urgency: [5]\n", f"{EXTRA_LINE}: {URGENCY}"),
    ("updated: 0001-01-01T00:00:00+03:00\n", f"{EXTRA_LINE}: field 'updated': the year 1 {YEARS}"),
    ("updated: 9999-12-31T23:59:59-12:00\n", f"{EXTRA_LINE}: field 'updated': the year 9999 {YEARS}"),
    ("embargoed: 2108-01-01T00:00:00+00:00\n", f"{EXTRA_LINE}: field 'embargoed': the year 2108 {YEARS}"),
    ("correction: Fixed.\nupdated: 9999-12-31T23:59:59+14:00\n",
     f"{EXTRA_LINE + 1}: field 'updated': the year 9999 {YEARS}"),
    ("updated: 2024-09-05T12:00:00+23:59\n", f"{EXTRA_LINE}: field 'updated': the time zone offset of "
                                            "'2024-09-05T12:00:00+23:59' is not one an xs:dateTime can carry (wire "
                                            "partners reject it); write whole minutes from -14:00 to +14:00, e.g. "
                                            "+03:00"),
    ("updated: {a: b}\n", f"{EXTRA_LINE}: field 'updated' must be a date-time; write e.g. 2024-09-05T12:00:00+03:00"),
])
def test_hostile_front_matter_is_refused_with_its_line(tmp_path, extra, message):
    assert refused(tmp_path, extra) == f"{NAME}:{message}"


def test_dates_at_the_ends_of_the_range_are_accepted(tmp_path):
    article = read(tmp_path, "updated: 2099-12-31T23:59:59-12:00\nembargoed: 1800-01-01T00:00:00+14:00\n")
    assert article.updated.year == 2099 and article.embargoed.year == 1800


def test_a_date_in_the_dateline_is_bounded_too(tmp_path):
    path = tmp_path / "x.md"
    path.write_text(FRONT.format(extra="", body="p").replace("  agency: BelTA", "  agency: BelTA\n  date: 0001-01-01"),
                    encoding="utf-8")
    with pytest.raises(PublisherError, match=rf"^{NAME}:9: field 'dateline.date': the year 1 {YEARS}$"):
        read_article(path, NAME)


def test_an_article_in_another_language_than_the_projects_is_refused(tmp_path):
    path = tmp_path / "x.md"
    path.write_text(FRONT.format(extra="", body="Текст.").replace("language: en", "language: ru"), encoding="utf-8")
    with pytest.raises(PublisherError) as caught:
        read_article(path, NAME, "en")
    assert str(caught.value) == (
        f"{NAME}:3: the article is written in 'ru', but the project's source language is 'en': every language is "
        "translated from en; write the article in en (or set source_language in the settings if the whole newsroom "
        "writes in another language)")


# --- The body: nothing dropped without a word -----------------------------------------------------------


def _nested_list(depth: int) -> str:
    return "".join("  " * i + f"- item{i}\n" for i in range(depth)) + "\nAfter the list.\n"


NESTING = "lists and quotations nested more than 9 deep; flatten the structure"
LINK = "cannot be published; a link must be an absolute http, https or mailto address"


@pytest.mark.parametrize("body, message", [
    (_nested_list(10), f"{BODY_LINE + 9}: {NESTING}"),
    (">" * 20 + " deep\n\nAfter the quotation.\n", f"{BODY_LINE}: {NESTING}"),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n", f"{BODY_LINE}: table is not supported in an article body; use paragraphs, "
                                          "subheadings, quotes and lists"),
    ("Said so.[^1]\n\n[^1]: The note.\n", f"{BODY_LINE}: footnote [^1] is not supported; put the note in the "
                                          "text, or in a paragraph of its own\n"
                                          f"{NAME}:{BODY_LINE + 2}: footnote [^1] is not supported; put the note in the "
                                          "text, or in a paragraph of its own"),
    ("Said so.[^note]\n", f"{BODY_LINE}: footnote [^note] is not supported; put the note in the text, or in a "
                          "paragraph of its own"),
    ("[x](http://[:]/)\n", f"{BODY_LINE}: the link target 'http://[:]/' {LINK}"),
    ("[x](ms-msdt:id)\n", f"{BODY_LINE}: the link target 'ms-msdt:id' {LINK}"),
    ("[x](search-ms:query=a)\n", f"{BODY_LINE}: the link target 'search-ms:query=a' {LINK}"),
    ("[x](//evil.example/)\n", f"{BODY_LINE}: the link target '//evil.example/' {LINK}"),
    ("[x](archive.html)\n", f"{BODY_LINE}: the link target 'archive.html' {LINK}"),
    ("[x](javascript:alert(1))\n", f"{BODY_LINE}: the link '[x](javascript:…' {LINK}"),
    ("<data:image/png;base64,AAAA>\n", f"{BODY_LINE}: the link target 'data:image/png;base64,AAAA' {LINK}"),
])
def test_unsupported_markdown_is_refused_with_its_line(tmp_path, body, message):
    assert refused(tmp_path, body=body) == f"{NAME}:{message}"


def test_nine_levels_of_nesting_are_kept_whole(tmp_path):
    article = read(tmp_path, body=_nested_list(9))
    text = repr(article.blocks)
    assert all(f"item{i}" in text for i in range(9)) and "After the list." in text


def test_a_link_in_a_headline_is_checked_too(tmp_path):
    path = tmp_path / "x.md"
    path.write_text(FRONT.format(extra="", body="p").replace("headline: H", "headline: '[H](http://[:]/)'"),
                    encoding="utf-8")
    with pytest.raises(PublisherError, match=re.escape(f"{NAME}:4: the link target 'http://[:]/' {LINK}")):
        read_article(path, NAME)


def test_reference_style_links_are_kept_as_links(tmp_path):
    body = ("See [BelTA][1], [*the* agency][site] and [Minsk].\n\n"
            "[1]: https://belta.by \"BelTA\"\n[site]: <https://belta.by/a b>\n[minsk]: https://minsk.gov.by/\n")
    article = read(tmp_path, body=body)
    assert [b.text for b in article.blocks] == [
        "See [BelTA](https://belta.by), [*the* agency](https://belta.by/a%20b) and [Minsk](https://minsk.gov.by/)."]


inline_piece = st.sampled_from(["*", "**", "_", "`", "``", "[", "]", "(", ")", "<", ">", "&amp;", "&", "\\", "!",
                                "[a][r]", "[r]", "[b](https://b.example/(x))", "<https://c.example/>", " ", "\n",
                                "x", "é", "#", "&#42;", "[a](<https://d.example/a b>)"])


@settings(max_examples=800, **FUZZ)
@given(pieces=st.lists(inline_piece | st.text(max_size=3), max_size=14))
def test_reference_links_are_resolved_to_the_same_meaning_or_refused(pieces):
    """Whatever a paragraph holds, its reference links become inline links that markdown-it reads
    exactly as it read the original, or the paragraph is refused: never a silent change."""
    text = "".join(pieces)
    references = {"R": {"href": "https://r.example/", "title": ""}, "A": {"href": "https://a.example/x y", "title": ""}}
    md = MarkdownIt("commonmark")
    resolved = resolve_references(text, {"references": references})
    if resolved is None:
        return
    assert _meaning(md.parseInline(resolved)[0].children) == _meaning(
        md.parseInline(text, {"references": references})[0].children)
    assert "][" not in resolved or _meaning(md.parseInline(resolved)[0].children) == _meaning(
        md.parseInline(resolved, {"references": references})[0].children)


def test_most_reference_links_are_resolved():
    refs = {"references": {"R": {"href": "https://r.example/", "title": ""}}}
    for text in ["[a][r]", "[r]", "[r][]", "*[a][r]* and `[r]`", "[a *b*][R] [x](https://x.example/)"]:
        assert resolve_references(text, refs) is not None, text


def _meaning(tokens):
    out = []
    for t in tokens or []:
        kind = "text" if t.type in ("text", "text_special", "softbreak", "hardbreak") else t.type
        content = " " if t.type.endswith("break") else t.content if kind in ("text", "code_inline") else ""
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + content, "")
        else:
            out.append((kind, content, str(t.attrGet("href") or "")))
    return out


containers = st.recursive(st.just("p"), lambda inner: st.tuples(st.sampled_from(["-", ">", "1."]),
                                                                 st.lists(inner, min_size=1, max_size=2)),
                          max_leaves=40)


def _markdown(node, indent: str, words: list[str]) -> str:
    if node == "p":
        words.append(f"word{len(words)}")
        return f"{indent}{words[-1]}\n\n"
    marker, children = node
    out = ""
    for i, child in enumerate(children):
        prefix = {"-": "- ", ">": "> ", "1.": "1. "}[marker]
        inner = _markdown(child, "", words)
        pad = " " * len(prefix) if marker != ">" else "> "
        lines = inner.rstrip("\n").split("\n")
        out += "".join(indent + (prefix if j == 0 else pad if line or marker == ">" else "") + line + "\n"
                       for j, line in enumerate(lines)) + "\n"
    return out


@settings(max_examples=300, **FUZZ)
@given(tree=containers)
def test_nested_lists_and_quotations_are_kept_whole_or_refused(tmp_path_factory, tree):
    words: list[str] = []
    body = _markdown(tree, "", words) + "last words\n"
    path = tmp_path_factory.getbasetemp() / "nested.md"
    path.write_text(FRONT.format(extra="", body=body), encoding="utf-8")
    try:
        article = read_article(path, NAME)
    except PublisherError as error:
        assert NESTING in str(error), str(error)
        return
    text = repr(article.blocks)
    assert [w for w in words + ["last words"] if w not in text] == []


# --- Front matter, fuzzed --------------------------------------------------------------------------------

YAML_PIECES = ["&a ", "*a", "!!str ", "!x ", "? ", ": ", "- ", "[", "]", "{", "}", ",", "\n", "  ", "'", '"', "#",
               "|", ">", "~", "null", "2024-09-05T12:00:00+03:00", "0001-01-01", "9999-12-31T23:59:59-12:00",
               "²", "⑤", "9" * 50, "urgency", "id", "headline", "dateline", "place", "<<", "%YAML 1.1\n", "---",
               "\t", "\ufeff", "é", "\\"]


@settings(max_examples=600, **FUZZ)
@given(pieces=st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=4), max_size=30),
       field=st.sampled_from(["urgency", "updated", "dateline", "keywords", "summary", "status", "extra"]))
def test_any_front_matter_is_read_or_refused_with_a_message(tmp_path_factory, pieces, field):
    path = tmp_path_factory.getbasetemp() / "fuzzed.md"
    value = "".join(pieces)
    path.write_text(FRONT.format(extra=f"{field}: {value}\n", body="A paragraph.").replace("\r", ""),
                    encoding="utf-8", errors="surrogatepass")
    try:
        read_article(path, NAME, "en")
    except PublisherError as error:
        assert all(re.match(rf"{re.escape(NAME)}:\d+: \S", line) for line in str(error).splitlines()), str(error)


# --- Reading is linear -------------------------------------------------------------------------------------


def _article_of(tmp_path: Path, n: int) -> Path:
    keywords = ", ".join(f"k{i}" for i in range(n))
    body = "".join(f"Paragraph {i} with a [link](https://example.com/{i}) and *emphasis*.\n\n" for i in range(n))
    path = tmp_path / f"big{n}.md"
    path.write_text(FRONT.format(extra=f"keywords: [{keywords}]\n", body=body), encoding="utf-8")
    return path


def test_reading_an_article_grows_linearly(tmp_path):
    """Twice the input, about twice the time: the best of several interleaved runs of each size, so
    that other work on the machine slows both alike."""
    small, large = _article_of(tmp_path, 3_000), _article_of(tmp_path, 6_000)
    read_article(small, NAME)  # warm up: caches, the parser's first use
    best = {small: float("inf"), large: float("inf")}
    gc.disable()  # the collector's full passes grow with everything else the test process holds
    try:
        for _ in range(4):
            for path in (small, large):
                start = time.perf_counter()
                read_article(path, NAME)
                best[path] = min(best[path], time.perf_counter() - start)
    finally:
        gc.enable()
    assert best[large] / best[small] < 3, best


# --- An editor's files in source/ ----------------------------------------------------------------------


def test_editor_lock_backup_and_hidden_files_are_not_articles(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "story.md").write_text("x", encoding="utf-8")
    (source / ".#story.md").symlink_to("user@host.1234:1700000000")  # Emacs's lock: a dangling link
    for name in ("story.md~", "#story.md#", ".story.md.swp", ".hidden.md", "~$story.md"):
        (source / name).write_text("x", encoding="utf-8")
    assert [p.name for p in find_articles(source)] == ["story.md"]
