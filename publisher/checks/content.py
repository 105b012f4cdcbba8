"""Content: is everything translated, and are the glossary's terms used?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from publisher.checks.base import Context, Entry, prose, quoted

_LETTER = re.compile(r"[^\W\d_]")
_SHOWN = 3  # accepted forms quoted in a message


def untranslated(entry: Entry, ctx: Context) -> Iterator[str]:
    if not entry.target and ctx.lang != ctx.source_lang:
        yield "not translated: readers get the source sentence, and the wire feed holds the language back"


def fuzzy(entry: Entry, ctx: Context) -> Iterator[str]:
    if entry.target and entry.fuzzy:
        yield "marked fuzzy: the translation was made for another source text; review it, then remove the flag"


def identical(entry: Entry, ctx: Context) -> Iterator[str]:
    if ctx.lang != ctx.source_lang and entry.target == entry.source and _LETTER.search(entry.source):
        yield "the translation is the source text"


def terminology(entry: Entry, ctx: Context) -> Iterator[str]:
    target = prose(entry.target)
    for term in ctx.glossary.find(prose(entry.source), ctx.source_lang):
        forms = term.forms.get(ctx.lang)
        if forms and not term.occurs_in(target, ctx.lang):
            name = (term.forms.get(ctx.source_lang) or (term.id,))[0]
            more = ", …" if len(forms) > _SHOWN else ""
            yield f"glossary term “{name}” is missing: none of {quoted(forms[:_SHOWN])}{more} in the translation"
