"""Write the features into the gazetteer file being built (tables ``features`` and ``feature_names``).

The records of :mod:`geo.gazetteer._features_sources` are renamed and fixed by
``feature_names.tsv``, merged (the segments of one river, the polygons of one lake: same kind,
same name, within about 25 km of each other), simplified with shapely to a tolerance that grows
with the feature's extent (0.002° to 0.02°, 200 m to 2 km), given a representative point, a
bounding box, the countries they touch and a size, and written with their names.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from geo.gazetteer._features import FORM_CORE, name_forms
from geo.gazetteer._features_sources import (
    NameFix,
    RawFeature,
    read_curated,
    read_lakes,
    read_marine,
    read_name_fixes,
    read_rivers,
)

__all__ = ["FEATURE_SCHEMA", "FEATURE_INDEXES", "build_features"]

FEATURE_SCHEMA = """
CREATE TABLE features (
    fid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    subkind TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    west REAL NOT NULL, south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL,
    size_km REAL NOT NULL,
    source TEXT NOT NULL,
    countries TEXT NOT NULL,
    wikidata TEXT,
    aliases TEXT NOT NULL,
    geometry BLOB NOT NULL
);
CREATE TABLE feature_names (norm TEXT NOT NULL, fid INTEGER NOT NULL, form INTEGER NOT NULL);
"""

FEATURE_INDEXES = """
CREATE INDEX feature_names_norm ON feature_names(norm);
CREATE INDEX features_lat ON features(south, north);
"""

_MERGE_DEGREES = 0.25  # parts of one feature with the same name lie closer than this


def _fixed(records: Iterable[RawFeature], fixes: dict[tuple[str, str], NameFix]) -> Iterator[RawFeature]:
    from dataclasses import replace

    for r in records:
        fix = fixes.get((r.source, r.name))
        if fix is None:
            yield r
            continue
        if fix.drop:
            continue
        aliases = r.aliases + fix.aliases + ((r.name,) if fix.new_name else ())
        kind, subkind = fix.kind or (r.kind, r.subkind)
        yield replace(r, name=fix.new_name or r.name, aliases=aliases, kind=kind, subkind=subkind)


def _clusters(members: list[RawFeature]) -> list[list[RawFeature]]:
    """Members in groups of which each one is within reach of another (union-find)."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if root(i) != root(j) and members[i].geometry.distance(members[j].geometry) < _MERGE_DEGREES:
                parent[root(j)] = root(i)
    parts: dict[int, list[RawFeature]] = defaultdict(list)
    for i, m in enumerate(members):
        parts[root(i)].append(m)
    return list(parts.values())


def _groups(records: list[RawFeature]) -> Iterator[list[RawFeature]]:
    """Records of one feature: same kind and name, each within reach of another of the group
    (geo's own entries are never merged with a package's)."""
    from geo.gazetteer._features import _key

    by_name: dict[tuple[str, str, str], list[RawFeature]] = defaultdict(list)
    for r in records:
        by_name[(r.source if r.source == "geo" else "", r.kind, _key(r.name))].append(r)
    for key in sorted(by_name):
        yield from _clusters(by_name[key])


def _combined(group: list[RawFeature]) -> Any:
    import shapely

    geoms = [g.geometry for g in group]
    geom = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    return shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom


def _point(geom: Any) -> tuple[float, float]:
    if geom.geom_type == "Point":
        return geom.y, geom.x
    if geom.geom_type in ("LineString", "MultiLineString"):
        line = geom if geom.geom_type == "LineString" else max(geom.geoms, key=lambda g: g.length)
        p = line.interpolate(0.5, normalized=True)
        return p.y, p.x
    p = geom.point_on_surface()
    return p.y, p.x


def _size_km(geom: Any, lat: float) -> float:
    k = max(0.05, math.cos(math.radians(lat)))
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom.length * 111.2 * math.sqrt(k)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return math.sqrt(max(0.0, geom.area * k)) * 111.2
    return 0.0


def _outlines(con: sqlite3.Connection) -> tuple[list[str], list[Any]]:
    import shapely

    codes, geoms = [], []
    for cc, text in con.execute("SELECT cc, geojson FROM outlines ORDER BY cc"):
        geom = shapely.make_valid(shapely.geometry.shape(json.loads(text)))
        if not geom.is_empty:
            codes.append(cc)
            geoms.append(geom)
    return codes, geoms


class _Countries:
    """Country outlines, to clip regions given by a box and to tell which countries a feature touches."""

    def __init__(self, con: sqlite3.Connection):
        import shapely

        self.codes, self.geoms = _outlines(con)
        self.tree = shapely.STRtree(self.geoms)
        self.by_code = dict(zip(self.codes, self.geoms))

    def touched(self, geom: Any) -> tuple[str, ...]:
        return tuple(sorted(self.codes[i] for i in self.tree.query(geom, predicate="intersects")))

    def clip(self, geom: Any, codes: tuple[str, ...]) -> Any:
        import shapely

        land = [self.by_code[c] for c in codes if c in self.by_code]
        if not land:
            return geom
        clipped = shapely.intersection(geom, shapely.union_all(land))
        return clipped if not clipped.is_empty and clipped.area > 0 else geom


def _row(fid: int, group: list[RawFeature], countries: _Countries) -> tuple:
    import shapely

    first = min(group, key=lambda r: r.rank)
    geom = _combined(group)
    if first.clip:
        geom = countries.clip(geom, first.countries)
    w, s, e, n = geom.bounds
    tolerance = min(0.02, max(0.002, max(e - w, n - s) / 300.0))
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    lat, lon = first.point or _point(simple)
    codes = first.countries or countries.touched(simple)
    aliases: list[str] = []
    for r in group:
        for a in r.aliases:
            if a != first.name and a not in aliases:
                aliases.append(a)
    wkb = shapely.to_wkb(shapely.set_precision(simple, 1e-5), output_dimension=2)
    return (fid, first.name, first.kind, first.subkind, lat, lon, w, s, e, n, round(_size_km(simple, lat), 1),
            first.source, ",".join(codes), first.wikidata, "|".join(aliases), wkb)


def _names(fid: int, name: str, aliases: str) -> list[tuple[str, int, int]]:
    forms: dict[str, int] = {}
    for norm, form in name_forms(name, True):
        forms[norm] = min(form, forms.get(norm, 9))
    cores = {norm for norm, form in forms.items() if form == FORM_CORE}
    for alias in (a for a in aliases.split("|") if a):
        for norm, form in name_forms(alias, False):
            form = FORM_CORE if norm in cores else form
            forms[norm] = min(form, forms.get(norm, 9))
    return [(norm, fid, form) for norm, form in sorted(forms.items())]


def build_features(con: sqlite3.Connection) -> dict[str, int]:
    """Create and fill the feature tables in ``con`` (whose ``outlines`` table is already written);
    return the number of features of each kind."""
    con.executescript(FEATURE_SCHEMA)
    fixes = read_name_fixes()
    records = list(_fixed(read_marine(), fixes)) + list(_fixed(read_rivers(), fixes)) + \
        list(_fixed(read_lakes(), fixes)) + list(read_curated())
    countries = _Countries(con)
    rows, names = [], []
    for fid, group in enumerate(_groups(records), 1):
        row = _row(fid, group, countries)
        rows.append(row)
        names.extend(_names(fid, row[1], row[14]))
    con.executemany(f"INSERT INTO features VALUES ({','.join('?' * 16)})", rows)
    con.executemany("INSERT INTO feature_names VALUES (?,?,?)", names)
    con.executescript(FEATURE_INDEXES)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row[2]] += 1
    return dict(sorted(counts.items()))
