"""Map file benchmark: size, write time and browser render time for 100 / 1,000 / 10,000 places.

    python benchmarks/bench_map.py [--sizes 100 1000 10000] [--no-browser]

Each case is a synthetic frame (deterministic positions, kinds and mention counts, one
sentence per place) with a matching article in which every place is mentioned, so the file
carries the article panel, the place data and the markers. "write" is render_map plus
writing the file; "render" is the time from navigation start until the page has added every
marker (its ready flag) and painted twice, in Debian's headless Chromium with the network
blocked (tiles refused). Targets (issue 4): 10,000 places under 5 MB, written in under 3 s,
rendered in under 3 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.render import render_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KINDS = ["city", "city", "city", "place", "admin1", "country"]


def synthetic(n: int) -> tuple[gpd.GeoDataFrame, str]:
    parts: list[str] = []
    rows = []
    pos = 0
    for i in range(n):
        name = f"Town{i:05d}"
        sentence = f"Officials in {name} said the road north was open again. "
        start = pos + sentence.index(name)
        parts.append(sentence)
        pos += len(sentence)
        kind = KINDS[i % len(KINDS)]
        rows.append({
            "name": name, "kind": kind, "country_code": None, "country": f"Country{i % 50}",
            "geonameid": 1_000_000 + i, "population": 1000 + i, "mentions": 1 + (i * 7) % 9,
            "adjectival_mentions": 0, "surface_forms": [name], "spans": [[start, start + len(name)]],
            "adjectival_spans": [], "snippets": [sentence.strip()], "confidence": 0.8, "resolved": True,
            "source": "gazetteer",
            "geometry": Point(round(-170 + (i * 7.919) % 340, 4), round(-55 + (i * 3.137) % 125, 4)),
        })
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    return frame, "".join(parts)


def write_map(frame, article, path: Path) -> tuple[float, float]:
    started = time.perf_counter()
    document = render_map(frame, title=f"{len(frame)} places", article=article)
    rendered = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(document, encoding="utf-8")
    os.replace(tmp, path)
    return rendered - started, time.perf_counter() - started


def browser_times(paths: list[Path]) -> list[tuple[float, int]]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in paths:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(path.as_uri(), wait_until="commit")
            page.wait_for_selector("html[data-geo-ready='true']", timeout=60_000)
            painted_ms = page.evaluate(
                "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
            )
            markers = page.evaluate("Object.keys(geoMap.markers).length")
            out.append((painted_ms / 1000.0, markers))
            page.close()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium render time")
    args = parser.parse_args(argv)

    render_map(synthetic(3)[0], title="warm-up")  # imports and asset reading, once
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in args.sizes:
            frame, article = synthetic(n)
            path = Path(tmp) / f"map-{n}.html"
            render_s, write_s = write_map(frame, article, path)
            paths.append(path)
            results.append([n, path.stat().st_size, render_s, write_s])
        use_browser = not args.no_browser and Path(CHROMIUM).exists()
        shown = browser_times(paths) if use_browser else [(float("nan"), 0)] * len(paths)

    print(f"{'places':>8} {'file size':>11} {'render_map':>11} {'write':>8} {'browser render':>15} {'markers':>8}")
    for (n, size, render_s, write_s), (shown_s, markers) in zip(results, shown):
        print(f"{n:>8,} {size / 1e6:>9.2f}MB {render_s:>10.2f}s {write_s:>7.2f}s {shown_s:>14.2f}s {markers:>8,}")
    if not use_browser:
        print("(no browser times: /usr/bin/chromium missing or --no-browser)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
