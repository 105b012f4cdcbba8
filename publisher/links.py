"""Which link targets any output may carry, and the links of a unit.

One allow-list for every format (web pages, EPUB content documents and books, NewsML-G2): an
absolute http or https address with a host, or a mailto address. Everything else, and so every
scheme a browser or an operating system might act on (`javascript:`, `data:`, `ms-msdt:`,
`search-ms:`, `file:`…), a protocol-relative `//host` and a relative path (which would point at
nothing inside a book or a partner's system), keeps its words and loses its link. The source's
links are checked when the article is read; a translation whose links differ from its source's
is held back by the build.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from urllib.parse import urlsplit

from publisher.inline import Inline, parse_inline

SCHEMES = ("http", "https", "mailto")


@lru_cache(maxsize=4096)
def allowed(href: str) -> bool:
    try:
        parts = urlsplit(href)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:  # e.g. http://[:]/, an address urllib cannot read
        return False
    if parts.scheme not in SCHEMES:
        return False
    if parts.scheme == "mailto":
        return "@" in parts.path and not parts.netloc
    return bool(parts.hostname)


def targets(text: str) -> Counter[str]:
    """The link targets of a unit's inline Markdown, with how often each occurs."""
    return Counter(hrefs(parse_inline(text)))


def hrefs(nodes: tuple[Inline, ...]) -> list[str]:
    """The link targets in an inline tree, in reading order."""
    found = []
    for node in nodes:
        if node.kind == "link":
            found.append(node.href)
        found += hrefs(node.children)
    return found


def differ(source: str, translation: str) -> bool:
    """Whether a translation adds, drops or changes a link of its source."""
    if "[" not in translation and "<" not in translation and "[" not in source and "<" not in source:
        return False  # no link can start without one of these
    return targets(source) != targets(translation)
