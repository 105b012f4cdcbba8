"""What partners pull from output/wire/ with a plain web server: every file static, built from the ledgers.

    wire/index.json               where everything is: the feeds, the days, the first and latest change page
    wire/<lang>/atom.xml          an Atom feed (RFC 4287) of the latest version of each item in that language
    wire/<YYYY-MM-DD>/index.json  the day's outbox files, in the order they were made
    wire/changes/<n>.json         "changes since": every outbox version in the order builds made them, 100
                                  a page; each page names the previous and the next, so a partner that
                                  stopped at change 4711 re-reads page 48 and follows "next"

A change page that is full never changes again (its "next" is set when the page after it starts);
only the last page grows. Seq numbers count from 1 and never move, as long as the clock of the
machine that builds moves forward (entries are ordered by the time a build put them in the outbox).
"""

from __future__ import annotations

import hashlib

import msgspec
from lxml import etree

from publisher.config import Config
# The readers' feeds build Atom the same way (one place for the element helpers and the id scheme).
from publisher.exporters.feeds import ATOM_NS, ATOM_TYPE, GENERATOR, _link, _person, _text, _urn
from publisher.jsontext import indented_file
from publisher.localedata import language_name
from publisher.wire.outbox import FOLDER
from publisher.wire.rows import Row

PAGE_SIZE = 100  # changing it would move every page a partner resumes from: never
INDEX = f"{FOLDER}/index.json"
NEWSML_TYPES = {"text": "application/vnd.iptc.g2.newsitem+xml", "package": "application/vnd.iptc.g2.packageitem+xml"}
NINJS_TYPE = "application/json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_SCHEME = "http://cv.iptc.org/newscodes/pubstatusg2/"
SIGNAL_SCHEME = "http://cv.iptc.org/newscodes/signal/"


def files(config: Config, rows: list[Row], last: dict[str, str] | None = None) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every pull file for the outbox's `rows` (in outbox order: Row.order), nothing when it is empty;
    and the digest of what each day's index and page of changes is made from (its rows and where
    it stands). A listing whose digest is its `last` one (made by the same toolkit) is not made:
    its file stays as the last build made it, and the files returned leave it out."""
    if not rows:
        return {}, {}
    last, made = last or {}, {}
    found, digests = {}, {}

    def record(row: Row) -> dict:  # each once: a day's index and a change page differ in links only
        if id(row) not in made:
            made[id(row)] = _record(row)
        return made[id(row)]

    by_day: dict[str, list[Row]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    days = sorted(by_day)
    for name in days:
        path = f"{FOLDER}/{name}/index.json"
        digests[path] = _digest(name, by_day[name])
        if last.get(path) != digests[path]:
            found[path] = _json({"day": name, "files": [_linked(record(r), name) for r in by_day[name]]})
    count = (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE
    for number in range(1, count + 1):
        page = rows[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        path = _page(number)
        digests[path] = _digest(f"{number} {number < count}", page)
        if last.get(path) != digests[path]:
            found[path] = _json({
                "page": number, "previous": f"{number - 1}.json" if number > 1 else None,
                "next": f"{number + 1}.json" if number < count else None,
                "changes": [{"seq": (number - 1) * PAGE_SIZE + i, **_linked(record(r), "changes")}
                            for i, r in enumerate(page, start=1)]})
    languages = _languages(config, rows)
    for lang in languages:
        found[f"{FOLDER}/{lang}/atom.xml"] = _feed(config, lang, rows)
    found[INDEX] = _json({
        "provider": config.provider, "feeds": {lang: f"{lang}/atom.xml" for lang in languages},
        "changes": {"first": "changes/1.json", "latest": _page(count).removeprefix(f"{FOLDER}/"),
                    "count": len(rows), "page_size": PAGE_SIZE},
        "days": {name: f"{name}/index.json" for name in days}})
    return found, digests


def _digest(where: str, rows: list[Row]) -> str:
    """What a listing made of rows alone is made from (the rows encoded in C: a build lists them all)."""
    return hashlib.sha256(b"%s\0%s" % (where.encode(), msgspec.json.encode(rows))).hexdigest()


def _page(number: int) -> str:
    return f"{FOLDER}/changes/{number}.json"


def _record(row: Row) -> dict:
    """An outbox version as the listings give it, but for its links (`_linked`): its file's folder
    and name under wire/ stand in for them."""
    folder, name = row.file.removeprefix(f"{FOLDER}/").split("/")  # wire/<day>/<name>, as the ledger checks
    return {"at": row.at, "guid": row.guid, "version": row.version, "kind": row.kind, "language": row.language,
            "status": row.status, "signal": row.signal, "created": row.created, "headline": row.headline,
            "newsml": name, "newsml_sha256": row.newsml_sha256, "ninjs": folder, "ninjs_sha256": row.ninjs_sha256}


def _linked(record: dict, here: str) -> dict:
    """The record as the listing in wire/<here>/ gives it: links relative to that folder."""
    folder, name = record["ninjs"], record["newsml"]
    stem = name if folder == here else f"../{folder}/{name}"
    return {**record, "newsml": f"{stem}.xml", "ninjs": f"{stem}.json"}


def _relative(path: str, here: str) -> str:
    """`path` as a link from a file in the folder `here` (both under output/)."""
    up = here.count("/") - 1
    return "../" * up + path.removeprefix(f"{FOLDER}/") if not path.startswith(here) else path[len(here):]


def _json(data: dict) -> bytes:
    """A listing as indented JSON (jsontext: json.dumps's text, encoded in C; a build writes every page)."""
    return indented_file(data)


def _languages(config: Config, rows: list[Row]) -> list[str]:
    present = {row.language for row in rows if row.kind == "text"}
    return [lang for lang in config.languages if lang in present] + sorted(present - set(config.languages))


# --- Atom -------------------------------------------------------------------------------------


def _feed(config: Config, lang: str, rows: list[Row]) -> bytes:
    """The latest version of each item in the language, newest first (config.collection_size of them)."""
    latest: dict[str, Row] = {}
    for row in rows:
        if row.kind == "text" and row.language == lang:
            latest[row.guid] = row  # rows come in outbox order: the last one is the latest
    chosen = sorted(latest.values(), key=lambda r: (r.created_us, r.guid), reverse=True)
    chosen = chosen[: config.collection_size]
    here = f"{FOLDER}/{lang}/"
    root = etree.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang}, nsmap={None: ATOM_NS})
    _text(root, "id", _urn(f"wire feed {config.provider_domain or config.provider} {lang}"))
    _text(root, "title", f"{config.provider}: {language_name(lang)}")
    _text(root, "updated", max(chosen, key=lambda r: r.created_us).created)
    _person(root, "author", config.provider)
    _link(root, "self", "atom.xml", ATOM_TYPE)
    _link(root, "related", _relative(_page(1), here), NINJS_TYPE)
    _text(root, "generator", GENERATOR)
    if config.copyright_notice:
        rights = _text(root, "rights", config.copyright_notice)
        if config.source_language != lang:
            rights.set(XML_LANG, config.source_language)
    for row in chosen:
        _entry(etree.SubElement(root, f"{{{ATOM_NS}}}entry"), row, here)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(node: etree._Element, row: Row, here: str) -> None:
    newsml, twin = _relative(f"{row.file}.xml", here), _relative(f"{row.file}.json", here)
    _text(node, "id", row.guid)  # the item's guid: one entry per item, updated with each version
    _text(node, "title", row.headline or row.guid)
    _text(node, "updated", row.created)
    etree.SubElement(node, f"{{{ATOM_NS}}}category", scheme=STATUS_SCHEME, term=row.status, label=f"stat:{row.status}")
    if row.signal:
        etree.SubElement(node, f"{{{ATOM_NS}}}category", scheme=SIGNAL_SCHEME, term=row.signal, label=f"sig:{row.signal}")
    _link(node, "alternate", newsml, NEWSML_TYPES["text"])
    _link(node, "alternate", twin, NINJS_TYPE)
    _text(node, "summary", row.headline or row.guid)  # required beside out-of-line content (RFC 4287 4.1.1.1)
    etree.SubElement(node, f"{{{ATOM_NS}}}content", type=NEWSML_TYPES["text"], src=newsml)
