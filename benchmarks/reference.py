"""The tools a user would otherwise run over the same catalogues, as command lines.

Translate Toolkit's po2html (HTML from PO) and pofilter (checks), GNU msgmerge (update).
"""

from __future__ import annotations

import html
from pathlib import Path

from benchmarks.variants import LANGUAGES
from publisher import po


def catalogue_dir(corpus: Path, lang: str) -> Path:
    return corpus / "locales" / lang / "LC_MESSAGES"


def write_html_templates(corpus: Path, target: Path) -> Path:
    """One English page per article for po2html: the headline, the summary and every body unit in its
    own element, so that po2html has a translation for each of them."""
    target.mkdir(parents=True, exist_ok=True)
    for pot_path in sorted((corpus / "locales" / "templates").glob("*.pot")):
        pot = po.read(pot_path)
        headline = html.escape(next(e.msgid for e in pot if e.msgctxt == "headline"))
        paragraphs = "\n".join(f"<p>{html.escape(e.msgid)}</p>" for e in pot if e.msgctxt in (None, "summary"))
        page = (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{headline}</title></head>\n'
                f"<body>\n<h1>{headline}</h1>\n{paragraphs}\n</body>\n</html>\n")
        (target / f"{pot_path.stem}.html").write_text(page, encoding="utf-8")
    return target


def po2html(corpus: Path, templates: Path, out: Path) -> list[list[str]]:
    """Every article in every language, one directory-mode run per language."""
    _folders(out)
    return [["po2html", "--progress=none", "-t", str(templates), "-i", str(catalogue_dir(corpus, lang)),
             "-o", str(out / lang)] for lang in LANGUAGES]


def pofilter(corpus: Path, out: Path) -> list[list[str]]:
    """All of pofilter's default checks over every catalogue, one directory-mode run per language."""
    _folders(out)
    return [["pofilter", "--progress=none", f"--language={lang}", "-i", str(catalogue_dir(corpus, lang)),
             "-o", str(out / lang)] for lang in LANGUAGES]


def msgmerge(corpus: Path) -> list[list[str]]:
    """Every catalogue merged in place with its new template, fuzzy matching on, previous msgids kept."""
    commands = []
    for lang in LANGUAGES:
        for catalogue in sorted(catalogue_dir(corpus, lang).glob("*.po")):
            pot = corpus / "locales" / "templates" / f"{catalogue.stem}.pot"
            commands.append(["msgmerge", "--quiet", "--previous", "--update", "--backup=off", str(catalogue), str(pot)])
    return commands


def _folders(out: Path) -> None:
    """The output folders exist beforehand, as they would in a user's project."""
    for lang in LANGUAGES:
        (out / lang).mkdir(parents=True, exist_ok=True)
