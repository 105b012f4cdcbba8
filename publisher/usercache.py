"""Files kept between runs in the user's cache folder, one per project folder and purpose.

$XDG_CACHE_HOME/publisher/<purpose>/ (else ~/.cache/publisher/<purpose>/), never in the project:
what is found in a project's files could have been written by anyone who can send a change to
it. Each file is a format number and a payload, decoded strictly; a file that is not one this
module wrote in this format reads as empty, and one that cannot be written is done without.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TypeVar

import msgspec

from publisher.config import Config
from publisher.fsutil import write_atomic

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_file(config: Config, purpose: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    project = hashlib.sha256(os.path.realpath(config.root).encode()).hexdigest()[:24]
    return Path(base, "publisher", purpose, f"{project}.json")


def load(config: Config, purpose: str, form: int, payload: type[T], empty: T) -> T:
    try:
        found = msgspec.json.decode(cache_file(config, purpose).read_bytes(), type=tuple[int, payload])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return empty
    return found[1] if found[0] == form else empty


def save(config: Config, purpose: str, form: int, payload) -> None:
    try:
        write_atomic(cache_file(config, purpose), msgspec.json.encode((form, payload)))
    except OSError as exc:  # a read-only home: the next run does the whole work, nothing worse
        log.debug("%s not kept: %s", purpose, exc)
