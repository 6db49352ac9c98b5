"""Places -> GeoDataFrame (EPSG:4326), and the frame's exports (CSV, GeoJSON, JSON)."""

from __future__ import annotations

import json
import math
import sys
from typing import Sequence

from geo._formats import TEXT_FORMATS
from geo.types import FEATURE_KINDS, Candidate, Place

__all__ = ["COLUMNS", "to_frame", "empty_frame", "to_geojson", "to_json_records", "to_csv_text", "FORMATS",
           "place_row", "PLACES_ATTR", "place_records", "records_csv", "records_geojson"]

#: the frame's columns, in order
#: (``kind`` of a physical or regional feature is its kind, "river", "sea" …, ``subkind`` the finer
#: class, "strait", "volcano" …; ``fid`` its id in the gazetteer's features, for its geometry)
COLUMNS = [
    "name", "kind", "subkind", "country_code", "country", "geonameid", "fid", "population", "mentions",
    "adjectival_mentions", "surface_forms", "spans", "adjectival_spans", "snippets", "confidence", "resolved",
    "source", "geometry",
]
#: whole numbers that may be missing (pandas' Int64 in the frame)
_NULLABLE_INTS = ("geonameid", "fid", "population")
FORMATS = TEXT_FORMATS  # the registry is geo._formats
#: ``frame.attrs`` key of what the map needs of each row's Place (str(index label) -> plain data)
PLACES_ATTR = "geo_places"


def _subkind(c: Candidate | None) -> str | None:
    """The finer class of a feature ("strait", "volcano"; from the gazetteer's features or a GeoNames
    import), None for other places."""
    if c is None or c.kind not in FEATURE_KINDS:
        return None
    sub = (c.raw or {}).get("subkind")
    return str(sub) if sub else c.kind


def _row(p: Place) -> dict:
    c = p.candidate
    literal, adjectival = p.literal_mentions, p.adjectival_mentions
    forms: list[str] = []
    snippets: list[str] = []
    for m in p.mentions:
        if m.text not in forms:
            forms.append(m.text)
        if m.sentence and m.sentence not in snippets:
            snippets.append(m.sentence)
    return {
        "name": p.name,
        "kind": c.kind if c else "unknown",
        "subkind": _subkind(c),
        "country_code": c.country_code if c else None,
        "country": p.country_name,
        "geonameid": c.geonameid if c else None,
        "fid": c.fid if c else None,
        "population": c.population if c and c.population else None,
        "mentions": len(literal),
        "adjectival_mentions": len(adjectival),
        "surface_forms": forms,
        "spans": [[m.start, m.end] for m in literal],
        "adjectival_spans": [[m.start, m.end] for m in adjectival],
        "snippets": snippets,
        "confidence": float(p.confidence),
        "resolved": c is not None,
        "source": c.source if c else None,
        "lat": c.lat if c else None,
        "lon": c.lon if c else None,
    }


def to_frame(places: Sequence[Place]):
    """One row per distinct place; unresolved names stay in the frame with a null geometry."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    rows = [_row(p) for p in places]
    geometry = [Point(r.pop("lon"), r.pop("lat")) if r["resolved"] else (r.pop("lon"), r.pop("lat"), None)[2]
                for r in rows]
    df = pd.DataFrame(rows, columns=COLUMNS[:-1])
    for col in _NULLABLE_INTS:
        df[col] = df[col].astype("Int64")
    for col in ("mentions", "adjectival_mentions"):
        df[col] = df[col].astype("int64")
    df["confidence"] = df["confidence"].astype("float64")
    df["resolved"] = df["resolved"].astype(bool)
    frame = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")
    # What the map's review needs of each row's Place (its entry, its alternatives), by index label,
    # as plain JSON data: not a column, so exports stay as they are.
    from geo._render_review import place_review

    frame.attrs[PLACES_ATTR] = {str(label): place_review(p) for label, p in zip(frame.index.tolist(), places)}
    return frame


def empty_frame():
    return to_frame([])


def _plain(v):
    """A frame cell as a JSON value (numpy scalars, pandas NA and NaN made plain)."""
    if v is None:
        return None
    pd = sys.modules.get("pandas")  # pandas.NA exists only where a frame was made
    if pd is not None and v is pd.NA:
        return None
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def to_json_records(frame) -> list[dict]:
    """Rows as plain dicts with ``lat``/``lon`` (null when unresolved) instead of a geometry."""
    out = []
    for _, row in frame.iterrows():
        rec = {c: _plain(row[c]) for c in COLUMNS[:-1]}
        g = row.geometry
        rec["lat"] = None if g is None or g.is_empty else round(g.y, 6)
        rec["lon"] = None if g is None or g.is_empty else round(g.x, 6)
        out.append(rec)
    return out


def place_records(places: Sequence[Place]) -> list[dict]:
    """``to_json_records(to_frame(places))`` without the frame: the rows of ``geo places`` in a
    text format, made with no pandas or GeoPandas import."""
    out = []
    for p in places:
        row = _row(p)
        lat, lon = row.pop("lat"), row.pop("lon")
        for col in _NULLABLE_INTS:
            row[col] = None if row[col] is None else int(row[col])
        rec = {c: _plain(row[c]) for c in COLUMNS[:-1]}
        rec["lat"] = round(float(lat), 6) if row["resolved"] else None
        rec["lon"] = round(float(lon), 6) if row["resolved"] else None
        out.append(rec)
    return out


def to_geojson(frame) -> dict:
    """An RFC 7946 FeatureCollection; unresolved names are features with ``"geometry": null``."""
    return records_geojson(to_json_records(frame))


def records_geojson(records: list[dict]) -> dict:
    """:func:`to_geojson` of rows made by :func:`to_json_records` or :func:`place_records`."""
    features = []
    for rec in records:
        rec = dict(rec)
        lat, lon = rec.pop("lat"), rec.pop("lon")
        geom = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geom, "properties": rec})
    return {"type": "FeatureCollection", "features": features}


def to_csv_text(frame) -> str:
    """CSV with lists as JSON strings and ``lat``/``lon`` columns."""
    return records_csv(to_json_records(frame))


def records_csv(records: list[dict]) -> str:
    """:func:`to_csv_text` of rows made by :func:`to_json_records` or :func:`place_records`."""
    import csv
    import io

    cols = COLUMNS[:-1] + ["lat", "lon"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in records:
        w.writerow([json.dumps(r[c], ensure_ascii=False) if isinstance(r[c], list)
                    else ("" if r[c] is None else r[c]) for c in cols])
    return buf.getvalue()


def place_row(place: Place) -> dict:
    """One place as a plain row of the frame's columns, with ``lat``/``lon`` (None when unresolved)
    instead of a geometry: the per-place record ``geo batch`` builds its corpus table from."""
    return _row(place)
