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

from lxml import etree

from publisher.config import Config
# The readers' feeds build Atom the same way (one place for the element helpers and the id scheme).
from publisher.exporters.feeds import ATOM_NS, ATOM_TYPE, GENERATOR, _link, _person, _text, _urn
from publisher.jsontext import indented_file
from publisher.localedata import language_name
from publisher.wire.ledger import format_time
from publisher.wire.outbox import FOLDER, Entry, day

PAGE_SIZE = 100  # changing it would move every page a partner resumes from: never
INDEX = f"{FOLDER}/index.json"
NEWSML_TYPES = {"text": "application/vnd.iptc.g2.newsitem+xml", "package": "application/vnd.iptc.g2.packageitem+xml"}
NINJS_TYPE = "application/json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_SCHEME = "http://cv.iptc.org/newscodes/pubstatusg2/"
SIGNAL_SCHEME = "http://cv.iptc.org/newscodes/signal/"


def files(config: Config, entries: list[Entry]) -> dict[str, bytes]:
    """Every pull file for the outbox's `entries` (in outbox order); nothing when it is empty."""
    if not entries:
        return {}
    found = {}
    records = [_record(e) for e in entries]  # each once: a day's index and a change page differ in links only
    by_day: dict[str, list[dict]] = {}
    for entry, record in zip(entries, records):
        by_day.setdefault(day(entry.version.created), []).append(record)
    days = sorted(by_day)
    for name in days:
        found[f"{FOLDER}/{name}/index.json"] = _json({"day": name, "files": [_linked(r, name) for r in by_day[name]]})
    count = (len(records) + PAGE_SIZE - 1) // PAGE_SIZE
    for number in range(1, count + 1):
        page = records[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        found[_page(number)] = _json({
            "page": number, "previous": f"{number - 1}.json" if number > 1 else None,
            "next": f"{number + 1}.json" if number < count else None,
            "changes": [{"seq": (number - 1) * PAGE_SIZE + i, **_linked(r, "changes")}
                        for i, r in enumerate(page, start=1)]})
    languages = _languages(config, entries)
    for lang in languages:
        found[f"{FOLDER}/{lang}/atom.xml"] = _feed(config, lang, entries)
    found[INDEX] = _json({
        "provider": config.provider, "feeds": {lang: f"{lang}/atom.xml" for lang in languages},
        "changes": {"first": "changes/1.json", "latest": _page(count).removeprefix(f"{FOLDER}/"),
                    "count": len(entries), "page_size": PAGE_SIZE},
        "days": {name: f"{name}/index.json" for name in days}})
    return found


def _page(number: int) -> str:
    return f"{FOLDER}/changes/{number}.json"


def _record(entry: Entry) -> dict:
    """An outbox version as the listings give it, but for its links (`_linked`): its file's folder
    and name under wire/ stand in for them."""
    v = entry.version
    folder, name = entry.file.removeprefix(f"{FOLDER}/").split("/")  # wire/<day>/<name>, as the ledger checks
    return {"at": format_time(entry.at), "guid": entry.guid, "version": v.version, "kind": entry.kind,
            "language": entry.language, "status": v.status, "signal": v.signal, "created": format_time(v.created),
            "headline": v.headline, "newsml": name, "newsml_sha256": _hex(v.sent),
            "ninjs": folder, "ninjs_sha256": _hex(v.outbox.ninjs)}


def _linked(record: dict, here: str) -> dict:
    """The record as the listing in wire/<here>/ gives it: links relative to that folder."""
    folder, name = record["ninjs"], record["newsml"]
    stem = name if folder == here else f"../{folder}/{name}"
    return {**record, "newsml": f"{stem}.xml", "ninjs": f"{stem}.json"}


def _relative(path: str, here: str) -> str:
    """`path` as a link from a file in the folder `here` (both under output/)."""
    up = here.count("/") - 1
    return "../" * up + path.removeprefix(f"{FOLDER}/") if not path.startswith(here) else path[len(here):]


def _hex(digest: str | None) -> str | None:
    return digest.removeprefix("sha256:") if digest else None


def _json(data: dict) -> bytes:
    """A listing as indented JSON (jsontext: json.dumps's text, encoded in C; a build writes every page)."""
    return indented_file(data)


def _languages(config: Config, entries: list[Entry]) -> list[str]:
    present = {e.language for e in entries if e.kind == "text"}
    return [lang for lang in config.languages if lang in present] + sorted(present - set(config.languages))


# --- Atom -------------------------------------------------------------------------------------


def _feed(config: Config, lang: str, entries: list[Entry]) -> bytes:
    """The latest version of each item in the language, newest first (config.collection_size of them)."""
    latest: dict[str, Entry] = {}
    for entry in entries:
        if entry.kind == "text" and entry.language == lang:
            latest[entry.guid] = entry  # entries come in outbox order: the last one is the latest
    chosen = sorted(latest.values(), key=lambda e: (e.version.created, e.guid), reverse=True)
    chosen = chosen[: config.collection_size]
    here = f"{FOLDER}/{lang}/"
    root = etree.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang}, nsmap={None: ATOM_NS})
    _text(root, "id", _urn(f"wire feed {config.provider_domain or config.provider} {lang}"))
    _text(root, "title", f"{config.provider}: {language_name(lang)}")
    _text(root, "updated", format_time(max(e.version.created for e in chosen)))
    _person(root, "author", config.provider)
    _link(root, "self", "atom.xml", ATOM_TYPE)
    _link(root, "related", _relative(_page(1), here), NINJS_TYPE)
    _text(root, "generator", GENERATOR)
    if config.copyright_notice:
        rights = _text(root, "rights", config.copyright_notice)
        if config.source_language != lang:
            rights.set(XML_LANG, config.source_language)
    for entry in chosen:
        _entry(etree.SubElement(root, f"{{{ATOM_NS}}}entry"), entry, here)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(node: etree._Element, entry: Entry, here: str) -> None:
    v = entry.version
    newsml, twin = _relative(f"{entry.file}.xml", here), _relative(f"{entry.file}.json", here)
    _text(node, "id", entry.guid)  # the item's guid: one entry per item, updated with each version
    _text(node, "title", v.headline or entry.guid)
    _text(node, "updated", format_time(v.created))
    etree.SubElement(node, f"{{{ATOM_NS}}}category", scheme=STATUS_SCHEME, term=v.status, label=f"stat:{v.status}")
    if v.signal:
        etree.SubElement(node, f"{{{ATOM_NS}}}category", scheme=SIGNAL_SCHEME, term=v.signal, label=f"sig:{v.signal}")
    _link(node, "alternate", newsml, NEWSML_TYPES["text"])
    _link(node, "alternate", twin, NINJS_TYPE)
    _text(node, "summary", v.headline or entry.guid)  # required beside out-of-line content (RFC 4287 4.1.1.1)
    etree.SubElement(node, f"{{{ATOM_NS}}}content", type=NEWSML_TYPES["text"], src=newsml)
