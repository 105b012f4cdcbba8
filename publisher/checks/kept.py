"""Check reports kept between runs of `publish check`, so that only what changed is checked again.

A catalogue's report is kept with the hash of all it depends on: the catalogue's bytes and where
it is, the units its article publishes, the settings, the glossary and word lists, the Hunspell
dictionaries and the toolkit's own code. When any of them differs, the catalogue is checked again.

The reports live in the user's cache folder ($XDG_CACHE_HOME/publisher/checks/, else
~/.cache/publisher/checks/), one file per project folder, never in the project: a report found in
a project's files could have been written by anyone who can send a change to it, and a forged
"no problems" there would let a broken translation through a CI check. A file this module cannot
read as its own is ignored; a cache that cannot be written is done without.
"""

from __future__ import annotations

import hashlib
import logging
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

import msgspec

from publisher import manifest
from publisher.checks.spelling import dictionary_name, dictionary_files, word_list_path
from publisher.config import Config
from publisher.fsutil import write_atomic

log = logging.getLogger(__name__)

FORMAT = 1  # of the file; a file of another format is not read


class Kept(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One catalogue's report: its findings (line, check, severity, message, msgid), how many were
    silenced, and the checks that could not run."""

    key: str
    problems: list[tuple[int, str, Literal["error", "warning"], str, str | None]]
    silenced: int
    skipped: list[str]


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    reports: dict[str, dict[str, Kept]]  # article slug → language → report


Reports = dict[str, dict[str, Kept]]


def cache_file(config: Config) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    project = hashlib.sha256(os.path.realpath(config.root).encode()).hexdigest()[:24]
    return Path(base, "publisher", "checks", f"{project}.json")


def load(config: Config) -> Reports:
    try:
        found = msgspec.json.decode(cache_file(config).read_bytes(), type=_File)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return {}
    return found.reports if found.format == FORMAT else {}


def save(config: Config, reports: Reports) -> None:
    path = cache_file(config)
    try:
        write_atomic(path, msgspec.json.encode(_File(FORMAT, dict(sorted(reports.items())))))
    except OSError as exc:  # a read-only home: the next check is a full one, nothing worse
        log.debug("check reports not kept: %s", exc)


def context_hash(config: Config, languages: tuple[str, ...]) -> str:
    """Everything the reports depend on besides each catalogue and its article."""
    parts = [manifest.checks_hash(config).encode(), str(find_spec("hunspell") is not None).encode()]
    for lang in languages:
        parts.append(_bytes(word_list_path(config.glossary_path, lang)))
        for path in dictionary_files(dictionary_name(lang, config.babel_locale(lang))):
            info = path.stat()
            parts.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return manifest.digest(*parts)


def catalogue_key(context: str, lang: str, article_language: str, wanted: tuple, display: str,
                  raw: bytes) -> str:
    return manifest.digest(context.encode(), lang.encode(), article_language.encode(), repr(wanted).encode(),
                           display.encode(), raw)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"(none)"
