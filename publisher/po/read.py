"""Reading a PO/POT file: the fast path for gettext's own layout, the careful path for the rest.

Both give the same Catalog for the same file (a test holds them to it); the careful path also
gives bad input its precise message, `path:line: what is wrong, and what to do`.
"""

from __future__ import annotations

from pathlib import Path

from publisher.errors import PublisherError
from publisher.po import fast
from publisher.po.catalog import Catalog, Entry, folder_language, header_field
from publisher.po.scan import decoded_text, primary, scan_text


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
    text = decoded_text(raw, name, keep_cr)
    entries = fast.parse(text)
    if entries and _plain_sailing(entries, lang):
        return Catalog(entries[0], entries[1:])
    return scan_text(text, name, lang)


def _plain_sailing(entries: list[Entry], lang: str | None) -> bool:
    """Nothing here the careful reader would have to report: a UTF-8 header first, in the right
    language folder, and no entry twice."""
    header = entries[0]
    if not header.is_header:
        return False
    charset = (header_field(header.msgstr, "Content-Type") or "").partition("charset=")[2].strip().lower()
    language = header_field(header.msgstr, "Language") or ""
    if charset not in ("utf-8", "utf8") or lang and language and primary(language) != primary(lang):
        return False
    return len({e.key for e in entries}) == len(entries)
