"""Settings are declared once with their types: whatever `[tool.publisher]` holds, the answer is a
Config or `pyproject.toml: [tool.publisher] key: what is wrong` (exit 1, no traceback)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.config import Config, Partner, load_config
from publisher.errors import PublisherError

WHERE = "pyproject.toml: [tool.publisher] "


def settings_file(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.publisher]\n" + body + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("body, message", [
    ('collection_size = "10"', 'collection_size: expected a whole number, got text ("10")'),
    ("collection_size = 0", "collection_size: must be 1 or more, not 0"),
    ("collection_size = 2.5", "collection_size: expected a whole number, got the number 2.5"),
    ('gates.html.min_translated = "fifty"', 'gates.html.min_translated: expected a number, got text ("fifty")'),
    ("gates.html.min_translated = 150", "gates.html.min_translated: must be a percentage from 0 to 100, not 150"),
    ("gates.html.allow_fallback = 1", "gates.html.allow_fallback: expected true or false, got the number 1"),
    ("gates.pdf.min_translated = 50", "gates.pdf: unknown format; the formats are html, xhtml, epub, newsml"),
    ("gates.newsml.min_translate = 50", "gates.newsml.min_translate: unknown setting; did you mean min_translated? "
                                        "the settings are min_translated, allow_fallback, allow_check_errors"),
    ('babel_locales = { en = "xx_YY" }', "babel_locales.en: 'xx_YY' is not a locale CLDR knows; write e.g. en_GB"),
    ('babel_locales = { en = "ru_RU" }', "babel_locales.en: 'ru_RU' is a locale of another language (ru)"),
    ('babel_locales = { de = "de_DE" }', "babel_locales.de: not one of languages (en, ru, be, kk)"),
    ('languages = ["en", 5]', "languages[1]: expected text, got the number 5"),
    ('languages = "en"', 'languages: expected a list, e.g. ["en", "ru"], got text ("en")'),
    ('languages = ["en", "xx"]', "languages: 'xx' is not a language CLDR knows; use an ISO 639 code such as en, ru, "
                                 "be, kk"),
    ('languages = ["en", "ru", "en"]', "languages: en listed twice"),
    ('languages = ["ru", "be"]', "source_language: 'en' must be one of languages (ru, be)"),
    ('provider = ["BelTA"]', "provider: expected text, got a list"),
    ('provider = ""', "provider: must not be empty"),
    ('segmentation = "word"', "segmentation: 'word' is not one of sentence, paragraph"),
    ('base_url = "javascript:alert(1)"', "base_url: 'javascript:alert(1)' is not an http or https address; write "
                                         "e.g. https://news.example/"),
    ('colection_size = 3', "colection_size: unknown setting; did you mean collection_size? the settings are "
                           "source_language, languages, source_dir, locales_dir, output_dir, glossary, segmentation, "
                           "babel_locales, templates_dir, base_url, collection_size, provider, provider_domain, "
                           "copyright_holder, copyright_notice, usage_terms, gates, prune_obsolete, partners"),
    ('copyright_notice = "\\u0000"', "copyright_notice: contains U+0000 (a control character), which no output can "
                                     "carry; remove it"),
    ("published = 2024-09-05", "published: unknown setting; the settings are source_language, languages, source_dir, "
                               "locales_dir, output_dir, glossary, segmentation, babel_locales, templates_dir, "
                               "base_url, collection_size, provider, provider_domain, copyright_holder, copyright_notice, "
                               "usage_terms, gates, prune_obsolete, partners"),
    ('partners.dpa.profile = "rss"', "partners.dpa.profile: 'rss' is not one of newsml, ninjs"),
    ('partners.dpa.message = "every-story"',
     "partners.dpa.message: 'every-story' is not one of all-stories, one-story"),
    ('partners.dpa.languages = ["de"]', "partners.dpa.languages: 'de' is not one of languages (en, ru, be, kk)"),
    ("partners.dpa.priority = 0", "partners.dpa.priority: must be from 1 (highest) to 9, not 0"),
    ('partners.dpa.channels = "wire"', 'partners.dpa.channels: expected a list, e.g. ["en", "ru"], got text ("wire")'),
    ('partners.dpa.hots = "sftp.dpa.example"', "partners.dpa.hots: unknown setting; did you mean host? the settings "
                                                "are profile, languages, message, sender, priority, destination, "
                                                "channels, protocol, host, port, path, user, password_env, key_file, "
                                                "known_hosts, retries"),
    ('partners.dpa.protocol = "scp"', "partners.dpa.protocol: 'scp' is not one of folder, ftp, ftps, sftp, https, "
                                       "http (leave it out for a partner that pulls)"),
    ("partners.dpa.port = 70000", "partners.dpa.port: must be a port from 1 to 65535 (0: the protocol's own), not "
                                  "70000"),
    ('partners.dpa.key_file = "keys/dpa"', "partners.dpa.key_file: 'keys/dpa' is inside the project; keep keys and "
                                           "credentials outside the repository"),
    ('partners."../etc".profile = "ninjs"', "partners.../etc: a partner's name may have only lower-case letters, "
                                             "digits and hyphens, e.g. dpa or ntb-oslo"),
])
def test_a_wrong_setting_is_named_with_what_is_wrong(tmp_path, body, message):
    root = settings_file(tmp_path, body)
    with pytest.raises(PublisherError) as caught:
        load_config(root)
    assert str(caught.value) == f"{root / 'pyproject.toml'}: [tool.publisher] {message}"


def test_a_partner_takes_its_defaults_even_when_named_like_a_format(tmp_path):
    partners = load_config(settings_file(tmp_path, 'partners.newsml.message = "one-story"')).partners
    assert partners == {"newsml": Partner(message="one-story")}
    partner = partners["newsml"]
    assert (partner.profile, partner.languages, partner.priority, partner.channels) == ("newsml", (), None, ())


def test_every_problem_is_reported_at_once_through_the_command_line(tmp_path):
    root = settings_file(tmp_path / "p", 'collection_size = "10"\nprovider = 3')
    result = subprocess.run([sys.executable, "-m", "publisher", "status"], cwd=root, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f'{WHERE}collection_size: expected a whole number, got text ("10")',
                                          f"{WHERE}provider: expected text, got the number 3"]


def test_a_settings_file_that_is_not_toml_is_refused_with_its_line(tmp_path):
    root = settings_file(tmp_path, "languages = [\n  \"en\",\n  ru,\n]")
    with pytest.raises(PublisherError, match=r"pyproject\.toml:4: cannot read settings: Invalid value$"):
        load_config(root)


def test_settings_given_are_settings_used(tmp_path):
    root = settings_file(tmp_path, 'languages = ["en", "kk"]\ncollection_size = 3\ngates.newsml.min_translated = 90\n'
                                   'babel_locales = { en = "en_GB" }')
    config = load_config(root)
    assert config.languages == ("en", "kk") and config.collection_size == 3
    assert config.gates["newsml"].min_translated == 90.0 and config.gates["newsml"].allow_fallback is False
    assert config.gates["html"].min_translated == 50.0  # a format left out keeps its default gate
    assert config.babel_locale("en") == "en_GB"


toml_values = st.recursive(
    st.one_of(st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=8), st.sampled_from(["en", "ru", "kk", "en_GB", "xx", "http://x", "sentence", ""])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["en", "ru", "html", "newsml", "pdf", "min_translated", "allow_fallback", "x"]), inner,
        max_size=3),
    max_leaves=8)
KEYS = [f for f in Config.__dataclass_fields__ if f != "root"] + ["unknown"]


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=4))
def test_any_settings_give_a_config_or_a_message(tmp_path_factory, table):
    body = "\n".join(f"{key} = {_toml(value)}" for key, value in table.items())
    root = tmp_path_factory.getbasetemp() / "settings"
    settings_file(root, body)
    try:
        tomllib.loads("[tool.publisher]\n" + body)
    except tomllib.TOMLDecodeError:
        return
    try:
        config = load_config(root)
    except PublisherError as error:
        for line in str(error).splitlines():
            where = re.escape(str(root / "pyproject.toml"))
            assert re.match(rf"{where}: \[tool\.publisher\] [\w.\[\]-]+: \S", line), line
        return
    assert config.source_language in config.languages
    assert all(isinstance(lang, str) for lang in config.languages)
    assert isinstance(config.collection_size, int) and config.collection_size >= 1
    assert all(0 <= g.min_translated <= 100 for g in config.gates.values())
    assert set(config.gates) == {"html", "xhtml", "epub", "newsml"}


def test_a_locale_is_known_without_babel_exactly_as_babel_knows_it():
    """config._cldr_language, which spares a no-op build Babel's import, against Locale.parse: every
    locale Babel has a file of, and names it has none of, each a language or a language_TERRITORY."""
    from babel import Locale, UnknownLocaleError, localedata

    from publisher import config

    names = [*localedata.locale_identifiers(), "xx", "xx_YY", "en_ZZ", "sh", "iw", "mo", "EN", "en-GB", "en_gb"]
    answered = 0
    for name in names:
        ours = config._cldr_language(name)
        if ours is not None:
            answered += 1
            assert ours == Locale.parse(name).language, name
        elif config._PLAIN_LOCALE.fullmatch(name):  # not answered: left to Locale.parse, which must not have a file
            with pytest.raises((ValueError, UnknownLocaleError)):
                Locale(name) if "_" not in name else Locale(*name.split("_"))
    assert answered > 500  # the fast answer is the usual one
