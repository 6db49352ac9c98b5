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
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from geo.batch._docs import BatchDoc, count_documents, expand_inputs, iter_documents
from geo.errors import UsageError

__all__ = ["run_batch", "BatchSummary", "BatchDoc", "iter_documents", "expand_inputs", "errors_path_for"]


@dataclass(frozen=True)
class BatchSummary:
    output: Path
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
              progress: bool = False, geoparser=None, fetcher=None) -> BatchSummary:
    """Geoparse every document of ``inputs`` into ``output`` (GeoParquet unless ``fmt`` or the extension says).

    ``workers``: local processes; ``scheduler`` (``tcp://HOST:PORT``) or ``client``: a dask.distributed
    cluster instead. Documents that fail are listed in ``errors_path`` (default ``OUT.errors.jsonl``).
    Parts live in ``OUT.parts/`` until the output is complete (kept with ``keep_parts``, so a later run
    on grown inputs only geoparses the new documents). ``restart`` discards parts of earlier runs.
    """
    from geo.batch._store import PartStore, parts_dir
    from geo.batch._work import connect, run_chunks
    from geo.exports import BATCH_FORMATS, format_for, open_table_writer

    if str(output) in ("", "-"):
        raise UsageError("geo batch writes a file: give -o OUTPUT")
    for name, value in (("workers", workers), ("chunk_size", chunk_size), ("batch_size", batch_size),
                        ("part_size", part_docs)):
        if value < 1:
            raise UsageError(f"{name.replace('_', '-')} must be at least 1")
    if limit is not None and limit < 1:
        raise UsageError("limit must be at least 1")
    output = Path(output)
    if output.is_dir():
        raise UsageError(f"{output}: is a directory")
    fmt = format_for(output, fmt, allowed=BATCH_FORMATS, default="parquet")
    errors_file = Path(errors_path) if errors_path else errors_path_for(output)
    # never read our own output, errors file or parts (an output inside an input folder)
    own = {output.resolve(), errors_file.resolve()}
    own_parts = parts_dir(output).resolve()
    files = [f for f in expand_inputs(inputs)
             if f.resolve() not in own and own_parts not in f.resolve().parents]
    if not files:
        raise UsageError("no input documents (the only files given are this batch's own output)")
    total = count_documents(files)
    if limit:
        total = min(total, limit)

    started = time.monotonic()
    own_client = None
    if scheduler and client is None:
        client = own_client = connect(scheduler)
    store = PartStore(parts_dir(output), restart=restart, part_docs=part_docs)
    bar = None
    try:
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="doc", desc="geoparsing", file=sys.stderr, mininterval=0.5,
                       smoothing=0.1, dynamic_ncols=True)
        order: list[str] = []
        read_errors: list[tuple[int, str, str, str]] = []
        pending: dict[str, tuple[str, str, str | None, str | None, str | None, str | None, str | None]] = {}
        counts = {"processed": 0, "skipped": 0}

        def todo() -> Iterator[BatchDoc]:
            docs = iter_documents(files, text_column=text_column, id_column=id_column, fetcher=fetcher)
            for doc in docs:
                if limit and doc.seq >= limit:
                    break
                order.append(doc.key)
                if doc.error is not None:
                    read_errors.append((doc.seq, doc.id, doc.source, doc.error))
                    _tick(bar)
                elif doc.key in store.done:
                    counts["skipped"] += 1
                    _tick(bar)
                else:
                    yield doc

        def chunks():
            chunk: list[tuple[str, str]] = []
            for doc in todo():
                pending[doc.key] = (doc.id, doc.source, doc.title, doc.date, doc.url, doc.author, doc.site)
                chunk.append((doc.key, doc.text))
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        for result in run_chunks(chunks(), workers=workers, client=client, batch_size=batch_size,
                                 geoparser=geoparser):
            for key, rows, error in result:
                doc_id, source, title, date, url, author, site = pending.pop(key)
                if rows:
                    for row in rows:
                        row.update(doc_id=doc_id, doc_title=title, doc_date=date, doc_url=url, doc_author=author,
                                   doc_site=site)
                store.add(key, rows, error, doc_id, source)
                counts["processed"] += 1
                _tick(bar)
        store.flush()
        if bar is not None:
            bar.close()
            bar = None

        # every document is done: assemble the output in input order
        writer = open_table_writer(output, fmt)
        try:
            for table in store.tables(order):
                writer.write(table)
        except BaseException:
            writer.abort()
            raise
        writer.close()
        errors = _errors(order, store, read_errors)
        _write_errors(errors_file, errors)
        summary = BatchSummary(output=output, format=fmt, documents=len(order), processed=counts["processed"],
                               resumed=counts["skipped"], failed=len(errors), rows=writer.rows,
                               seconds=time.monotonic() - started, errors_file=errors_file if errors else None)
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
