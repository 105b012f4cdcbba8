"""Figures: the same numbers in source and translation, however each language writes them.

"1,500" / "1 500" / "1500", "2.5" / "2,5", "$200 million" / "200 млн долларов" / "200 млн доллардан",
"5%" / "5 %" all compare as values. Dates compare by their numbers: "6 October 2024",
"6 октября 2024 года" and "2024 жылғы 6 қазан" all hold 6 and 2024. A figure written as a word on
one side ("five years" / "5 лет", "21st century" / "XXI век") is accepted; two number words are not compared (ordinals and
inflections make that guesswork), so "five" → "шесть" goes unnoticed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from publisher.checks.base import WORD, Context, Entry, english_name, prose

# Spaces that group digits: space, no-break space (CLDR's ru/be/kk), narrow no-break and thin space.
_SPACES = " \u00a0\u202f\u2009"
# Scale words after a figure, matched by their beginning so that inflected and suffixed forms
# count too (миллиона, мільёнаў, млрд-қа).
_SCALES = (
    (Decimal(10) ** 3, ("thousand", "тыс", "мың")),
    (Decimal(10) ** 6, ("million", "mln", "млн", "миллион", "мільён")),
    (Decimal(10) ** 9, ("billion", "bn", "млрд", "миллиард", "мільярд")),
    (Decimal(10) ** 12, ("trillion", "трлн", "триллион", "трыльён")),
)
_ROMAN = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_SCALE_WORD = re.compile(f"[{_SPACES}]*([^\\W\\d_]+)")
# Numbers written as words, in the forms news copy uses; only ever used to excuse a figure.
_NUMBER_WORDS = {
    "en": {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"},
    "ru": {1: "один одна одно одного одной одному одним одном одну", 2: "два две двух двум двумя",
           3: "три трех трёх трем трём тремя", 4: "четыре четырех четырёх четырем четырём четырьмя",
           5: "пять пяти пятью", 6: "шесть шести шестью", 7: "семь семи семью", 8: "восемь восьми восемью",
           9: "девять девяти девятью", 10: "десять десяти десятью"},
    "be": {1: "адзін адна адно аднаго адной аднаму адным адну", 2: "два дзве двух двум двума",
           3: "тры трох тром трыма", 4: "чатыры чатырох чатыром чатырма", 5: "пяць пяці пяццю",
           6: "шэсць шасці шасцю", 7: "сем сямі сямю", 8: "восем васьмі васьмю", 9: "дзевяць дзевяці",
           10: "дзесяць дзесяці"},
    "kk": {1: "бір", 2: "екі екеу екеуі", 3: "үш үшеу үшеуі", 4: "төрт төртеу", 5: "бес бесеу", 6: "алты",
           7: "жеті", 8: "сегіз", 9: "тоғыз", 10: "он"},
}


def figures(entry: Entry, ctx: Context) -> Iterator[str]:
    source = _figures(entry.source, ctx.source_babel_locale)
    target = _figures(entry.target, ctx.babel_locale)
    source_values, target_values = Counter(v for v, _ in source), Counter(v for v, _ in target)
    missing, extra = source_values - target_values, target_values - source_values
    # A figure the other side writes in words is no difference; words are read only when one is left.
    if missing:
        missing -= Counter(_worded(entry.target, ctx.lang))
    if extra:
        extra -= Counter(_worded(entry.source, ctx.source_lang))
    lost, added = _shown(source, missing), _shown(target, extra)
    parts = []
    if lost:
        parts.append(f"{', '.join(lost)} missing")
    if added:
        parts.append(f"{', '.join(added)} not in the source")
    if set(lost) & set(added):
        parts.append(f"the same digits mean another number in {english_name(ctx.lang)}: mind its group and "
                     "decimal separators")
    if parts:
        yield "; ".join(parts)


def _shown(found: tuple[tuple[Decimal, str], ...], values: Counter) -> list[str]:
    return list(dict.fromkeys(text for value, text in found if values[value]))


@lru_cache(maxsize=4096)
def _figures(text: str, babel_locale: str) -> tuple[tuple[Decimal, str], ...]:
    """(value, as written) for each figure in the unit's prose, its scale word applied.
    A source text is read once for all the languages it is translated into."""
    plain = prose(text)
    found = []
    for match in _number_pattern(babel_locale).finditer(plain):
        scale, end = _scale_after(plain, match.end())
        value = Decimal(_digits(match.group(), babel_locale)) * scale
        found.append((value.normalize(), plain[match.start():end]))
    return tuple(found)


@lru_cache(maxsize=None)
def _number_pattern(babel_locale: str) -> re.Pattern[str]:
    """Digits with the locale's group separators (or spaces) and a decimal comma or point."""
    group = re.escape(_SPACES + get_group_symbol(babel_locale))
    decimal = re.escape("".join({get_decimal_symbol(babel_locale), "."} - {get_group_symbol(babel_locale)}))
    return re.compile(rf"(?<!\d)(?:\d{{1,3}}(?:[{group}]\d{{3}})+(?!\d)|\d+)(?:[{decimal}]\d+)?")


def _digits(number: str, babel_locale: str) -> str:
    """The figure as Decimal reads it: no group separators, a decimal point."""
    group = get_group_symbol(babel_locale)
    kept = "".join(c for c in number if c not in _SPACES and c != group)
    return kept.replace(",", ".")


def _scale_after(text: str, position: int) -> tuple[Decimal, int]:
    match = _SCALE_WORD.match(text, position)
    if match:
        word = match.group(1).lower()
        for scale, stems in _SCALES:
            if word.startswith(stems):
                return scale, match.end()
    return Decimal(1), position


@lru_cache(maxsize=4096)
def _worded(text: str, lang: str) -> tuple[Decimal, ...]:
    """Values the text writes in words (with their scale: "two million") or Roman numerals (XXI век)."""
    table = _word_values(lang)
    plain = prose(text)
    values = []
    for match in WORD.finditer(plain):
        number = table.get(match.group().lower()) or _roman(match.group())
        if number is not None:
            scale, _ = _scale_after(plain, match.end())
            values.append((number * scale).normalize())
    return tuple(values)


def _roman(word: str) -> Decimal | None:
    if not _ROMAN.fullmatch(word):
        return None
    values = [_ROMAN_DIGITS[c] for c in word]
    # A digit before a larger one is subtracted: XIV = 10 - 1 + 5.
    return Decimal(sum(-v if v < after else v for v, after in zip(values, values[1:] + [0])))


@lru_cache(maxsize=None)
def _word_values(lang: str) -> dict[str, Decimal]:
    return {form: Decimal(value) for value, forms in _NUMBER_WORDS.get(lang, {}).items() for form in forms.split()}



# --- Typesetting of figures ---------------------------------------------------------------------------

# Russian, Belarusian and Kazakh typesetting write four-digit numbers solid (1500) and group five
# digits and more in threes with a no-break space (15 000). Babel's format_decimal does not follow
# the first rule (1 500), so the check cannot lean on it.
SOLID_FOUR_DIGITS = frozenset({"ru", "be", "kk"})
_GAP = "[ \u00a0\u202f\u2009]"
# One digit, a space, three digits: neither part of a longer figure nor of a decimal fraction's tail.
_SPACED_FOUR = re.compile(rf"(?<![\d.,])(?<!\d{_GAP})\d{_GAP}\d{{3}}(?!\d|{_GAP}\d{{3}}(?!\d))")
# Five digits and more grouped with an ordinary (breaking) space somewhere.
_BREAKABLE_GROUPS = re.compile(rf"(?<![\d.,])(?<!\d{_GAP})(?:\d{{2,3}}(?:{_GAP}\d{{3}})+|\d(?:{_GAP}\d{{3}}){{2,}})(?!\d)")


def digit_groups(entry: Entry, ctx: Context) -> Iterator[str]:
    if ctx.lang not in SOLID_FOUR_DIGITS:
        return
    plain = prose(entry.target)
    name = english_name(ctx.lang)
    separate = {value for value, _ in _figures(entry.source, ctx.source_babel_locale)}
    for match in _SPACED_FOUR.finditer(plain):
        first, rest = match.group()[0], match.group()[2:]
        if {Decimal(first), Decimal(rest)} <= separate and Decimal(first + rest) not in separate:
            continue  # two figures of the source side by side ("in 5 100-metre pools")
        yield f"“{match.group()}”: {name} writes four-digit numbers solid: {first}{rest}"
    for match in _BREAKABLE_GROUPS.finditer(plain):
        if " " in match.group():
            yield f"“{match.group()}”: group the digits with no-break spaces (U+00A0), so that the number " \
                  "never breaks across lines"
