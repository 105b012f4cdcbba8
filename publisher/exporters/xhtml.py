"""xhtml/<lang>/<slug>.xhtml: an EPUB 3 content document per article and language, ready to package.

Its pictures (one JPEG each, the size a book page wants) sit in xhtml/pictures/<slug>/, shared by
the article's languages, and are linked relatively, so the folder can be dropped into a book.
"""

from __future__ import annotations

from publisher.exporters import Context, Files, Versions
from publisher.exporters.xhtml_tree import content_document
from publisher.model import Picture
from publisher.pictures import largest_jpeg


class XhtmlExporter:
    name = "xhtml"

    def article(self, versions: Versions, ctx: Context) -> Files:
        # No stylesheet: the document must stand alone in whichever book it is dropped into.
        files = {f"xhtml/{v.lang}/{v.slug}.xhtml": content_document(v, ctx.config, images=_image(v.slug))
                 for v in versions}
        for version in versions[:1]:
            for picture in (version.article.picture, *version.article.pictures):
                if picture:
                    rendition = largest_jpeg(picture)
                    files[f"xhtml/pictures/{version.slug}/{rendition.name}"] = rendition.data
        return files

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        return {}


def _image(slug: str):
    def source(picture: Picture) -> tuple[str, int, int]:
        rendition = largest_jpeg(picture)
        return f"../pictures/{slug}/{rendition.name}", rendition.width, rendition.height
    return source


EXPORTER = XhtmlExporter()
