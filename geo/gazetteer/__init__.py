"""The embedded gazetteer: an SQLite file in the user's cache directory, built on first use.

Where the file lives (first that applies):

1. ``GEO_GAZETTEER``: the full path of the SQLite file;
2. ``GEO_CACHE_DIR``: a directory; the file is ``gazetteer-v<format>.sqlite`` inside it;
3. the platform's user cache directory for ``geo`` (``~/.cache/geo`` on Linux).

A file that is missing, truncated, not a database, from an older format or built from other
package versions is rebuilt, never used.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from geo._text import normalize
from geo.errors import GazetteerError
from geo.gazetteer._build import FORMAT_VERSION, build
from geo.gazetteer._sources import package_versions
from geo.types import Candidate

__all__ = ["Gazetteer", "Match", "CountryInfo", "default_path", "open_gazetteer"]


def default_path() -> Path:
    """Where the gazetteer is (or will be) stored; see the module docstring."""
    explicit = os.environ.get("GEO_GAZETTEER")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("GEO_CACHE_DIR")
    if base:
        root = Path(base).expanduser()
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("geo", appauthor=False))
    return root / f"gazetteer-v{FORMAT_VERSION}.sqlite"


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer entry found under a name; ``primary`` when it is the entry's main name."""

    candidate: Candidate
    primary: bool


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name: str
    continent: str | None
    neighbours: tuple[str, ...]
    candidate: Candidate


_COLS = "p.pid, p.geonameid, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.population, p.source"


def _candidate(row) -> Candidate:
    pid, gid, name, kind, cc, admin1, lat, lon, pop, source = row[:10]
    return Candidate(geonameid=gid, name=name, kind=kind, lat=lat, lon=lon, country_code=cc,
                     admin1_code=admin1, population=pop or 0, source=source, raw={"pid": pid})


def _key(name: str) -> str:
    """The look-up key of a name: normalised, without a leading "the"."""
    norm = normalize(name)
    return norm[4:] if norm.startswith("the ") else norm


def _problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be used as it is, or None when it is sound."""
    if not path.exists():
        return "missing"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            page_count = con.execute("PRAGMA page_count").fetchone()[0]
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
            if page_count * page_size != path.stat().st_size:
                return "truncated"
            meta = dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"unreadable ({exc})"
    if meta.get("complete") != "1":
        return "incomplete"
    if meta.get("format_version") != FORMAT_VERSION:
        return "old format"
    try:
        if json.loads(meta.get("packages", "{}")) != package_versions():
            return "built from other package versions"
    except ValueError:
        return "bad meta"
    return None


def open_gazetteer(path: Path | None = None, *, progress: bool = True, rebuild: bool = False) -> "Gazetteer":
    """Open the gazetteer at ``path`` (default: :func:`default_path`), building it first if needed."""
    path = Path(path) if path else default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerError(f"cannot create the gazetteer directory {path.parent}: {exc.strerror}; "
                             "set GEO_CACHE_DIR to a writable directory") from exc
    if rebuild or _problem(path) is not None:
        lock_path = path.with_name(path.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time; the others wait and reuse its file
            try:
                if rebuild or _problem(path) is not None:
                    try:
                        build(path, progress=progress)
                    except OSError as exc:
                        raise GazetteerError(f"cannot write the gazetteer at {path}: {exc}") from exc
                problem = _problem(path)
                if problem:
                    raise GazetteerError(f"the gazetteer at {path} is {problem} even after a rebuild")
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return Gazetteer(path)


class Gazetteer:
    """Read access to a built gazetteer file. Safe to share between threads (one connection each)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._lookup_cache: dict[str, tuple[Match, ...]] = {}
        self._countries: dict[str, CountryInfo] | None = None
        self._demonyms: dict[str, tuple[str, str]] | None = None
        self._sources: tuple = ()  # extra entries (the user's places): objects with lookup(norm) -> Matches
        self._pins: dict[str, Candidate] = {}  # names answered with one entry only (corrections)
        self._imports = None  # the GeoNames dumps imported beside the file, opened on first use

    @property
    def imports(self):
        """The GeoNames dumps imported beside the gazetteer (``geo gazetteer import``), newest first."""
        if self._imports is None:
            from geo.gazetteer._import import Imports, imports_dir

            self._imports = Imports(imports_dir(self.path))
        return self._imports

    def extended(self, *sources, pins: dict[str, Candidate] | None = None) -> "Gazetteer":
        """A view of this gazetteer that also answers from ``sources`` (e.g. the user's places) and
        answers each name of ``pins`` with its pinned entry only. The gazetteer itself is unchanged."""
        view = Gazetteer(self.path)
        view._sources = self._sources + tuple(sources)
        view._pins = {**self._pins, **{_key(k): v for k, v in (pins or {}).items()}}
        view._imports, view._countries, view._demonyms = self._imports, self._countries, self._demonyms
        return view

    @property
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            try:
                con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                con.execute("PRAGMA query_only=1")
            except sqlite3.DatabaseError as exc:
                raise GazetteerError(f"cannot open the gazetteer at {self.path}: {exc}") from exc
            self._local.con = con
        return con

    def __getstate__(self):  # picklable for worker processes: reopen there
        return {"path": self.path, "sources": self._sources, "pins": self._pins}

    def __setstate__(self, state):
        self.__init__(state["path"])
        self._sources, self._pins = state.get("sources", ()), state.get("pins", {})

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        if self._imports is not None:
            self._imports.close()

    # -- look-ups -------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[Match, ...]:
        """Every entry known under ``name`` (accent- and case-insensitive), most populous first.

        Entries of imported GeoNames dumps and of extra sources (see :meth:`extended`) come with
        the gazetteer's own; a pinned name gives its pinned entry only.
        """
        norm = _key(name)
        hit = self._lookup_cache.get(norm)
        if hit is not None:
            return hit
        if norm in self._pins:
            return (Match(self._pins[norm], True),)
        rows = self._con.execute(
            f"SELECT {_COLS}, MAX(n.primary_name) FROM names n JOIN places p ON p.pid = n.pid "
            "WHERE n.norm = ? GROUP BY p.pid ORDER BY p.population DESC, p.pid", (norm,)).fetchall()
        out = tuple(Match(_candidate(r), bool(r[10])) for r in rows)
        if self._sources or self.imports:
            from geo.gazetteer._import import merge_matches

            out = merge_matches(self, norm, out)
        if len(self._lookup_cache) > 200_000:
            self._lookup_cache.clear()
        self._lookup_cache[norm] = out
        return out

    def knows(self, name: str) -> bool:
        return bool(self.lookup(name))

    def countries(self) -> dict[str, CountryInfo]:
        if self._countries is None:
            rows = self._con.execute(
                f"SELECT c.cc, c.name, c.continent, c.neighbours, {_COLS} FROM countries c "
                "JOIN places p ON p.pid = c.pid").fetchall()
            self._countries = {
                r[0]: CountryInfo(r[0], r[1], r[2], tuple(x for x in (r[3] or "").split(",") if x), _candidate(r[4:]))
                for r in rows}
        return self._countries

    def country(self, code: str | None) -> CountryInfo | None:
        return self.countries().get(code) if code else None

    def demonym(self, word: str) -> tuple[str, str] | None:
        """``(country_code, form)`` when ``word`` is a demonym or adjective of a country."""
        if self._demonyms is None:
            self._demonyms = {n: (cc, f) for n, cc, f in self._con.execute("SELECT norm, cc, form FROM demonyms")}
        return self._demonyms.get(normalize(word))

    def divisions_named(self, name: str) -> tuple[Candidate, ...]:
        """First-level divisions whose names are ``name`` with a qualifier ("North Darfur", "South Darfur")."""
        if getattr(self, "_qualified_divisions", None) is None:
            index: dict[str, list[Candidate]] = {}
            rows = self._con.execute(f"SELECT {_COLS} FROM places p WHERE p.kind = 'admin1'").fetchall()
            for r in rows:
                words = normalize(r[2]).split()
                if len(words) >= 2:
                    c = _candidate(r)
                    for key in {words[-1], " ".join(words[1:])}:
                        index.setdefault(key, []).append(c)
            self._qualified_divisions = {k: tuple(v) for k, v in index.items()}
        return self._qualified_divisions.get(normalize(name), ())

    def admin1_of(self, candidate: Candidate) -> Candidate | None:
        """The first-level division a place lies in, when known."""
        if not candidate.country_code or not candidate.admin1_code or candidate.kind not in ("city", "admin2"):
            return None
        key = (candidate.country_code, candidate.admin1_code)
        cache = self.__dict__.setdefault("_admin1_of", {})
        if key not in cache:
            row = self._con.execute(
                f"SELECT {_COLS} FROM admin1_codes a JOIN places p ON p.pid = a.pid WHERE a.cc = ? AND a.code = ?",
                key).fetchone()
            cache[key] = _candidate(row) if row else None
        return cache[key]

    def division(self, country_code: str, admin1_code: str) -> Candidate | None:
        """The first-level division with this GeoNames admin1 code ("US", "OH"), if the gazetteer has it."""
        row = self._con.execute(
            f"SELECT {_COLS} FROM admin1_codes a JOIN places p ON p.pid = a.pid WHERE a.cc = ? AND a.code = ?",
            (country_code.upper(), admin1_code)).fetchone()
        return _candidate(row) if row else None

    def division_names(self) -> dict[tuple[str, str], str]:
        """(country code, admin1 code) -> the division's name, for every coded division."""
        rows = self._con.execute("SELECT a.cc, a.code, p.name FROM admin1_codes a JOIN places p ON p.pid = a.pid")
        return {(cc, code): name for cc, code, name in rows}

    def admin1_codes(self, candidate: Candidate) -> tuple[str, ...]:
        """GeoNames admin1 codes that a first-level division stands for."""
        pid = (candidate.raw or {}).get("pid")
        if candidate.kind == "admin1" and pid is None:  # an imported division
            return tuple((candidate.raw or {}).get("admin1_codes") or ())
        if candidate.kind != "admin1" or pid is None:
            return ()
        return tuple(r[0] for r in self._con.execute("SELECT code FROM admin1_codes WHERE pid = ?", (pid,)))

    def by_geonameid(self, geonameid: int) -> Candidate | None:
        """The entry with this GeoNames id, from the gazetteer or else from the imported dumps."""
        found = self._base_by_geonameid(geonameid)
        if found is None and self.imports:
            found = self.imports.place(geonameid)
        return found

    def _base_by_geonameid(self, geonameid: int) -> Candidate | None:
        row = self._con.execute(f"SELECT {_COLS} FROM places p WHERE p.geonameid = ? LIMIT 1", (geonameid,)).fetchone()
        return _candidate(row) if row else None

    def outlines(self, codes: Iterable[str] | None = None) -> dict[str, dict]:
        """Country outlines as GeoJSON geometries, by ISO alpha-2 code (all when ``codes`` is None)."""
        rows = self._con.execute("SELECT cc, geojson FROM outlines ORDER BY cc").fetchall()
        wanted = None if codes is None else set(codes)
        return {cc: json.loads(g) for cc, g in rows if wanted is None or cc in wanted}

    def info(self) -> dict:
        """Where the file is, what it holds and which package versions it was built from."""
        meta = dict(self._con.execute("SELECT key, value FROM meta"))
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "format_version": meta.get("format_version"),
            "packages": json.loads(meta.get("packages", "{}")),
            "places": json.loads(meta.get("counts", "{}")),
            "names": int(meta.get("names", 0)),
            "outlines": int(meta.get("outlines", 0)),
            "demonyms": int(meta.get("demonyms", 0)),
            "features": json.loads(meta.get("features", "{}")),
            "build_seconds": float(meta.get("build_seconds", 0)),
            "imports": self.imports.info(),
        }
