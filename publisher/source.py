"""source/<slug>.md → Article: the only module that knows the source format.

A source file is YAML front matter between `---` lines, then a Markdown body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from publisher.errors import PublisherError, Problems
from publisher.inline import parse_inline, plain_text
from publisher.layout import ID_RE, SLUG_RE
from publisher.links import SCHEMES, allowed, hrefs
from publisher.model import Article, Block, Dateline
from publisher.pictures.syntax import figure_target, image_problem, read_pictures
from publisher.textchars import describe, forbidden, printable

# Names Windows reserves; a slug or id becomes a file name, so they are refused everywhere.
RESERVED_NAMES = {"con", "prn", "aux", "nul", "edition", "index", "feed"} | {f"com{i}" for i in range(10)} | {
    f"lpt{i}" for i in range(10)
}
STATUSES = ("usable", "canceled", "withheld")
# Dates a story can carry: a typo (0024, 2204) is caught, and every format can write them
# (a zip entry's date field ends in 2107; UTC conversions stay inside Python's years 1-9999).
EARLIEST_YEAR, LATEST_YEAR = 1800, 2099
# Front matter is a flat mapping with a nested dateline and a few lists: deeper is a mistake.
MAX_YAML_DEPTH = 4
_YAML_OPENERS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
                 yaml.FlowSequenceStartToken)
_YAML_CLOSERS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
# libyaml's parser when PyYAML was built with it: ten times faster, same nodes and marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED = ("id", "language", "headline", "published", "dateline")
DATELINE_KNOWN = ("place", "agency", "date", "country", "geonames")
# xs:dateTime allows zone offsets of whole minutes up to 14 hours either side of UTC.
MAX_OFFSET = timedelta(hours=14)
# A text field's control characters: below a space, but for tab and line feed (one search, not a loop per character).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
# ISO 3166-1 alpha-2 codes as CLDR names them, less the groupings and reserved codes CLDR adds.
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
_COUNTRIES = frozenset(code for code in Locale("en").territories
                       if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)
KNOWN = set(REQUIRED) | {
    "summary", "byline", "credit", "subjects", "keywords", "updated", "embargoed",
    "correction", "ednote", "status", "genre", "urgency", "picture", "pictures",
}


@dataclass(frozen=True)
class _Field:
    value: object
    line: int


def read_article(path: Path, display: str | None = None, source_language: str | None = None) -> Article:
    """Parse and validate one article; every problem found is reported together. With
    `source_language`, an article written in another language is refused: every translation is
    made from, and checked against, the project's source language."""
    name = printable(display or str(path))  # a file name could carry terminal escapes
    text = _read_text(path, name)
    meta, body, body_line = _split_front_matter(text, name)
    fields = _mapping(meta, name, body_line)
    errors: list[PublisherError] = []
    article = _build(path, name, fields, body, body_line, errors, source_language)
    if errors:
        errors.sort(key=lambda e: e.line or 0)  # in the order of the file
        raise errors[0] if len(errors) == 1 else Problems(errors)
    assert article is not None
    return article


def _read_text(path: Path, name: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", name) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PublisherError("not valid UTF-8; save the file as UTF-8", name, line) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    char = forbidden(text)
    if char:
        raise PublisherError(f"the text contains {describe(char.group(0))}, which no output can carry; delete it",
                             name, text.count("\n", 0, char.start()) + 1)
    return text


def _split_front_matter(text: str, name: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise PublisherError("no front matter; start the file with a '---' line, the YAML metadata, and '---'", name, 1)
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise PublisherError("front matter is not closed; add a '---' line after the metadata", name, 1)


def _compose(meta: str) -> yaml.Node | None:
    """The YAML node tree; on an error, the pure-Python parser's message (the same everywhere)."""
    try:
        _refuse_yaml_features(meta, _YAML_LOADER)
        return yaml.compose(meta, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        _refuse_yaml_features(meta, yaml.SafeLoader)
        return yaml.compose(meta, Loader=yaml.SafeLoader)


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark: yaml.Mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


def _refuse_yaml_features(meta: str, loader) -> None:
    """Anchors, aliases and tags are refused before anything is built from the YAML: an alias
    bomb of a few hundred bytes expands to gigabytes, a recursive alias never ends, and a tag asks
    for a type the front matter has no use for. Nesting is bounded too. One pass over the tokens."""
    depth = 0
    for token in yaml.scan(meta, Loader=loader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            raise _Refused("anchors and aliases (&name, *name) are not accepted; write each value out",
                           token.start_mark)
        if isinstance(token, yaml.TagToken):
            raise _Refused("tags (!name) are not accepted; write the plain value", token.start_mark)
        if isinstance(token, _YAML_OPENERS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _Refused(f"values nested more than {MAX_YAML_DEPTH - 1} levels deep; front matter is "
                               "'field: value' lines, with a nested dateline", token.start_mark)
        elif isinstance(token, _YAML_CLOSERS):
            depth -= 1


def _mapping(meta: str, name: str, body_line: int) -> dict[str, _Field]:
    try:
        node = _compose(meta)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        what = "front matter" if isinstance(exc, _Refused) else "front matter is not valid YAML"
        raise PublisherError(f"{what}: {problem}", name, line) from None
    if not isinstance(node, yaml.MappingNode):
        raise PublisherError("front matter must be a mapping of 'field: value' lines", name, 2)
    return _fields(node, name, "")


def _fields(node: yaml.MappingNode, name: str, prefix: str) -> dict[str, _Field]:
    fields: dict[str, _Field] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            raise PublisherError("a field name must be a plain word, not a list or a mapping", name, line)
        key = key_node.value
        if key in fields:
            raise PublisherError(f"field '{prefix}{printable(key)}' appears twice", name, line)
        fields[key] = _Field(_plain(value_node, name, f"{prefix}{key}."), line)
    return fields


def _plain(node: yaml.Node, name: str, prefix: str) -> object:
    """YAML node → str / list / dict; scalars stay strings so that we parse dates ourselves."""
    if isinstance(node, yaml.MappingNode):
        return _fields(node, name, prefix)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, name, prefix) for item in node.value]
    return node.value


def _build(path, name, fields, body, body_line, errors, source_language=None) -> Article | None:
    def fail(message: str, line: int) -> None:
        errors.append(PublisherError(message, name, line))

    for key in REQUIRED:
        if key not in fields:
            fail(f"missing field '{key}'", 1)
    for key, f in fields.items():
        if key not in KNOWN:
            fail(f"unknown field '{printable(key)}'; known fields: {', '.join(sorted(KNOWN))}", f.line)
    if errors:
        return None
    slug = path.stem
    if not SLUG_RE.fullmatch(slug):
        fail(f"file name '{printable(slug)}' is not a usable slug; use lower-case letters, digits and hyphens", 1)
    elif slug in RESERVED_NAMES:
        fail(f"file name '{slug}' is a reserved name (a device on Windows or a page of the output); rename the file", 1)
    ident = _string(fields, "id", fail)
    if ident is not None and (not ID_RE.fullmatch(ident) or ".." in ident):
        fail("id must be letters, digits, '.', '_' or '-', without '..'", fields["id"].line)
    elif ident is not None and ident.lower() in RESERVED_NAMES:
        fail(f"id '{ident}' is a reserved name (a device on Windows or a page of the output); choose another",
             fields["id"].line)
    language = _language(fields, fail)
    if language and source_language and language != source_language:
        fail(f"the article is written in '{language}', but the project's source language is '{source_language}': "
             f"every language is translated from {source_language}; write the article in {source_language} (or set "
             "source_language in the settings if the whole newsroom writes in another language)",
             fields["language"].line)
    for key in ("headline", "summary", "byline", "credit", "correction", "ednote"):
        if key in fields and isinstance(fields[key].value, str):
            _check_links(fields[key].value, name, fields[key].line, errors)
    published = _datetime(fields, "published", fail)
    dateline = _dateline(fields, published, fail)
    blocks = parse_body(body, name, body_line, errors)
    if not blocks and not errors:
        fail("the article has no body; write at least one paragraph after the front matter", body_line)
    status = _string(fields, "status", fail, required=False) or "usable"
    if status not in STATUSES:
        fail(f"status must be one of {', '.join(STATUSES)}", fields["status"].line)
    urgency = _urgency(fields, fail)
    picture, pictures = read_pictures(fields, path.parent / slug, f"{Path(name).parent.as_posix()}/{slug}", blocks,
                                      fail)
    if errors:
        return None
    agency = dateline.agency
    return Article(
        slug=slug,
        path=name,
        id=ident,
        language=language,
        headline=_string(fields, "headline", fail),
        summary=_string(fields, "summary", fail, required=False),
        published=published,
        dateline=dateline,
        byline=_string(fields, "byline", fail, required=False) or agency,
        credit=_string(fields, "credit", fail, required=False) or agency,
        subjects=_strings(fields, "subjects", fail),
        keywords=_strings(fields, "keywords", fail),
        blocks=blocks,
        updated=_datetime(fields, "updated", fail, required=False),
        embargoed=_datetime(fields, "embargoed", fail, required=False),
        correction=_string(fields, "correction", fail, required=False),
        ednote=_string(fields, "ednote", fail, required=False),
        status=status,
        genre=_string(fields, "genre", fail, required=False) or "genre:Current",
        urgency=urgency,
        picture=picture,
        pictures=pictures,
    )


def _string(fields, key, fail, required=True) -> str | None:
    f = fields.get(key)
    if f is None:
        return None
    if not isinstance(f.value, str) or not f.value.strip():
        if required or f.value not in ("", None):
            fail(f"field '{key}' must be a non-empty text", f.line)
        return None
    if _CONTROL.search(f.value):
        fail(f"field '{key}' contains control characters", f.line)
        return None
    return " ".join(f.value.split())


def _strings(fields, key, fail) -> tuple[str, ...]:
    f = fields.get(key)
    if f is None:
        return ()
    if not isinstance(f.value, list) or not all(isinstance(v, str) and v.strip() for v in f.value):
        fail(f"field '{key}' must be a list of texts, e.g. [a, b]", f.line)
        return ()
    return tuple(v.strip() for v in f.value)


def _language(fields, fail) -> str | None:
    f = fields["language"]
    code = f.value if isinstance(f.value, str) else ""
    try:
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        fail(f"unknown language code '{code}'; use an ISO 639 code such as en, ru, be, kk", f.line)
        return None
    return code


def date_problem(value: date) -> str | None:
    """Why a date (or date-time) cannot be a story's, if it cannot."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"the year {value.year} is out of range; dates from {EARLIEST_YEAR} to {LATEST_YEAR} are accepted"
    return None


def _datetime(fields, key, fail, required=True) -> datetime | None:
    f = fields.get(key)
    if f is None:
        return None
    example = "write e.g. 2024-09-05T12:00:00+03:00"
    if not isinstance(f.value, str):
        fail(f"field '{key}' must be a date-time; {example}", f.line)
        return None
    try:
        value = datetime.fromisoformat(f.value)
    except ValueError:
        fail(f"field '{key}': '{printable(f.value[:100])}' is not a date-time; {example}", f.line)
        return None
    if value.tzinfo is None:
        fail(f"field '{key}': add the time zone offset, e.g. {f.value}+03:00", f.line)
        return None
    if date_problem(value):
        fail(f"field '{key}': {date_problem(value)}", f.line)
        return None
    offset = value.utcoffset()
    if offset % timedelta(minutes=1) or abs(offset) > MAX_OFFSET:
        fail(f"field '{key}': the time zone offset of '{printable(f.value[:100])}' is not one an xs:dateTime can carry (wire "
             "partners reject it); write whole minutes from -14:00 to +14:00, e.g. +03:00", f.line)
        return None
    return value


def _dateline(fields, published, fail) -> Dateline | None:
    f = fields["dateline"]
    if not isinstance(f.value, dict):
        fail("field 'dateline' must have 'place' and 'agency' (and optionally 'date', 'country', 'geonames')",
             f.line)
        return None
    for key, part in f.value.items():
        if key not in DATELINE_KNOWN:
            fail(f"unknown field 'dateline.{printable(key)}'; known: {', '.join(DATELINE_KNOWN)}", part.line)
    parts = {}
    for key in ("place", "agency"):
        part = f.value.get(key)
        if part is None or not isinstance(part.value, str) or not part.value.strip():
            fail(f"field 'dateline.{key}' is missing or empty", part.line if part else f.line)
        elif plain_text(part.value.strip()) != part.value.strip():
            fail(f"field 'dateline.{key}' is plain text, not Markdown; write it as it reads, e.g. Minsk", part.line)
        else:
            parts[key] = part.value.strip()
    country, geonames = _dateline_codes(f.value, fail)
    when = f.value.get("date")
    day = published.date() if published else None
    if when is not None:
        try:
            day = date.fromisoformat(when.value) if isinstance(when.value, str) else None
            problem = date_problem(day) if day else "not a date"
        except ValueError:
            problem = "not a date"
        if problem:
            shown = printable(when.value[:100]) if isinstance(when.value, str) else "this"
            fail(f"field 'dateline.date': '{shown}' is {problem}; write e.g. 2024-09-05" if problem == "not a date"
                 else f"field 'dateline.date': {problem}", when.line)
            day = None
    if len(parts) < 2 or day is None:
        return None
    return Dateline(place=parts["place"], agency=parts["agency"], date=day, country=country, geonames=geonames)


def _dateline_codes(fields, fail) -> tuple[str | None, str | None]:
    """The place's country (ISO 3166-1 alpha-2, as CLDR knows it) and GeoNames id: codes wire partners map."""
    country = fields.get("country")
    geonames = fields.get("geonames")
    if country is not None and not (isinstance(country.value, str) and country.value in _COUNTRIES):
        fail(f"field 'dateline.country': '{country.value}' is not an ISO 3166-1 alpha-2 country code; write "
             "e.g. BY", country.line)
        country = None
    if geonames is not None and not (isinstance(geonames.value, str) and geonames.value.isdigit()):
        fail(f"field 'dateline.geonames': '{geonames.value}' is not a GeoNames id; write the number from "
             "geonames.org, e.g. 625144 for Minsk", geonames.line)
        geonames = None
    return (country.value if country else None), (geonames.value if geonames else None)


def _urgency(fields, fail) -> int:
    f = fields.get("urgency")
    if f is None:
        return 5
    if not isinstance(f.value, str) or not re.fullmatch(r"[1-9]", f.value):  # ASCII: '²' and '⑤' are digits too
        fail("field 'urgency' must be a whole number from 1 (most urgent) to 9", f.line)
        return 5
    return int(f.value)


# --- Body -------------------------------------------------------------------------------------

# Pipe tables are recognised so that they can be refused by name (CommonMark alone reads them as
# a paragraph of literal text).
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_MAX_NESTING = _MD.options["maxNesting"]  # markdown-it stops reading, silently, below this depth
_CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]*\]")
# What is left of a link markdown-it refused to make (javascript:, file:…): "[words](target)" as text.
_REFUSED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?[a-zA-Z][a-zA-Z0-9+.-]*:")


def parse_body(body: str, name: str, first_line: int, errors: list[PublisherError]) -> tuple[Block, ...]:
    env: dict = {}
    tokens = _MD.parse(body, env)
    references = env.get("references", {})
    for label, ref in references.items():
        if label.startswith("^"):
            line = first_line + (ref.get("map") or [0])[0]
            errors.append(PublisherError(f"footnote [{label}] is not supported; put the note in the text, or in a "
                                         "paragraph of its own", name, line))
    if _too_deep(tokens, name, first_line, errors):
        return ()
    links = {label: ref for label, ref in references.items() if not label.startswith("^")}
    blocks, _ = _blocks(tokens, 0, None, name, first_line, errors, {"references": links} if links else None)
    return tuple(blocks)


def _too_deep(tokens: list[Token], name: str, first_line: int, errors: list[PublisherError]) -> bool:
    """markdown-it skips the rest of a container nested as deep as its limit: report, never drop."""
    for token in tokens:
        if token.type in _CONTAINERS and token.level >= _MAX_NESTING - 2:
            line = first_line + (token.map[0] if token.map else 0)
            errors.append(PublisherError(f"lists and quotations nested more than {(_MAX_NESTING - 2) // 2} deep; "
                                         "flatten the structure", name, line))
            return True
    return False


def _blocks(tokens: list[Token], i: int, close: str | None, name, first_line, errors,
            env: dict | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == close:
            return blocks, i + 1
        if token.type == "paragraph_open" and close is None and figure_target(tokens[i + 1]) is not None:
            blocks.append(Block("figure", text=figure_target(tokens[i + 1]), line=line))  # see pictures.syntax
            i += 3
        elif token.type in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1]
            kind = "paragraph" if token.type == "paragraph_open" else "heading"
            level = int(token.tag[1]) if kind == "heading" else 0
            text = inline.content.strip()
            if env is not None:
                resolved = resolve_references(text, env)
                if resolved is None:
                    errors.append(PublisherError("a reference-style link here cannot be kept as it is; write it "
                                                 "inline, as [words](https://…)", name, line))
                text = resolved or text
            _check_inline(inline, name, line, errors)
            _check_links(text, name, line, errors)
            blocks.append(Block(kind, text=text, level=level, line=line))
            i += 3
        elif token.type in _CONTAINERS:
            kind = {"blockquote_open": "quote", "list_item_open": "item"}.get(token.type, "list")
            children, i = _blocks(tokens, i + 1, token.type.replace("_open", "_close"), name, first_line, errors, env)
            blocks.append(Block(kind, children=tuple(children), ordered=token.type == "ordered_list_open", line=line))
        else:
            what = token.type.replace("_open", "").replace("_", " ")
            errors.append(PublisherError(f"{what} is not supported in an article body; use paragraphs, "
                                         "subheadings, quotes and lists", name, line))
            i = _skip(tokens, i)
    return blocks, i


def _skip(tokens: list[Token], i: int) -> int:
    """Index after the token at i and, if it opens a block, after its closing token."""
    if tokens[i].nesting != 1:
        return i + 1
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth == 0:
            break
    return i


def _check_inline(inline: Token, name: str, line: int, errors: list[PublisherError]) -> None:
    for child in inline.children or ():
        if child.type == "image":
            errors.append(PublisherError(image_problem(child), name, line))
        elif child.type == "text" and _FOOTNOTE.search(child.content):
            found = _FOOTNOTE.search(child.content).group(0)
            errors.append(PublisherError(f"footnote {found} is not supported; put the note in the text, or in a "
                                         "paragraph of its own", name, line))


def _check_links(text: str, name: str, line: int, errors: list[PublisherError]) -> None:
    """Every link of a unit must be one that every format can carry (see publisher.links)."""
    problem = None
    try:
        nodes = parse_inline(text)
    except ValueError:
        nodes = ()
        problem = "a link"
    for href in hrefs(nodes):
        if not allowed(href):
            problem = f"the link target '{printable(href[:200])}'"
            break
    if problem is None and _REFUSED_LINK.search(plain_text(text)):
        problem = f"the link '{printable(_REFUSED_LINK.search(plain_text(text)).group(0)[:200])}…'"
    if problem:
        errors.append(PublisherError(f"{problem} cannot be published; a link must be an absolute "
                                     f"{', '.join(SCHEMES[:-1])} or {SCHEMES[-1]} address", name, line))


def resolve_references(text: str, env: dict) -> str | None:
    """A paragraph using reference-style links ([BelTA][1] … [1]: https://…) as the same text with
    inline links, which is what a unit carries: its translators keep [words](target) as it is.
    Each reference is replaced where it stands, and the result must read exactly as markdown-it
    read the original; None if it does not (the caller reports it)."""
    wanted = _inline_tree(_MD.parseInline(text, env)[0].children or [])
    if wanted == _inline_tree(_MD.parseInline(text)[0].children or []):
        return text  # no reference link in it
    references = env["references"]

    def inline(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)  # a code span is not markup
        words, label = match.group(1), match.group(2) or match.group(1)
        ref = references.get(normalizeReference(label)) if label is not None else None
        return f"[{words}]({_link_destination(ref['href'])})" if ref else match.group(0)

    resolved = _REFERENCE.sub(inline, text)
    return resolved if _inline_tree(_MD.parseInline(resolved)[0].children or []) == wanted else None


# [words][label], [words][] or [label], not an inline link's [words](…) nor an escaped bracket; code
# spans are matched first so that what they hold stays as it is.
_REFERENCE = re.compile(r"(?<!\\)\[((?:[^\[\]\\]|\\.)*)\](?:\[((?:[^\[\]\\]|\\.)*)\])?(?![(:\[])"
                        r"|(?P<code>(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\4(?!`))")


def _inline_tree(tokens: list[Token]) -> list[tuple[str, str, str]]:
    """What an inline token stream means: its kinds, texts (adjacent ones joined) and link targets."""
    tree: list[tuple[str, str, str]] = []
    for token in tokens:
        kind = "text" if token.type in ("text", "text_special", "softbreak", "hardbreak") else token.type
        content = " " if token.type.endswith("break") else token.content if kind in ("text", "code_inline") else ""
        if kind == "text" and tree and tree[-1][0] == "text":
            tree[-1] = ("text", tree[-1][1] + content, "")
        else:
            tree.append((kind, content, str(token.attrGet("href") or "")))
    return tree


def _link_destination(href: str) -> str:
    if href and not re.search(r"[\s()<>\\]", href):
        return href
    return "<" + re.sub(r"([<>\\])", r"\\\1", href) + ">"
