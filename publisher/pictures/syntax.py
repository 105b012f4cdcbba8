"""The source syntax of pictures. Files sit beside the article, in source/<slug>/; the front
matter declares them with their texts, and the body places each one on a line of its own:

    picture:                        # the lead picture: under the headline, the book's cover
      file: roundtable.jpg          # source/<slug>/roundtable.jpg
      alt: Timur Zhaxylykov speaks at a round table in Minsk   # required: what it shows
      caption: The ambassador at the round table.            # optional
      credit: BelTA / Ivan Ivanov                            # optional: who made it
      copyright: © BelTA                                     # optional
    pictures:                       # pictures in the body, the same fields
      - file: forest.jpg
        alt: A pine forest in the Minsk region

    …and in the body, where it belongs:

    ![](forest.jpg)

Alt text, caption and credit are translatable units (msgctxt picture.alt, picture.caption,
picture.credit). The brackets stay empty: the alt text lives in the front matter only, so that a
picture has one description to translate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from markdown_it.token import Token

from publisher.model import Block, Picture
from publisher.pictures.files import PictureError, inspect

FIELDS = ("file", "alt", "caption", "credit", "copyright")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}\.(?:jpe?g|png|webp)$", re.IGNORECASE)
Fail = Callable[[str, int], None]


def figure_target(inline: Token) -> str | None:
    """The file a paragraph places when it is one image with empty brackets and nothing else."""
    children = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image" and not children[0].children:
        return str(children[0].attrGet("src") or "")
    return None


def image_problem(image: Token) -> str:
    if image.children:
        return ("write a picture's alt text in the front matter (picture or pictures: alt), "
                "and leave the brackets empty: ![](file.jpg)")
    return "a picture stands alone on its line: ![](file.jpg), with a blank line before and after"


def read_pictures(fields: dict, folder: Path, display_folder: str, blocks: tuple[Block, ...],
                  fail: Fail) -> tuple[Picture | None, tuple[Picture, ...]]:
    """The lead picture and the body's pictures, each file checked; problems go to `fail`."""
    lead = None
    if "picture" in fields:
        lead = _picture(fields["picture"], folder, display_folder, fail)
    body: list[Picture] = []
    entries = fields.get("pictures")
    if entries is not None:
        if not isinstance(entries.value, list):
            fail("field 'pictures' must be a list of pictures, each with 'file' and 'alt'", entries.line)
        else:
            for entry in entries.value:
                picture = _picture(_Entry(entry, entries.line), folder, display_folder, fail)
                if picture:
                    body.append(picture)
    _check_placement(lead, body, blocks, fail)
    return lead, tuple(body)


class _Entry:
    """A list item of `pictures`, shaped like a front-matter field (a value and a line)."""

    def __init__(self, value: object, line: int):
        self.value = value
        self.line = min((f.line for f in value.values()), default=line) if isinstance(value, dict) else line


def _picture(field, folder: Path, display_folder: str, fail: Fail) -> Picture | None:
    if not isinstance(field.value, dict):
        fail("a picture must have 'file' and 'alt' (and optionally 'caption', 'credit', 'copyright')", field.line)
        return None
    values = field.value
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        fail(f"unknown picture field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}", values[unknown[0]].line)
        return None
    texts = {key: _text(values.get(key), key, fail) for key in FIELDS}
    for key in ("file", "alt"):
        if not texts[key] and key not in values:
            fail(f"a picture needs '{key}'", field.line)
    name = texts["file"]
    if not name or not texts["alt"]:
        return None
    line = values["file"].line
    if not FILE_NAME.match(name):
        fail(f"picture file '{name}' must be a plain file name in {display_folder}/ ending in .jpg, .jpeg, .png "
             "or .webp (letters, digits, '-' and '_')", line)
        return None
    try:
        found = inspect(folder / name)
    except PictureError as exc:
        fail(f"picture {display_folder}/{name} {exc}", line)
        return None
    return Picture(file=name, source=str(folder / name), alt=texts["alt"], caption=texts["caption"],
                   credit=texts["credit"], copyright=texts["copyright"], width=found.width, height=found.height,
                   digest=found.digest, media_type=found.media_type, line=line)


def _text(field, key: str, fail: Fail) -> str | None:
    if field is None:
        return None
    if not isinstance(field.value, str) or not field.value.strip():
        fail(f"picture field '{key}' must be a non-empty text", field.line)
        return None
    return " ".join(field.value.split())


def _check_placement(lead: Picture | None, body: list[Picture], blocks: tuple[Block, ...], fail: Fail) -> None:
    declared = {p.file: p for p in body}
    if lead and lead.file in declared:
        fail(f"picture '{lead.file}' is the lead picture and a body picture; use it once", declared[lead.file].line)
    seen: set[str] = set()
    for picture in body:
        if picture.file in seen:
            fail(f"picture '{picture.file}' is declared twice in 'pictures'", picture.line)
        seen.add(picture.file)
    placed: set[str] = set()
    for block in blocks:
        if block.kind != "figure":
            continue
        if block.text not in declared:
            fail(f"![]({block.text}) places no declared picture; add it to the front matter's 'pictures' "
                 "with its alt text", block.line)
        elif block.text in placed:
            fail(f"picture '{block.text}' is placed twice; place each picture once", block.line)
        placed.add(block.text)
    for picture in body:
        if picture.file not in placed:
            fail(f"picture '{picture.file}' is declared but not placed; put ![]({picture.file}) on a line of its "
                 "own where it belongs in the body", picture.line)
