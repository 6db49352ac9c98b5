"""The answer cache of the online geocoders: one SQLite file in the user cache directory.

Every answer a service gives is kept, the empty ones ("not found") too, so that regenerating a
map asks the service nothing and gives the same result. Failures (timeouts, refused connections,
429, 5xx) are never cached: the next run asks again.

Where the file lives (first that applies): ``GEO_GEOCODER_CACHE`` (the file), ``GEO_CACHE_DIR``
(a directory), the platform's user cache directory for ``geo``. Delete the file to forget.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from geo._cache import cache_dir  # one cache-directory rule for all of geo
from geo.geocoders.base import GeocoderWarning

__all__ = ["AnswerCache", "cache_dir", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    fetched_at REAL NOT NULL
);
"""


def default_cache_path() -> Path:
    explicit = os.environ.get("GEO_GEOCODER_CACHE")
    return Path(explicit).expanduser() if explicit else cache_dir() / "geocoder-cache.sqlite"


class AnswerCache:
    """Answers of online geocoders by (service, endpoint, parameters, normalised query).

    Safe to share between threads (one connection each) and processes (SQLite locking).
    A damaged file is moved aside (``*.damaged``) with a warning and a new one started.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_cache_path()
        self._local = threading.local()
        self._broken = False

    # -- connection ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        con = getattr(self._local, "con", None)
        if con is not None:
            return con
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                con = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(_SCHEMA)
                con.execute("SELECT COUNT(*) FROM answers WHERE key = ''").fetchone()
                self._local.con = con
                return con
            except sqlite3.DatabaseError as exc:
                if con is not None:
                    con.close()
                    con = None
                if attempt == 2 or not self.path.exists():
                    break
                aside = self.path.with_name(self.path.name + ".damaged")
                warnings.warn(f"the geocoder cache {self.path} is damaged ({exc}); moved it to {aside.name} "
                              "and started a new one", GeocoderWarning, stacklevel=3)
                try:
                    os.replace(self.path, aside)
                    for suffix in ("-wal", "-shm"):
                        Path(str(self.path) + suffix).unlink(missing_ok=True)
                except OSError:
                    break
            except OSError as exc:
                warnings.warn(f"cannot use the geocoder cache {self.path} ({exc.strerror or exc}); "
                              "answers will not be kept", GeocoderWarning, stacklevel=3)
                break
        self._broken = True
        return None

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    # -- answers ------------------------------------------------------------------------------
    @staticmethod
    def key(service: str, endpoint: str, params: dict[str, Any], query: str) -> str:
        return json.dumps([service, endpoint, params, query], sort_keys=True, separators=(",", ":"))

    def get(self, key: str) -> list[dict] | None:
        """The cached answer (a list, maybe empty) or None when the question was never answered."""
        con = self._connect()
        if con is None:
            return None
        try:
            row = con.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None:
            return None
        try:
            answer = json.loads(row[0])
        except ValueError:
            return None
        return answer if isinstance(answer, list) else None

    def put(self, key: str, *, service: str, endpoint: str, params: dict[str, Any], query: str,
            answer: list[dict]) -> None:
        con = self._connect()
        if con is None:
            return
        try:
            with con:
                con.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?,?)",
                            (key, service, endpoint, query, json.dumps(params, sort_keys=True),
                             json.dumps(answer, ensure_ascii=False, sort_keys=True), 1 if answer else 0, time.time()))
        except sqlite3.DatabaseError as exc:
            warnings.warn(f"cannot write to the geocoder cache {self.path} ({exc})", GeocoderWarning, stacklevel=3)

    def stats(self) -> dict[str, int]:
        con = self._connect()
        if con is None:
            return {"answers": 0, "found": 0}
        n, found = con.execute("SELECT COUNT(*), COALESCE(SUM(found), 0) FROM answers").fetchone()
        return {"answers": n, "found": found}
