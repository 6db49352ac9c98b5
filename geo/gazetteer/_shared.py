"""Whole tables of a gazetteer file, read once per process and shared by every :class:`Gazetteer` of
that file (a fresh ``Geoparser`` opens a new one): the Bloom filter of names, the demonyms, the
first-level divisions' codes and their qualified names, the names the features are known by. They
are immutable data of the file, keyed by its path, size and modification time (a rebuilt file is
read again); never a name's answer.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

__all__ = ["shared_table"]

T = TypeVar("T")

_TABLES: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
_LOCK = threading.Lock()


def shared_table(path: Path, name: str, read: Callable[[], T]) -> T:
    """The table ``name`` of the file at ``path``: ``read()`` once per version of the file."""
    try:
        st = os.stat(path)
    except OSError:
        return read()
    key, version = (str(path), name), (st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _TABLES.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = read()
    with _LOCK:
        _TABLES[key] = (version, value)
    return value
