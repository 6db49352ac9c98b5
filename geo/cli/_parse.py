"""``geo parse INPUT.jsonl -o OUTPUT.jsonl``: every toponym of every document, streamed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from geo.cli._common import add_quiet, progress_choice, show_progress
from geo.cli._geocoding import add_geocoding_options
from geo.cli._output import add_parents, check_output
from geo.errors import GeoError, InputError, UsageError


def register(sub) -> None:
    p = sub.add_parser("parse", help="geoparse a JSON Lines corpus: every toponym with offsets and coordinates",
                       description="Read documents ({\"id\", \"text\"} per line) and write, per document, every "
                                   "toponym found: start, end, name, lat, lon, geonameid, kind, confidence.")
    add_io(p)
    p.add_argument("-o", "--output", metavar="OUTPUT.jsonl", required=True, help="predictions file (- for stdout)")
    add_parents(p)
    p.add_argument("--chunk-size", type=int, default=16, metavar="N",
                   help="documents sent to a worker process at a time (default: 16)")
    add_geocoding_options(p, sidecar=False)
    add_quiet(p)
    p.set_defaults(func=run)


def add_io(p) -> None:
    p.add_argument("input", metavar="INPUT.jsonl", help="documents, one JSON object per line (- for stdin)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N", help="documents per spaCy batch (default: 32)")
    p.add_argument("--skip-bad", action="store_true", help="skip malformed lines with a warning instead of stopping")
    p.add_argument("--no-adjectival", action="store_true",
                   help='leave out adjectival mentions of countries ("Syrian"); names only')


def _progress(args, total_bytes: int | None):
    from geo._progress import progress_bar

    # geo._progress's rule: on a terminal unless forced (redirected to a file or pipe, tqdm's
    # carriage-return frames would be glued to the one-line error or the final summary).
    return progress_bar(progress_choice(args), total=total_bytes, unit="B", unit_scale=True, desc="geoparsing",
                        mininterval=0.5)


def iter_predictions(args, stream, label, bar=None):
    from geo.cli._geocoding import geoparser_config
    from geo.parallel import parse_records
    from geo.parse import read_documents

    _check_numbers(args)
    config = geoparser_config(args)

    def warn(msg):
        print(f"geo: warning: {msg}", file=sys.stderr)

    docs = read_documents(stream, label, skip_bad=args.skip_bad, warn=warn)
    sizes = {}
    failed: list[BaseException] = []

    def counted(ds):
        # A bad line (or undecodable input) ends the stream here instead of raising inside
        # spaCy's batching or the worker pool's window, which would drop the documents read
        # before it; they are parsed and yielded first, then the error is raised.
        try:
            for d in ds:
                sizes[d.id] = len(d.text.encode("utf-8"))
                yield d
        except (InputError, UnicodeDecodeError) as exc:
            failed.append(exc)

    gp = config.build(progress=progress_choice(args)) if args.workers <= 1 else None
    for rec in parse_records(counted(docs), workers=args.workers, batch_size=args.batch_size,
                             adjectival=not args.no_adjectival, geoparser=gp, config=config,
                             chunk_size=getattr(args, "chunk_size", 16)):
        if bar is not None:
            bar.update(sizes.pop(rec["id"], 0))
        yield rec
    if failed:
        raise failed[0]


def _check_numbers(args) -> None:
    if args.workers < 1 or args.batch_size < 1 or getattr(args, "chunk_size", 1) < 1:
        raise UsageError("--workers, --batch-size and --chunk-size take a whole number of at least 1")


def _open_input(path: str):
    # Binary: read_documents decodes each line, so a line that is not UTF-8 is named by number.
    if path == "-":
        return sys.stdin.buffer, "<stdin>", None
    from geo._files import check_regular

    p = Path(path)
    check_regular(p)
    return open(p, "rb"), path, p.stat().st_size


def run(args) -> int:
    """Stream the predictions into a temporary file, renamed onto OUTPUT only when every line is done:
    a bad line, a failure or a signal leaves an earlier OUTPUT byte for byte as it was."""
    from geo._atomic import AtomicPath

    _check_numbers(args)  # the command line is checked before anything is opened or shown
    check_output(args.output, parents=args.parents)
    stream, label, size = _open_input(args.input)
    existed = args.output != "-" and Path(args.output).exists()
    try:
        target = None if args.output == "-" else AtomicPath(args.output, create=True)
    except GeoError:
        if stream is not sys.stdin.buffer:
            stream.close()
        raise
    bar = _progress(args, size)
    n = 0
    try:
        out = sys.stdout if target is None else target.open("w")
        try:
            for rec in iter_predictions(args, stream, label, bar):
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        if target is not None:
            target.commit()
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except GeoError as exc:
        if target is not None and not isinstance(exc, UsageError):
            exc.args = (f"{exc}; {target.path} is unchanged" if existed else f"{exc}; nothing was written",)
        raise
    finally:
        if target is not None:
            target.discard()  # after a commit there is nothing left to remove
        bar.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    if show_progress(args):
        print(f"geo: {n} documents geoparsed" + (f" into {target.path}" if target else ""), file=sys.stderr)
    return 0
