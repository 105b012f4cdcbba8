"""IPTC ninjs 2.2: the JSON twin of each NewsML-G2 item, from the same content and the same stamp.

A document says what its NewsML-G2 item says: guid (`uri`), version, the times (`versioncreated`,
`firstcreated`, `contentcreated`, `embargoed`), `pubstatus`, urgency, headline, summary
(`descriptions`, role `summary`), byline (`by`), credit (`infosources`), dateline place (`located`,
and `places` with its GeoNames id), subjects with their names (countries under `places`), genre,
rights, editorial notes (`ednote`, the correction note first) and the body as the same flat
paragraphs, as HTML (`bodies`, contenttype text/html). ninjs 2.2 has no property for a signal: it
travels as an alternative id with role `signal` (`{"role": "signal", "value": "sig:correction"}`);
nor for keywords, which stay in the NewsML-G2 item only.

A text item names no other language (a language joining would change its bytes under the same
version, as it would a NewsML-G2 item's): the story's composite lists its language versions in
`associations`, each with the version partners hold, as the packageItem does.

Every document is checked against the shipped schema before the build writes anything.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from publisher.errors import PublisherError
from publisher.jsontext import indented_file
from publisher.wire.codes import Concept, Name
from publisher.wire.content import ItemContent, Note, PackageContent, Rights
from publisher.wire.ledger import format_time
from publisher.wire.tree import Stamp, escaped_text

SCHEMA_FILE = Path(__file__).parent / "schemas" / "ninjs" / "ninjs-schema_2.2.json"
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
STANDARD = {"name": "ninjs", "version": "2.2", "schema": SCHEMA_URI}
# Where the IPTC catalogue (and GeoNames) resolve the schemes the wire uses: qcode → complete URI.
SCHEME_URIS = {
    "medtop": "http://cv.iptc.org/newscodes/mediatopic/",
    "subj": "http://cv.iptc.org/newscodes/subjectcode/",
    "genre": "http://cv.iptc.org/newscodes/genre/",
    "iso3166-1a2": "http://cv.iptc.org/newscodes/iso3166-1a2/",
}
GEONAMES = "http://sws.geonames.org/"


def item(content: ItemContent, stamp: Stamp) -> dict:
    lang = content.lang
    document = _head(content.guid, "text", stamp, content.embargoed, content.status, lang)
    document["urgency"] = content.urgency
    document["contentcreated"] = format_time(content.content_created)
    document |= _rights(content.rights)
    notes = ((stamp.correction,) if stamp.correction else ()) + content.notes
    if notes:
        document["ednote"] = _notes(notes)
    document["slugline"] = content.slugline
    document["headlines"] = [{"role": "main", "value": content.headline.text}]
    if content.summary:
        document["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": content.summary.text}]
    document["by"] = content.byline.text
    document["located"] = content.located.name.text
    document["infosources"] = [{"name": content.credit.text, "role": "cpprole:originfo"}]
    subjects = [_concept(s, lang) for s in content.subjects if s.type != "cpnat:geoArea"]
    places = [_concept(s, lang) for s in content.subjects if s.type == "cpnat:geoArea"]
    if content.located.qcode:
        geonames = content.located.qcode.partition(":")[2]
        places.insert(0, {"name": content.located.name.text, "rel": "located", "uri": f"{GEONAMES}{geonames}/",
                          "literal": content.located.qcode})
    if subjects:
        document["subjects"] = subjects
    if places:
        document["places"] = places
    document["genres"] = [_concept(content.genre, lang)]
    if content.body:  # a withdrawn or withheld story carries no text
        document["bodies"] = [{"role": "main", "contenttype": "text/html",
                               "wordcount": sum(len(p.text.split()) for p in content.body),
                               "value": "\n".join(_html(p.tag, p.text) for p in content.body)}]
    return document | _signal(stamp)


def package(content: PackageContent, stamp: Stamp) -> dict:
    """The story's language versions, each at the version partners hold (the packageItem's refs)."""
    document = _head(content.guid, "composite", stamp, content.embargoed, content.status, content.lang)
    document |= _rights(content.rights)
    if content.notes:
        document["ednote"] = _notes(content.notes)
    document["slugline"] = content.slugline
    if content.headlines:
        document["headlines"] = [{"role": "main", "value": content.headlines[0].text}]
    document["associations"] = [
        {"name": ref.lang, "uri": ref.guid, "type": "text", "version": str(ref.version), "pubstatus": ref.status,
         "language": ref.lang, "headlines": [{"role": "main", "value": ref.headline}]}
        for ref in content.refs]
    return document | _signal(stamp)


def dumps(document: dict) -> bytes:
    """Stable bytes: the order above, two-space indents, UTF-8 as it is, one trailing newline."""
    return indented_file(document)


# --- Parts ------------------------------------------------------------------------------------


def _head(guid: str, kind: str, stamp: Stamp, embargoed, status: str, lang: str) -> dict:
    document = {"uri": guid, "standard": STANDARD, "type": kind, "representationtype": "full",
                "version": str(stamp.version), "firstcreated": format_time(stamp.first_created),
                "versioncreated": format_time(stamp.version_created)}
    if embargoed:
        document["embargoed"] = format_time(embargoed)
    document["pubstatus"] = status
    document["language"] = lang
    return document


def _rights(rights: Rights) -> dict:
    found = {"copyrightholder": rights.holder, "copyrightnotice": rights.notice, "usageterms": rights.usage_terms}
    return {key: value for key, value in found.items() if value}


def _notes(notes: tuple[Note, ...]) -> str:
    """ninjs has one ednote: the notes one after another, as edNote elements follow each other."""
    return "\n\n".join(note.text for note in notes)


def _signal(stamp: Stamp) -> dict:
    return {"altids": [{"role": "signal", "value": f"sig:{stamp.signal}"}]} if stamp.signal else {}


def _concept(concept: Concept, lang: str) -> dict:
    scheme, _, code = concept.qcode.partition(":")
    found = {"name": _name(concept.names, lang)} if concept.names else {}
    found["literal"] = concept.qcode
    if scheme in SCHEME_URIS:
        found["uri"] = SCHEME_URIS[scheme] + code
    return found


def _name(names: tuple[Name, ...], lang: str) -> str:
    """The name in the item's language where there is one, else the first (British English)."""
    return next((n.text for n in names if n.lang == lang), names[0].text)


def _html(tag: str, text: str) -> str:
    """<tag>text</tag> as lxml writes the element as HTML, whose serializer escapes a text node as
    its XML one does (tests/test_wire_ninjs.py holds the two alike), a third of the time of making one."""
    return f"<{tag}>{escaped_text(text)}</{tag}>"


# --- The schema -------------------------------------------------------------------------------


# The one schema ninjs 2.2 refers to outside itself: GeoJSON, for a place's geometry, which the
# twins never carry. It is not fetched (the build needs no network); any value would pass there.
UNFETCHED = ("https://geojson.org/schema/GeoJSON.json",)


@lru_cache(maxsize=1)
def validator():
    """IPTC's ninjs 2.2 schema, formats (date-time, uri) checked, through jsonschema-rs: compiled
    once, about 10 µs a twin where the pure-Python jsonschema takes about 2.5 ms."""
    import jsonschema_rs  # only builds that send the wire need it

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=True, retriever=_not_fetched)


def _not_fetched(uri: str) -> dict:
    if uri.split("#")[0] not in UNFETCHED:
        raise ValueError(f"the ninjs schema refers to {uri}, which publish does not fetch")
    return {}


def problems(data: bytes) -> list[str]:
    """Every reason why `data` is not a ninjs 2.2 document; empty when it is one."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"not JSON: {exc}"]
    errors = sorted(validator().iter_errors(document), key=lambda e: list(map(str, e.instance_path)))
    return [f"{'/'.join(map(str, error.instance_path)) or '(document)'}: {error.message[:300]}" for error in errors]


def check(path: str, data: bytes) -> None:
    """Refuse to write a document the ninjs schema rejects: a bug of ours, not bad input."""
    found = problems(data)
    if found:
        raise PublisherError(f"bug: publish made a ninjs document that the IPTC ninjs 2.2 schema rejects, so nothing "
                             f"was written; please report it with this message: {'; '.join(found[:5])}", path)
