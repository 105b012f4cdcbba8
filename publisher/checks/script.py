"""Script: look-alike letters from another alphabet, English left behind, letters of a neighbour language.

A Latin "о" inside a Kazakh word looks right and breaks search, hyphenation and screen readers;
a Russian "и" in a Belarusian text is a word the Belarusian reader does not have.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from publisher.checks.base import Context, Entry, english_name, language_script, prose, quoted, script_of, words

# Letters of the neighbouring Cyrillic alphabet that the language does not use.
FOREIGN_LETTERS = {
    "be": "ИиЩщЪъ",  # Russian letters; Belarusian writes і, ў, ’ instead
    "ru": "ІіЎў",  # Belarusian (and Kazakh/Ukrainian) letters
}
# Letters only the language has among its Cyrillic neighbours: a whole catalogue without any of
# them was most likely written in Russian.
OWN_LETTERS = {
    "kk": "ӘәҒғҚқҢңӨөҰұҮүҺһІі",
    "be": "ЎўІі",
}
# Below this many letters of translation a text may lack them by chance.
OWN_LETTERS_MIN_TEXT = 200
# Alphabets with letters that look alike (а/a, о/o, і/i, Α/A): mixing them inside a word is a homoglyph.
# Other letters (the modifier apostrophe ʼ of сямʼя, ordinal indicators) belong to no alphabet here.
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
_ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s*)[\s“‘\"«„(\[—–-]*$")
_SHOWN = 5  # words quoted in one message


def mixed_script(entry: Entry, ctx: Context) -> Iterator[str]:
    mixed = [word for word in words(prose(entry.target)) if len(_scripts(word)) > 1]
    if mixed:
        yield "; ".join(_describe_mixed(word) for word in dict.fromkeys(mixed))


def _scripts(word: str) -> Counter:
    return Counter(script for script in map(script_of, word) if script in _LOOKALIKE_SCRIPTS)


def _describe_mixed(word: str) -> str:
    main = _scripts(word).most_common(1)[0][0]
    strays = "".join(dict.fromkeys(c for c in word if script_of(c) in _LOOKALIKE_SCRIPTS - {main}))
    odd = {script_of(c) for c in strays}
    return f"“{word}” mixes scripts: {'/'.join(sorted(s.title() for s in odd))} {quoted(strays)} " \
           f"among {main.title()} letters (a look-alike?)"


def latin_words(entry: Entry, ctx: Context) -> Iterator[str]:
    """English (or any Latin-script) words left in a translation into a Cyrillic-script language."""
    if language_script(ctx.lang) != "Cyrl":
        return
    left = [word for word in words(prose(entry.target))
            if _is_latin(word) and word not in ctx.allowed_latin and not _ROMAN_NUMERAL.fullmatch(word)]
    if left:
        yield f"Latin-script word(s) in the translation: {quoted(list(dict.fromkeys(left))[:_SHOWN])} " \
              "(not a name in the source nor a glossary form)"


def foreign_letters(entry: Entry, ctx: Context) -> Iterator[str]:
    letters = FOREIGN_LETTERS.get(ctx.lang, "")
    found = [word for word in words(prose(entry.target)) if any(c in letters for c in word)]
    if found:
        used = "".join(dict.fromkeys(c for word in found for c in word if c in letters))
        yield f"{english_name(ctx.lang)} does not use {' '.join(used)} (in {quoted(list(dict.fromkeys(found))[:_SHOWN])})"


def own_letters(entries: list[Entry], ctx: Context) -> Iterator[str]:
    """A check over the whole catalogue: a translation without any of the language's own letters."""
    letters = OWN_LETTERS.get(ctx.lang)
    text = "".join(prose(e.target) for e in entries if e.translated)
    if letters and sum(c.isalpha() for c in text) >= OWN_LETTERS_MIN_TEXT and not any(c in letters for c in text):
        yield f"none of {' '.join(letters[1::2])} anywhere in the translations: is this really {english_name(ctx.lang)}?"


def source_names(texts: Iterable[str]) -> frozenset[str]:
    """Latin words the source uses as names: capitalised other than at a sentence's start, or mixed case."""
    names = set()
    for text in texts:
        plain = prose(text)
        for match in re.finditer(r"[^\W\d_]+", plain):
            word = match.group()
            if _is_latin(word) and (_inner_capital(word) or word[0].isupper()
                                    and not _SENTENCE_START.search(plain[:match.start()])):
                names.add(word)
    return frozenset(names)


def _inner_capital(word: str) -> bool:
    return any(c.isupper() for c in word[1:])


def _is_latin(word: str) -> bool:
    return all(script_of(c) == "LATIN" for c in word)
