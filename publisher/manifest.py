"""What the last build was made from: content hashes of every input, and the files it wrote.

A build compares each article's input hash with the manifest and skips the article when
nothing changed; a no-op build reads only file bytes, never parses a catalogue.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import publisher
from publisher.config import Config

MANIFEST_NAME = "manifest.json"
_PACKAGE = Path(publisher.__file__).resolve().parent


@dataclass
class Manifest:
    build_hash: str = ""  # settings, glossary, templates, the toolkit itself, the build options
    articles: dict[str, str] = field(default_factory=dict)  # slug → input hash
    ids: dict[str, str] = field(default_factory=dict)  # slug → article id (its ledger is ledger/<id>.json)
    files: dict[str, list[str]] = field(default_factory=dict)  # slug (or "*": collections) → output paths
    held_back: dict[str, list[list[str]]] = field(default_factory=dict)  # slug → [lang, format, reason]

    @classmethod
    def load(cls, out: Path) -> Manifest:
        try:
            data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return cls()  # no or unreadable manifest: everything is rebuilt

    def dumps(self) -> bytes:
        return (json.dumps(asdict(self), sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def _tree(folder: Path, pattern: str = "*") -> list[bytes]:
    if not folder.is_dir():
        return []
    return [p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes()
            for p in sorted(folder.rglob(pattern)) if p.is_file() and "__pycache__" not in p.parts]


def build_hash(config: Config, options: str) -> str:
    """Everything every output depends on besides its own article and catalogues."""
    # Where the outputs go is no input of theirs (the manifest lives in the output folder).
    settings = repr(sorted((k, repr(v)) for k, v in vars(config).items() if k not in ("root", "output_dir"))).encode()
    templates = _tree(config.root / config.templates_dir) if config.templates_dir else []
    return _digest(settings, options.encode(), _read(config.glossary_path), *templates,
                   *_tree(_PACKAGE, "*.py"), *_tree(_PACKAGE / "templates"), *_tree(_PACKAGE / "locale"),
                   *_tree(_PACKAGE / "data"), publisher.__version__.encode())


def article_hash(source: Path, catalogues: list[Path]) -> str:
    return _digest(_read(source), *(p.as_posix().encode() + b"\0" + _read(p) for p in catalogues))
