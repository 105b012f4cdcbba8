"""The EPUB container (OCF): a zip whose bytes depend only on its contents and one given time.

Written here rather than through zipfile, byte for byte what zipfile writes (tests/test_epub.py
holds the two alike), so that an entry whose bytes every book shares (the stylesheet, a picture in
each language's book) is compressed once per process rather than once per book, and the bytes do
not depend on the Python that runs the build.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
MIMETYPE = b"application/epub+zip"
UNIX = 3  # zip "made by" system, so that the permissions below mean what they say
FILE_MODE = 0o100644  # a regular file, rw-r--r--
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
STORED, DEFLATED = 0, 8  # compression methods
LEVEL = 9
VERSION = 20  # zip 2.0: deflate; the version needed to extract, and the one that made the entry
UTF8_NAME = 0x800  # general purpose flag: the name is UTF-8, not code page 437
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")


class Entry(NamedTuple):
    """One file, compressed, with what its headers say of it."""

    name: bytes
    flags: int
    method: int
    crc: int
    size: int
    data: bytes  # as stored in the zip


def package(package_path: str, files: dict[str, bytes], modified: datetime,
            shared: frozenset[str] = frozenset()) -> bytes:
    """mimetype first and stored, then container.xml, then `files` in the order given. The files
    named in `shared` carry bytes that other books carry too: compressed once and kept for them."""
    when = max(modified.astimezone(timezone.utc).timetuple()[:6], ZIP_EPOCH)
    entries = [_shared_entry("mimetype", MIMETYPE, STORED),
               _shared_entry("META-INF/container.xml", container(package_path), DEFLATED)]
    entries += [_shared_entry(name, data, DEFLATED) if name in shared else _entry(name, data, DEFLATED)
                for name, data in files.items()]
    return _zip(entries, when)


@lru_cache(maxsize=1)
def container(package_path: str) -> bytes:
    root = etree.Element(f"{{{CONTAINER_NS}}}container", version="1.0", nsmap={None: CONTAINER_NS})
    rootfiles = etree.SubElement(root, f"{{{CONTAINER_NS}}}rootfiles")
    etree.SubElement(rootfiles, f"{{{CONTAINER_NS}}}rootfile",
                     {"full-path": package_path, "media-type": "application/oebps-package+xml"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(name: str, data: bytes, method: int) -> Entry:
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), UTF8_NAME
    if method == DEFLATED:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # a raw deflate stream, as zip holds it
        stored = compressor.compress(data) + compressor.flush()
    else:
        stored = data
    return Entry(encoded, flags, method, zlib.crc32(data), len(data), stored)


# Keyed by the bytes themselves (a bytes object keeps its hash): a few books' pictures, and the
# entries every book has.
_shared_entry = lru_cache(maxsize=16)(_entry)


def _zip(entries: list[Entry], when: tuple[int, ...]) -> bytes:
    """Local headers and data, the central directory, the end record: what zipfile writes to a
    seekable file (no data descriptors, no extra fields, no comments)."""
    year, month, day, hour, minute, second = when
    date, time = (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2
    parts, directory, offset = [], [], 0
    for e in entries:
        local = LOCAL_HEADER.pack(b"PK\x03\x04", VERSION, 0, e.flags, e.method, time, date, e.crc, len(e.data),
                                  e.size, len(e.name), 0)
        parts += (local, e.name, e.data)
        directory += (CENTRAL_HEADER.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, e.flags, e.method, time, date,
                                          e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0, FILE_MODE << 16,
                                          offset), e.name)
        offset += len(local) + len(e.name) + len(e.data)
    size = sum(map(len, directory))
    end = END_RECORD.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), size, offset, 0)
    return b"".join(parts + directory + [end])
