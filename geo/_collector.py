"""Pausing Python's cyclic garbage collector around work that makes millions of objects."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["collector_paused"]


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """Run a block with the cyclic garbage collector paused (as it was after it).

    Each pass of the collector walks every container object alive, so a block that makes millions
    of them pays for them again and again. Objects are still freed by reference counting; only
    garbage in cycles waits for the collector's next pass. ``freeze``: then move everything made so
    far to the permanent generation (objects that live as long as the process: imports, the spaCy
    model), which later passes skip.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
