"""Benchmark: `geo gazetteer import` of a synthetic 2-million-row GeoNames dump.

The dump is written in the real format (the ``geoname`` table: 19 tab-separated columns, zipped
like allCountries.zip) with a realistic mix: most rows without alternate names, some with a
handful, a few with dozens in several scripts. The import runs as a separate ``geo`` process;
its peak resident memory is read from the kernel (``ru_maxrss`` of the child).

    python3 benchmarks/bench_import.py [--rows 2000000] [--keep DIR]

Target: peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SYLLABLES = ["al", "ba", "ghu", "dar", "kar", "ma", "na", "ri", "sa", "ta", "zu", "qa", "mi", "lo", "ven", "ber",
             "sk", "ov", "ka", "ta", "ham", "dor", "el", "in", "os", "ur", "yan", "gor", "pol", "shi"]
CLASSES = [("P", "PPL", 0.45), ("H", "STM", 0.15), ("T", "HLL", 0.12), ("S", "FRM", 0.08), ("L", "LCTY", 0.06),
           ("A", "ADM3", 0.05), ("V", "FRST", 0.03), ("R", "RD", 0.02), ("U", "SMU", 0.01), ("S", "CMP", 0.03)]
COUNTRIES = ["SY", "IQ", "US", "GB", "FR", "DE", "IN", "CN", "BR", "NG", "RU", "TR", "IR", "EG", "ID"]


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))).capitalize()
    return word if rng.random() < 0.7 else f"{word} {''.join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()}"


def write_dump(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    weights = [w for *_, w in CLASSES]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("allCountries.txt", "w", force_zip64=True) as f:
            buf = []
            for i in range(rows):
                fcl, fcode, _ = rng.choices(CLASSES, weights)[0]
                name = _name(rng)
                r = rng.random()
                if r < 0.7:
                    alts = ""
                elif r < 0.97:
                    alts = ",".join(_name(rng) for _ in range(rng.randint(1, 6)))
                else:  # big places: many names in many scripts
                    alts = ",".join([_name(rng) for _ in range(rng.randint(10, 40))] + ["Мосва", "城市", "مدينة"])
                # about a third of GeoNames' names carry diacritics (their asciiname does not)
                full = name.replace("a", "\u0101", 1).replace("u", "\u00fc", 1) if rng.random() < 0.35 else name
                cols = [str(1_000_000 + i), full, name, alts, f"{rng.uniform(-89, 89):.5f}",
                        f"{rng.uniform(-179, 179):.5f}", fcl, fcode, rng.choice(COUNTRIES), "",
                        f"{rng.randint(1, 20):02d}", "", "", "", str(rng.choice([0, 0, 0, 120, 5400, 80000])), "",
                        str(rng.randint(0, 3000)), "Europe/Paris", "2024-01-01"]
                buf.append("\t".join(cols))
                if len(buf) >= 50_000:
                    f.write(("\n".join(buf) + "\n").encode())
                    buf.clear()
            if buf:
                f.write(("\n".join(buf) + "\n").encode())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--keep", metavar="DIR", default=None, help="work in DIR and keep the files")
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="geo-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        dump = work / "allCountries.zip"
        t0 = time.perf_counter()
        if not dump.exists():
            write_dump(dump, args.rows)
        uncompressed = zipfile.ZipFile(dump).getinfo("allCountries.txt").file_size
        print(f"synthetic dump: {args.rows:,} rows, {dump.stat().st_size / 1e6:.0f} MB zipped, "
              f"{uncompressed / 1e6:.0f} MB of text ({time.perf_counter() - t0:.1f} s to write)")

        env = dict(os.environ, GEO_GAZETTEER=str(work / "gazetteer-v0.sqlite"), GEO_CACHE_DIR=str(work / "cache"))
        env.pop("GEO_PROGRESS", None)
        geo = shutil.which("geo") or str(Path(sys.executable).parent / "geo")
        t0 = time.perf_counter()
        proc = subprocess.run([geo, "gazetteer", "import", str(dump)], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024  # Linux: KiB
        cpu = usage.ru_utime + usage.ru_stime
        overlay = work / "gazetteer.imports" / "allCountries.sqlite"
        print(f"import:         {seconds:.1f} s wall, {args.rows / seconds:,.0f} rows/s, "
              f"{uncompressed / seconds / 1e6:.1f} MB/s of dump text")
        print(f"cpu time:       {cpu:.1f} s ({args.rows / cpu:,.0f} rows per CPU second; wall time also counts "
              f"waiting for a busy machine: load average {os.getloadavg()[0]:.1f})")
        print(f"peak memory:    {peak_mb:,.0f} MB (target < 1,024 MB) {'OK' if peak_mb < 1024 else 'OVER'}")
        print(f"overlay file:   {overlay.stat().st_size / 1e6:,.0f} MB")
        from geo.gazetteer._import import Imports

        imports = Imports(overlay.parent)
        con = sqlite3.connect(overlay)
        names = [r[0] for r in con.execute("SELECT norm FROM names ORDER BY random() LIMIT 2000")]
        con.close()
        t0 = time.perf_counter()
        matches = sum(len(imports.lookup(n)) for n in names)
        print(f"look-ups:       {(time.perf_counter() - t0) / len(names) * 1e6:.0f} µs per name "
              f"({matches / len(names):.1f} entries per name on average)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
