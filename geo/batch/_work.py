"""Geoparse chunks of documents: in this process, in N local processes, or on a dask.distributed cluster.

A chunk is a list of ``(key, text)``; its result is a list of ``(key, rows, error)`` in the same
order, where ``rows`` are the document's places as plain dicts (:func:`geo.frame.place_row`, without
the sentences). Each process — a local worker or a dask worker — loads the model and opens the
gazetteer once (:func:`process_chunk` keeps its Geoparser in a module global). Whatever runs the
chunks, :func:`run_chunks` yields their results in input order, with a bounded number in flight.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable, Iterator, Sequence

from geo._pool import ordered_map
from geo.config import GeoparserConfig
from geo.errors import GeoError, UsageError

__all__ = ["process_chunk", "run_chunks", "ordered_futures", "Chunk", "ChunkResult", "WORKER_CONFIG"]

Chunk = Sequence[tuple[str, str]]
ChunkResult = list[tuple[str, list[dict] | None, str | None]]

_ROW_DROP = ("snippets",)
_geoparsers: dict[GeoparserConfig, Any] = {}  # this process's Geoparser of each config
_lock = threading.Lock()  # a dask worker may run several tasks at once in threads: one build at a time


def _geoparser_of(config: GeoparserConfig) -> Any:
    with _lock:
        gp = _geoparsers.get(config)
        if gp is None:
            gp = _geoparsers[config] = config.build()
        return gp


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


def _process(gp: Any, chunk: Chunk, batch_size: int) -> ChunkResult:
    """Geoparse one chunk with ``gp``; a document that fails gets its reason and the others their rows."""
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


def process_chunk(chunk: Chunk, batch_size: int = 32, config: GeoparserConfig | None = None) -> ChunkResult:
    """Geoparse one chunk in this process (a local or dask worker) with the Geoparser of ``config``,
    built on first use and kept for the next chunks."""
    return _process(_geoparser_of(config or GeoparserConfig()), chunk, batch_size)


# --------------------------------------------------------------------------- local processes


def _init_worker(config: GeoparserConfig) -> None:
    _geoparser_of(config)


def _local(chunks: Iterable[Chunk], workers: int, batch_size: int, config: GeoparserConfig) -> Iterator[ChunkResult]:
    tasks = ((list(chunk), batch_size, config) for chunk in chunks)
    yield from ordered_map(process_chunk, tasks, workers=workers, initializer=_init_worker, initargs=(config,))


# --------------------------------------------------------------------------- dask.distributed

#: dask settings for the workers of a cluster that runs geo (``dask.config.set(WORKER_CONFIG)``
#: before starting a LocalCluster; as environment variables for ``dask worker``, see README). Two
#: defaults of distributed cost a geoparsing worker 10-20% more CPU: the statistical
#: profiler, which samples the running task's stack every 10 ms, and the nanny's
#: ``MALLOC_TRIM_THRESHOLD_=65536``, which has glibc hand freed memory back to the system at
#: every turn of spaCy's allocations (system time doubles). One thread per library stays.
#: The event loop's health tick (50 times a second), the memory monitors of worker and nanny (10)
#: and the system monitor (2) wake every process of the cluster, busy or idle (a busy worker's task
#: thread hands the GIL to each wake-up): an idle 2-worker cluster spent 0.09 of a core on them, 0.013
#: at the rates below (a batch task runs for seconds; memory is still checked every second).
WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.disk": False,
}


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


def _dask(chunks: Iterable[Chunk], client, batch_size: int, config: GeoparserConfig) -> Iterator[ChunkResult]:
    yield from ordered_futures(client, process_chunk, ((list(chunk), batch_size, config) for chunk in chunks))


def ordered_futures(client, fn, tasks: Iterable[tuple]) -> Iterator:
    """``fn(*task)`` of every task on the dask cluster of ``client``, yielded in input order.

    Up to ``2 x threads + 2`` tasks are in flight; a new one goes out whenever any completes, so a
    slow task does not leave the other workers idle while up to ``8 x threads`` finished results
    wait for it (memory stays bounded).
    """
    from distributed import as_completed

    threads = sum(client.nthreads().values()) or 1
    window, held = 2 * threads + 2, 8 * threads
    it = iter(tasks)
    index: dict = {}  # key of a future in flight -> its task's number
    done: dict[int, Any] = {}  # results that wait for an earlier task's
    queue = as_completed(loop=client.loop)
    submitted = next_out = 0

    def top_up() -> None:
        nonlocal submitted
        while len(index) < window and len(done) < held:
            task = next(it, None)
            if task is None:
                return
            fut = client.submit(fn, *task, pure=False)
            index[fut.key] = submitted
            submitted += 1
            queue.add(fut)

    top_up()
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
            result = done.pop(next_out)
            next_out += 1
            top_up()  # before the caller stores this result: the workers keep busy meanwhile
            yield result
        top_up()


def run_chunks(chunks: Iterable[Chunk], *, workers: int = 1, client=None, batch_size: int = 32,
               geoparser=None, config: GeoparserConfig | None = None) -> Iterator[ChunkResult]:
    """Results of ``chunks`` in input order: on ``client`` (dask), in ``workers`` processes, or here.

    Workers build their Geoparser from ``config`` (default: ``geoparser``'s own config, else the
    default one); here, ``geoparser`` is used when given.
    """
    if config is None:
        config = getattr(geoparser, "config", None) if geoparser is not None else GeoparserConfig()
    if client is not None or workers > 1:
        if config is None:
            raise ValueError("this Geoparser was built from live objects: give the workers a GeoparserConfig")
        if client is not None:
            yield from _dask(chunks, client, batch_size, config)
        else:
            yield from _local(chunks, workers, batch_size, config)
        return
    gp = geoparser if geoparser is not None else _geoparser_of(config or GeoparserConfig())
    for chunk in chunks:
        yield _process(gp, chunk, batch_size)
