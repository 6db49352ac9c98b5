"""Reading the GeoNames dumps imported beside the embedded gazetteer (``geo gazetteer import``).

Each import is its own SQLite file in a directory beside the gazetteer (``gazetteer.imports/SY.sqlite``
for ``SY.zip``, written by :mod:`geo.gazetteer._import`). :class:`Imports` is a
:class:`~geo.types.CandidateSource`: a normalised name gives the entries of every sound import,
newest first; given the gazetteer, an entry the gazetteer holds too is answered with the
gazetteer's own (one place never appears twice).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo._warnings import GeocoderWarning
from geo.gazetteer._features_geonames import kind_for_geonames
from geo.types import Candidate, Match

if TYPE_CHECKING:  # pragma: no cover
    from geo.gazetteer import Gazetteer

__all__ = ["IMPORT_FORMAT", "SOURCE", "MAX_MATCHES", "Imports", "feature_kind", "imports_dir", "describe"]

IMPORT_FORMAT = "1"
SOURCE = "geonames-dump"
#: most entries one import gives for a name (the most populous first): "San José" is not a thousand places
MAX_MATCHES = 1000


def feature_kind(feature_class: str, feature_code: str) -> str:
    """geo's kind of place for a GeoNames feature class and code: H (water), T (terrain) and L
    (area) entries are the features' kinds ("H", "STM" -> river; :func:`kind_for_geonames`)."""
    if feature_class in ("H", "T", "L") and (fk := kind_for_geonames(feature_class, feature_code)):
        return fk.kind
    if feature_class == "P":
        return "city"
    if feature_class == "A":
        if feature_code.startswith("PCL") or feature_code == "TERR":
            return "country"
        if feature_code == "ADM1":
            return "admin1"
        if feature_code == "ADM2":
            return "admin2"
    if feature_class == "L" and feature_code == "CONT":
        return "continent"
    return "place"


def imports_dir(gazetteer_path: str | Path) -> Path:
    """The directory of imports beside the gazetteer file (``gazetteer-v3.sqlite`` -> ``gazetteer.imports``).

    The gazetteer's format version is left out of the name: imports outlive a rebuild of the
    embedded tables in a new format (they have their own format, checked when they are opened).
    """
    p = Path(gazetteer_path)
    return p.with_name(re.sub(r"-v\d+$", "", p.stem) + ".imports")


def _problem(path: Path) -> tuple[str | None, dict]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pc = con.execute("PRAGMA page_count").fetchone()[0]
            ps = con.execute("PRAGMA page_size").fetchone()[0]
            if pc * ps != path.stat().st_size:
                return "truncated", {}
            meta = dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
    except (sqlite3.DatabaseError, OSError) as exc:
        return f"unreadable ({exc})", {}
    if meta.get("complete") != "1":
        return "incomplete", meta
    if meta.get("format") != IMPORT_FORMAT:
        return "from another version of geo", meta
    return None, meta


@dataclass
class _Import:
    name: str
    path: Path
    meta: dict[str, Any]
    places: bool = field(init=False)

    def __post_init__(self):
        self.places = self.meta.get("table") == "geoname"


class Imports:
    """The sound imports of a directory, newest first (they win when two hold the same place)."""

    def __init__(self, directory: str | Path, *, gazetteer: Gazetteer | None = None):
        self.directory = Path(directory)
        self.gazetteer = gazetteer  # answers for the places it holds too
        self._local = threading.local()
        found = []
        try:
            files = sorted(self.directory.glob("*.sqlite")) if self.directory.is_dir() else []
        except OSError as exc:
            warnings.warn(f"cannot read the imports in {self.directory}: {exc.strerror or exc}", GeocoderWarning,
                          stacklevel=2)
            files = []
        if files:
            for p in files:
                problem, meta = _problem(p)
                if problem:
                    warnings.warn(f"ignoring the import {p}: {problem}; import the file again or remove it with "
                                  f"'geo gazetteer remove {p.stem}'", GeocoderWarning, stacklevel=2)
                    continue
                found.append(_Import(p.stem, p, meta))
        found.sort(key=lambda i: (i.meta.get("imported_at", ""), i.name), reverse=True)
        self.items: tuple[_Import, ...] = tuple(found)

    def __bool__(self) -> bool:
        return bool(self.items)

    def _con(self, item: _Import) -> sqlite3.Connection:
        cons = getattr(self._local, "cons", None)
        if cons is None:
            cons = self._local.cons = {}
        con = cons.get(item.path)
        if con is None:
            con = sqlite3.connect(f"file:{item.path}?mode=ro", uri=True, check_same_thread=False)
            con.execute("PRAGMA query_only=1")
            cons[item.path] = con
        return con

    def close(self) -> None:
        for con in (getattr(self._local, "cons", None) or {}).values():
            con.close()
        self._local.cons = {}

    @staticmethod
    def _candidate(row, item: _Import) -> Candidate:
        gid, name, kind, cc, admin1, lat, lon, pop, feature = row[:9]
        raw = {"feature": feature, "import": item.name}
        fcl, _, code = (feature or "").partition(".")
        if fcl in ("H", "T", "L") and (fk := kind_for_geonames(fcl, code)):
            kind = fk.kind  # also in an import made before features were kinds (stored as "place")
            raw["subkind"] = fk.subkind
        return Candidate(geonameid=gid, name=name, kind=kind, lat=lat, lon=lon, country_code=cc, admin1_code=admin1,
                         population=pop or 0, source=SOURCE, raw=raw,
                         admin1_codes=(admin1,) if kind == "admin1" and admin1 else ())

    def lookup(self, norm: str) -> tuple[Match, ...]:
        """Every import entry named ``norm``, each GeoNames id once (the newest import's entry).

        A name from an alternate-names import stands for the place of that id in the gazetteer or
        in an import (it is left out when neither holds it). With a gazetteer, a place it holds
        is answered with its own entry, and an imported first-level division with the
        gazetteer's division of the same code.
        """
        found: dict[int, tuple[Candidate | None, bool]] = {}
        for gid, cand, primary in self._rows(norm):
            found.setdefault(gid, (cand, primary))
        gz = self.gazetteer
        own = gz.own_by_geonameids(set(found)) if gz is not None and found else {}
        out = []
        for gid, (cand, primary) in found.items():
            c = own.get(gid)
            if c is None:
                c = cand if cand is not None else self.place(gid)
                if c is None:
                    continue
                if gz is not None and c.kind == "admin1" and c.country_code and c.admin1_code:
                    probe = Candidate(geonameid=None, name=c.name, kind="city", lat=c.lat, lon=c.lon,
                                      country_code=c.country_code, admin1_code=c.admin1_code)
                    c = gz.admin1_of(probe) or c
            out.append(Match(c, primary))
        return tuple(out)

    def _rows(self, norm: str) -> list[tuple[int, Candidate | None, bool]]:
        """``(geonameid, candidate or None, primary)`` of every import, newest first (None: an alternate name)."""
        out: list[tuple[int, Candidate | None, bool]] = []
        for item in self.items:
            con = self._con(item)
            try:
                if item.places:
                    rows = con.execute(
                        "SELECT p.gid, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.population, p.feature, "
                        "MAX(n.primary_name) FROM names n JOIN places p ON p.gid = n.gid WHERE n.norm = ? "
                        f"GROUP BY p.gid ORDER BY p.population DESC, p.gid LIMIT {MAX_MATCHES}", (norm,)).fetchall()
                    out.extend((r[0], self._candidate(r, item), bool(r[9])) for r in rows)
                else:
                    rows = con.execute("SELECT gid, MAX(primary_name) FROM names WHERE norm = ? GROUP BY gid "
                                       f"ORDER BY gid LIMIT {MAX_MATCHES}", (norm,)).fetchall()
                    out.extend((r[0], None, bool(r[1])) for r in rows)
            except sqlite3.DatabaseError:
                continue  # a file damaged since it was opened: the others still answer
        return out

    def place(self, geonameid: int) -> Candidate | None:
        for item in self.items:
            if not item.places:
                continue
            try:
                row = self._con(item).execute(
                    "SELECT gid, name, kind, cc, admin1, lat, lon, population, feature FROM places WHERE gid = ?",
                    (geonameid,)).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row:
                return self._candidate(row, item)
        return None

    def info(self) -> list[dict]:
        out = []
        for item in sorted(self.items, key=lambda i: i.name):
            m = item.meta
            out.append({"name": item.name, "path": str(item.path), "source": m.get("source"), "table": m.get("table"),
                        "places": int(m.get("places", 0)), "names": int(m.get("names", 0)),
                        "feature_classes": m.get("feature_classes"), "imported_at": m.get("imported_at"),
                        "size_bytes": item.path.stat().st_size if item.path.exists() else 0})
        return out


def describe(info: list[dict]) -> list[str]:
    """Lines for ``geo gazetteer info``."""
    lines = []
    for i in info:
        what = (f"{i['places']:,} places, {i['names']:,} names" if i["table"] == "geoname"
                else f"{i['names']:,} alternate names")
        lines.append(f"{i['name']}: {what}, {i['size_bytes'] / 1e6:.1f} MB, from {i['source']} ({i['imported_at']})")
    return lines
