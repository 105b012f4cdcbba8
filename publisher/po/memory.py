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
        # Words are indexed per source text, not per record: a desk's catalogues repeat the same
        # sentences (885 texts in 42,151 records of a 1,000-article corpus).
        self._texts: dict[str, int] = {}  # a source text → its number
        self._text_records: list[list[int]] = []  # a text's number → its records' numbers, ascending
        self._postings: dict[str, list[int]] = defaultdict(list)  # a word → the texts holding it
        self._frequency: dict[str, int] = {}  # a word → how many records hold it
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
                self._text_records[self._text(entry.msgid)].append(len(self._records))
                self._records.append(record)

    def _text(self, msgid: str) -> int:
        number = self._texts.get(msgid)
        if number is None:
            number = self._texts[msgid] = len(self._text_records)
            self._text_records.append([])
            for word in set(words(msgid)):
                self._postings[word].append(number)
        return number

    def _records_holding(self, word: str) -> int:
        if word not in self._frequency:
            self._frequency[word] = sum(len(self._text_records[text]) for text in self._postings[word])
        return self._frequency[word]

    def _best_exact(self, entry: Entry, excluding: str | None) -> _Record | None:
        found = [r for r in self._exact.get(unit_key(entry.msgctxt, entry.msgid)[1], ()) if r.where != excluding]
        same_role = [r for r in found if r.msgctxt == entry.msgctxt]
        return (same_role or found or [None])[0]

    def _best_near(self, entry: Entry, excluding: str | None) -> _Record | None:
        these = words(entry.msgid)
        known = {w for w in these if w in self._postings}
        rare = tuple(sorted(known, key=lambda w: (self._records_holding(w), w))[:4])  # sorted: the same words every run
        if rare not in self._candidates:  # new copy repeats a story's words: many units share their rarest
            self._candidates[rare] = self._most_shared(rare)
        best, best_score = None, FUZZY_THRESHOLD
        for number in self._candidates[rare]:
            record = self._records[number]
            if record.where == excluding or record.msgctxt != entry.msgctxt:
                continue
            score = similarity(these, words(record.msgid), best_score)
            if score >= best_score and (best is None or score > best_score) and self._safe(entry.msgid, record.msgid):
                best, best_score = record, score
        return best

    def _most_shared(self, rare: tuple[str, ...]) -> list[int]:
        """The _CANDIDATES records holding the most of these words, ties to the lowest number."""
        shared: Counter[int] = Counter()
        for word in rare:
            shared.update(self._postings[word])
        by_count: dict[int, list[int]] = defaultdict(list)
        for text, count in shared.items():
            by_count[count].append(text)
        chosen: list[int] = []
        for count in sorted(by_count, reverse=True):
            wanted = _CANDIDATES - len(chosen)  # the lowest of them are among each text's lowest
            chosen += sorted(n for text in by_count[count] for n in self._text_records[text][:wanted])[:wanted]
            if len(chosen) == _CANDIDATES:
                break
        return chosen

    def _safe(self, text: str, other: str) -> bool:
        return (_figures(text) == _figures(other) and _links(text) == _links(other)
                and self._terms(text) == self._terms(other))


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
