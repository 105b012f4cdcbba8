"""Script: look-alike letters from another alphabet, English left behind, letters of a neighbour language.

A Latin "о" inside a Kazakh word looks right and breaks search, hyphenation and screen readers;
a Russian "и" in a Belarusian text is a word the Belarusian reader does not have.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from publisher.checks.alphabets import ALPHABETS, LATIN
from publisher.checks.base import Context, Entry, english_name, language_script, prose, quoted, words

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
# A word all of Latin letters.
_LATIN_WORD = re.compile(rf"(?<![^\W\d_])[{LATIN}]+(?![^\W\d_])")
_FOREIGN = {lang: re.compile(f"[{letters}]") for lang, letters in FOREIGN_LETTERS.items()}
_OWN = {lang: re.compile(f"[{letters}]") for lang, letters in OWN_LETTERS.items()}
_ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+")
# What may stand between a sentence's end and its first word.
_SENTENCE_OPENERS = frozenset("“‘\"«„([—–-")
_SHOWN = 5  # words quoted in one message


def mixed_script(entry: Entry, ctx: Context) -> Iterator[str]:
    text = prose(entry.target)
    # Only a text with letters of two alphabets can have a word that mixes them.
    present = [letter for letter in ALPHABETS.values() if letter.search(text)]
    if len(present) < 2:
        return
    mixed = [word for word in words(text) if sum(bool(letter.search(word)) for letter in present) > 1]
    if mixed:
        yield "; ".join(_describe_mixed(word) for word in dict.fromkeys(mixed))


def _describe_mixed(word: str) -> str:
    alphabets = [_alphabet(c) for c in word]
    main = Counter(a for a in alphabets if a).most_common(1)[0][0]
    strays = "".join(dict.fromkeys(c for c, a in zip(word, alphabets) if a and a != main))
    odd = {_alphabet(c) for c in strays}
    return f"“{word}” mixes scripts: {'/'.join(sorted(odd))} {quoted(strays)} among {main} letters (a look-alike?)"


def _alphabet(char: str) -> str | None:
    return next((name for name, letter in ALPHABETS.items() if letter.fullmatch(char)), None)


def latin_words(entry: Entry, ctx: Context) -> Iterator[str]:
    """English (or any Latin-script) words left in a translation into a Cyrillic-script language."""
    if language_script(ctx.lang) != "Cyrl":
        return
    left = [word for word in _latin_in(entry.target) if word not in ctx.allowed_latin]
    if left:
        yield f"Latin-script word(s) in the translation: {quoted(list(dict.fromkeys(left))[:_SHOWN])} " \
              "(not a name in the source nor a glossary form)"


@lru_cache(maxsize=1 << 15)
def _latin_in(text: str) -> tuple[str, ...]:
    """The Latin words of a translation, Roman numerals left out; which of them are names depends on
    the catalogue, the words themselves only on the text (which recurs in catalogue after catalogue)."""
    return tuple(word for word in _LATIN_WORD.findall(prose(text)) if not _ROMAN_NUMERAL.fullmatch(word))


def foreign_letters(entry: Entry, ctx: Context) -> Iterator[str]:
    letters = FOREIGN_LETTERS.get(ctx.lang, "")
    text = prose(entry.target)
    if not letters or not _FOREIGN[ctx.lang].search(text):
        return
    found = [word for word in words(text) if _FOREIGN[ctx.lang].search(word)]
    used = "".join(dict.fromkeys(c for word in found for c in word if c in letters))
    yield f"{english_name(ctx.lang)} does not use {' '.join(used)} (in {quoted(list(dict.fromkeys(found))[:_SHOWN])})"


def own_letters(entries: list[Entry], ctx: Context) -> Iterator[str]:
    """A check over the whole catalogue: a translation without any of the language's own letters."""
    letters = OWN_LETTERS.get(ctx.lang)
    if not letters:
        return
    text = "".join(prose(e.target) for e in entries if e.translated)
    if not _OWN[ctx.lang].search(text) and sum(map(str.isalpha, text)) >= OWN_LETTERS_MIN_TEXT:
        yield f"none of {' '.join(letters[1::2])} anywhere in the translations: is this really {english_name(ctx.lang)}?"


def source_names(texts: Iterable[str]) -> frozenset[str]:
    """Latin words the source uses as names: capitalised other than at a sentence's start, or mixed case."""
    return frozenset().union(*map(_names_in, texts))


@lru_cache(maxsize=4096)
def _names_in(text: str) -> frozenset[str]:
    """Every language's catalogue of an article asks for the same source texts: read each once."""
    plain = prose(text)
    names = set()
    previous_end = 0
    for match in _LATIN_WORD.finditer(plain):
        word = match.group()
        # A sentence start holds no letter: it is looked for after the previous word only.
        if _inner_capital(word) or word[0].isupper() and not _starts_sentence(plain, previous_end, match.start()):
            names.add(word)
        previous_end = match.end()
    return frozenset(names)


def _starts_sentence(text: str, previous_end: int, start: int) -> bool:
    """Whether the word at `start` begins a sentence: nothing but spaces and opening marks since the
    text's start or since a final mark. Read backwards from the word, over those marks only."""
    i = start
    while i > previous_end and (text[i - 1].isspace() or text[i - 1] in _SENTENCE_OPENERS):
        i -= 1
    return i == 0 or i > previous_end and text[i - 1] in ".!?:"


def _inner_capital(word: str) -> bool:
    return any(c.isupper() for c in word[1:])
