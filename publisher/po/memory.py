"""The desk's translation memory: what earlier articles of a language already say.

Read from every catalogue of the language (their obsolete entries too) and an optional
compendium (`locales/<lang>/compendium.po`, as msgcat or Poedit write one), indexed once per
run and only when a unit needs it. An exact match of a unit's text is a translation; a near
match is offered fuzzy, only when it is number-safe: both source texts hold the same figures,
links and glossary terms, so a brand-new sentence is never handed a translation that states
other facts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from publisher.po.catalog import Catalog, Entry, unit_key

MEMORY_NOTE = "translation memory:"  # the extracted comment on a unit the memory filled
# A translation is offered (as fuzzy) only for a sentence at least this similar, word by word;
# the merge uses the same measure for a catalogue's own edited units.
FUZZY_THRESHOLD = 0.7
_CANDIDATES = 30  # near matches scored per unit, those sharing the most rare words
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_FIGURE = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_LINK = re.compile(r"\]\(([^)\s]+)\)|https?://\S+|www\.\S+")


@dataclass(frozen=True)
class _Record:
    msgctxt: str | None
    msgid: str
    msgstr: str
    where: str


class Memory:
    """Translations of one language, looked up by source text."""

    def __init__(self, sources: Callable[[], Iterable[tuple[str, Catalog]]],
                 terms: Callable[[str], frozenset[str]] | None = None):
        self._sources = sources  # (display path, catalogue), the best first: read when first needed
        self._terms = terms or (lambda text: frozenset())
        self._exact: dict[str, list[_Record]] | None = None
        self._records: list[_Record] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._candidates: dict[tuple[str, ...], list[int]] = {}  # the records to score, by the rarest words

    def fill(self, entry: Entry, excluding: str | None = None) -> bool:
        """Give a new, untranslated entry what the memory knows (not from the catalogue `excluding`,
        the entry's own): True if it did."""
        self._index()
        exact = self._best_exact(entry, excluding)
        if exact is not None:
            entry.msgstr = exact.msgstr
            entry.comments.append(f"{MEMORY_NOTE} {exact.where}")
            return True
        near = self._best_near(entry, excluding)
        if near is None:
            return False
        entry.msgstr = near.msgstr
        entry.set_fuzzy(True)
        entry.previous_msgctxt, entry.previous_msgid = near.msgctxt, near.msgid
        entry.comments.append(f"{MEMORY_NOTE} {near.where}")
        return True

    # --- Index, once ---------------------------------------------------------------------------

    def _index(self) -> None:
        if self._exact is not None:
            return
        self._exact = defaultdict(list)
        seen: set[tuple[str | None, str, str]] = set()
        for where, catalog in self._sources():
            live = [e for e in catalog.entries if not e.obsolete]
            for entry in live + [e for e in catalog.entries if e.obsolete]:  # live work before obsolete
                if entry.msgid_plural is not None or entry.fuzzy or not entry.has_translation:
                    continue
                key = unit_key(entry.msgctxt, entry.msgid)
                if (key[0], key[1], where) in seen:
                    continue
                seen.add((key[0], key[1], where))
                record = _Record(entry.msgctxt, entry.msgid, entry.msgstr, where)
                self._exact[key[1]].append(record)
                number = len(self._records)
                self._records.append(record)
                for word in set(words(entry.msgid)):
                    self._postings[word].append(number)

    def _best_exact(self, entry: Entry, excluding: str | None) -> _Record | None:
        found = [r for r in self._exact.get(unit_key(entry.msgctxt, entry.msgid)[1], ()) if r.where != excluding]
        same_role = [r for r in found if r.msgctxt == entry.msgctxt]
        return (same_role or found or [None])[0]

    def _best_near(self, entry: Entry, excluding: str | None) -> _Record | None:
        these = words(entry.msgid)
        known = {w for w in these if w in self._postings}
        rare = tuple(sorted(known, key=lambda w: (len(self._postings[w]), w))[:4])  # sorted: the same words every run
        if rare not in self._candidates:  # new copy repeats a story's words: many units share their rarest
            self._candidates[rare] = _most_shared(self._postings[word] for word in rare)
        best, best_score = None, FUZZY_THRESHOLD
        for number in self._candidates[rare]:
            record = self._records[number]
            if record.where == excluding or record.msgctxt != entry.msgctxt:
                continue
            score = similarity(these, words(record.msgid), best_score)
            if score >= best_score and (best is None or score > best_score) and self._safe(entry.msgid, record.msgid):
                best, best_score = record, score
        return best

    def _safe(self, text: str, other: str) -> bool:
        return (_figures(text) == _figures(other) and _links(text) == _links(other)
                and self._terms(text) == self._terms(other))


def _most_shared(postings: Iterable[list[int]]) -> list[int]:
    """The _CANDIDATES records in the most of these postings, ties to the lowest number. Counted and
    sorted in C (a Python key per record cost more than all the scoring: a rare word of a
    thousand-article desk is in thousands of records): sorting by number first, then stably by
    count, gives the order of (-count, number)."""
    shared: Counter[int] = Counter()
    for numbers in postings:
        shared.update(numbers)
    return sorted(sorted(shared), key=shared.__getitem__, reverse=True)[:_CANDIDATES]


@lru_cache(maxsize=1 << 16)  # each language's index and every near match read the same source texts
def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


def similarity(a: tuple[str, ...], b: tuple[str, ...], floor: float = 0.0) -> float:
    """Word-level similarity of two texts (0 when their lengths differ too much to be one sentence,
    or when it is sure to be below `floor`: then the matcher is not run)."""
    if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < FUZZY_THRESHOLD:
        return 0.0
    if floor and 2 * _most_matches(a, b) / (len(a) + len(b)) < floor:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _most_matches(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """At least as many as the matcher's matching words: only a word the other text holds can match."""
    in_b, in_a = set(b).__contains__, set(a).__contains__
    return min(sum(map(in_b, a)), sum(map(in_a, b)))


def _figures(text: str) -> list[str]:
    return [re.sub(r"[.,\u00a0\u202f ]", "", f) for f in _FIGURE.findall(text)]


def _links(text: str) -> list[str]:
    return sorted(m.group(1) or m.group(0) for m in _LINK.finditer(text))
