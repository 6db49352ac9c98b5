"""Pipeline benchmark: gazetteer build, cold `geo map` / `geo places`, geoparsing throughput, peak memory.

    python benchmarks/bench_pipeline.py [--corpus PATH] [--limit N] [--skip-build]
                                        [--runs 3] [--repeat 2] [--batch-size 32]

(a) Gazetteer: ``geo.gazetteer._build.build`` into a temporary directory, in a child process;
    its time and file size. With ``--skip-build`` the user's gazetteer is used as it is (built
    first if it is missing, untimed).
(b) Cold CLI: wall time of ``geo map`` (and ``geo places -f geojson``) on the seed article
    (``../shared/seed/article.txt``), each run a new process, the gazetteer already built;
    median of ``--runs``, with the CPU time (user + sys) of each process next to it, which other
    load on the machine disturbs less than the wall time. Target (issue 2): ``geo map`` under 4 s.
(c) Throughput, in KB (1,000 bytes of UTF-8 text) per second, on the LGL corpus (JSON lines with
    "id" and "text"), single process, models loaded and warmed up (on a text of
    this script's own) before timing, best of
    ``--repeat`` passes interleaved round by round, the same batch size everywhere:
      * geo: ``Geoparser.pipe`` (recognition and resolution, places out);
      * spaCy's default pipeline of the same model (``spacy.load(name)``, every component);
      * spaCy's NER-only pipeline (tok2vec + ner);
      * spaCy's ner component alone (in this model ner embeds its own tok2vec, so the shared
        tok2vec above feeds nothing: this is the strictest baseline).
    Each is given per second of wall time and per second of the process's CPU time; the CPU figure is
    what one free core gives and moves much less when other work shares the machine.
    Target (issue 2): geo at least 80% of spaCy's NER throughput.
(d) Peak memory: ``ru_maxrss`` of this process (during the geo pass, and at the end with the
    baselines loaded too) and of each child process.

The machine has 2 cores; the load average is printed at the start and the end, since other work
on the machine skews the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "article.txt"
DEFAULT_CORPUS = SHARED / "corpora" / "lgl.jsonl"

sys.path.insert(0, str(REPO))

_BUILD_CHILD = """
import json, sys, time
from pathlib import Path
from geo.gazetteer._build import build
t = time.perf_counter()
build(Path(sys.argv[1]), progress=False)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


# -- helpers ------------------------------------------------------------------------------------
def run_child(cmd: list[str], env: dict | None = None) -> tuple[float, int, int, str, str, float]:
    """Run ``cmd``; return (wall seconds, exit code, peak RSS in KiB, stdout, stderr, CPU seconds)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (wall, proc.returncode, usage.ru_maxrss, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), usage.ru_utime + usage.ru_stime)


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def geo_command() -> list[str]:
    """The ``geo`` console script of this interpreter (not a pyenv shim), else ``python -m geo``."""
    script = Path(sys.executable).parent / "geo"
    return [str(script)] if script.exists() else [sys.executable, "-m", "geo"]


def model_name() -> str:
    """The spaCy package geo loads (:func:`geo.recognize.model_name`: ``GEO_MODEL`` or the default)."""
    from geo.errors import GeoError
    from geo.recognize import model_name as geo_model_name

    try:
        return geo_model_name()
    except GeoError as exc:
        raise SystemExit(f"bench_pipeline: {exc}") from None


def load_corpus(path: Path, limit: int | None) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
                if limit and len(texts) >= limit:
                    break
    return texts


def rows_table(title: str, header: tuple[str, ...], rows: list[tuple]) -> str:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    left = {i for i, h in enumerate(header) if h in ("measure", "command", "pipeline", "components", "process")}
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [title, line]
    for k, r in enumerate(cells):
        out.append("| " + " | ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |")
        if k == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)


# -- (a) gazetteer build --------------------------------------------------------------------------
def bench_build(tmp: Path) -> tuple[Path, list[tuple]]:
    path = tmp / "gazetteer.sqlite"
    wall, rc, rss, out, err, _cpu = run_child([sys.executable, "-c", _BUILD_CHILD, str(path)])
    if rc != 0:
        raise SystemExit(f"bench_pipeline: gazetteer build failed (exit {rc}): {err.strip().splitlines()[-1:]}")
    seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
    size = path.stat().st_size
    return path, [("gazetteer build (build() only)", f"{seconds:.1f} s"),
                  ("gazetteer build (whole child process)", f"{wall:.1f} s"),
                  ("gazetteer file size", f"{size / 1e6:.1f} MB"),
                  ("gazetteer build peak RSS", mib(rss))]


def existing_gazetteer() -> tuple[Path, list[tuple]]:
    from geo.gazetteer import open_gazetteer

    gaz = open_gazetteer(progress=False)  # builds it when missing; not timed
    path = Path(gaz.path) if hasattr(gaz, "path") else None
    if path is None:
        from geo.gazetteer import default_path

        path = default_path()
    gaz.close()
    return path, [("gazetteer build", "skipped (--skip-build)"),
                  ("gazetteer file size", f"{path.stat().st_size / 1e6:.1f} MB")]


# -- (b) cold CLI -----------------------------------------------------------------------------------
def bench_cli(gazetteer: Path, runs: int, tmp: Path) -> list[tuple]:
    if not SEED.is_file():
        return [("cold CLI", f"skipped: no seed article at {SEED}", "", "", "", "")]
    env = dict(os.environ, GEO_GAZETTEER=str(gazetteer))
    env.pop("GEO_PROGRESS", None)
    geo = geo_command()
    cases = [("geo places -f geojson", geo + ["places", str(SEED), "-f", "geojson", "-o", str(tmp / "seed.geojson"), "-q"])]
    if importlib.util.find_spec("geo.render") is not None:
        cases.insert(0, ("geo map", geo + ["map", str(SEED), "-o", str(tmp / "seed.html"), "-q"]))
    else:
        cases.insert(0, ("geo map", None))
    rows = []
    for label, cmd in cases:
        if cmd is None:
            rows.append((label, "n/a (geo.render missing)", "", "", "", ""))
            continue
        walls, cpus, peaks = [], [], []
        for _ in range(runs):
            wall, rc, rss, _out, err, cpu = run_child(cmd, env)
            if rc != 0:
                last = (err.strip().splitlines() or ["?"])[-1]
                rows.append((label, f"failed (exit {rc}): {last[:80]}", "", "", "", ""))
                break
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(rss)
        else:
            rows.append((label, f"{statistics.median(walls):.2f} s", f"{min(walls):.2f} s", f"{max(walls):.2f} s",
                         f"{statistics.median(cpus):.2f} s", mib(max(peaks))))
    return rows


# -- (c) throughput ---------------------------------------------------------------------------------
#: warm-up text (written for this benchmark, not from the corpus): no corpus answer is cached before timing
WARMUP = ("Officials in Nairobi said trucks from the port of Mombasa reached Kampala, Uganda, on Monday, "
          "two days after leaving the Kenyan coast. ") * 4


def timed_pass(make_run, texts: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one pass over ``texts`` by a fresh runner from ``make_run()``, warmed up on
    :data:`WARMUP` first (model loading and lazy tables excluded, per-name caches empty)."""
    run = make_run()
    run([WARMUP] * 8)
    t, c = time.perf_counter(), time.process_time()
    run(texts)
    return time.perf_counter() - t, time.process_time() - c


def bench_throughput(gazetteer: Path, texts: list[str], repeat: int, batch: int) -> tuple[list[tuple], dict]:
    import spacy

    from geo.pipeline import Geoparser

    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    name = model_name()
    memory: dict[str, int] = {}

    nlp = Geoparser(gazetteer=gazetteer, progress=False).nlp  # loaded once, shared by every geo pass
    places = [0]

    def geo_runner():
        gp = Geoparser(gazetteer=gazetteer, nlp=nlp, progress=False)  # fresh gazetteer caches

        def run(ts):
            places[0] = sum(len(p) for p in gp.pipe(ts, batch_size=batch))
        return run

    def spacy_runner(pipeline):
        def make():
            def run(ts):
                for _doc in pipeline.pipe(ts, batch_size=batch):
                    pass
            return run
        return make

    # The first geo pass runs before any baseline is loaded, for its memory figure.
    first_geo = timed_pass(geo_runner, texts)
    memory["geo"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    full = spacy.load(name)
    ner = spacy.load(name, exclude=[p for p in full.component_names if p not in ("tok2vec", "ner")])
    bare = spacy.load(name, exclude=[p for p in full.component_names if p != "ner"])
    cases = [("geo Geoparser.pipe", nlp, geo_runner),
             ("spaCy default pipeline", full, spacy_runner(full)),
             ("spaCy NER-only", ner, spacy_runner(ner)),
             ("spaCy ner alone", bare, spacy_runner(bare))]
    # Passes interleaved round by round, so that a change in the machine's load hits every pipeline alike.
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in cases}
    times["geo Geoparser.pipe"].append(first_geo)
    for r in range(repeat):
        for label, _, make in cases:
            if r == 0 and label.startswith("geo"):
                continue
            times[label].append(timed_pass(make, texts))
    memory["end"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = [(label, "+".join(pipeline.pipe_names), min(w for w, _ in times[label]), min(c for _, c in times[label]))
               for label, pipeline, _ in cases]

    geo_wall, geo_cpu = kb / results[0][2], kb / results[0][3]
    rows = []
    for label, pipes, wall, cpu in results:
        mine = label.startswith("geo")
        rows.append((label, pipes, f"{wall:.1f} s", f"{cpu:.1f} s", f"{kb / wall:,.1f}", f"{kb / cpu:,.1f}",
                     "" if mine else f"{geo_wall / (kb / wall):.0%}", "" if mine else f"{geo_cpu / (kb / cpu):.0%}"))
    info = {"model": name, "docs": len(texts), "kb": kb, "places": places[0]}
    return rows, {"memory": memory, **info}


# -- main ---------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON lines with a 'text' field (default: LGL)")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="use the first N documents only")
    ap.add_argument("--skip-build", action="store_true", help="do not time a gazetteer build; use the user's gazetteer")
    ap.add_argument("--runs", type=int, default=3, help="cold CLI runs per command (median reported; default 3)")
    ap.add_argument("--repeat", type=int, default=2, help="timed throughput passes per pipeline (best kept; default 2)")
    ap.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size for every pipeline (default 32)")
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        print(f"bench_pipeline: no corpus at {args.corpus}", file=sys.stderr)
        return 1

    load0 = os.getloadavg()
    print(f"bench_pipeline: {os.cpu_count()} CPUs, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"Python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as d:
        tmp = Path(d)
        if args.skip_build:
            gazetteer, build_rows = existing_gazetteer()
        else:
            gazetteer, build_rows = bench_build(tmp)
        print(rows_table("\n(a) gazetteer", ("measure", "value"), build_rows), flush=True)

        cli_rows = bench_cli(gazetteer, args.runs, tmp)
        print(rows_table(f"\n(b) cold CLI on the seed article, gazetteer built, {args.runs} runs each",
                         ("command", "median", "min", "max", "CPU (median)", "peak RSS"), cli_rows)
              + "\n    wall times; CPU = user + sys of the process. Target: geo map under 4 s wall", flush=True)

        texts = load_corpus(args.corpus, args.limit)
        tp_rows, info = bench_throughput(gazetteer, texts, args.repeat, args.batch_size)
    print(rows_table(f"\n(c) throughput on {args.corpus.name}: {info['docs']} docs, {info['kb']:,.0f} KB, "
                     f"model {info['model']}, batch {args.batch_size}, best of {args.repeat} passes",
                     ("pipeline", "components", "wall", "CPU", "KB/s wall", "KB/s CPU", "geo/this wall",
                      "geo/this CPU"), tp_rows)
          + f"\n    KB/s CPU = KB per second of process CPU time (what one free core gives; steadier under load)."
          f"\n    geo found {info['places']:,} places; target: geo at least 80% of spaCy's NER throughput", flush=True)

    mem = info["memory"]
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(rows_table("\n(d) peak memory (ru_maxrss)", ("process", "peak RSS"), [
        ("benchmark process after the geo pass", mib(mem["geo"])),
        ("benchmark process at the end (3 baselines loaded too)", mib(mem["end"])),
        ("largest child process (build / CLI runs)", mib(children)),
    ]))
    load1 = os.getloadavg()
    print(f"\nload average at the end: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
