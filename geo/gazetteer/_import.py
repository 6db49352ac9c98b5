"""GeoNames dumps imported beside the embedded gazetteer (``geo gazetteer import|download``).

Each import is its own SQLite file in a directory beside the gazetteer
(``gazetteer-v3.imports/SY.sqlite`` for ``SY.zip``), which :meth:`Gazetteer.lookup` consults
after the embedded tables. An import is streamed (memory stays bounded on the 1.5 GB
``allCountries.zip``), written to a temporary file and renamed into place only when complete,
so an interrupted import leaves every previous one, and the gazetteer, as they were. Importing a
file of the same name again replaces the earlier import.

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

import fcntl
import io
import os
import re
import sqlite3
import sys
import threading
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import urlsplit

from geo._atomic import AtomicPath
from geo._values import real_number, whole_number
from geo._text import _NONLATIN, normalize  # _NONLATIN: is_latin() without the call
from geo.errors import GazetteerError, UsageError
from geo.types import Candidate

__all__ = [
    "IMPORT_FORMAT", "DEFAULT_BASE_URL", "DUMP_NAMES", "ImportResult", "Imports", "feature_kind",
    "imports_dir", "import_file", "import_sources", "download", "dump_url", "base_url", "remove_import",
    "merge_matches", "describe",
]

IMPORT_FORMAT = "1"
SOURCE = "geonames-dump"
DEFAULT_BASE_URL = "https://download.geonames.org/export/dump/"
#: dump files (besides the XX country files) that ``geo gazetteer download`` accepts by name
DUMP_NAMES = ("allCountries", "cities500", "cities1000", "cities5000", "cities15000", "alternateNamesV2",
              "alternateNames")
ALL_CLASSES = "ADHLPRSTUV"
#: alternate-name "languages" that are codes, not names
_CODE_LANGS = {"post", "iata", "icao", "faac", "link", "wkdt", "unlc", "fr_1793", "tcid", "abbr", "phon", "piny"}
_BATCH_BYTES = 1 << 20
#: most entries one import gives for a name (the most populous first): "San José" is not a thousand places
MAX_MATCHES = 1000

_SCHEMA = """
CREATE TABLE places (gid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, cc TEXT, admin1 TEXT,
                     lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL, feature TEXT);
CREATE TABLE names (norm TEXT NOT NULL, gid INTEGER NOT NULL, primary_name INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def feature_kind(feature_class: str, feature_code: str) -> str:
    """geo's kind of place for a GeoNames feature class and code."""
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


def _ascii_tables() -> tuple[bytes, bytes]:
    """What :func:`geo._text.normalize` does to ASCII: a ``bytes.translate`` table and the bytes it drops."""
    from geo._text import _DROP, _PUNCT

    table = bytearray(range(256))
    drop = bytearray()
    for i in range(128):
        c = chr(i)
        if _PUNCT.fullmatch(c):
            table[i] = 0x20
        elif _DROP.fullmatch(c):
            drop.append(i)
        elif c.isupper():
            table[i] = ord(c.lower())
    return bytes(table), bytes(drop)


_TABLE, _DROP_BYTES = _ascii_tables()
_slow_norm = lru_cache(maxsize=1 << 16)(normalize)
_DIGIT = re.compile(r"\d")


def _norm(name: str) -> str:
    """:func:`geo._text.normalize`, fast for plain ASCII names (most of a dump's); same result."""
    if name.isascii():
        return " ".join(name.encode().translate(_TABLE, _DROP_BYTES).decode().split())
    return _slow_norm(name)


def _keep_alternate(raw: str) -> str | None:
    """Latin-script alternate names only; codes (digits, short all-capitals) are left out."""
    if len(raw) < 2 or raw.isupper() and len(raw) <= 4 or _DIGIT.search(raw):
        return None
    norm = _norm(raw)
    return norm if len(norm) >= 2 and not _NONLATIN.search(norm) else None


# -- reading dump files -------------------------------------------------------------------------
@dataclass
class _Source:
    label: str           # how messages name the file ("SY.zip", "/data/SY.txt")
    name: str            # the import's name ("SY")
    size: int            # bytes to read (uncompressed)
    opener: Callable[[], io.BufferedIOBase]
    table: str           # "geoname" or "alternateNames"


def _open_source(path: Path, label: str, name: str | None) -> _Source:
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
        return _Source(label, stem, member.file_size, lambda: zf.open(member), table)
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"PK"):
        raise GazetteerError(f"{label}: damaged zip file")
    table = "alternateNames" if Path(label).name.startswith("alternateNames") else "geoname"
    return _Source(label, stem, path.stat().st_size, lambda: open(path, "rb"), table)


def _batches(f: io.BufferedIOBase) -> Iterator[tuple[int, list[str]]]:
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


def _progress(total: int, desc: str, enabled: bool):
    if not enabled:
        return (lambda n: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, leave=False,
               disable=not sys.stderr.isatty() and os.environ.get("GEO_PROGRESS") != "1")
    return bar.update, bar.close


@dataclass
class _Stats:
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


def _load_geonames(con: sqlite3.Connection, src: _Source, lines: Iterator[tuple[int, list[str]]],
                   classes: frozenset[str] | None, step) -> _Stats:
    st = _Stats()
    lineno = 0
    ins_place = "INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)"
    ins_name = "INSERT INTO names VALUES (?,?,?)"
    norm_of, keep_alt, nonlatin = _norm, _keep_alternate, _NONLATIN.search
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
            add_place((gid, name, kind[0], f[8] or None, f[10] or None, lat, lon, pop, kind[1]))
            norm = norm_of(name)
            if norm and not nonlatin(norm):
                add_name((norm, gid, 1))
                seen = {norm}
            else:
                seen = set()
            if ascii_name and ascii_name != name:
                norm = norm_of(ascii_name)
                if norm and norm not in seen and not nonlatin(norm):
                    add_name((norm, gid, 1))
                    seen.add(norm)
            if f[3]:
                for alt in f[3].split(","):
                    norm = keep_alt(alt)
                    if norm and norm not in seen:
                        seen.add(norm)
                        add_name((norm, gid, 0))
        con.executemany(ins_place, places)
        con.executemany(ins_name, names)
        st.places += len(places)
        st.names += len(names)
        step(nbytes)
    return st


def _load_alternate_names(con: sqlite3.Connection, src: _Source, lines, classes, step) -> _Stats:
    st = _Stats()
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


# -- writing an import --------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    name: str
    path: Path
    source: str
    table: str
    places: int
    names: int
    rows: int
    skipped: int
    seconds: float
    first_bad: str = ""

    def summary(self) -> str:
        what = (f"{self.places:,} places, {self.names:,} names" if self.table == "geoname"
                else f"{self.names:,} alternate names")
        skipped = f"; skipped {self.skipped:,} malformed rows (first: {self.first_bad})" if self.skipped else ""
        return f"imported {self.source}: {what} in {self.seconds:.1f} s{skipped}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(directory: Path) -> None:
    """Remove temporary files left by imports or downloads that were killed."""
    from geo._atomic import clean_stale

    clean_stale(directory)
    for p in directory.glob(".*.tmp"):
        m = re.search(r"\.(\d+)\.(?:sqlite|download)\.tmp$", p.name)
        if m and not _pid_alive(int(m.group(1))):
            p.unlink(missing_ok=True)


class _DirLock:
    def __init__(self, directory: Path):
        self.path = directory / ".lock"

    def __enter__(self):
        try:
            self.f = open(self.path, "w")
        except OSError as exc:
            raise GazetteerError(f"cannot write in {self.path.parent}: {exc.strerror or exc}; "
                                 "set GEO_CACHE_DIR to a writable directory") from exc
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def import_file(path: str | Path, directory: str | Path, *, label: str | None = None, name: str | None = None,
                feature_classes: str | None = None, progress: bool = True,
                _lines_hook: Callable[[Iterator], Iterator] | None = None) -> ImportResult:
    """Import one GeoNames dump file (``.zip`` or ``.txt``) into ``directory`` as ``<name>.sqlite``.

    The file is written under a temporary name and renamed into place when complete: an import
    that fails or is killed leaves the previous imports as they were.
    """
    path = Path(path)
    directory = Path(directory)
    label = label or str(path)
    classes = None
    if feature_classes:
        classes = frozenset(feature_classes.upper().replace(",", ""))
        bad = sorted(classes - set(ALL_CLASSES))
        if bad:
            raise UsageError(f"unknown GeoNames feature class {''.join(bad)!r}; the classes are {ALL_CLASSES}")
    src = _open_source(path, label, name)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    started = time.perf_counter()
    with _DirLock(directory):
        _clean_stale(directory)
        final = directory / f"{src.name}.sqlite"
        target = AtomicPath(final, suffix="")  # no .sqlite ending: never listed as an import
        tmp = target.tmp
        step, close = _progress(src.size, f"importing {Path(label).name}", progress)
        try:
            con = sqlite3.connect(tmp)
            try:
                con.execute("PRAGMA journal_mode=OFF")
                con.execute("PRAGMA synchronous=OFF")
                con.execute("PRAGMA cache_size=-65536")
                con.executescript(_SCHEMA)
                with src.opener() as f:
                    lines = _batches(f)
                    if _lines_hook is not None:
                        lines = _lines_hook(lines)
                    loader = _load_geonames if src.table == "geoname" else _load_alternate_names
                    try:
                        st = loader(con, src, lines, classes, step)
                    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
                        raise GazetteerError(f"{label}: damaged zip file ({exc})") from exc
                if st.rows == 0:
                    raise GazetteerError(f"{label}: is empty")
                if st.skipped > max(1000, st.rows // 100):
                    raise GazetteerError(f"{label}: line {st.first_bad}: {st.first_bad_why} "
                                         f"({st.skipped:,} malformed rows); not a GeoNames dump?")
                con.execute("CREATE INDEX names_norm ON names(norm, gid, primary_name)")
                meta = {
                    "format": IMPORT_FORMAT, "name": src.name, "source": label, "table": src.table,
                    "places": str(st.places), "names": str(st.names), "rows": str(st.rows),
                    "skipped": str(st.skipped), "feature_classes": "".join(sorted(classes)) if classes else ALL_CLASSES,
                    "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "seconds": f"{time.perf_counter() - started:.1f}",
                }
                con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
                con.commit()
                con.execute("INSERT INTO meta VALUES ('complete', '1')")
                con.commit()
            finally:
                con.close()
            target.commit()
        except sqlite3.Error as exc:  # a full disk, a read-only directory
            target.discard()
            raise GazetteerError(f"cannot write the import {final}: {exc}") from exc
        except OSError as exc:
            target.discard()
            raise GazetteerError(f"cannot import {label}: {exc.strerror or exc}") from exc
        except BaseException:
            target.discard()
            raise
        finally:
            close()
    return ImportResult(src.name, final, label, src.table, st.places, st.names, st.rows, st.skipped,
                        time.perf_counter() - started,
                        f"line {st.first_bad}: {st.first_bad_why}" if st.first_bad else "")


def remove_import(name: str, directory: str | Path) -> Path:
    """Forget the import called ``name`` (as ``geo gazetteer info`` lists it)."""
    directory = Path(directory)
    target = directory / f"{name}.sqlite"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or not target.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.sqlite"))) or "none"
        raise GazetteerError(f"no import called {name!r} (imports: {known})")
    with _DirLock(directory):
        target.unlink()
    return target


# -- downloading --------------------------------------------------------------------------------
def base_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("GEO_GEONAMES_URL") or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def dump_url(token: str, base: str | None = None) -> str:
    """The URL of a country file (``SY`` -> ``.../SY.zip``) or of a named dump (``cities500``)."""
    t = token.strip()
    if t.lower().endswith(".zip"):
        t = t[:-4]
    if re.fullmatch(r"[A-Za-z]{2}", t):
        t = t.upper()
    elif t not in DUMP_NAMES:
        raise UsageError(f"{token!r} is not a country code (SY, IQ, …) nor a GeoNames dump "
                         f"({', '.join(DUMP_NAMES)})")
    return base_url(base) + f"{t}.zip"


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def download(url: str, directory: str | Path, *, progress: bool = True, timeout: float = 60.0,
             user_agent: str | None = None) -> Path:
    """Fetch ``url`` into a temporary file in ``directory`` (the caller removes it)."""
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    from geo import __version__

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fname = Path(urlsplit(url).path).name or "download"
    tmp = directory / f".{fname}.{os.getpid()}.download.tmp"
    ua = user_agent or os.environ.get("GEO_USER_AGENT") or f"geo/{__version__} (news geoparser)"
    try:
        resp = urlopen(Request(url, headers={"User-Agent": ua}), timeout=timeout)
    except HTTPError as exc:
        raise GazetteerError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except URLError as exc:
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise GazetteerError(f"cannot download {url}: {reason}") from None
    except (TimeoutError, OSError) as exc:
        raise GazetteerError(f"cannot download {url}: {exc}") from None
    total = int(resp.headers.get("Content-Length") or 0)
    step, close = _progress(total, f"downloading {fname}", progress)
    got = 0
    try:
        with resp, open(tmp, "wb") as f:
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                f.write(chunk)
                got += len(chunk)
                step(len(chunk))
        if total and got != total:
            raise GazetteerError(f"download of {url} was cut short ({got:,} of {total:,} bytes)")
    except (TimeoutError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerError(f"download of {url} failed: {exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        close()
    return tmp


def import_sources(sources: Sequence[str], directory: str | Path, *, feature_classes: str | None = None,
                   progress: bool = True, on_result: Callable[[ImportResult], None] | None = None) -> list[ImportResult]:
    """Import each path or URL in turn (URLs are downloaded to a temporary file first)."""
    directory = Path(directory)
    results = []
    for s in sources:
        if _is_url(s):
            name = Path(urlsplit(s).path).name
            tmp = download(s, directory, progress=progress)
            try:
                r = import_file(tmp, directory, label=s, name=name.rsplit(".", 1)[0] or None,
                                feature_classes=feature_classes, progress=progress)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            r = import_file(Path(s).expanduser(), directory, label=s, feature_classes=feature_classes,
                            progress=progress)
        results.append(r)
        if on_result:
            on_result(r)
    return results


# -- reading imports ----------------------------------------------------------------------------
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
    meta: dict
    places: bool = field(init=False)

    def __post_init__(self):
        self.places = self.meta.get("table") == "geoname"


class Imports:
    """The sound imports of a directory, newest first (they win when two hold the same place)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._local = threading.local()
        found = []
        try:
            files = sorted(self.directory.glob("*.sqlite")) if self.directory.is_dir() else []
        except OSError as exc:
            from geo.geocoders.base import GeocoderWarning

            warnings.warn(f"cannot read the imports in {self.directory}: {exc.strerror or exc}", GeocoderWarning,
                          stacklevel=2)
            files = []
        if files:
            for p in files:
                problem, meta = _problem(p)
                if problem:
                    from geo.geocoders.base import GeocoderWarning

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
        raw = {"pid": None, "feature": feature, "import": item.name}
        if kind == "admin1" and admin1:
            raw["admin1_codes"] = (admin1,)
        return Candidate(geonameid=gid, name=name, kind=kind, lat=lat, lon=lon, country_code=cc, admin1_code=admin1,
                         population=pop or 0, source=SOURCE, raw=raw)

    def lookup(self, norm: str) -> list[tuple[int, Candidate | None, bool]]:
        """``(geonameid, candidate or None, primary)`` for every import entry named ``norm``.

        The candidate is None for names from an alternate-names import (the place is elsewhere).
        """
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


def merge_matches(gazetteer, norm: str, base: tuple) -> tuple:
    """The gazetteer's own matches for ``norm`` plus those of the imports and of extra sources.

    An imported entry that the gazetteer holds too (same GeoNames id, or the same first-level
    division) is answered with the gazetteer's entry, so one place never appears twice.
    """
    from geo.gazetteer import Match

    out = list(base)
    seen = {m.candidate.geonameid for m in base if m.candidate.geonameid is not None}
    keys = {m.candidate.key for m in base}
    imports = gazetteer.imports
    if imports:
        found = imports.lookup(norm)
        own = _base_by_geonameids(gazetteer, {gid for gid, _, _ in found} - seen)
        for gid, cand, primary in found:
            if gid in seen:
                continue
            seen.add(gid)
            c = own.get(gid)
            if c is None:
                c = cand if cand is not None else imports.place(gid)
                if c is None:
                    continue
                if c.kind == "admin1" and c.country_code and c.admin1_code:
                    probe = Candidate(geonameid=None, name=c.name, kind="city", lat=c.lat, lon=c.lon,
                                      country_code=c.country_code, admin1_code=c.admin1_code)
                    c = gazetteer.admin1_of(probe) or c
            if c.key in keys:
                continue
            keys.add(c.key)
            out.append(Match(c, primary))
    for src in gazetteer._sources:
        for m in src.lookup(norm):
            if m.candidate.key not in keys:
                keys.add(m.candidate.key)
                out.append(m)
    out.sort(key=lambda m: -(m.candidate.population or 0))
    return tuple(out)


def _base_by_geonameids(gazetteer, gids: set[int]) -> dict:
    """The gazetteer's own entries for these GeoNames ids (one query per 500 ids)."""
    from geo.gazetteer import _COLS, _candidate

    out = {}
    ids = sorted(gids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        rows = gazetteer._con.execute(f"SELECT {_COLS} FROM places p WHERE p.geonameid IN "
                                      f"({','.join('?' * len(chunk))}) ORDER BY p.pid", chunk).fetchall()
        for r in rows:
            out.setdefault(r[1], _candidate(r))
    return out


def describe(info: list[dict]) -> list[str]:
    """Lines for ``geo gazetteer info``."""
    lines = []
    for i in info:
        what = (f"{i['places']:,} places, {i['names']:,} names" if i["table"] == "geoname"
                else f"{i['names']:,} alternate names")
        lines.append(f"{i['name']}: {what}, {i['size_bytes'] / 1e6:.1f} MB, from {i['source']} ({i['imported_at']})")
    return lines
