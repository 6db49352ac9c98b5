"""Map file benchmark: bytes and draw time of a big article map and a big corpus map (issue 16).

    python benchmarks/bench_map.py [--sizes 100 1000 10000] [--corpus 100000] [--no-browser]

Article maps: a synthetic frame per size (deterministic positions, kinds and mention counts, one
sentence per place) with a matching article in which every place is mentioned, so the file carries
the article panel, the place data and the markers. Corpus map: ``--corpus`` synthetic places (one
row each, in documents of 20 rows with dates over two years, so the time slider is there), as
``geo batch`` writes them. "write" is rendering plus writing the file; "draw" is the time from
navigation start until the page has added every marker (its ready flag: ``data-geo-ready`` for an
article, ``geoCorpus.drawn`` for a corpus, set once the clusters hold every marker) and painted
twice, in Debian's headless Chromium with the network blocked (tiles refused). Targets (issue 16):
10,000-place article map <= 3 MB drawn in <= 2 s; 100,000-place corpus map drawn in <= 3 s.
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
from geo.render_corpus import corpus_map  # noqa: E402

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


def synthetic_corpus(n: int) -> gpd.GeoDataFrame:
    """``n`` places, one row each, in documents of 20 rows dated over two years."""
    docs = [i // 20 for i in range(n)]
    frame = gpd.GeoDataFrame({
        "doc_id": [f"doc-{d:06d}" for d in docs], "doc_title": [f"Report {d}" for d in docs],
        "doc_date": [f"{2023 + (d % 24) // 12}-{1 + d % 12:02d}-{1 + d % 28:02d}" for d in docs],
        "doc_url": [f"https://news.example/{d}" for d in docs],
        "name": [f"Town{i:06d}" for i in range(n)], "kind": [KINDS[i % len(KINDS)] for i in range(n)],
        "country": [f"Country{i % 50}" for i in range(n)], "country_code": [None] * n,
        "geonameid": [2_000_000 + i for i in range(n)], "mentions": [1 + (i * 7) % 9 for i in range(n)],
        "adjectival_mentions": [0] * n, "resolved": [True] * n,
    }, geometry=[Point(round(-170 + (i * 7.919) % 340, 4), round(-55 + (i * 3.137) % 125, 4)) for i in range(n)],
        crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    return frame


def write_corpus(frame, path: Path) -> float:
    started = time.perf_counter()
    path.write_text(corpus_map(frame, title=f"{len(frame)} corpus places"), encoding="utf-8")
    return time.perf_counter() - started


def write_map(frame, article, path: Path) -> tuple[float, float]:
    started = time.perf_counter()
    document = render_map(frame, title=f"{len(frame)} places", article=article)
    rendered = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(document, encoding="utf-8")
    os.replace(tmp, path)
    return rendered - started, time.perf_counter() - started


_PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def browser_times(paths: list[Path]) -> list[tuple[float, int]]:
    """(seconds from navigation start to every marker added and painted, markers) per file."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for path in paths:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(path.as_uri(), wait_until="commit")
            if path.name.startswith("corpus"):
                page.wait_for_function("window.geoCorpus && window.geoCorpus.drawn === true", timeout=120_000,
                                       polling=20)
                count = "geoCorpus.shown"
            else:
                page.wait_for_selector("html[data-geo-ready='true']", timeout=120_000)
                count = "Object.keys(geoMap.markers).length"
            painted_ms = page.evaluate(_PAINTED)
            out.append((painted_ms / 1000.0, page.evaluate(count)))
            page.close()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000])
    parser.add_argument("--corpus", type=int, nargs="*", default=[100000], help="corpus map sizes (places)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium draw time")
    args = parser.parse_args(argv)

    render_map(synthetic(3)[0], title="warm-up")  # imports and asset reading, once
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in args.sizes:
            frame, article = synthetic(n)
            path = Path(tmp) / f"map-{n}.html"
            _render_s, write_s = write_map(frame, article, path)
            paths.append(path)
            results.append(["article", n, path.stat().st_size, write_s])
        for n in args.corpus:
            path = Path(tmp) / f"corpus-{n}.html"
            write_s = write_corpus(synthetic_corpus(n), path)
            paths.append(path)
            results.append(["corpus", n, path.stat().st_size, write_s])
        use_browser = not args.no_browser and Path(CHROMIUM).exists()
        shown = browser_times(paths) if use_browser else [(float("nan"), 0)] * len(paths)

    print(f"{'map':>8} {'places':>8} {'bytes':>11} {'write':>8} {'draw':>9} {'markers':>8}")
    for (what, n, size, write_s), (shown_s, markers) in zip(results, shown):
        print(f"{what:>8} {n:>8,} {size:>11,} {write_s:>7.2f}s {shown_s * 1000:>7.0f}ms {markers:>8,}")
    if not use_browser:
        print("(no browser times: /usr/bin/chromium missing or --no-browser)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
