"""The one process pool of geo: tasks run in N local processes, results in submission order.

At most ``window`` tasks are in flight, so memory stays bounded whatever the number of tasks.
Each worker process runs ``initializer(*initargs)`` once (e.g. to build its Geoparser).
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

__all__ = ["ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[..., R], tasks: Iterable[tuple[Any, ...]], *, workers: int,
                initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                window: int | None = None) -> Iterator[R]:
    """``fn(*task)`` for every task, in ``workers`` processes (forked where the platform can), in order."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    limit = window or 2 * workers
    pool = ctx.Pool(workers, initializer=initializer, initargs=initargs)
    try:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(fn, task))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        # At the end the workers are told to stop and exit by themselves. Pool.terminate (what
        # ``with Pool`` does) sends them SIGTERM, and now and then one survived it and its join
        # waited for ever (a stuck `geo parse --workers 2`, parent in _terminate_pool).
        pool.close()
        pool.join()
    finally:
        pool.terminate()  # an error, or a caller that stopped reading: stop the workers
