"""Locale facts: from Babel/CLDR where Babel has them, from one small table where it does not."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import DateTimePattern, format_date, format_datetime, match_skeleton

# CLDR's quotation marks (Babel does not carry them): (open, close, inner open, inner close).
QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "be": ("«", "»", "„", "“"),
    "kk": ("«", "»", "“", "”"),
    "uk": ("«", "»", "„", "“"),
    "de": ("„", "“", "‚", "‘"),
    "fr": ("«", "»", "«", "»"),
}
# The dash a dateline ends with, as each press writes it.
DATELINE_DASH = "–"


def quotes(lang: str) -> tuple[str, str, str, str]:
    return QUOTES.get(lang, QUOTES["en"])


def language_name(lang: str) -> str:
    """A language named in itself (English, русский, беларуская, қазақ тілі)."""
    return Locale.parse(lang).get_display_name(lang) or lang


# A build asks for the same few dates in the same few locales thousands of times.
@lru_cache(maxsize=4096)
def dateline_date(day: date, babel_locale: str) -> str:
    """Day and month as the locale writes them in a dateline: 5 September, 5 сентября, 5 қыркүйек."""
    locale, pattern = _dateline_pattern(babel_locale)
    return format_datetime(day, pattern, locale=locale)


@lru_cache(maxsize=64)
def _dateline_pattern(babel_locale: str) -> tuple[Locale, DateTimePattern]:
    """What babel.dates.format_skeleton("dMMMM") formats with, found once per locale: it matches
    the skeleton against the locale's patterns on every call (0.2 ms, each new day of a build)."""
    locale = Locale.parse(babel_locale)
    skeletons = locale.datetime_skeletons
    skeleton = "dMMMM" if "dMMMM" in skeletons else match_skeleton("dMMMM", skeletons) or "dMMMM"
    return locale, skeletons[skeleton]


def dateline(place: str, agency: str, day: date, babel_locale: str) -> str:
    """MINSK, 5 September (BelTA) –"""
    return f"{place.upper()}, {dateline_date(day, babel_locale)} ({agency}) {DATELINE_DASH}"


@lru_cache(maxsize=4096)
def long_date(day: date, babel_locale: str) -> str:
    """5 September 2024, 5 сентября 2024 г., 2024 ж. 5 қыркүйек."""
    return format_date(day, "long", locale=babel_locale)
