"""``geo places ARTICLE``: the article's places as CSV, GeoJSON or JSON."""

from __future__ import annotations

import json

from geo.cli._common import add_quiet, emit, geoparser
from geo.cli._geocoding import add_geocoding_options, geoparse_article
from geo.errors import UsageError

FORMATS = ("csv", "geojson", "json")


def register(sub) -> None:
    p = sub.add_parser("places", help="write the places an article names (CSV, GeoJSON or JSON)",
                       description="Write one row per distinct place of ARTICLE (unresolved names included).")
    p.add_argument("article", metavar="ARTICLE", help="a .txt or .html file, or - for standard input")
    p.add_argument("-f", "--format", choices=FORMATS, default=None,
                   help="output format (default: from the -o extension, else geojson)")
    p.add_argument("-o", "--output", metavar="OUT", default=None, help="output file (default: standard output)")
    add_geocoding_options(p)
    add_quiet(p)
    p.set_defaults(func=run)


def _format(args) -> str:
    if args.format:
        return args.format
    out = (args.output or "").lower()
    for ext, fmt in ((".csv", "csv"), (".geojson", "geojson"), (".json", "json")):
        if out.endswith(ext):
            return fmt
    if args.output and args.output != "-":
        raise UsageError(f"cannot tell the format from {args.output!r}; give -f csv|geojson|json")
    return "geojson"


def render(frame, fmt: str) -> str:
    from geo.frame import to_csv_text, to_geojson, to_json_records

    if fmt == "csv":
        return to_csv_text(frame)
    if fmt == "geojson":
        return json.dumps(to_geojson(frame), ensure_ascii=False, indent=1) + "\n"
    return json.dumps(to_json_records(frame), ensure_ascii=False, indent=1) + "\n"


def run(args) -> int:
    from geo.inputs import read_article

    fmt = _format(args)
    article = read_article(args.article)
    frame = geoparse_article(args, geoparser(args), article)
    emit(render(frame, fmt), args.output)
    return 0
