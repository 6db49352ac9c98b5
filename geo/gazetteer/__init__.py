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
from typing import TYPE_CHECKING, Any, Iterable

from geo._cache import cache_dir
from geo._text import name_key, normalize
from geo.errors import GazetteerError
from geo.gazetteer._build import FORMAT_VERSION, build
from geo.gazetteer._shared import shared_table
from geo.gazetteer._sources import build_digest, package_versions
from geo.types import Candidate, CandidateSource, Match

if TYPE_CHECKING:  # pragma: no cover
    from geo.gazetteer._imports import Imports
    from geo.gazetteer._name_filter import NameFilter

__all__ = ["Gazetteer", "Match", "CountryInfo", "default_path", "open_gazetteer", "merge_matches"]


def default_path() -> Path:
    """Where the gazetteer is (or will be) stored; see the module docstring."""
    explicit = os.environ.get("GEO_GAZETTEER")
    if explicit:
        return Path(explicit).expanduser()
    return cache_dir() / f"gazetteer-v{FORMAT_VERSION}.sqlite"


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name: str
    continent: str | None
    neighbours: tuple[str, ...]
    candidate: Candidate


_UNASKED = object()  # a look-up not made yet (None: made, nothing found)

_COLS = "p.pid, p.geonameid, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.population, p.source"


def _candidate(row) -> Candidate:
    pid, gid, name, kind, cc, admin1, lat, lon, pop, source = row[:10]
    # (by position: a few thousand per article; geonameid, name, kind, lat, lon, country_code,
    # admin1_code, population, source, raw, pid)
    return Candidate(gid, name, kind, lat, lon, cc, admin1, pop or 0, source, None, pid)


def merge_matches(base: tuple[Match, ...], imported: Iterable[Match], extra: Iterable[Match]) -> tuple[Match, ...]:
    """The gazetteer's own matches, then the imports' and the extra sources', each place once.

    An import entry is left out when its GeoNames id was already given; any entry is left out
    when an entry with its key was. The result is ordered by population (stable).
    """
    out = list(base)
    seen = {m.candidate.geonameid for m in base if m.candidate.geonameid is not None}
    keys = {m.candidate.key for m in base}
    for m in imported:
        gid = m.candidate.geonameid
        if gid is not None:
            if gid in seen:
                continue
            seen.add(gid)
        if m.candidate.key not in keys:
            keys.add(m.candidate.key)
            out.append(m)
    for m in extra:
        if m.candidate.key not in keys:
            keys.add(m.candidate.key)
            out.append(m)
    out.sort(key=lambda m: -(m.candidate.population or 0))
    return tuple(out)


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
    if meta.get("build") != build_digest():
        return "built by another version of geo (its build code or curated tables)"
    from geo.gazetteer._integrity import damage

    return damage(path)


def open_gazetteer(path: Path | None = None, *, progress: bool | None = None, rebuild: bool = False) -> Gazetteer:
    """Open the gazetteer at ``path`` (default: :func:`default_path`), building it first if needed."""
    path = Path(path) if path else default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerError(f"cannot create the gazetteer directory {path.parent}: {exc.strerror}; "
                             "set GEO_CACHE_DIR to a writable directory") from exc
    from geo._atomic import clean_stale

    clean_stale(path.parent, f".{path.name}.*.tmp*")  # the temporary file of a build that was killed
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
    """Read access to a built gazetteer file. Safe to share between threads (one connection each).

    A :class:`~geo.types.CandidateSource` itself (:meth:`lookup_key`), its :meth:`lookup` also
    answers from the GeoNames imports beside the file and from the extra sources of a view
    (:meth:`extended`: the user's places).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._lookup_cache: dict[str, tuple[Match, ...]] = {}
        self._countries: dict[str, CountryInfo] | None = None
        self._demonyms: dict[str, tuple[str, str]] | None = None
        self._qualified_divisions: dict[str, tuple[Candidate, ...]] | None = None
        self._admin1_of: dict[tuple[str, str], Candidate | None] = {}
        self._admin1_pids: dict[tuple[str, str], int] | None = None  # (cc, admin1 code) -> its division's pid
        self._codes_of: dict[int, tuple[str, ...]] | None = None  # admin1 pid -> its admin1 codes
        self._filter: NameFilter | None = None  # the file's Bloom filter of names, read on first use
        self._filter_read = False
        self._sources: tuple[CandidateSource, ...] = ()  # extra entries (the user's places)
        self._imports: Imports | None = None  # the GeoNames dumps imported beside the file, opened on first use

    @property
    def imports(self) -> Imports:
        """The GeoNames dumps imported beside the gazetteer (``geo gazetteer import``), newest first."""
        if self._imports is None:
            from geo.gazetteer._imports import Imports, imports_dir

            self._imports = Imports(imports_dir(self.path), gazetteer=self)
        return self._imports

    def extended(self, *sources: CandidateSource) -> Gazetteer:
        """A view of this gazetteer that also answers from ``sources`` (e.g. the user's places).
        The gazetteer itself is unchanged."""
        view = Gazetteer(self.path)
        view._sources = self._sources + tuple(sources)
        view._countries, view._demonyms = self._countries, self._demonyms
        view._filter, view._filter_read = self._filter, self._filter_read
        return view

    @property
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)  # the thread's connection, once it is open
        if con is None:
            from geo.gazetteer._sqlite import thread_connection

            con = thread_connection(self._local, self.path, "PRAGMA query_only=1", "open the gazetteer")
        return con

    def __getstate__(self) -> dict[str, Any]:  # picklable for worker processes: reopen there
        return {"path": self.path, "sources": self._sources}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Gazetteer.__init__(self, state["path"])
        self._sources = state.get("sources", ())

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
        the gazetteer's own (:func:`merge_matches`).
        """
        norm = name_key(name)
        hit = self._lookup_cache.get(norm)
        if hit is not None:
            return hit
        out = self.lookup_key(norm)
        if self._sources or self.imports:
            extra = [m for src in self._sources for m in src.lookup(norm)]
            out = merge_matches(out, self.imports.lookup(norm) if self.imports else (), extra)
        if len(self._lookup_cache) > 200_000:
            self._lookup_cache.clear()
        self._lookup_cache[norm] = out
        return out

    def lookup_key(self, norm: str) -> tuple[Match, ...]:
        """The embedded tables' own entries under a normalised name (the CandidateSource seam)."""
        if not self._filter_read:
            from geo.gazetteer._name_filter import NameFilter

            self._filter = shared_table(self.path, "name_filter", lambda: NameFilter.read(self._con))
            self._filter_read = True
        if self._filter is not None and not self._filter.may_hold(norm):
            return ()  # most names asked are no place: no query for those
        # One row per name of a place; the places are grouped and ordered here (most populous first,
        # then by pid), as "GROUP BY p.pid ORDER BY p.population DESC, p.pid" would, without the
        # two temporary B-trees SQLite builds for that on every query.
        rows = self._con.execute(f"SELECT {_COLS}, n.primary_name FROM names n JOIN places p ON p.pid = n.pid "
                                 "WHERE n.norm = ?", (norm,)).fetchall()
        if len(rows) > 1:
            primary: dict[int, Any] = {}
            for r in rows:
                if r[0] not in primary or r[10] > primary[r[0]][10]:
                    primary[r[0]] = r
            rows = sorted(primary.values(), key=lambda r: (-r[8], r[0]))
        return tuple(Match(_candidate(r), bool(r[10])) for r in rows)

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
            self._demonyms = shared_table(self.path, "demonyms", lambda: {
                n: (cc, f) for n, cc, f in self._con.execute("SELECT norm, cc, form FROM demonyms")})
        return self._demonyms.get(normalize(word))

    def divisions_named(self, name: str) -> tuple[Candidate, ...]:
        """First-level divisions whose names are ``name`` with a qualifier ("North Darfur", "South Darfur")."""
        if self._qualified_divisions is None:
            self._qualified_divisions = shared_table(self.path, "qualified_divisions", self._read_qualified_divisions)
        return self._qualified_divisions.get(normalize(name), ())

    def _read_qualified_divisions(self) -> dict[str, tuple[Candidate, ...]]:
        index: dict[str, list[Candidate]] = {}
        # (the partial index places_admin1 reads these few thousand rows without a scan of the table)
        rows = self._con.execute(f"SELECT {_COLS} FROM places p WHERE p.kind = 'admin1' ORDER BY p.pid").fetchall()
        for r in rows:
            words = normalize(r[2]).split()
            if len(words) >= 2:
                c = _candidate(r)
                for key in {words[-1], " ".join(words[1:])}:
                    index.setdefault(key, []).append(c)
        return {k: tuple(v) for k, v in index.items()}

    def admin1_of(self, candidate: Candidate) -> Candidate | None:
        """The first-level division a place lies in, when known."""
        cc, code = candidate.country_code, candidate.admin1_code
        if not cc or not code or candidate.kind not in ("city", "admin2"):
            return None
        key = (cc, code)
        found = self._admin1_of.get(key, _UNASKED)
        if found is _UNASKED:
            row = self._con.execute(
                f"SELECT {_COLS} FROM admin1_codes a JOIN places p ON p.pid = a.pid WHERE a.cc = ? AND a.code = ?",
                key).fetchone()
            found = self._admin1_of[key] = _candidate(row) if row else None
        return found  # type: ignore[return-value]

    def admin1_pid(self, candidate: Candidate) -> int | None:
        """The pid of :meth:`admin1_of`, from the table read once (a few thousand rows), not a query each."""
        cc, code = candidate.country_code, candidate.admin1_code
        if not (isinstance(cc, str) and isinstance(code, str) and cc and code and candidate.kind in ("city", "admin2")):
            return a.pid if (a := self.admin1_of(candidate)) is not None else None  # (None, but for a code not a str)
        if self._admin1_pids is None:  # (the pairs admin1_of's join finds: (cc, code) is the table's key)
            self._admin1_pids = shared_table(self.path, "admin1_pids", lambda: {(c, k): pid for c, k, pid in self._con.execute(
                "SELECT a.cc, a.code, a.pid FROM admin1_codes a JOIN places p ON p.pid = a.pid")})
        return self._admin1_pids.get((cc, code))

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
        pid = candidate.pid
        if candidate.kind == "admin1" and pid is None:  # an imported division
            return candidate.admin1_codes
        if candidate.kind != "admin1" or pid is None:
            return ()
        if self._codes_of is None:  # the whole table (a few thousand rows) once, not a scan per call
            self._codes_of = shared_table(self.path, "admin1_codes", self._read_codes)
        return self._codes_of.get(pid, ())

    def _read_codes(self) -> dict[int, tuple[str, ...]]:
        codes: dict[int, list[str]] = {}
        for p, code in self._con.execute("SELECT pid, code FROM admin1_codes ORDER BY rowid"):
            codes.setdefault(p, []).append(code)
        return {p: tuple(c) for p, c in codes.items()}

    def by_geonameid(self, geonameid: int) -> Candidate | None:
        """The entry with this GeoNames id, from the gazetteer or else from the imported dumps."""
        found = self._base_by_geonameid(geonameid)
        if found is None and self.imports:
            found = self.imports.place(geonameid)
        return found

    def _base_by_geonameid(self, geonameid: int) -> Candidate | None:
        row = self._con.execute(f"SELECT {_COLS} FROM places p WHERE p.geonameid = ? LIMIT 1", (geonameid,)).fetchone()
        return _candidate(row) if row else None

    def own_by_geonameids(self, gids: set[int]) -> dict[int, Candidate]:
        """The embedded tables' entries for these GeoNames ids (one query per 500 ids)."""
        out: dict[int, Candidate] = {}
        ids = sorted(gids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self._con.execute(f"SELECT {_COLS} FROM places p WHERE p.geonameid IN "
                                     f"({','.join('?' * len(chunk))}) ORDER BY p.pid", chunk).fetchall()
            for r in rows:
                out.setdefault(r[1], _candidate(r))
        return out

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
