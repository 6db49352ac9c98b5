"""Importing GeoNames dumps beside the embedded gazetteer (``geo gazetteer import``).

Each import is its own SQLite file in a directory beside the gazetteer
(``gazetteer.imports/SY.sqlite`` for ``SY.zip``), which :meth:`Gazetteer.lookup` consults after
the embedded tables (:mod:`geo.gazetteer._imports` reads them). An import is streamed (memory
stays bounded on the 1.5 GB ``allCountries.zip``, :mod:`geo.gazetteer._dumps`), written to a
temporary file and renamed into place only when complete, so an interrupted import leaves every
previous one, and the gazetteer, as they were. Importing a file of the same name again replaces
the earlier import.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from geo._atomic import AtomicPath, pid_alive
from geo._geonames import ALL_CLASSES
from geo._progress import progress_bar
from geo.errors import GazetteerError, UsageError
from geo.gazetteer._dumps import DumpSource, Stats, _norm
from geo.gazetteer._dumps import batches as _batches
from geo.gazetteer._dumps import load_alternate_names as _load_alternate_names
from geo.gazetteer._dumps import load_geonames as _load_geonames
from geo.gazetteer._dumps import open_source as _open_source
from geo.gazetteer._imports import IMPORT_FORMAT, Imports, feature_kind, imports_dir

__all__ = ["ALL_CLASSES", "ImportResult", "import_file", "remove_import", "progress_steps",
           # read elsewhere, named here too for the callers of this module
           "Imports", "imports_dir", "feature_kind", "_norm"]

_SCHEMA = """
CREATE TABLE places (gid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, cc TEXT, admin1 TEXT,
                     lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL, feature TEXT);
CREATE TABLE names (norm TEXT NOT NULL, gid INTEGER NOT NULL, primary_name INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def progress_steps(total: int, desc: str, progress: bool | None) -> tuple[Callable[[int], object], Callable[[], None]]:
    """``(step, close)`` of a byte-counting bar (:func:`geo._progress.progress_bar`'s rule)."""
    if progress is False:
        return (lambda n: None), (lambda: None)
    bar = progress_bar(progress, total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024)
    return bar.update, bar.close


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


def _clean_stale(directory: Path) -> None:
    """Remove temporary files left by imports or downloads that were killed."""
    from geo._atomic import clean_stale

    clean_stale(directory)
    for p in directory.glob(".*.tmp"):
        m = re.search(r"\.(\d+)\.(?:sqlite|download)\.tmp$", p.name)
        if m and not pid_alive(int(m.group(1))):
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


def _write(tmp: Path, src: DumpSource, label: str, classes: frozenset[str] | None, step: Callable[[int], object],
           started: float, lines_hook: Callable[[Iterator], Iterator] | None) -> Stats:
    """Load the dump into a new SQLite file at ``tmp``, index it and mark it complete."""
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-65536")
        con.executescript(_SCHEMA)
        with src.opener() as f:
            lines = _batches(f)
            if lines_hook is not None:
                lines = lines_hook(lines)
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
    return st


def import_file(path: str | Path, directory: str | Path, *, label: str | None = None, name: str | None = None,
                feature_classes: str | None = None, progress: bool | None = None,
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
        step, close = progress_steps(src.size, f"importing {Path(label).name}", progress)
        try:
            st = _write(tmp, src, label, classes, step, started, _lines_hook)
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
