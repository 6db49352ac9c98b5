"""The streamed writers of the corpus table of ``geo batch`` (see :func:`geo.exports.open_table_writer`).

Each writes into an :class:`geo._atomic.AtomicPath` and renames it onto the target in ``close()``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from geo._atomic import AtomicPath, io_error
from geo.exports import _LAYER, _WKB_POINT, BATCH_COLUMNS, _plain, _write_prj, batch_schema, gdal_errors, rows_to_table

__all__ = ["WRITERS", "frame_of"]


class _TableWriter:
    """Writes a stream of batch tables to one file; :meth:`close` renames it into place."""

    def __init__(self, path: str | os.PathLike):
        self.target = AtomicPath(path)
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
        except OSError as exc:
            self.target.discard()
            raise io_error(self.target.path, exc) from exc
        except BaseException:
            self.target.discard()
            raise
        return self.target.commit()

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


def frame_of(table, *, flat: bool):
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

        with gdal_errors(self.target.path):
            pyogrio.write_dataframe(frame_of(table, flat=True), self.target.tmp, layer=_LAYER, driver="GPKG",
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
        self.f = self.target.open("w", newline="")

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


WRITERS = {"parquet": _ParquetWriter, "gpkg": _GpkgWriter, "csv": _CsvWriter, "geojson": _GeoJsonWriter,
            "jsonl": _JsonLinesWriter}
