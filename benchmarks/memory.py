"""The translation-memory benchmark: new articles that repeat the desk's earlier sentences.

The last few articles of a corpus lose their catalogues, as if they had just been written; each
tool then fills them from every other article's catalogue of the language:

- `publish update` (its memory: the other catalogues, indexed once);
- `msgmerge --compendium`, with the compendium `msgcat` makes of the other catalogues;
- Translate Toolkit's `pot2po -t`, with the same compendium as the template.

The removed catalogues are the truth. A unit whose text another article already has translated
should be filled with that translation; a unit no other article has (most hold their article's
own names and figures) should be offered nothing that states other figures.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from publisher import po

LANGUAGES = ("ru", "be", "kk")
_FIGURE = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")


def new_articles(corpus: Path, count: int) -> list[str]:
    slugs = sorted(p.stem for p in (corpus / "source").glob("*.md"))
    return slugs[-count:]


def forget(project: Path, slugs: list[str]) -> None:
    """Remove the articles' templates and catalogues: they are new to the desk."""
    for slug in slugs:
        po.template_path(project / "locales", slug).unlink(missing_ok=True)
        for path in (project / "locales").glob(f"*/LC_MESSAGES/{slug}.po"):
            path.unlink()


def compendium_commands(project: Path, slugs: list[str]) -> list[list[str]]:
    """msgcat of each language's remaining catalogues: the compendium msgmerge and pot2po read."""
    commands = []
    for lang in LANGUAGES:
        others = sorted(str(p) for p in (project / "locales" / lang / "LC_MESSAGES").glob("*.po"))
        commands.append(["msgcat", "--use-first", "-o", str(_compendium(project, lang))] + others)
    return commands


def _compendium(project: Path, lang: str) -> Path:
    return project / f"compendium-{lang}.po"


def msgmerge_commands(project: Path, slugs: list[str]) -> list[list[str]]:
    return [["msgmerge", "--quiet", "--previous", "--compendium", str(_compendium(project, lang)),
             "-o", str(_target(project, lang, slug)), "/dev/null", str(po.template_path(project / "locales", slug))]
            for lang in LANGUAGES for slug in slugs]


def pot2po_commands(project: Path, slugs: list[str]) -> list[list[str]]:
    """pot2po run by this Python, which has RapidFuzz (without it pot2po's fuzzy matching is ~25× slower)."""
    return [[sys.executable, "-m", "translate.convert.pot2po", "--progress=none", "-t", str(_compendium(project, lang)),
             "-i", str(po.template_path(project / "locales", slug)), "-o", str(_target(project, lang, slug))]
            for lang in LANGUAGES for slug in slugs]


def _target(project: Path, lang: str, slug: str) -> Path:
    path = po.catalog_path(project / "locales", lang, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def copy_templates(source: Path, target: Path, slugs: list[str]) -> None:
    """The new articles' templates, which msgmerge and pot2po start from (made by `publish extract`)."""
    for slug in slugs:
        shutil.copy2(po.template_path(source / "locales", slug), po.template_path(target / "locales", slug))


def score(truth: Path, filled: Path, slugs: list[str]) -> dict[str, int]:
    """How the new articles' units were filled, against the catalogues they had."""
    tally: Counter = Counter()
    for lang in LANGUAGES:
        known = _known(truth, lang, slugs)
        for slug in slugs:
            expected = po.read(po.catalog_path(truth / "locales", lang, slug))
            got = po.read(po.catalog_path(filled / "locales", lang, slug)).index()
            for entry in expected:
                result = got.get(po.unit_key(*entry.key))
                offered = result is not None and result.has_translation
                if po.unit_key(*entry.key) in known:
                    tally["in memory"] += 1
                    tally["in memory: filled right"] += offered and not result.fuzzy and result.msgstr == entry.msgstr
                    tally["in memory: filled wrong"] += offered and not result.fuzzy and result.msgstr != entry.msgstr
                    tally["in memory: offered fuzzy"] += offered and result.fuzzy
                else:
                    tally["not in memory"] += 1
                    tally["not in memory: offered"] += offered
                    tally["not in memory: offered other figures"] += offered and (
                        _figures(result.msgstr) != _figures(entry.msgstr))
    return dict(tally)


def _known(truth: Path, lang: str, slugs: list[str]) -> set:
    """Unit keys translated (and not fuzzy) in the language's other catalogues."""
    found = set()
    for path in (truth / "locales" / lang / "LC_MESSAGES").glob("*.po"):
        if path.stem not in slugs:
            found |= {po.unit_key(*e.key) for e in po.read(path) if po.state(e) == po.TRANSLATED}
    return found


def _figures(text: str) -> list[str]:
    return [re.sub(r"[.,\u00a0 ]", "", f) for f in _FIGURE.findall(text)]
