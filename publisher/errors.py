"""The one exception family the library raises for bad input."""

from __future__ import annotations

from pathlib import Path


class PublisherError(Exception):
    """Bad input or a refused operation, reported as `path:line: message`."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class Problems(PublisherError):
    """Several independent errors found in one pass (all are reported, not just the first)."""

    def __init__(self, errors: list[PublisherError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C that arrived while a build could not stop; the message says where things stand."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
