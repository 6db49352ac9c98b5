"""Picture benchmark: render_image of a 50-place article as PNG, SVG and PDF.

    python benchmarks/bench_image.py [--places 50] [--runs 5]

The frame is synthetic and deterministic: 50 places of the Balkans (towns, divisions and the
countries they are in, at real country positions, with mention counts from 1 to 9) drawn over
the gazetteer's real country outlines, the way `geo map ARTICLE -o story.png` draws them.
"cold" is the first render in a fresh process (Matplotlib and pyproj imported, fonts found);
the median is of the following runs. Target (issue 17): <= 3 s for a 50-place article.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COUNTRIES = [("Serbia", "RS", 20.9, 44.0), ("Croatia", "HR", 15.2, 45.1), ("Bosnia and Herzegovina", "BA", 17.8, 44.2),
             ("Montenegro", "ME", 19.3, 42.7), ("Kosovo", "XK", 20.9, 42.6), ("North Macedonia", "MK", 21.7, 41.6),
             ("Albania", "AL", 20.0, 41.0), ("Bulgaria", "BG", 25.5, 42.7), ("Romania", "RO", 25.0, 45.9),
             ("Hungary", "HU", 19.5, 47.2)]


def synthetic(n: int):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    rows = []
    for i in range(n):
        name, cc, lon, lat = COUNTRIES[i % len(COUNTRIES)]
        if i < len(COUNTRIES):
            kind, place, point = "country", name, (lon, lat)
        else:
            kind = ("city", "city", "admin1", "city", "place")[i % 5]
            place = f"Town {i:02d}"
            point = (lon + ((i * 37) % 19 - 9) * 0.11, lat + ((i * 53) % 17 - 8) * 0.09)
        rows.append({"name": place, "kind": kind, "country_code": cc, "country": name, "geonameid": None,
                     "population": None, "mentions": 1 + (i * 7) % 9, "adjectival_mentions": 0,
                     "surface_forms": [place], "spans": [], "adjectival_spans": [], "snippets": [],
                     "confidence": 0.9, "resolved": True, "source": "gazetteer", "geometry": Point(*point)})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from geo.gazetteer import open_gazetteer

    outlines = open_gazetteer(progress=False).outlines()
    frame = synthetic(args.places)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.places} places, {len(outlines)} country outlines")
    from geo.image import render_image

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("png", "svg", "pdf"):
            times = []
            for run in range(args.runs + 1):
                start = time.perf_counter()
                result = render_image(frame, Path(tmp) / f"bench.{fmt}", title="Fifty places", outlines=outlines)
                times.append(time.perf_counter() - start)
            size = (Path(tmp) / f"bench.{fmt}").stat().st_size
            print(f"{fmt}: cold {times[0]:.2f} s, median of {args.runs} {statistics.median(times[1:]):.2f} s, "
                  f"{size / 1024:.0f} KB, {len(result.labels)} labelled, {len(result.unlabelled)} unlabelled")


if __name__ == "__main__":
    main()
