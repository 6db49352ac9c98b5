"""``geo map ARTICLE``: an interactive map (one HTML file) of the places an article names."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli._common import add_quiet, geoparser, show_progress
from geo.cli._geocoding import add_geocoding_options, geoparse_article


def register(sub) -> None:
    p = sub.add_parser("map", help="draw the places of an article as an interactive HTML map",
                       description="Geoparse ARTICLE and write an interactive Leaflet map as one HTML file.")
    p.add_argument("article", metavar="ARTICLE", help="a .txt or .html file, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT.html", default=None,
                   help="where to write the map (default: maps/<article stem>.html)")
    p.add_argument("--title", default=None, help="the map's title (default: the article's title or file name)")
    add_geocoding_options(p)
    add_quiet(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from geo._atomic import write_atomic
    from geo.inputs import read_article
    from geo.render import render_map

    article = read_article(args.article)
    out = Path(args.output) if args.output else Path("maps") / f"{article.stem}.html"
    gp = geoparser(args)
    frame = geoparse_article(args, gp, article)
    codes = sorted({c for c, k in zip(frame["country_code"], frame["kind"]) if k == "country" and isinstance(c, str)})
    title = args.title or article.title or f"Places in {Path(article.source).name}"
    html = render_map(frame, title=title, outlines=gp.gazetteer.outlines(codes), article=article.text)
    write_atomic(out, html)
    if show_progress(args):
        placed = int(frame["resolved"].sum())
        print(f"wrote {out} ({placed} places on the map, {len(frame) - placed} not placed)", file=sys.stderr)
    return 0
