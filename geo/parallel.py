"""Run the geoparser over many documents, in this process or in N local worker processes.

Results come back in input order; at most a few chunks per worker are in flight, so memory stays
bounded whatever the input size. Each worker loads the model and opens the gazetteer once.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from itertools import islice
from typing import Callable, Iterable, Iterator, Sequence

__all__ = ["parse_records"]

_worker = None  # the Geoparser of a worker process


def _init(options: dict) -> None:
    global _worker
    from geo.pipeline import Geoparser

    _worker = (Geoparser(progress=False), options)


def _run_chunk(chunk: Sequence[tuple]) -> list[dict]:
    from geo.parse import Document, predictions

    gp, options = _worker
    docs = [Document(id=i, text=t, line=ln) for i, t, ln in chunk]
    return list(predictions(gp, docs, batch_size=options["batch_size"], adjectival=options["adjectival"]))


def _chunks(docs: Iterable, size: int) -> Iterator[list[tuple]]:
    it = iter(docs)
    while True:
        chunk = [(d.id, d.text, d.line) for d in islice(it, size)]
        if not chunk:
            return
        yield chunk


def parse_records(docs: Iterable, *, workers: int = 1, batch_size: int = 32, adjectival: bool = True,
                  geoparser=None, chunk_size: int = 16, on_result: Callable[[dict], None] | None = None
                  ) -> Iterator[dict]:
    """Prediction records (``{"id", "toponyms"}``) for ``docs`` (:class:`geo.parse.Document`), in order."""
    options = {"batch_size": batch_size, "adjectival": adjectival}
    if workers <= 1:
        from geo.parse import predictions
        from geo.pipeline import Geoparser

        gp = geoparser or Geoparser(progress=False)
        yield from predictions(gp, docs, batch_size=batch_size, adjectival=adjectival)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_init, initargs=(options,)) as pool:
        pending: deque = deque()
        chunks = _chunks(docs, chunk_size)
        for chunk in chunks:
            pending.append(pool.apply_async(_run_chunk, (chunk,)))
            if len(pending) >= 3 * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
