"""``geo map --from PLACES_FILE``: the aggregate map of a corpus (called by :mod:`geo.cli._map`)."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli._common import show_progress
from geo.cli._output import check_output, check_tiles
from geo.errors import UsageError


def run_from(args) -> int:
    from geo._atomic import write_atomic
    from geo.gazetteer import open_gazetteer
    from geo.render_corpus import corpus_map, read_places_file

    if args.from_file is None:
        raise UsageError("give an ARTICLE or --from PLACES_FILE")
    if args.article is not None:
        raise UsageError("give an ARTICLE or --from PLACES_FILE, not both")
    from geo._files import check_regular
    from geo._values import display_text

    check_tiles(args)  # every option is checked before the places file is read
    named = Path(args.from_file)
    out = Path(args.output) if args.output else Path("maps") / f"{named.name.split('.')[0] or 'corpus'}.html"
    check_output(out, parents=args.parents or not args.output)
    source = check_regular(args.from_file)
    frame = read_places_file(source)
    title = display_text(args.title or f"Places in {source.name}")
    outlines = open_gazetteer(progress=show_progress(args)).outlines()
    stats: dict = {}
    html = corpus_map(frame, title=title, outlines=outlines, cdn=args.cdn, tiles=args.tiles, attr=args.attr,
                      api_key_env=args.tiles_key_env, embed_api_key=args.embed_tiles_key, stats=stats)
    write_atomic(out, html)
    if show_progress(args):
        line = f"wrote {out} ({stats['places']:,} places from {stats['documents']:,} documents"
        if stats["unplaced"]:
            line += f"; {stats['unplaced']:,} rows without coordinates"
        print(line + ")", file=sys.stderr)
    return 0
