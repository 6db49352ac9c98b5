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
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

from geo.errors import GeoError, UsageError

__all__ = [
    "FORMATS", "BATCH_FORMATS", "PLACES_FORMATS", "BINARY_FORMATS", "format_for", "write_frame", "frame_text",
    "BATCH_COLUMNS", "batch_schema", "rows_to_table", "open_table_writer", "read_table", "point_wkb",
]

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

_LIST_COLUMNS = ("surface_forms", "spans", "adjectival_spans", "snippets")
_LAYER = "places"


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


# --------------------------------------------------------------------------- atomic files


class _TempTarget:
    """A temporary path beside ``path``: renamed onto it by :meth:`commit`, removed otherwise."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.is_dir():
            raise GeoError(f"{self.path}: is a directory")
        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp" + self.path.suffix, dir=parent)
        except OSError as exc:
            raise GeoError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        os.close(fd)
        os.unlink(tmp)  # GDAL wants to create the file itself
        self.tmp = Path(tmp)

    def commit(self) -> Path:
        try:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise GeoError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return self.path

    def discard(self) -> None:
        for p in (self.tmp, Path(str(self.tmp) + "-journal"), Path(str(self.tmp) + "-wal")):
            try:
                p.unlink()
            except FileNotFoundError:
                pass


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
    from geo.frame import to_csv_text, to_geojson, to_json_records

    if fmt == "csv":
        return to_csv_text(frame)
    if fmt == "geojson":
        return json.dumps(to_geojson(frame), ensure_ascii=False, indent=1) + "\n"
    if fmt == "json":
        return json.dumps(to_json_records(frame), ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in to_geojson(frame)["features"])
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
    target = _TempTarget(path)
    try:
        if fmt == "parquet":
            frame.to_parquet(target.tmp, index=False, schema_version="1.0.0")
        elif fmt == "gpkg":
            pyogrio.write_dataframe(_flat(frame), target.tmp, layer=_LAYER, driver="GPKG")
        elif fmt == "kml":
            pyogrio.write_dataframe(_kml_frame(frame), target.tmp, layer=_LAYER, driver="KML",
                                    dataset_options={"NameField": "name", "DescriptionField": "description"})
        else:
            target.tmp.write_text(frame_text(frame, fmt), encoding="utf-8")
        return target.commit()
    except BaseException:
        target.discard()
        raise


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
        return frame if frame.crs else frame.set_crs("EPSG:4326")
    return gpd.read_file(path)


class _TableWriter:
    """Writes a stream of batch tables to one file; :meth:`close` renames it into place."""

    def __init__(self, path: str | os.PathLike):
        self.target = _TempTarget(path)
        self.rows = 0

    def write(self, table) -> None:
        if table.num_rows:
            self._write(table)
            self.rows += table.num_rows

    def _write(self, table) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self) -> None:
        pass

    def close(self) -> Path:
        try:
            if not self.rows:  # an empty table still has its columns
                self._write(rows_to_table([]))
            self._finish()
            return self.target.commit()
        except BaseException:
            self.target.discard()
            raise

    def abort(self) -> None:
        try:
            self._finish()
        except Exception:  # noqa: BLE001 - the file is thrown away anyway
            pass
        self.target.discard()


class _ParquetWriter(_TableWriter):
    def __init__(self, path):
        import pyarrow.parquet as pq

        super().__init__(path)
        self.writer = pq.ParquetWriter(self.target.tmp, batch_schema(), compression="zstd")

    def _write(self, table):
        self.writer.write_table(table, row_group_size=64_000)

    def _finish(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _frame_of(table, *, flat: bool):
    """A batch table as a GeoDataFrame (lists as JSON text when ``flat``)."""
    import geopandas as gpd
    import shapely

    df = table.drop_columns(["geometry"]).to_pandas(types_mapper=_pandas_types)
    if flat:
        for col in ("surface_forms", "spans", "adjectival_spans"):
            df[col] = [json.dumps(_plain(v), ensure_ascii=False) for v in df[col]]
    geometry = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def _pandas_types(t):
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_int64(t):
        return pd.Int64Dtype()
    return None


class _GpkgWriter(_TableWriter):
    def _write(self, table):
        import pyogrio

        pyogrio.write_dataframe(_frame_of(table, flat=True), self.target.tmp, layer=_LAYER, driver="GPKG",
                                geometry_type="Point", append=self.rows > 0)


def _records(table) -> Iterable[tuple[dict, float | None, float | None]]:
    """Plain row dicts (no geometry) with their coordinates."""
    geoms = table.column("geometry").to_pylist()
    props = table.drop_columns(["geometry"]).to_pylist()
    for rec, wkb in zip(props, geoms):
        if wkb is None:
            yield rec, None, None
        else:
            _, _, lon, lat = _WKB_POINT.unpack(wkb)
            yield rec, lon, lat


class _TextWriter(_TableWriter):
    def __init__(self, path):
        super().__init__(path)
        self.f = open(self.target.tmp, "w", encoding="utf-8", newline="")

    def _finish(self):
        if not self.f.closed:
            self.f.close()


class _CsvWriter(_TextWriter):
    def __init__(self, path):
        import csv

        super().__init__(path)
        self.csv = csv.writer(self.f, lineterminator="\n")
        self.csv.writerow(BATCH_COLUMNS[:-1] + ["lat", "lon"])

    def _write(self, table):
        for rec, lon, lat in _records(table):
            cells = [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else ("" if v is None else v)
                     for v in rec.values()]
            self.csv.writerow(cells + ["" if lat is None else round(lat, 6), "" if lon is None else round(lon, 6)])

    def close(self):
        path = super().close()
        _write_prj(path)
        return path


def _feature(rec: dict, lon, lat) -> str:
    geom = None if lon is None else {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    return json.dumps({"type": "Feature", "geometry": geom, "properties": rec}, ensure_ascii=False)


class _GeoJsonWriter(_TextWriter):
    def __init__(self, path):
        super().__init__(path)
        self.f.write('{"type": "FeatureCollection", "features": [\n')
        self.first = True

    def _write(self, table):
        for rec, lon, lat in _records(table):
            self.f.write(("" if self.first else ",\n") + _feature(rec, lon, lat))
            self.first = False

    def _finish(self):
        if not self.f.closed:
            self.f.write("\n]}\n")
        super()._finish()


class _JsonLinesWriter(_TextWriter):
    def _write(self, table):
        for rec, lon, lat in _records(table):
            self.f.write(_feature(rec, lon, lat) + "\n")


_WRITERS = {"parquet": _ParquetWriter, "gpkg": _GpkgWriter, "csv": _CsvWriter, "geojson": _GeoJsonWriter,
            "jsonl": _JsonLinesWriter}


def open_table_writer(path: str | os.PathLike, fmt: str) -> _TableWriter:
    """A writer of batch tables: ``write(table)`` as often as needed, then ``close()`` (or ``abort()``)."""
    if fmt not in _WRITERS:
        raise UsageError(f"geo batch cannot write {fmt!r}; choose one of {', '.join(BATCH_FORMATS)}")
    return _WRITERS[fmt](path)
