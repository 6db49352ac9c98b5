"""Peers side by side: geo, geotext and a naive spaCy baseline on the same annotated corpus.

    python benchmarks/bench_peers.py [--corpus PATH] [--limit N] [--systems geo,geotext,naive]
                                     [--batch-size 32] [--keep DIR]

Systems (each one runs in a fresh child process of this script, one after the other, so that the peak
RSS reported is its own and the model loads are not timed):

* geo: ``geo.pipeline.Geoparser`` through ``geo.parse.predictions`` (``nlp.pipe`` batches, recognition and
  resolution), single process; every mention, adjectival ones included (``geo parse``'s default).
* geotext (PyPI ``geotext``, not a dependency of geo: ``pip install geotext``): it finds city and country
  names with a capitalised-words regex looked up in its own GeoNames-derived lists and returns the
  names only (``GeoText(text).cities`` and ``.countries``, with repeats). To score it, each returned
  name is mapped back to spans by searching the text for it (whole words, case-sensitive); an occurrence
  inside a longer found name is dropped, and a name keeps at most as many occurrences as geotext
  returned: first those that stand alone (not inside a longer run of capitalised words, which
  geotext would have read as one candidate), then the others, each in text order. Coordinates: geo's gazetteer's most populous entry under that name
  (``Gazetteer.lookup(name)[0]``), or null when the gazetteer does not know the name.
* naive: spaCy GPE/LOC/FAC entities of the same model geo uses (``geo.recognize.load_model()``), each
  placed at geo's gazetteer's most populous entry under its text (``Gazetteer.lookup(name)[0]``), or
  null. The baseline the issue quotes (0.31 end to end on LGL, 0.53 on GeoVirus).

Scoring: ``geo.evaluate.score`` (the same figures as ``../shared/eval/score.py``) against the corpus,
restricted to the first ``--limit`` documents when given. Columns: recognition P, R and F1 on
overlapping spans; acc@161km over the recognised gold toponyms with coordinates; end-to-end acc@161km
over all gold toponyms with coordinates; AUC of the log-error curve (lower is better); KB/s = UTF-8 text
bytes (1 KB = 1,000 bytes) per second of processing, model and gazetteer loading excluded (shown
separately as "load s"); peak RSS of the child process in MB (model, gazetteer and data included).

The machine has 2 cores and other people's work runs on it: the load average is printed with the
table, and throughput figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"
SYSTEMS = ("geo", "geotext", "naive")
PLACE_LABELS = ("GPE", "LOC", "FAC")
WARM_UP = "The ferry from Dover reached Calais, France, on Tuesday."
#: variables that would make geo ask an online geocoder or apply user corrections: cleared in children
CLEARED_ENV = ("GEO_GEOCODER", "GEO_CORRECTIONS", "GEO_PROGRESS")

sys.path.insert(0, str(REPO))


# -- corpus ---------------------------------------------------------------------------------------
def corpus_path(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if not p.suffix and not p.exists():
        p = CORPORA / f"{name_or_path}.jsonl"
    return p


def read_docs(path: Path, limit: int | None) -> list[dict]:
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


# -- the systems (run in a child process) --------------------------------------------------------
def _most_populous(gazetteer, name: str) -> dict:
    matches = gazetteer.lookup(name)
    if not matches:
        return {"lat": None, "lon": None, "geonameid": None}
    c = matches[0].candidate
    return {"lat": c.lat, "lon": c.lon, "geonameid": c.geonameid}


def _load_geo(batch_size: int):
    from geo.parse import Document, predictions
    from geo.pipeline import Geoparser

    gp = Geoparser(progress=False)
    list(gp.pipe([WARM_UP]))  # the model loads on first use: not timed as processing

    def run(docs):
        ds = (Document(id=d["id"], text=d["text"], line=i) for i, d in enumerate(docs, 1))
        return list(predictions(gp, ds, batch_size=batch_size))

    return run


_CAPITALISED_BEFORE = re.compile(r"[A-ZÀ-Ú][a-zà-ú]+[ -]$")
_CAPITALISED_AFTER = re.compile(r"^[ -][A-ZÀ-Ú][a-zà-ú]")


def geotext_spans(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Spans for the names GeoText returned (see the module docstring)."""
    found = []
    for name in set(names):
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            found.append((m.start(), m.end(), name))
    # left to right, longest first: an occurrence that starts inside a kept one ("York" inside
    # "New York") is dropped
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept, end = [], -1
    for s in found:
        if s[0] >= end:
            kept.append(s)
            end = s[1]
    # a name keeps as many occurrences as geotext returned; those that stand alone, not inside a
    # longer run of capitalised words ("Paris" in "Paris Hilton"), are taken first
    def inside_longer(s):
        return bool(_CAPITALISED_BEFORE.search(text[max(0, s[0] - 40):s[0]])
                    or _CAPITALISED_AFTER.match(text[s[1]:s[1] + 3]))

    allowed = Counter(names)
    out = []
    for s in sorted(kept, key=inside_longer):  # stable: text order within each group
        if allowed[s[2]] > 0:
            allowed[s[2]] -= 1
            out.append(s)
    return sorted(out)


def _load_geotext(batch_size: int):
    from geotext import GeoText

    from geo.gazetteer import open_gazetteer

    gz = open_gazetteer(progress=False)
    GeoText(WARM_UP)  # its index is built on import; this touches it

    def run(docs):
        out = []
        for d in docs:
            g = GeoText(d["text"])
            tops = [{"start": s, "end": e, "name": n, **_most_populous(gz, n)}
                    for s, e, n in geotext_spans(d["text"], g.cities + g.countries)]
            out.append({"id": d["id"], "toponyms": tops})
        return out

    return run


def _load_naive(batch_size: int):
    from geo.gazetteer import open_gazetteer
    from geo.recognize import load_model

    gz = open_gazetteer(progress=False)
    nlp = load_model()
    list(nlp.pipe([WARM_UP]))

    def run(docs):
        out = []
        for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=batch_size)):
            tops = [{"start": e.start_char, "end": e.end_char, "name": e.text, **_most_populous(gz, e.text)}
                    for e in doc.ents if e.label_ in PLACE_LABELS]
            out.append({"id": d["id"], "toponyms": tops})
        return out

    return run


LOADERS = {"geo": _load_geo, "geotext": _load_geotext, "naive": _load_naive}


def child(system: str, corpus: Path, limit: int | None, batch_size: int, out: Path) -> None:
    docs = read_docs(corpus, limit)
    t0 = time.perf_counter()
    run = LOADERS[system](batch_size)
    t1 = time.perf_counter()
    preds = run(docs)
    t2 = time.perf_counter()
    with out.open("w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(json.dumps({
        "system": system, "docs": len(docs), "bytes": sum(len(d["text"].encode("utf-8")) for d in docs),
        "load_s": t1 - t0, "parse_s": t2 - t1,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KB on Linux
    }))


# -- the parent: run each system, score, print the table --------------------------------------------
def run_system(system: str, corpus: Path, limit: int | None, batch_size: int, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", system, "--corpus", str(corpus),
           "--batch-size", str(batch_size), "--out", str(out)] + (["--limit", str(limit)] if limit else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise SystemExit(f"bench_peers: {system} failed: {tail[0]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt(x, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def table(rows: list[tuple[dict, dict]]) -> str:
    head = (f"{'system':<8} {'P':>6} {'R':>6} {'F1(ovl)':>8} {'acc@161':>8} {'e2e@161':>8} {'AUC':>6} "
            f"{'KB/s':>8} {'load s':>7} {'peak MB':>8}")
    lines = [head, "-" * len(head)]
    for stats, res in rows:
        o, z = res["recognition"]["overlap"], res["resolution"]
        lines.append(
            f"{stats['system']:<8} {o['precision']:>6.3f} {o['recall']:>6.3f} {o['f1']:>8.3f} "
            f"{fmt(z['acc161'], '8.3f')} {fmt(z['end_to_end_acc161'], '8.3f')} {fmt(z['auc'], '6.3f')} "
            f"{stats['bytes'] / 1000 / stats['parse_s']:>8.1f} {stats['load_s']:>7.1f} {stats['peak_rss_mb']:>8.0f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="lgl", help="corpus name in ../shared/corpora (lgl, geovirus, wiktor) or a path")
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated, of: " + ", ".join(SYSTEMS))
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--keep", metavar="DIR", help="keep each system's predictions (SYSTEM.jsonl) in DIR")
    ap.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    corpus = corpus_path(a.corpus)
    if a.child:
        child(a.child, corpus, a.limit, a.batch_size, Path(a.out))
        return 0
    if not corpus.is_file():
        raise SystemExit(f"bench_peers: {corpus}: no such corpus")
    systems = [s.strip() for s in a.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise SystemExit(f"bench_peers: unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")

    from geo.evaluate import load_jsonl, score

    gold_all = load_jsonl(corpus)
    gold = dict(list(gold_all.items())[:a.limit]) if a.limit else gold_all
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        outdir = Path(a.keep) if a.keep else Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        for system in systems:
            out = outdir / f"{system}.jsonl"
            stats = run_system(system, corpus, a.limit, a.batch_size, out)
            rows.append((stats, score(gold, load_jsonl(out))))
    load_after = os.getloadavg()
    n_bytes = rows[0][0]["bytes"] if rows else 0
    print(f"corpus {corpus.name}: {len(gold)} documents{' (--limit)' if a.limit else ''}, "
          f"{sum(len(d['toponyms']) for d in gold.values())} gold toponyms, {n_bytes / 1000:.0f} KB of text; "
          f"one process per system, single-threaded")
    print(table(rows))
    print(f"load average (1/5/15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
