"""Seas, rivers, lakes, ranges and regions in the project's own articles: per-article counts.

    python benchmarks/feature_articles.py [--verbose]

Each article in ``data/articles/features/`` comes with the places it names in
``data/articles/features/expected.tsv`` (written by hand for geo). For every article the script
geoparses the text and counts:

- features: named in the article / placed on the right feature / placed on a town (or any
  place that is not a feature) / not placed at all;
- places (towns, divisions, countries): named / placed within the tolerance given;
- traps: words the list marks ``none`` (a road number, an animal) / placed anyway;
- extra: places geo found that the article's list does not name.

``--verbose`` prints every miss and every extra row.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo._distance import haversine_km  # noqa: E402
from geo.types import FEATURE_KINDS  # noqa: E402

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles" / "features"


@dataclass(frozen=True)
class Expected:
    article: str
    text: str
    kind: str
    feature: str | None
    lat: float | None
    lon: float | None
    km: float | None


def read_expected(path: Path = ARTICLES / "expected.tsv") -> list[Expected]:
    """The hand-written list of places per article."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for rec in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            article, text, kind, feature, lat, lon, km = rec
            num = (lambda v: None if v == "-" else float(v))
            rows.append(Expected(article, text, kind, None if feature == "-" else feature, num(lat), num(lon), num(km)))
    return rows


def verdict(exp: Expected, row) -> str:
    """``right``, ``town`` (a feature placed on something that is not a feature), ``wrong`` or
    ``missed`` for one expected place and the frame row that holds its mention (or None)."""
    if row is None or not bool(row["resolved"]):
        return "missed"
    if exp.kind == "none":
        return "placed"
    if exp.kind in FEATURE_KINDS:
        if row["kind"] not in FEATURE_KINDS:
            return "town"
        return "right" if row["kind"] == exp.kind and row["name"] == exp.feature else "wrong"
    if row["kind"] in FEATURE_KINDS:
        return "wrong"
    km = haversine_km(exp.lat, exp.lon, row.geometry.y, row.geometry.x)
    return "right" if km <= exp.km else "wrong"


def row_for(frame, text: str):
    """The frame row named ``text`` or one of whose surface forms is ``text`` (case-insensitive;
    a longer name may be recognised by a shorter span), or None."""
    want = text.casefold()
    for _, row in frame.iterrows():
        if row["name"].casefold() == want or any(form.casefold() == want for form in row["surface_forms"]):
            return row
    return None


def score_article(parser, name: str, expected: list[Expected], verbose: bool) -> dict[str, int]:
    text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
    frame = parser.geoparse(text)
    counts = dict.fromkeys(("features", "f_right", "f_town", "f_wrong", "f_missed", "places", "p_right", "traps", "t_placed", "extra"), 0)
    known = set()
    for exp in expected:
        row = row_for(frame, exp.text)
        if row is not None:
            known.add(row.name)
        v = verdict(exp, row)
        if exp.kind in FEATURE_KINDS:
            counts["features"] += 1
            counts[f"f_{v}"] += 1
        elif exp.kind == "none":
            counts["traps"] += 1
            counts["t_placed"] += v == "placed"
        else:
            counts["places"] += 1
            counts["p_right"] += v == "right"
        if verbose and v not in ("right", "missed" if exp.kind == "none" else "right"):
            got = "-" if row is None else f"{row['name']} ({row['kind']}, {row.geometry.y:.2f},{row.geometry.x:.2f})" \
                if bool(row["resolved"]) else f"{row['name']} (unplaced)"
            print(f"  {name}: {exp.text!r} expected {exp.feature or exp.kind} -> {v}: {got}")
    extra = frame[[i not in known for i in frame.index]]
    counts["extra"] = len(extra)
    if verbose:
        for _, row in extra.iterrows():
            print(f"  {name}: extra {row['name']!r} ({row['kind']}) from {list(row['surface_forms'])}")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    import geo

    parser = geo.Geoparser(progress=False)
    expected = read_expected()
    names = sorted({e.article for e in expected})
    keys = ("features", "f_right", "f_town", "f_wrong", "f_missed", "places", "p_right", "traps", "t_placed", "extra")
    head = ("article", "features", "right", "on a town", "wrong", "missed", "places", "right", "traps", "placed",
            "extra")
    print("\t".join(head))
    total: dict[str, int] = {}
    for name in names:
        c = score_article(parser, name, [e for e in expected if e.article == name], args.verbose)
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
        print("\t".join([name] + [str(c[k]) for k in keys]))
    print("\t".join(["total"] + [str(total[k]) for k in keys]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
