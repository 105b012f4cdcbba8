"""The values that flow through the publisher: frozen, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Block:
    """A body block. `text` is the block's inline Markdown source (paragraph, heading, item)."""

    kind: str  # paragraph | heading | quote | list | item | figure
    text: str = ""
    children: tuple[Block, ...] = ()
    level: int = 0  # heading level
    ordered: bool = False  # list
    line: int = 0  # line in the source file, for messages only


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str
    date: date
    country: str | None = None  # ISO 3166-1 alpha-2 code of the place's country (BY)
    geonames: str | None = None  # the place's GeoNames id (625144 for Minsk)


@dataclass(frozen=True)
class Picture:
    """A picture file beside its article (source/<slug>/<file>), read and checked, not yet resized.

    `width` and `height` are the picture's as it is shown (EXIF orientation applied); `digest`
    is the SHA-256 of the file, naming its renditions. The wire takes what it needs from here
    (file, size, digest, texts; renditions with publisher.pictures.renditions)."""

    file: str  # its name in source/<slug>/
    source: str  # the file's path on disk, for reading it again (never written into an output)
    alt: str  # what the picture shows, for those who cannot see it
    caption: str | None
    credit: str | None  # who made it: photographer / agency
    copyright: str | None
    width: int
    height: int
    digest: str
    media_type: str  # of the original: image/jpeg, image/png, image/webp
    line: int = 0  # where the article declares it, for messages


@dataclass(frozen=True)
class Article:
    slug: str
    path: str
    id: str
    language: str
    headline: str
    summary: str | None
    published: datetime
    dateline: Dateline
    byline: str
    credit: str
    subjects: tuple[str, ...]
    keywords: tuple[str, ...]
    blocks: tuple[Block, ...]
    updated: datetime | None = None
    embargoed: datetime | None = None
    correction: str | None = None  # an editor's note on what was corrected
    ednote: str | None = None
    status: str = "usable"  # usable | canceled | withheld
    genre: str = "genre:Current"
    urgency: int = 5
    picture: Picture | None = None  # the lead picture: shown under the headline, the book's cover
    pictures: tuple[Picture, ...] = ()  # pictures in the body, each placed by a `figure` block

    def body_picture(self, file: str) -> Picture:
        return next(p for p in self.pictures if p.file == file)


@dataclass(frozen=True)
class Unit:
    """One translatable string: its identity is (context, text)."""

    text: str
    role: str  # headline | summary | dateline.place | dateline.agency | byline | keyword | ednote | correction | heading | body | quotation | list | caption
    context: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.text)


@dataclass(frozen=True, slots=True)  # one for every localized text of every version the build keeps
class Text:
    """A piece of localized text, and the language it is really in (the source's when it fell back)."""

    text: str
    lang: str
    fallback: bool = False


@dataclass(frozen=True)
class LocalizedPicture:
    """A picture with its texts in one language (each falls back to the source's like any unit)."""

    picture: Picture
    alt: Text
    caption: Text | None
    credit: Text | None


@dataclass(frozen=True)
class LocalizedBlock:
    kind: str
    sentences: tuple[Text, ...] = ()
    children: tuple[LocalizedBlock, ...] = ()
    level: int = 0
    ordered: bool = False
    picture: LocalizedPicture | None = None  # a figure's


@dataclass(frozen=True)
class Completeness:
    translated: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


@dataclass(frozen=True)
class LocalizedArticle:
    article: Article
    lang: str
    babel_locale: str
    headline: Text
    summary: Text | None
    dateline_place: Text
    dateline_agency: Text
    byline: Text
    keywords: tuple[Text, ...]
    blocks: tuple[LocalizedBlock, ...]
    completeness: Completeness
    ednote: Text | None = None  # the editor's note to partners (a withdrawal's reason, an embargo's terms)
    correction: Text | None = None  # what the latest correction changed
    languages: tuple[str, ...] = field(default=())  # every language this article is published in
    picture: LocalizedPicture | None = None  # the lead picture

    @property
    def slug(self) -> str:
        return self.article.slug
