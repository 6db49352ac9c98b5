"""Geoparse chunks of documents: in this process, in N local processes, or on a dask.distributed cluster.

A chunk is a list of ``(key, text)``; its result is a list of ``(key, rows, error)`` in the same
order, where ``rows`` are the document's places as plain dicts (:func:`geo.frame.place_row`, without
the sentences). Each process — a local worker or a dask worker — loads the model and opens the
gazetteer once (:func:`process_chunk` keeps its Geoparser in a module global). Whatever runs the
chunks, :func:`run_chunks` yields their results in input order, with a bounded number in flight.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections import deque
from typing import Iterable, Iterator, Sequence

from geo.errors import GeoError, UsageError

__all__ = ["process_chunk", "run_chunks", "Chunk", "ChunkResult"]

Chunk = Sequence[tuple[str, str]]
ChunkResult = list[tuple[str, list[dict] | None, str | None]]

_ROW_DROP = ("snippets",)
_geoparser = None
_lock = threading.Lock()  # a dask worker may run several tasks at once in threads: one parse at a time


def _get_geoparser():
    global _geoparser
    if _geoparser is None:
        from geo.pipeline import Geoparser

        _geoparser = Geoparser(progress=False)
    return _geoparser


def _rows(places) -> list[dict]:
    from geo.frame import place_row

    out = []
    for p in places:
        row = place_row(p)
        for col in _ROW_DROP:
            row.pop(col, None)
        out.append(row)
    return out


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if isinstance(exc, GeoError) else f"{type(exc).__name__}: {text}"


def process_chunk(chunk: Chunk, batch_size: int = 32) -> ChunkResult:
    """Geoparse one chunk; a document that fails gets its reason and the others their rows."""
    with _lock:
        gp = _get_geoparser()
        keys = [k for k, _ in chunk]
        texts = [t for _, t in chunk]
        try:
            return [(k, _rows(places), None) for k, places in zip(keys, gp.pipe(texts, batch_size=batch_size))]
        except Exception:  # noqa: BLE001 - find the document that failed, one at a time
            pass
        out: ChunkResult = []
        for k, text in chunk:
            try:
                out.append((k, _rows(gp.places(text)), None))
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
                out.append((k, None, _reason(exc)))
        return out


# --------------------------------------------------------------------------- local processes


def _init_worker() -> None:
    _get_geoparser()


def _local(chunks: Iterable[Chunk], workers: int, batch_size: int) -> Iterator[ChunkResult]:
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_init_worker) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(process_chunk, (list(chunk), batch_size)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# --------------------------------------------------------------------------- dask.distributed


def connect(address: str, timeout: float = 20.0):
    """A dask.distributed Client of the cluster at ``address`` (``tcp://HOST:PORT``)."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - a dependency
        raise GeoError("dask.distributed is not installed: pip install 'dask[distributed]'") from exc
    if "://" not in address:
        raise UsageError(f"--scheduler takes an address like tcp://HOST:PORT, not {address!r}")
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise GeoError(f"cannot reach the dask scheduler at {address}: {' '.join(str(exc).split())}") from exc


def _dask(chunks: Iterable[Chunk], client, batch_size: int) -> Iterator[ChunkResult]:
    """Chunks as dask futures, a window of them in flight, results re-ordered as they complete."""
    from distributed import as_completed

    threads = sum(client.nthreads().values()) or 1
    window = 2 * threads + 2
    it = iter(chunks)
    index: dict = {}
    done: dict[int, ChunkResult] = {}
    queue = None
    first: list = []
    submitted = 0
    next_out = 0

    def submit() -> bool:
        nonlocal submitted
        chunk = next(it, None)
        if chunk is None:
            return False
        fut = client.submit(process_chunk, list(chunk), batch_size, pure=False)
        index[fut.key] = submitted
        submitted += 1
        if queue is None:
            first.append(fut)
        else:
            queue.add(fut)
        return True

    while submitted < window and submit():
        pass
    if not first:
        return
    queue = as_completed(first, loop=client.loop)
    first.clear()
    for fut in queue:
        i = index.pop(fut.key)
        try:
            done[i] = fut.result()
        except Exception as exc:  # noqa: BLE001 - a worker died or lacks geo: one line, the parts are kept
            raise GeoError(f"the dask cluster failed on a chunk of documents ({type(exc).__name__}: "
                           f"{' '.join(str(exc).split())[:300]}); the work done so far is kept: rerun to resume"
                           ) from exc
        finally:
            fut.release()
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1
            submit()


def run_chunks(chunks: Iterable[Chunk], *, workers: int = 1, client=None, batch_size: int = 32,
               geoparser=None) -> Iterator[ChunkResult]:
    """Results of ``chunks`` in input order: on ``client`` (dask), in ``workers`` processes, or here
    (with ``geoparser`` when given, else one loaded on first use)."""
    global _geoparser
    if geoparser is not None and client is None and workers <= 1:
        _geoparser = geoparser
    if client is not None:
        yield from _dask(chunks, client, batch_size)
    elif workers > 1:
        yield from _local(chunks, workers, batch_size)
    else:
        for chunk in chunks:
            yield process_chunk(chunk, batch_size)
