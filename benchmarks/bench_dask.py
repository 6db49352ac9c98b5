"""``geo batch`` on a loopback dask.distributed cluster of 2 worker processes against one process.

    python benchmarks/bench_dask.py                  # every document of ../shared/corpora (long on 2 cores)
    python benchmarks/bench_dask.py --per-corpus 100 # the first 100 documents of each corpus
    python benchmarks/bench_dask.py --per-corpus 150 --rounds 3  # alternated 3 times, least CPU of each

Both runs are the real command (``geo batch IN -o OUT.parquet -q``, then with ``--scheduler``) in a
child process; the cluster (a scheduler and two single-threaded worker processes, started here
with geo's recommended worker settings, see ``geo.batch.WORKER_CONFIG``) is up before the clock
starts. Beside the wall time, the CPU time of every process is summed (the command, the
scheduler, the workers). On a machine shared with other work the wall-clock speed-up says little;
what two free cores would give is projected from CPU times: the cluster's own upkeep (heartbeats,
monitors) costs CPU in proportion to the wall time, measured idle for 10 s before the run, so the
run's CPU less that upkeep over its (loaded) wall time is the geoparsing work, and on two free cores
the run would take ``work / 2 / (1 - upkeep / 2)``. The rows of both outputs are compared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from bench_batch import CORPORA, make_input  # noqa: E402  (the script's folder is on sys.path)


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def run_geo(args: list[str], others: list[psutil.Process]) -> tuple[float, float, float, list[float]]:
    """Wall s, CPU s of the command (from ``os.wait4``), CPU s the ``others`` spent meanwhile, and
    that CPU of each of them."""
    before = [_cpu([p]) for p in others]
    started = time.perf_counter()
    proc = subprocess.Popen(["geo", "batch", *args, "-q"], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"geo batch failed: {proc.stderr.read().decode().strip() if proc.stderr else ''}")
    each = [_cpu([p]) - b for p, b in zip(others, before)]
    return wall, usage.ru_utime + usage.ru_stime, sum(each), each


def run_cluster(corpus: Path, out: Path) -> tuple[tuple, float]:
    """``geo batch --scheduler`` on a fresh loopback cluster: run_geo's figures and the idle upkeep (cores)."""
    import dask
    from distributed import LocalCluster

    from geo.batch import WORKER_CONFIG

    with dask.config.set(WORKER_CONFIG), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=40) as cluster:
        # this process runs the scheduler and the nannies; the workers are its children
        others = [psutil.Process()] + [p for p in psutil.Process().children(recursive=True)
                                       if "resource_tracker" not in " ".join(p.cmdline())]
        idle = _cpu(others)
        time.sleep(10)
        upkeep = (_cpu(others) - idle) / 10  # cores the idle cluster uses
        return run_geo([str(corpus), "-o", str(out), "--scheduler", cluster.scheduler_address, "--restart"],
                       others), upkeep


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-corpus", type=int, default=0, help="documents from each corpus (default 0: all)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate the two runs this many times (a fresh cluster each time) and project from "
                         "the least CPU of each, which a changing load inflates least (default 1)")
    opts = ap.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"needs {CORPORA} (the optional folder beside the repository; see README)")
    with tempfile.TemporaryDirectory(prefix="geo-bench-dask-") as tmp:
        folder = Path(tmp)
        corpus, docs, size = make_input(folder, opts.per_corpus, corpus_ids=True)
        print(f"input: {docs:,} documents, {size / 1e6:.2f} MB; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        ones, twos = [], []
        for _ in range(max(1, opts.rounds)):
            one = run_geo([str(corpus), "-o", str(folder / "one.parquet"), "--workers", "1", "--restart"], [])
            print(f"one process:      {one[0]:7.1f} s wall, {one[1]:7.1f} s CPU  (load {os.getloadavg()[0]:.1f})")
            two, upkeep = run_cluster(corpus, folder / "dask.parquet")
            cluster_cpu = two[1] + two[2]
            work = cluster_cpu - upkeep * two[0]
            print(f"dask, 2 workers:  {two[0]:7.1f} s wall, {cluster_cpu:7.1f} s CPU  (command {two[1]:.1f}, "
                  f"scheduler, nannies and workers {two[2]:.1f} = {' + '.join(f'{c:.1f}' for c in two[3])}, "
                  f"of which upkeep {upkeep:.3f} cores x wall; load {os.getloadavg()[0]:.1f})")
            ones.append(one)
            twos.append((two[0], work, upkeep))
        one = min(ones, key=lambda r: r[1])
        wall, work, upkeep = min(twos, key=lambda r: r[1])
        print(f"speed-up: {one[0] / wall:.2f}x wall on this machine; projected on two free cores "
              f"{one[1] / (work / 2 / (1 - upkeep / 2)):.2f}x (CPU of one process {one[1]:.1f} s; of the cluster's "
              f"work {work:.1f} s{'; least of each over the rounds' if len(ones) > 1 else ''})")
        import geopandas as gpd

        same = gpd.read_parquet(folder / "dask.parquet").equals(gpd.read_parquet(folder / "one.parquet"))
        print(f"rows identical: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
