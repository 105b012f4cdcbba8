"""A PO catalogue in memory: everything gettext represents, nothing it does not.

An entry keeps every comment kind (translator `#`, extracted `#.` including empty lines,
references `#:`, flags `#,` in their order), its previous strings (`#|`, `#~|`), its context,
its plural forms and whether it is obsolete. The header is an entry too (msgid ""); its fields
are read and changed in place, so every field a translator's tool wrote stays where it was.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path


Key = tuple[str | None, str]  # (msgctxt, msgid)

# Spaces a translator's editor may substitute for one another in a msgid: the same unit.
_SPACE_VARIANT = re.compile("[\u00a0\u202f\u2007]")


def unit_key(msgctxt: str | None, msgid: str) -> Key:
    """The identity of a unit, as every command compares it: NFC, and a no-break space is a space
    (an editor that re-saves in NFD or swaps U+00A0 must not make a unit a stranger)."""
    if not msgid.isascii():  # most msgids are ASCII: nothing to normalise
        if not unicodedata.is_normalized("NFC", msgid):
            msgid = unicodedata.normalize("NFC", msgid)
        if "\u00a0" in msgid or "\u202f" in msgid or "\u2007" in msgid:  # three scans: faster than a search
            msgid = _SPACE_VARIANT.sub(" ", msgid)
    return msgctxt, msgid


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: list[str] = field(default_factory=list)  # msgstr[0], msgstr[1] …
    tcomments: list[str] = field(default_factory=list)  # translator comments, one per line
    comments: list[str] = field(default_factory=list)  # extracted (#.) comments, one per line
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0  # where the entry starts in its file (its first comment line); 0: not read from a file

    @property
    def key(self) -> Key:
        return self.msgctxt, self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    @property
    def translations(self) -> list[str]:
        """Every msgstr of the entry: the one, or each plural form."""
        return self.msgstr_plural if self.msgid_plural is not None else [self.msgstr]

    @property
    def has_translation(self) -> bool:
        """Whether a translator wrote anything here (whitespace is not a translation)."""
        if self.msgid_plural is None:  # most entries: one msgstr (asked of every entry a merge reads)
            return bool(self.msgstr.strip())
        return any(text.strip() for text in self.msgstr_plural)

    def set_fuzzy(self, fuzzy: bool) -> None:
        self.flags = (["fuzzy"] if fuzzy else []) + [f for f in self.flags if f != "fuzzy"]

    def copy(self, **changes) -> Entry:
        copied = replace(self, msgstr_plural=list(self.msgstr_plural), tcomments=list(self.tcomments),
                         comments=list(self.comments), references=list(self.references), flags=list(self.flags))
        return replace(copied, **changes) if changes else copied


@dataclass
class Catalog:
    """A header entry (or None) and the entries, live and obsolete, in the file's order."""

    header: Entry | None = None
    entries: list[Entry] = field(default_factory=list)

    def __iter__(self):
        """The live entries (what a template or a translator works on), in the file's order."""
        return iter(self.live)

    @property
    def live(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    @property
    def obsolete(self) -> list[Entry]:
        return [e for e in self.entries if e.obsolete]

    def index(self) -> dict[Key, Entry]:
        """Live entries by their unit key (see unit_key)."""
        return {unit_key(*e.key): e for e in self.live}

    def field(self, name: str) -> str | None:
        return header_field(self.header.msgstr, name) if self.header else None

    def set_field(self, name: str, value: str) -> None:
        if self.header is None:
            self.header = Entry("")
        self.header.msgstr = set_header_field(self.header.msgstr, name, value)


def header_fields(header: str) -> list[tuple[str, str]]:
    """`Name: value` lines of a header msgstr, in their order (a line without a colon is skipped)."""
    fields = []
    for line in header.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            fields.append((name.strip(), value.strip()))
    return fields


def header_field(header: str, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in header_fields(header) if key.lower() == wanted), None)


def set_header_field(header: str, name: str, value: str) -> str:
    """The header with `name` set to `value`: in place if it is there, appended otherwise."""
    pattern = re.compile(rf"^{re.escape(name)}[ \t]*:.*$", re.IGNORECASE | re.MULTILINE)
    line = f"{name}: {value}"
    if pattern.search(header):
        return pattern.sub(lambda _: line, header, count=1)
    if header and not header.endswith("\n"):
        header += "\n"
    return header + line + "\n"


# --- Where catalogues live ---------------------------------------------------------------------------


def template_path(locales: Path, slug: str) -> Path:
    return locales / "templates" / f"{slug}.pot"


def compendium_path(locales: Path, lang: str) -> Path:
    """A language's translation memory beyond the articles (as msgcat or Poedit write one)."""
    return locales / lang / "compendium.po"


def folder_language(path: Path) -> str | None:
    """The language a catalogue's folder says: locales/<lang>/LC_MESSAGES/<slug>.po."""
    return path.parent.parent.name if path.parent.name == "LC_MESSAGES" else None
