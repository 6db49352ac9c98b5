"""Which places the picture is about, where it is centred, and the projection that fits it.

A story with towns, divisions or other local places is framed on them (and on the countries
near them); a story that names only countries is framed on those countries' main land.
Continents, and countries far from the local places, stay off the map and are said so.

Regional views use an azimuthal equidistant projection centred on the places (distances
from the centre are true, shapes near it undistorted); views wider than ~7,000 km use Equal
Earth, an equal-area world projection. Geometries are cut where the projection would tear
them (the seam of a world map; the far side of the globe for an azimuthal one), projected,
clipped to the view and simplified below half a pixel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geo._render_data import PlaceRecord

__all__ = [
    "LOCAL_SPAN_KM",
    "View",
    "choose_view",
    "framed",
    "mainland",
    "project_geometry",
    "project_points",
    "to_shape",
    "visible",
]

EARTH_KM = 6371.0088
WORLD_RADIUS_KM = 3500.0  # beyond this distance from the centre: a world projection
LOCAL_SPAN_KM = 1500.0  # views narrower than this get an overview inset
_MIN_HALF_KM = 25.0  # a view is at least 50 km across
_NEAR_COUNTRY_KM = 500.0  # a country whose marker is this near the local places is framed too
_PAD = 0.12  # margin around the places, as a fraction of the view


@dataclass(frozen=True, slots=True)
class View:
    """The map's frame: a projection and the rectangle of it shown (projected metres)."""

    crs: str
    bounds: tuple[float, float, float, float]
    centre: tuple[float, float]
    world: bool
    shown: tuple[int, ...]
    off_map: tuple[int, ...]

    @property
    def span_km(self) -> float:
        """The longer side of the view, in km (exact at the centre of an azimuthal view)."""
        x0, y0, x1, y1 = self.bounds
        return max(x1 - x0, y1 - y0) / 1000.0

    @property
    def local(self) -> bool:
        return not self.world and self.span_km < LOCAL_SPAN_KM

    def widened(self, factor: float, min_half_m: float) -> View:
        """The same centre and projection, ``factor`` times wider (for the overview inset)."""
        x0, y0, x1, y1 = self.bounds
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max((x1 - x0) / 2 * factor, (y1 - y0) / 2 * factor, min_half_m)
        return View(self.crs, (cx - half, cy - half, cx + half, cy + half), self.centre, False, (), ())


def _angular_km(lon0: float, lat0: float, lons: Any, lats: Any):
    """Great-circle distances (km) from one point to arrays of points (numpy)."""
    import numpy as np

    p0, l0 = math.radians(lat0), math.radians(lon0)
    p, lam = np.radians(lats), np.radians(lons)
    cos_d = math.sin(p0) * np.sin(p) + math.cos(p0) * np.cos(p) * np.cos(lam - l0)
    return np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0))) * (math.pi / 180.0) * EARTH_KM


def _centre(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The spherical mean of (lon, lat) points, rounded so that the projection string is stable."""
    x = y = z = 0.0
    for lon, lat in points:
        lo, la = math.radians(lon), math.radians(lat)
        x, y, z = x + math.cos(la) * math.cos(lo), y + math.cos(la) * math.sin(lo), z + math.sin(la)
    if math.hypot(x, y) < 1e-9:
        return 0.0, 0.0
    return round(math.degrees(math.atan2(y, x)), 4), round(math.degrees(math.atan2(z, math.hypot(x, y))), 4)


def to_shape(geometry: Any):
    """A shapely geometry from GeoJSON (or a shapely geometry); None when unusable."""
    from shapely.geometry import shape
    from shapely.geometry.base import BaseGeometry

    if isinstance(geometry, BaseGeometry):
        return None if geometry.is_empty else geometry
    if not isinstance(geometry, Mapping):
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geom.is_empty:
        return None
    return geom if geom.is_valid else _valid(geom)


def _valid(geom):
    import shapely

    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":  # keep the polygons (or lines) of a repaired outline
        parts = [g for g in fixed.geoms if g.geom_type == geom.geom_type.replace("Multi", "")
                 or g.geom_type == geom.geom_type]
        fixed = shapely.union_all(parts) if parts else fixed
    return fixed


def _clip(geom, frame):
    from shapely.errors import GEOSException

    try:
        return geom.intersection(frame)
    except GEOSException:
        return _valid(geom).intersection(frame)


def mainland(geometry: Any):
    """The largest polygon of an outline: frames the United States without Alaska and Hawaii."""
    geom = to_shape(geometry)
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)


def _core(records: Sequence[PlaceRecord]) -> tuple[list[PlaceRecord], bool]:
    """The places that frame the map, and whether they are local (not only countries)."""
    placed = [r for r in records if r.resolved and r.kind != "continent"]
    local = [r for r in placed if r.kind != "country"]
    if not local:
        return placed, False
    lon, lat = _centre([(r.point.lon, r.point.lat) for r in local])
    reach = max(float(_angular_km(lon, lat, [r.lon for r in local], [r.lat for r in local]).max()), 1.0)
    limit = max(_NEAR_COUNTRY_KM, 2.0 * reach)
    near = [r for r in placed if r.kind == "country"
            and float(_angular_km(lon, lat, [r.lon], [r.lat])[0]) <= limit]
    keep = {r.index for r in local} | {r.index for r in near}
    return [r for r in placed if r.index in keep], True


def framed(records: Sequence[PlaceRecord]) -> tuple[int, ...]:
    """The indexes of the places the map shows (the rest of the resolved ones are off the map)."""
    return tuple(r.index for r in _core(records)[0])


def _frame_points(core: Sequence[PlaceRecord], local: bool, outlines: Mapping[str, Any]) -> list[tuple[float, float]]:
    points = [(r.point.lon, r.point.lat) for r in core]
    if local:
        return points
    for r in core:
        land = mainland(outlines.get(r.country_code or "")) if r.kind == "country" else None
        if land is not None:
            points.extend(land.exterior.coords)
    return points


@lru_cache(maxsize=16)
def _transformer(crs: str):
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def project_points(crs: str, lons: Iterable[float], lats: Iterable[float]):
    """Two numpy arrays of projected x and y."""
    import numpy as np

    return _transformer(crs).transform(np.asarray(list(lons), float), np.asarray(list(lats), float))


def _fit(bounds: tuple[float, float, float, float], aspect: float, min_half: float, world: bool):
    """Pad ``bounds`` and widen the short side to the axes' aspect (width / height)."""
    x0, y0, x1, y1 = bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) / 2 * (1 + 2 * _PAD), min_half)
    half_h = max((y1 - y0) / 2 * (1 + 2 * _PAD), min_half)
    if half_w / half_h < aspect:
        half_w = half_h * aspect
    else:
        half_h = half_w / aspect
    if world:  # never more than the whole Equal Earth map (about 34,000 x 17,000 km)
        half_w, half_h = min(half_w, 17.3e6), min(half_h, 8.7e6)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def choose_view(records: Sequence[PlaceRecord], outlines: Mapping[str, Any], aspect: float) -> View:
    """Frame the places of ``records`` for axes of the given aspect ratio."""
    core, local = _core(records)
    shown = tuple(r.index for r in core)
    off_map = tuple(r.index for r in records if r.resolved and r.index not in set(shown))
    points = _frame_points(core, local, outlines) or [(0.0, 0.0)]
    lon, lat = _centre(points)
    reach = float(_angular_km(lon, lat, [p[0] for p in points], [p[1] for p in points]).max())
    world = reach > WORLD_RADIUS_KM or not core
    if world:
        lon0 = float(round(lon))
        crs = f"+proj=eqearth +lon_0={lon0:g} +datum=WGS84 +units=m +no_defs"
    else:
        crs = f"+proj=aeqd +lat_0={lat:g} +lon_0={lon:g} +datum=WGS84 +units=m +no_defs"
    if not core:
        bounds: tuple[float, float, float, float] = (-17.3e6, -8.7e6, 17.3e6, 8.7e6)
    else:
        xs, ys = project_points(crs, [p[0] for p in points], [p[1] for p in points])
        bounds = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    return View(crs, _fit(bounds, aspect, _MIN_HALF_KM * 1000, world), (lon, lat), world, shown, off_map)


def _seam_parts(geom, crs: str):
    """Cut a lon/lat geometry at the seam of a world projection (lon_0 + 180)."""
    from shapely.geometry import box

    lon0 = float(crs.split("+lon_0=")[1].split()[0])
    seam = (lon0 + 180.0 + 180.0) % 360.0 - 180.0
    if abs(abs(seam) - 180.0) < 1e-9:
        return geom
    eps = 1e-7
    halves = [_clip(geom, box(-180, -90, seam - eps, 90)), _clip(geom, box(seam + eps, -90, 180, 90))]
    from shapely.ops import unary_union

    return unary_union([h for h in halves if not h.is_empty])


def _near_side(geom, view: View):
    """The parts of a lon/lat geometry an azimuthal view can draw (none near the antipode)."""
    import numpy as np
    import shapely

    limit = math.hypot(view.bounds[2] - view.bounds[0], view.bounds[3] - view.bounds[1]) / 1000.0 + 1500.0
    keep = []
    for part in getattr(geom, "geoms", [geom]):
        coords = shapely.get_coordinates(part)
        dist = _angular_km(view.centre[0], view.centre[1], coords[:, 0], coords[:, 1])
        if float(np.min(dist)) <= limit and float(np.max(dist)) < 15_000.0:
            keep.append(part)
    if not keep:
        return None
    return shapely.union_all(keep) if len(keep) > 1 else keep[0]


def project_geometry(geometry: Any, view: View, *, margin: float = 0.05):
    """A lon/lat geometry (GeoJSON or shapely) projected, clipped to the view and simplified."""
    import shapely
    from shapely.geometry import box

    geom = to_shape(geometry)
    if geom is None:
        return None
    geom = _seam_parts(geom, view.crs) if view.world else _near_side(geom, view)
    if geom is None or geom.is_empty:
        return None
    transformer = _transformer(view.crs)
    projected = shapely.transform(geom, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1])))
    x0, y0, x1, y1 = view.bounds
    pad = max(x1 - x0, y1 - y0) * margin
    frame = box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    clipped = _clip(projected, frame)
    if clipped.is_empty:
        return None
    return clipped.simplify(max(x1 - x0, y1 - y0) / 3000.0, preserve_topology=True)


def visible(geometries, view: View) -> list:
    """The lon/lat geometries that may show in the view (a quick test of their boxes, for big layers)."""
    import numpy as np
    import shapely
    from pyproj import Transformer
    from shapely.geometry import box

    shapes = [g for g in (to_shape(x) for x in geometries) if g is not None]
    if view.world or len(shapes) < 50:
        return shapes
    x0, y0, x1, y1 = view.bounds
    t = np.linspace(0.0, 1.0, 41)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t, np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 - (y1 - y0) * t])
    lons, lats = Transformer.from_crs(view.crs, "EPSG:4326", always_xy=True).transform(xs, ys)
    ok = np.isfinite(lons) & np.isfinite(lats)
    lons, lats = lons[ok], lats[ok]
    cx, cy = project_points(view.crs, [0.0, 0.0], [90.0, -90.0])
    pole = [(x0 <= cx[i] <= x1 and y0 <= cy[i] <= y1) for i in range(2)]
    west, east = (-180.0, 180.0) if (any(pole) or np.ptp(lons) > 180 or not len(lons)) else (lons.min(), lons.max())
    south = -90.0 if pole[1] or not len(lats) else lats.min()
    north = 90.0 if pole[0] or not len(lats) else lats.max()
    frame = box(west - 1, max(south - 1, -90), east + 1, min(north + 1, 90))
    hits = shapely.intersects(np.asarray(shapes, dtype=object), frame)
    return [g for g, hit in zip(shapes, hits) if hit]


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)
