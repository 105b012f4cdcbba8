"""Project settings: `[tool.publisher]` in pyproject.toml, or a publisher.toml.

Every setting is declared once, below, as a field of `Config`: its type (the annotation), its
default, and what else it must be (`setting(check=…)`). Reading the file checks each value against
that declaration and reports what is wrong as `pyproject.toml: [tool.publisher] key: what is wrong`
(every problem at once), so a setting can never reach the code with the wrong type.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

from publisher.errors import Problems, PublisherError
from publisher.textchars import describe, forbidden, printable

SEGMENTATION_MODES = ("sentence", "paragraph")
PARTNER_PROFILES = ("newsml", "ninjs")
PARTNER_MESSAGES = ("all-stories", "one-story")
PARTNER_PROTOCOLS = ("", "folder", "ftp", "ftps", "sftp", "https", "http")  # "": the partner pulls
FORMAT_NAMES = ("html", "xhtml", "epub", "newsml")  # publisher.exporters.FORMATS, each a module there (or the wire)
# A problem with a value, given the other settings: a message, or (the key inside the value, a message).
Check = Callable[[Any, "Config"], "str | tuple[str, str] | None"]


def setting(default: Any = MISSING, *, factory: Callable[[], Any] | None = None, check: Check | None = None) -> Any:
    """A declared setting: its default and an optional check of its value."""
    metadata = {"check": check} if check else {}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _percent(value: float, config: Config) -> str | None:
    return None if 0 <= value <= 100 else f"must be a percentage from 0 to 100, not {value:g}"


@dataclass(frozen=True)
class Gate:
    """What a language needs before a format publishes it."""

    min_translated: float = setting(0.0, check=_percent)  # percent of units translated (not fuzzy)
    allow_fallback: bool = True  # show the source sentence where a translation is missing
    allow_check_errors: bool = True


DEFAULT_GATES = {
    "html": Gate(min_translated=50.0),
    "xhtml": Gate(min_translated=50.0),
    "epub": Gate(min_translated=50.0),
    "newsml": Gate(min_translated=100.0, allow_fallback=False, allow_check_errors=False),
}


# --- Checks of single settings --------------------------------------------------------------------


def _language_problem(code: str) -> str | None:
    if not re.fullmatch(r"[a-z]{2,3}", code):
        return f"'{printable(code)}' is not a language code; use an ISO 639 code such as en, ru, be, kk"
    if _cldr_language(code):
        return None
    from babel import Locale, UnknownLocaleError  # here: a no-op build, whose languages CLDR has, spares its import

    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return f"'{code}' is not a language CLDR knows; use an ISO 639 code such as en, ru, be, kk"
    return None


# A locale named by its language and territory only (en, en_GB), which Locale.parse takes apart so
_PLAIN_LOCALE = re.compile(r"([a-z]{2,3})(?:_[A-Z]{2})?")


def _cldr_language(name: str) -> str | None:
    """The language of `name` if it is a plain locale of which Babel has a CLDR file: Locale.parse
    loads that file and accepts it. Found without importing Babel (a no-op build needs nothing else
    of it); None for any other name, which is left to Locale.parse."""
    plain, folder = _PLAIN_LOCALE.fullmatch(name), _babel_locale_data()
    found = plain and folder is not None and os.path.isfile(os.path.join(folder, f"{name}.dat"))
    return plain.group(1) if found else None


@cache
def _babel_locale_data() -> str | None:
    spec = importlib.util.find_spec("babel")
    folders = spec.submodule_search_locations if spec else None
    return os.path.join(folders[0], "locale-data") if folders else None


def _source_language(value: str, config: Config) -> str | None:
    if _language_problem(value):
        return _language_problem(value)
    return None if value in config.languages else f"'{value}' must be one of languages ({', '.join(config.languages)})"


def _languages(value: tuple[str, ...], config: Config) -> str | None:
    if not value:
        return "list at least one language"
    duplicates = sorted({lang for lang in value if value.count(lang) > 1})
    if duplicates:
        return f"{', '.join(duplicates)} listed twice"
    return next(filter(None, map(_language_problem, value)), None)


def _babel_locales(value: dict[str, str], config: Config) -> tuple[str, str] | None:
    for lang, name in value.items():
        if lang not in config.languages:
            return lang, f"not one of languages ({', '.join(config.languages)})"
        language = _cldr_language(name) if isinstance(name, str) else None
        if language is None:
            from babel import Locale, UnknownLocaleError  # here: a locale CLDR has a file of spares its import

            try:
                language = Locale.parse(name).language
            except (ValueError, UnknownLocaleError, TypeError):
                return lang, f"'{printable(name)}' is not a locale CLDR knows; write e.g. en_GB"
        if language != lang:
            return lang, f"'{name}' is a locale of another language ({language})"
    return None


def _one_of(*choices: str) -> Check:
    def check(value: str, config: Config) -> str | None:
        return None if value in choices else f"'{printable(value)}' is not one of {', '.join(choices)}"
    return check


def _not_empty(value: str, config: Config) -> str | None:
    return None if value.strip() else "must not be empty"


def _at_least_one(value: int, config: Config) -> str | None:
    return None if value >= 1 else f"must be 1 or more, not {value}"


def _base_url(value: str, config: Config) -> str | None:
    if not value or re.fullmatch(r"https?://[^\s/?#]+(/[^\s]*)?", value):
        return None
    return f"'{printable(value)}' is not an http or https address; write e.g. https://news.example/"


# A lower-case DNS name of two or more labels (RFC 1035): the ProviderId of RFC 3085 guids.
DOMAIN_RE = re.compile(r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _domain(value: str, config: Config) -> str | None:
    if not value or DOMAIN_RE.fullmatch(value):
        return None
    return f"'{printable(value)}' is not an Internet domain name; write the domain the provider owns, e.g. belta.by"


def _partner_languages(value: tuple[str, ...], config: Config) -> str | None:
    unknown = [lang for lang in value if lang not in config.languages]
    return f"'{printable(unknown[0])}' is not one of languages ({', '.join(config.languages)})" if unknown else None


def _priority(value: int | None, config: Config) -> str | None:
    return None if value is None or 1 <= value <= 9 else f"must be from 1 (highest) to 9, not {value}"


def _port(value: int, config: Config) -> str | None:
    return None if 0 <= value <= 65535 else f"must be a port from 1 to 65535 (0: the protocol's own), not {value}"


def _protocol(value: str, config: Config) -> str | None:
    if value in PARTNER_PROTOCOLS:
        return None
    return f"'{printable(value)}' is not one of {', '.join(PARTNER_PROTOCOLS[1:])} (leave it out for a partner that pulls)"


def _outside_project(value: str, config: Config) -> str | None:
    """Keys and credentials stay out of the repository, where a commit would publish them."""
    if value and (config.root / Path(value).expanduser()).resolve().is_relative_to(config.root.resolve()):
        return f"'{printable(value)}' is inside the project; keep keys and credentials outside the repository"
    return None


PARTNER_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def _partners(value: dict[str, Partner], config: Config) -> tuple[str, str] | None:
    """A partner's name names its folder of messages: plain lower-case letters, digits and hyphens."""
    wrong = next((name for name in value if not PARTNER_NAME_RE.fullmatch(name)), None)
    if wrong is not None:
        return wrong, "a partner's name may have only lower-case letters, digits and hyphens, e.g. dpa or ntb-oslo"
    return None


def _gates(value: dict[str, Gate], config: Config) -> tuple[str, str] | None:
    unknown = sorted(set(value) - set(FORMAT_NAMES))
    return (unknown[0], f"unknown format; the formats are {', '.join(FORMAT_NAMES)}") if unknown else None


@dataclass(frozen=True)
class Partner:
    """A wire partner, `[tool.publisher.partners.<name>]`: what it takes and how its newsMessages
    are addressed (publisher.wire.messages)."""

    profile: str = setting("newsml", check=_one_of(*PARTNER_PROFILES))  # or its ninjs twins
    languages: tuple[str, ...] = setting((), check=_partner_languages)  # empty: every language
    # every story in one newsMessage, or one story (its items and package) per message, as dpa, ANSA and APA send
    message: str = setting("all-stories", check=_one_of(*PARTNER_MESSAGES))
    sender: str = ""  # header/sender; empty: provider_domain, else provider
    priority: int | None = setting(None, check=_priority)  # header/priority; none: the urgency
    destination: str = ""  # header/destination, e.g. the partner's desk
    channels: tuple[str, ...] = ()  # header/channel, one each
    # What `publish deliver` pushes there (publisher.wire.delivery): the outbox's files of its profile.
    protocol: str = setting("", check=_protocol)
    host: str = ""
    port: int = setting(0, check=_port)  # 0: the protocol's own
    path: str = ""  # the remote folder (ftp, sftp), the address's path (https), the folder (folder)
    user: str = ""
    password_env: str = ""  # the environment variable that holds the password, never the password
    key_file: str = setting("", check=_outside_project)  # sftp: a private key outside the project
    known_hosts: str = setting("", check=_outside_project)  # sftp: the server's host key; empty: ~/.ssh/known_hosts
    retries: int = setting(3, check=_at_least_one)  # attempts per file, waiting 1 s, 2 s, 4 s… between them


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    source_language: str = setting("en", check=_source_language)
    languages: tuple[str, ...] = setting(("en", "ru", "be", "kk"), check=_languages)
    source_dir: str = setting("source", check=_not_empty)
    locales_dir: str = setting("locales", check=_not_empty)
    output_dir: str = setting("output", check=_not_empty)
    glossary: str = setting("glossary/terms.tbx", check=_not_empty)
    segmentation: str = setting("sentence", check=_one_of(*SEGMENTATION_MODES))
    babel_locales: dict[str, str] = setting(factory=dict, check=_babel_locales)
    templates_dir: str | None = None
    # Where output/html is served (https://news.example/): makes canonical, hreflang and og:url absolute.
    base_url: str = setting("", check=_base_url)
    collection_size: int = setting(50, check=_at_least_one)  # editions and the wire feed carry the newest N articles
    provider: str = setting("publisher", check=_not_empty)
    # The Internet domain the provider owns (belta.by): wire guids are RFC 3085 URNs built from it.
    provider_domain: str = setting("", check=_domain)
    copyright_holder: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""  # what partners may do with the wire copy (NewsML-G2 rightsInfo/usageTerms)
    gates: dict[str, Gate] = setting(factory=lambda: dict(DEFAULT_GATES), check=_gates)
    prune_obsolete: bool = False  # `publish update` drops obsolete (#~) entries, as --prune-obsolete does
    partners: dict[str, Partner] = setting(factory=dict, check=_partners)  # wire partners, by name

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


# --- Reading ------------------------------------------------------------------------------------------


def load_config(root: Path = Path(".")) -> Config:
    """Read the settings of the project in `root`; defaults where nothing is set."""
    for name, table_path in (("publisher.toml", ()), ("pyproject.toml", ("tool", "publisher"))):
        path = root / name
        if path.is_file():
            table = _read_table(path, table_path)
            if table is not None:
                where = f"[{'.'.join(table_path)}] " if table_path else ""
                return _from_table(root, table, path, where)
    return Config(root=root)


def _read_table(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise PublisherError("cannot read settings: not valid UTF-8; save the file as UTF-8", path) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)$|\s*\(at end of document\)$", "", str(exc))
        raise PublisherError(f"cannot read settings: {reason}", path, int(found.group(1)) if found else None) from None
    for key in keys:
        data = data.get(key)
        if not isinstance(data, dict):
            return None
    return data


class _Wrong(Exception):
    """A value that does not fit its declaration: where (a dotted key) and what is wrong."""

    def __init__(self, key: str, problem: str):
        super().__init__(problem)
        self.key, self.problem = key, problem


def _from_table(root: Path, table: dict[str, Any], path: Path, where: str) -> Config:
    problems: list[_Wrong] = []
    values = _conform_fields(Config, table, "", problems, skip=("root",))
    if "gates" in values:  # a format the table leaves out keeps its default gate
        values["gates"] = {**DEFAULT_GATES, **values["gates"]}
    if not problems:
        config = Config(root=root, **values)
        for f in fields(Config):  # every check, set or not: some look at other settings too
            problems += _checked(f, getattr(config, f.name), config, f.name)
        problems += [p for fmt, gate in config.gates.items() for g in fields(Gate)
                     for p in _checked(g, getattr(gate, g.name), config, f"gates.{fmt}.{g.name}")]
        problems += [p for name, partner in config.partners.items() for g in fields(Partner)
                     for p in _checked(g, getattr(partner, g.name), config, f"partners.{name}.{g.name}")]
    if problems:
        errors = [PublisherError(f"{where}{printable(p.key)}: {p.problem}", path) for p in problems]
        raise errors[0] if len(errors) == 1 else Problems(errors)
    return config


def _checked(f, value: Any, config: Config, key: str) -> list[_Wrong]:
    """The declared check of a setting, if it has one."""
    check = f.metadata.get("check")
    problem = check(value, config) if check else None
    if isinstance(problem, tuple):
        return [_Wrong(f"{key}.{problem[0]}", problem[1])]
    return [_Wrong(key, problem)] if problem else []


def _conform_fields(cls: type, table: dict[str, Any], prefix: str, problems: list[_Wrong],
                    skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The table's values, converted to the dataclass's declared types; unknown keys reported."""
    hints = _hints(cls)
    known = [f.name for f in fields(cls) if f.name not in skip]
    values = {}
    for key, value in table.items():
        if key not in known:
            import difflib  # here: only a mistyped setting needs it, and every command loads the settings

            near = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {near[0]}? " if near else ""
            problems.append(_Wrong(prefix + key, f"unknown setting; {hint}the settings are {', '.join(known)}"))
            continue
        try:
            values[key] = _conform(value, hints[key], prefix + key, problems)
        except _Wrong as wrong:
            problems.append(wrong)
    return values


def _conform(value: Any, hint: Any, key: str, problems: list[_Wrong]) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _conform(value, next(a for a in args if a is not type(None)), key, problems)
    if hint is str:
        if not isinstance(value, str):
            raise _Wrong(key, f"expected text, got {_kind(value)}")
        if forbidden(value):
            raise _Wrong(key, f"contains {describe(forbidden(value).group(0))}, which no output can carry; remove it")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise _Wrong(key, f"expected true or false, got {_kind(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Wrong(key, f"expected a whole number, got {_kind(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise _Wrong(key, f"expected a number, got {_kind(value)}")
        return float(value)
    if origin is tuple:
        if not isinstance(value, list):
            raise _Wrong(key, f"expected a list, e.g. [\"en\", \"ru\"], got {_kind(value)}")
        return tuple(_conform(item, args[0], f"{key}[{i}]", problems) for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise _Wrong(key, f"expected a table, got {_kind(value)}")
        return {name: _conform(item, args[1], f"{key}.{name}", problems) for name, item in value.items()}
    if is_dataclass(hint):  # a nested table (a format's gate, a partner): its fields over the defaults
        if not isinstance(value, dict):
            raise _Wrong(key, f"expected a table of {', '.join(f.name for f in fields(hint))}, got {_kind(value)}")
        base = DEFAULT_GATES.get(key.rsplit(".", 1)[-1], hint()) if hint is Gate else hint()
        return hint(**{**base.__dict__, **_conform_fields(hint, value, key + ".", problems)})
    raise TypeError(f"no reader for settings of type {hint}")  # a declaration this module cannot read: a bug


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kind(value: Any) -> str:
    """How a message names a TOML value it did not expect."""
    if isinstance(value, str):
        return f"text (\"{printable(value[:60])}\")"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value!r}"[:80]
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (date, time)):
        return f"a date or time ({value})"
    return type(value).__name__
