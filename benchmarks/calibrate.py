"""Calibrate geo's confidence on annotated corpora and write geo/_data/calibration.tsv.

    python benchmarks/calibrate.py GOLD.jsonl [GOLD.jsonl ...] [--review-below 0.8]
                                   [--rows ROWS.tsv] [--no-write]

Each corpus is geoparsed in process (the code of ``geo parse``: every mention of every place) with
calibration off (``GEO_CALIBRATION=off``), so the raw resolver scores are seen. Every predicted
toponym with coordinates that overlaps a gold toponym with coordinates (the reference scorer's
one-to-one largest-overlap matching, as ``geo eval`` does) is one observation: its place's class
(:func:`geo.calibration.place_class`), raw confidence, and whether it lies within 161 km of the
gold point. Per class, the share right in each raw-score step (shrunk towards the class's share
when the step has few observations) is made monotone in the raw score (pool adjacent violators)
and written as a small table.

Printed: the table; the reliability of the calibrated confidence (bins -> share within 161 km,
count); and at the review threshold the share of wrong places (161 km or more off) flagged
against the share of right places flagged. ``--rows`` caches the observations (a second run only
refits).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

os.environ["GEO_CALIBRATION"] = "off"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TABLE = Path(__file__).resolve().parents[1] / "geo" / "_data" / "calibration.tsv"
SHRINK = 5.0  # pseudo-observations at the class's share, per step

Row = tuple  # (raw, kind, population, right)


def observations(paths: list[str]) -> list[Row]:
    from geo.evaluate import _has_coords, _match, haversine_km, load_jsonl
    from geo.pipeline import Geoparser

    gp = Geoparser()
    rows: list[Row] = []
    for path in paths:
        gold = load_jsonl(path)
        ids = list(gold)
        for doc_id, places in zip(ids, gp.pipe((gold[i]["text"] for i in ids), within_names=True)):
            pred = [{"start": m.start, "end": m.end, "place": p} for p in places for m in p.mentions]
            pred.sort(key=lambda t: (t["start"], t["end"]))
            tops = gold[doc_id]["toponyms"]
            for gi, pi in _match(tops, pred).items():
                g, c, p = tops[gi], pred[pi]["place"].candidate, pred[pi]["place"]
                if _has_coords(g) and c is not None:
                    ok = haversine_km(g["lat"], g["lon"], c.lat, c.lon) < 161.0
                    rows.append((round(p.confidence, 3), c.kind, int(c.population or 0), ok))
        print(f"{Path(path).name}: {len(ids)} documents, {len(rows)} observations so far", file=sys.stderr)
    return rows


def fit(rows: list[Row]) -> list[tuple[str, int, float, float, int]]:
    """[(class, population step, raw step, calibrated, observations)], monotone in raw per class."""
    from geo.calibration import RAW_STEPS, place_class

    cells: dict[tuple, dict[float, list[int]]] = defaultdict(lambda: {s: [0, 0] for s in RAW_STEPS})
    for raw, kind, pop, ok in rows:
        step = max(s for s in RAW_STEPS if s <= raw)
        cell = cells[place_class(kind, pop)][step]
        cell[0] += 1
        cell[1] += ok
    out = []
    for key in sorted(cells):
        steps = cells[key]
        n_all = sum(n for n, _ in steps.values())
        share = sum(ok for _, ok in steps.values()) / n_all
        blocks = [[(ok + SHRINK * share), (n + SHRINK), [s], n] for s, (n, ok) in sorted(steps.items())]
        merged: list[list] = []
        for b in blocks:  # pool adjacent violators
            merged.append(b)
            while len(merged) > 1 and merged[-2][0] / merged[-2][1] > merged[-1][0] / merged[-1][1]:
                last = merged.pop()
                merged[-1] = [merged[-1][0] + last[0], merged[-1][1] + last[1], merged[-1][2] + last[2],
                              merged[-1][3] + last[3]]
        for ok, n, members, count in merged:
            for s in members:
                out.append((key[0], key[1], s, round(ok / n, 3), steps[s][0]))
    return out


def write_table(table, command: str) -> None:
    lines = ["# geo confidence calibration: share of places within 161 km of the truth, by class of place and raw score",
             f"# written by: {command}",
             "# class: large (country, continent), division (admin1, admin2), local (others) by population step;",
             "# raw: lower bound of the raw score step; n: observations in the step (before pooling)",
             "class\tpopulation\traw\tcalibrated\tn"]
    lines += [f"{c}\t{p}\t{raw:.2f}\t{v:.3f}\t{n}" for c, p, raw, v, n in table]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def report(rows: list[Row], threshold: float) -> None:
    from geo import calibration

    os.environ["GEO_CALIBRATION"] = "on"
    calibration.calibration_table.cache_clear()
    cal = [(calibration.calibrated(raw, kind, pop), ok) for raw, kind, pop, ok in rows]
    print("\nreliability of the calibrated confidence (a place is right within 161 km of the gold point)")
    print("  confidence   share right   places")
    edges = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001]
    for lo, hi in zip(edges, edges[1:]):
        inside = [(c, ok) for c, ok in cal if lo <= c < hi]
        if inside:
            share = sum(ok for _, ok in inside) / len(inside)
            mean = sum(c for c, _ in inside) / len(inside)
            print(f"  {lo:.2f}-{min(hi, 1.0):.2f}    {share:6.3f}   {len(inside):6d}   (mean confidence {mean:.3f})")
    wrong = [c for c, ok in cal if not ok]
    right = [c for c, ok in cal if ok]
    print(f"overall: {len(right) / len(cal):.3f} right of {len(cal)} places")
    for t in sorted({threshold, 0.5, 0.7, 0.75, 0.8, 0.85}):
        fw = sum(c < t for c in wrong) / len(wrong)
        fr = sum(c < t for c in right) / len(right)
        mark = "  <- default" if t == threshold else ""
        print(f"flagged below {t:.2f}: {fw:.1%} of the {len(wrong)} wrong places, {fr:.1%} of the {len(right)} right ones{mark}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+", metavar="GOLD.jsonl")
    ap.add_argument("--review-below", type=float, default=None, help="threshold to report (default: geo's)")
    ap.add_argument("--rows", metavar="ROWS.tsv", help="cache of the observations (read if present, else written)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave geo/_data/calibration.tsv as it is")
    args = ap.parse_args(argv)
    from geo.calibration import REVIEW_BELOW

    if args.rows and Path(args.rows).is_file():
        rows = [(float(a), k, int(p), ok == "1") for a, k, p, ok in
                (ln.split("\t") for ln in Path(args.rows).read_text(encoding="utf-8").splitlines() if ln)]
    else:
        rows = observations(args.corpora)
        if args.rows:
            Path(args.rows).write_text("".join(f"{r}\t{k}\t{p}\t{int(ok)}\n" for r, k, p, ok in rows), encoding="utf-8")
    table = fit(rows)
    for c, p, raw, v, n in table:
        print(f"{c:9s} pop>={p:<8d} raw>={raw:.2f}  {v:.3f}  ({n})")
    if not args.no_write:
        write_table(table, f"python benchmarks/calibrate.py GOLD.jsonl ... ({len(args.corpora)} annotated news "
                           f"corpora, {len(rows)} placed toponyms)")
    report(rows, args.review_below if args.review_below is not None else REVIEW_BELOW)
    return 0


if __name__ == "__main__":
    sys.exit(main())
