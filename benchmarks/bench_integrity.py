"""What checking the gazetteer costs on open: PRAGMA quick_check, integrity_check, and a CRC-32 of the file.

    python3 benchmarks/bench_integrity.py        # prints seconds per check (best of 3), on the built gazetteer
"""

from __future__ import annotations

import sqlite3
import time

from geo.gazetteer import open_gazetteer
from geo.gazetteer._integrity import checksum


def best(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def pragma(path, name):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def main():
    path = open_gazetteer(progress=False).path
    print(f"gazetteer: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"PRAGMA quick_check     {best(lambda: pragma(path, 'quick_check')):.3f} s")
    print(f"PRAGMA integrity_check {best(lambda: pragma(path, 'integrity_check')):.3f} s")
    print(f"CRC-32 of the file     {best(lambda: checksum(path)):.3f} s")


if __name__ == "__main__":
    main()
