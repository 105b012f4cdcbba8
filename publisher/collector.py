"""Python's cyclic garbage collector, paused where the toolkit makes many objects and no cycles.

Decoding a build's cache entries and merging a desk's catalogues each make hundreds of thousands
of objects and no garbage; each collection their allocations set off walks all of them again (it
doubled the decoding time and was a fifth of merging), and in a forked worker writes to every
memory page it shares with the parent.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(freeze: bool = False) -> Iterator[None]:
    """No cyclic collection inside (nor in workers forked inside, which inherit the setting).
    `freeze`: what was made stays out of the collector's sight afterwards too, until gc.unfreeze
    (it would be walked by every later collection, for nothing)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
