"""Project settings: `[tool.publisher]` in pyproject.toml, or a publisher.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from publisher.errors import PublisherError
from publisher.textchars import describe, forbidden

SEGMENTATION_MODES = ("sentence", "paragraph")


@dataclass(frozen=True)
class Gate:
    """What a language needs before a format publishes it."""

    min_translated: float = 0.0  # percent of units translated (not fuzzy)
    allow_fallback: bool = True  # show the source sentence where a translation is missing
    allow_check_errors: bool = True


DEFAULT_GATES = {
    "html": Gate(min_translated=50.0),
    "xhtml": Gate(min_translated=50.0),
    "epub": Gate(min_translated=50.0),
    "newsml": Gate(min_translated=100.0, allow_fallback=False, allow_check_errors=False),
}


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    source_language: str = "en"
    languages: tuple[str, ...] = ("en", "ru", "be", "kk")
    source_dir: str = "source"
    locales_dir: str = "locales"
    output_dir: str = "output"
    glossary: str = "glossary/terms.tbx"
    segmentation: str = "sentence"
    babel_locales: dict[str, str] = field(default_factory=dict)
    templates_dir: str | None = None
    # Where output/html is served (https://news.example/): makes canonical, hreflang and og:url absolute.
    base_url: str = ""
    collection_size: int = 50  # editions and the wire feed carry the newest N articles
    provider: str = "publisher"
    copyright_holder: str = ""
    copyright_notice: str = ""
    gates: dict[str, Gate] = field(default_factory=lambda: dict(DEFAULT_GATES))
    prune_obsolete: bool = False  # `publish update` drops obsolete (#~) entries, as --prune-obsolete does

    @property
    def source_path(self) -> Path:
        return self.root / self.source_dir

    @property
    def locales_path(self) -> Path:
        return self.root / self.locales_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def glossary_path(self) -> Path:
        return self.root / self.glossary

    @property
    def target_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.source_language)

    def babel_locale(self, lang: str) -> str:
        """The CLDR locale used for a language's dates and numbers (e.g. en → en_GB)."""
        return self.babel_locales.get(lang, lang)


def load_config(root: Path = Path(".")) -> Config:
    """Read the settings of the project in `root`; defaults where nothing is set."""
    for name, table_path in (("publisher.toml", ()), ("pyproject.toml", ("tool", "publisher"))):
        path = root / name
        if path.is_file():
            table = _read_table(path, table_path)
            if table is not None:
                return _from_table(root, table, path)
    return Config(root=root)


def _read_table(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PublisherError(f"cannot read settings: {exc}", path) from None
    for key in keys:
        data = data.get(key)
        if not isinstance(data, dict):
            return None
    return data


def _from_table(root: Path, table: dict[str, Any], path: Path) -> Config:
    known = {f.name for f in fields(Config)} - {"root"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise PublisherError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}", path)
    for key, value in table.items():
        if isinstance(value, str) and forbidden(value):
            raise PublisherError(f"setting '{key}' contains {describe(forbidden(value).group(0))}, "
                                 "which no output can carry; remove it", path)
    values = dict(table)
    if "languages" in values:
        values["languages"] = tuple(values["languages"])
    if "gates" in values:
        values["gates"] = _gates(values["gates"], path)
    config = Config(root=root, **values)
    if not isinstance(config.prune_obsolete, bool):
        raise PublisherError("prune_obsolete must be true or false", path)
    if config.segmentation not in SEGMENTATION_MODES:
        raise PublisherError(f"segmentation must be one of {', '.join(SEGMENTATION_MODES)}", path)
    if config.source_language not in config.languages:
        raise PublisherError("source_language must be one of languages", path)
    return config


def _gates(table: dict[str, Any], path: Path) -> dict[str, Gate]:
    gates = dict(DEFAULT_GATES)
    for fmt, settings in table.items():
        if fmt not in gates:
            raise PublisherError(f"gates.{fmt}: unknown format; known: {', '.join(gates)}", path)
        try:
            gates[fmt] = Gate(**{**gates[fmt].__dict__, **settings})
        except TypeError as exc:
            raise PublisherError(f"gates.{fmt}: {exc}", path) from None
    return gates
