"""Physical and regional features: seas, rivers, lakes, mountains, ranges, deserts, islands, regions.

They live in the gazetteer file in tables of their own (``features``, ``feature_names``), so the
gazetteer's name look-up (:meth:`geo.gazetteer.Gazetteer.lookup`) does not return them. This
module is their typed read API:

- :func:`features_named` / :meth:`FeatureIndex.matches`: the features known under a name, also
  under its generic word ("Scioto River" finds the river Scioto, "Lake Maracaibo" the lake);
- :func:`nearest_point`: the point of a feature nearest to given coordinates (the Oder near
  Frankfurt (Oder), not the middle of the river);
- :func:`contains`: whether a point lies in (or within ``km`` of) a feature;
- :func:`geometry_for_map`: a feature's line or outline as GeoJSON, simplified for a map;
- :func:`kind_for_geonames`: the kind of a GeoNames feature code (H, T and L classes).

Each feature keeps a simplified geometry as WKB (a line for a river, a polygon for a lake, a sea,
a desert or a region, a line for a mountain range, a point for a peak). Shapely is imported on
first use of a geometry function, never at import time.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from geo._text import name_key as _key  # the one look-up key of names (the gazetteer's too)
from geo.gazetteer._features_geonames import GeoNamesKind, kind_for_geonames
from geo.types import FEATURE_KINDS, Candidate

__all__ = ["Feature", "FeatureMatch", "FeaturePoint", "GeoNamesKind", "FeatureIndex", "feature_index",
           "features_named", "nearest_point", "contains", "geometry_for_map", "kind_for_geonames",
           "name_forms", "generic_core", "GENERIC_WORDS"]

#: forms of a name in ``feature_names.form``
FORM_NAME, FORM_ALIAS, FORM_CORE = 0, 1, 2
_FORM_WORDS = {FORM_NAME: "name", FORM_ALIAS: "alias", FORM_CORE: "core"}

# Generic words of feature names, with the kinds they name. ``stored``: the name without the word
# is also stored (form "core"), so that a bare "Maracaibo" finds Lake Maracaibo; the wiring step
# decides when such a bare match may be used.
_PREFIXES: tuple[tuple[str, frozenset[str], bool], ...] = (
    ("lake ", frozenset({"lake"}), True), ("lago de ", frozenset({"lake"}), True), ("lago ", frozenset({"lake"}), True),
    ("lac de ", frozenset({"lake"}), True), ("lac ", frozenset({"lake"}), True), ("loch ", frozenset({"lake"}), True),
    ("mount ", frozenset({"mountain"}), True), ("mt ", frozenset({"mountain"}), True),
    ("monte ", frozenset({"mountain"}), True), ("mont ", frozenset({"mountain"}), True),
    ("gulf of ", frozenset({"sea"}), True), ("bay of ", frozenset({"sea"}), True), ("sea of ", frozenset({"sea"}), True),
    ("strait of ", frozenset({"sea"}), True), ("straits of ", frozenset({"sea"}), True),
    ("golfo de ", frozenset({"sea"}), True), ("golfe du ", frozenset({"sea"}), True),
    ("bahia de ", frozenset({"sea"}), True), ("estrecho de ", frozenset({"sea"}), True),
    ("river ", frozenset({"river"}), True), ("rio ", frozenset({"river"}), True), ("isle of ", frozenset({"island"}), True),
    ("lough ", frozenset({"lake"}), False),
)
_SUFFIXES: tuple[tuple[str, frozenset[str], bool], ...] = (
    (" river", frozenset({"river"}), True), (" canal", frozenset({"river"}), False),
    (" lake", frozenset({"lake"}), True), (" reservoir", frozenset({"lake"}), True),
    (" mountain range", frozenset({"range"}), True), (" mountains", frozenset({"range"}), True),
    (" range", frozenset({"range"}), True), (" hills", frozenset({"range"}), False),
    (" highlands", frozenset({"range"}), False), (" mountain", frozenset({"mountain"}), False),
    (" volcano", frozenset({"mountain"}), True), (" peak", frozenset({"mountain"}), False),
    (" desert", frozenset({"desert"}), True), (" islands", frozenset({"island"}), True),
    (" island", frozenset({"island"}), True), (" archipelago", frozenset({"island"}), True),
    (" plateau", frozenset({"region"}), False), (" peninsula", frozenset({"region"}), False),
    (" strait", frozenset({"sea"}), False), (" gulf", frozenset({"sea"}), False),
    (" bay", frozenset({"sea"}), False), (" sea", frozenset({"sea"}), False), (" ocean", frozenset({"sea"}), False),
)


#: the first words of the prefixes and the last words of the suffixes: a name with neither has no generic word
_PREFIX_FIRST = frozenset(p.split()[0] for p, _k, _s in _PREFIXES)
_SUFFIX_LAST = frozenset(s.split()[-1] for s, _k, _s in _SUFFIXES)
#: every word :func:`generic_core` looks for: a key none of whose words is one has no generic word
GENERIC_WORDS = _PREFIX_FIRST | _SUFFIX_LAST


def generic_core(norm: str, *, stored_only: bool = False) -> tuple[str, frozenset[str]] | None:
    """The name without its generic word and the kinds that word names: ``"scioto river"`` gives
    ``("scioto", {"river"})``, ``"lake maracaibo"`` ``("maracaibo", {"lake"})``; None without one."""
    first, space, _rest = norm.partition(" ")
    if not space or first not in _PREFIX_FIRST and norm[norm.rfind(" ") + 1:] not in _SUFFIX_LAST:
        return None  # every prefix and suffix holds a space (most names asked have no generic word)
    for prefix, kinds, stored in _PREFIXES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3 and (stored or not stored_only):
            return norm[len(prefix):], kinds
    for suffix, kinds, stored in _SUFFIXES:
        if norm.endswith(suffix) and len(norm) - len(suffix) >= 3 and (stored or not stored_only):
            return norm[: -len(suffix)], kinds
    return None


def _bare_lake(f: Feature) -> bool:
    """A lake whose name has its generic word ("Lago di Como", "Lough Allen"): an alias without
    the word is the name's core, used only where the text names a lake."""
    return f.kind == "lake" and generic_core(_key(f.name)) is not None


def name_forms(name: str, primary: bool) -> list[tuple[str, int]]:
    """The keys a feature's name is stored under: the name itself and, for "Lake X" and the like,
    X alone (form "core")."""
    norm = _key(name)
    if len(norm) < 2 or "?" in name:
        return []
    out = [(norm, FORM_NAME if primary else FORM_ALIAS)]
    core = generic_core(norm, stored_only=True)
    if core:
        out.append((core[0], FORM_CORE))
    return out


@dataclass(frozen=True, slots=True)
class Feature:
    """A sea, river, lake, mountain, range, desert, island or region.

    ``lat``/``lon`` is a representative point (inside a polygon, on a line); ``bbox`` is
    ``(west, south, east, north)``; ``size_km`` the length of a line, the square root of the area
    of a polygon, to rank namesakes; ``source`` the data set it comes from.
    """

    fid: int
    name: str
    kind: str
    subkind: str
    lat: float
    lon: float
    bbox: tuple[float, float, float, float]
    aliases: tuple[str, ...] = ()
    size_km: float = 0.0
    source: str = ""
    countries: tuple[str, ...] = ()
    wikidata: str | None = None
    geometry_wkb: bytes = field(default=b"", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FEATURE_KINDS:
            raise ValueError(f"bad feature kind {self.kind!r}")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"bad coordinates for {self.name!r}: {self.lat}, {self.lon}")
        w, s, e, n = self.bbox
        if not (s <= n and -90.0 <= s and n <= 90.0 and -180.0 <= w <= 180.0 and -180.0 <= e <= 180.0):
            raise ValueError(f"bad bounding box for {self.name!r}: {self.bbox}")

    def candidate(self, lat: float | None = None, lon: float | None = None) -> Candidate:
        """The feature as a resolution candidate, at its representative point or at ``lat``/``lon``
        (e.g. its :func:`nearest_point` to the article's other places)."""
        return Candidate(geonameid=None, name=self.name, kind=self.kind,
                         lat=self.lat if lat is None else lat, lon=self.lon if lon is None else lon,
                         country_code=self.countries[0] if len(self.countries) == 1 else None,
                         source="gazetteer", raw={"subkind": self.subkind}, fid=self.fid)


@dataclass(frozen=True, slots=True)
class FeatureMatch:
    """A feature found under a name: by its ``name``, an ``alias``, or its ``core`` (the name
    without its generic word: "Maracaibo" for Lake Maracaibo)."""

    feature: Feature
    form: Literal["name", "alias", "core"]


@dataclass(frozen=True, slots=True)
class FeaturePoint:
    """A point of a feature and its distance ``km`` from the point asked about."""

    lat: float
    lon: float
    km: float


_FCOLS = "f.fid, f.name, f.kind, f.subkind, f.lat, f.lon, f.west, f.south, f.east, f.north, f.size_km, f.source, " \
         "f.countries, f.wikidata, f.geometry, f.aliases"


def _feature(row) -> Feature:
    (fid, name, kind, subkind, lat, lon, w, s, e, n, size, source, countries, wikidata, geom, aliases) = row
    return Feature(fid=fid, name=name, kind=kind, subkind=subkind, lat=lat, lon=lon, bbox=(w, s, e, n),
                   aliases=tuple(a for a in (aliases or "").split("|") if a), size_km=size or 0.0, source=source,
                   countries=tuple(c for c in (countries or "").split(",") if c), wikidata=wikidata or None,
                   geometry_wkb=bytes(geom or b""))


class FeatureIndex:
    """Read access to the features of a built gazetteer file (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._cache: dict[str, tuple[FeatureMatch, ...]] = {}
        self._features: dict[int, Feature] = {}  # the features read so far, by id (the resolver asks by id)
        self._names: frozenset[str] | None = None

    @property
    def _con(self) -> sqlite3.Connection:
        from geo.gazetteer._sqlite import thread_connection

        return thread_connection(self._local, self.path, "SELECT 1 FROM features LIMIT 1",
                                 "read the features of the gazetteer")

    def _known(self) -> frozenset[str]:
        """Every key of ``feature_names`` (a few thousand), read once per process: most names asked are
        no feature's."""
        known = self._names
        if known is None:
            from geo.gazetteer._shared import shared_table

            known = self._names = shared_table(self.path, "feature_names", lambda: frozenset(
                n for (n,) in self._con.execute("SELECT DISTINCT norm FROM feature_names")))
        return known

    def _rows(self, norm: str, kinds: frozenset[str] | None) -> list[tuple[Feature, int]]:
        if norm not in self._known():
            return []
        rows = self._con.execute(
            f"SELECT {_FCOLS}, MIN(n.form) FROM feature_names n JOIN features f ON f.fid = n.fid "
            "WHERE n.norm = ? GROUP BY f.fid", (norm,)).fetchall()
        return [(self._read(r), r[16]) for r in rows if kinds is None or r[2] in kinds]

    def _read(self, row) -> Feature:
        """The feature of a row (the one already read, when it was)."""
        f = self._features.get(row[0])
        if f is None:
            if len(self._features) > 50_000:
                self._features.clear()
            f = self._features[row[0]] = _feature(row[:16])
        return f

    def matches(self, name: str) -> tuple[FeatureMatch, ...]:
        """Every feature known under ``name``: exact names and aliases first, then the features
        whose name is ``name`` without its generic word; larger features first within each."""
        norm = _key(name)
        hit = self._cache.get(norm)
        if hit is not None:
            return hit
        found: dict[int, tuple[Feature, int]] = {f.fid: (f, form) for f, form in self._rows(norm, None)}
        core = generic_core(norm)
        if core:  # "Scioto River": the river named Scioto; "Lake Maracaibo": the lake "Lago de Maracaibo"
            for f, form in self._rows(core[0], core[1]):
                if f.fid not in found:
                    found[f.fid] = (f, min(form, FORM_ALIAS))
        if core is None:  # "Como" for Lago di Como: English names a lake with its word ("Lake Como")
            found = {fid: (f, FORM_CORE if form == FORM_ALIAS and _bare_lake(f) else form)
                     for fid, (f, form) in found.items()}
        ordered = sorted(found.values(), key=lambda t: (t[1], -t[0].size_km, t[0].fid))
        out = tuple(FeatureMatch(f, _FORM_WORDS[form]) for f, form in ordered)  # type: ignore[arg-type]
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[norm] = out
        return out

    def named(self, name: str) -> tuple[Feature, ...]:
        return tuple(m.feature for m in self.matches(name))

    def by_id(self, fid: int) -> Feature | None:
        """The feature with this id (without a query when :meth:`matches` read it already)."""
        f = self._features.get(fid)
        if f is not None:
            return f
        row = self._con.execute(f"SELECT {_FCOLS} FROM features f WHERE f.fid = ?", (fid,)).fetchone()
        return self._read(row) if row else None

    def containing(self, lat: float, lon: float, km: float = 0.0) -> tuple[Feature, ...]:
        """The features that contain the point (or lie within ``km`` of it), smallest first."""
        pad_lat = km / 111.0
        pad_lon = pad_lat / max(0.05, math.cos(math.radians(lat)))
        rows = self._con.execute(
            f"SELECT {_FCOLS} FROM features f WHERE f.south <= ? AND f.north >= ? AND "
            "((f.west <= f.east AND f.west <= ? AND f.east >= ?) OR f.west > f.east)",
            (lat + pad_lat, lat - pad_lat, lon + pad_lon, lon - pad_lon)).fetchall()
        found = [f for f in map(_feature, rows) if contains(f, lat, lon, km)]
        return tuple(sorted(found, key=lambda f: (f.size_km, f.fid)))

    def counts(self) -> dict[str, int]:
        return dict(self._con.execute("SELECT kind, COUNT(*) FROM features GROUP BY kind ORDER BY kind"))

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None


_INDEXES: dict[Path, FeatureIndex] = {}
_INDEX_LOCK = threading.Lock()


def feature_index(gazetteer=None) -> FeatureIndex:
    """The features of ``gazetteer`` (a :class:`geo.gazetteer.Gazetteer`; default: the embedded
    gazetteer, built first if needed)."""
    if gazetteer is None:
        from geo.gazetteer import open_gazetteer

        gazetteer = open_gazetteer(progress=False)
    path = gazetteer.path if isinstance(gazetteer.path, Path) else Path(gazetteer.path)  # (asked per name)
    with _INDEX_LOCK:
        if path not in _INDEXES:
            _INDEXES[path] = FeatureIndex(path)
        return _INDEXES[path]


def features_named(name: str, gazetteer=None) -> tuple[Feature, ...]:
    """The features known under ``name`` (see :meth:`FeatureIndex.matches`), best first."""
    return feature_index(gazetteer).named(name)


@lru_cache(maxsize=2048)
def _shape(wkb: bytes):
    import shapely

    return shapely.from_wkb(wkb)


def _geometry(feature: Feature):
    if feature.geometry_wkb:
        return _shape(feature.geometry_wkb)
    import shapely

    return shapely.Point(feature.lon, feature.lat)


def nearest_point(feature: Feature, lat: float, lon: float) -> FeaturePoint:
    """The point of ``feature`` nearest to ``lat``/``lon`` (the point itself when inside it).

    Distances are measured with longitudes scaled by the cosine of ``lat``, which is accurate
    near the point asked about, where it matters.
    """
    import shapely

    from geo.evaluate import haversine_km

    geom = _geometry(feature)
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.covers(shapely.Point(lon, lat)):
        return FeaturePoint(lat, lon, 0.0)
    k = max(0.05, math.cos(math.radians(lat)))
    scaled = shapely.transform(geom, lambda xy: xy * (k, 1.0))
    # the first point of the shortest line from the shape to the point: what nearest_points gives as its
    # first point, without the two Point objects it makes
    x, y = shapely.get_coordinates(shapely.shortest_line(scaled, shapely.Point(lon * k, lat)))[0].tolist()
    nlat, nlon = y, max(-180.0, min(180.0, x / k))
    return FeaturePoint(nlat, nlon, haversine_km(lat, lon, nlat, nlon))


def contains(feature: Feature, lat: float, lon: float, km: float = 0.0) -> bool:
    """Whether the point lies inside ``feature`` (a sea, lake, desert, region …) or, with ``km``,
    within that distance of it (for a river or a peak, ``km`` is what makes "on the river")."""
    south, north = feature.bbox[1], feature.bbox[3]
    pad = km / 111.0
    if lat < south - pad or lat > north + pad:
        return False
    return nearest_point(feature, lat, lon).km <= km


def geometry_for_map(feature: Feature, tolerance: float = 0.01) -> dict:
    """The feature's geometry as GeoJSON, simplified to ``tolerance`` degrees (0.01 ≈ 1 km), with
    coordinates rounded to 5 decimals: a river as a (Multi)LineString, a lake, sea or region as a
    (Multi)Polygon outline, a peak as a Point."""
    import shapely

    geom = _geometry(feature)
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, 1e-5) if not geom.is_empty else geom
    return shapely.geometry.mapping(geom) if not geom.is_empty else {"type": "Point", "coordinates": [feature.lon, feature.lat]}

