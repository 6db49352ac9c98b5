"""The resolver's look-ups over all the names of an article, done without a scan of all of them for
each candidate (a long text has thousands of names: a scan per candidate is quadratic).

- :class:`Anchors`: pass 1's confident choices in 5-degree cells; "how near is the nearest of them
  to this candidate", within 500 km, without a distance to each;
- :class:`Shares`: what each name's current choice adds to the others' document context (its
  country, its first-level division), kept up to date as pass 2 changes the choices.

Both give exactly the figures of the scans they replace: the same distances, the same sums in
the same order. They are built per article by :meth:`geo.resolve.Resolver.resolve`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable, Sequence

from geo._distance import EARTH_RADIUS_KM, KM_PER_DEGREE_AT_LEAST, cos_lat, haversine_cos_km

if TYPE_CHECKING:  # pragma: no cover
    from geo._resolve_context import Group
    from geo.gazetteer import Gazetteer
    from geo.types import Candidate

__all__ = ["Anchors", "Shares"]

_CELL = 5.0  # degrees
_FEW = 24  # anchors a scan of all is quicker for
_LON_CELLS = int(360 / _CELL)
#: the farthest distance asked (km), as an angle in degrees, with a margin for rounding
_REACH_DEG = math.degrees(500.0 / EARTH_RADIUS_KM) + 0.1
_REACH_KM = 500.0

#: a point with the cosine of its latitude (:func:`geo._distance.cos_lat`)
_Point = tuple[float, float, float, "Candidate"]


class _Grid:
    """Points (``Candidate`` objects) by 5-degree cell, each with the cosine of its latitude."""

    def __init__(self, points: Iterable[Candidate]):
        self.cells: dict[tuple[int, int], list[_Point]] = defaultdict(list)
        self.points: list[_Point] = [(p.lat, p.lon, cos_lat(p.lat), p) for p in points]
        for pt in self.points:
            self.cells[(math.floor(pt[0] / _CELL), math.floor(pt[1] / _CELL) % _LON_CELLS)].append(pt)

    def around(self, lat: float, lon: float) -> Iterable[_Point]:
        """Every point that may lie within 500 km of (lat, lon) (and others): the cells of the
        latitudes within reach, and of the longitudes within reach at those latitudes."""
        rows = range(math.floor((lat - _REACH_DEG) / _CELL), math.floor((lat + _REACH_DEG) / _CELL) + 1)
        top = abs(lat) + _REACH_DEG
        if top >= 89.0:
            cols: Iterable[int] = range(_LON_CELLS)
        else:
            # the widest longitude span of a circle of that radius: asin(sin r / cos lat)
            x = math.sin(math.radians(_REACH_DEG)) / math.cos(math.radians(abs(lat)))
            span = math.degrees(math.asin(x)) + 0.5 if x < 1.0 else 180.0
            first, last = math.floor((lon - span) / _CELL), math.floor((lon + span) / _CELL)
            cols = range(_LON_CELLS) if last - first + 1 >= _LON_CELLS else [c % _LON_CELLS for c in range(first, last + 1)]
        cells = self.cells
        for r in rows:
            for c in cols:
                yield from cells.get((r, c), ())


class Anchors(list):
    """Pass 1's confident choices but the name's own (a list, as the scorers read it), with
    :meth:`nearest_km`."""

    def __init__(self, points: Sequence[Candidate], grid: _Grid, without: Candidate | None):
        super().__init__(a for a in points if a is not without)
        self._grid = grid
        self._without = without

    @staticmethod
    def grid(points: Sequence[Candidate]) -> _Grid:
        return _Grid(points)

    def nearest_km(self, lat: float, lon: float, enough: float = 0.0) -> float:
        """The distance to the nearest anchor when it is under 500 km (beyond: a distance over 500 km
        or infinity): the minimum of :func:`~geo._distance.haversine_km` from (lat, lon) to each
        anchor within reach. An anchor farther in latitude alone than that reach, or than the nearest
        so far, is passed over without a distance (it cannot be the nearest within reach). With
        ``enough``, the first distance found under it, if any (all that a caller asking "under
        ``enough`` km?" needs)."""
        points = self._grid.points if len(self) <= _FEW else self._grid.around(lat, lon)  # few: a scan
        without, cos1 = self._without, cos_lat(lat)
        limit, nearest = _REACH_KM, math.inf
        for la, lo, cos2, a in points:
            if abs(la - lat) * KM_PER_DEGREE_AT_LEAST > limit or a is without:
                continue
            d = haversine_cos_km(lat, lon, cos1, la, lo, cos2)
            if d < nearest:
                if d < enough:
                    return d
                nearest = d
                limit = min(limit, d)
        return nearest


class Shares:
    """What each group's choice adds to the document context of the other groups (pass 2)."""

    def __init__(self, gazetteer: Gazetteer, groups: dict[str, Group]):
        self._gazetteer = gazetteer
        self._shares: dict[str, tuple | None] = {k: self._share(g) for k, g in groups.items()}

    def _share(self, g: Group) -> tuple | None:
        ch = g.choice
        if ch is None or ch.kind in ("country", "continent") or g.key.startswith("country:"):
            return None
        a = self._gazetteer.admin1_pid(ch) if ch.kind in ("city", "admin2") else None
        return (ch.country_code, 0.5 * g.confidence * len(g.mentions), a is not None, a, 0.5 * g.confidence)

    def update(self, g: Group) -> None:
        """After ``g``'s choice changed."""
        self._shares[g.key] = self._share(g)

    def context(self, g: Group, countries: Counter, admin1s: Counter) -> tuple[Counter, Counter]:
        """The document context with the other names' current choices added (weighted by confidence);
        the same sums, in the same order, as a scan of every group."""
        c2, a2 = Counter(countries), Counter(admin1s)
        key = g.key
        for k, share in self._shares.items():
            if share is None or k == key:
                continue
            cc, vc, has_a, pid, va = share
            if cc:
                c2[cc] += vc
            if has_a:
                a2[pid] += va
        return c2, a2
