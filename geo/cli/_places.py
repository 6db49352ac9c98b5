"""``geo places ARTICLE``: the article's places as CSV, GeoJSON, JSON, GeoJSON Lines, GeoParquet, GeoPackage or KML."""

from __future__ import annotations

from geo.cli._common import add_quiet, emit, geoparser
from geo.cli._fetch import add_fetch_options, read_input
from geo.cli._geocoding import add_geocoding_options, geoparse_article
from geo.errors import UsageError
from geo.exports import BINARY_FORMATS, PLACES_FORMATS as FORMATS


def register(sub) -> None:
    p = sub.add_parser("places", help="write the places an article names (CSV, GeoJSON, GeoParquet, GeoPackage, KML…)",
                       description="Write one row per distinct place of ARTICLE (unresolved names included).")
    p.add_argument("article", metavar="ARTICLE", help="a .txt or .html file, an http(s):// URL, or - for standard input")
    p.add_argument("-f", "--format", choices=FORMATS, default=None,
                   help="output format (default: from the -o extension, else geojson); parquet, gpkg and "
                        "kml need -o")
    p.add_argument("-o", "--output", metavar="OUT", default=None, help="output file (default: standard output)")
    add_geocoding_options(p)
    add_fetch_options(p)
    add_quiet(p)
    p.set_defaults(func=run)


def _format(args) -> str:
    from geo.exports import format_for

    fmt = format_for(args.output, args.format, allowed=FORMATS, default="geojson")
    if fmt in BINARY_FORMATS and args.output in (None, "-"):
        raise UsageError(f"{fmt} cannot go to standard output; give -o FILE")
    return fmt


def render(frame, fmt: str) -> str:
    from geo.exports import frame_text

    return frame_text(frame, fmt)


def run(args) -> int:
    fmt = _format(args)
    article = read_input(args, args.article)
    frame = geoparse_article(args, geoparser(args), article)
    frame.attrs["article"] = article.meta.as_dict()
    if args.output in (None, "-"):
        emit(render(frame, fmt), args.output)
    else:
        from geo.exports import write_frame

        write_frame(frame, args.output, fmt)
    return 0
