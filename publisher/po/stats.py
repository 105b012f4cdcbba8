"""What "translated" means, once, for status, check, build and update alike.

A unit is translated when its catalogue has a live entry for it (its msgid may differ from the
source by NFC/NFD or a no-break space, see catalog.unit_key), not fuzzy, whose msgstr holds more
than whitespace. Fuzzy means marked fuzzy with such a msgstr; everything else is untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from publisher.po.catalog import Catalog, Entry, Key, unit_key

TRANSLATED, FUZZY, UNTRANSLATED = "translated", "fuzzy", "untranslated"
_SPACES = re.compile(r"[ \t\n\r]+")


def state(entry: Entry | None) -> str:
    if entry is None or entry.obsolete or not entry.has_translation:
        return UNTRANSLATED
    return FUZZY if entry.fuzzy else TRANSLATED


def usable(entry: Entry | None) -> str | None:
    """The text the outputs use for a unit, or None: its whitespace normalised as a source unit's
    is (a stray tab or line break would make a NewsML name invalid; a no-break space stays)."""
    return usable_text(entry.translations[0]) if state(entry) == TRANSLATED else None


def usable_text(text: str) -> str:
    """A translation's text as the outputs use it (see usable)."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:  # otherwise _SPACES changes nothing
        text = _SPACES.sub(" ", text)
    return text.strip()


class Translations(dict):
    """Usable translations by unit key; looked up by a unit's (context, text) as it is."""

    def __getitem__(self, key: Key) -> str:
        return super().__getitem__(unit_key(*key))

    def __contains__(self, key) -> bool:
        return super().__contains__(unit_key(*key))

    def get(self, key: Key, default=None):
        return super().get(unit_key(*key), default)


def translations(catalog: Catalog) -> Translations:
    found = Translations()
    for entry in catalog.live:
        text = usable(entry)
        if text is not None:
            found[unit_key(*entry.key)] = text
    return found


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


def stats(catalog: Catalog, units: Iterable[Key] | None = None) -> Stats:
    """Counts over the given units (an article's), or over the catalogue's own live entries."""
    index = catalog.index()
    keys = [unit_key(*k) for k in units] if units is not None else list(index)
    states = [(state(index.get(key)), len(key[1].split())) for key in keys]

    def count(wanted: str | None, words: bool = False) -> int:
        return sum(w if words else 1 for s, w in states if wanted is None or s == wanted)

    return Stats(len(states), count(TRANSLATED), count(FUZZY), count(UNTRANSLATED),
                 count(None, True), count(TRANSLATED, True), count(FUZZY, True))
