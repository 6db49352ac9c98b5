"""Is the gazetteer file still the one that was built? A checksum at build, checked on every open.

Damaged pages in the middle of the file (size and metadata intact) passed every earlier check and
failed each run with ``sqlite3.DatabaseError``. SQLite's ``PRAGMA quick_check`` finds broken
structure but costs ~0.11 s per open on the 50 MB file and misses overwritten record bytes;
a CRC-32 of the whole file costs ~0.02 s and finds any change. So the build writes the checksum
beside the file (``gazetteer-vN.sqlite.sum``), every open compares it, and a file without one
(built by an older geo, or in a read-only place) gets a ``quick_check`` instead, after which the
checksum is written. Figures: ``python3 benchmarks/bench_integrity.py``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

__all__ = ["checksum", "write_stamp", "damage"]


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sum")


def checksum(path: Path) -> dict:
    """The size and CRC-32 of the file."""
    crc, size = 0, 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return {"size": size, "crc32": f"{crc:08x}"}


def write_stamp(path: Path, value: dict | None = None) -> None:
    """Record the checksum of ``path`` (best effort: a read-only directory just means quick_check next time)."""
    from geo._atomic import write_atomic
    from geo.errors import GeoError

    try:
        write_atomic(_stamp_path(path), json.dumps(value or checksum(path)) + "\n")
    except (GeoError, OSError):
        pass


def quick_check(path: Path) -> str | None:
    """SQLite's own structural check: None when it says ok, else its first complaint."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def damage(path: Path) -> str | None:
    """Why the file's content cannot be trusted (its checksum changed, or quick_check fails), or None."""
    try:
        expected = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        expected = None
    try:
        actual = checksum(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if isinstance(expected, dict) and expected.get("crc32"):
        return None if actual == expected else "damaged (its content changed since it was built)"
    problem = quick_check(path)
    if problem is not None:
        return f"damaged ({problem})"
    write_stamp(path, actual)
    return None
