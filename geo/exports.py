"""Export formats for places tables: GeoParquet, GeoPackage, CSV, GeoJSON, GeoJSON Lines, KML, JSON.

Two kinds of table are written here:

* the places frame of one article (:func:`geo.frame.to_frame`), by :func:`write_frame` /
  :func:`frame_text` (``geo places``);
* the corpus table of ``geo batch`` — one row per (document, place) — as a stream of Arrow
  tables with the fixed schema :func:`batch_schema`, by :func:`open_table_writer`; nothing
  holds the whole table in memory.

Every file is written to a temporary file beside the target and renamed into place, so a
reader sees the old file or the whole new one. Coordinates are WGS 84 (EPSG:4326) in every
format: GeoParquet and GeoPackage carry the CRS, GeoJSON and KML are WGS 84 by definition, CSV has
``lat``/``lon`` columns, and the corpus CSV of ``geo batch`` gets a ``.prj`` sidecar (read by GDAL,
QGIS and GeoPandas; one article's CSV stays a single file).
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any, Sequence

from geo.errors import GeoError, UsageError

__all__ = [
    "FORMATS", "BATCH_FORMATS", "PLACES_FORMATS", "BINARY_FORMATS", "format_for", "write_frame", "frame_text", "records_text",
    "BATCH_COLUMNS", "batch_schema", "rows_to_table", "open_table_writer", "read_table", "point_wkb",
]

# the format registry lives in geo._formats (one for the frame, the places and the batch tables)
from geo._formats import BATCH_FORMATS, BINARY_FORMATS, FORMATS, PLACES_FORMATS, format_for  # noqa: E402,F401

_LIST_COLUMNS = ("surface_forms", "spans", "adjectival_spans", "snippets")
_LAYER = "places"


# --------------------------------------------------------------------------- GDAL errors


def gdal_errors(path):
    """A context turning pyogrio/GDAL errors while writing ``path`` into one-line :class:`GeoError`."""
    return _GdalErrors(path)


class _GdalErrors:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or not issubclass(exc_type, Exception) or isinstance(exc, GeoError):
            return False
        import pyogrio.errors as pe

        gdal = (pe.DataSourceError, pe.DataLayerError, pe.FieldError, pe.GeometryError, pe.CRSError)
        if isinstance(exc, gdal):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GeoError(f"cannot write {self.path}: {first}") from exc
        return False


def _prj_text() -> str:
    from pyproj import CRS

    return CRS.from_epsg(4326).to_wkt("WKT1_GDAL")


def _write_prj(path: Path) -> None:
    from geo._atomic import write_atomic

    write_atomic(path.with_suffix(".prj"), _prj_text())


# --------------------------------------------------------------------------- one article's frame


def _flat(frame):
    """The frame with list columns as JSON text (for formats without list types)."""
    out = frame.copy()
    for col in _LIST_COLUMNS:
        if col in out.columns:
            out[col] = [json.dumps(_plain(v), ensure_ascii=False) for v in out[col]]
    return out


def _plain(v: Any) -> Any:
    from geo.frame import _plain as plain

    return plain(v)


def frame_text(frame, fmt: str) -> str:
    """A text format of the places frame (csv, geojson, json, jsonl)."""
    from geo.frame import to_json_records

    return records_text(to_json_records(frame), fmt)


def records_text(records: list[dict], fmt: str) -> str:
    """:func:`frame_text` of the frame's rows as plain records (:func:`geo.frame.place_records`)."""
    from geo.frame import records_csv, records_geojson

    if fmt == "csv":
        return records_csv(records)
    if fmt == "geojson":
        return json.dumps(records_geojson(records), ensure_ascii=False, indent=1) + "\n"
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in records_geojson(records)["features"])
    raise UsageError(f"{fmt} cannot be written as text; give -o FILE")


def _kml_frame(frame):
    """Name and description (the place's kind, country and sentences) for KML placemarks."""
    flat = _flat(frame)
    descriptions = []
    for kind, country, snippets in zip(frame["kind"], frame["country"], frame["snippets"]):
        head = ", ".join(str(x) for x in (kind, country) if isinstance(x, str) and x)
        lines = [head] + [str(s) for s in (_plain(snippets) or [])]
        descriptions.append("\n".join(x for x in lines if x))
    flat["description"] = descriptions
    return flat


def write_frame(frame, path: str | os.PathLike, fmt: str) -> Path:
    """Write the places frame of one article to ``path`` in ``fmt``, atomically."""
    import pyogrio

    if fmt not in PLACES_FORMATS:
        raise UsageError(f"unknown format {fmt!r}")
    from geo._atomic import AtomicPath, write_atomic

    if fmt not in BINARY_FORMATS:
        return write_atomic(path, frame_text(frame, fmt))
    target = AtomicPath(path)
    with target, gdal_errors(target.path):
        if fmt == "parquet":
            frame.to_parquet(target.tmp, index=False, schema_version="1.0.0")
        elif fmt == "gpkg":
            # the GeoPackage's own row id gets another name: "fid" is the frame's feature id column
            pyogrio.write_dataframe(_flat(frame), target.tmp, layer=_LAYER, driver="GPKG",
                                    layer_options={"FID": "gpkg_fid"})
        else:
            pyogrio.write_dataframe(_kml_frame(frame), target.tmp, layer=_LAYER, driver="KML",
                                    dataset_options={"NameField": "name", "DescriptionField": "description"})
    return target.path


# --------------------------------------------------------------------------- the corpus table

#: columns of ``geo batch`` output, in order: the document, then the place
BATCH_COLUMNS = [
    "doc_id", "doc_title", "doc_date", "doc_url", "doc_author", "doc_site",
    "name", "kind", "country_code", "country", "geonameid", "population", "mentions", "adjectival_mentions",
    "surface_forms", "spans", "adjectival_spans", "confidence", "resolved", "source", "geometry",
]


def _crs_projjson() -> dict:
    from pyproj import CRS

    return CRS.from_epsg(4326).to_json_dict()


def batch_schema():
    """The Arrow schema of the corpus table, with GeoParquet 1.0 metadata (WKB points, EPSG:4326)."""
    import pyarrow as pa

    spans = pa.list_(pa.list_(pa.int64()))
    fields = [
        ("doc_id", pa.string()), ("doc_title", pa.string()), ("doc_date", pa.string()), ("doc_url", pa.string()),
        ("doc_author", pa.string()), ("doc_site", pa.string()),
        ("name", pa.string()), ("kind", pa.string()), ("country_code", pa.string()), ("country", pa.string()),
        ("geonameid", pa.int64()), ("population", pa.int64()), ("mentions", pa.int64()),
        ("adjectival_mentions", pa.int64()), ("surface_forms", pa.list_(pa.string())), ("spans", spans),
        ("adjectival_spans", spans), ("confidence", pa.float64()), ("resolved", pa.bool_()), ("source", pa.string()),
        ("geometry", pa.binary()),
    ]
    geo = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"], "crs": _crs_projjson()}},
    }
    return pa.schema(fields, metadata={b"geo": json.dumps(geo).encode("utf-8")})


_WKB_POINT = struct.Struct("<BIdd")


def point_wkb(lon: float | None, lat: float | None) -> bytes | None:
    """A little-endian WKB Point, or None without coordinates."""
    if lon is None or lat is None:
        return None
    return _WKB_POINT.pack(1, 1, float(lon), float(lat))


def rows_to_table(rows: Sequence[dict]):
    """Row dicts (the batch columns, with ``lat``/``lon`` instead of ``geometry``) as an Arrow table."""
    import pyarrow as pa

    schema = batch_schema()
    columns: dict[str, list] = {name: [] for name in BATCH_COLUMNS}
    for r in rows:
        for name in BATCH_COLUMNS[:-1]:
            columns[name].append(r.get(name))
        columns["geometry"].append(point_wkb(r.get("lon"), r.get("lat")))
    return pa.table([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def read_table(path: str | os.PathLike):
    """Any format written here, read back as a GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd

    path = Path(path)
    name = path.name.lower()
    if name.endswith(FORMATS["parquet"]):
        return gpd.read_parquet(path)
    if name.endswith(FORMATS["csv"]):
        frame = gpd.read_file(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat", KEEP_GEOM_COLUMNS="NO")
        if not isinstance(frame, gpd.GeoDataFrame):  # no lat/lon columns: GDAL gives a plain table
            from geo.errors import InputError

            raise InputError(f"{path}: not a places file (no lat and lon columns)")
        return frame if frame.crs else frame.set_crs("EPSG:4326")
    return gpd.read_file(path)


def open_table_writer(path: str | os.PathLike, fmt: str):
    """A writer of batch tables: ``write(table)`` as often as needed, then ``close()`` (or ``abort()``)."""
    from geo._table_writers import WRITERS

    if fmt not in WRITERS:
        raise UsageError(f"geo batch cannot write {fmt!r}; choose one of {', '.join(BATCH_FORMATS)}")
    return WRITERS[fmt](path)


def _frame_of(table, *, flat: bool):
    """A batch table as a GeoDataFrame (lists as JSON text when ``flat``)."""
    from geo._table_writers import frame_of

    return frame_of(table, flat=flat)
