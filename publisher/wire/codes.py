"""Names for the codes a wire item carries, in the item's language where the code's owner publishes one.

- IPTC Media Topics (medtop) and Genres (genre): IPTC's names, shipped in data/codes.json with their
  source and licence. IPTC publishes no Russian, Belarusian or Kazakh names, so every item names
  these codes in British English (which Superdesk's genre reader also requires) and, where IPTC
  has it, in the item's own language.
- IPTC Subject Codes (subj): mapped from each Media Topic by IPTC's own links (exactMatch and
  closeMatch; a broadMatch gives the broader subject). Superdesk maps only these. They carry no
  names here (none from IPTC was at hand); consumers resolve them from IPTC's list, as Superdesk does.
- Countries (iso3166-1a2): CLDR's names through Babel, in every language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from babel import Locale

from publisher.errors import PublisherError

ENGLISH = "en-GB"
# IPTC's files tag Danish 'dk' and Swedish 'se' (the code of Northern Sami): what xml:lang must say instead.
IPTC_TAGS = {"da": "dk", "sv": "se", "en": ENGLISH, "pt": "pt-PT", "zh": "zh-Hans"}
BCP47 = {iptc: lang for lang, iptc in IPTC_TAGS.items() if lang not in ("en", "pt", "zh")}
# The subject schemes a story may use, and the concept type of their codes.
SUBJECT_TYPES = {"medtop": "cpnat:abstract", "subj": "cpnat:abstract", "iso3166-1a2": "cpnat:geoArea"}


@dataclass(frozen=True)
class Name:
    text: str
    lang: str


@dataclass(frozen=True)
class Concept:
    qcode: str
    type: str
    names: tuple[Name, ...] = ()
    why: str | None = None  # why:inferred for a code looked up from another (a subj from a medtop)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads((files("publisher.wire") / "data" / "codes.json").read_text(encoding="utf-8"))


def subjects(qcodes: tuple[str, ...], lang: str, path: str) -> tuple[Concept, ...]:
    """The story's subjects, named, followed by the Subject Codes IPTC maps its Media Topics to."""
    named = [_subject(check(q, SUBJECT_TYPES, path), lang) for q in qcodes]
    given = set(qcodes)
    mapped: list[Concept] = []
    for qcode in qcodes:
        for subj in subject_codes(qcode):
            if subj not in given and all(c.qcode != subj for c in mapped):
                mapped.append(Concept(subj, "cpnat:abstract", (), "why:inferred"))
    return tuple(named + mapped)


def subject_codes(qcode: str) -> list[str]:
    """IPTC's Subject Codes for a Media Topic: its exact and close matches, else its broad match."""
    scheme, _, code = qcode.partition(":")
    links = _data()["medtop"].get(code, {}).get("subj", {}) if scheme == "medtop" else {}
    chosen = links.get("exactMatch", []) + links.get("closeMatch", []) or links.get("broadMatch", [])
    return [f"subj:{c}" for c in chosen]


def genre(qcode: str, lang: str, path: str) -> Concept:
    return _named_genre(check(qcode, ("genre",), path), lang)


@lru_cache(maxsize=1024)
def _named_genre(qcode: str, lang: str) -> Concept:
    code = qcode.partition(":")[2]
    return Concept(qcode, "cpnat:abstract", _iptc_names(_data()["genre"].get(code, {}), lang))


@lru_cache(maxsize=4096)
def country(code: str, lang: str) -> Concept:
    return Concept(f"iso3166-1a2:{code}", "cpnat:geoArea", _country_names(code, lang))


# Concepts are immutable values of their code and language alone: a build names each code once
# per language (a vocabulary's worth at most), not once per item.
@lru_cache(maxsize=4096)
def _subject(qcode: str, lang: str) -> Concept:
    scheme, _, code = qcode.partition(":")
    if scheme == "iso3166-1a2":
        return country(code, lang)
    names = _iptc_names(_data()["medtop"].get(code, {}), lang) if scheme == "medtop" else ()
    return Concept(qcode, SUBJECT_TYPES[scheme], names)


def _iptc_names(entry: dict, lang: str) -> tuple[Name, ...]:
    names = entry.get("names", {})
    wanted = [IPTC_TAGS.get(lang, lang), ENGLISH]
    chosen = dict.fromkeys(tag for tag in wanted if tag in names)
    return tuple(Name(names[tag], BCP47.get(tag, tag)) for tag in chosen)


def _country_names(code: str, lang: str) -> tuple[Name, ...]:
    """CLDR's name of the country in the item's language (and in English, for every reader)."""
    found = []
    for tag in dict.fromkeys([lang, "en"]):
        name = Locale.parse(tag).territories.get(code)
        if name:
            found.append(Name(name, tag))
    return tuple(found)


def check(qcode: str, schemes, path: str) -> str:
    scheme, _, code = qcode.partition(":")
    if scheme not in schemes or not code or qcode.split() != [qcode]:  # no whitespace anywhere
        known = ", ".join(f"{s}:…" for s in schemes)
        raise PublisherError(f"'{qcode}' is not a code the IPTC catalogue defines for NewsML-G2; use {known} "
                             "(e.g. medtop:20000638 for international relations)", path)
    return qcode
