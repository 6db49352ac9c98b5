"""``geo map ARTICLE``: an interactive map (one HTML file) of the places an article names."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli._common import add_quiet, collector_paused, geoparser, show_progress
from geo.cli._fetch import add_fetch_options, read_input
from geo.cli._geocoding import add_geocoding_options, article_places
from geo.cli._image import add_image_options, image_request, write_image
from geo.cli._output import add_parents, check_output, check_tiles


def register(sub) -> None:
    p = sub.add_parser("map", help="draw the places of an article as an interactive HTML map",
                       description="Geoparse ARTICLE and write an interactive Leaflet map as one HTML file.")
    p.add_argument("article", metavar="ARTICLE", nargs="?", default=None,
                   help="a .txt or .html file, an http(s):// URL, or - for standard input")
    p.add_argument("--from", dest="from_file", metavar="PLACES_FILE", default=None,
                   help="instead of an article: the aggregate map of a corpus, from a places file written by "
                        "geo batch (or geo places) in any of its formats")
    p.add_argument("-o", "--output", metavar="OUT.html|png|svg|pdf", default=None,
                   help="where to write the map (default: maps/<article stem>.html); .png, .svg or .pdf "
                        "write a picture instead")
    add_parents(p)
    p.add_argument("--title", default=None, help="the map's title (default: the article's headline, else its file name)")
    m = p.add_argument_group("map file")
    m.add_argument("--cdn", action="store_true",
                   help="link Leaflet from its CDN instead of inlining it (smaller file, needs a network)")
    m.add_argument("--tiles", metavar="NAME|URL|none", default=None,
                   help="basemap tiles: an xyzservices name (e.g. OpenStreetMap.Mapnik), a URL template "
                        "{z}/{x}/{y} (give --attr), or none (default: Esri.WorldGrayCanvas)")
    m.add_argument("--attr", metavar="TEXT", default=None, help="attribution of --tiles given as a URL")
    m.add_argument("--tiles-key-env", metavar="VAR", default="GEO_TILES_API_KEY",
                   help="environment variable holding the tile provider's API key (default: GEO_TILES_API_KEY)")
    m.add_argument("--embed-tiles-key", action="store_true",
                   help="write the API key into the file (otherwise the reader adds #apikey=KEY to its address)")
    m.add_argument("--no-basemap", action="store_true",
                   help="leave out the offline basemap of country outlines drawn under the tiles")
    r = p.add_argument_group("review")
    r.add_argument("--review-below", metavar="CONFIDENCE", type=_confidence, default=None,
                   help="draw places whose calibrated confidence is below this hollow and dashed, and list them "
                        "first under 'Check these' (0 to 1; 0 turns it off; default: 0.8)")
    add_image_options(p)
    add_geocoding_options(p)
    add_fetch_options(p)
    add_quiet(p)
    p.set_defaults(func=run)


def _confidence(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def run(args) -> int:
    picture = image_request(args)  # every picture option checked before any work
    if args.from_file is not None or args.article is None:
        from geo.cli._corpus_map import run_from

        return run_from(args)
    check_tiles(args)  # every option is checked before the article is read and geoparsed
    if args.output:
        check_output(args.output, parents=args.parents)
    article = read_input(args, args.article)
    out = Path(args.output) if args.output else Path("maps") / f"{article.stem}.html"
    check_output(out, parents=args.parents or not args.output)
    if picture is not None:
        return _picture(args, picture, article)
    from geo.cli._prefork import prefork

    renderer = prefork(_import_renderer)  # folium imported by a child while the model loads here
    try:
        return _map(args, article, out, renderer)
    finally:
        if renderer is not None:
            renderer.close()


def _import_renderer() -> None:
    with collector_paused():  # folium and its templates: long-lived objects
        import geo.render  # noqa: F401


def _render(places, **options) -> str:
    """:func:`geo.render.render_map` (by name, so a forked renderer can be asked to run it)."""
    _import_renderer()
    from geo.render import render_map

    return render_map(places, **options)


def _map(args, article, out: Path, renderer) -> int:
    """Geoparse, draw (in ``renderer``, a :class:`geo.cli._prefork.Prefork`, or here), write."""
    from geo._atomic import write_atomic

    gp = geoparser(args)
    places = article_places(args, gp, article)  # the map is drawn from the places: no GeoDataFrame
    gz = gp.gazetteer
    review = {} if args.review_below is None else {"review_below": args.review_below}
    options = dict(title=_title(args, article), about=article.meta.as_dict(), outlines=gz.outlines(),
                   article=article.text,
                   cdn=args.cdn, tiles=args.tiles, attr=args.attr, api_key_env=args.tiles_key_env,
                   embed_api_key=args.embed_tiles_key, basemap_outlines=not args.no_basemap,
                   divisions=gz.division_names(), countries={cc: c.name for cc, c in gz.countries().items()},
                   corrections_name=f"{article.stem}.geo.toml", **review)
    html = renderer.call(_render, places, **options) if renderer is not None else _render(places, **options)
    write_atomic(out, html)
    if show_progress(args):
        placed = sum(p.candidate is not None for p in places)
        print(f"wrote {out} ({placed} places on the map, {len(places) - placed} not placed)", file=sys.stderr)
    return 0


def _picture(args, picture, article) -> int:
    from geo.frame import to_frame

    gp = geoparser(args)
    frame = to_frame(article_places(args, gp, article))
    frame.attrs["article"] = article.meta.as_dict()
    return write_image(args, picture, frame, title=_title(args, article), stem=article.stem,
                       outlines=gp.gazetteer.outlines())


def _title(args, article) -> str:
    """``--title``, else the headline, else the file name; text that is not valid UTF-8 (undecodable
    bytes in argv) is shown with U+FFFD."""
    from geo._values import display_text

    return display_text(args.title or article.title or f"Places in {_name(article.source)}")


def _name(source: str) -> str:
    from geo.inputs import is_url

    return source if is_url(source) else Path(source).name
