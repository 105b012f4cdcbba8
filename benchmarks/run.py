"""Run the benchmark: our CLI and the tools it replaces, on the same generated corpus.

    python -m benchmarks.run                      # N = 100 and 1,000
    python -m benchmarks.run --sizes 100          # any sizes
    python -m benchmarks.run --large              # adds N = 10,000

Prints Markdown tables and writes benchmarks/results/results.json. The corpora stay in
benchmarks/corpus/ for a look afterwards. Only the CLI is run, never the library's internals,
so any version of the build engine can be measured; options it lacks are reported as such.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks import memory, reference
from benchmarks.corpus import generate
from benchmarks.edits import edit_sources, score
from benchmarks.measure import Measurement, measure
from publisher import po

HERE = Path(__file__).resolve().parent
PUBLISH = [sys.executable, "-m", "publisher"]
TARGET_LANGUAGES = ("ru", "be", "kk")

# (what is compared, ours, reference, the target for ours ÷ reference in wall time: a number,
# or one made from the number of articles N). The targets are issue 15's; those of issue 12 for the
# translation memory.
COMPARISONS = (
    ("full build, 4 formats ÷ po2html, HTML", "full build", "po2html", 1 / 3),
    ("HTML-only build ÷ po2html", "HTML-only build", "po2html", 1 / 10),
    ("no-op rebuild ÷ full build", "no-op rebuild", "full build", 0.02),
    ("HTML-only no-op rebuild ÷ HTML-only build", "HTML-only no-op rebuild", "HTML-only build", 0.02),
    ("one catalogue changed ÷ full build", "one catalogue changed", "full build", 0.02),
    ("one article edited ÷ full build (2% + 1/N)", "one article edited", "full build", lambda n: 0.02 + 1 / n),
    ("Russian-only no-op rebuild ÷ full build", "Russian-only no-op rebuild", "full build", 0.02),
    # Nothing changed since the last full build but what the Russian-only build wrote: a no-op's target.
    ("full build after a Russian-only one ÷ full build", "full build after the Russian-only one", "full build", 0.02),
    ("publish update ÷ msgmerge --previous", "publish update", "msgmerge", 0.2),
    ("publish update, first in its folder ÷ msgmerge --previous", "publish update, first in its folder",
     "msgmerge", 0.2),
    ("publish check ÷ pofilter", "publish check", "pofilter", 0.1),
    ("update, new articles ÷ msgcat + msgmerge --compendium", "publish update, new articles",
     "msgmerge --compendium", 1.0),
    ("update, new articles ÷ msgcat + pot2po -t", "publish update, new articles", "pot2po -t", 1.0),
    ("full build ÷ full build --jobs 1", "full build", "full build --jobs 1", 1 / 1.8),
)


@dataclass(frozen=True)
class Features:
    """What this version of the CLI offers."""

    jobs: bool
    force: bool
    check: bool


def features(cwd: Path) -> Features:
    build_help = subprocess.run(PUBLISH + ["build", "--help"], cwd=cwd, capture_output=True, text=True).stdout
    check = subprocess.run(PUBLISH + ["check", "--help"], cwd=cwd, capture_output=True).returncode == 0
    return Features(jobs="--jobs" in build_help, force="--force" in build_help, check=check)


def run_size(n: int, work: Path, seed: int, catalogues_only: bool = False, builds_only: bool = False) -> dict:
    base = work / f"n{n}"
    shutil.rmtree(base, ignore_errors=True)
    corpus = base / "corpus"
    print(f"N={n}: generating the corpus in {corpus}", file=sys.stderr)
    generate(corpus, n, seed)
    # publish check keeps its reports in the user's cache folder: each size starts from an empty one,
    # so that the check measured is a first one, as pofilter's is.
    os.environ["XDG_CACHE_HOME"] = str(base / "user-cache")
    found = features(corpus)
    force = ["--force"] if found.force else []
    results: dict[str, Measurement | None] = {}

    def ours(name: str, *args: str, cwd: Path = corpus, fresh: bool = False) -> None:
        if fresh:
            shutil.rmtree(cwd / "output", ignore_errors=True)
        print(f"N={n}: {name}", file=sys.stderr)
        results[name] = measure([PUBLISH + list(args)], cwd)

    measure([PUBLISH + ["--help"]], corpus)  # warm the caches (bytecode, files) before the first timing
    if not catalogues_only:
        build_steps(n, corpus, base, found, force, ours, results, everything=not builds_only)
    if builds_only:
        return {"articles": n, "article_languages": n * len(reference.LANGUAGES), "cli": asdict(found),
                "measurements": {name: m.as_dict() if m else None for name, m in results.items()},
                "fuzzy_matches": {}, "memory_fill": None}
    updated = copy_project(corpus, base / "update-publish")
    # A desk's project has been updated before (untimed): update then remembers the catalogues it
    # left as they are and merges only the rest; msgmerge keeps no such state and merges them all.
    subprocess.run(PUBLISH + ["update"], cwd=updated, check=True, capture_output=True)
    changes = edit_sources(updated, seed=seed)
    merged = copy_project(updated, base / "update-msgmerge")
    ours("publish update, first in its folder", "update", cwd=copy_project(updated, base / "update-first"))
    ours("publish update", "update", cwd=updated)
    subprocess.run(PUBLISH + ["extract"], cwd=merged, check=True, capture_output=True)  # msgmerge needs the POTs
    print(f"N={n}: msgmerge", file=sys.stderr)
    results["msgmerge"] = measure(reference.msgmerge(merged), merged)
    fills = memory_step(corpus, base, n, ours, results)
    return {
        "articles": n,
        "article_languages": n * len(reference.LANGUAGES),
        "cli": asdict(found),
        "measurements": {name: m.as_dict() if m else None for name, m in results.items()},
        "source_changes": dict(Counter(c.kind for c in changes)),
        "fuzzy_matches": {"publish update": score(corpus, updated, changes, TARGET_LANGUAGES),
                          "msgmerge --previous": score(corpus, merged, changes, TARGET_LANGUAGES)},
        "memory_fill": fills,
    }


def build_steps(n: int, corpus: Path, base: Path, found: Features, force: list[str], ours, results: dict,
                everything: bool = True) -> None:
    """The builds and checks, and po2html and pofilter on the same corpus (without `everything`:
    the builds and po2html only, not the serial build, publish check or pofilter). They run in a
    copy of the corpus: the catalogue steps start from the corpus as generated, not with the
    translator's correction and the editor's keyword made here (the corrected unit would score
    as a wrong fill wherever a new article repeats its sentence)."""
    project = copy_project(corpus, base / "builds")
    step = functools.partial(ours, cwd=project)
    step("full build", "build", *force, fresh=True)
    step("no-op rebuild", "build")
    edit_one_catalogue(project)
    step("one catalogue changed", "build")
    edit_one_article(project)
    step("one article edited", "build")
    step("Russian-only build", "build", "--lang", "ru")  # its own first build: every article, Russian files only
    step("Russian-only no-op rebuild", "build", "--lang", "ru")
    step("full build after the Russian-only one", "build")
    step("HTML-only build", "build", "--format", "html", *force, fresh=True)
    step("HTML-only no-op rebuild", "build", "--format", "html")
    templates = reference.write_html_templates(project, base / "po2html-templates")
    print(f"N={n}: po2html", file=sys.stderr)
    results["po2html"] = measure(reference.po2html(project, templates, base / "po2html"), base)
    if not everything:
        return
    results["full build --jobs 1"] = None
    if found.jobs:
        step("full build --jobs 1", "build", "--jobs", "1", *force, fresh=True)
    results["publish check"] = None
    if found.check:
        step("publish check", "check")
    print(f"N={n}: pofilter", file=sys.stderr)
    results["pofilter"] = measure(reference.pofilter(project, base / "pofilter"), base)


def memory_step(corpus: Path, base: Path, n: int, ours, results: dict) -> dict:
    """New articles (the last 1%, at least two) filled from the desk's other catalogues, by each tool."""
    slugs = memory.new_articles(corpus, max(2, n // 100))
    ours_project = copy_project(corpus, base / "memory-publish")
    subprocess.run(PUBLISH + ["update"], cwd=ours_project, check=True, capture_output=True)  # as before the edits
    memory.forget(ours_project, slugs)
    ours("publish update, new articles", "update", cwd=ours_project)
    projects = {}
    for tool, commands in (("msgmerge --compendium", memory.msgmerge_commands), ("pot2po -t", memory.pot2po_commands)):
        project = copy_project(corpus, base / f"memory-{tool.split()[0]}")
        memory.forget(project, slugs)
        memory.copy_templates(corpus, project, slugs)
        print(f"N={n}: {tool}", file=sys.stderr)
        results[tool] = measure(memory.compendium_commands(project, slugs) + commands(project, slugs), project)
        projects[tool] = project
    return {"new articles": len(slugs),
            "publish update": memory.score(corpus, ours_project, slugs),
            **{tool: memory.score(corpus, project, slugs) for tool, project in projects.items()}}


def edit_one_article(corpus: Path) -> None:
    """An editor's change to one article: one more keyword (a new unit, untranslated until the
    next publish update: the wire holds that article back meanwhile)."""
    path = sorted((corpus / "source").glob("*.md"))[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('keywords: ["', 'keywords: ["Eurasian Economic Union", "', 1), encoding="utf-8")


def edit_one_catalogue(corpus: Path) -> None:
    """A translator's correction: one Russian unit of one article."""
    path = sorted((corpus / "locales" / "ru" / "LC_MESSAGES").glob("*.po"))[0]
    catalog = po.read(path)
    entry = next(e for e in catalog.entries if " и " in e.msgstr)
    entry.msgstr = entry.msgstr.replace(" и ", " а также ", 1)
    path.write_text(po.render(catalog), encoding="utf-8")


def copy_project(source: Path, target: Path) -> Path:
    """The project's inputs only: settings, sources, catalogues and glossary."""
    target.mkdir(parents=True)
    shutil.copy2(source / "pyproject.toml", target)
    for folder in ("source", "locales", "glossary"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


# --- Report -------------------------------------------------------------------------------------------


def comparisons(size: dict) -> list[dict]:
    rows = []
    for label, ours, theirs, target in COMPARISONS:
        target = target(size["articles"]) if callable(target) else target
        a, b = size["measurements"].get(ours), size["measurements"].get(theirs)
        ok = completed(ours, a) and completed(theirs, b)
        ratio = a["seconds"] / b["seconds"] if ok else None
        rows.append({"comparison": label, "ours": a, "reference": b, "ratio": ratio, "target": target,
                     "met": None if ratio is None else ratio <= target})
    return rows


def completed(name: str, measured: dict | None) -> bool:
    """Whether the step ran to its end: publish check exits 1 when it finds errors (after the edit
    steps, one article's new keyword is untranslated), which is a finished check."""
    return bool(measured) and (measured["returncode"] == 0 or name == "publish check" and measured["returncode"] == 1)


def memory_rows(sizes: list[dict]) -> list[dict]:
    """Peak memory of the full build at each size against the size before it (target: flat, ≤ 1.3×)."""
    rows = []
    for small, large in zip(sizes, sizes[1:]):
        a, b = large["measurements"].get("full build"), small["measurements"].get("full build")
        if not a or not b or a["returncode"] or b["returncode"]:
            continue
        ratio = a["peak_rss_mb"] / b["peak_rss_mb"]
        rows.append({"comparison": f"full build peak RSS, N={large['articles']} ÷ N={small['articles']}",
                     "ratio": ratio, "target": 1.3, "met": ratio <= 1.3})
    return rows


def markdown(sizes: list[dict]) -> str:
    lines = ["| N | measurement | wall s | peak RSS MB | processes | load | last line |",
             "|---:|---|---:|---:|---:|---:|---|"]
    for size in sizes:
        for name, m in size["measurements"].items():
            if m is None:
                lines.append(f"| {size['articles']} | {name} | — | — | — | — | not offered by this CLI |")
            else:
                status = m["summary"] if m["returncode"] == 0 else f"FAILED ({m['returncode']}): {m['summary']}"
                lines.append(f"| {size['articles']} | {name} | {m['seconds']:.2f} | {m['peak_rss_mb']:.0f} "
                             f"| {m['processes']} | {m['load']:.1f} | {status[:70]} |")
    lines += ["", "| N | ours ÷ reference (wall time) | ratio | target | met |", "|---:|---|---:|---:|---|"]
    for size in sizes:
        for row in size["comparisons"]:
            ratio = "—" if row["ratio"] is None else f"{row['ratio']:.3f}"
            met = {None: "not measured", True: "yes", False: "**no**"}[row["met"]]
            lines.append(f"| {size['articles']} | {row['comparison']} | {ratio} | ≤ {row['target']:.3f} | {met} |")
    for row in memory_rows(sizes):
        lines.append(f"| | {row['comparison']} | {row['ratio']:.3f} | ≤ 1.300 | {'yes' if row['met'] else '**no**'} |")
    lines += ["", "| N | tool | edited wording: previous translation offered | edited figure: previous "
              "translation offered | brand-new: a (wrong) translation offered |", "|---:|---|---:|---:|---:|"]
    for size in sizes:
        for tool, kinds in size["fuzzy_matches"].items():
            cells = [_fraction(kinds.get(k), "previous translation") for k in ("wording", "figure")]
            cells.append(_fraction(kinds.get("new"), "offered"))
            lines.append(f"| {size['articles']} | {tool} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_markdown(sizes: list[dict]) -> str:
    kinds = ("filled right", "filled wrong", "offered fuzzy")
    lines = ["| N | new articles | tool | in memory: " + ", ".join(kinds) + " | not in memory: offered "
             "(other figures) |", "|---:|---:|---|---:|---:|"]
    for size in sizes:
        fills = size["memory_fill"]
        if not fills:  # a run of the builds only
            continue
        for tool in ("publish update", "msgmerge --compendium", "pot2po -t"):
            t = fills[tool]
            known = " / ".join(str(t.get(f"in memory: {k}", 0)) for k in kinds)
            lines.append(f"| {size['articles']} | {fills['new articles']} | {tool} | {known} of {t.get('in memory', 0)} "
                         f"| {t.get('not in memory: offered', 0)} ({t.get('not in memory: offered other figures', 0)})"
                         f" of {t.get('not in memory', 0)} |")
    return "\n".join(lines)


def _fraction(tally: dict | None, key: str) -> str:
    return "—" if not tally else f"{tally.get(key, 0)} / {tally['units']}"


def machine(cwd: Path) -> dict:
    msgmerge = subprocess.run(["msgmerge", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)),
            "publisher": version("publisher"), "publisher_code": _measured_code(cwd),
            "translate-toolkit": version("translate-toolkit"),
            "msgmerge": msgmerge[0] if msgmerge else None,
            # Off, every run of ours compiles the toolkit again (pip compiled the references' at install).
            "bytecode_written": not os.environ.get("PYTHONDONTWRITEBYTECODE")}


def _measured_code(cwd: Path) -> str:
    """Where the measured CLI's package lives (a PYTHONPATH can point it at another copy)."""
    code = "import publisher; print(publisher.__path__[0])"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the publish CLI against po2html, msgmerge and pofilter.")
    parser.add_argument("--sizes", default="100,1000", help="article counts, comma-separated (default 100,1000)")
    parser.add_argument("--large", action="store_true", help="add N = 10,000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--catalogues-only", action="store_true",
                        help="only the catalogue steps (update, msgmerge, the translation memory)")
    parser.add_argument("--builds-only", action="store_true",
                        help="only the builds and po2html (no serial build, check, pofilter or catalogue steps): "
                             "N = 10,000's build times and memory in minutes rather than most of an hour")
    parser.add_argument("--work", type=Path, default=HERE / "corpus", help="where the corpora are generated")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where results.json is written")
    parser.add_argument("--report", action="store_true", help="print the tables of the results.json in --out again")
    args = parser.parse_args()
    if args.report:
        sizes = json.loads((args.out / "results.json").read_text(encoding="utf-8"))["sizes"]
        for size in sizes:
            size["comparisons"] = comparisons(size)
        print(markdown(sizes))
        print()
        print(memory_markdown(sizes))
        return
    counts = sorted({int(s) for s in args.sizes.split(",")} | ({10_000} if args.large else set()))
    sizes = []
    for n in counts:
        size = run_size(n, args.work, args.seed, args.catalogues_only, args.builds_only)
        size["comparisons"] = comparisons(size)
        sizes.append(size)
    args.out.mkdir(parents=True, exist_ok=True)
    result = {"command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]), "machine": machine(args.work),
              "sizes": sizes, "memory": memory_rows(sizes)}
    (args.out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(sizes))
    print()
    print(memory_markdown(sizes))
    print(f"\nwritten: {args.out / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
