"""Benchmark ``geo batch`` on ../shared/corpora/: documents per second and peak memory per worker for
one and two local workers and a loopback dask.distributed cluster (two worker processes, started
with ``geo.batch.WORKER_CONFIG``), and the projected time and cost of one million articles.

    python benchmarks/bench_batch.py                  # the first 60 documents of each corpus
    python benchmarks/bench_batch.py --per-corpus 0   # every document (~12 MB; long on 2 cores)
    python benchmarks/bench_batch.py --wiktor-map     # also: the corpus map of all of wiktor.jsonl,
                                                      # timed in headless Chromium

Each configuration runs the real command (``geo batch … -o OUT.parquet``) in a subprocess; memory is
the peak resident set of each process, sampled every 0.1 s with psutil. The rate is given twice: over
the whole run, and without the start-up (model and gazetteer loading, measured by a one-document run),
which is what a long batch sees. Outputs of all configurations are compared row for row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def make_input(folder: Path, per_corpus: int, *, corpus_ids: bool = False) -> tuple[Path, int, int]:
    """A JSON Lines file with the first ``per_corpus`` documents of each corpus (0: all); with
    ``corpus_ids`` each id is prefixed by its corpus ("lgl:12"), so ids stay unique across corpora."""
    out = folder / "bench.jsonl"
    docs = size = 0
    with open(out, "w", encoding="utf-8") as f:
        for corpus in sorted(CORPORA.glob("*.jsonl")):
            with open(corpus, encoding="utf-8") as src:
                for i, line in enumerate(src):
                    if per_corpus and i >= per_corpus:
                        break
                    d = json.loads(line)
                    doc_id = f"{corpus.stem}:{d['id']}" if corpus_ids else d["id"]
                    f.write(json.dumps({"id": doc_id, "text": d["text"]}, ensure_ascii=False) + "\n")
                    docs += 1
                    size += len(d["text"].encode("utf-8"))
    return out, docs, size


class PeakMemory:
    """Peak RSS of each process under the given roots, sampled in a thread."""

    def __init__(self, roots):
        self.roots = [psutil.Process(r) for r in roots]
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for root in self.roots:
                try:
                    procs = [root] + root.children(recursive=True)
                except psutil.NoSuchProcess:
                    continue
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                        name = " ".join(p.cmdline())[:300]
                    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                        continue
                    if rss > self.peaks.get(p.pid, ("", 0))[1]:
                        self.peaks[p.pid] = (name, rss)
            time.sleep(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_geo(args: list[str], watch_extra=()) -> tuple[float, dict, int]:
    started = time.monotonic()
    proc = subprocess.Popen(["geo", "batch", *args, "-q"], stderr=subprocess.PIPE, text=True)
    with PeakMemory([proc.pid, *watch_extra]) as mem:
        _, err = proc.communicate()
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"geo batch failed: {err.strip()}")
    return seconds, mem.peaks, proc.pid


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-corpus", type=int, default=60, help="documents from each corpus (0: all; default 60)")
    ap.add_argument("--price", type=float, default=0.04,
                    help="price of one vCPU-hour in USD for the projection (default 0.04, a typical on-demand "
                         "cloud price for general-purpose instances)")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--wiktor-map", action="store_true",
                    help="geo batch all of wiktor.jsonl (--workers 2), then time geo map --from and the page in Chromium")
    opts = ap.parse_args()
    if opts.wiktor_map:
        return wiktor_map()

    with tempfile.TemporaryDirectory(prefix="geo-bench-batch-") as tmp:
        tmp = Path(tmp)
        corpus, docs, size = make_input(tmp, opts.per_corpus)
        print(f"input: {docs:,} documents, {size / 1e6:.2f} MB of text from {CORPORA} "
              f"({'all' if not opts.per_corpus else f'first {opts.per_corpus} of each corpus'}); "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        # warm the gazetteer cache (built once per machine) and measure start-up with one document
        run_geo([str(corpus), "-o", str(tmp / "one.parquet"), "--limit", "1"])
        startup, _, _ = run_geo([str(corpus), "-o", str(tmp / "one.parquet"), "--limit", "1", "--restart"])
        print(f"start-up (model + gazetteer, one document): {startup:.1f} s")

        results = []
        for workers in (1, 2):
            out = tmp / f"w{workers}.parquet"
            seconds, peaks, main_pid = run_geo([str(corpus), "-o", str(out), "--workers", str(workers)])
            worker_peaks = [rss for pid, (_name, rss) in peaks.items() if pid != main_pid] or [peaks[main_pid][1]]
            results.append((f"local, --workers {workers}", workers, seconds, peaks[main_pid][1], max(worker_peaks), out))

        if not opts.skip_dask:
            import dask
            from distributed import LocalCluster

            from geo.batch import WORKER_CONFIG

            # geo's recommended worker settings, as bench_dask.py and README start a cluster
            with dask.config.set(WORKER_CONFIG), LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=40) as cluster:
                out = tmp / "dask.parquet"
                me = os.getpid()
                seconds, peaks, client_pid = run_geo([str(corpus), "-o", str(out), "--scheduler",
                                                      cluster.scheduler_address], watch_extra=[me])
                client_rss = peaks[client_pid][1]
                # the cluster's worker processes: children of this process started by multiprocessing
                workers_rss = [rss for pid, (name, rss) in peaks.items() if "spawn_main" in name]
                results.append(("dask loopback, 2 workers", 2, seconds, client_rss, max(workers_rss or [0]), out))

        import geopandas as gpd

        base = gpd.read_parquet(results[0][5])
        print()
        print(f"{'configuration':<26} {'wall s':>7} {'docs/s':>7} {'docs/s*':>8} {'KB/s*':>7} {'speed-up*':>9} "
              f"{'main RSS':>9} {'RSS/worker':>10}  same rows")
        rate1 = None
        for name, _workers, seconds, main_rss, worker_rss, out in results:
            steady = docs / max(seconds - startup, 1e-6)
            rate1 = rate1 or steady
            same = gpd.read_parquet(out).equals(base)
            print(f"{name:<26} {seconds:7.1f} {docs / seconds:7.2f} {steady:8.2f} {steady * size / docs / 1e3:7.1f} "
                  f"{steady / rate1:8.2f}x {mb(main_rss):>9} {mb(worker_rss):>10}  {'yes' if same else 'NO'}")
        print("* without the start-up time")
        print()
        mean_kb = size / docs / 1e3
        print(f"projection for 1,000,000 articles of {mean_kb:.1f} KB (this input's mean), "
              f"at ${opts.price:.3f} per vCPU-hour:")
        for name, workers, seconds, _m, worker_rss, _out in results:
            steady = docs / max(seconds - startup, 1e-6)
            hours = 1e6 / steady / 3600
            cpu_hours = hours * workers
            print(f"  {name:<26} {hours:7.1f} h on this machine, {cpu_hours:7.1f} vCPU-h, "
                  f"~${cpu_hours * opts.price:,.2f}; memory {mb(worker_rss)} per worker")
        best = max((docs / max(s - startup, 1e-6)) / w for _n, w, s, *_ in results)
        for cores in (16, 64):
            print(f"  a {cores}-worker dask cluster at {best:.2f} docs/s per worker: "
                  f"{1e6 / (best * cores) / 3600:.1f} h, ~${1e6 / best / 3600 * opts.price:,.2f}")
    return 0


def wiktor_map() -> int:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with tempfile.TemporaryDirectory(prefix="geo-bench-wiktor-") as tmp:
        tmp = Path(tmp)
        places, page_path = tmp / "wiktor.parquet", tmp / "wiktor.html"
        seconds, peaks, _ = run_geo([str(CORPORA / "wiktor.jsonl"), "-o", str(places), "--workers", "2"])
        print(f"geo batch wiktor.jsonl --workers 2: {seconds:.1f} s")
        started = time.monotonic()
        subprocess.run(["geo", "map", "--from", str(places), "-o", str(page_path)], check=True)
        print(f"geo map --from: {time.monotonic() - started:.1f} s, {page_path.stat().st_size / 1e6:.1f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            for attempt in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                           else r.abort())
                started = time.monotonic()
                page.goto(page_path.as_uri())
                page.wait_for_function("window.geoCorpus && window.geoCorpus.ready", timeout=60_000)
                print(f"open {attempt + 1}: page ready in {time.monotonic() - started:.2f} s, "
                      f"{page.evaluate('window.geoCorpus.shown'):,} places drawn")
                page.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
