"""Spelling: Hunspell's dictionaries, taught the glossary's forms and the project's word lists.

Hunspell runs in the process through chunspell (a binding whose wheels carry libhunspell 1.7) with the
dictionaries the system has: Debian's hunspell-ru, hunspell-be, hunspell-kk, hunspell-en-gb and
hunspell-en-us in /usr/share/hunspell. One dictionary is loaded per process and language, not per
catalogue; looking a word up costs microseconds, a suggestion about 0.1 s, so a catalogue gets
suggestions for its first SUGGESTED unknown words only.

A word is accepted when Hunspell knows it, when one of the glossary's forms in that language holds
it, when the word list glossary/words-<lang>.txt has it, or when it is not in the language's own
script (Latin names and codes in a Cyrillic text are the `latin` check's business). In the source
language's catalogue the source's names (capitalised inside a sentence) are accepted too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.core import get_global

from publisher.checks.alphabets import CYRILLIC, LATIN
from publisher.checks.base import Context, Entry, english_name, language_script, prose, quoted
from publisher.checks.script import FOREIGN_LETTERS
from publisher.errors import PublisherError

# Where Hunspell's dictionaries are looked for, after the directories in $DICPATH (as hunspell does).
DICTIONARY_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts",
                   "/usr/local/share/hunspell", "~/.local/share/hunspell")
# The Debian package that brings a language's dictionary (named in the message when one is missing).
DEBIAN_PACKAGES = {"en_GB": "hunspell-en-gb", "en_US": "hunspell-en-us", "ru_RU": "hunspell-ru",
                   "be_BY": "hunspell-be", "kk_KZ": "hunspell-kk", "uk_UA": "hunspell-uk"}
WORD_LIST = "words-{lang}.txt"  # beside the glossary
SUGGESTED = 20  # unknown words per catalogue that get Hunspell's suggestions
SHOWN = 3  # suggestions in a message
# Longer than any word of these languages: reported without asking Hunspell, whose look-up and
# suggestions grow with the length of what they are given.
LONGEST_WORD = 60
KEPT_TEXTS = 1 << 16  # translations whose unknown words a Vocabulary keeps
_SCRIPT_LETTERS = {"Cyrl": CYRILLIC, "Latn": LATIN}
# A word: letters, with apostrophes (сур’ёзны, O’Neill) and hyphens (кое-что, Қасым-Жомарт) inside.
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*(?:-[^\W\d_]+(?:['’ʼ][^\W\d_]+)*)*")
_APOSTROPHES = str.maketrans("’ʼ", "''")  # the dictionaries spell the apostrophe '


@dataclass(frozen=True)
class Spelling:
    """What the spelling check knows of one catalogue: its unknown words and their suggestions."""

    dictionary: str
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)


def spelling(entry: Entry, ctx: Context) -> Iterator[str]:
    known = ctx.spelling
    if known is None:
        return
    for word in unit_words(entry.target, ctx.lang):
        if word in known.unknown:
            suggestions = known.unknown[word]
            advice = f"did you mean {quoted(suggestions[:SHOWN])}?" if suggestions else "no suggestions"
            yield f"“{word}” is not in the {known.dictionary} dictionary: {advice}"


@lru_cache(maxsize=1 << 15)  # prepare() and then the check itself read each unit's words
def unit_words(text: str, lang: str) -> tuple[str, ...]:
    """The words to check in a unit, each once, in order."""
    return tuple(dict.fromkeys(words_to_check(text, lang)))


def words_to_check(text: str, lang: str) -> Iterator[str]:
    """The words of a unit's prose written in the language's script; of a hyphenated word, its parts
    (an ending after a figure or an abbreviation, 1500-ден, ЖІӨ-ні, 5%-ын, is not a word)."""
    letters = _script_class(lang)
    foreign = _foreign_class(lang)
    plain = prose(text)
    for match in _WORD.finditer(plain):
        parts = match.group().split("-")
        if match.start() and plain[match.start() - 1] == "-":  # after "1500-" or "5%-"
            parts = parts[1:]
        for i, part in enumerate(parts):
            after_abbreviation = i and len(parts[i - 1]) > 1 and parts[i - 1].isupper()
            # A neighbour language's letter in a word is the `letters` check's finding, not a second one.
            if not after_abbreviation and not letters.search(part) and not (foreign and foreign.search(part)):
                yield part


@lru_cache(maxsize=None)
def _foreign_class(lang: str) -> re.Pattern[str] | None:
    """A neighbour language's letter, where the language has such letters."""
    letters = FOREIGN_LETTERS.get(lang)
    return re.compile(f"[{letters}]") if letters else None


@lru_cache(maxsize=None)
def _script_class(lang: str) -> re.Pattern[str]:
    """A letter outside the language's script (a word with one is not this dictionary's)."""
    letters = _SCRIPT_LETTERS.get(language_script(lang), LATIN)
    return re.compile(f"[^{letters}'’ʼ]")


def prepare(lang: str, babel_locale: str, targets: Iterable[str], accepted: frozenset[str]) -> Spelling | str:
    """The unknown words of a catalogue's translations, or why they cannot be checked (what to install)."""
    return Vocabulary(lang, babel_locale, accepted).prepare(targets)


@dataclass(frozen=True)
class Vocabulary:
    """The words a language's catalogues accept besides its dictionary's (the glossary's, the word
    list's), and which words of each translation are unknown: found once per text, since
    translations recur in catalogue after catalogue."""

    lang: str
    babel_locale: str
    accepted: frozenset[str]
    _unknown: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def prepare(self, targets: Iterable[str], names: frozenset[str] = frozenset()) -> Spelling | str:
        """The unknown words of a catalogue's translations, in the order they first appear (the
        first SUGGESTED get suggestions), `names` accepted too; or why they cannot be checked."""
        name = dictionary_name(self.lang, self.babel_locale)
        speller = load_speller(name)
        if isinstance(speller, str):
            return speller
        unknown: dict[str, tuple[str, ...]] = {}
        for text in targets:
            for word in self._unknown_in(text, name):
                if word not in unknown and not (names and _accepted(word, names)):
                    suggest = len(unknown) < SUGGESTED and len(word) <= LONGEST_WORD
                    unknown[word] = _suggestions(name, word) if suggest else ()
        return Spelling(name, unknown)

    def _unknown_in(self, text: str, name: str) -> tuple[str, ...]:
        found = self._unknown.get(text)
        if found is None:
            found = tuple(word for word in unit_words(text, self.lang)
                          if not _accepted(word, self.accepted) and not _known(name, word))
            if len(self._unknown) >= KEPT_TEXTS:
                del self._unknown[next(iter(self._unknown))]  # the oldest
            self._unknown[text] = found
        return found


def _accepted(word: str, accepted: frozenset[str]) -> bool:
    """In the glossary or the word list, as written there or capitalised (a sentence's first word)."""
    return word in accepted or word.lower() in accepted or word.capitalize() in accepted


@lru_cache(maxsize=1 << 16)  # the same words recur in catalogue after catalogue
def _known(name: str, word: str) -> bool:
    if len(word) > LONGEST_WORD:
        return False
    try:
        return load_speller(name).spell(word.translate(_APOSTROPHES))
    except UnicodeError:  # a letter the dictionary's encoding cannot hold
        return False


@lru_cache(maxsize=4096)  # a name unknown to the dictionary recurs in catalogue after catalogue
def _suggestions(name: str, word: str) -> tuple[str, ...]:
    try:
        return tuple(load_speller(name).suggest(word.translate(_APOSTROPHES)))
    except UnicodeError:
        return ()


def dictionary_name(lang: str, babel_locale: str) -> str:
    """Hunspell's name for the language's dictionary: the CLDR locale with its territory (en_GB),
    or the one CLDR thinks likely (ru → ru_RU, be → be_BY, kk → kk_KZ)."""
    locale = Locale.parse(babel_locale)
    territory = locale.territory or get_global("likely_subtags").get(locale.language, "").split("_")[-1]
    return f"{locale.language}_{territory}" if territory else locale.language


@lru_cache(maxsize=None)
def load_speller(name: str):
    """Hunspell with the named dictionary, loaded once per process; or a message saying what to install."""
    try:
        import hunspell
    except ImportError:
        return "the chunspell package is not installed: pip install chunspell"
    found = _dictionary_dir(name)
    if found is None:
        package = DEBIAN_PACKAGES.get(name, f"hunspell-{name.split('_')[0]}")
        language = english_name(name.split("_")[0])
        return f"no Hunspell dictionary {name} for {language}: install it (apt-get install {package}) " \
               "or put its .dic and .aff files in a folder named by DICPATH"
    return hunspell.Hunspell(name, hunspell_data_dir=str(found))


def dictionary_files(name: str) -> tuple[Path, ...]:
    """The .dic and .aff files the named dictionary is loaded from; none when there is none."""
    found = _dictionary_dir(name)
    return (found / f"{name}.dic", found / f"{name}.aff") if found else ()


def _dictionary_dir(name: str) -> Path | None:
    dirs = [*filter(None, os.environ.get("DICPATH", "").split(os.pathsep)), *DICTIONARY_DIRS]
    for folder in map(Path, map(os.path.expanduser, dirs)):
        if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
            return folder
    return None


# --- The project's word lists -----------------------------------------------------------------------


def word_list_path(glossary_path: Path, lang: str) -> Path:
    return glossary_path.parent / WORD_LIST.format(lang=lang)


def load_word_list(path: Path, display: str) -> frozenset[str]:
    """One word a line; `#` starts a comment (a whole line, or after the word: why it is right)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return frozenset()
    except UnicodeDecodeError:
        raise PublisherError("not UTF-8: save the word list as UTF-8", display) from None
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", display) from None
    words = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if len(word.split()) > 1 or not _WORD.fullmatch(word):
            raise PublisherError(f"“{word[:80]}” is not one word: write one word a line (letters, with "
                                 "apostrophes or hyphens inside), a note after #", display, number)
        words.add(word)
    return frozenset(words)


def glossary_words(forms: Iterable[str]) -> frozenset[str]:
    """The words of the glossary's forms, as the check reads words."""
    return frozenset(word for form in forms for match in _WORD.finditer(form) for word in
                     (match.group(), *match.group().split("-")))
