"""The format registry: every output format by name, the extensions that choose it, and which
commands write which (``geo places``, ``geo batch``, the frame's text formats)."""

from __future__ import annotations

import os
from typing import Sequence

from geo.errors import UsageError

__all__ = ["FORMATS", "BATCH_FORMATS", "PLACES_FORMATS", "BINARY_FORMATS", "TEXT_FORMATS", "format_for"]

#: every format by name, with the file extensions that choose it
FORMATS: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".geoparquet"),
    "gpkg": (".gpkg",),
    "csv": (".csv",),
    "geojson": (".geojson",),
    "jsonl": (".jsonl", ".geojsonl", ".geojsons", ".ndjson"),
    "kml": (".kml",),
    "json": (".json",),
}
BATCH_FORMATS = ("parquet", "gpkg", "csv", "geojson", "jsonl")
PLACES_FORMATS = ("csv", "geojson", "json", "jsonl", "parquet", "gpkg", "kml")
#: formats that cannot go to standard output
BINARY_FORMATS = ("parquet", "gpkg", "kml")

#: the formats :mod:`geo.frame` renders as text itself
TEXT_FORMATS = ("csv", "geojson", "json")


def format_for(path: str | os.PathLike | None, fmt: str | None, *, allowed: Sequence[str], default: str) -> str:
    """The format named by ``fmt``, else by the extension of ``path``, else ``default``."""
    if fmt:
        if fmt not in allowed:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(allowed)}")
        return fmt
    if path in (None, "-"):
        return default
    name = str(path).lower()
    for candidate in allowed:
        if name.endswith(FORMATS[candidate]):
            return candidate
    exts = ", ".join(e for f in allowed for e in FORMATS[f])
    raise UsageError(f"cannot tell the format from {str(path)!r} (known extensions: {exts}); give -f")
