"""The IPTC NewsML-G2 2.35 schema shipped with the package, and validation against it, offline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).parent / "schemas" / "newsml-g2"
SCHEMA_FILE = SCHEMA_DIR / "NewsML-G2_2.35-spec-All-Power.xsd"
NAR = "http://iptc.org/std/nar/2006-10-01/"


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


def parser() -> etree.XMLParser:
    """A parser that never fetches anything and never expands entities (the input may be untrusted)."""
    return etree.XMLParser(no_network=True, resolve_entities=False)


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    # The schema imports only the neighbouring xml.xsd, so parsing from its path resolves offline.
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser()))


def root_namespace(data: bytes) -> str | None:
    """The namespace of the document's root element; None when it is not well-formed XML."""
    try:
        return etree.QName(etree.fromstring(data, parser())).namespace
    except etree.XMLSyntaxError:
        return None


def problems(data: bytes) -> list[Problem]:
    """Every reason why `data` is not a valid NewsML-G2 document; empty when it is valid."""
    try:
        document = etree.fromstring(data, parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        return [Problem(exc.lineno or 1, f"not well-formed XML: {exc.msg}")]
    root = document.getroot()
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:  # left unexpanded by the parser, and the schema validator cannot handle it
        return [Problem(entity.sourceline or 1, f"entity reference {entity.text} is not allowed in NewsML-G2; "
                                                "write the characters themselves")]
    if etree.QName(root).namespace != NAR:
        return [Problem(root.sourceline or 1,
                        f"not a NewsML-G2 document: the root element is not in the namespace {NAR}")]
    checker = schema()
    if checker.validate(document):
        return []
    return [Problem(error.line, error.message) for error in checker.error_log]
