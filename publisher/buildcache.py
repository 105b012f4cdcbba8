"""output/.build/<slug>.json: what an article gave the collections last time, for the next build.

Indexes, editions and the feed are made from every article's localized versions; an article
whose inputs did not change is not localized again, its versions come from here. The cache is
plain JSON written by msgspec from the model's own dataclasses, and it is read back as data only,
never as code: it must decode against those types, be byte for byte what this module writes (so
no character an output cannot carry hides in an escape), match the manifest's hash for it and
the article it stands for, and name only the project's languages and formats. Anything else and
the article is simply rendered again.
"""

from __future__ import annotations

import sys
from dataclasses import field, fields, is_dataclass, make_dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import get_args, get_type_hints

import msgspec
from msgspec.structs import replace as struct_replace

from publisher.config import Config
from publisher.errors import PublisherError
from publisher.exporters import Listing, Listings, Part, listing
from publisher.layout import COLLECTIONS_NAME
from publisher.manifest import FileRecord, Manifest, digest, record, vouches
from publisher.model import Article, LocalizedArticle, Text
from publisher.source import ID_RE, STATUSES, date_problem
from publisher.jsontext import as_written

FORMAT = 1

HeldBackRow = tuple[str, str, str, str]  # article, lang, format, reason
Published = dict[str, tuple[LocalizedArticle, ...]]  # format → gated versions


class Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    slug: str
    inputs: str  # the input hash of the article it was made from (the manifest's)
    versions: tuple[LocalizedArticle, ...]  # one per language, without `languages` and source blocks
    published: dict[str, tuple[str, ...]]  # format → the languages it published
    held_back: tuple[HeldBackRow, ...]
    retracted: bool


# What the indexes need of a version: all of it but its body, whose JSON is kept undecoded (checked
# as JSON only). An article outside the newest (whose bodies editions and the feed take) is read so:
# most of an entry is its bodies, and they would be decoded, walked and encoded again to be thrown away.
_HINTS = get_type_hints(LocalizedArticle)
_LeanVersion = make_dataclass("_LeanVersion", [
    (f.name, msgspec.Raw if f.name == "blocks" else _HINTS[f.name], field(default=f.default, default_factory=f.default_factory))
    for f in fields(LocalizedArticle)], frozen=True)
_NAMES = tuple(f.name for f in fields(LocalizedArticle) if f.name != "blocks")


class _LeanEntry(Entry, frozen=True, forbid_unknown_fields=True):
    versions: tuple[_LeanVersion, ...]


# --- Check errors: .build/_checks.json ---------------------------------------------------------------
# The wire's gate asks how many check errors each catalogue has. The answer is kept per article and
# language with the hash of all it depends on (the catalogue's bytes, the article's units, the
# settings, glossary and toolkit: see check_key), so that a rebuilt article checks again only the
# catalogues that changed. Not a slug (the underscore), so no article's entry has its name.
CHECKS_NAME = "_checks.json"
Checked = dict[str, tuple[str, int]]  # language → (key, errors)


def check_key(toolkit: str, lang: str, article_language: str, wanted: tuple, raw: bytes) -> str:
    return digest(toolkit.encode(), lang.encode(), article_language.encode(), repr(wanted).encode(), raw)


def load_checks(cache_dir: Path) -> dict[str, Checked]:
    """Slug → what was checked; empty when there is no file or it is not one this module wrote."""
    try:
        raw = (cache_dir / CHECKS_NAME).read_bytes()
        return msgspec.json.decode(raw, type=dict[str, dict[str, tuple[str, int]]])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return {}


def dumps_checks(checks: dict[str, Checked]) -> bytes:
    return msgspec.json.encode(dict(sorted(checks.items())))


# --- Collection inputs: .build/_collections.json ----------------------------------------------------
# A reader-facing format's collection (indexes, feeds, sitemaps, editions) comes in parts, each made
# from some of the versions the build chose for it, facts its exporter states, and what the build
# hash covers (settings, templates, toolkit) only (publisher.exporters.Part). The digest of each
# part's inputs is kept beside the paths it made, so that a build whose inputs for a part did not
# change keeps its files (as the manifest vouches for them) unrendered: one translator's correction
# to a Russian headline renders the Russian index and feed, not the English ones; one to a body
# outside the newest changes no index. Not a slug (the underscore): layout.COLLECTIONS_NAME.
Made = tuple[str, tuple[str, ...]]  # the digest of a part's inputs, and the files it made
Collections = dict[str, dict[str, Made]]  # format → part's name → what it was made from and made


def collection_digest(build_hash: str, fmt: str, part: Part, encoded: dict[int, bytes]) -> str:
    """The digest of a collection part's inputs: the listings it reads, or the versions. An article's
    blocks are left out (a version carries its own): a cached article has none, one rendered in
    this build has its source's. `encoded` keeps each one's digest by its id, for the other parts
    and formats that read the same (the digest, not the JSON: the build runs its collections
    beside every listing it holds)."""
    parts = [build_hash.encode(), fmt.encode(), part.name.encode(), msgspec.json.encode(part.facts)]
    for versions in part.articles:
        for v in versions:
            if id(v) not in encoded:
                encoded[id(v)] = _input_digest(v, encoded)
            parts.append(encoded[id(v)])
        parts.append(b"")  # where one article's versions end (no version encodes as nothing)
    return digest(*parts)


def _input_digest(v: LocalizedArticle | Listing, encoded: dict[int, bytes]) -> bytes:
    """What a part reads of a listing, or of a version (its article encoded once for all its versions)."""
    if isinstance(v, Listing):
        return digest(msgspec.json.encode(v)).encode()
    if id(v.article) not in encoded:
        encoded[id(v.article)] = _fields_json(v.article, _ARTICLE_INPUTS)
    return digest(encoded[id(v.article)], _fields_json(v, _VERSION_INPUTS)).encode()


# A version's fields but its article, which is encoded once for all its versions, and an article's
# but its blocks. By the fields' names, not dataclasses.replace: every version of every article.
_VERSION_INPUTS = tuple(f.name for f in fields(LocalizedArticle) if f.name != "article")
_ARTICLE_INPUTS = tuple(f.name for f in fields(Article) if f.name != "blocks")


def _fields_json(value, names: tuple[str, ...]) -> bytes:
    return msgspec.json.encode(tuple(map(value.__getattribute__, names)))


def load_collections(file: Path, manifest: Manifest) -> Collections:
    """What the last build's collections were made from; empty when there is no file, the manifest
    does not vouch for its bytes, or it is not one this module wrote."""
    try:
        raw = file.read_bytes()
        return msgspec.json.decode(raw, type=Collections) if vouches(manifest, COLLECTIONS_NAME, raw) else {}
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return {}


def dumps_collections(collections: Collections) -> bytes:
    return msgspec.json.encode(dict(sorted(collections.items())))


# --- Localized versions: .build/<slug>.json ----------------------------------------------------------


def path(cache_dir: Path, slug: str) -> Path:
    return cache_dir / f"{slug}.json"


def dumps(slug: str, inputs: str, published: Published, held_back: list[HeldBackRow], retracted: bool) -> bytes:
    versions: dict[str, LocalizedArticle] = {}
    for chosen in published.values():
        for v in chosen:
            versions.setdefault(v.lang, replace(v, languages=(), article=replace(v.article, blocks=())))
    languages = {fmt: tuple(v.lang for v in chosen) for fmt, chosen in published.items()}
    entry = Entry(FORMAT, slug, inputs, tuple(versions.values()), languages, tuple(held_back), retracted)
    return msgspec.json.encode(entry)


def load(cache_dir: Path, slug: str, article_id: str, inputs: str, expected: FileRecord | None,
         config: Config, formats: tuple[str, ...], whole: bool = True, file: Path | None = None,
         owned: bool = False) -> tuple[Published, list[HeldBackRow], bool] | None:
    """The article's published versions, what was held back and whether it was retracted; None
    when there is no usable entry (the article is then rendered again). Not `whole`: the versions
    without their bodies, which are then checked as JSON only (see _LeanVersion). `file`: the
    entry's if not its place in `cache_dir` (one staged beside it). `owned`: the manifest that
    vouches for it is (publisher.owned), and it is not checked but for what it stands for."""
    try:
        raw = (file or path(cache_dir, slug)).read_bytes()
    except OSError:
        return None
    if expected is None or record(raw) != FileRecord(expected.sha256, expected.size):
        return None
    try:
        entry = msgspec.json.decode(raw, type=Entry if whole else _LeanEntry)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError, OverflowError):
        return None
    versions = _one_article(entry.versions if whole else tuple(map(_without_body, entry.versions)))
    if (entry.format, entry.slug, entry.inputs) != (FORMAT, slug, inputs):
        return None
    if not owned and not (as_written(raw, entry) and _plausible(entry, versions, slug, article_id, config, formats)):
        return None
    by_lang = {v.lang: v for v in versions}
    published = _published(entry.published, lambda lang, langs: replace(by_lang[lang], languages=langs))
    return published, list(entry.held_back), entry.retracted


def _published(languages: dict[str, tuple[str, ...]], version) -> Published:
    """Format → its versions, each made by version(lang, langs) once for every format that publishes
    the same languages."""
    made: dict[tuple[str, tuple[str, ...]], LocalizedArticle] = {}
    for langs in languages.values():
        made.update({(lang, langs): version(lang, langs) for lang in langs if (lang, langs) not in made})
    return {fmt: tuple(made[lang, langs] for lang in langs) for fmt, langs in languages.items()}


# --- Every article's summary: .build/_versions.json ---------------------------------------------------
# A build keeps of each article outside the newest only what the collections list of it (its
# Listings: headline, summary, dates, link) and what it needs to order and commit it: a Summary.
# A build that renders few articles reads every other one's from one file, checked at once, where a
# thousand entries cost a thousand reads, decodes and checks of mostly bodies: the manifest vouches
# for it by its hash (the collections' record's cache), and each article's part names the hash of
# the article's own entry, which the manifest records too; it is checked as an entry is (the
# canonical form, the project's languages, sane dates and names), and a part that does not serve
# leaves its article to its entry. Not a slug (the underscore).
VERSIONS_NAME = "_versions.json"
INDEX_FORMAT = 2  # 1 held whole versions without bodies


class Summary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the build keeps of an article beside the newest (whose versions it keeps whole): its
    name, id and time (the collections' order, the wire's sent stories), each version as the
    collections list it, which languages each format published, what was held back, and whether it
    was retracted. A few hundred bytes and its headlines and summaries."""

    slug: str
    id: str
    path: str  # its source, for messages
    published: datetime
    listings: tuple[Listing, ...]  # one per language a format published
    formats: dict[str, tuple[str, ...]]  # format → the languages it published
    held_back: tuple[HeldBackRow, ...]
    retracted: bool

    def listed(self, fmt: str) -> Listings:
        """The listings of the versions a format published, in its order."""
        langs = self.formats.get(fmt, ())
        by_lang = {listing.lang: listing for listing in self.listings}
        return tuple(by_lang[lang] for lang in langs)


def summary(article: Article | Summary, published: Published, held_back: list[HeldBackRow] | tuple,
            retracted: bool, config: Config) -> Summary:
    """An article's summary from the versions the formats published (whole, or without bodies)."""
    by_lang = {v.lang: v for chosen in published.values() for v in chosen}
    return Summary(article.slug, article.id, article.path, article.published,
                   tuple(listing(v, config) for v in by_lang.values()),
                   {fmt: tuple(v.lang for v in chosen) for fmt, chosen in published.items()},
                   tuple(tuple(row) for row in held_back), retracted)


class _Indexed(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    entry: str  # the SHA-256 of the article's entry it was made with
    inputs: str  # the input hash of the article (the manifest's)
    summary: Summary


class _Index(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    format: int
    articles: dict[str, _Indexed]  # slug → its summary


def index_part(entry: str, inputs: str, made: Summary) -> _Indexed | None:
    """An article's part of the index: the SHA-256 of its entry, its input hash and its summary;
    None if it published no version (it is read from its source)."""
    return _Indexed(entry, inputs, made) if made.listings else None


def dumps_versions(parts: dict[str, _Indexed]) -> bytes:
    return msgspec.json.encode(_Index(INDEX_FORMAT, dict(sorted(parts.items()))))


def load_versions(file: Path, expected: FileRecord | None, owned: bool = False) -> dict[str, _Indexed]:
    """Slug → its part of the index; empty when there is no index the manifest vouches for, or it is
    not byte for byte one this module writes (not asked of an `owned` manifest's: publisher.owned)."""
    if expected is None:
        return {}
    try:
        raw = file.read_bytes()
    except OSError:
        return {}
    if record(raw) != FileRecord(expected.sha256, expected.size):
        return {}
    try:
        index = msgspec.json.decode(raw, type=_Index)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError, OverflowError):
        return {}
    return index.articles if index.format == INDEX_FORMAT and (owned or as_written(raw, index)) else {}


def indexed(item: _Indexed | None, slug: str, article_id: str, inputs: str, entry: FileRecord | None,
            config: Config, formats: tuple[str, ...], owned: bool = False) -> Summary | None:
    """An article's summary from its part of the index; None when the part does not serve (made
    with another entry or other inputs, or implausible: not asked of an `owned` index's)."""
    if item is None or entry is None or (item.entry, item.inputs) != (entry.sha256, inputs):
        return None
    made = item.summary
    if owned:
        return _shared(made) if (made.slug, made.id) == (slug, article_id) else None
    if not (made.slug == slug and made.id == article_id and ID_RE.fullmatch(made.id) and made.listings
            and made.path.isprintable() and _plausible_moment(made.published)):
        return None
    rows = _plausible_rows(made.formats, made.held_back, [v.lang for v in made.listings], slug, config, formats)
    return _shared(made) if rows and all(_plausible_listing(v, made, config) for v in made.listings) else None


def _shared(made: Summary) -> Summary:
    """The summary with one copy of what it repeats, as the worker's pickle sends it (decoded, each
    is its own: a third of a summary): its slug and time, the language codes and the agency's name,
    and the languages of formats publishing the same; the build keeps one of every article's."""
    def text(value: Text | None) -> Text | None:
        return value and Text(value.text, sys.intern(value.lang), value.fallback)

    langs: dict[tuple[str, ...], tuple[str, ...]] = {}
    formats = {sys.intern(fmt): langs.setdefault(chosen, tuple(map(sys.intern, chosen)))
               for fmt, chosen in made.formats.items()}
    listings = tuple(Listing(made.slug, sys.intern(v.lang), sys.intern(v.babel_locale), text(v.headline),
                             text(v.summary), made.published, v.updated, sys.intern(v.provider))
                     for v in made.listings)
    return struct_replace(made, listings=listings, formats=formats)


def _plausible_listing(listed: Listing, made: Summary, config: Config) -> bool:
    """A listing of the article's own, in a language of the project, its texts in it or the source's."""
    if (listed.slug, listed.published) != (made.slug, made.published) or not listed.provider.isprintable():
        return False
    if listed.updated is not None and not _plausible_moment(listed.updated):
        return False
    return _plausible_version(listed, config)


def _plausible_moment(moment: datetime) -> bool:
    return moment.tzinfo is not None and not date_problem(moment)


def _one_article(versions: tuple[LocalizedArticle, ...]) -> tuple[LocalizedArticle, ...]:
    """The versions sharing one copy of their article where it is equal (the entry holds one copy
    per version): the build keeps every cached article's versions while it runs."""
    first = versions[0].article if versions else None
    return tuple(replace(v, article=first) if v.article is not first and v.article == first else v for v in versions)


def _without_body(lean) -> LocalizedArticle:
    return LocalizedArticle(**{name: getattr(lean, name) for name in _NAMES}, blocks=())


def _plausible(entry: Entry | _Indexed, versions: tuple[LocalizedArticle, ...], slug: str, article_id: str,
               config: Config, formats: tuple[str, ...]) -> bool:
    """What the exporters take for granted: the project's languages and locales, sane dates and names.
    Each article the versions carry is checked once (they share one where it is equal)."""
    articles = {id(v.article): v.article for v in versions}.values()
    return (_plausible_rows(entry.published, entry.held_back, [v.lang for v in versions], slug, config, formats)
            and all(_plausible_article(article, slug, article_id, config) for article in articles)
            and all(_plausible_version(v, config) for v in versions))


def _plausible_rows(published: dict[str, tuple[str, ...]], held_back: tuple[HeldBackRow, ...], langs: list[str],
                    slug: str, config: Config, formats: tuple[str, ...]) -> bool:
    """One version per language, formats publishing only those, and what was held back."""
    if len(set(langs)) != len(langs) or not set(published) <= set(formats):
        return False
    if any(not set(chosen) <= set(langs) or len(set(chosen)) != len(chosen) for chosen in published.values()):
        return False
    return not any(row[0] != slug or row[1] not in config.languages or row[2] not in formats
                   or not row[3].isprintable() for row in held_back)


def _plausible_version(version: LocalizedArticle | Listing, config: Config) -> bool:
    if version.lang not in config.languages or version.babel_locale != config.babel_locale(version.lang):
        return False
    # a text is in its version's language or, fallen back, the source's
    return all(text.lang in (version.lang, config.source_language) for text in _texts(version))


def _plausible_article(article: Article, slug: str, article_id: str, config: Config) -> bool:
    if (article.slug, article.id, article.language) != (slug, article_id, config.source_language):
        return False
    if not ID_RE.fullmatch(article.id) or article.status not in STATUSES or not 1 <= article.urgency <= 9:
        return False
    moments = [article.published, article.updated, article.embargoed]
    if any(m is not None and (m.tzinfo is None or date_problem(m)) for m in moments):
        return False
    day = article.dateline.date
    if not isinstance(day, date) or isinstance(day, datetime) or date_problem(day):
        return False
    return _wire_codes_valid(article)


def _wire_codes_valid(article: Article) -> bool:
    """The subject and genre codes as the wire takes them: it refuses any other, naming the source,
    whose own codes are fine when only the cached copy says otherwise."""
    return _codes_valid(tuple(article.subjects), article.genre)


@lru_cache(maxsize=4096)
def _codes_valid(subjects: tuple[str, ...], genre: str) -> bool:
    """Each version of each cached article carries its codes, and most articles share theirs."""
    from publisher.wire import codes  # the wire's catalogue, only for a build that reads its cache

    try:
        for qcode in subjects:
            codes.check(qcode, codes.SUBJECT_TYPES, "")
        codes.check(genre, ("genre",), "")
    except PublisherError:
        return False
    return True


def _texts(value) -> list[Text]:
    """Every localized text of a cached version (its article, whose blocks are not cached, aside).
    A loop over a stack, not recursive generators, that visits only the fields whose type can hold
    a Text (msgspec decoded each field as its type says): every cached version of every article is
    walked, and most of a version is strings, numbers and the article."""
    if type(value) is Listing:  # most of what a build checks: its two texts, without the walk
        return [text for text in (value.headline, value.summary) if text is not None]
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            found.append(item)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif item is not None:
            stack.extend(map(item.__getattribute__, _text_fields(type(item))))
    return found


@lru_cache(maxsize=None)
def _text_fields(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass whose type can hold a Text (an Article's never: it is not walked)."""
    if cls is Listing:
        return ("headline", "summary")
    if cls is Article or not is_dataclass(cls):
        return ()
    hints = get_type_hints(cls)
    return tuple(f.name for f in fields(cls) if _holds_text(hints[f.name], set()))


def _holds_text(hint, seen: set) -> bool:
    """Whether a value of type `hint` (Text, a dataclass, a tuple or optional of them) can hold a Text."""
    if hint is Text:
        return True
    if is_dataclass(hint):
        if hint is Article or hint in seen:
            return False  # a dataclass met again (a block's children) holds a Text only if it did the first time
        seen.add(hint)
        hints = get_type_hints(hint)
        return any(_holds_text(hints[f.name], seen) for f in fields(hint))
    return any(_holds_text(arg, seen) for arg in get_args(hint) if arg is not Ellipsis)
