"""Templates from an article's units, and the merge that brings a catalogue in step with one.

The promise: every translation a translator wrote is kept, exactly once. A unit keeps its
entry (translation, comments, flags); an edited unit is offered the translation of the most
similar old one, fuzzy, with the text it was made for as `#|`; an entry the article no longer
has becomes obsolete (a plural entry too, with all its forms); a confirmed translation that an
edited unit borrowed stays obsolete as well, so a sentence that returns to its old text gets its
old translation back, confirmed. A unit nothing matches may be filled from the translation
memory (see .memory). The header keeps every field the translator's tool wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from babel import Locale
from babel.messages.plurals import get_plural

from publisher.model import Article, Unit
from publisher.po.catalog import Catalog, Entry, unit_key
from publisher.po.memory import FUZZY_THRESHOLD, MEMORY_NOTE, similarity, words

# Plural-Forms exactly as GNU gettext's msginit writes them, so editors do not rewrite the header.
GETTEXT_PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "en": "nplurals=2; plural=(n != 1);",
}
ARTICLE_ID_FIELD = "X-Article-Id"  # in the template: lets a renamed article find its catalogues
_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*([1-9]\d*)\s*;\s*plural\s*=\s*([n0-9\s()?:!=<>&|%+*/-]+?)\s*;?\s*")


def plural_forms(lang: str) -> str:
    if lang in GETTEXT_PLURAL_FORMS:
        return GETTEXT_PLURAL_FORMS[lang]
    return get_plural(lang).plural_forms


def valid_plural_forms(value: str | None) -> bool:
    """A Plural-Forms value gettext can evaluate: nplurals=N; plural=EXPRESSION; (parentheses balanced)."""
    match = _PLURAL_FORMS.fullmatch(value or "")
    if not match:
        return False
    depth = 0
    for char in match.group(2):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# --- Templates ----------------------------------------------------------------------------------


def template(article: Article, units: Iterable[Unit], reference: str) -> Catalog:
    header = Entry("", _header_text(article, None), tcomments=[_header_comment(article)], flags=["fuzzy"])
    entries = [Entry(unit.text, msgctxt=unit.context, comments=[unit.role], references=[reference]) for unit in units]
    return Catalog(header, entries)


def _header_comment(article: Article) -> str:
    return f"Translatable units of the article “{article.headline}” ({article.slug})."


def _header_text(article: Article, lang: str | None) -> str:
    created = _created(article)
    fields = [
        ("Project-Id-Version", article.slug),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", created if lang else "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", "" if lang else "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", f"{Locale.parse(lang).english_name} <>" if lang else "LANGUAGE <LL@li.org>"),
        ("Language", lang or ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    fields.append(("Plural-Forms", plural_forms(lang)) if lang else (ARTICLE_ID_FIELD, article.id))
    return "".join(f"{name}: {value}\n" for name, value in fields)


def _created(article: Article) -> str:
    return (article.updated or article.published).strftime("%Y-%m-%d %H:%M%z")


# --- Merging ------------------------------------------------------------------------------------


def merge(pot: Catalog, old: Catalog | None, lang: str, article: Article, source_language: str,
          memory: Callable[[Entry], bool] | None = None, prune_obsolete: bool = False) -> Catalog:
    """The catalogue for `lang`: the template's order, previous work kept, edited units fuzzy,
    removed ones obsolete (unless pruned), new ones from the memory where it knows them."""
    previous = list(old.entries) if old else []
    by_key = {unit_key(*e.key): e for e in previous}
    po = Catalog(_merged_header(pot, old, lang, article))
    used: set[int] = set()
    fresh = []
    for unit in pot.entries:
        entry = Entry(unit.msgid, msgctxt=unit.msgctxt, comments=list(unit.comments),
                      references=list(unit.references))
        found = by_key.get(unit_key(*unit.key))
        if found is not None:
            _keep_translation(entry, found)
            used.add(id(found))
        else:
            fresh.append(entry)
        po.entries.append(entry)
    borrowed = _offer_fuzzy(fresh, [e for e in previous if id(e) not in used and e.has_translation])
    if memory is not None and lang != source_language:
        for entry in fresh:  # only a unit the update creates: an empty one left as it is stays so
            if not entry.has_translation:
                memory(entry)
    if lang == source_language:
        _fill_identity(po)
    if not prune_obsolete:
        po.entries += [_obsolete(e) for e in previous
                       if e.has_translation and (id(e) not in used and id(e) not in borrowed or
                                                 id(e) in borrowed and not e.fuzzy)]
    return po


def _merged_header(pot: Catalog, old: Catalog | None, lang: str, article: Article) -> Entry:
    """The translator's header as it was, but for what update must set: POT-Creation-Date as the
    template's, Language and Plural-Forms where they are missing (or Plural-Forms is invalid)."""
    if old is None or old.header is None:
        return Entry("", _header_text(article, lang), tcomments=list(pot.header.tcomments))
    header = Catalog(old.header.copy())
    header.set_field("POT-Creation-Date", pot.field("POT-Creation-Date") or _created(article))
    if not header.field("Language"):
        header.set_field("Language", lang)
    if not valid_plural_forms(header.field("Plural-Forms")):
        header.set_field("Plural-Forms", plural_forms(lang))
    return header.header


def _keep_translation(entry: Entry, old: Entry) -> None:
    entry.msgstr = old.msgstr if old.msgid_plural is None else (old.msgstr_plural or [""])[0]
    entry.tcomments = list(old.tcomments)
    entry.comments += [c for c in old.comments if c.startswith(MEMORY_NOTE) and c not in entry.comments]
    entry.flags = [f for f in old.flags if f != "fuzzy" or entry.has_translation]
    if old.msgid_plural is not None and entry.has_translation:
        entry.set_fuzzy(True)  # a plural entry's first form, for a unit that is not plural: a translator decides
    if entry.fuzzy:
        entry.previous_msgctxt, entry.previous_msgid = old.previous_msgctxt, old.previous_msgid


def _offer_fuzzy(fresh: list[Entry], candidates: list[Entry]) -> set[int]:
    """Pair new units with similar old ones, best pairs first, each old translation used once.
    Returns the ids of the old entries used."""
    pairs = []
    for entry in fresh:
        these = words(entry.msgid)
        for old in candidates:
            if old.msgctxt == entry.msgctxt and old.msgid_plural is None:
                score = similarity(these, words(old.msgid), FUZZY_THRESHOLD)
                if score >= FUZZY_THRESHOLD:
                    pairs.append((-score, entry.msgid, old.msgid, entry, old))
    taken: set[int] = set()
    borrowed: set[int] = set()
    for _, _, _, entry, old in sorted(pairs, key=lambda p: p[:3]):
        if id(entry) in taken or id(old) in borrowed:
            continue
        entry.msgstr, entry.tcomments = old.msgstr, list(old.tcomments)
        entry.flags = ["fuzzy"] + [f for f in old.flags if f != "fuzzy"]
        entry.previous_msgctxt = old.previous_msgctxt if old.fuzzy and old.previous_msgid else old.msgctxt
        entry.previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid
        taken.add(id(entry))
        borrowed.add(id(old))
    return borrowed


def _fill_identity(po: Catalog) -> None:
    """The source language translates to itself; a copy-editor's override is kept (fuzzy if the source moved)."""
    for entry in po.entries:
        if not entry.has_translation or entry.fuzzy and entry.msgstr == entry.previous_msgid:
            entry.msgstr = entry.msgid
            entry.set_fuzzy(False)
            entry.previous_msgid = entry.previous_msgctxt = None


def _obsolete(entry: Entry) -> Entry:
    return entry.copy(obsolete=True, references=[])
