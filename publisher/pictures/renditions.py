"""Resized copies of a picture for every output, made with Pillow: widths for `srcset`, each as
WebP and JPEG, turned upright by its EXIF orientation, in sRGB, and stripped of all metadata but
the credit and the copyright — no camera serial, no GPS position. Those two are written as XMP
(IPTC's photoshop:Credit and dc:rights, in UTF-8, which Cyrillic needs) and, where they are
plain ASCII, as EXIF Artist and Copyright too.

Renditions are named by the picture's digest, so a replaced file gets new names (no stale copy
in a cache), and made once per process whatever the number of formats and languages asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from lxml import etree
from PIL import Image, ImageCms, ImageOps

from publisher.errors import PublisherError
from publisher.model import Picture
from publisher.pictures.files import inspect

WIDTHS = (480, 960, 1600)  # a phone, a desktop column at 2×, a large screen or a book's page
FORMATS = (("webp", "image/webp", "WEBP", {"quality": 80, "method": 4}),
           ("jpg", "image/jpeg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}))
ARTIST, COPYRIGHT = 0x013B, 0x8298  # EXIF tags
PAPER = (255, 255, 255)  # what shows through a transparent picture in a JPEG


@dataclass(frozen=True)
class Rendition:
    name: str  # file name, e.g. forest-1a2b3c4d-960.webp
    width: int
    height: int
    media_type: str
    data: bytes


def renditions(picture: Picture) -> tuple[Rendition, ...]:
    return _renditions(picture.source, picture.digest, picture.credit, picture.copyright)


def largest_jpeg(picture: Picture) -> Rendition:
    return max((r for r in renditions(picture) if r.media_type == "image/jpeg"), key=lambda r: r.width)


@lru_cache(maxsize=64)
def _renditions(source: str, digest: str, credit: str | None, copyright: str | None) -> tuple[Rendition, ...]:
    path = Path(source)
    if inspect(path).digest != digest:  # the file changed after the article was read: read it again
        raise PublisherError("the picture changed while the build was running; run the build again", path)
    with Image.open(path) as opened:
        image = _srgb(ImageOps.exif_transpose(opened))
    stem = f"{path.stem}-{digest[:8]}"
    metadata = {"exif": _exif(credit, copyright), "xmp": _xmp(credit, copyright)}
    result = []
    for width in widths_of(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS) if width != image.width else image
        for ext, media_type, encoder, options in FORMATS:
            out = BytesIO()
            _for(encoder, resized).save(out, encoder, **metadata, **options)
            result.append(Rendition(f"{stem}-{width}.{ext}", width, height, media_type, out.getvalue()))
    return tuple(result)


def widths_of(width: int) -> tuple[int, ...]:
    """The srcset widths: each standard width narrower than the picture, and the picture's own
    width (at most the largest standard one): never enlarged."""
    return tuple(sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])}))


def _srgb(image: Image.Image) -> Image.Image:
    """RGB(A) in sRGB: a picture with another colour profile (Adobe RGB, CMYK) is converted, so it
    keeps its colours once the profile is stripped."""
    profile = image.info.get("icc_profile")
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(profile))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: the pixels as they are
    return image.convert(mode)


def _for(encoder: str, image: Image.Image) -> Image.Image:
    if encoder == "JPEG" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, PAPER)
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image


def _exif(credit: str | None, copyright: str | None) -> bytes:
    """EXIF's text tags are ASCII: a credit in another alphabet goes in the XMP only."""
    exif = Image.Exif()
    for tag, value in ((ARTIST, credit), (COPYRIGHT, copyright)):
        if value and value.isascii():
            exif[tag] = value
    return exif.tobytes() if len(exif) else b""


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP_NAMESPACES = {"x": "adobe:ns:meta/", "rdf": RDF, "dc": "http://purl.org/dc/elements/1.1/",
                  "photoshop": "http://ns.adobe.com/photoshop/1.0/"}


def _xmp(credit: str | None, copyright: str | None) -> bytes:
    if not credit and not copyright:
        return b""
    meta = etree.Element("{adobe:ns:meta/}xmpmeta", nsmap={"x": XMP_NAMESPACES["x"]})
    rdf = etree.SubElement(meta, f"{{{RDF}}}RDF", nsmap={"rdf": RDF})
    description = etree.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""},
                                   nsmap={k: XMP_NAMESPACES[k] for k in ("dc", "photoshop")})
    if credit:
        etree.SubElement(description, f"{{{XMP_NAMESPACES['photoshop']}}}Credit").text = credit
    if copyright:
        alternatives = etree.SubElement(etree.SubElement(description, f"{{{XMP_NAMESPACES['dc']}}}rights"),
                                        f"{{{RDF}}}Alt")
        item = etree.SubElement(alternatives, f"{{{RDF}}}li", {"{http://www.w3.org/XML/1998/namespace}lang":
                                                               "x-default"})
        item.text = copyright
    packet = etree.tostring(meta, encoding="UTF-8")
    return b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>' + packet + b'<?xpacket end="r"?>'
