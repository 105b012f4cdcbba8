"""xhtml/<lang>/<slug>.xhtml: an EPUB 3 content document per article and language, ready to package."""

from __future__ import annotations

from publisher.exporters import Context, Files, Versions
from publisher.exporters.xhtml_tree import content_document


class XhtmlExporter:
    name = "xhtml"

    def article(self, versions: Versions, ctx: Context) -> Files:
        # No stylesheet: the document must stand alone in whichever book it is dropped into.
        return {f"xhtml/{v.lang}/{v.slug}.xhtml": content_document(v, ctx.config) for v in versions}

    def collection(self, articles: tuple[Versions, ...], ctx: Context) -> Files:
        return {}


EXPORTER = XhtmlExporter()
