"""Hostile text is read in linear time: twice the input takes about twice the time, never four times.

Each test times the same work on an input and on one twice as long (the best of a few runs, on
fresh text each run so that no cache answers) and asserts the ratio, never an absolute time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import count

import pytest

from publisher.checks.base import Context, Entry
from publisher.checks.runner import CATALOGUE_CHECKS, TRANSLATION_CHECKS, _silenced
from publisher.checks.script import source_names
from publisher.glossary import Glossary, Term
from publisher.segment import split

# Quadratic work doubles to 4×; noise on a shared machine stays well below 3×.
MAX_RATIO = 3.0


# Below this a time is mostly the clock's and the machine's noise: the input is made larger first.
MEASURABLE = 0.01  # seconds
MAX_SIZE = 2_000_000
_fresh = count()


def best_time(work: Callable[[str], object], make: Callable[[int], str], size: int, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        text = f"{next(_fresh)} " + make(size)  # a new text each run: no cache remembers it
        start = time.perf_counter()
        work(text)
        times.append(time.perf_counter() - start)
    return min(times)


def growth(work: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """Time of the work on twice the input ÷ its time on the input (grown until measurable)."""
    base = best_time(work, make, size)
    while base < MEASURABLE and size < MAX_SIZE:
        size *= 4
        base = best_time(work, make, size)
    return best_time(work, make, 2 * size) / base


def assert_linear(work: Callable[[str], object], make: Callable[[int], str], size: int) -> None:
    ratio = growth(work, make, size)
    if ratio > MAX_RATIO:  # a busy moment on a shared machine: measure once more, larger
        ratio = growth(work, make, 2 * size)
    assert ratio <= MAX_RATIO, f"twice the input took {ratio:.1f}× the time"


GLOSSARY = Glossary((
    Term("belarus", {"en": ("Belarus",), "ru": ("Беларусь", "Беларуси")}),
    Term("rb", {"en": ("Republic of Belarus",), "ru": ("Республика Беларусь",)}),
))
CONTEXT = Context("ru", "en", "ru", "en_GB", GLOSSARY, frozenset({"BelTA"}))


def every_check(text: str) -> None:
    """Every check of `publish check` on the text as source and as translation, and what the runner
    reads of a source text for them (its names)."""
    for entry in (Entry(text, "Перевод."), Entry("A sentence.", text), Entry(text, text)):
        for check in TRANSLATION_CHECKS:
            list(check.run(entry, CONTEXT))
    for check in CATALOGUE_CHECKS:
        list(check.run([Entry(text, text)], CONTEXT))
    source_names([text])


# Each, found in review or by trying: a pattern that rescans, a pass per item, a cache of pieces.
HOSTILE_TEXTS = {
    "an @ after a long word": lambda n: "a" * n + "@",
    "a double space, then a long word": lambda n: "x  y " + "б" * n + " z",
    "a long Latin word before a Cyrillic letter": lambda n: "a" * n + "б",
    "many spaces after a full stop": lambda n: "a. " + " " * n + "5 Word",
    "opening brackets": lambda n: "[" * n,
    "image brackets": lambda n: "![" * (n // 2),
    "unclosed link targets": lambda n: "[a](" * (n // 4),
    "emphasis marks": lambda n: "a*" * (n // 2),
    "backticks": lambda n: "a`" * (n // 2),
    "links": lambda n: "[a](https://x.by/) " * (n // 19),
    "quotation marks": lambda n: "«" * n,
    "figures": lambda n: "1 000 " * (n // 6),
    "digits": lambda n: "1" * n,
    "words": lambda n: "Kazakhstan and Belarus cooperate. " * (n // 34),
}


@pytest.mark.parametrize("make", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_every_check_reads_hostile_text_in_linear_time(make):
    assert_linear(every_check, make, 5_000)


HOSTILE_PARAGRAPHS = {
    **HOSTILE_TEXTS,
    "typographic quotation marks": lambda n: "“" * n,
    "bracketed sentences": lambda n: "[a. " * (n // 4),
    "short exclamations": lambda n: "a! " * (n // 3),
    "apostrophes": lambda n: "'" * n,
    "sentences with links": lambda n: "See [it. Now](http://x.y/z). " * (n // 29),
    "initials": lambda n: "A. " * (n // 3),
    "lower-case sentences": lambda n: "he went home. " * (n // 14),
    "quotations": lambda n: "“He went. " * (n // 10),
    "ellipses": lambda n: "Prices rose… Then " * (n // 18),
    "attributions": lambda n: "“No!” Ms. Ivanova added. " * (n // 25),
}


@pytest.mark.parametrize("make", HOSTILE_PARAGRAPHS.values(), ids=HOSTILE_PARAGRAPHS.keys())
def test_segmentation_reads_hostile_paragraphs_in_linear_time(make):
    assert_linear(lambda text: split(text, "en"), make, 20_000)


def test_a_translator_comment_with_many_blank_lines_is_read_in_linear_time():
    assert_linear(_silenced, lambda n: "\n" * n + "no-check figures", 50_000)


def test_many_glossary_terms_inside_longer_ones_are_found_in_linear_time():
    assert_linear(lambda text: GLOSSARY.find(text, "en"), lambda n: "Republic of Belarus and Belarus. " * (n // 33),
                  50_000)
