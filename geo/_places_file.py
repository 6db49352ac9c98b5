"""Read a places file back — any format ``geo places`` or ``geo batch`` writes — as a GeoDataFrame.

``geo map --from`` draws from it. The JSON formats (``.json`` records with ``lat``/``lon``, ``.geojson``
FeatureCollections, ``.jsonl`` GeoJSON Lines) are parsed here, so lists stay lists; GeoParquet,
GeoPackage and CSV go through :func:`geo.exports.read_table`; KML through GDAL, its ``Name`` and text
fields turned back into the places columns. Whatever the reader, one failure is one line naming the
formats accepted — never a GDAL hint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from geo.errors import InputError

__all__ = ["read_places_file", "ACCEPTED"]

#: extensions by reader, in the order the error message lists them
ACCEPTED = {
    "table": (".parquet", ".geoparquet", ".gpkg", ".csv"),
    "geojson": (".geojson",),
    "json": (".json",),
    "jsonl": (".jsonl", ".geojsonl", ".geojsons", ".ndjson"),
    "kml": (".kml",),
}
_NUMBERS = ("geonameid", "population", "mentions", "adjectival_mentions", "confidence")
_LISTS = ("surface_forms", "spans", "adjectival_spans", "snippets")
_KML_ONLY = ("id", "description", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
             "visibility", "drawOrder", "icon")


def _accepted() -> str:
    return ", ".join(e for exts in ACCEPTED.values() for e in exts)


def read_places_file(path) -> Any:
    """A places file as a GeoDataFrame in EPSG:4326; :class:`InputError` (one line) when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: is not a file")
    name = path.name.lower()
    kind = next((k for k, exts in ACCEPTED.items() if name.endswith(exts)), None)
    if kind is None:
        raise InputError(f"{path}: not a places file; geo map --from reads {_accepted()} "
                         "(as geo batch or geo places write them)")
    try:
        frame = _READERS[kind](path)
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, AttributeError) as exc:
        reason = " ".join(str(exc).split())[:120].split(" Prefixing")[0]
        raise InputError(f"{path}: cannot read it as a places file ({reason}); geo map --from reads "
                         f"{_accepted()} (as geo batch or geo places write them)") from None
    if "name" not in frame.columns:
        raise InputError(f"{path}: not a places file (no 'name' column); write one with geo batch or geo places")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return _normalise(frame)


def _read_table(path: Path):
    from geo.exports import read_table

    return read_table(path)


def _frame(records: list[dict], coords: Sequence[tuple[float, ...] | None]):
    import geopandas as gpd
    from shapely.geometry import Point

    geometry = [None if c is None else Point(c) for c in coords]
    return gpd.GeoDataFrame(records, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def _from_features(features) -> Any:
    records: list[dict] = []
    coords: list[tuple[float, ...] | None] = []
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ValueError("a line or item is not a GeoJSON Feature")
        records.append(dict(feature.get("properties") or {}))
        geom = feature.get("geometry")
        if geom is None:
            coords.append(None)
        elif geom.get("type") == "Point":
            coords.append(tuple(float(x) for x in geom["coordinates"][:2]))
        else:
            from shapely.geometry import shape

            point = shape(geom).representative_point()
            coords.append((point.x, point.y))
    return _frame(records, coords)


def _read_geojson(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError("not a GeoJSON FeatureCollection")
    return _from_features(data.get("features") or [])


def _read_json(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return _from_features(data.get("features") or [])
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("not a list of place records")
    records, coords = [], []
    for rec in data:
        rec = dict(rec)
        lat, lon = rec.pop("lat", None), rec.pop("lon", None)
        records.append(rec)
        coords.append(None if lat is None or lon is None else (float(lon), float(lat)))
    return _frame(records, coords)


def _read_jsonl(path: Path):
    with path.open(encoding="utf-8") as f:
        return _from_features(json.loads(line) for line in f if line.strip())


def _read_kml(path: Path):
    import geopandas as gpd

    frame = gpd.read_file(path)
    frame = frame.rename(columns={"Name": "name"})
    return frame.drop(columns=[c for c in _KML_ONLY if c in frame.columns])


_READERS = {"table": _read_table, "geojson": _read_geojson, "json": _read_json, "jsonl": _read_jsonl,
            "kml": _read_kml}


def _normalise(frame):
    """Numbers as numbers, ``resolved`` as booleans and lists as lists, whatever the format kept them as."""
    import pandas as pd

    for col in _NUMBERS:
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    if "resolved" in frame.columns:
        frame["resolved"] = [v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "yes")
                             for v in frame["resolved"]]
    for col in _LISTS:
        if col in frame.columns:
            frame[col] = [_list(v) for v in frame[col]]
    return frame


def _list(v):
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return [v]
    return v
