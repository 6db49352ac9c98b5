"""Throughput of geo next to spaCy's ``ner`` component alone, per CPU-second (issue 16), and optionally
the gazetteer build and the cold CLI.

    python benchmarks/bench_pipeline.py [--corpus PATH[:N]]... [--rounds 3] [--batch-size 32] [--chunk 32]
                                        [--build] [--cli [--runs 3]]

Throughput (always): for each corpus (default: the first 200 documents of LGL and the whole of
GeoVirus from ``../shared/corpora``; ``PATH:N`` takes the first N documents of PATH), in this one
process, one untimed pass of each pipeline (the process's memory and the files it reads warmed alike),
then ``--rounds`` interleaved rounds; each round times, in process CPU time (``time.process_time``),
one pass of each pipeline over the same texts, the two taking turns every ``--chunk`` documents
(default 32, one batch; ``0``: whole passes in alternating order), so that a change of the load of
the machine falls on both alike:

  * geo: ``Geoparser.pipe`` (recognition, candidates, resolution: places out) by a **fresh**
    ``Geoparser`` made for the pass, sharing the loaded spaCy model, so no name of the corpus is in
    its caches when the clock starts (it is warmed up on a short text of this script's own first;
    what geo shares between the Geoparsers of a process by name, the feature index and its answers,
    is emptied too; the whole tables of the gazetteer file that a process reads once, like the model
    (``geo.gazetteer._shared``: the name filter, the demonyms, the divisions' codes and qualified
    names, the features' names), are kept: no answer for a name of the corpus is in them);
  * spaCy's ``ner`` component alone: ``nlp.pipe`` of the same spaCy package with only what ``ner``
    needs (``ner``, plus ``tok2vec`` when ``ner`` listens to it; in the small English model ``ner``
    carries its own token-to-vector layer), same batch size.

It prints KB (1,000 bytes of UTF-8 text) per CPU-second of each, per round, and the ratio geo / ner:
per round (the paired figure, least disturbed by other load), the median of those, and best / best.
Target (issue 16): geo >= 0.90x ner alone on both corpora.

``--build`` also times a gazetteer build into a temporary directory (a child process); ``--cli``
the cold ``geo map`` and ``geo places`` of the seed article (``../shared/seed/article.txt``), each
run a new process, median of ``--runs`` (``benchmarks/bench_cold.py`` is the cold-start benchmark).
The load average is printed at the start and the end: other work on the machine skews every figure, and so
does the machine's speed at Python itself, printed at the start (:func:`python_speed`).
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
DEFAULT_CORPORA = (f"{SHARED / 'corpora' / 'lgl.jsonl'}:200", str(SHARED / "corpora" / "geovirus.jsonl"))

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


def python_speed() -> str:
    """How fast this machine runs Python itself: the best of five ``sum(range(10**6))``, in ms. geo's own
    work is Python and the model's is mostly compiled code, so a machine slow at Python (a slow core, an
    interpreter built without PGO) shows a lower geo / ner ratio and a slower cold start than a fast one:
    quote this figure beside theirs."""
    import timeit

    best = min(timeit.repeat("sum(range(10**6))", number=1, repeat=5))
    return f"Python speed: sum(range(10**6)) in {best * 1000:.1f} ms (best of 5)"


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


# -- gazetteer build --------------------------------------------------------------------------
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
    return path, [("gazetteer build", "the user's (not timed)"),
                  ("gazetteer file size", f"{path.stat().st_size / 1e6:.1f} MB")]


# -- cold CLI -----------------------------------------------------------------------------------
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


# -- throughput ---------------------------------------------------------------------------------
#: warm-up text (written for this benchmark, not from the corpus): no corpus answer is cached before timing
WARMUP = ("Officials in Nairobi said trucks from the port of Mombasa reached Kampala, Uganda, on Monday, "
          "two days after leaving the Kenyan coast. ") * 4


def ner_alone(name: str):
    """The spaCy package ``name`` with only what its ``ner`` needs: ``ner``, and ``tok2vec`` when ``ner``
    listens to it."""
    import spacy

    full = spacy.load(name)
    keep = {"ner"}
    if "tok2vec" in full.pipe_names and "ner" in full.get_pipe("tok2vec").listening_components:
        keep.add("tok2vec")
    return spacy.load(name, exclude=[p for p in full.component_names if p not in keep])


def forget_shared_caches() -> None:
    """Empty what geo keeps for the whole process rather than per Geoparser: the feature index of a
    gazetteer file (and its answers by name), shared by every Geoparser of the file, and the
    remembered look-up keys of names (``geo._text.name_key``)."""
    from geo import _text
    from geo.gazetteer import _features

    _text.name_key.cache_clear()
    with _features._INDEX_LOCK:
        for index in _features._INDEXES.values():
            index.close()
        _features._INDEXES.clear()


def fresh_geoparser(gazetteer: Path, nlp, batch: int):
    """A fresh Geoparser sharing ``nlp``, warmed up on :data:`WARMUP` (no answer of an earlier pass kept)."""
    from geo.pipeline import Geoparser

    forget_shared_caches()
    gp = Geoparser(gazetteer=gazetteer, nlp=nlp, progress=False)
    list(gp.pipe([WARMUP] * 8, batch_size=batch))
    return gp


def geo_part(gp, texts: list[str], batch: int) -> tuple[float, int]:
    """CPU seconds of ``gp.pipe`` over ``texts``, and the places it found."""
    c = time.process_time()
    places = sum(len(p) for p in gp.pipe(texts, batch_size=batch))
    return time.process_time() - c, places


def ner_part(nlp, texts: list[str], batch: int) -> float:
    """CPU seconds of one ``nlp.pipe`` over ``texts``."""
    c = time.process_time()
    for _doc in nlp.pipe(texts, batch_size=batch):
        pass
    return time.process_time() - c


def bench_corpus(gazetteer: Path, nlp, ner, texts: list[str], rounds: int, batch: int, chunk: int) -> dict:
    """``rounds`` rounds after one untimed pass of each pipeline (the process's memory and the files
    it reads warmed alike). A round is one pass of each over ``texts`` (geo by a fresh Geoparser),
    the two taking turns every ``chunk`` documents (0: whole passes, geo first in even rounds),
    so that a change of the machine's load between the two is paired within seconds."""
    geo_part(fresh_geoparser(gazetteer, nlp, batch), texts, batch)
    ner_part(ner, texts, batch)
    geo_cpu: list[float] = []
    ner_cpu: list[float] = []
    places = 0
    step = chunk or len(texts)
    for r in range(rounds):
        gp = fresh_geoparser(gazetteer, nlp, batch)
        ner_part(ner, [WARMUP] * 8, batch)
        g = n = 0.0
        places = 0
        for k, i in enumerate(range(0, len(texts), step)):
            part = texts[i:i + step]
            for which in (("geo", "ner") if (r + k) % 2 == 0 else ("ner", "geo")):
                if which == "geo":
                    secs, found = geo_part(gp, part, batch)
                    g, places = g + secs, places + found
                else:
                    n += ner_part(ner, part, batch)
        geo_cpu.append(g)
        ner_cpu.append(n)
    return {"geo": geo_cpu, "ner": ner_cpu, "places": places}


def corpus_arg(spec: str) -> tuple[Path, int | None]:
    path, _, limit = spec.rpartition(":") if spec.rpartition(":")[2].isdigit() else (spec, "", "")
    return Path(path), int(limit) if limit else None


def report(label: str, texts: list[str], res: dict) -> str:
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    rows = []
    for r, (g, n) in enumerate(zip(res["geo"], res["ner"]), 1):
        rows.append((f"round {r}", f"{g:.2f} s", f"{kb / g:,.1f}", f"{n:.2f} s", f"{kb / n:,.1f}", f"{n / g:.3f}"))
    ratios = [n / g for g, n in zip(res["geo"], res["ner"])]
    best = min(res["ner"]) / min(res["geo"])
    rows.append(("best", f"{min(res['geo']):.2f} s", f"{kb / min(res['geo']):,.1f}", f"{min(res['ner']):.2f} s",
                 f"{kb / min(res['ner']):,.1f}", f"{best:.3f}"))
    table = rows_table(f"\n{label}: {len(texts)} docs, {kb:,.0f} KB, geo found {res['places']:,} places",
                       ("measure", "geo CPU", "geo KB/CPU-s", "ner CPU", "ner KB/CPU-s", "geo/ner"), rows)
    return table + f"\n    geo / ner alone, per CPU-second: median of the rounds {statistics.median(ratios):.3f}, " \
                   f"best / best {best:.3f} (target >= 0.90)"


def throughput(gazetteer: Path, specs: list[str], rounds: int, batch: int, chunk: int) -> None:
    from geo.recognize import load_model

    name = model_name()
    nlp = load_model(name)  # geo's pipeline, loaded once, shared by every fresh Geoparser
    ner = ner_alone(name)
    print(f"model {name}: geo runs {'+'.join(nlp.pipe_names)}, the baseline {'+'.join(ner.pipe_names)}; "
          f"batch {batch}, {rounds} interleaved rounds taking turns every {chunk or 'whole pass'} documents, "
          "CPU time of this process", flush=True)
    for spec in specs:
        path, limit = corpus_arg(spec)
        if not path.is_file():
            print(f"\n{path.name}: skipped, no corpus at {path}")
            continue
        texts = load_corpus(path, limit)
        print(report(f"{path.name}" + (f" (first {limit})" if limit else " (whole)"), texts,
                     bench_corpus(gazetteer, nlp, ner, texts, rounds, batch, chunk)), flush=True)
    print(f"\npeak RSS of this process: {mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}")


# -- main ---------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", metavar="PATH[:N]",
                    help="JSON lines with a 'text' field, optionally its first N documents (repeatable; "
                         "default: LGL's first 200 and the whole of GeoVirus)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per corpus (default 3)")
    ap.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size for both (default 32)")
    ap.add_argument("--chunk", type=int, default=32, metavar="N",
                    help="geo and ner take turns every N documents within a round (default 32; 0: whole passes)")
    ap.add_argument("--build", action="store_true", help="also time a gazetteer build (a child process)")
    ap.add_argument("--cli", action="store_true", help="also time the cold CLI on the seed article")
    ap.add_argument("--runs", type=int, default=3, help="cold CLI runs per command (median; default 3)")
    ap.add_argument("--skip-build", action="store_true", help=argparse.SUPPRESS)  # the old default, now always
    args = ap.parse_args(argv)

    load0 = os.getloadavg()
    print(f"bench_pipeline: {os.cpu_count()} CPUs, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"Python {sys.version.split()[0]}; {python_speed()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as d:
        tmp = Path(d)
        gazetteer, build_rows = bench_build(tmp) if args.build else existing_gazetteer()
        if args.build:
            print(rows_table("\ngazetteer", ("measure", "value"), build_rows), flush=True)
        if args.cli:
            print(rows_table(f"\ncold CLI on the seed article, gazetteer built, {args.runs} runs each",
                             ("command", "median", "min", "max", "CPU (median)", "peak RSS"),
                             bench_cli(gazetteer, args.runs, tmp)), flush=True)
        throughput(gazetteer, args.corpus or list(DEFAULT_CORPORA), args.rounds, args.batch_size, args.chunk)
    load1 = os.getloadavg()
    print(f"load average at the end: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
