"""``geo places ARTICLE``: the article's places as CSV, GeoJSON, JSON, GeoJSON Lines, GeoParquet, GeoPackage or KML."""

from __future__ import annotations

from geo._formats import BINARY_FORMATS
from geo._formats import PLACES_FORMATS as FORMATS
from geo.cli._common import add_quiet, emit, geoparser
from geo.cli._fetch import add_fetch_options, read_input
from geo.cli._geocoding import add_geocoding_options, article_places, geoparse_article
from geo.cli._output import add_parents, check_output
from geo.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("places", help="write the places an article names (CSV, GeoJSON, GeoParquet, GeoPackage, KML…)",
                       description="Write one row per distinct place of ARTICLE (unresolved names included).")
    p.add_argument("article", metavar="ARTICLE", help="a .txt or .html file, an http(s):// URL, or - for standard input")
    p.add_argument("-f", "--format", choices=FORMATS, default=None,
                   help="output format (default: from the -o extension, else geojson); parquet, gpkg and "
                        "kml need -o")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="output file (default: standard output), or a PostGIS table: "
                        "postgresql://USER@HOST:PORT/DB?table=NAME")
    add_parents(p)
    add_geocoding_options(p)
    add_fetch_options(p)
    add_quiet(p)
    p.set_defaults(func=run)


def _format(args) -> str:
    from geo._formats import format_for

    fmt = format_for(args.output, args.format, allowed=FORMATS, default="geojson")
    if fmt in BINARY_FORMATS and args.output in (None, "-"):
        raise UsageError(f"{fmt} cannot go to standard output; give -o FILE")
    return fmt


def run(args) -> int:
    if args.output and "://" in args.output:  # (a file name needs no import of the PostGIS writer)
        from geo.batch._postgis import is_postgis_url

        if is_postgis_url(args.output):
            return _run_postgis(args)
    fmt = _format(args)
    check_output(args.output, parents=args.parents)
    article = read_input(args, args.article)
    places = article_places(args, geoparser(args), article)
    if fmt not in BINARY_FORMATS:  # text: rows straight from the places, no frame (nor GeoPandas) needed
        from geo.exports import records_text
        from geo.frame import place_records

        emit(records_text(place_records(places), fmt), args.output)
        return 0
    from geo.exports import write_frame
    from geo.frame import to_frame

    frame = to_frame(places)
    frame.attrs["article"] = article.meta.as_dict()
    write_frame(frame, args.output, fmt)
    return 0


def _run_postgis(args) -> int:
    """``-o postgresql://…?table=NAME``: the article's places as one document of that table (as geo batch writes)."""
    import sys

    from geo.batch._postgis import connect, parse_postgis_url, write_article_rows

    if args.format is not None:
        raise UsageError(f"-f {args.format} does not apply to a PostGIS table")
    target = parse_postgis_url(args.output)
    connect(target).dispose()  # a wrong URL, a refused connection or no PostGIS: before any work
    article = read_input(args, args.article)
    frame = geoparse_article(args, geoparser(args), article)
    frame.attrs["article"] = article.meta.as_dict()
    rows, added = write_article_rows(args.output, frame, doc_id=str(article.source), text=article.text,
                                     title=article.title)
    if not args.quiet:
        what = f"wrote {rows} rows to" if added else f"already in (same document, same text; {rows} rows):"
        print(f"{what} {target.label}", file=sys.stderr)
    return 0
