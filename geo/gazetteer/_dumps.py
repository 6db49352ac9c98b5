"""Reading GeoNames dump files: the ``geoname`` table and ``alternateNames(V2)``, streamed in batches.

Formats (https://download.geonames.org/export/dump/readme.txt):

* the ``geoname`` table (``allCountries``, ``XX`` country files, ``citiesNNN``): 19 tab-separated
  columns: geonameid, name, asciiname, alternatenames, latitude, longitude, feature class,
  feature code, country code, cc2, admin1-4 codes, population, elevation, dem, timezone,
  modification date;
* ``alternateNamesV2`` (10 columns: alternateNameId, geonameid, isolanguage, alternate name,
  isPreferredName, isShortName, isColloquial, isHistoric, from, to) or the older 8-column
  ``alternateNames``: extra names for places of the gazetteer or of other imports.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterator

from geo._text import _NONLATIN, normalize  # _NONLATIN: is_latin() without the call
from geo._values import real_number, whole_number
from geo.errors import GazetteerError
from geo.gazetteer._imports import feature_kind

__all__ = ["open_source", "batches", "load_geonames", "load_alternate_names", "Stats", "DumpSource"]

#: alternate-name "languages" that are codes, not names
_CODE_LANGS = {"post", "iata", "icao", "faac", "link", "wkdt", "unlc", "fr_1793", "tcid", "abbr", "phon", "piny"}
_BATCH_BYTES = 1 << 20


_slow_norm = lru_cache(maxsize=1 << 16)(normalize)
_DIGIT = re.compile(r"\d")


def _norm(name: str) -> str:
    """:func:`geo._text.normalize`, its answers for names that are not plain ASCII cached (a dump repeats them)."""
    return normalize(name) if name.isascii() else _slow_norm(name)


def _keep_alternate(raw: str) -> str | None:
    """Latin-script alternate names only; codes (digits, short all-capitals) are left out."""
    if len(raw) < 2 or raw.isupper() and len(raw) <= 4 or _DIGIT.search(raw):
        return None
    norm = _norm(raw)
    return norm if len(norm) >= 2 and not _NONLATIN.search(norm) else None


@dataclass
class DumpSource:
    label: str           # how messages name the file ("SY.zip", "/data/SY.txt")
    name: str            # the import's name ("SY")
    size: int            # bytes to read (uncompressed)
    opener: Callable[[], IO[bytes]]
    table: str           # "geoname" or "alternateNames"


def open_source(path: Path, label: str, name: str | None) -> DumpSource:
    if not path.exists():
        raise GazetteerError(f"{label}: no such file")
    if path.is_dir():
        raise GazetteerError(f"{label}: is a directory, not a GeoNames dump file")
    from geo._files import check_regular

    check_regular(path, "GeoNames dump file")
    stem = name or re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(label).name.split("?")[0]).rsplit(".", 1)[0] or "import"
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
            members = [i for i in zf.infolist() if i.filename.lower().endswith(".txt") and not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            raise GazetteerError(f"{label}: damaged zip file ({exc})") from exc
        skip = {"readme.txt", "iso-languagecodes.txt"}
        ours = [i for i in members if Path(i.filename).name.lower() not in skip]
        if not ours:
            raise GazetteerError(f"{label}: holds no GeoNames .txt dump")
        member = next((i for i in ours if Path(i.filename).stem == stem), None) or max(ours, key=lambda i: i.file_size)
        table = "alternateNames" if Path(member.filename).name.startswith("alternateNames") else "geoname"
        return DumpSource(label, stem, member.file_size, lambda: zf.open(member), table)
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"PK"):
        raise GazetteerError(f"{label}: damaged zip file")
    table = "alternateNames" if Path(label).name.startswith("alternateNames") else "geoname"
    return DumpSource(label, stem, path.stat().st_size, lambda: open(path, "rb"), table)


def batches(f: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(bytes read, complete lines) in batches of about a megabyte; memory stays bounded."""
    rest = b""
    while True:
        chunk = f.read(_BATCH_BYTES)
        if not chunk:
            break
        data = rest + chunk if rest else chunk
        head, sep, rest = data.rpartition(b"\n")
        if not sep:
            rest = data
            if len(rest) > 64 * _BATCH_BYTES:
                raise GazetteerError("a line longer than 64 MB: not a GeoNames dump")
            continue
        yield len(head) + 1, head.decode("utf-8", errors="replace").split("\n")
    if rest:
        yield len(rest), [rest.decode("utf-8", errors="replace")]


@dataclass
class Stats:
    rows: int = 0
    places: int = 0
    names: int = 0
    skipped: int = 0
    filtered: int = 0
    first_bad: int | None = None
    first_bad_why: str = ""

    def bad(self, line: int, why: str) -> None:
        self.skipped += 1
        if self.first_bad is None:
            self.first_bad, self.first_bad_why = line, why


def _add_names(add_name: Callable[[tuple[str, int, int]], None], gid: int, name: str, ascii_name: str,
               alternates: str) -> None:
    """The names of one row: its name and ASCII name (primary), then its Latin alternate names."""
    norm = _norm(name)
    if norm and not _NONLATIN.search(norm):
        add_name((norm, gid, 1))
        seen = {norm}
    else:
        seen = set()
    if ascii_name and ascii_name != name:
        norm = _norm(ascii_name)
        if norm and norm not in seen and not _NONLATIN.search(norm):
            add_name((norm, gid, 1))
            seen.add(norm)
    if alternates:
        for alt in alternates.split(","):
            alt_norm = _keep_alternate(alt)
            if alt_norm and alt_norm not in seen:
                seen.add(alt_norm)
                add_name((alt_norm, gid, 0))


def load_geonames(con: sqlite3.Connection, src: DumpSource, lines: Iterator[tuple[int, list[str]]],
                   classes: frozenset[str] | None, step) -> Stats:
    st = Stats()
    lineno = 0
    ins_place = "INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)"
    ins_name = "INSERT INTO names VALUES (?,?,?)"
    kinds: dict[tuple[str, str], tuple[str, str | None]] = {}
    for nbytes, batch in lines:
        places: list[tuple] = []
        names: list[tuple] = []
        add_place, add_name = places.append, names.append
        for line in batch:
            lineno += 1
            if not line or line[0] == "#":
                continue
            st.rows += 1
            f = line.split("\t")
            if len(f) != 19:
                if st.rows == 1:
                    raise GazetteerError(f"{src.label}: line {lineno}: not a GeoNames dump ({len(f)} "
                                         "tab-separated fields, expected 19)")
                st.bad(lineno, f"{len(f)} fields instead of 19")
                continue
            try:
                gid = whole_number(f[0], "geonameid", low=1)
                lat = real_number(f[4], "latitude", low=-90.0, high=90.0)
                lon = real_number(f[5], "longitude", low=-180.0, high=180.0)
                pop = whole_number(f[14], "population") if f[14] else 0
            except ValueError as exc:
                if st.rows == 1:
                    raise GazetteerError(f"{src.label}: line {lineno}: not a GeoNames dump row ({exc})") from None
                st.bad(lineno, str(exc))
                continue
            fcl = f[6]
            if classes is not None and fcl not in classes:
                st.filtered += 1
                continue
            name, ascii_name = f[1], f[2]
            if not name:
                name = ascii_name
                if not name:
                    st.bad(lineno, "no name")
                    continue
            kind = kinds.get((fcl, f[7]))
            if kind is None:
                kind = kinds[(fcl, f[7])] = (feature_kind(fcl, f[7]), f"{fcl}.{f[7]}" if fcl else None)
            add_place((gid, name, kind[0], f[8] or None, f[10] or None, lat, lon, pop,
                       kind[1]))
            _add_names(add_name, gid, name, ascii_name, f[3])
        con.executemany(ins_place, places)
        con.executemany(ins_name, names)
        st.places += len(places)
        st.names += len(names)
        step(nbytes)
    return st


def load_alternate_names(con: sqlite3.Connection, src: DumpSource, lines, classes, step) -> Stats:
    st = Stats()
    lineno = 0
    width = None
    for nbytes, batch in lines:
        names = []
        for line in batch:
            lineno += 1
            if not line or line[0] == "#":
                continue
            st.rows += 1
            f = line.rstrip("\r").split("\t")
            if width is None:
                if len(f) not in (8, 10):
                    raise GazetteerError(f"{src.label}: line {lineno}: not a GeoNames alternate-names dump "
                                         f"({len(f)} tab-separated fields, expected 10 or 8)")
                width = len(f)
            try:
                gid = whole_number(f[1], "geonameid", low=1) if len(f) == width else None
            except ValueError as exc:
                st.bad(lineno, str(exc))
                continue
            if gid is None:
                st.bad(lineno, f"{len(f)} fields instead of {width}")
                continue
            if f[2] in _CODE_LANGS or f[6] == "1":  # codes and colloquial names ("Big Apple") are left out
                st.filtered += 1
                continue
            norm = _keep_alternate(f[3])
            if norm:
                names.append((norm, gid, 0))
        con.executemany("INSERT INTO names VALUES (?,?,?)", names)
        st.names += len(names)
        step(nbytes)
    return st
