"""Cold start: ``geo map ARTICLE -o OUT.html`` and ``geo places ARTICLE -f csv``, each a new process.

    python benchmarks/bench_cold.py                 # the seed article (../shared/seed/article.txt), 5 runs
    python benchmarks/bench_cold.py -n 9 ARTICLE    # another article, 9 runs

Each run is the real command in a child process (the gazetteer already built: a first run builds it
and is not counted). ``geo map`` runs twice: as it is (its renderer forked when a core is spare, see
``geo/cli/_prefork.py``) and with ``GEO_FORK=0`` (all in one process); the CPU time of a forked run
counts both processes. Printed: the median and the range of the wall time and of the child's CPU time
(user + system, from ``os.wait4``), and the load average before and after, since on a shared
machine the wall time says more about the neighbours than about geo; the CPU time is what a quiet
machine would see as wall time, give or take the disk. ``geo`` is the console script beside this
interpreter (``sys.executable``), not whatever ``geo`` is first on ``PATH``.

geo's modules are compiled to bytecode first (``compileall``, into ``geo/**/__pycache__``), as Python
caches them on a user's machine after the first run (and ``pip install`` does at once): with
``PYTHONDONTWRITEBYTECODE`` set, as in some sandboxes, an editable install would otherwise compile
every module again on every run. ``--no-compile`` leaves them as they are (the line printed says
whether the bytecode is there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_pipeline import geo_command, python_speed

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"
PACKAGE = Path(__file__).resolve().parents[1] / "geo"


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``cmd`` in a child process (``GEO_FORK=0 geo …``: with that variable)."""
    env = dict(os.environ)
    while "=" in cmd[0]:
        name, _, value = cmd[0].partition("=")
        env[name] = value
        cmd = cmd[1:]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode().strip() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def bytecode(compile_first: bool) -> str:
    """Compile geo's modules when asked; say how many of them have their bytecode cached."""
    import compileall
    import importlib.util

    if compile_first:
        compileall.compile_dir(str(PACKAGE), quiet=1)
    modules = list(PACKAGE.rglob("*.py"))
    cached = sum(Path(importlib.util.cache_from_source(str(m))).is_file() for m in modules)
    return f"bytecode of geo's modules: {cached} of {len(modules)} cached" + (" (compiled first)" if compile_first else "")


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("article", nargs="?", default=str(SEED), help="the article (default: the seed)")
    ap.add_argument("-n", "--runs", type=int, default=5, help="runs of each command (default 5)")
    ap.add_argument("--no-compile", action="store_true", help="do not compile geo's modules to bytecode first")
    opts = ap.parse_args()
    if not Path(opts.article).is_file():
        sys.exit(f"no article at {opts.article} (the seed lives in ../shared, beside the repository; see README)")
    geo = geo_command()  # (bench_pipeline's: the script beside this interpreter, not a shim on PATH)
    with tempfile.TemporaryDirectory(prefix="geo-bench-cold-") as tmp:
        out = Path(tmp) / "map.html"
        commands = {
            "geo map ARTICLE -o OUT.html": [*geo, "map", opts.article, "-o", str(out), "-q", "--no-sidecar"],
            "  the same, GEO_FORK=0": ["GEO_FORK=0", *geo, "map", opts.article, "-o", str(out), "-q",
                                       "--no-sidecar"],
            "geo places ARTICLE -f csv": [*geo, "places", opts.article, "-f", "csv", "-q", "--no-sidecar"],
        }
        print(bytecode(not opts.no_compile))
        run(commands["geo places ARTICLE -f csv"])  # the gazetteer exists after this one
        print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start; "
              f"{opts.runs} runs each, interleaved; {python_speed()}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(opts.runs):
            for name, cmd in commands.items():
                times[name].append(run(cmd))
        for name, runs in times.items():
            print(f"{name:<30} wall {_summary([w for w, _ in runs])}   CPU {_summary([c for _, c in runs])}")
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
