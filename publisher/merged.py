"""Which catalogues an update left as they are: merging one of them again would change no byte.

A record is the hash of a catalogue's bytes together with its template's, its place and language,
and all else a merge reads: the settings, the glossary, the toolkit's code and the prune option.
While a catalogue's record holds, update neither parses, merges nor writes it (a second update
changes no byte, so the merge would give the same file; and the memory fills only units new to a
catalogue, which it has none of). The records are kept in the user's cache folder
(publisher/usercache.py); a forged one could only spare a catalogue its rewrite.

A record also tells a catalogue's bytes are those an update wrote, with the same code, for the
template still in its file: merged with a new template, its unchanged entries keep the lines
they have there (po.render's `written`), which are the lines they would be given anew.
"""

from __future__ import annotations

from publisher import manifest, usercache
from publisher.config import Config

PURPOSE = "merged"
FORMAT = 1
Records = dict[str, str]  # a catalogue's project-relative path → its record
ORPHAN = b"(no template: the article is gone from source/)"


def load(config: Config) -> Records:
    return usercache.load(config, PURPOSE, FORMAT, Records, {})


def save(config: Config, records: Records) -> None:
    usercache.save(config, PURPOSE, FORMAT, dict(sorted(records.items())))


def context(config: Config, prune: bool) -> str:
    return manifest.digest(manifest.checks_hash(config).encode(), str(prune).encode())


def record(context: str, lang: str, display: str, template: bytes, catalogue: bytes) -> str:
    return manifest.digest(context.encode(), lang.encode(), display.encode(), template, catalogue)
