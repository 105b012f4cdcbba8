"""The update benchmark: edit some source sentences, replace others, and score the fuzzy matches.

An edited sentence (a figure or a word changed) should be offered its previous translation as a
fuzzy match; a brand-new sentence should be offered nothing, since any old translation is wrong.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from publisher import po
from publisher.config import load_config
from publisher.project import load_articles
from publisher.segment import units

# Copy-editors' word swaps; each keeps the sentence's meaning and most of its words.
SYNONYMS = {
    "cooperation": "collaboration", "important": "significant", "interested": "keen", "experience": "expertise",
    "countries": "nations", "development": "growth", "plans": "proposals", "great": "considerable",
    "noted": "observed", "said": "stated", "stressed": "emphasised", "convinced": "certain",
    "mentioned": "cited", "field": "area", "sphere": "area", "training": "preparation",
    "partners": "allies", "organized": "held", "mutual": "shared", "main": "principal",
}
_SYNONYM = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b")
_FIGURE = re.compile(r"\b\d+\b")

# Brand-new copy on the same story, in its vocabulary, saying something never translated before;
# the last two are built like sentences of the story but report other facts.
NEW_SENTENCES = (
    "The ambassador also noted that Kazakhstan and Belarus plan to hold a business forum in {city} in {month}.",
    "According to the ambassador, trade between the two countries grew by {n}% last year.",
    "Belarusian partners are also interested in joint projects in {sector}, the diplomat said.",
    "The roundtable session was attended by representatives of {n} Belarusian companies.",
    "Kazakhstan intends to raise the share of the processing industry in its economy to {n}%.",
    "The two countries are also discussing cooperation in the field of {sector}.",
    "A delegation of {n} Kazakh businessmen will visit {city} in {month}.",
    "The head of the diplomatic mission invited Belarusian universities to open branches in {city}.",
    "The first forum of governors of Belarus and Kazakhstan will be held in {city} in {month}.",
    "Plans are in place to build {n} new schools in the regions of Kazakhstan.",
)
SLOTS = {
    "city": ("Pavlodar", "Aktobe", "Orsha", "Pinsk", "Kostanay", "Lida", "Bobruisk", "Atyrau"),
    "month": ("January", "March", "April", "June", "November", "December"),
    "sector": ("agriculture and food processing", "pharmaceuticals", "logistics and transit",
               "tourism", "water management", "space research", "the chemical industry"),
    "n": tuple(str(n) for n in range(12, 97)),
}


@dataclass(frozen=True)
class Change:
    slug: str
    kind: str  # figure | wording | new
    old: str
    new: str


def edited(sentence: str) -> tuple[str, str] | None:
    """A copy-editor's change: a figure moved by one, else one word swapped; None if neither applies."""
    figure = _FIGURE.search(sentence)
    if figure:
        return "figure", sentence[: figure.start()] + str(int(figure.group()) + 1) + sentence[figure.end():]
    word = _SYNONYM.search(sentence)
    if word:
        return "wording", sentence[: word.start()] + SYNONYMS[word.group()] + sentence[word.end():]
    return None


def new_sentence(rng: random.Random) -> str:
    template = rng.choice(NEW_SENTENCES)
    return template.format(**{slot: rng.choice(values) for slot, values in SLOTS.items()})


def edit_sources(root: Path, fraction: float = 0.02, seed: int = 0) -> list[Change]:
    """Edit `fraction` of the body units across the corpus, replace as many again; rewrite the sources."""
    config = load_config(root)
    rng = random.Random(seed)
    articles = load_articles(config)
    texts = {a.slug: (config.source_path / f"{a.slug}.md").read_text(encoding="utf-8") for a in articles}
    candidates = [(a.slug, u) for a in articles for u in units(a, config.segmentation)
                  if u.context is None and texts[a.slug].count(u.text) == 1]
    wanted = round(len(candidates) * fraction)
    rng.shuffle(candidates)
    changes: list[Change] = []
    for slug, unit in candidates:
        edit = edited(unit.text)
        if edit and sum(c.kind != "new" for c in changes) < wanted:
            changes.append(Change(slug, edit[0], unit.text, edit[1]))
        elif unit.role == "body" and sum(c.kind == "new" for c in changes) < wanted:
            changes.append(Change(slug, "new", unit.text, _unused_sentence(rng, texts[slug])))
        else:
            continue
        texts[slug] = texts[slug].replace(unit.text, changes[-1].new, 1)
    for slug in {c.slug for c in changes}:
        (config.source_path / f"{slug}.md").write_text(texts[slug], encoding="utf-8")
    return changes


def _unused_sentence(rng: random.Random, text: str) -> str:
    while True:
        sentence = new_sentence(rng)
        if sentence not in text:
            return sentence


def score(before: Path, after: Path, changes: list[Change], languages: tuple[str, ...]) -> dict[str, dict]:
    """Per kind of change: how many units (× languages) were offered a fuzzy translation, and how many
    of those were the previous translation of the edited sentence."""
    counts: dict[str, Counter] = {}
    catalogues: dict[tuple[Path, str, str], dict] = {}

    def entries(root: Path, lang: str, slug: str) -> dict:
        if (root, lang, slug) not in catalogues:
            catalogues[root, lang, slug] = _entries(root, lang, slug)
        return catalogues[root, lang, slug]

    for change in changes:
        for lang in languages:
            old = entries(before, lang, change.slug).get(change.old)
            new = entries(after, lang, change.slug).get(change.new)
            offered = bool(new and new.msgstr and "fuzzy" in new.flags)
            tally = counts.setdefault(change.kind, Counter())
            tally["units"] += 1
            tally["offered"] += offered
            tally["previous translation"] += offered and old is not None and new.msgstr == old.msgstr
    return {kind: dict(tally) for kind, tally in sorted(counts.items())}


def _entries(root: Path, lang: str, slug: str) -> dict:
    catalog = po.read(po.catalog_path(root / "locales", lang, slug))
    return {e.msgid: e for e in catalog.live if e.msgctxt is None}
