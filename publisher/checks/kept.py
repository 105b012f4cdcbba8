"""Check reports kept between runs of `publish check`, so that only what changed is checked again.

A catalogue's report is kept with the hash of all it depends on: the catalogue's bytes and where
it is, the units its article publishes, the settings, the glossary and word lists, the Hunspell
dictionaries and the toolkit's own code. When any of them differs, the catalogue is checked again.

The reports live in the user's cache folder (publisher/usercache.py), never in the project: a
forged "no problems" there would let a broken translation through a CI check.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Literal

import msgspec

from publisher import manifest, usercache
from publisher.buildcache import check_key
from publisher.checks.spelling import dictionary_name, dictionary_files, word_list_path
from publisher.config import Config

FORMAT = 1  # of the file; a file of another format is not read


class Kept(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One catalogue's report: its findings (line, check, severity, message, msgid), how many were
    silenced, and the checks that could not run."""

    key: str
    problems: list[tuple[int, str, Literal["error", "warning"], str, str | None]]
    silenced: int
    skipped: list[str]


Reports = dict[str, dict[str, Kept]]  # article slug → language → report
PURPOSE = "checks"


def load(config: Config) -> Reports:
    return usercache.load(config, PURPOSE, FORMAT, Reports, {})


def save(config: Config, reports: Reports) -> None:
    usercache.save(config, PURPOSE, FORMAT, dict(sorted(reports.items())))


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
    """The build gate's key for the catalogue's check errors, and where the file is (the report names it)."""
    return manifest.digest(check_key(context, lang, article_language, wanted, raw).encode(), display.encode())


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"(none)"
