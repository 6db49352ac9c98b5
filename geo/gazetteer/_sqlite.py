"""One read-only SQLite connection per thread, for the gazetteer and its feature tables."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from geo.errors import GazetteerError

__all__ = ["thread_connection"]


def thread_connection(local: threading.local, path: str | Path, check: str, what: str) -> sqlite3.Connection:
    """The calling thread's read-only connection to ``path`` (opened on first use and checked with the
    statement ``check``); a file SQLite cannot read is a :class:`GazetteerError` naming ``what``."""
    con = getattr(local, "con", None)
    if con is None:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            con.execute(check)
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(f"cannot {what} at {path}: {exc}") from exc
        local.con = con
    return con
