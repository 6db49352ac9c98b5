"""The lines and outlines of the physical and regional features an article names, for its maps.

A row with a feature id (``fid``: a river, a lake, a sea … of ``geo/gazetteer/_features.py``) keeps
its marker at the row's point (the feature's point nearest the story) and is drawn as its shape
too: a river (and a mountain range stored as a line) as its line, a lake, sea, desert, island or
region as its outline with a light fill. A mountain is its marker only. Shapes are simplified to a
vertex budget and rounded to 4 decimals (about 10 m), so that a map naming a dozen features stays
small; the HTML map (``geo.render``) and the picture (``geo.image``) draw the same shapes.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from geo._render_data import PlaceRecord

__all__ = ["FEATURE_ZOOM", "LINE_KINDS", "feature_shapes", "shape_features", "budget_geometry", "MAX_VERTICES"]

#: zoom used when the map flies to a feature's point, by kind
FEATURE_ZOOM = {"sea": 5, "river": 8, "lake": 8, "mountain": 10, "range": 6, "desert": 5, "island": 8, "region": 6}
#: kinds drawn as a line (no fill) when their geometry is a line
LINE_KINDS = ("river", "range")
#: most vertices a feature's shape keeps on a map (a river across a continent included)
MAX_VERTICES = 600
_START_TOLERANCE = 0.005  # degrees (~500 m): finer than any map that shows a whole feature needs
_DECIMALS = 4


def _vertices(geom: Any) -> int:
    import shapely

    return int(shapely.get_num_coordinates(geom))


def budget_geometry(geometry: Mapping[str, Any], max_vertices: int = MAX_VERTICES) -> dict | None:
    """A line or polygon GeoJSON geometry simplified until it has at most ``max_vertices``
    vertices, coordinates rounded to 4 decimals; None for a point, an empty or an unusable one."""
    from shapely.geometry import mapping, shape

    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        return None
    tolerance = _START_TOLERANCE
    simple = geom.simplify(tolerance, preserve_topology=True)
    while _vertices(simple) > max_vertices and tolerance < 5.0:
        tolerance *= 2
        simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    out = mapping(simple)
    try:
        return {"type": out["type"], "coordinates": _rounded(out["coordinates"])}
    except ValueError:
        return None


def _rounded(value: Any) -> Any:
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("coordinate is not finite")
        return round(number, _DECIMALS)
    return [_rounded(v) for v in value]


def _gazetteer_geometries(fids: set[int]) -> dict[int, dict]:
    """The features' geometries from the embedded gazetteer (only opened when a row has a ``fid``)."""
    from geo.gazetteer._features import feature_index, geometry_for_map

    index = feature_index()
    out = {}
    for fid in sorted(fids):
        feature = index.by_id(fid)
        if feature is not None:
            out[fid] = geometry_for_map(feature, 0.0)
    return out


def feature_shapes(records: Sequence[PlaceRecord], features: Mapping[int, Mapping[str, Any]] | None = None
                   ) -> dict[int, dict]:
    """Place index -> the simplified shape of its feature, for the resolved rows with a ``fid``.

    ``features``: feature id -> GeoJSON geometry (e.g. :func:`geo.gazetteer._features.geometry_for_map`
    of each); default: read from the embedded gazetteer, which is only opened when a row has a
    feature id. Mountains (and any feature without a line or an outline) get no shape.
    """
    wanted = [r for r in records if r.resolved and r.fid is not None and r.kind != "mountain"]
    if not wanted:
        return {}
    if features is None:
        features = _gazetteer_geometries({r.fid for r in wanted if r.fid is not None})
    cache: dict[int, dict | None] = {}
    shapes: dict[int, dict] = {}
    for record in wanted:
        fid = int(record.fid)  # type: ignore[arg-type]
        if fid not in cache:
            source = features.get(fid)
            cache[fid] = budget_geometry(source) if source is not None else None
        shape = cache[fid]
        if shape is not None:
            shapes[record.index] = shape
    return shapes


def shape_features(records: Sequence[PlaceRecord], shapes: Mapping[int, dict]) -> list[dict]:
    """The shapes as GeoJSON features for the page (properties: place index ``i``, kind ``k``, colour ``c``)."""
    by_index = {r.index: r for r in records}
    return [{"type": "Feature", "properties": {"i": i, "k": by_index[i].kind, "c": by_index[i].colour},
             "geometry": shapes[i]} for i in sorted(shapes)]
