"""The `publish` command: parse options, call one library function, map errors to exit codes.

Each command imports the library it calls when it runs: starting the CLI costs only what the
command needs (a no-op build never loads the Markdown parser, the catalogue code or the wire's
schemas)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console

from publisher.exporters import FORMATS
from publisher.config import Config, load_config
from publisher.errors import BuildInterrupted, PublisherError
from publisher.textchars import printable
from publisher.parallel import job_count

if TYPE_CHECKING:
    from publisher.checks import Problem
    from publisher.project import Written

app = typer.Typer(help="Write a news story once; publish it in every language.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")

ProjectOption = Annotated[Path, typer.Option("--project", "-C", help="The project folder.")]
LangOption = Annotated[list[str] | None, typer.Option("--lang", "-l", help="Only this language (repeatable).")]
ArticleOption = Annotated[list[str] | None, typer.Option("--article", "-a", help="Only this article slug (repeatable).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0: one per core).")]
LanguageJobsOption = Annotated[int, typer.Option("--jobs", "-j", min=0,
                                                 help="Worker processes (0: one per language).")]


def run(action: Callable[[], T]) -> T:
    """Run a library call; bad input becomes a message and exit code 1, never a traceback."""
    try:
        return action()
    except PublisherError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    except BuildInterrupted as exc:
        err.print(f"interrupted; {exc.message}", markup=False)
        raise typer.Exit(130) from None
    except KeyboardInterrupt:
        err.print("interrupted; nothing was left half-written")
        raise typer.Exit(130) from None
    except OSError as exc:  # the disk, not the input: full, read-only, a file where a folder should be
        where = printable(str(exc.filename)) if exc.filename else "publish"
        err.print(f"{where}: {exc.strerror or exc}; nothing was left half-written", markup=False)
        raise typer.Exit(1) from None


def _config(root: Path) -> Config:
    return run(lambda: load_config(root))


def _languages(config: Config, lang: list[str] | None) -> tuple[str, ...]:
    unknown = sorted(set(lang or ()) - set(config.languages))
    if unknown:
        err.print(f"unknown language {', '.join(unknown)}; the project has {', '.join(config.languages)}")
        raise typer.Exit(2)
    return tuple(lang or config.languages)


@app.command()
def extract(root: ProjectOption = Path("."), article: ArticleOption = None) -> None:
    """Write locales/templates/<slug>.pot for every article."""
    from publisher import project
    config = _config(root)
    written = run(lambda: project.extract(config, project.load_articles(config, tuple(article or ()))))
    _report(written)


@app.command()
def update(root: ProjectOption = Path("."), lang: LangOption = None, article: ArticleOption = None,
           prune: Annotated[bool | None, typer.Option("--prune-obsolete/--keep-obsolete",
                                                     help="Drop obsolete (#~) entries (default: the "
                                                          "prune_obsolete setting, else keep them).")] = None,
           jobs: LanguageJobsOption = 0,
           ) -> None:
    """Extract, then create or merge every language's catalogue, keeping translators' work."""
    from publisher import project
    config = _config(root)
    languages = _languages(config, lang)
    # Each language is one task (its memory is indexed once, by its worker): with 0, every language
    # has a worker, and the system shares the cores among them; languages queued on fewer workers
    # leave a core idle while the last is merged (the source language's is the lightest).
    written = run(lambda: project.update(config, project.load_articles(config, tuple(article or ()),
                                                                       job_count(jobs or None)),
                                         languages, prune, jobs or len(languages)))
    _report(written)


def _report(written: list[Written]) -> None:
    lines = [f"wrote {item.path}" + (f" ({item.note})" if item.note else "") for item in written if item.changed]
    unchanged = sum(not w.changed for w in written)
    lines.append(f"{len(written) - unchanged} written, {unchanged} unchanged")
    out.print("\n".join(lines), markup=False)  # one print: Rich takes ~0.2 ms a call, 4,000 lines after an update


@app.command()
def status(root: ProjectOption = Path("."), lang: LangOption = None, article: ArticleOption = None,
           as_json: JsonOption = False) -> None:
    """Translated, fuzzy and untranslated units and words, per article and language."""
    from rich.table import Table

    from publisher import project
    config = _config(root)
    languages = _languages(config, lang)
    rows = run(lambda: project.status(config, project.load_articles(config, tuple(article or ())), languages))
    if as_json:
        data = [{"article": r.article, "language": r.lang,
                 **(asdict(r.stats) | {"percent": round(r.stats.percent, 1)} if r.stats else {"missing": True})}
                for r in rows]
        out.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False)
        return
    table = Table("article", "lang", "translated", "fuzzy", "untranslated", "words", "%")
    for r in rows:
        s = r.stats
        if s is None:
            table.add_row(r.article, r.lang, "—", "—", "—", "—", "no catalogue: run publish update")
            continue
        table.add_row(r.article, r.lang, str(s.translated), str(s.fuzzy), str(s.untranslated),
                      f"{s.words_translated}/{s.words}", f"{s.percent:.1f}")
    out.print(table)


@app.command()
def check(root: ProjectOption = Path("."), lang: LangOption = None, article: ArticleOption = None,
          as_json: JsonOption = False,
          strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
          jobs: JobsOption = 0
          ) -> None:
    """Check translations: figures, names, scripts, quotation marks, markup, completeness.
    Exit 1 when there are errors (or, with --strict, warnings)."""
    from publisher import project
    from publisher.checks import check_articles

    config = _config(root)
    languages = _languages(config, lang)
    workers = job_count(jobs or None)
    report = run(lambda: check_articles(config, project.load_articles(config, tuple(article or ()), workers),
                                        languages, workers))
    summary = {"errors": report.errors, "warnings": report.warnings, "silenced": report.silenced,
               "catalogues": report.catalogues}
    for note in report.skipped:  # a check that could not run here, and what to install
        err.print(note, markup=False)
    if as_json:
        data = {"problems": [asdict(p) for p in report.problems], "summary": summary, "skipped": report.skipped}
        out.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False)
    else:
        _print_problems(report.problems)
        out.print(f"{report.errors} errors, {report.warnings} warnings, {report.silenced} silenced "
                  f"in {report.catalogues} catalogues", markup=False)
    if report.errors or strict and report.warnings:
        raise typer.Exit(1)


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}


def _print_problems(problems: list[Problem]) -> None:
    """One line per problem, a blank line between catalogues; coloured on a terminal only."""
    from rich.text import Text

    for i, problem in enumerate(problems):
        if i and problem.path != problems[i - 1].path:
            out.print()
        out.print(Text.assemble((problem.location, "bold"), ": ",
                                (f"[{problem.check}]", _SEVERITY_STYLE[problem.severity]), f" {problem.message}"))


@app.command()
def draft(
    source: Annotated[str, typer.Option("--from", help="The language to draft from (its translations).")],
    target: Annotated[str, typer.Option("--to", help="The language whose untranslated units are drafted.")],
    root: ProjectOption = Path("."),
    article: ArticleOption = None,
) -> None:
    """Machine drafts with Apertium (ru <-> be): untranslated units only, always fuzzy, never a
    translator's work; reports how many drafts would pass publish check as they are."""
    from publisher import project
    from publisher.draft import draft as draft_catalogues
    config = _config(root)
    results = run(lambda: draft_catalogues(config, project.load_articles(config, tuple(article or ())), source, target))
    for result in results:
        for msgid, why in result.refused:
            err.print(f"{result.path}: not drafted: “{msgid[:60]}”: {why}", markup=False)
        out.print(f"{result.path}: {len(result.drafted)} drafted (fuzzy), {result.passing} of them pass publish check "
                  f"as they are; {len(result.refused)} refused, {result.no_source} with no {source} translation "
                  "to draft from", markup=False)


@app.command()
def build(
    root: ProjectOption = Path("."),
    fmt: Annotated[str, typer.Option("--format", "-f", help="Formats, comma-separated.")] = ",".join(FORMATS),
    lang: LangOption = None,
    article: ArticleOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: output).")] = None,
    fallback: Annotated[bool, typer.Option("--fallback/--no-fallback",
                                           help="Show the source sentence where a translation is missing.")] = True,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any output is held back.")] = False,
    jobs: JobsOption = 0,
    force: Annotated[bool, typer.Option("--force", help="Rebuild everything, even what is up to date.")] = False,
) -> None:
    """Build HTML, XHTML, EPUB and NewsML-G2 outputs from the articles and their catalogues."""
    from publisher.uptodate import build as build_outputs  # the renderers only if there is work to do
    config = _config(root)
    if out_dir is not None:
        config = replace(config, output_dir=str(out_dir if out_dir.is_absolute() else Path.cwd() / out_dir))
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        err.print(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
        raise typer.Exit(2)
    languages = _languages(config, lang)
    with _progress_bar() as progress:
        report = run(lambda: build_outputs(config, formats, languages, tuple(article or ()), fallback,
                                           jobs or None, force, progress))
    _report_build(report)
    if strict and report.held_back:
        raise typer.Exit(1)


@contextmanager
def _progress_bar():
    """A progress bar on a terminal; nothing (parseable output only) otherwise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    if not out.is_terminal:
        yield None
        return
    with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=out, transient=True) as bar:
        task = bar.add_task("articles", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _report_build(report) -> None:
    if not out.is_terminal:  # one line per file (17,000 in a build of 1,000 articles): written plainly, at once
        out.file.write("".join(f"wrote {name}\n" for name in report.written))
    for name in report.removed:
        out.print(f"removed {name}", markup=False)
    for line in report.warnings():
        err.print(line, markup=False)
    out.print(report.summary(), markup=False)


@app.command()
def serve(
    root: ProjectOption = Path("."),
    lang: LangOption = None,
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="Port on 127.0.0.1 (0: any free one).")] = 8000,
) -> None:
    """Live preview: build the web pages, serve them on 127.0.0.1, rebuild when an article,
    catalogue, the glossary, the settings or a template is saved, and reload the open pages."""
    from publisher.serve import serve as live_preview  # only this command needs a server and a watcher

    config = _config(root)
    languages = _languages(config, lang)

    def report(line: str) -> None:
        err.print(line, markup=False)

    run(lambda: live_preview(config, languages, "127.0.0.1", port, report))


@app.command()
def fmt(
    paths: Annotated[list[Path] | None,
                     typer.Argument(help="PO/POT files or folders; default: the project's locales folder.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; list the files that are not "
                                                        "canonical and exit 1 if there are any.")] = False,
    root: ProjectOption = Path("."),
) -> None:
    """Rewrite PO/POT files in GNU gettext's canonical form (msgcat's bytes), without gettext."""
    from publisher import po
    targets = paths or [_config(root).locales_path]
    result = run(lambda: po.format_files(targets, check))
    for error in result.errors:
        err.print(str(error), markup=False)
    for path in result.changed:
        out.print(f"{'not canonical' if check else 'formatted'}: {path}", markup=False)
    verb = "not canonical" if check else "formatted"
    out.print(f"{len(result.changed)} {verb}, {len(result.unchanged)} unchanged, {len(result.errors)} refused",
              markup=False)
    if result.errors or check and result.changed:
        raise typer.Exit(1)


@app.command()
def validate(
    paths: Annotated[list[Path] | None,
                     typer.Argument(help="Files or folders; default: the project's output folder.")] = None,
    root: ProjectOption = Path("."),
) -> None:
    """Check NewsML-G2 files against the IPTC 2.35 schema (offline), EPUB and XHTML with EPUBCheck,
    HTML with the W3C Nu checker. Exit 1 if any file is invalid, 2 if a needed validator is missing."""
    from publisher import validate as validation

    targets = paths or [_config(root).output_path]
    report = run(lambda: validation.validate(targets))
    for finding in report.invalid:
        out.print(str(finding), markup=False)
    for finding in report.not_checked:
        err.print(str(finding), markup=False)
    out.print(f"{len(report.checked)} checked, {len({f.path for f in report.invalid})} with errors, "
              f"{len(report.not_checked)} not checked", markup=False)
    if report.invalid:
        raise typer.Exit(1)
    if report.not_checked:
        raise typer.Exit(2)


@app.command()
def deliver(
    root: ProjectOption = Path("."),
    partner: Annotated[list[str] | None,
                       typer.Option("--partner", "-p", help="Only this partner (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would go where; send nothing.")] = False,
) -> None:
    """Send each partner the outbox files it has not received (publish build makes them). Exit 1 if
    any partner failed; the others are still served."""
    from publisher.wire.delivery import deliver as deliver_outbox

    config = _config(root)
    outcomes = run(lambda: deliver_outbox(config, tuple(partner or ()), dry_run,
                                          lambda line: out.print(f"sent {line}", markup=False)))
    if not outcomes:
        out.print("no partner has a protocol in [tool.publisher.partners]: nothing to deliver", markup=False)
    for outcome in outcomes:
        if dry_run:
            for name in outcome.pending:
                out.print(f"{outcome.partner}: {name} -> {outcome.where}", markup=False)
            out.print(f"{outcome.partner}: {len(outcome.pending)} to send to {outcome.where}", markup=False)
        elif outcome.error:
            err.print(f"{outcome.partner}: delivery to {outcome.where} failed after {len(outcome.sent)} sent: "
                      f"{outcome.error}", markup=False)
        else:
            out.print(f"{outcome.partner}: {len(outcome.sent)} sent, {len(outcome.already)} already there",
                      markup=False)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
