"""(Article, translations) → LocalizedArticle, with the fallback policy."""

from __future__ import annotations

from publisher.model import (Article, Block, Completeness, LocalizedArticle, LocalizedBlock, LocalizedPicture,
                             Picture, Text)
from publisher.segment import normalise, sentences, units

Translations = dict[tuple[str | None, str], str]
Key = tuple[str | None, str]


class UnitTranslations:
    """A language's translations as localize looks them up, by a unit's (context, text) as the
    article writes it: each of the article's units is normalised once for all its languages (po's
    unit_key, given as `keys`: written key → normalised key), not at every lookup; any other key
    is the translations' own to normalise (po.Translations, keyed by normalised keys)."""

    def __init__(self, translations: Translations, keys: dict[Key, Key]):
        self.translations, self.keys = translations, keys
        self.found = {key: text for key, normal in keys.items()
                      if (text := dict.get(translations, normal)) is not None}

    def get(self, key: Key, default=None):
        found = self.found.get(key)
        if found is not None or key in self.keys:
            return found if found is not None else default
        return self.translations.get(key, default)


class _Translator:
    """Looks units up; a missing one falls back to the source text, marked with the source language."""

    def __init__(self, translations: Translations, lang: str, source_lang: str):
        self.translations, self.lang, self.source_lang = translations, lang, source_lang

    def __call__(self, text: str, context: str | None = None) -> Text:
        found = self.translations.get((context, text))
        if found:
            return Text(found, self.lang)
        if self.lang == self.source_lang:
            return Text(text, self.lang)
        return Text(text, self.source_lang, fallback=True)


def localize(article: Article, translations: Translations, lang: str, babel_locale: str,
             mode: str = "sentence", languages: tuple[str, ...] = ()) -> LocalizedArticle:
    t = _Translator(translations, lang, article.language)
    blocks = tuple(_figure(article.body_picture(block.text), t) if block.kind == "figure"
                   else _block(block, t, article.language, mode) for block in article.blocks)
    return LocalizedArticle(
        article=article,
        lang=lang,
        babel_locale=babel_locale,
        headline=t(article.headline, "headline"),
        summary=t(article.summary, "summary") if article.summary else None,
        dateline_place=t(article.dateline.place, "dateline.place"),
        dateline_agency=t(article.dateline.agency, "dateline.agency"),
        byline=t(article.byline, "byline"),
        keywords=tuple(t(k, "keyword") for k in article.keywords),
        blocks=blocks,
        completeness=completeness(article, translations, lang, mode),
        ednote=t(article.ednote, "ednote") if article.ednote else None,
        correction=t(article.correction, "correction") if article.correction else None,
        languages=languages,
        picture=_picture(article.picture, t) if article.picture else None,
    )


def _picture(picture: Picture, t: _Translator) -> LocalizedPicture:
    return LocalizedPicture(picture, t(picture.alt, "picture.alt"),
                            t(picture.caption, "picture.caption") if picture.caption else None,
                            t(picture.credit, "picture.credit") if picture.credit else None)


def _figure(picture: Picture, t: _Translator) -> LocalizedBlock:
    return LocalizedBlock("figure", picture=_picture(picture, t))


def _block(block: Block, t: _Translator, source_lang: str, mode: str) -> LocalizedBlock:
    children = tuple(_block(child, t, source_lang, mode) for child in block.children)
    if block.kind == "heading":
        texts = (t(normalise(block.text), "heading"),)
    else:
        texts = tuple(t(s) for s in sentences(block.text, source_lang, mode))
    return LocalizedBlock(block.kind, texts, children, block.level, block.ordered)


def completeness(article: Article, translations: Translations, lang: str, mode: str) -> Completeness:
    every = units(article, mode)
    if lang == article.language:
        return Completeness(len(every), len(every))
    return Completeness(sum(1 for u in every if translations.get(u.key)), len(every))
