"""The gettext layer: every command reads, writes, merges and counts catalogues through it.

What the rest of the toolkit may use is named here; the modules behind it are private.
"""

from publisher.layout import catalog_path
from publisher.po.catalog import Catalog, Entry, Key, compendium_path, folder_language, template_path, unit_key
from publisher.po.fmt import format_files
from publisher.po.memory import MEMORY_NOTE, Memory
from publisher.po.merge import ARTICLE_ID_FIELD, merge, plural_forms, template
from publisher.po.read import CatalogFile, parse, read, read_for_build
from publisher.po.stats import FUZZY, TRANSLATED, UNTRANSLATED, Stats, Translations, state, stats, translations, usable
from publisher.po.write import render


def read_translations(path, display: str | None = None) -> Translations:
    """The usable translations of a catalogue file, by unit key (what a build needs of it)."""
    return translations(read(path, display))


__all__ = ["ARTICLE_ID_FIELD", "FUZZY", "MEMORY_NOTE", "TRANSLATED", "UNTRANSLATED", "Catalog", "CatalogFile", "Entry", "Key", "Memory", "Stats", "Translations",
           "catalog_path", "compendium_path", "folder_language", "format_files", "merge", "parse",
           "plural_forms", "read", "read_for_build", "read_translations", "render", "state", "stats", "template",
           "template_path", "translations", "unit_key", "usable"]
