"""Machine drafts: a catalogue's untranslated units drafted by Apertium from another language's
translations (`publish draft --from ru --to be`).

Only units with no translation are filled, always as fuzzy and with a translator comment naming the
engine, so a draft is never published before a translator has reviewed it, and a human translation
is never touched. Markup, links, code, addresses and figures are taken out of the text before
translation (Apertium keeps HTML tags where they stand, so each becomes a placeholder tag) and put
back after; a draft whose placeholders, markup or figures did not come back intact is not written.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from publisher import po
from publisher.checks import check_articles
from publisher.checks.base import Context, Entry, english_name
from publisher.checks.figures import figures
from publisher.checks.form import markup
from publisher.config import Config
from publisher.errors import PublisherError
from publisher.fsutil import project_lock, write_atomic
from publisher.glossary import Glossary
from publisher.model import Article
from publisher.layout import display_path

# Apertium names languages by ISO 639-3.
APERTIUM_CODES = {"ru": "rus", "be": "bel", "uk": "ukr", "kk": "kaz", "en": "eng"}
# The Debian package holding a pair (both directions).
DEBIAN_PAIRS = {frozenset({"rus", "bel"}): "apertium-bel-rus", frozenset({"rus", "ukr"}): "apertium-rus-ukr"}
MODE_DIRS = ("/usr/share/apertium/modes", "/usr/local/share/apertium/modes")
# What is never given to the engine: code spans, a link's target and its brackets, emphasis marks,
# autolinks, addresses, figures (with their group and decimal separators), escapes, # and @.
_PROTECTED = re.compile(
    r"`[^`]*`|\]\((?:[^()]|\([^()]*\))*\)|!?\[|\]|\*+|_+|<[^<>\s]*>|(?:https?://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d+(?:[ \u00a0\u202f.,]\d+)*|\\.|[#@]")
_PLACEHOLDER = re.compile(r'<x-m n="(\d+)"\s*/>')
_BLOCK = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# Apertium marks a word it does not know with *, one it could not generate with #, an untranslated
# lemma with @; the text it is given holds none of these characters (they are protected).
_MARKED = re.compile(r"(?<![\w*#@])([*#@])(\w[\w'’-]*)")


@dataclass
class DraftedCatalogue:
    path: str
    drafted: list[str] = field(default_factory=list)  # msgids
    passing: int = 0  # drafted units with no finding of publish check, once their fuzzy flag is removed
    refused: list[tuple[str, str]] = field(default_factory=list)  # (msgid, why)
    no_source: int = 0  # untranslated units the source language has no translation for either
    written: bool = False


def draft(config: Config, articles: list[Article], source_lang: str, target_lang: str) -> list[DraftedCatalogue]:
    """Draft every article's untranslated `target_lang` units from its `source_lang` translations."""
    for lang in (source_lang, target_lang):
        if lang not in config.languages:
            raise PublisherError(f"unknown language {lang}; the project has {', '.join(config.languages)}")
    if source_lang == target_lang:
        raise PublisherError("--from and --to name the same language")
    engine = Apertium(source_lang, target_lang)
    with project_lock(config.root):
        return [_draft_article(config, article, engine, source_lang, target_lang) for article in articles]


def _draft_article(config: Config, article: Article, engine: Apertium, source_lang: str,
                   target_lang: str) -> DraftedCatalogue:
    path = po.catalog_path(config.locales_path, target_lang, article.slug)
    source_path = po.catalog_path(config.locales_path, source_lang, article.slug)
    result = DraftedCatalogue(display_path(config, path))
    for needed in (path, source_path):
        if not needed.exists():
            raise PublisherError(f"no catalogue: run publish update --lang {needed.parts[-3]}", display_path(config, needed))
    catalog = po.read(path, result.path)
    given = po.translations(po.read(source_path, display_path(config, source_path)))
    empty = [e for e in catalog if e.msgid and e.msgid_plural is None and not e.has_translation]
    todo = [(e, given[e.key]) for e in empty if e.key in given]
    result.no_source = len(empty) - len(todo)
    if not todo:
        return result
    protected = [_protect(text) for _, text in todo]
    outputs = engine.translate([html_text for html_text, _ in protected])
    ctx = Context(target_lang, source_lang, config.babel_locale(target_lang), config.babel_locale(source_lang),
                  Glossary())
    for (entry, source_text), (_, tokens), output in zip(todo, protected, outputs):
        text, unknown, why = _restore(output, tokens)
        why = why or _damage(Entry(source_text, text), ctx)
        if why:
            result.refused.append((entry.msgid, why))
            continue
        entry.msgstr = text
        entry.set_fuzzy(True)
        entry.tcomments = [*entry.tcomments, *_comment(engine, source_lang, unknown).split("\n")]
        result.drafted.append(entry.msgid)
    if result.drafted:
        result.written = write_atomic(path, po.render(catalog).encode("utf-8"))
        result.passing = _passing(config, article, target_lang, path, result.drafted)
    return result


def _comment(engine: Apertium, source_lang: str, unknown: list[str]) -> str:
    comment = f"machine draft: {engine.name} from the {english_name(source_lang)} translation; review it, " \
              "then remove the fuzzy flag"
    if unknown:
        comment += f"\nApertium did not know: {', '.join(dict.fromkeys(unknown))}"
    return comment


def _protect(text: str) -> tuple[str, list[str]]:
    """The text as HTML for the engine, each protected span a placeholder tag; the spans in order."""
    tokens: list[str] = []
    parts = []
    last = 0
    for match in _PROTECTED.finditer(text):
        parts.append(html.escape(text[last:match.start()], quote=False))
        parts.append(f'<x-m n="{len(tokens)}"/>')
        tokens.append(match.group())
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts), tokens


def _restore(output: str, tokens: list[str]) -> tuple[str, list[str], str]:
    """(draft, unknown words, why it is unusable or "")."""
    pieces = _PLACEHOLDER.split(output)
    numbers = [int(n) for n in pieces[1::2]]
    if numbers != list(range(len(tokens))):
        return "", [], "the engine moved or lost markup, a link or a figure"
    unknown: list[str] = []

    def unmark(match: re.Match) -> str:
        if match.group(1) == "*":
            unknown.append(match.group(2))
        return match.group(2)

    texts = [_MARKED.sub(unmark, html.unescape(piece)) for piece in pieces[0::2]]
    draft = "".join(t + (tokens[i] if i < len(tokens) else "") for i, t in enumerate(texts))
    return " ".join(draft.split()), unknown, ""


def _damage(entry: Entry, ctx: Context) -> str:
    """What the markup and figures checks find between the draft and the text it was made from."""
    found = [*markup(entry, ctx), *figures(entry, ctx)]
    return "; ".join(found)


def _passing(config: Config, article: Article, lang: str, path: Path, drafted: list[str]) -> int:
    """How many drafted units publish check would pass as they are, were their fuzzy flag removed."""
    catalog = po.read(path)
    for entry in catalog:
        if entry.msgid in drafted:
            entry.set_fuzzy(False)
    with tempfile.TemporaryDirectory() as folder:
        accepted = po.catalog_path(Path(folder), lang, article.slug)
        accepted.parent.mkdir(parents=True)
        accepted.write_text(po.render(catalog), encoding="utf-8")
        report = check_articles(replace(config, locales_dir=folder), [article], (lang,), jobs=1)
    failing = {p.msgid for p in report.problems}
    return sum(msgid not in failing for msgid in drafted)


# --- The engine -------------------------------------------------------------------------------------


class Apertium:
    """Apertium's `apertium` command for one direction (rus-bel), in HTML mode.

    Debian 12's apertium-tagger 3.8.3 crashes (SIGSEGV) on apertium-bel-rus 0.2.1's tagger model for
    any ambiguous word, and the `apertium` script then prints nothing. When its output lacks units,
    the pair is run again as its mode file writes it, with the statistical tagger replaced by the
    Constraint Grammar's own choice of the first remaining reading (cg-proc -1); the comment on each
    draft says which was used."""

    def __init__(self, source_lang: str, target_lang: str) -> None:
        codes = [APERTIUM_CODES.get(lang, lang) for lang in (source_lang, target_lang)]
        self.pair = "-".join(codes)
        package = DEBIAN_PAIRS.get(frozenset(codes), f"the Apertium pair {self.pair}")
        if not shutil.which("apertium"):
            raise PublisherError(f"Apertium is not installed: apt-get install apertium {package.split()[-1]}"
                                 if package.startswith("apertium") else "Apertium is not installed: apt-get install apertium")
        listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True).stdout.split()
        if self.pair not in listed:
            raise PublisherError(f"Apertium has no {self.pair} pair here: install {package}"
                                 + (f" (apt-get install {package})" if package.startswith("apertium-") else ""))
        self.name = f"Apertium {self.pair}"

    def translate(self, blocks: list[str]) -> list[str]:
        text = "".join(f"<p>{block}</p>\n" for block in blocks)
        outputs = self._run(["apertium", "-f", "html", self.pair], text)
        if len(outputs) == len(blocks):
            return outputs
        mode = _mode_without_tagger(self.pair)
        if mode is None:
            raise PublisherError(f"Apertium's {self.pair} gave {len(outputs)} of {len(blocks)} units back, and its "
                                 "mode file could not be read to run it without the tagger")
        with tempfile.TemporaryDirectory() as data:
            (Path(data) / "modes").mkdir()
            (Path(data) / "modes" / f"{self.pair}.mode").write_text(mode, encoding="utf-8")
            outputs = self._run(["apertium", "-d", data, "-f", "html", self.pair], text)
        if len(outputs) != len(blocks):
            raise PublisherError(f"Apertium's {self.pair} gave {len(outputs)} of {len(blocks)} units back")
        self.name = f"Apertium {self.pair} (tagger replaced by cg-proc -1)"
        return outputs

    @staticmethod
    def _run(command: list[str], text: str) -> list[str]:
        done = subprocess.run(command, input=text, capture_output=True, text=True)
        return _BLOCK.findall(done.stdout) if done.returncode == 0 else []


def _mode_without_tagger(pair: str) -> str | None:
    for folder in map(Path, MODE_DIRS):
        path = folder / f"{pair}.mode"
        if path.is_file():
            mode = path.read_text(encoding="utf-8")
            grammar = re.search(r"cg-proc\s+-w\s+('[^']*'|\S+)", mode)
            tagger = re.search(r"apertium-tagger\s+-g\s+\$2\s+('[^']*'|\S+)", mode)
            if grammar and tagger:
                return mode[:tagger.start()] + f"cg-proc -1 -n -w {grammar.group(1)}" + mode[tagger.end():]
    return None
