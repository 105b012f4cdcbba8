"""schema.org JSON-LD for the web pages: a NewsArticle per story, a CollectionPage per language
index, a WebSite for the language chooser, as Google's Article and site-name documentation asks.

The agency is one entity everywhere (one `@id`): publisher of every page and author of the
stories it signs, under the name the page's language gives it (БЕЛТА on a Russian page, with
BelTA as its alternate name), so a search engine never sees two organisations where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from publisher.config import Config
from publisher.exporters.addresses import CHOOSER, address, article_path, index_path
from publisher.inline import plain_text
from publisher.jsontext import indented
from publisher.model import LocalizedArticle

if TYPE_CHECKING:  # the package imports this module
    from publisher.exporters import Listing


@dataclass(frozen=True)
class Image:
    """A picture file under the output folder, with its size in pixels and what a picture credits."""

    path: str
    width: int
    height: int
    caption: str | None = None
    credit: str | None = None
    copyright: str | None = None
    media_type: str = "image/png"


def provider_name(config: Config, page: LocalizedArticle | None) -> str:
    """The agency's name as a page's language writes it: the catalogue's translation of the byline
    or dateline agency where that is the provider's own name, else the name in the settings."""
    if page is not None:
        article = page.article
        for source, text in ((article.byline, page.byline), (article.dateline.agency, page.dateline_agency)):
            if source == config.provider and not text.fallback:
                return plain_text(text.text)
    return config.provider


def organization(config: Config, name: str, logo: Image | None, here: str) -> dict:
    home = address(config, CHOOSER, here)
    return _compact({
        "@type": "NewsMediaOrganization",
        "@id": f"{home}#publisher",
        "name": name,
        "alternateName": config.provider if name != config.provider else None,
        "url": home,
        "logo": image_object(config, logo, here) if logo else None,
    })


def image_object(config: Config, image: Image, here: str) -> dict:
    return _compact({"@type": "ImageObject", "url": address(config, image.path, here), "width": image.width,
                     "height": image.height, "caption": image.caption, "creditText": image.credit,
                     "copyrightNotice": image.copyright})


def article(page: LocalizedArticle, config: Config, logo: Image | None, dateline: str,
            images: tuple[Image, ...] = ()) -> Markup:
    """A NewsArticle linked to its translations (workTranslation / translationOfWork)."""
    source = page.article
    here = page.lang
    url = address(config, article_path(here, page.slug), here)
    publisher = organization(config, provider_name(config, page), logo, here)

    def ref(lang: str) -> dict[str, str]:
        return {"@type": "NewsArticle", "@id": address(config, article_path(lang, page.slug), here), "inLanguage": lang}

    data = {
        "@context": "https://schema.org",
        **ref(here),
        "url": url,
        "mainEntityOfPage": url,
        "headline": plain_text(page.headline.text),
        "description": plain_text(page.summary.text) if page.summary else None,
        "dateline": dateline,
        "image": [image_object(config, i, here) for i in images] or None,
        "datePublished": source.published.isoformat(),
        "dateModified": (source.updated or source.published).isoformat(),
        "author": [_author(page, config, publisher)],
        "publisher": publisher,
        "keywords": [plain_text(k.text) for k in page.keywords] or None,
        "copyrightHolder": {"@type": "Organization", "name": config.copyright_holder} if config.copyright_holder
        else None,
        "copyrightYear": source.published.year if config.copyright_holder else None,
    }
    others = [lang for lang in page.languages if lang not in (here, source.language)]
    if here == source.language:
        data["workTranslation"] = [ref(lang) for lang in others] or None
    elif source.language in page.languages:
        data["translationOfWork"] = ref(source.language)
    return script(data)


def _author(page: LocalizedArticle, config: Config, publisher: dict) -> dict:
    """The agency itself when it signs the story; another agency or a person by name (there is no
    page about them to link to)."""
    source = page.article
    if source.byline == config.provider:
        return publisher
    kind = "Organization" if source.byline in (source.credit, source.dateline.agency) else "Person"
    return {"@type": kind, "name": plain_text(page.byline.text)}


def collection_page(config: Config, lang: str, name: str, description: str, publisher_name: str,
                    logo: Image | None, entries: list[Listing]) -> Markup:
    """A language's index: the page, the site it belongs to, and the newest stories on it."""
    url = address(config, index_path(lang), lang)
    items = [{"@type": "ListItem", "position": i, "url": address(config, article_path(lang, e.slug), lang),
              "name": plain_text(e.headline.text)} for i, e in enumerate(entries[: config.collection_size], 1)]
    return script({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": name,
        "description": description,
        "inLanguage": lang,
        "isPartOf": website_ref(config, lang),
        "publisher": organization(config, publisher_name, logo, lang),
        "mainEntity": {"@type": "ItemList", "itemListElement": items},
    })


def website(config: Config, languages: tuple[str, ...], description: str, logo: Image | None) -> Markup:
    """The language chooser: the site as a whole, in every language it is published in."""
    return script({
        "@context": "https://schema.org",
        **website_ref(config, ""),
        "url": address(config, CHOOSER, ""),
        "name": config.provider,
        "description": description,
        "inLanguage": list(languages),
        "publisher": organization(config, config.provider, logo, ""),
    })


def website_ref(config: Config, here: str) -> dict:
    return {"@type": "WebSite", "@id": f"{address(config, CHOOSER, here)}#website", "name": config.provider}


def script(data: dict) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' survives unescaped, so a translation cannot
    close the element or open a comment."""
    text = indented(_compact(data))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _compact(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}
