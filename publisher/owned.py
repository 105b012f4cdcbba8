"""The manifest this user's last build committed in each state folder, by its SHA-256, kept in the
user's cache folder (publisher/usercache.py), never in the project or the output folder.

A build goes on from what output/.build/ holds, which anyone who can write there could have
written (a restored CI cache, a shared web root): the manifest's paths, each summary's and cache
entry's languages, dates and texts, and the wire's rows are checked before they are used. At
N = 10,000 the checks cost a build in which one article changed about a second, to prove what is
nearly always so: that this user's build wrote those bytes. A manifest holding the bytes this
user's last build committed there, made with the same settings and toolkit (its build hash; with
another, the build goes on from nothing), is owned: the state files it records by their hashes
are this toolkit's own, decoded strictly and not checked again. Any other manifest is checked as
before, and so is every state file it vouches for.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from publisher import usercache
from publisher.config import Config

PURPOSE = "manifests"
FORMAT = 1
Digests = dict[str, str]  # a manifest's real path → the SHA-256 of the bytes a build committed there


def digest(config: Config, manifest: Path) -> str | None:
    """The SHA-256 of the manifest this user's last build committed at `manifest`, if one is kept."""
    return usercache.load(config, PURPOSE, FORMAT, Digests, {}).get(os.path.realpath(manifest))


def remember(config: Config, manifest: Path, data: bytes) -> None:
    """A build committed `data` as the manifest at `manifest`."""
    digests = usercache.load(config, PURPOSE, FORMAT, Digests, {})
    digests[os.path.realpath(manifest)] = hashlib.sha256(data).hexdigest()
    usercache.save(config, PURPOSE, FORMAT, dict(sorted(digests.items())))
