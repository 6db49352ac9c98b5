"""Long articles: time and peak memory of ``geo places`` on texts of 100 KB, 300 KB and 1 MB.

    python benchmarks/bench_long.py                    # 100 KB, 300 KB, 1 MB (GeoVirus and LGL texts joined)
    python benchmarks/bench_long.py --sizes 100 300    # sizes in KB

The texts are made at run time by joining the development corpora's articles (../shared/corpora,
paragraphs separated by blank lines) up to each size, written to a temporary folder and deleted
afterwards. Each size runs the real command (``geo places FILE -f csv -o OUT -q``) in a child
process; its wall time, CPU time (user + system) and peak resident memory come from ``os.wait4``.
A run of the seed-sized text first measures the start-up, so that the per-KB rate beside the
total shows whether time grows linearly with the size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
_LIMIT = 999_000  # characters: under geo's limit of 1,000,000 for one text


def make_text(size_kb: int) -> str:
    """Corpus articles joined by blank lines up to ``size_kb`` KB (1 KB = 1000 characters)."""
    want = min(size_kb * 1000, _LIMIT)
    parts: list[str] = []
    total = 0
    while total < want:
        for corpus in ("geovirus.jsonl", "lgl.jsonl"):
            with open(CORPORA / corpus, encoding="utf-8") as f:
                for line in f:
                    text = json.loads(line)["text"].strip()
                    parts.append(text)
                    total += len(text) + 2
                    if total >= want:
                        return "\n\n".join(parts)[:want]
    return "\n\n".join(parts)[:want]


def run(path: Path, out: Path) -> tuple[float, float, int, int]:
    """Wall s, CPU s and peak RSS (bytes) of ``geo places`` on ``path``; rows written."""
    started = time.perf_counter()
    proc = subprocess.Popen(["geo", "places", str(path), "-f", "csv", "-o", str(out), "-q"],
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"geo places failed on {path.name}: {err.strip()}")
    rows = sum(1 for _ in open(out, encoding="utf-8")) - 1
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000], help="sizes in KB (default 100 300 1000)")
    opts = ap.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"needs {CORPORA} (the optional folder beside the repository; see README)")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory(prefix="geo-bench-long-") as tmp:
        folder = Path(tmp)
        small = folder / "small.txt"
        small.write_text(make_text(3), encoding="utf-8")
        base_wall, base_cpu, base_rss, _ = run(small, folder / "small.csv")
        print(f"start-up (a 3 KB text): {base_wall:.1f} s wall, {base_cpu:.1f} s CPU, {base_rss / 2**20:,.0f} MB peak")
        print(f"{'size':>8} {'wall s':>7} {'CPU s':>7} {'CPU ms/KB*':>10} {'peak MB':>8} {'places':>7} {'load':>5}")
        for kb in opts.sizes:
            path = folder / f"long-{kb}.txt"
            text = make_text(kb)
            path.write_text(text, encoding="utf-8")
            wall, cpu, rss, rows = run(path, folder / f"long-{kb}.csv")
            per_kb = (cpu - base_cpu) / (len(text) / 1000) * 1000
            print(f"{len(text) / 1000:7.0f}K {wall:7.1f} {cpu:7.1f} {per_kb:10.1f} {rss / 2**20:8,.0f} {rows:7,} "
                  f"{os.getloadavg()[0]:5.1f}")
    print("* CPU time beyond the start-up's, per 1000 characters: flat when time is linear in the size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
