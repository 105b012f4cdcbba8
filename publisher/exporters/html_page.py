"""The theme's article page (base.html, article.html and macros.html) written in Python.

Jinja's own rendering of those templates was a sixth of a build's time; a project that replaces
none of the three gets the same bytes from here (a test renders the bundled article and a sample
of the benchmark corpus both ways, and templates/ holds the source a designer edits: a change to
one of the three templates must be made here too, which that test shows). Every value is escaped
as autoescaping escapes it (html_text.escape_html, which markupsafe.escape equals); the text of a
unit comes from html_text as the templates' text(), sentences() and body() give it.
"""

from __future__ import annotations

from publisher.exporters.html_text import blocks_html, escape_html, sentences_html, text_html
from publisher.inline import plain_text

# The templates this module stands for: a project's templates folder holding any of them gets Jinja.
TEMPLATES = ("base.html", "article.html", "macros.html")


def article_page(values: dict) -> str:
    """The page base.html and article.html render from `values` (the templates' context)."""
    return "".join(_base(values, _article_head(values), _article_main(values)))


def _base(v: dict, head: str, main: str):
    lang, meta = v["lang"], v["meta"]
    yield (f'<!DOCTYPE html>\n<html lang="{escape_html(lang)}">\n<head>\n<meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           '<meta name="color-scheme" content="light dark">\n'
           f"<title>{escape_html(meta.title)}</title>\n"
           f'<meta name="description" content="{escape_html(meta.description)}">\n'
           f'<link rel="canonical" href="{escape_html(meta.canonical)}">\n'
           f'<link rel="stylesheet" href="{escape_html(v["stylesheet"])}">\n'
           f'<link rel="icon" href="{escape_html(v["icon"])}" type="image/svg+xml">\n'
           f'<link rel="apple-touch-icon" href="{escape_html(v["touch_icon"])}">\n'
           f'<link rel="manifest" href="{escape_html(v["manifest"])}">\n')
    for link in v["alternates"]:
        yield f'<link rel="alternate" hreflang="{escape_html(link.lang)}" href="{escape_html(link.href)}">\n'
    for feed in v["feed_links"]:
        own = f' lang="{escape_html(feed.lang)}"' if feed.lang != lang else ""
        yield (f'<link rel="alternate" type="application/atom+xml" href="{escape_html(feed.href)}" '
               f'title="{escape_html(feed.title)}"{own}>\n')
    yield (f'<meta property="og:type" content="{escape_html(meta.og_type)}">\n'
           f'<meta property="og:title" content="{escape_html(meta.og_title)}">\n'
           f'<meta property="og:description" content="{escape_html(meta.description)}">\n'
           f'<meta property="og:site_name" content="{escape_html(v["site_name"])}">\n'
           f'<meta property="og:locale" content="{escape_html(meta.og_locale)}">\n')
    for locale in meta.og_alternates:
        yield f'<meta property="og:locale:alternate" content="{escape_html(locale)}">\n'
    if meta.og_url:
        yield f'<meta property="og:url" content="{escape_html(meta.og_url)}">\n'
    image = meta.og_image
    if image:
        yield (f'<meta property="og:image" content="{escape_html(image.path)}">\n'
               f'<meta property="og:image:type" content="{escape_html(image.media_type)}">\n'
               f'<meta property="og:image:width" content="{escape_html(str(image.width))}">\n'
               f'<meta property="og:image:height" content="{escape_html(str(image.height))}">\n')
        if meta.og_image_alt:
            yield f'<meta property="og:image:alt" content="{escape_html(meta.og_image_alt)}">\n'
    yield head
    yield (f'<script type="application/ld+json">\n{meta.json_ld}\n</script>\n</head>\n<body>\n<header class="site">\n'
           f'<a class="site-name" href="{escape_html(v["home"])}">{escape_html(v["site_name"])}</a>\n')
    if v["switcher"]:
        yield (f'<nav class="languages" aria-labelledby="read-in">\n'
               f'<span id="read-in">{escape_html(v["gettext"]("Read in"))}</span>\n<ul>\n')
        for link in v["switcher"]:
            code = escape_html(link.lang)
            yield f'<li><a href="{escape_html(link.href)}" hreflang="{code}" lang="{code}">{escape_html(link.name)}</a></li>\n'
        yield "</ul>\n</nav>\n"
    yield f"</header>\n<main>\n{main}</main>\n<footer class=\"site\">\n"
    if v["copyright_notice"]:
        own = f' lang="{escape_html(v["source_language"])}"' if lang != v["source_language"] else ""
        yield f"<p{own}>{escape_html(v['copyright_notice'])}</p>\n"
    if v["chooser"]:
        yield (f'<p class="all-languages"><a href="{escape_html(v["chooser"])}">'
               f'{escape_html(v["gettext"]("All languages"))}</a></p>\n')
    yield "</footer>\n</body>\n</html>\n"


def _article_head(v: dict) -> str:
    article = v["page"].article
    tags = "".join(f'<meta property="article:tag" content="{escape_html(plain_text(keyword.text))}">\n'
                   for keyword in v["page"].keywords)
    return (f'<meta property="article:published_time" content="{escape_html(article.published.isoformat())}">\n'
            f'<meta property="article:modified_time" '
            f'content="{escape_html((article.updated or article.published).isoformat())}">\n{tags}')


def _article_main(v: dict) -> str:
    page, lang, gettext = v["page"], v["lang"], v["gettext"]
    parts = [f"<article>\n<header>\n<h1>{text_html(page.headline, lang)}</h1>\n"]
    if page.summary:
        parts.append(f'<p class="summary">{text_html(page.summary, lang)}</p>\n')
    parts.append(f'<p class="meta">\n<span class="byline">{text_html(page.byline, lang)}</span>\n'
                 f'<span>{escape_html(gettext("Published"))} <time datetime="'
                 f'{escape_html(page.article.published.isoformat())}">{escape_html(v["published"])}</time></span>\n')
    if v["updated"]:
        parts.append(f'<span>{escape_html(gettext("Updated"))} <time datetime="'
                     f'{escape_html(page.article.updated.isoformat())}">{escape_html(v["updated"])}</time></span>\n')
    minutes = v["minutes"]
    reading = v["ngettext"]("Reading time: %(num)d minute", "Reading time: %(num)d minutes", minutes) % {"num": minutes}
    parts.append(f"<span>{escape_html(reading)}</span>\n</p>\n")
    if v["translated"]:
        note = gettext("%(percent)s of this article is translated. Passages not yet translated are shown in the "
                       "original language.") % {"percent": v["translated"]}
        parts.append(f'<p class="completeness">{escape_html(note)}</p>\n')
    parts.append("</header>\n")
    if v["lead"]:
        parts.append(f"{_figure(v['lead'], lang)}\n")
    figures = v["figures"]

    def figure(block) -> str:
        return _figure(figures[block.picture.picture.file], lang)

    first = page.blocks[0]
    if first.kind == "paragraph":
        parts.append(f"<p>{_dateline(v['dateline'], lang)} {sentences_html(first.sentences, lang)}</p>\n"
                     f"{blocks_html(page.blocks[1:], lang, figure)}\n")
    else:
        parts.append(f"<p>{_dateline(v['dateline'], lang)}</p>\n{blocks_html(page.blocks, lang, figure)}\n")
    parts.append("</article>\n")
    return "".join(parts)


def _dateline(d, lang: str) -> str:
    """macros.html's dateline_line."""
    return (f'<span class="dateline">{text_html(d.place, lang)}, {escape_html(d.day)} '
            f'({text_html(d.agency, lang)}) {escape_html(d.dash)}</span>')


def _figure(f, lang: str) -> str:
    """macros.html's figure."""
    p = f.picture
    alt_lang = f' lang="{escape_html(p.alt.lang)}"' if p.alt.lang != lang else ""
    caption = ""
    if p.caption or p.credit:  # (a str added to a Markup would be escaped: f-strings make plain ones)
        words = f"{text_html(p.caption, lang)}" if p.caption else ""
        space = " " if p.caption and p.credit else ""
        credit = f'<span class="credit">{text_html(p.credit, lang)}</span>' if p.credit else ""
        caption = f"<figcaption>{words}{space}{credit}</figcaption>\n"
    lead, lazy = (' class="lead"', "") if f.lead else ("", ' loading="lazy"')
    return (f"<figure{lead}>\n<picture>\n"
            f'<source type="image/webp" srcset="{escape_html(f.webp)}" sizes="{escape_html(f.sizes)}">\n'
            f'<img src="{escape_html(f.src)}" srcset="{escape_html(f.jpeg)}" sizes="{escape_html(f.sizes)}" '
            f'width="{escape_html(str(f.width))}" height="{escape_html(str(f.height))}" '
            f'alt="{escape_html(plain_text(p.alt.text))}"{alt_lang}{lazy} '
            f'decoding="async">\n</picture>\n{caption}</figure>\n')
