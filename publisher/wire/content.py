"""What a wire item says, as a value: the editorial content partners receive, before any XML.

A version changes when, and only when, this content changes: the ledger keeps the digest of its
canonical JSON, not of serializer bytes, so a change in how the toolkit writes XML (attribute
order, indentation) sends no new version, and a language joining or leaving changes the package
that lists the languages, not the stories themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import msgspec

from publisher import i18n
from publisher.config import Config
from publisher.inline import plain_text
from publisher.model import Article, LocalizedArticle, Text
from publisher.wire import codes
from publisher.wire.body import Paragraph, dateline_text, flat_body
from publisher.wire.codes import Concept, Name

DOMAIN = "wire"  # the gettext domain of the wire's own words (publisher/wire/locale)
# Roles of editorial notes and of the package's group, in a vocabulary of the provider's own
# (NewsML-G2 leaves these to providers, as dpa's dpaednoterole): declared in each item's catalog.
NOTE_SCHEME = "noterole"
GROUP_SCHEME = "grouprole"


def _(message: str) -> str:
    """Marks the wire's words for `pybabel extract` (see publisher/wire/locale/README.md)."""
    return message


# Translators: the note to partner newsrooms on each item of a withdrawn story
WITHDRAWN = _("This story has been withdrawn. Do not use it.")
# Translators: the note to partner newsrooms on each item of a story held back for now
WITHHELD = _("This story is withheld until further notice. Do not use it.")


@dataclass(frozen=True)
class Note:
    role: str  # noterole:withdrawal | noterole:withheld | noterole:correction | noterole:note
    text: str
    lang: str


@dataclass(frozen=True)
class Place:
    name: Name
    qcode: str | None  # geonames:625144
    country: Concept | None


@dataclass(frozen=True)
class Rights:
    holder: str
    notice: str
    usage_terms: str
    lang: str  # the language they are written in: the project's source language


@dataclass(frozen=True)
class ItemContent:
    """One language of one story, as the wire sends it."""

    guid: str
    lang: str
    status: str  # usable | canceled | withheld
    provider: str
    slugline: str
    headline: Name
    summary: Name | None
    byline: Name
    credit: Name
    dateline: str
    located: Place
    urgency: int
    content_created: datetime
    content_modified: datetime | None
    embargoed: datetime | None
    genre: Concept
    subjects: tuple[Concept, ...]
    keywords: tuple[Name, ...]
    notes: tuple[Note, ...]  # standing notes: the withdrawal's or the editor's
    correction: Note | None  # shown by the version that made the correction only
    correction_source: str | None  # the source's correction note, which the ledger compares
    rights: Rights
    body: tuple[Paragraph, ...]  # empty when the story is withdrawn or withheld

    def digest(self) -> str:
        return digest(self)


@dataclass(frozen=True)
class Ref:
    """A language version as the package lists it: what partners hold of it now."""

    guid: str
    version: int
    lang: str
    headline: str
    status: str


@dataclass(frozen=True)
class PackageContent:
    guid: str
    lang: str
    status: str
    provider: str
    group_id: str
    slugline: str
    headlines: tuple[Name, ...]
    refs: tuple[Ref, ...]
    notes: tuple[Note, ...]
    embargoed: datetime | None
    rights: Rights

    def digest(self) -> str:
        return digest(self)


def digest(content) -> str:
    """The sha256 of the content's canonical JSON (sorted keys, times as xs:dateTime). An item's
    correction note is left out: it is shown once, as the ledger recorded it (see newsday.py).
    The text is json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))'s, which
    every ledger's digests were made with, written by msgspec in C (8x faster)."""
    data = msgspec.to_builtins(content, builtin_types=(datetime,))  # asdict's dict, 4x faster; times kept
    data.pop("correction", None)
    text = msgspec.json.encode(_times_as_text(data), order="sorted")
    return "sha256:" + hashlib.sha256(text).hexdigest()


def _times_as_text(value):
    """Times as datetime.isoformat() writes them (msgspec would write UTC as Z)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _times_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_times_as_text(item) for item in value]
    return value


def item_content(version: LocalizedArticle, guid: str, config: Config) -> ItemContent:
    article, lang = version.article, version.lang
    status = article.status
    live = status == "usable"
    return ItemContent(
        guid=guid,
        lang=lang,
        status=status,
        provider=config.provider,
        slugline=article.slug,
        headline=name(version.headline),
        summary=name(version.summary) if version.summary else None,
        byline=name(version.byline),
        credit=_credit(version),
        dateline=dateline_text(version),
        located=_place(version),
        urgency=article.urgency,
        content_created=article.published,
        content_modified=article.updated,
        embargoed=article.embargoed,
        genre=codes.genre(article.genre, lang, article.path),
        subjects=codes.subjects(article.subjects, lang, article.path),
        keywords=tuple(name(k) for k in version.keywords),
        notes=notes(version),
        correction=Note(f"{NOTE_SCHEME}:correction", plain_text(version.correction.text), version.correction.lang)
        if version.correction and live else None,
        correction_source=article.correction if live else None,
        rights=rights(config),
        body=flat_body(version) if live else (),
    )


def package_content(article: Article, guid: str, refs: tuple[Ref, ...], headlines: tuple[Name, ...],
                    package_notes: tuple[Note, ...], config: Config, retired: int = 0) -> PackageContent:
    return PackageContent(guid=guid, lang=article.language, status=article.status, provider=config.provider,
                          group_id=group_id(article, retired), slugline=article.slug, headlines=headlines,
                          refs=refs, notes=package_notes, embargoed=article.embargoed, rights=rights(config))


def group_id(article: Article, retired: int = 0) -> str:
    """An xs:ID unique within any message: article ids are unique within the project, and a retired
    package of the story (sent in the same message as the current one when it is withdrawn) is numbered."""
    return f"G-{article.id}" + (f"-retired-{retired}" if retired else "")


def notes(version: LocalizedArticle) -> tuple[Note, ...]:
    """The withdrawal's or withholding's note (the editor's, else the wire's own words), or the editor's note."""
    status = version.article.status
    if status == "usable":
        return (_note("note", version.ednote),) if version.ednote else ()
    role = "withdrawal" if status == "canceled" else "withheld"
    if version.ednote:
        return (_note(role, version.ednote),)
    standard = WITHDRAWN if status == "canceled" else WITHHELD
    said = i18n.translations(version.lang, "publisher.wire", DOMAIN).gettext(standard)
    return (Note(f"{NOTE_SCHEME}:{role}", said, version.lang if said != standard else "en"),)


def name(text: Text) -> Name:
    return Name(plain_text(text.text), text.lang)


def rights(config: Config) -> Rights:
    return Rights(config.copyright_holder, config.copyright_notice, config.usage_terms, config.source_language)


def _note(role: str, text: Text) -> Note:
    return Note(f"{NOTE_SCHEME}:{role}", plain_text(text.text), text.lang)


def _credit(version: LocalizedArticle) -> Name:
    """The credit line; the agency's name as the dateline translates it when the credit is the agency."""
    article = version.article
    if article.credit == article.dateline.agency:
        return name(version.dateline_agency)
    return Name(article.credit, article.language)


def _place(version: LocalizedArticle) -> Place:
    dateline = version.article.dateline
    country = codes.country(dateline.country, version.lang) if dateline.country else None
    return Place(name(version.dateline_place), f"geonames:{dateline.geonames}" if dateline.geonames else None,
                 country)
