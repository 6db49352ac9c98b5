"""``geo parse INPUT.jsonl -o OUTPUT.jsonl``: every toponym of every document, streamed."""

from __future__ import annotations

import json
import os
import sys
import tempfile
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
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory")
    return open(p, "rb"), path, p.stat().st_size


def run(args) -> int:
    _check_numbers(args)  # the command line is checked before anything is opened or shown
    out_path = check_output(args.output, parents=args.parents)
    stream, label, size = _open_input(args.input)
    bar = _progress(args, size)
    if out_path is None:
        out, tmp = sys.stdout, None
    else:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent or ".")
        out = os.fdopen(fd, "w", encoding="utf-8")
    n = 0
    failed: BaseException | None = None
    try:
        for rec in iter_predictions(args, stream, label, bar):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    except (GeoError, UnicodeDecodeError, KeyboardInterrupt) as exc:
        failed = exc
    finally:
        bar.close()
        if stream is not sys.stdin.buffer:
            stream.close()
        if tmp is not None:
            out.close()
            if (n or failed is None) and out_path is not None:
                os.replace(tmp, out_path)  # what was written before a bad line is kept
            else:
                os.unlink(tmp)
    if isinstance(failed, UnicodeDecodeError):
        raise InputError(f"{label}: not UTF-8 text ({failed.reason} at byte {failed.start})")
    if failed is not None:
        if n and out_path is not None:
            note = f"the {n} documents before it are in {out_path}"
            if isinstance(failed, GeoError):  # still one line on stderr
                failed.args = (f"{failed}; {note}",)
            else:
                print(f"geo: {note}", file=sys.stderr)
        raise failed
    if show_progress(args):
        print(f"geo: {n} documents geoparsed" + (f" into {out_path}" if out_path else ""), file=sys.stderr)
    return 0
