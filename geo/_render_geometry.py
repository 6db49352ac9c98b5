"""Geometry for the article map: country outlines, the offline basemap, the fitted view."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any, Mapping, Sequence

from geo._render_data import PlaceRecord

# Zoom used when the map shows a single place, by kind (the page script uses the same when it flies).
SINGLE_PLACE_ZOOM = {"continent": 3, "country": 5, "admin1": 6, "admin2": 8, "city": 10, "place": 11, "unknown": 8}
_FIT_MAX_ZOOM = 9
_OUTLINE_TOLERANCE, _OUTLINE_DECIMALS = 0.005, 3  # outlines of the article's countries
_BASEMAP_TOLERANCE, _BASEMAP_DECIMALS = 0.03, 2  # offline basemap of all countries (~2 km)


def lone_outlier(resolved: Sequence[PlaceRecord]) -> PlaceRecord | None:
    """The one place far from all the others (a "Washington" in England in a story about Ohio), if any.

    Of three or more places, the one whose nearest neighbour is over 2,500 km away and more than
    four times farther than any other place's nearest neighbour; the fitted view leaves it out
    (it stays on the map and in the list).
    """
    if not 3 <= len(resolved) <= 500:  # (thousands of places: no single outlier matters)
        return None
    from geo.evaluate import haversine_km

    nearest = []
    points = [(r, r.point) for r in resolved]
    for r, here in points:
        d = min(haversine_km(*here, *there) for o, there in points if o is not r)
        nearest.append((d, r.index, r))
    nearest.sort(key=lambda t: (-t[0], t[1]))
    far, rest = nearest[0][0], nearest[1][0]
    return nearest[0][2] if far > 2500 and far > 4 * rest else None


def fit_now(fmap: Any, bounds: Sequence[Sequence[float]], *, padding: tuple[int, int], max_zoom: int) -> None:
    """Fit the map to ``bounds`` at once, with no zoom animation.

    Folium creates the map at its starting view and fits it afterwards; Leaflet animates that
    change, so the page would still be zooming after its script has run (a click then lands on a
    marker still moving, and the page's ready mark comes before the view it describes).
    """
    from folium.map import FitBounds

    fit = FitBounds(bounds, padding=padding, max_zoom=max_zoom)
    fit.options["animate"] = False
    fmap.add_child(fit)


def fit_view(fmap: Any, resolved: Sequence[PlaceRecord], outline_features: Sequence[dict]) -> None:
    """Fit the map to the places (a lone far outlier left out); one place: a zoom fitting its kind."""
    if not resolved:
        return  # the world view the map was created with
    if len(resolved) == 1:
        only = resolved[0]
        if outline_features:
            bounds = _geometry_bounds(outline_features[0]["geometry"])
            if bounds is not None:
                fit_now(fmap, bounds, padding=(20, 20), max_zoom=SINGLE_PLACE_ZOOM["country"] + 2)
                return
        fmap.location = [only.lat, only.lon]
        fmap.options["zoom"] = SINGLE_PLACE_ZOOM.get(only.kind, 8)
        return
    outlier = lone_outlier(resolved)
    shown = [r for r in resolved if r is not outlier]
    lats = [r.point.lat for r in shown]
    lons = [r.point.lon for r in shown]
    fit_now(fmap, [[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=_FIT_MAX_ZOOM)


# --------------------------------------------------------------------------- outlines


def _outline_features(resolved: Sequence[PlaceRecord], outlines: Mapping[str, dict]) -> list[dict]:
    by_code = {str(code).upper(): geom for code, geom in outlines.items()}
    features = []
    for record in resolved:
        if record.kind != "country" or not record.country_code:
            continue
        geometry = by_code.get(record.country_code)
        geometry = _clean_geometry(geometry, _OUTLINE_TOLERANCE, _OUTLINE_DECIMALS) if geometry else None
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"i": record.index, "c": record.colour},
                "geometry": geometry,
            }
        )
    if features:
        from geo._render_store import save

        save()
    return features


def _basemap_features(outlines: Mapping[str, dict]) -> list[dict]:
    from geo._render_store import save

    features = []
    for code in sorted(outlines, key=str):
        geometry = _clean_geometry(outlines[code], _BASEMAP_TOLERANCE, _BASEMAP_DECIMALS)
        if geometry is not None:
            features.append({"type": "Feature", "properties": {}, "geometry": geometry})
    save()
    return features


@lru_cache(maxsize=1024)
def _simplified(geometry_json: str, tolerance: float, decimals: int) -> str | None:
    """:func:`_simplify`, remembered between runs (:mod:`geo._render_store`)."""
    from geo._render_store import remembered

    return remembered(geometry_json, tolerance, decimals, _simplify)


def _simplify(geometry_json: str, tolerance: float, decimals: int) -> str | None:
    from shapely.geometry import mapping, shape

    try:
        geom = shape(json.loads(geometry_json))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    out = mapping(simple)
    try:
        return json.dumps({"type": out["type"], "coordinates": _round_coords(out["coordinates"], decimals)})
    except (TypeError, ValueError):
        return None


def _clean_geometry(geometry: Any, tolerance: float, decimals: int) -> dict | None:
    """A small, valid-enough copy of a Polygon / MultiPolygon for drawing (None if unusable)."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        key = json.dumps(geometry, sort_keys=True)
    except (TypeError, ValueError):
        return None
    simplified = _simplified(key, tolerance, decimals)
    return json.loads(simplified) if simplified else None


def _round_coords(value: Any, decimals: int) -> Any:
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("coordinate is not finite")
        return round(number, decimals)
    return [_round_coords(v, decimals) for v in value]


def _geometry_bounds(geometry: Mapping[str, Any]) -> list[list[float]] | None:
    lons: list[float] = []
    lats: list[float] = []

    def visit(value: Any) -> None:
        if value and isinstance(value[0], (int, float)):
            lons.append(value[0])
            lats.append(value[1])
        else:
            for item in value:
                visit(item)

    visit(geometry["coordinates"])
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
