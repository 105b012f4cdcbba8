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
from markdown_it.token import Token

from publisher.errors import PublisherError, Problems
from publisher.inline import plain_text
from publisher.model import Article, Block, Dateline
from publisher.pictures.syntax import figure_target, image_problem, read_pictures
from publisher.textchars import describe, forbidden, printable

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
ID_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$")
# Names Windows reserves; a slug or id becomes a file name, so they are refused everywhere.
RESERVED_NAMES = {"con", "prn", "aux", "nul", "edition", "index", "feed"} | {f"com{i}" for i in range(10)} | {
    f"lpt{i}" for i in range(10)
}
STATUSES = ("usable", "canceled", "withheld")
# libyaml's parser when PyYAML was built with it: ten times faster, same nodes and marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED = ("id", "language", "headline", "published", "dateline")
DATELINE_KNOWN = ("place", "agency", "date", "country", "geonames")
# xs:dateTime allows zone offsets of whole minutes up to 14 hours either side of UTC.
MAX_OFFSET = timedelta(hours=14)
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


def find_articles(source_dir: Path) -> list[Path]:
    """Every article in the source folder, in a stable order."""
    if not source_dir.is_dir():
        raise PublisherError("no source folder; create it and add an article as <slug>.md", source_dir)
    return sorted(source_dir.glob("*.md"))


def read_article(path: Path, display: str | None = None) -> Article:
    """Parse and validate one article; every problem found is reported together."""
    name = printable(display or str(path))  # a file name could carry terminal escapes
    text = _read_text(path, name)
    meta, body, body_line = _split_front_matter(text, name)
    fields = _mapping(meta, name, body_line)
    errors: list[PublisherError] = []
    article = _build(path, name, fields, body, body_line, errors)
    if errors:
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
        return yaml.compose(meta, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return yaml.compose(meta, Loader=yaml.SafeLoader)


def _mapping(meta: str, name: str, body_line: int) -> dict[str, _Field]:
    try:
        node = _compose(meta)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PublisherError(f"front matter is not valid YAML: {problem}", name, line) from None
    if not isinstance(node, yaml.MappingNode):
        raise PublisherError("front matter must be a mapping of 'field: value' lines", name, 2)
    fields: dict[str, _Field] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key in fields:
            raise PublisherError(f"field '{key}' appears twice", name, key_node.start_mark.line + 2)
        fields[key] = _Field(_plain(value_node), key_node.start_mark.line + 2)
    return fields


def _plain(node: yaml.Node) -> object:
    """YAML node → str / list / dict; scalars stay strings so that we parse dates ourselves."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _Field(_plain(v), k.start_mark.line + 2) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    return node.value


def _build(path, name, fields, body, body_line, errors) -> Article | None:
    def fail(message: str, line: int) -> None:
        errors.append(PublisherError(message, name, line))

    for key in REQUIRED:
        if key not in fields:
            fail(f"missing field '{key}'", 1)
    for key, f in fields.items():
        if key not in KNOWN:
            fail(f"unknown field '{key}'; known fields: {', '.join(sorted(KNOWN))}", f.line)
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
    if any(ord(c) < 32 and c not in "\t\n" for c in f.value):
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


def _datetime(fields, key, fail, required=True) -> datetime | None:
    f = fields.get(key)
    if f is None:
        return None
    try:
        value = datetime.fromisoformat(str(f.value))
    except ValueError:
        fail(f"field '{key}': '{f.value}' is not a date-time; write e.g. 2024-09-05T12:00:00+03:00", f.line)
        return None
    if value.tzinfo is None:
        fail(f"field '{key}': add the time zone offset, e.g. {f.value}+03:00", f.line)
        return None
    offset = value.utcoffset()
    if offset % timedelta(minutes=1) or abs(offset) > MAX_OFFSET:
        fail(f"field '{key}': the time zone offset of '{f.value}' is not one an xs:dateTime can carry (wire "
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
            fail(f"unknown field 'dateline.{key}'; known: {', '.join(DATELINE_KNOWN)}", part.line)
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
            day = date.fromisoformat(str(when.value))
        except ValueError:
            fail(f"field 'dateline.date': '{when.value}' is not a date; write e.g. 2024-09-05", when.line)
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
    if not str(f.value).isdigit() or not 1 <= int(f.value) <= 9:
        fail("field 'urgency' must be a whole number from 1 (most urgent) to 9", f.line)
        return 5
    return int(f.value)


# --- Body -------------------------------------------------------------------------------------

_MD = MarkdownIt("commonmark", {"html": False})


def parse_body(body: str, name: str, first_line: int, errors: list[PublisherError]) -> tuple[Block, ...]:
    tokens = _MD.parse(body)
    blocks, _ = _blocks(tokens, 0, None, name, first_line, errors)
    return tuple(blocks)


def _blocks(tokens: list[Token], i: int, close: str | None, name, first_line, errors) -> tuple[list[Block], int]:
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
            _check_inline(inline, name, line, errors)
            blocks.append(Block(kind, text=inline.content.strip(), level=level, line=line))
            i += 3
        elif token.type in ("blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open"):
            kind = {"blockquote_open": "quote", "list_item_open": "item"}.get(token.type, "list")
            children, i = _blocks(tokens, i + 1, token.type.replace("_open", "_close"), name, first_line, errors)
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
