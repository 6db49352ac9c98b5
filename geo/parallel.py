"""Run the geoparser over many documents, in this process or in N local worker processes.

Results come back in input order; at most a few chunks per worker are in flight, so memory stays
bounded whatever the input size. Each worker builds its Geoparser once, from the
:class:`~geo.config.GeoparserConfig` it is given (model, gazetteer, places, corrections, geocoders).
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence

from geo._pool import ordered_map
from geo.config import GeoparserConfig

__all__ = ["parse_records"]

_worker: tuple[Any, dict[str, Any]] | None = None  # the Geoparser of a worker process and the options


def _init(config: GeoparserConfig, options: dict[str, Any]) -> None:
    global _worker
    _worker = (config.build(), options)


def _run_chunk(chunk: Sequence[tuple[Any, str, int]]) -> list[dict]:
    from geo.parse import Document, predictions

    assert _worker is not None, "a worker process runs _init first"
    gp, options = _worker
    docs = [Document(id=i, text=t, line=ln) for i, t, ln in chunk]
    return list(predictions(gp, docs, batch_size=options["batch_size"], adjectival=options["adjectival"]))


def _chunks(docs: Iterable, size: int) -> Iterator[tuple[list[tuple[Any, str, int]]]]:
    it = iter(docs)
    while True:
        chunk = [(d.id, d.text, d.line) for d in islice(it, size)]
        if not chunk:
            return
        yield (chunk,)


def parse_records(docs: Iterable, *, workers: int = 1, batch_size: int = 32, adjectival: bool = True,
                  geoparser: Any = None, config: GeoparserConfig | None = None, chunk_size: int = 16,
                  on_result: Callable[[dict], None] | None = None) -> Iterator[dict]:
    """Prediction records (``{"id", "toponyms"}``) for ``docs`` (:class:`geo.parse.Document`), in order.

    In this process with ``geoparser`` (or one built from ``config``); with ``workers`` > 1, each
    worker process builds one from ``config`` (default: the geoparser's own config).
    """
    if workers <= 1:
        from geo.parse import predictions

        gp = geoparser or (config or GeoparserConfig()).build()
        yield from predictions(gp, docs, batch_size=batch_size, adjectival=adjectival)
        return
    if config is None:
        config = geoparser.config if geoparser is not None else GeoparserConfig()
        if config is None:
            raise ValueError("this Geoparser was built from live objects: give worker processes a GeoparserConfig")
    options = {"batch_size": batch_size, "adjectival": adjectival}
    for records in ordered_map(_run_chunk, _chunks(docs, chunk_size), workers=workers, initializer=_init,
                               initargs=(config, options), window=3 * workers):
        yield from records
