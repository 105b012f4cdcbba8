"""Work spread over processes, one item per task, results in the order of the work."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


def job_count(jobs: int | None) -> int:
    """The workers asked for; none or 0: one per core."""
    return jobs or os.cpu_count() or 1


def map_in_processes(function: Callable[[T], R], work: list[T], jobs: int) -> Iterator[R]:
    """Serial for one job or one item; otherwise a process pool (forked: the parent's loaded data
    comes for free). Whatever the number of jobs, the same results in the same order."""
    if jobs <= 1 or len(work) <= 1:
        yield from map(function, work)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        yield from pool.map(function, work, chunksize=max(1, len(work) // (jobs * 8)))


_SHARED: tuple | None = None  # (function, shared) of map_sharing: set before the workers fork


def map_sharing(function: Callable[[S, T], R], shared: S, work: list[T], jobs: int) -> list[R]:
    """map_in_processes of function(shared, item). `shared` reaches the workers by the fork, never
    pickled (a build's thousands of versions, an update's or a check's whole project): only each
    item goes to a worker, and its result comes back."""
    global _SHARED
    previous, _SHARED = _SHARED, (function, shared)
    try:
        return list(map_in_processes(_call_sharing, work, jobs))
    finally:
        _SHARED = previous


def _call_sharing(item):
    function, shared = _SHARED
    return function(shared, item)
