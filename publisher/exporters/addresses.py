"""Where the web pages live: paths under the output folder, relative links, absolute addresses.

Links between pages are relative, so output/html works opened from disk and served from any
path. Canonical and hreflang links, Open Graph, sitemaps and feeds want absolute addresses:
they are made from the project's `base_url` (where output/html is served), when it is set.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache

from publisher.config import Config

CHOOSER = "html/index.html"
PathOf = Callable[[str], str]  # language → a page's path under the output folder


def article_path(lang: str, slug: str) -> str:
    return f"html/{lang}/{slug}.html"


def index_path(lang: str) -> str:
    return f"html/{lang}/index.html"


def feed_path(lang: str) -> str:
    return f"html/{lang}/atom.xml"


def picture_path(slug: str, name: str) -> str:
    """A picture's rendition: shared by the article's languages."""
    return f"html/pictures/{slug}/{name}"


def theme_path(name: str) -> str:
    return f"html/{name}"


@lru_cache(maxsize=4096)
def relative(target: str, here: str) -> str:
    """`target` (a path under the output folder) as seen from a page in html/<here>/ ("" for html/).
    What posixpath.relpath gives, without its two looks at the working folder: both paths are
    inside the output folder, so it cancels out (a test holds the two equal)."""
    start, path = _parts(posixpath.join("html", here)), _parts(target)
    common = 0
    for mine, theirs in zip(start, path):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


def _parts(path: str) -> list[str]:
    return [part for part in posixpath.normpath(path).split("/") if part and part != "."]


def absolute(config: Config, target: str) -> str | None:
    """The address `target` is served at, or None when the project has no base_url."""
    if not config.base_url:
        return None
    return config.base_url.rstrip("/") + "/" + target.removeprefix("html/")


def address(config: Config, target: str, here: str) -> str:
    """Absolute when the site's address is known, relative otherwise."""
    return absolute(config, target) or relative(target, here)


def alternate_targets(config: Config, languages: tuple[str, ...], path: PathOf,
                      x_default: str | None = None) -> list[tuple[str, str]]:
    """(hreflang, path) of every language version of a page, and the x-default one: the chooser's
    for indexes, the source language's (or the first published) for an article."""
    default = x_default or path(config.source_language if config.source_language in languages else languages[0])
    return [(lang, path(lang)) for lang in languages] + [("x-default", default)]
