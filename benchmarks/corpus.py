"""A benchmark corpus: N articles derived from the bundled one, with complete catalogues.

    python -m benchmarks.corpus DIR -n 100 [--seed 0]

Each article changes the dateline, names, figures and paragraphs of the bundled story
(benchmarks/variants.py) and its translations the same way. The catalogues are made as
`publish update` makes them (publisher.catalogs: template, merge, render), filled with the
derived translations, so a later update finds nothing to change.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml

from benchmarks.variants import EXTRA_WORDS, FIGURES, LANGUAGES, NAMES, PLACES, Variant, choose, number
from publisher import po, project
from publisher.checks.spelling import WORD_LIST
from publisher.config import Config, load_config
from publisher.model import Article
from publisher.segment import units

ROOT = Path(__file__).resolve().parent.parent
SEED_SLUG = "kazakhstan-belarus-allies"
TOPICS = ("allies", "cooperation", "roundtable", "nuclear-power", "education", "forests", "industry")

SETTINGS = """\
[tool.publisher]
source_language = "en"
languages = ["en", "ru", "be", "kk"]
babel_locales = { en = "en_GB" }
provider = "BelTA"
provider_domain = "belta.by"
copyright_holder = "BelTA"
copyright_notice = "© BelTA. Reproduction requires a hyperlink to belta.by."
"""

Key = tuple[str | None, str]


@dataclass(frozen=True)
class Seed:
    """The bundled article: front matter, paragraphs, and every language's translations."""

    meta: dict
    paragraphs: list[str]
    translations: dict[str, dict[Key, str]]


def load_seed(root: Path = ROOT) -> Seed:
    text = (root / "source" / f"{SEED_SLUG}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    translations = {}
    for lang in LANGUAGES:
        path = po.catalog_path(root / "locales", lang, SEED_SLUG)
        translations[lang] = po.translations(po.read(path))
    return Seed(yaml.safe_load(front), paragraphs, translations)


def consistent(seed: Seed, texts: tuple[str, ...]) -> bool:
    """True if every translation has texts[i] exactly where its English original has texts[0].

    A name or figure the translators wrote differently is left unchanged rather than made wrong."""
    for lang, table in seed.translations.items():
        i = LANGUAGES.index(lang)
        if any((texts[0] in msgid) != (texts[i] in msgstr) for (_, msgid), msgstr in table.items()):
            return False
    return True


def variable(seed: Seed) -> tuple[tuple, tuple]:
    """The name pools and figures that can vary without breaking a translation."""
    names = tuple(pool for pool in NAMES if consistent(seed, pool[0]))
    figures = tuple(f for f in FIGURES if consistent(
        seed, tuple(c.format(number(f.original, lang)) for c, lang in zip(f.contexts, LANGUAGES))))
    return names, figures


def generate(target: Path, n: int, seed_value: int = 0) -> Config:
    """Write a complete project with `n` articles into `target` (which must not exist or be empty)."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; choose a new folder")
    (target / "source").mkdir(parents=True, exist_ok=True)
    (target / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    if (ROOT / "glossary").is_dir():  # the newsroom's terminology, used by the checks
        shutil.copytree(ROOT / "glossary", target / "glossary")
        add_names_to_word_lists(target / "glossary")
    seed = load_seed()
    names, figures = variable(seed)
    variants = {}
    for i in range(n):
        rng = random.Random(f"{seed_value}:{i}")  # article i is the same whatever N is
        variant = choose(rng, len(seed.paragraphs), names, figures)
        slug = f"{variant.place[0].lower()}-{rng.choice(TOPICS)}-{i:05d}"
        (target / "source" / f"{slug}.md").write_text(article_text(seed, variant, slug, i), encoding="utf-8")
        variants[slug] = variant
    config = load_config(target)
    articles = project.load_articles(config)
    tables = [{lang: derived(seed, variants[a.slug], lang) for lang in LANGUAGES} for a in articles]
    with ProcessPoolExecutor() as pool:  # rendering PO files is most of the time
        list(pool.map(write_catalogues, [config] * len(articles), articles, tables, chunksize=8))
    return config


def add_names_to_word_lists(glossary: Path) -> None:
    """The corpus's people and places, and the added paragraphs' words Hunspell lacks, in each
    language's word list, as a desk adds the names it publishes: the dictionaries know few of them
    (Руденко, Жақсылықов, Mogilev), and the corpus is to pass the spelling check as the bundled
    story does."""
    for column, lang in enumerate(LANGUAGES):
        names = [entry[column] for pool in NAMES for entry in pool] + [place[column] for place in PLACES]
        words = sorted({word for name in names for word in name.split()} | set(EXTRA_WORDS.get(lang, ())))
        path = glossary / WORD_LIST.format(lang=lang)
        kept = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(kept + "# The benchmark corpus's people, places and added words\n" + "".join(w + "\n" for w in words),
                        encoding="utf-8")


def article_text(seed: Seed, variant: Variant, slug: str, i: int) -> str:
    published = seed.meta["published"] - timedelta(minutes=97 * i)
    meta = {
        "id": f"belta-{published:%Y%m%d}-{slug}",
        "language": "en",
        "headline": variant.substitute(seed.meta["headline"], "en"),
        "summary": variant.substitute(seed.meta["summary"], "en"),
        "published": published.isoformat(),
    }
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    lines += ["dateline:", f"  place: {variant.place[0]}", f"  agency: {seed.meta['dateline']['agency']}"]
    for key in ("byline", "credit", "subjects", "keywords"):
        lines.append(f"{key}: {json.dumps(seed.meta[key], ensure_ascii=False)}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + "\n\n".join(body(seed, variant)) + "\n"


def body(seed: Seed, variant: Variant) -> list[str]:
    paragraphs = [variant.substitute(p, "en") for i, p in enumerate(seed.paragraphs) if i not in variant.dropped]
    for offset, (position, text) in enumerate(sorted(variant.extras("en"))):
        paragraphs.insert(position + offset, text)
    return paragraphs


def derived(seed: Seed, variant: Variant, lang: str) -> dict[Key, str]:
    """Every unit of the variant article → its translation, derived from the bundled translations."""
    table = {(ctx, variant.substitute(msgid, "en")): variant.substitute(msgstr, lang)
             for (ctx, msgid), msgstr in seed.translations[lang].items()}
    table[("dateline.place", variant.place[0])] = variant.place[LANGUAGES.index(lang)]
    table.update({(None, en): text for (_, en), (_, text) in zip(variant.extras("en"), variant.extras(lang))})
    return table


def write_catalogues(config: Config, article: Article, tables: dict[str, dict[Key, str]]) -> None:
    """The article's template and its catalogues, as an update writes them, with every unit translated."""
    pot = po.template(article, units(article, config.segmentation), article.path)
    _write(po.template_path(config.locales_path, article.slug), po.render(pot))
    for lang, table in tables.items():
        path = po.catalog_path(config.locales_path, lang, article.slug)
        catalog = po.merge(pot, None, lang, article, config.source_language)
        for entry in catalog.entries:
            if (entry.msgctxt, entry.msgid) not in table:
                raise RuntimeError(f"{path}: no derived translation for {entry.msgid!r}; check benchmarks/variants.py")
            entry.msgstr = table[(entry.msgctxt, entry.msgid)]
        _write(path, po.render(catalog))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a benchmark corpus: a complete publisher project.")
    parser.add_argument("target", type=Path)
    parser.add_argument("-n", type=int, default=100, help="number of articles (default 100)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        generate(args.target, args.n, args.seed)
    except FileExistsError as exc:
        parser.error(str(exc))
    print(f"{args.n} articles in {args.target}")


if __name__ == "__main__":
    main()
