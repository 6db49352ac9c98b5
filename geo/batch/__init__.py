"""Geoparse a whole corpus into one table: one row per (document, place).

>>> summary = run_batch(["archive/"], "places.parquet", workers=2)   # doctest: +SKIP

Documents come from article files, folders and globs of them, JSON Lines and CSV files
(:mod:`geo.batch._docs`); chunks of them are geoparsed here, in local worker processes or on an
existing dask.distributed cluster (:mod:`geo.batch._work`); results are kept in parts as they come
and the output is assembled from the parts at the end (:mod:`geo.batch._store`), so an interrupted
run resumes where it stopped and ends with exactly the rows of an uninterrupted one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from geo.batch._docs import BatchDoc, count_documents, expand_inputs, iter_documents
from geo.errors import UsageError

if TYPE_CHECKING:
    from geo.batch._postgis import PostgisTarget

__all__ = ["run_batch", "BatchSummary", "BatchDoc", "iter_documents", "expand_inputs", "errors_path_for"]


@dataclass(frozen=True)
class BatchSummary:
    output: Path | str  # a file, or the URL of a PostGIS table
    format: str
    documents: int  # documents in the inputs
    processed: int  # geoparsed by this run
    resumed: int  # already done by an earlier run
    failed: int  # in the errors file
    rows: int
    seconds: float
    errors_file: Path | None

    @property
    def docs_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


def errors_path_for(output: Path) -> Path:
    return output.with_name(output.name.rsplit(".", 1)[0] + ".errors.jsonl") if "." in output.name \
        else output.with_name(output.name + ".errors.jsonl")


def run_batch(inputs: Sequence[str], output: str | Path, *, fmt: str | None = None, workers: int = 1,
              scheduler: str | None = None, client=None, text_column: str = "text", id_column: str | None = None,
              errors_path: str | Path | None = None, chunk_size: int = 16, batch_size: int = 32,
              part_docs: int = 500, limit: int | None = None, keep_parts: bool = False, restart: bool = False,
              progress: bool | None = False, geoparser=None, config=None, fetcher=None) -> BatchSummary:
    """Geoparse every document of ``inputs`` into ``output`` (GeoParquet unless ``fmt`` or the extension says).

    ``workers``: local processes; ``scheduler`` (``tcp://HOST:PORT``) or ``client``: a dask.distributed
    cluster instead. Documents that fail are listed in ``errors_path`` (default ``OUT.errors.jsonl``).
    Parts live in ``OUT.parts/`` until the output is complete (kept with ``keep_parts``, so a later run
    on grown inputs only geoparses the new documents). ``restart`` discards parts of earlier runs.
    """
    from geo.batch._postgis import PostgisStore
    from geo.batch._store import PartStore, parts_dir
    from geo.batch._work import connect, run_chunks

    plan = _plan(inputs, output, fmt, errors_path=errors_path, limit=limit, workers=workers, chunk_size=chunk_size,
                 batch_size=batch_size, part_docs=part_docs)
    started = time.monotonic()
    own_client = None
    if scheduler and client is None:
        client = own_client = connect(scheduler)
    store = PartStore(parts_dir(plan.output), restart=restart, part_docs=part_docs) if plan.pg is None \
        else PostgisStore(plan.pg, restart=restart, part_docs=part_docs)
    bar = None
    try:
        bar = _progress_bar(progress, plan.total)
        state = _RunState()
        docs = _todo(plan.files, store, state, bar, text_column=text_column, id_column=id_column, fetcher=fetcher,
                     limit=limit)
        for result in run_chunks(_chunks(docs, state, chunk_size), workers=workers, client=client,
                                 batch_size=batch_size, geoparser=geoparser, config=config):
            _take(result, store, state, bar)
        store.flush()
        if bar is not None:
            bar.close()
            bar = None
        summary = _assemble(plan, store, state, started)
    except BaseException:
        if bar is not None:
            bar.close()
        store.close()
        raise
    finally:
        if own_client is not None:
            own_client.close()
    if keep_parts:
        store.close()
    else:
        store.remove()
    return summary


@dataclass(frozen=True)
class _BatchPlan:
    """What a run reads and writes, checked before any work."""

    output: Path  # the output file (for a PostGIS table: the local name of its parts and errors)
    pg: PostgisTarget | None  # the PostGIS table instead of a file
    fmt: str
    errors_file: Path
    files: list[Path]  # the input files, less this batch's own output, errors file and parts
    total: int  # documents to geoparse (an estimate for the progress bar)


@dataclass(frozen=True)
class _DocMeta:
    """What a document's rows say of it, kept while its text is geoparsed."""

    id: str
    source: str
    title: str | None
    date: str | None
    url: str | None
    author: str | None
    site: str | None


@dataclass(frozen=True)
class _RunState:
    """What a run gathers as it goes: the keys in input order, read errors, documents in flight, counts."""

    order: list[str] = field(default_factory=list)
    read_errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    pending: dict[str, _DocMeta] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"processed": 0, "skipped": 0})


def _plan(inputs: Sequence[str], output: str | Path, fmt: str | None, *, errors_path: str | Path | None,
          limit: int | None, workers: int, chunk_size: int, batch_size: int, part_docs: int) -> _BatchPlan:
    """The checked options, output, format, errors file and input files of a run (UsageError if wrong)."""
    from geo._files import check_regular
    from geo.batch._store import parts_dir
    from geo.exports import BATCH_FORMATS, format_for

    if str(output) in ("", "-"):
        raise UsageError("geo batch writes a file: give -o OUTPUT")
    for name, value in (("workers", workers), ("chunk_size", chunk_size), ("batch_size", batch_size),
                        ("part_size", part_docs)):
        if value < 1:
            raise UsageError(f"{name.replace('_', '-')} must be at least 1")
    if limit is not None and limit < 1:
        raise UsageError("limit must be at least 1")
    pg = _postgis_target(output, fmt)  # the hook: a PostGIS table (postgresql://…?table=NAME) instead of a file
    output = Path(output) if pg is None else pg.local_name
    if pg is None and output.is_dir():
        raise UsageError(f"{output}: is a directory")
    fmt = "postgis" if pg is not None else format_for(output, fmt, allowed=BATCH_FORMATS, default="parquet")
    errors_file = Path(errors_path) if errors_path else errors_path_for(output)
    # never read our own output, errors file or parts (an output inside an input folder)
    own = {output.resolve(), errors_file.resolve()}
    own_parts = parts_dir(output).resolve()
    files = [f for f in expand_inputs(inputs)
             if f.resolve() not in own and own_parts not in f.resolve().parents]
    if not files:
        raise UsageError("no input documents (the only files given are this batch's own output)")
    for f in files:
        check_regular(f, "input file")
    total = count_documents(files)
    if limit:
        total = min(total, limit)
    return _BatchPlan(output, pg, fmt, errors_file, files, total)


def _progress_bar(progress: bool | None, total: int):
    """The progress bar of a run, or None (geo._progress's rule: None draws a bar on a terminal only)."""
    if progress is False:
        return None
    from geo._progress import progress_bar

    return progress_bar(progress, total=total, unit="doc", desc="geoparsing", mininterval=0.5,
                        smoothing=0.1, dynamic_ncols=True, leave=True)


def _todo(files: Sequence[Path], store, state: _RunState, bar, *, text_column: str, id_column: str | None,
          fetcher, limit: int | None) -> Iterator[BatchDoc]:
    """The documents still to geoparse, in order (read errors and documents done earlier are counted)."""
    from geo.inputs import is_url

    # the pages done earlier (by their URL, the id of a page in a list) are not fetched again
    done_urls = {entry[4]: key for key, entry in store.done.items() if entry[4] and is_url(entry[4])}
    docs = iter_documents(files, text_column=text_column, id_column=id_column, fetcher=fetcher, done_urls=done_urls)
    for doc in docs:
        if limit and doc.seq >= limit:
            break
        state.order.append(doc.key)
        if doc.error is not None:
            state.read_errors.append((doc.seq, doc.id, doc.source, doc.error))
            _tick(bar)
        elif doc.done or doc.key in store.done:
            state.counts["skipped"] += 1
            _tick(bar)
        else:
            yield doc


def _chunks(docs: Iterator[BatchDoc], state: _RunState, chunk_size: int) -> Iterator[list[tuple[str, str]]]:
    """Chunks of (key, text) for the workers; each document's metadata waits in ``state.pending``."""
    chunk: list[tuple[str, str]] = []
    for doc in docs:
        state.pending[doc.key] = _DocMeta(doc.id, doc.source, doc.title, doc.date, doc.url, doc.author, doc.site)
        assert doc.text is not None  # _todo passes only documents read without an error: they have their text
        chunk.append((doc.key, doc.text))
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _take(result, store, state: _RunState, bar) -> None:
    """Keep the rows (or the error) of each document of a chunk's ``result``, with its metadata."""
    for key, rows, error in result:
        meta = state.pending.pop(key)
        if rows:
            for row in rows:
                row.update(doc_id=meta.id, doc_title=meta.title, doc_date=meta.date, doc_url=meta.url,
                           doc_author=meta.author, doc_site=meta.site)
        store.add(key, rows, error, meta.id, meta.source)
        state.counts["processed"] += 1
        _tick(bar)


def _assemble(plan: _BatchPlan, store, state: _RunState, started: float) -> BatchSummary:
    """Every document is done: write the output in input order, and the errors file."""
    from geo.exports import open_table_writer

    writer = open_table_writer(plan.output, plan.fmt) if plan.pg is None else store.writer(state.order)
    try:
        for table in store.tables(state.order):
            writer.write(table)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    errors = _errors(state.order, store, state.read_errors)
    _write_errors(plan.errors_file, errors)
    return BatchSummary(output=plan.output if plan.pg is None else plan.pg.label, format=plan.fmt,
                        documents=len(state.order), processed=state.counts["processed"],
                        resumed=state.counts["skipped"], failed=len(errors), rows=writer.rows,
                        seconds=time.monotonic() - started, errors_file=plan.errors_file if errors else None)


def _postgis_target(output, fmt):
    """The PostGIS table ``output`` names, checked (it answers, it has PostGIS) before any work; else None."""
    from geo.batch._postgis import connect, is_postgis_url, parse_postgis_url

    if not is_postgis_url(str(output)):
        return None
    if fmt not in (None, "postgis"):
        raise UsageError(f"-f {fmt} does not apply to a PostGIS table")
    target = parse_postgis_url(str(output))
    connect(target).dispose()
    return target


def _tick(bar) -> None:
    if bar is not None:
        if bar.total is not None and bar.n >= bar.total:
            bar.total = bar.n + 1  # the count was an estimate
        bar.update(1)


def _errors(order: list[str], store, read_errors) -> list[tuple[int, str, str, str]]:
    out = list(read_errors)
    for seq, key in enumerate(order):
        entry = store.done.get(key)
        if entry is not None and entry[3] is not None:
            out.append((seq, entry[4], entry[5], entry[3]))
    out.sort(key=lambda e: e[0])
    return out


def _write_errors(path: Path, errors) -> None:
    from geo._atomic import write_atomic

    if not errors:
        try:
            path.unlink()  # a stale list from an earlier run
        except FileNotFoundError:
            pass
        return
    lines = [json.dumps({"id": doc_id, "source": source, "error": error}, ensure_ascii=False)
             for _seq, doc_id, source, error in errors]
    write_atomic(path, "\n".join(lines) + "\n")
