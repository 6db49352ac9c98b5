"""Main-text extraction of news pages: places kept and lost, and its cost next to geoparsing.

For each layout in tests/pages/ (a page NAME.html and its story NAME.txt): the places geo finds in
the story's text, in the text extracted from the page (extra: from boilerplate; lost: the story's
places missing), the same with the old hand-written extractor alone, and the time of extraction
(bytes to text, metadata included; CPU time, median of 20 runs: the machine may be shared) next to the
CPU time of geoparsing the page's text.

    python3 benchmarks/bench_extract.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.inputs import article_from_bytes, decode, declared_charset  # noqa: E402
from geo.inputs._fallback import html_to_text  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402

PAGES = ROOT / "tests" / "pages"


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


def main() -> None:
    gp = Geoparser(progress=False)
    gp.geoparse("Warm-up in Paris.")
    print(f"{'layout':<16} {'story':>5} {'page':>5} {'extra':>5} {'lost':>5} | {'old: extra':>10} {'lost':>4} | "
          f"{'extract ms':>10} {'geoparse ms':>11} {'share':>6}")
    shares = []
    for page in sorted(PAGES.glob("*.html")):
        data = page.read_bytes()
        story = places(gp, (PAGES / f"{page.stem}.txt").read_text(encoding="utf-8"))
        text = article_from_bytes(data, str(page), page.stem, name=page.name).text
        found = places(gp, text)
        old = places(gp, html_to_text(decode(data, page.name, declared=declared_charset(data)))[0])
        t_extract = timed(lambda: article_from_bytes(data, str(page), page.stem, name=page.name), 20)
        t_parse = timed(lambda: gp.geoparse(text), 5)
        shares.append(t_extract / t_parse)
        print(f"{page.stem:<16} {len(story):>5} {len(found):>5} {len(found - story):>5} {len(story - found):>5} | "
              f"{len(old - story):>10} {len(story - old):>4} | {t_extract * 1000:>10.1f} {t_parse * 1000:>11.1f} "
              f"{t_extract / t_parse:>6.1%}")
    print(f"extraction / geoparse time: median {statistics.median(shares):.1%}, max {max(shares):.1%}")


if __name__ == "__main__":
    main()
