"""The EPUB container is written byte for byte as Python's zipfile writes it, shared entries or not."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from publisher.exporters import ocf


def zipfile_package(package_path: str, files: dict[str, bytes], modified: datetime) -> bytes:
    """The container as zipfile writes it: the oracle."""
    when = max(modified.astimezone(timezone.utc).timetuple()[:6], ocf.ZIP_EPOCH)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        entries = [("mimetype", ocf.MIMETYPE, zipfile.ZIP_STORED),
                   ("META-INF/container.xml", ocf.container(package_path), zipfile.ZIP_DEFLATED)]
        for name, data, compression in entries + [(n, d, zipfile.ZIP_DEFLATED) for n, d in files.items()]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = ocf.UNIX
            info.external_attr = ocf.FILE_MODE << 16
            book.writestr(info, data, compress_type=compression, compresslevel=9 if compression else None)
    return buffer.getvalue()


_NAMES = st.text(st.sampled_from("abz./-_ыé1"), min_size=1, max_size=12).map(lambda n: f"EPUB/{n}")
_DATA = st.binary(max_size=300) | st.text(max_size=200).map(str.encode) | st.sampled_from([b"", b"a" * 5000])
_TIMES = st.datetimes(datetime(1975, 1, 1), datetime(2099, 12, 31), timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-11))]))


@settings(max_examples=300, deadline=None)
@given(files=st.dictionaries(_NAMES, _DATA, max_size=6), modified=_TIMES, data=st.data())
def test_the_container_is_what_zipfile_writes(files, modified, data):
    shared = frozenset(data.draw(st.sets(st.sampled_from(sorted(files)))) if files else ())
    expected = zipfile_package("EPUB/package.opf", files, modified)
    assert ocf.package("EPUB/package.opf", files, modified, shared) == expected
    assert ocf.package("EPUB/package.opf", files, modified, shared) == expected, "a shared entry, kept, is the same"
    with zipfile.ZipFile(io.BytesIO(expected)) as book:
        assert book.testzip() is None
        assert {n: book.read(n) for n in files} == files
