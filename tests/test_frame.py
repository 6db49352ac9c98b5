"""geo.frame: places -> GeoDataFrame (EPSG:4326) and its exports, on hand-made places."""

from __future__ import annotations

import csv
import io
import json
import math

import geopandas as gpd
import pandas as pd
import pytest
from pandas.api import types as ptypes

from geo.frame import COLUMNS, empty_frame, to_csv_text, to_frame, to_geojson, to_json_records
from geo.types import Candidate, Mention, Place

ISSUE_COLUMNS = ["name", "geonameid", "kind", "country_code", "population", "mentions", "surface_forms", "spans",
                 "snippets", "confidence", "resolved", "geometry"]

TEXT = "Syrian troops left Syria. Clashes near Baghuz. Later Baghouz fell. \"Quotes\", commas and ünïcode in Syria."


def _m(text, surface, nth=0, kind="literal", cc=None):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    end = start + len(surface)
    ss = text.rfind(". ", 0, start)
    ss = 0 if ss < 0 else ss + 2
    se = text.find(".", end) + 1
    return Mention(start, end, surface, text[ss:se], ss, kind=kind, source="test", country_hint=cc)


@pytest.fixture(scope="module")
def places():
    syria = Candidate(163843, "Syria", "country", 35.0, 38.0, "SY", None, 22198110)
    return [
        Place("Syria", (_m(TEXT, "Syrian", kind="adjectival", cc="SY"), _m(TEXT, "Syria", 1), _m(TEXT, "Syria", 2)),
              syria, 0.95, "Syria"),
        Place("Baghuz", (_m(TEXT, "Baghuz"), _m(TEXT, "Baghouz")), None, 0.0),
    ]


@pytest.fixture(scope="module")
def frame(places):
    return to_frame(places)


def test_columns_include_the_issue_columns_in_a_fixed_order(frame):
    assert list(frame.columns) == COLUMNS
    assert set(ISSUE_COLUMNS) <= set(frame.columns)
    assert frame.columns[-1] == "geometry" and frame.geometry.name == "geometry"


def test_crs_is_epsg_4326(frame):
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert frame.geometry.crs.to_epsg() == 4326


def test_dtypes(frame):
    assert str(frame["geonameid"].dtype) == "Int64"
    assert str(frame["population"].dtype) == "Int64"
    assert frame["mentions"].dtype == "int64"
    assert frame["adjectival_mentions"].dtype == "int64"
    assert frame["confidence"].dtype == "float64"
    assert frame["resolved"].dtype == bool
    for col in ("name", "kind", "country_code", "country", "source"):
        assert ptypes.is_string_dtype(frame[col]) or ptypes.is_object_dtype(frame[col]), col
    for col in ("surface_forms", "spans", "adjectival_spans", "snippets"):
        assert all(isinstance(v, list) for v in frame[col]), col


def test_rows(frame):
    syria, baghuz = frame.iloc[0], frame.iloc[1]
    assert (syria["name"], syria["geonameid"], syria["kind"], syria["country_code"]) == ("Syria", 163843, "country", "SY")
    assert syria["population"] == 22198110
    assert syria["mentions"] == 2 and syria["adjectival_mentions"] == 1  # demonyms kept apart
    assert syria["surface_forms"] == ["Syrian", "Syria"]
    assert syria["spans"] == [[TEXT.index("Syria."), TEXT.index("Syria.") + 5], [TEXT.rindex("Syria"), TEXT.rindex("Syria") + 5]]
    assert all(TEXT[s:e] == "Syria" for s, e in syria["spans"])
    assert syria["snippets"][0] == "Syrian troops left Syria."
    assert syria["confidence"] == pytest.approx(0.95) and syria["resolved"]
    assert (syria.geometry.x, syria.geometry.y) == (38.0, 35.0)  # lon, lat
    assert baghuz["surface_forms"] == ["Baghuz", "Baghouz"] and baghuz["mentions"] == 2


def test_unresolved_rows_stay_with_null_geometry(frame):
    assert frame["resolved"].tolist() == [True, False]
    assert frame.geometry.isna().tolist() == [False, True]
    row = frame.iloc[1]
    assert row["kind"] == "unknown" and pd.isna(row["geonameid"]) and pd.isna(row["population"])
    assert row["confidence"] == 0.0


def test_empty_frame_keeps_columns_and_crs():
    f = empty_frame()
    assert len(f) == 0 and list(f.columns) == COLUMNS and f.crs.to_epsg() == 4326
    assert to_geojson(f) == {"type": "FeatureCollection", "features": []}
    assert to_csv_text(f).splitlines() == [",".join(COLUMNS[:-1] + ["lat", "lon"])]


def test_geojson_follows_rfc_7946(frame):
    gj = to_geojson(frame)
    text = json.dumps(gj, allow_nan=False)  # no NaN: RFC 8259 JSON only
    assert json.loads(text) == gj
    assert gj["type"] == "FeatureCollection"
    assert "crs" not in gj  # RFC 7946 dropped the crs member: WGS 84 lon/lat is implied
    assert len(gj["features"]) == len(frame)
    for feat in gj["features"]:
        assert set(feat) == {"type", "geometry", "properties"} and feat["type"] == "Feature"
        assert isinstance(feat["properties"], dict)
    syria, baghuz = gj["features"]
    assert syria["geometry"] == {"type": "Point", "coordinates": [38.0, 35.0]}  # [lon, lat]
    assert baghuz["geometry"] is None  # "geometry": null, not dropped
    assert baghuz["properties"]["name"] == "Baghuz" and baghuz["properties"]["resolved"] is False
    assert syria["properties"]["geonameid"] == 163843 and baghuz["properties"]["geonameid"] is None
    assert syria["properties"]["surface_forms"] == ["Syrian", "Syria"]


def test_geojson_is_read_back_by_gdal(frame, tmp_path):
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(to_geojson(frame)), encoding="utf-8")
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert back["name"].tolist() == ["Syria", "Baghuz"]
    assert back.geometry.iloc[0].x == 38.0 and back.geometry.iloc[1] is None


def test_json_records(frame):
    recs = to_json_records(frame)
    json.dumps(recs, allow_nan=False)
    assert [r["name"] for r in recs] == ["Syria", "Baghuz"]
    assert (recs[0]["lat"], recs[0]["lon"]) == (35.0, 38.0)
    assert recs[1]["lat"] is None and recs[1]["lon"] is None and recs[1]["population"] is None
    assert "geometry" not in recs[0]


def test_csv_round_trips_lists_and_awkward_text(frame):
    rows = list(csv.DictReader(io.StringIO(to_csv_text(frame))))
    assert len(rows) == 2
    syria, baghuz = rows
    assert json.loads(syria["surface_forms"]) == ["Syrian", "Syria"]
    assert json.loads(syria["snippets"])[-1] == '"Quotes", commas and ünïcode in Syria.'
    assert json.loads(syria["spans"]) == frame.iloc[0]["spans"]
    assert (float(syria["lat"]), float(syria["lon"])) == (35.0, 38.0)
    assert syria["geonameid"] == "163843" and syria["resolved"] == "True"
    assert baghuz["lat"] == "" and baghuz["geonameid"] == "" and baghuz["resolved"] == "False"


def test_frame_of_the_seed_from_the_pipeline(geoparser, seed_text):
    frame = geoparser.geoparse(seed_text)
    assert len(frame) >= 5 and frame["resolved"].sum() >= 4
    assert frame.crs.to_epsg() == 4326 and list(frame.columns) == COLUMNS
    assert frame.geometry.isna().tolist() == (~frame["resolved"]).tolist()
    for _, row in frame.iterrows():
        assert all(seed_text[s:e] in row["surface_forms"] for s, e in row["spans"])
        assert all(snippet in seed_text for snippet in row["snippets"])
        if row["resolved"]:
            assert -180 <= row.geometry.x <= 180 and -90 <= row.geometry.y <= 90
        assert not math.isnan(row["confidence"])
