"""Every export format reads back with GeoPandas: EPSG:4326, the right columns, the right rows.

Both tables geo writes: the places frame of one article (``geo places``) and the corpus table of
``geo batch`` (streamed in pieces by :func:`geo.exports.open_table_writer`).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from geo.exports import (BATCH_COLUMNS, BATCH_FORMATS, FORMATS, PLACES_FORMATS, format_for, open_table_writer,
                         read_table, rows_to_table, write_frame)
from geo.errors import UsageError

GEO_FORMATS = [f for f in PLACES_FORMATS if f != "json"]  # plain JSON records are not a GIS format


@pytest.fixture(scope="module")
def seed_frame(geoparser, seed_text):
    frame = geoparser.geoparse(seed_text)
    assert len(frame) >= 4 and frame["resolved"].any()
    return frame


def _ext(fmt: str) -> str:
    return FORMATS[fmt][0]


@pytest.mark.parametrize("fmt", GEO_FORMATS)
def test_places_frame_reads_back(fmt, seed_frame, tmp_path):
    path = write_frame(seed_frame, tmp_path / f"seed{_ext(fmt)}", fmt)
    back = read_table(path)
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert len(back) == len(seed_frame)
    expected = {c for c in seed_frame.columns if c != "name"} | ({"Name"} if fmt == "kml" else {"name"})
    assert expected <= set(back.columns)
    names = back["Name" if fmt == "kml" else "name"].tolist()
    assert names == seed_frame["name"].tolist()
    # the same points, in the same order (null geometry for unresolved names)
    for ours, theirs in zip(seed_frame.geometry, back.geometry):
        if ours is None or ours.is_empty:
            assert theirs is None or theirs.is_empty
        else:
            assert theirs.distance(ours) < 1e-5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_places_parquet_keeps_lists_and_types(seed_frame, tmp_path):
    back = read_table(write_frame(seed_frame, tmp_path / "seed.parquet", "parquet"))
    assert [list(map(list, s)) for s in back["spans"]] == [list(map(list, s)) for s in seed_frame["spans"]]
    assert list(back["snippets"].iloc[0]) == list(seed_frame["snippets"].iloc[0])
    assert back["geonameid"].dropna().astype(int).tolist() == seed_frame["geonameid"].dropna().astype(int).tolist()


def test_kml_placemarks_carry_name_and_sentences(seed_frame, tmp_path):
    text = write_frame(seed_frame, tmp_path / "seed.kml", "kml").read_text(encoding="utf-8")
    assert text.count("<Placemark") == len(seed_frame)
    first = seed_frame.iloc[0]
    assert f"<name>{first['name']}</name>" in text
    assert "<description>" in text and "<Point><coordinates>" in text


def test_places_csv_is_one_file_with_lat_lon(seed_frame, tmp_path):
    path = write_frame(seed_frame, tmp_path / "seed.csv", "csv")
    assert [p.name for p in tmp_path.iterdir()] == ["seed.csv"]
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-2:] == ["lat", "lon"]


def test_corpus_csv_gets_a_prj_sidecar(tmp_path):
    import geopandas as gpd

    writer = open_table_writer(tmp_path / "corpus.csv", "csv")
    writer.write(rows_to_table(_rows(5)))
    writer.close()
    assert 'GEOGCS["WGS 84"' in (tmp_path / "corpus.prj").read_text()
    plain = gpd.read_file(tmp_path / "corpus.csv", X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert plain.crs.to_epsg() == 4326  # GDAL reads the sidecar


@pytest.mark.parametrize("name,fmt", [("a.parquet", "parquet"), ("a.geoparquet", "parquet"), ("a.GPKG", "gpkg"),
                                      ("a.csv", "csv"), ("a.geojson", "geojson"), ("a.jsonl", "jsonl"),
                                      ("a.kml", "kml")])
def test_format_from_extension(name, fmt):
    assert format_for(name, None, allowed=PLACES_FORMATS, default="geojson") == fmt


def test_format_errors():
    with pytest.raises(UsageError, match="cannot tell the format"):
        format_for("a.xlsx", None, allowed=BATCH_FORMATS, default="parquet")
    with pytest.raises(UsageError, match="unknown format"):
        format_for("a.kml", "kml", allowed=BATCH_FORMATS, default="parquet")
    assert format_for(None, None, allowed=BATCH_FORMATS, default="parquet") == "parquet"


# --------------------------------------------------------------------------- corpus table


def _rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        resolved = i % 5 != 4
        rows.append({
            "doc_id": f"doc-{i // 3}", "doc_title": f"Title <{i // 3}> \"quoted\"" if i % 2 else None,
            "doc_date": f"2024-01-{1 + i % 28:02d}", "doc_url": None, "name": f"Place {i} é",
            "kind": "city" if resolved else "unknown", "country_code": "FR" if resolved else None,
            "country": "France" if resolved else None, "geonameid": 1000 + i if resolved else None,
            "population": 5000 + i if resolved else None, "mentions": 1 + i % 3, "adjectival_mentions": 0,
            "surface_forms": [f"Place {i} é", "P"], "spans": [[i, i + 5], [i + 10, i + 11]], "adjectival_spans": [],
            "confidence": 0.5, "resolved": resolved, "source": "gazetteer" if resolved else None,
            "lat": (i % 170) - 85.0 if resolved else None, "lon": (i % 350) - 175.0 if resolved else None,
        })
    return rows


@pytest.mark.parametrize("fmt", BATCH_FORMATS)
def test_corpus_table_streams_and_reads_back(fmt, tmp_path):
    rows = _rows(250)
    writer = open_table_writer(tmp_path / f"corpus{_ext(fmt)}", fmt)
    for start in range(0, len(rows), 100):  # written in three pieces, as geo batch does
        writer.write(rows_to_table(rows[start:start + 100]))
    path = writer.close()
    back = read_table(path)
    assert back.crs.to_epsg() == 4326
    assert len(back) == 250
    assert list(back.columns) == BATCH_COLUMNS
    assert back["doc_id"].tolist() == [r["doc_id"] for r in rows]
    assert back["name"].tolist() == [r["name"] for r in rows]
    assert int(back.geometry.isna().sum() + back.geometry.is_empty.sum()) == sum(1 for r in rows if not r["resolved"])
    first = back.geometry.iloc[0]
    assert (round(first.x, 6), round(first.y, 6)) == (rows[0]["lon"], rows[0]["lat"])
    spans = back["spans"].iloc[7]
    spans = json.loads(spans) if isinstance(spans, str) else [list(s) for s in spans]
    assert spans == rows[7]["spans"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("fmt", BATCH_FORMATS)
def test_empty_corpus_table_keeps_its_columns(fmt, tmp_path):
    path = open_table_writer(tmp_path / f"empty{_ext(fmt)}", fmt).close()
    if fmt == "jsonl":  # no line, no feature: GDAL cannot even tell the format of an empty file
        assert path.read_bytes() == b""
        return
    back = read_table(path)
    assert len(back) == 0
    if fmt in ("parquet", "gpkg", "csv"):  # GeoJSON without features has no columns to tell
        assert set(BATCH_COLUMNS) - {"geometry"} <= set(back.columns)


def test_geoparquet_metadata(tmp_path):
    import pyarrow.parquet as pq

    writer = open_table_writer(tmp_path / "c.parquet", "parquet")
    writer.write(rows_to_table(_rows(10)))
    meta = json.loads(pq.read_schema(writer.close()).metadata[b"geo"])
    assert meta["primary_column"] == "geometry"
    column = meta["columns"]["geometry"]
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point"]
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}


def test_aborted_writer_leaves_nothing(tmp_path):
    writer = open_table_writer(tmp_path / "c.geojson", "geojson")
    writer.write(rows_to_table(_rows(10)))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- geo places


def test_geo_places_writes_gis_formats(geo_exe, seed_article, tmp_path):
    for fmt in ("kml", "gpkg", "parquet", "jsonl"):
        out = tmp_path / f"seed{_ext(fmt)}"
        r = subprocess.run([geo_exe, "places", str(seed_article), "-o", str(out), "-q"],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        back = read_table(out)
        assert back.crs.to_epsg() == 4326 and len(back) >= 4
        names = set(back["Name" if fmt == "kml" else "name"])
        assert {"Syria", "Iraq"} <= names


def test_geo_places_binary_format_needs_a_file(geo_exe, seed_article):
    r = subprocess.run([geo_exe, "places", str(seed_article), "-f", "gpkg"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == ["geo: error: gpkg cannot go to standard output; give -o FILE"]
    assert r.stdout == ""
