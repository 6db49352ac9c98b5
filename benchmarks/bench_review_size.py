"""Map file size with and without the review data (alternatives, divisions) for a 100-place article.

    python benchmarks/bench_review_size.py [--places 100]

The article is written here from well-known ambiguous place names (one sentence each, "Officials
in Springfield said ..."), geoparsed for real, and drawn twice by the same renderer: once as is,
once with every Place's alternatives removed. Target (issue 15): at most 25% larger with them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAMES = """Springfield Franklin Clinton Greenville Salem Fairview Madison Georgetown Arlington Ashland Dover Oxford
Jackson Burlington Manchester Milton Newport Auburn Bristol Clayton Dayton Lexington Milford Riverside Cleveland
Hudson Kingston Marion Mount Vernon Oakland Troy Winchester Florence Athens Paris London Berlin Vienna Moscow
Toronto Melbourne Perth Richmond Cambridge Victoria Hamilton Windsor Waterloo Durham Lancaster Portland Columbia
Albany Aurora Bedford Canton Chester Concord Decatur Denton Elgin Eugene Fayetteville Glendale Hanover Henderson
Jamestown Kent Lafayette Lebanon Lincoln Marietta Monroe Newark Norwich Plymouth Princeton Quincy Raleigh Rochester
Savannah Shelby Sparta Stockton Trenton Warren Wilmington Worcester York Alexandria Bloomington Charleston Dublin
Frankfort Geneva Hartford Jacksonville Lima Macon Naples Odessa Palermo Rome Sydney Tripoli Valencia Wellington""".split()


def article(n: int) -> str:
    names = [w for w in NAMES if w not in ("Mount",)][:n]
    return " ".join(f"Officials in {name} said the road north was open again." for name in names) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--places", type=int, default=100)
    args = ap.parse_args(argv)
    from geo.frame import PLACES_ATTR
    from geo.pipeline import Geoparser
    from geo.render import render_map

    gp = Geoparser(progress=False)
    text = article(args.places)
    frame = gp.geoparse(text)
    gz = gp.gazetteer
    kwargs = dict(title="Many ambiguous names", article=text, outlines=gz.outlines(), basemap_outlines=True,
                  divisions=gz.division_names(), countries={cc: c.name for cc, c in gz.countries().items()})
    with_alts = render_map(frame, **kwargs).encode("utf-8")
    bare = frame.copy()
    bare.attrs = {PLACES_ATTR: {k: {**r, "alt": []} for k, r in frame.attrs[PLACES_ATTR].items()}}
    without = render_map(bare, **kwargs).encode("utf-8")
    n_alts = sum(len(r["alt"]) for r in frame.attrs[PLACES_ATTR].values())
    print(f"{len(frame)} places ({int(frame['resolved'].sum())} on the map), {n_alts} alternatives")
    print(f"map without alternatives: {len(without):,} bytes")
    print(f"map with alternatives:    {len(with_alts):,} bytes  (+{(len(with_alts) / len(without) - 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
