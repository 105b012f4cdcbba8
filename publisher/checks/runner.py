"""Run the checks over an article's catalogues: which check applies, silencing, line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from publisher import po
from publisher.checks import kept
from publisher.checks.base import Check, Context, Entry, english_name, words
from publisher.checks.content import fuzzy, identical, terminology, untranslated
from publisher.checks.figures import digit_groups, figures
from publisher.checks.form import length, markup, punctuation, whitespace
from publisher.checks.marks import balance, quotes
from publisher.checks.script import foreign_letters, latin_words, mixed_script, own_letters, source_names
from publisher.checks.spelling import Vocabulary, glossary_words, load_word_list, spelling, word_list_path
from publisher.config import Config
from publisher.glossary import Glossary, Term, load_glossary
from publisher.model import Article
from publisher.parallel import job_count, map_sharing
from publisher.layout import display_path, find_articles
from publisher.segment import units

# On every unit: is there a usable translation?
STATE_CHECKS = (
    Check("untranslated", "error", untranslated),
    Check("fuzzy", "error", fuzzy),
)
# On every translated, non-fuzzy unit.
TRANSLATION_CHECKS = (
    Check("identical", "error", identical),
    Check("figures", "error", figures),
    Check("terminology", "error", terminology),
    Check("markup", "error", markup),
    Check("mixed-script", "error", mixed_script),
    Check("letters", "error", foreign_letters),
    Check("balance", "error", balance),
    Check("latin", "warning", latin_words, reads_catalogue=True),
    Check("spelling", "warning", spelling, reads_catalogue=True),
    Check("digit-groups", "warning", digit_groups),
    Check("quotes", "warning", quotes),
    Check("whitespace", "warning", whitespace),
    Check("punctuation", "warning", punctuation),
    Check("length", "warning", length),
)
# On a whole catalogue, reported at its first line.
CATALOGUE_CHECKS = (Check("own-letters", "warning", own_letters),)
CHECK_NAMES = tuple(c.name for c in STATE_CHECKS + TRANSLATION_CHECKS + CATALOGUE_CHECKS)
_KNOWN_CHECKS = frozenset(CHECK_NAMES)
# Entries whose findings a process keeps (_Project.findings): a few tens of MB at most.
KEPT_FINDINGS = 1 << 16

# Silencing one check on one unit: the flag `#, no-check-figures`, or a translator comment line
# `# no-check: figures, length (why)`; the comment survives msgcat and msgmerge, which drop
# flags they do not know.
_NO_CHECK_FLAG = "no-check-"
# (A line's leading blanks are spaces and tabs: `\s*` there would rescan every blank line below.)
_NO_CHECK_COMMENT = re.compile(r"^[ \t]*no-check:\s*([\w-]+(?:\s*,\s*[\w-]+)*)", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # where the entry starts in the PO file (its first comment line); 0: not in the file
    check: str
    severity: str  # error | warning
    message: str
    lang: str
    msgid: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: [{self.check}] {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    silenced: int = 0
    catalogues: int = 0
    skipped: list[str] = field(default_factory=list)  # checks that could not run, and what to install

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def extend(self, other: Report) -> None:
        self.problems += other.problems
        self.silenced += other.silenced
        self.catalogues += other.catalogues
        self.skipped += [note for note in other.skipped if note not in self.skipped]


def check_articles(config: Config, articles: Iterable[Article], languages: tuple[str, ...] = (),
                   jobs: int | None = None) -> Report:
    """Every check on every catalogue of the articles (all the project's languages unless named).

    The catalogues are checked in `jobs` worker processes (default: one per core), a language's
    by as few of them as keep all busy, since each loads the dictionary of every language it
    checks; the report is the same, in the same order, whatever their number. A catalogue whose
    report is kept (kept.py) and still holds is not checked again."""
    chosen = tuple(lang for lang in config.languages if not languages or lang in languages)
    project = _Project(load_glossary(config.glossary_path), _word_lists(config, chosen))
    articles = list(articles)
    known = kept.load(config)
    work = _Work(config, kept.context_hash(config, chosen), [_Shared.of(config, a, project) for a in articles], known)
    parts = _parts(len(articles), chosen, job_count(jobs))
    checked = map_sharing(_check_part, work, parts, job_count(jobs))
    found = {(i, lang): one for (lang, start, _), part in zip(parts, checked) for i, one in enumerate(part, start)}
    report, fresh = Report(), {}
    for i, article in enumerate(articles):
        article_kept = {}
        for lang in chosen:
            catalogue_report, catalogue_kept = found[i, lang]
            report.extend(catalogue_report)
            if catalogue_kept is not None:
                article_kept[lang] = catalogue_kept
        fresh[article.slug] = {**known.get(article.slug, {}), **article_kept}
    if any(fresh[slug] != known.get(slug) for slug in fresh):
        present = {path.stem for path in find_articles(config.source_path)}  # a deleted article's go
        kept.save(config, {slug: found for slug, found in {**known, **fresh}.items() if slug in present})
    return report


@dataclass(frozen=True)
class _Work:
    """What the workers check: they inherit it by the fork instead of unpickling it (map_sharing)."""

    config: Config
    context: str  # what the kept reports depend on besides each catalogue (kept.context_hash)
    shared: list[_Shared]  # per article
    known: kept.Reports


def _parts(count: int, languages: tuple[str, ...], jobs: int) -> list[tuple[str, int, int]]:
    """(language, first article, last + 1): each language's articles in as few parts as keep the
    workers busy; a worker takes the next part when it is done with one."""
    per_language = -(-jobs // len(languages)) if languages else 1
    size = max(1, -(-count // per_language))
    return [(lang, start, min(start + size, count)) for lang in languages for start in range(0, count, size)]


def _check_part(work: _Work, part: tuple[str, int, int]) -> list[tuple[Report, kept.Kept | None]]:
    lang, start, stop = part
    return [_check_kept(work, shared, lang) for shared in work.shared[start:stop]]


def errors_by_language(config: Config, article: Article) -> dict[str, int]:
    """Check errors per language of one article: what the build's gates ask (warnings are not read)."""
    gate = GateChecks(config, article)
    return {lang: gate.errors(lang) for lang in config.languages}


class GateChecks:
    """The check errors of one article's catalogues, one language at a time, as a build's gate asks
    for them: only the checks whose findings are errors, on a catalogue the build has already read."""

    def __init__(self, config: Config, article: Article):
        self.config = config
        self.shared = _Shared.of(config, article, _gate_project(load_glossary(config.glossary_path)))

    def errors(self, lang: str, catalog: po.Catalog | None = None) -> int:
        """How many errors; `catalog` is the language's catalogue as read (else it is read here)."""
        return check_catalogue(self.config, self.shared, lang, catalog).errors


@dataclass(frozen=True)
class _Project:
    """What every article's checks share: the glossary, the word lists, which checks run."""

    glossary: Glossary
    word_lists: dict[str, frozenset[str]]
    errors_only: bool = False
    _glossary_words: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict, compare=False)
    _findings: dict[tuple, tuple[tuple[str, ...] | None, ...]] = field(default_factory=dict, compare=False)
    _vocabularies: dict[tuple[str, str], Vocabulary] = field(default_factory=dict, compare=False)

    def findings(self, checks: tuple[Check, ...], entry: Entry, ctx: Context) -> list[tuple[Check, str]]:
        """An entry's findings, check by check. What a check that reads only the entry, its languages
        and the glossary finds is kept for the next catalogue with the same entry: datelines, bylines,
        keywords and a desk's recurring sentences come back in catalogue after catalogue. (Which
        checks run follows from the entry and errors_only, so the key need not name them.)"""
        key = (entry, ctx.lang, ctx.source_lang, ctx.babel_locale, ctx.source_babel_locale)
        known = self._findings.get(key)
        if known is None:
            known = tuple(None if check.reads_catalogue else tuple(check.run(entry, ctx)) for check in checks)
            if len(self._findings) >= KEPT_FINDINGS:
                del self._findings[next(iter(self._findings))]  # the oldest
            self._findings[key] = known
        return [(check, message) for check, messages in zip(checks, known)
                for message in (check.run(entry, ctx) if messages is None else messages)]

    def vocabulary(self, lang: str, babel_locale: str) -> Vocabulary:
        """What the spelling check accepts in a language besides the dictionary: the glossary's
        forms and the word list; one for all the language's catalogues."""
        if (lang, babel_locale) not in self._vocabularies:
            accepted = self.glossary_words(lang)[1] | self.word_lists.get(lang, frozenset())
            self._vocabularies[lang, babel_locale] = Vocabulary(lang, babel_locale, accepted)
        return self._vocabularies[lang, babel_locale]

    def glossary_words(self, lang: str) -> tuple[frozenset[str], frozenset[str]]:
        """The words of the glossary's forms in a language: as the latin check reads words, and as
        the spelling check does. The same for every catalogue of the language, so found once."""
        if lang not in self._glossary_words:
            forms = [form for term in self.glossary.terms for form in term.forms.get(lang, ())]
            spelled = frozenset() if self.errors_only else glossary_words(forms)  # spelling only warns
            self._glossary_words[lang] = (frozenset(w for form in forms for w in words(form)), spelled)
        return self._glossary_words[lang]


_gate: list[_Project] = []  # the last one made: the glossary is loaded once per process


def _gate_project(glossary: Glossary) -> _Project:
    """One for every article a process checks with the same glossary: the glossary's words per
    language are found once, not once per article. Spelling only warns: no word lists."""
    if not _gate or _gate[0].glossary is not glossary:
        _gate[:] = [_Project(glossary, {}, errors_only=True)]
    return _gate[0]


def _word_lists(config: Config, languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    paths = {lang: word_list_path(config.glossary_path, lang) for lang in languages}
    return {lang: load_word_list(path, display_path(config, path)) for lang, path in paths.items()}


@dataclass(frozen=True)
class _Shared:
    """What the catalogues of one article have in common, found once for all the languages."""

    article: Article
    wanted: tuple[tuple[str | None, str], ...]  # the units the article publishes (msgctxt, msgid)
    glossary: Glossary  # the project's, remembering what it found in the article's texts
    project: _Project

    @classmethod
    def of(cls, config: Config, article: Article, project: _Project) -> _Shared:
        wanted = tuple(unit.key for unit in units(article, config.segmentation))
        return cls(article, wanted, _RememberingGlossary(project.glossary.terms, project.glossary.matchers), project)


def _check_kept(work: _Work, shared: _Shared, lang: str) -> tuple[Report, kept.Kept | None]:
    """One catalogue's report, as kept if it still holds, and what to keep of it (None: nothing,
    there is no catalogue or none readable)."""
    config, article = work.config, shared.article
    path = po.catalog_path(config.locales_path, lang, article.slug)
    raw = _bytes(path)
    if raw is None:
        return check_catalogue(config, shared, lang), None
    display = display_path(config, path)
    key = kept.catalogue_key(work.context, lang, article.language, shared.wanted, display, raw)
    known = work.known.get(article.slug, {}).get(lang)
    if known is not None and known.key == key:
        return _kept_report(known, display, lang), known
    found = check_catalogue(config, shared, lang, po.parse(raw, display, lang))
    return found, _to_keep(key, found)


def _bytes(path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # check_catalogue says what is wrong
        return None


def _kept_report(found: kept.Kept, display: str, lang: str) -> Report:
    problems = [Problem(display, line, check, severity, message, lang, msgid)
                for line, check, severity, message, msgid in found.problems]
    return Report(problems, found.silenced, 1, list(found.skipped))


def _to_keep(key: str, report: Report) -> kept.Kept:
    problems = [(p.line, p.check, p.severity, p.message, p.msgid) for p in report.problems]
    return kept.Kept(key, problems, report.silenced, list(report.skipped))


@dataclass(frozen=True)
class _RememberingGlossary(Glossary):
    """A glossary that keeps what it found in a text: each language's catalogue of an article looks
    for the terms in the same source texts."""

    found: dict[tuple[str, str], tuple[Term, ...]] = field(default_factory=dict, compare=False, repr=False)

    def find(self, text: str, lang: str) -> tuple[Term, ...]:
        if (text, lang) not in self.found:
            self.found[text, lang] = super().find(text, lang)
        return self.found[text, lang]


def check_catalogue(config: Config, shared: _Shared, lang: str, catalog: po.Catalog | None = None) -> Report:
    article = shared.article
    path = po.catalog_path(config.locales_path, lang, article.slug)
    place = _Place(display_path(config, path), 0, lang)
    is_source = lang == article.language
    if catalog is None and not path.exists():
        missing = place.problem("untranslated", "error", f"no catalogue: run publish update --lang {lang}")
        return Report() if is_source else Report([missing])
    catalog = catalog if catalog is not None else po.read(path, place.path)
    # The units the article publishes, in the file's order; obsolete and stale entries are not read.
    published = {po.unit_key(*key) for key in shared.wanted}
    found = [e for e in catalog.live if po.unit_key(*e.key) in published]
    entries = [_entry(e) for e in found]
    report = Report(catalogues=1)
    ctx = _context(config, shared, lang, entries, report.skipped)
    catalogue_checks, translation_checks = (_chosen(checks, shared.project.errors_only)
                                            for checks in (CATALOGUE_CHECKS, TRANSLATION_CHECKS))
    header_comment = "\n".join(catalog.header.tcomments) if catalog.header else ""
    whole = [(check, message) for check in catalogue_checks for message in check.run(entries, ctx)]
    _record(report, whole, _silenced(header_comment), replace(place, line=1))
    for po_entry, entry in zip(found, entries):
        checks = STATE_CHECKS + translation_checks if entry.translated else STATE_CHECKS
        findings = shared.project.findings(checks, entry, ctx)
        silenced = _silenced("\n".join(po_entry.tcomments), po_entry.flags)
        if findings or silenced:
            _record(report, findings, silenced, _Place(place.path, po_entry.line, lang, entry.source))
    if not is_source:
        present = {po.unit_key(*e.key) for e in found}
        report.problems += [_not_in_catalogue(place, msgid) for context, msgid in shared.wanted
                            if po.unit_key(context, msgid) not in present]
    return report


def _not_in_catalogue(place: _Place, msgid: str) -> Problem:
    message = f"“{msgid}” is not in the catalogue: run publish update --lang {place.lang}"
    return replace(place, msgid=msgid).problem("untranslated", "error", message)


@dataclass(frozen=True)
class _Place:
    """Where findings are reported: a catalogue, and the line where an entry starts."""

    path: str
    line: int
    lang: str
    msgid: str | None = None

    def problem(self, check: str, severity: str, message: str) -> Problem:
        return Problem(self.path, self.line, check, severity, message, self.lang, self.msgid)


def _entry(po_entry: po.Entry) -> Entry:
    """What the checks see of an entry; its state is the one status and build count (po.state)."""
    state = po.state(po_entry)
    return Entry(po_entry.msgid, po_entry.msgstr if state != po.UNTRANSLATED else "", state == po.FUZZY)


def _chosen(checks: tuple[Check, ...], errors_only: bool) -> tuple[Check, ...]:
    return tuple(c for c in checks if c.severity == "error") if errors_only else checks


def _context(config: Config, shared: _Shared, lang: str, entries: list[Entry], skipped: list[str]) -> Context:
    latin_words, spelling_words = shared.project.glossary_words(lang)
    names = source_names([e.source for e in entries])
    source_lang = shared.article.language
    ctx = Context(lang=lang, source_lang=source_lang, babel_locale=config.babel_locale(lang),
                  source_babel_locale=config.babel_locale(source_lang), glossary=shared.glossary,
                  allowed_latin=names | latin_words)
    if shared.project.errors_only:
        return ctx
    vocabulary = shared.project.vocabulary(lang, ctx.babel_locale)
    own_names = names if lang == source_lang else frozenset()  # the source's names are words of its language
    known = vocabulary.prepare([e.target for e in entries if e.translated], own_names)
    if isinstance(known, str):
        skipped.append(f"spelling not checked in {english_name(lang)}: {known}")
        return ctx
    return replace(ctx, spelling=known)


def _silenced(comment: str | None, flags: Iterable[str] = ()) -> set[str]:
    names = {flag.removeprefix(_NO_CHECK_FLAG) for flag in flags if flag.startswith(_NO_CHECK_FLAG)}
    for match in _NO_CHECK_COMMENT.finditer(comment or ""):
        names.update(name.strip() for name in match.group(1).split(","))
    return names


def _record(report: Report, findings: list[tuple[Check, str]], silenced: set[str], place: _Place) -> None:
    """One entry's findings (or a whole catalogue's) in the report; a silenced one is only counted."""
    for name in sorted(silenced - _KNOWN_CHECKS):
        message = f"unknown check “{name}” silenced; the checks are {', '.join(CHECK_NAMES)}"
        report.problems.append(place.problem("no-check", "warning", message))
    for check, message in findings:
        if check.name in silenced:
            report.silenced += 1
        else:
            report.problems.append(place.problem(check.name, check.severity, message))
