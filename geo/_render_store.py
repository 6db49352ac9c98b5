"""Simplified outlines kept between runs, so a cold map does not simplify every country again.

The offline basemap of a map page is every country's outline, simplified (``geo/_render_geometry.py``):
about 0.1 s of CPU and the shapely import on each ``geo map``, for a result that depends only on the
outlines, the tolerance and the rounding, the same for every map of the same gazetteer. So the
simplified GeoJSON is remembered in one JSON file in geo's cache directory, by a digest of
(geometry, tolerance, decimals), one file per shapely version (its GEOS does the simplifying).
A missing, unreadable or foreign file is simply recomputed; a cache directory that cannot be written
only makes maps slower. The bytes of a map never depend on whether the file was there.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Callable

__all__ = ["remembered", "save"]

_FORMAT = "1"
#: at most this many geometries are remembered (the gazetteer's outlines at three tolerances fit)
MAX_ENTRIES = 2000

_lock = threading.Lock()
_state: dict[str, object] = {}  # "entries": digest -> simplified JSON text (or None), "dirty": bool


def _path() -> Path:
    from importlib.metadata import PackageNotFoundError, version

    from geo._cache import cache_dir

    try:
        shapely = version("shapely")
    except PackageNotFoundError:
        shapely = "none"
    return cache_dir() / f"simplified-outlines-v{_FORMAT}-shapely-{shapely}.json"


def _entries() -> dict[str, str | None]:
    entries = _state.get("entries")
    if entries is None:
        try:
            loaded = json.loads(_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = None
        valid = isinstance(loaded, dict) and all(isinstance(v, (str, type(None))) for v in loaded.values())
        entries = _state["entries"] = loaded if valid else {}
    return entries  # type: ignore[return-value]


def remembered(geometry_json: str, tolerance: float, decimals: int,
               simplify: Callable[[str, float, int], str | None]) -> str | None:
    """``simplify(geometry_json, tolerance, decimals)``, from the file when it was done before."""
    digest = hashlib.sha256(f"{tolerance!r}\0{decimals}\0{geometry_json}".encode()).hexdigest()[:32]
    with _lock:
        entries = _entries()
        if digest in entries:
            return entries[digest]
    value = simplify(geometry_json, tolerance, decimals)
    with _lock:
        if len(entries) < MAX_ENTRIES:
            entries[digest] = value
            _state["dirty"] = True
    return value


def save() -> None:
    """Write what was added since the file was read (best effort, atomically)."""
    from geo._atomic import write_atomic
    from geo.errors import GeoError

    with _lock:
        if not _state.get("dirty"):
            return
        _state["dirty"] = False
        text = json.dumps(_state["entries"], separators=(",", ":"))
    try:
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except (GeoError, OSError):
        pass
