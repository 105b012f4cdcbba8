"""The `publish` command's entry: a `publish build` with nothing to do is answered before the CLI
(Typer, Rich) is even imported.

Most builds are no-ops (a preview rebuilt, a CI job with nothing new), and the CLI's own start-up
costs more than deciding one. So a `publish build` whose options are all of the plain forms below
is first decided by publisher.uptodate.if_up_to_date, under the build's locks; when it has
nothing to do, its report is printed as `publish build` prints it (publisher.cli) and that is all.
Anything else, an option spelt otherwise, a setting or option in error, a build with work to do,
goes to publisher.cli, which parses, reports errors and builds as always.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

# A build's options of one value (given once) and flags: the forms publisher.cli's build accepts.
_VALUES = {"--project": "root", "-C": "root", "--format": "fmt", "-f": "fmt", "--out": "out", "-o": "out",
           "--jobs": "jobs", "-j": "jobs"}
_LISTS = {"--lang": "lang", "-l": "lang", "--article": "article", "-a": "article"}
_FLAGS = {"--fallback": ("fallback", True), "--no-fallback": ("fallback", False), "--strict": ("strict", True)}
# Rich, which prints the CLI's lines, turns :name: into an emoji: such a line is left to it.
_MAYBE_EMOJI = re.compile(r":[^\s:]+:")


def main() -> None:
    if sys.argv[1:2] == ["build"]:
        try:
            code = _up_to_date_build(sys.argv[2:])
        except KeyboardInterrupt:  # as publisher.cli says it (a no-op writes nothing but a manifest, atomically)
            print("interrupted; nothing was left half-written", file=sys.stderr)
            code = 130
        if code is not None:
            sys.exit(code)
    from publisher.cli import main as cli_main

    cli_main()


def _up_to_date_build(argv: list[str]) -> int | None:
    """The exit code of a build found to have nothing to do, its report printed; None otherwise."""
    options = _options(argv)
    if options is None:
        return None
    from publisher.config import load_config
    from publisher.errors import PublisherError
    from publisher.config import FORMAT_NAMES as FORMATS  # publisher.exporters.FORMATS, without the exporters
    from publisher.uptodate import if_up_to_date

    try:
        config = load_config(Path(options.get("root", ".")))
        if "out" in options:
            out = Path(options["out"])
            config = replace(config, output_dir=str(out if out.is_absolute() else Path.cwd() / out))
        formats = tuple(f.strip() for f in options.get("fmt", ",".join(FORMATS)).split(",") if f.strip())
        languages = tuple(options.get("lang", ()) or config.languages)
        if set(formats) - set(FORMATS) or set(languages) - set(config.languages):
            return None
        report = if_up_to_date(config, formats, languages, tuple(options.get("article", ())),
                               options.get("fallback", True))
    except (PublisherError, OSError):
        return None  # the CLI says what is wrong
    if report is None or any(_MAYBE_EMOJI.search(line) for line in [*report.warnings(), report.summary()]):
        return None
    try:
        for line in report.warnings():
            print(line, file=sys.stderr)
        print(report.summary())
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    return 1 if options.get("strict") and report.held_back else 0


def _options(argv: list[str]) -> dict | None:
    """The options, if every one is given in a form this reads (`--name value`, `--name=value`, a
    short name and a separate value, a flag), each option of one value once; else None."""
    found: dict = {}
    words = iter(argv)
    for word in words:
        name, has_value, value = word.partition("=") if word.startswith("--") else (word, False, "")
        if name in _FLAGS and not has_value:
            key, flag = _FLAGS[name]
            found[key] = flag
            continue
        if name not in _VALUES and name not in _LISTS:
            return None
        if not has_value:
            value = next(words, None)
        if not value or value.startswith("-"):
            return None
        if name in _LISTS:
            found.setdefault(_LISTS[name], []).append(value)
        elif _VALUES[name] in found:
            return None
        else:
            found[_VALUES[name]] = value
    if "jobs" in found and not (found["jobs"].isdigit() and found["jobs"].isascii()):
        return None
    return found
