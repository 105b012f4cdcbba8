"""The IPTC NewsML-G2 2.35 schema shipped with the package, validation against it (offline), and the
checks the schema leaves to us: what inlineXML holds and where qcodes come from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).parent / "schemas" / "newsml-g2"
SCHEMA_FILE = SCHEMA_DIR / "NewsML-G2_2.35-spec-All-Power.xsd"
NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
# Scheme aliases of IPTC's catalog (catalog.IPTC-G2-Standards_41.xml) that the wire uses; an item may
# add its own in an inline <catalog>.
IPTC_SCHEMES = frozenset({"ninat", "stat", "sig", "irel", "medtop", "subj", "genre", "drol", "cpnat", "pgrmod",
                          "iso3166-1a2", "geonames", "cpprole", "why"})
QCODE_ATTRIBUTES = frozenset({"qcode", "rel", "type", "role", "mode", "why"})


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


def problems(data: bytes, ours: bool = False) -> list[Problem]:
    """Every reason why `data` is not a valid NewsML-G2 document; empty when it is valid. With `ours`,
    also what the schema does not check in the wire's own documents (a foreign document may use
    schemes from catalogs we cannot read offline)."""
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
    if not checker.validate(document):
        return [Problem(error.line, error.message) for error in checker.error_log]
    return _inline_xml_problems(root) + (_qcode_problems(root) if ours else [])


def _inline_xml_problems(root: etree._Element) -> list[Problem]:
    """The schema lets inlineXML hold anything (lax): a wire item's must be one XHTML document."""
    found = []
    for inline in root.iter(f"{{{NAR}}}inlineXML"):
        children = [c for c in inline if isinstance(c.tag, str)]
        if inline.get("contenttype") == "application/xhtml+xml" and (
                len(children) != 1 or children[0].tag != f"{{{XHTML}}}html"):
            found.append(Problem(inline.sourceline or 1, "inlineXML of type application/xhtml+xml must hold "
                                                         f"exactly one {{{XHTML}}}html element"))
    return found


def _qcode_problems(root: etree._Element) -> list[Problem]:
    """Every qcode must name a scheme of IPTC's catalogue or of an inline catalog of its item."""
    found = []
    for item in _items(root):
        known = IPTC_SCHEMES | {s.get("alias") for s in item.iterfind(f"{{{NAR}}}catalog/{{{NAR}}}scheme")}
        for element in item.iter(f"{{{NAR}}}*"):
            for attribute, value in element.items():  # each attribute once, not one lookup per name
                if attribute not in QCODE_ATTRIBUTES:
                    continue
                for qcode in value.split():
                    if qcode.partition(":")[0] not in known:
                        found.append(Problem(element.sourceline or 1, f"{etree.QName(element).localname}/@"
                                             f"{attribute} '{qcode}' names a scheme no catalog declares"))
    return found


def _items(root: etree._Element) -> list[etree._Element]:
    if etree.QName(root).localname == "newsMessage":
        return [item for item in root.iterfind(f"{{{NAR}}}itemSet/*")]
    return [root]
