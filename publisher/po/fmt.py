"""`publish fmt`: PO and POT files rewritten in gettext's canonical form, without gettext."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publisher.errors import Problems, PublisherError
from publisher.fsutil import write_atomic
from publisher.po.read import parse
from publisher.po.write import render


@dataclass
class Formatted:
    changed: list[Path] = field(default_factory=list)  # rewritten (or, with check, would be)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[PublisherError] = field(default_factory=list)


def format_files(paths: Iterable[Path], check: bool = False) -> Formatted:
    """Rewrite each file (folders: every .po and .pot below them) as msgcat would; with `check`,
    change nothing and only list the files that are not in that form."""
    result = Formatted()
    for path in _po_files(paths):
        try:
            raw = path.read_bytes()
            canonical = render(parse(raw, str(path), keep_cr=True)).encode("utf-8")
        except Problems as exc:
            result.errors += exc.errors
            continue
        except PublisherError as exc:
            result.errors.append(exc)
            continue
        except OSError as exc:
            result.errors.append(PublisherError(f"cannot read: {exc.strerror}", path))
            continue
        if canonical == raw:
            result.unchanged.append(path)
            continue
        if not check:
            write_atomic(path, canonical)
        result.changed.append(path)
    return result


def _po_files(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".po", ".pot") and p.is_file())
        else:
            found.append(path)
    return found
