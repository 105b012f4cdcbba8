"""The EPUB container (OCF): a zip whose bytes depend only on its contents and one given time."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from lxml import etree

CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
MIMETYPE = b"application/epub+zip"
UNIX = 3  # zip "made by" system, so that the permissions below mean what they say
FILE_MODE = 0o100644  # a regular file, rw-r--r--
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def package(package_path: str, files: dict[str, bytes], modified: datetime) -> bytes:
    """mimetype first and stored, then container.xml, then `files` in the order given."""
    when = max(modified.astimezone(timezone.utc).timetuple()[:6], ZIP_EPOCH)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        _add(book, "mimetype", MIMETYPE, when, zipfile.ZIP_STORED)
        _add(book, "META-INF/container.xml", container(package_path), when)
        for name, data in files.items():
            _add(book, name, data, when)
    return buffer.getvalue()


def container(package_path: str) -> bytes:
    root = etree.Element(f"{{{CONTAINER_NS}}}container", version="1.0", nsmap={None: CONTAINER_NS})
    rootfiles = etree.SubElement(root, f"{{{CONTAINER_NS}}}rootfiles")
    etree.SubElement(rootfiles, f"{{{CONTAINER_NS}}}rootfile",
                     {"full-path": package_path, "media-type": "application/oebps-package+xml"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(book: zipfile.ZipFile, name: str, data: bytes, when: tuple[int, ...],
         compression: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = compression
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    book.writestr(info, data, compress_type=compression, compresslevel=9 if compression else None)
