"""Main-text extraction of news pages: places kept and lost, and its cost next to geoparsing.

Two sets of pages, each a page NAME.html and its story NAME.txt (headline, standfirst, body):

- the ten layouts of tests/pages/ (short stories, 3–8 KB of markup): the places geo finds in the
  story's text, in the text extracted from the page (extra: from boilerplate; lost: the story's places
  missing), and the same with the old hand-written extractor alone;
- the article-length pages of tests/pages/long/ (800–1,000-word stories in 170–300 KB of CMS markup:
  mega-menus, inline CSS and scripts, JSON-LD, page state as JSON, ads, related and most-read boxes,
  comments, footers).

For every page: its size, the words of the extracted text, the time of extraction (bytes to story
and metadata, as ``geo`` reads a page; CPU time, median of ``--runs``), the CPU time of geoparsing the
extracted text with a warm Geoparser (median of 5), and their ratio (the target: under 5%).

    python3 benchmarks/bench_extract.py [--runs 20] [--only long|layouts]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.inputs import article_from_bytes, decode, declared_charset  # noqa: E402
from geo.inputs._fallback import html_to_text  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402

LAYOUTS = ROOT / "tests" / "pages"
LONG = ROOT / "tests" / "pages" / "long"


def places(gp, text):
    import pandas as pd

    return {(r.name, None if pd.isna(r.geonameid) else int(r.geonameid)) for r in gp.geoparse(text).itertuples()}


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def measure(gp, page: Path, runs: int) -> dict:
    data = page.read_bytes()
    story = places(gp, (page.with_suffix(".txt")).read_text(encoding="utf-8"))
    text = article_from_bytes(data, str(page), page.stem, name=page.name).text
    found = places(gp, text)
    old = places(gp, html_to_text(decode(data, page.name, declared=declared_charset(data)))[0])
    t_extract = timed(lambda: article_from_bytes(data, str(page), page.stem, name=page.name), runs)
    t_parse = timed(lambda: gp.geoparse(text), 5)
    return dict(name=page.stem, bytes=len(data), words=len(text.split()), story=len(story), page=len(found),
                extra=len(found - story), lost=len(story - found), old_extra=len(old - story),
                old_lost=len(story - old), extract=t_extract, parse=t_parse, ratio=t_extract / t_parse)


def table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'page':<22} {'bytes':>8} {'words':>5} | {'story':>5} {'page':>4} {'extra':>5} {'lost':>4} | "
          f"{'old: extra':>10} {'lost':>4} | {'extract ms':>10} {'geoparse ms':>11} {'ratio':>6}")
    for r in rows:
        print(f"{r['name']:<22} {r['bytes']:>8,} {r['words']:>5} | {r['story']:>5} {r['page']:>4} {r['extra']:>5} "
              f"{r['lost']:>4} | {r['old_extra']:>10} {r['old_lost']:>4} | {r['extract'] * 1000:>10.1f} "
              f"{r['parse'] * 1000:>11.1f} {r['ratio']:>6.1%}")
    ratios = [r["ratio"] for r in rows]
    print(f"extraction / geoparse CPU time: median {statistics.median(ratios):.1%}, max {max(ratios):.1%}; "
          f"extra {sum(r['extra'] for r in rows)}, lost {sum(r['lost'] for r in rows)}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20, help="extractions timed per page (median)")
    ap.add_argument("--only", choices=("long", "layouts"), help="one set of pages only")
    args = ap.parse_args(argv)
    gp = Geoparser(progress=False)
    gp.geoparse("Warm-up in Paris, France, and in Lagos.")
    sets = [("long", "article-length pages (tests/pages/long/)", LONG),
            ("layouts", "the ten layouts (tests/pages/)", LAYOUTS)]
    for key, title, folder in sets:
        if args.only in (None, key):
            table(title, [measure(gp, page, args.runs) for page in sorted(folder.glob("*.html"))])


if __name__ == "__main__":
    main()
