"""A Bloom filter of every normalised name of the gazetteer, written at build time.

Most names recognition asks about are no place at all ("Police", "Monday", "Smith"): the filter
answers those without an SQL query. It never says no to a name the ``names`` table holds (a
Bloom filter has no false negatives); a yes (about one in a hundred names it does not hold) is
checked by the query as before. A file built without the table simply has no filter.

The bits are one BLOB of :data:`BITS` bits; a name sets :data:`PROBES` of them, at positions made
from two CRC-32 values of its UTF-8 bytes (double hashing), so the positions are the same in
every process and on every machine.
"""

from __future__ import annotations

import sqlite3
import zlib

__all__ = ["NameFilter", "write_name_filter"]

#: size of the filter in bits (a power of two: 1 MiB), and bits set per name
BITS = 1 << 23
PROBES = 6
_MASK = BITS - 1
_SEED = 0x9E3779B9

SCHEMA = "CREATE TABLE name_filter (bits INTEGER NOT NULL, probes INTEGER NOT NULL, filter BLOB NOT NULL)"


def _hashes(norm: str) -> tuple[int, int]:
    raw = norm.encode("utf-8")
    return zlib.crc32(raw), zlib.crc32(raw, _SEED) | 1


def write_name_filter(con: sqlite3.Connection) -> int:
    """Write the table ``name_filter`` from the ``names`` table of ``con``; return the rows read."""
    import numpy as np

    raw = [norm.encode("utf-8") for (norm,) in con.execute("SELECT norm FROM names")]  # repeats set the same bits
    crc = zlib.crc32
    h1 = np.fromiter((crc(b) for b in raw), dtype=np.uint64, count=len(raw))
    h2 = np.fromiter((crc(b, _SEED) for b in raw), dtype=np.uint64, count=len(raw)) | np.uint64(1)
    bits = np.zeros(BITS, dtype=bool)
    for i in range(PROBES):  # the same positions as may_hold(), in uint64 (2**23 divides 2**64)
        bits[(h1 + np.uint64(i) * h2) & np.uint64(_MASK)] = True
    con.execute(SCHEMA)
    con.execute("INSERT INTO name_filter VALUES (?,?,?)",
                (BITS, PROBES, np.packbits(bits, bitorder="little").tobytes()))
    return len(raw)


class NameFilter:
    """The filter of a gazetteer file: :meth:`may_hold` is False only for names it does not hold."""

    def __init__(self, data: bytes):
        self._data = data

    @classmethod
    def read(cls, con: sqlite3.Connection) -> NameFilter | None:
        """The file's filter, or None when it has none (built before the table existed) or a
        filter of another size."""
        try:
            row = con.execute("SELECT bits, probes, filter FROM name_filter").fetchone()
        except sqlite3.OperationalError:  # no such table
            return None
        if row is None or row[0] != BITS or row[1] != PROBES or len(row[2]) * 8 != BITS:
            return None
        return cls(bytes(row[2]))

    def may_hold(self, norm: str) -> bool:
        h1, h2 = _hashes(norm)
        data = self._data
        for i in range(PROBES):
            p = (h1 + i * h2) & _MASK
            if not data[p >> 3] >> (p & 7) & 1:
                return False
        return True
