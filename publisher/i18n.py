"""The toolkit's own words (template labels such as "Read in") in every language: gettext domain `publisher`.

The catalogues ship as PO files (publisher/locale/<lang>/LC_MESSAGES/publisher.po) and are compiled in
memory when first used: no binary .mo file in the repository that could drift from its PO source.
Fuzzy entries are left out, as msgfmt leaves them out.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "publisher"


@lru_cache(maxsize=None)
def translations(lang: str, package: str = "publisher", domain: str = DOMAIN) -> NullTranslations:
    """The catalogue of a language (`<package>/locale/<lang>/LC_MESSAGES/<domain>.po`); a language without
    one shows the English words. The wire keeps its notes to partners in its own domain."""
    po = files(package) / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo, domain=domain)
