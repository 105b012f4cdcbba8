"""The PO catalogues: templates, creation and merging, reading, statistics.

The only module that imports polib. Files are written by publisher.poformat, byte for byte
as GNU gettext writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural

from publisher import pofast, po_input, poformat
from publisher.errors import PublisherError
from publisher.model import Article, Unit

# Plural-Forms exactly as GNU gettext's msginit writes them, so editors do not rewrite the header.
GETTEXT_PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "en": "nplurals=2; plural=(n != 1);",
}
# A previous translation is offered (as fuzzy) only for a sentence at least this similar, word by word.
FUZZY_THRESHOLD = 0.7
_LINE_REF = re.compile(r":\d+$")
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"[ \t\n\r]+")


def template_path(locales: Path, slug: str) -> Path:
    return locales / "templates" / f"{slug}.pot"


def catalog_path(locales: Path, lang: str, slug: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{slug}.po"


def plural_forms(lang: str) -> str:
    if lang in GETTEXT_PLURAL_FORMS:
        return GETTEXT_PLURAL_FORMS[lang]
    return get_plural(lang).plural_forms


# --- Building -----------------------------------------------------------------------------------


def template(article: Article, units: tuple[Unit, ...], reference: str) -> polib.POFile:
    pot = polib.POFile()
    pot.metadata = _metadata(article, None)
    pot.header = _header_comment(article)
    for unit in units:
        pot.append(polib.POEntry(msgctxt=unit.context, msgid=unit.text, msgstr="", comment=unit.role,
                                 occurrences=[(reference, "")]))
    return pot


def _header_comment(article: Article) -> str:
    return f"Translatable units of the article “{article.headline}” ({article.slug})."


def _metadata(article: Article, lang: str | None, existing: dict[str, str] | None = None) -> dict[str, str]:
    existing = existing or {}
    created = (article.updated or article.published).strftime("%Y-%m-%d %H:%M%z")
    metadata = {
        "Project-Id-Version": f"{article.slug}",
        "Report-Msgid-Bugs-To": existing.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": created,
        "PO-Revision-Date": existing.get("PO-Revision-Date", created if lang else "YEAR-MO-DA HO:MI+ZONE"),
        "Last-Translator": existing.get("Last-Translator", "" if lang else "FULL NAME <EMAIL@ADDRESS>"),
        "Language-Team": existing.get("Language-Team", _team(lang) if lang else "LANGUAGE <LL@li.org>"),
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        metadata["Plural-Forms"] = plural_forms(lang)
    return metadata


def _team(lang: str) -> str:
    return f"{Locale.parse(lang).english_name} <>"


def merge(pot: polib.POFile, old: polib.POFile | None, lang: str, article: Article,
          source_language: str) -> polib.POFile:
    """The catalogue for `lang`: template order, previous work kept, edited units fuzzy, removed obsolete."""
    po = polib.POFile()
    po.metadata = _metadata(article, lang, dict(old.metadata) if old else None)
    po.header = old.header if old and old.header else _header_comment(article)
    previous = _previous_entries(old)
    exact = {(e.msgctxt, e.msgid): e for e in previous}
    used: set[int] = set()
    fresh = []
    for unit in pot:
        found = exact.get((unit.msgctxt, unit.msgid))
        entry = _copy_template(unit)
        if found is not None:
            _keep_translation(entry, found)
            used.add(id(found))
        else:
            fresh.append(entry)
        po.append(entry)
    _offer_fuzzy(fresh, [e for e in previous if id(e) not in used and e.msgstr], used)
    if lang == source_language:
        _fill_identity(po)
    po_obsolete = [_obsolete(e) for e in previous if id(e) not in used and e.msgstr]
    po.extend(po_obsolete)
    return po


def _previous_entries(old: polib.POFile | None) -> list[polib.POEntry]:
    if old is None:
        return []
    return [e for e in old if e.msgid] + [e for e in old.obsolete_entries()]


def _copy_template(unit: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgctxt=unit.msgctxt, msgid=unit.msgid, msgstr="", comment=unit.comment,
                         occurrences=list(unit.occurrences))


def _keep_translation(entry: polib.POEntry, old: polib.POEntry) -> None:
    entry.msgstr = old.msgstr
    entry.tcomment = old.tcomment
    entry.flags = [f for f in old.flags if f != "fuzzy" or old.msgstr]
    if "fuzzy" in entry.flags:
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid


def _offer_fuzzy(fresh: list[polib.POEntry], candidates: list[polib.POEntry], used: set[int]) -> None:
    """Pair new units with similar old ones, best pairs first, each old translation used once."""
    pairs = []
    for entry in fresh:
        words = _words(entry.msgid)
        for old in candidates:
            if old.msgctxt == entry.msgctxt:
                score = _similarity(words, _words(old.msgid))
                if score >= FUZZY_THRESHOLD:
                    pairs.append((-score, entry.msgid, old.msgid, entry, old))
    taken: set[int] = set()
    for _, _, _, entry, old in sorted(pairs, key=lambda p: p[:3]):
        if id(entry) in taken or id(old) in used:
            continue
        entry.msgstr, entry.tcomment = old.msgstr, old.tcomment
        entry.flags = ["fuzzy"] + [f for f in old.flags if f != "fuzzy"]
        entry.previous_msgctxt = old.msgctxt
        entry.previous_msgid = old.previous_msgid if "fuzzy" in old.flags and old.previous_msgid else old.msgid
        taken.add(id(entry))
        used.add(id(old))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _similarity(a: list[str], b: list[str]) -> float:
    if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < FUZZY_THRESHOLD:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _fill_identity(po: polib.POFile) -> None:
    """The source language translates to itself; a copy-editor's override is kept (fuzzy if the source moved)."""
    for entry in po:
        if not entry.msgstr or "fuzzy" in entry.flags and entry.msgstr == entry.previous_msgid:
            entry.msgstr = entry.msgid
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None


def _obsolete(entry: polib.POEntry) -> polib.POEntry:
    entry.obsolete = True
    entry.occurrences = []
    return entry


# --- Reading and writing ---------------------------------------------------------------------------


def read(path: Path, display: str | None = None) -> polib.POFile:
    """Parse a PO/POT file; bad input (see publisher.po_input) is reported with its line."""
    name = display or str(path)
    raw = _read_bytes(path, name)
    entries = _read_fast(path, raw, name)
    if entries is not None:
        return _from_raw(entries)
    return _read_carefully(path, raw, name)


def read_translations(path: Path, display: str | None = None) -> dict[tuple[str | None, str], str]:
    """`translations(read(path))`, without building polib's objects for a file in gettext's layout."""
    name = display or str(path)
    raw = _read_bytes(path, name)
    entries = _read_fast(path, raw, name)
    if entries is None:
        return translations(_read_carefully(path, raw, name))
    return _usable((e.strings.get("msgctxt"), e.strings["msgid"], e.strings["msgstr"]) for e in entries[1:]
                   if "fuzzy" not in e.flags)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", name) from None


def _read_fast(path: Path, raw: bytes, name: str) -> list[pofast.RawEntry] | None:
    entries = pofast.parse(po_input.decoded_text(raw, name))
    return entries if entries is not None and _plain_sailing(entries, po_input.folder_language(path)) else None


def _read_carefully(path: Path, raw: bytes, name: str) -> polib.POFile:
    text = po_input.checked_text(raw, name, po_input.folder_language(path))
    try:
        return polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PublisherError(f"not a valid PO file: {_reason(exc)}; fix it in a PO editor or restore it from git",
                             name, int(match.group(1)) if match else None) from None


def _plain_sailing(entries: list[pofast.RawEntry], lang: str | None) -> bool:
    """Nothing here that the careful reader would have to report: a UTF-8 header in the right
    language folder, no duplicate entry."""
    header = entries[0].strings if entries else {}
    if header.get("msgid") != "" or "msgctxt" in header:
        return False
    fields = dict(line.partition(": ")[::2] for line in header["msgstr"].split("\n") if line)
    charset = fields.get("Content-Type", "").partition("charset=")[2].strip().lower()
    language = fields.get("Language", "")
    if charset not in ("utf-8", "utf8") or lang and language and po_input.primary(language) != po_input.primary(lang):
        return False
    keys = {(e.strings.get("msgctxt"), e.strings["msgid"]) for e in entries}
    return len(keys) == len(entries)


def _from_raw(entries: list[pofast.RawEntry]) -> polib.POFile:
    header, *rest = entries
    po = polib.POFile(wrapwidth=0)
    po.header = "\n".join(header.tcomment)
    po.metadata_is_fuzzy = "fuzzy" in header.flags
    key = None
    for line in header.strings["msgstr"].splitlines():  # as polib reads a header
        name, sep, value = line.partition(":")
        if sep:
            key = name
            po.metadata[key] = value.strip()
        elif key is not None:
            po.metadata[key] += "\n" + line.strip()
    for raw in rest:
        entry = polib.POEntry(
            msgid=raw.strings["msgid"], msgstr=raw.strings["msgstr"], msgctxt=raw.strings.get("msgctxt"),
            tcomment="\n".join(raw.tcomment), comment="\n".join(raw.comment), flags=raw.flags,
            occurrences=[tuple(ref.rpartition(":")[::2]) if _LINE_REF.search(ref) else (ref, "")
                         for ref in raw.references],
            previous_msgctxt=raw.strings.get("previous_msgctxt"), previous_msgid=raw.strings.get("previous_msgid"),
            linenum=raw.line)
        po.append(entry)
    return po


def _reason(exc: Exception) -> str:
    return re.sub(r"\s*\(line \d+\)|^Syntax error in po file\s*", "", str(exc)).strip() or "syntax error"


def render(po: polib.POFile, is_template: bool = False) -> str:
    return poformat.render(
        header_comment=po.header,
        header_flags=["fuzzy"] if is_template else [],
        metadata=list(po.metadata.items()),
        entries=[e for e in po if not e.obsolete],
        obsolete=po.obsolete_entries(),
    )


# --- Statistics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    units: int
    translated: int
    fuzzy: int
    untranslated: int
    words: int
    words_translated: int
    words_fuzzy: int

    @property
    def percent(self) -> float:
        return 100.0 if self.units == 0 else 100.0 * self.translated / self.units


def stats(po: polib.POFile) -> Stats:
    live = [e for e in po if not e.obsolete and e.msgid]
    translated = [e for e in live if e.msgstr and "fuzzy" not in e.flags]
    fuzzy = [e for e in live if e.msgstr and "fuzzy" in e.flags]

    def words(entries):
        return sum(len(e.msgid.split()) for e in entries)

    return Stats(len(live), len(translated), len(fuzzy), len(live) - len(translated) - len(fuzzy),
                 words(live), words(translated), words(fuzzy))


def translations(po: polib.POFile) -> dict[tuple[str | None, str], str]:
    """Usable translations: translated and not fuzzy, with their whitespace normalised as a source
    unit's is (a stray tab or line break would make a NewsML name invalid; a no-break space stays)."""
    return _usable((e.msgctxt, e.msgid, e.msgstr) for e in po if not e.obsolete and "fuzzy" not in e.flags)


def _usable(entries) -> dict[tuple[str | None, str], str]:
    usable = {(context, msgid): _SPACES.sub(" ", msgstr).strip() for context, msgid, msgstr in entries}
    return {key: text for key, text in usable.items() if text}
