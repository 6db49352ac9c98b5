"""``geo batch INPUT… -o OUTPUT``: every place of every document of a corpus, in one table."""

from __future__ import annotations

import sys

from geo.cli._common import add_quiet, show_progress
from geo.cli._fetch import add_fetch_options, make_fetcher

FORMAT_HELP = "parquet (GeoParquet, default), gpkg (GeoPackage), csv, geojson, jsonl (GeoJSON Lines)"


def register(sub) -> None:
    p = sub.add_parser(
        "batch", help="geoparse a whole corpus into one table (GeoParquet, GeoPackage, CSV, GeoJSON)",
        description="Geoparse every document of the inputs and write one row per (document, place) with the "
                    "document's id, title, date and URL. Resumable: rerun the same command after an "
                    "interruption and only the documents not yet done are geoparsed.")
    p.add_argument("inputs", metavar="INPUT", nargs="+",
                   help=".txt/.html files, folders of them, globs ('news/**/*.html'), JSON Lines files "
                        "({\"id\", \"text\", \"title\", \"date\", \"url\"…} per line), CSV files, or lists of "
                        "URLs (a .urls file, or a .txt file of http(s) URLs, one per line)")
    p.add_argument("-o", "--output", metavar="OUTPUT", required=True,
                   help="output file; the format comes from its extension (.parquet, .gpkg, .csv, .geojson, "
                        ".jsonl) unless -f says")
    p.add_argument("-f", "--format", choices=("parquet", "gpkg", "csv", "geojson", "jsonl"), default=None,
                   help=FORMAT_HELP)
    run = p.add_argument_group("where to run")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local worker processes, each loading the model once (default: 1)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                       help="run on this existing dask.distributed cluster instead (its workers need geo installed)")
    run.add_argument("--chunk-size", type=int, default=16, metavar="N",
                     help="documents sent to a worker at a time (default: 16)")
    run.add_argument("--batch-size", type=int, default=32, metavar="N", help="documents per spaCy batch (default: 32)")
    inp = p.add_argument_group("inputs")
    inp.add_argument("--text-column", default="text", metavar="NAME", help="CSV column with the text (default: text)")
    inp.add_argument("--id-column", default=None, metavar="NAME",
                     help="CSV column with the document id (default: FILE:LINE)")
    inp.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N documents")
    out = p.add_argument_group("resuming and errors")
    out.add_argument("--errors", metavar="FILE", default=None,
                     help="where to list the documents that failed (default: OUTPUT without its extension + .errors.jsonl)")
    out.add_argument("--part-size", type=int, default=500, metavar="N",
                     help="save progress every N documents (and at least every 30 s; default: 500)")
    out.add_argument("--keep-parts", action="store_true",
                     help="keep OUTPUT.parts/ after finishing, so a later run on grown inputs only does the new documents")
    out.add_argument("--restart", action="store_true", help="discard the parts of an earlier run and start again")
    add_fetch_options(p, batch=True)
    add_quiet(p)
    p.set_defaults(func=run_command)


def run_command(args) -> int:
    from geo.batch import run_batch

    try:
        summary = run_batch(
            args.inputs, args.output, fmt=args.format, workers=args.workers, scheduler=args.scheduler,
            text_column=args.text_column, id_column=args.id_column, errors_path=args.errors,
            chunk_size=args.chunk_size, batch_size=args.batch_size, part_docs=args.part_size, limit=args.limit,
            keep_parts=args.keep_parts, restart=args.restart, progress=show_progress(args),
            fetcher=make_fetcher(args))
    except KeyboardInterrupt:
        print(f"geo: interrupted; the documents done so far are kept in {args.output}.parts/: "
              "run the same command again to resume", file=sys.stderr)
        return 130
    if show_progress(args):
        parts = [f"wrote {summary.output} ({summary.rows:,} rows from {summary.documents:,} documents"]
        if summary.resumed:
            parts.append(f"{summary.resumed:,} done by an earlier run")
        parts.append(f"{summary.processed:,} geoparsed in {summary.seconds:.1f} s, "
                     f"{summary.docs_per_second:.1f} docs/s)")
        print(", ".join(parts), file=sys.stderr)
        if summary.errors_file:
            print(f"geo: {summary.failed:,} documents failed; see {summary.errors_file}", file=sys.stderr)
    return 0
