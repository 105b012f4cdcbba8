"""Reading a PO/POT file: the fast path for gettext's own layout, the careful path for the rest.

Both give the same Catalog for the same file (a test holds them to it); the careful path also
gives bad input its precise message, `path:line: what is wrong, and what to do`.
"""

from __future__ import annotations

from pathlib import Path

from publisher.errors import PublisherError
from publisher.po import fast
from publisher.po.catalog import Catalog, Entry, folder_language, header_fields, unit_key
from publisher.po.scan import decoded_text, primary, scan_text
from publisher.po.stats import Translations, translations, usable_text


def read(path: Path, display: str | None = None) -> Catalog:
    """The catalogue in a PO/POT file; bad input is reported with its line."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", name) from None
    return parse(raw, name, folder_language(path))


def parse(raw: bytes, name: str, lang: str | None = None, keep_cr: bool = False) -> Catalog:
    """The catalogue in a file's bytes; `lang` is the language its folder says, if any."""
    return _parsed(decoded_text(raw, name, keep_cr), name, lang)


def _parsed(text: str, name: str, lang: str | None) -> Catalog:
    entries = fast.parse(text)
    if entries and _plain_sailing(entries, lang):
        return Catalog(entries[0], entries[1:])
    return scan_text(text, name, lang)


class CatalogFile:
    """A catalogue file as a build reads it: its bytes, its usable translations by unit key (see
    stats.translations), and the whole catalogue, parsed only when something asks for it (a gate's
    checks, the lines a link hold names)."""

    def __init__(self, raw: bytes, name: str, lang: str | None, translations: Translations,
                 catalog: Catalog | None = None):
        self.raw, self.name, self.lang, self.translations = raw, name, lang, translations
        self._catalog = catalog

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = parse(self.raw, self.name, self.lang)
        return self._catalog


def read_for_build(raw: bytes, name: str, lang: str | None = None, whole: bool = False) -> CatalogFile:
    """A catalogue file's translations, refused with its line as `parse` refuses it. A file in
    gettext's plainest layout is read without making its entries (fast.plain_units, three times
    faster); `parse` would read the same translations from it (a test holds them to it). `whole`:
    its entries will be wanted too, so it is parsed at once rather than read twice."""
    text = decoded_text(raw, name)
    units = None if whole else fast.plain_units(text)
    if units and _plain_units_sailing(units, lang):
        found = Translations()
        for msgctxt, msgid, msgstr, fuzzy, obsolete in units[1:]:
            if not (obsolete or fuzzy) and msgstr.strip():
                found[unit_key(msgctxt, msgid)] = usable_text(msgstr)
        return CatalogFile(raw, name, lang, found)
    catalog = _parsed(text, name, lang)
    return CatalogFile(raw, name, lang, translations(catalog), catalog)


def _plain_sailing(entries: list[Entry], lang: str | None) -> bool:
    """Nothing here the careful reader would have to report: a UTF-8 header first, in the right
    language folder, and no entry twice."""
    header = entries[0]
    return header.is_header and _plain_header(header.msgstr, lang) and len({e.key for e in entries}) == len(entries)


def _plain_units_sailing(units: list[fast.Unit], lang: str | None) -> bool:
    """_plain_sailing, of the units fast.plain_units read."""
    msgctxt, msgid, msgstr, _, obsolete = units[0]
    is_header = msgid == "" and msgctxt is None and not obsolete
    return is_header and _plain_header(msgstr, lang) and len({unit[:2] for unit in units}) == len(units)


def _plain_header(header: str, lang: str | None) -> bool:
    """A header that says UTF-8, and the language of the folder if it says one."""
    fields = {name.lower(): value for name, value in reversed(header_fields(header))}  # the first of each name
    charset = fields.get("content-type", "").partition("charset=")[2].strip().lower()
    language = fields.get("language", "")
    return charset in ("utf-8", "utf8") and not (lang and language and primary(language) != primary(lang))
