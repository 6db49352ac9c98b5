"""The user's own places (``--places FILE``): newsroom lists of villages, camps, checkpoints.

A places file is CSV or GeoJSON:

* CSV with a header naming at least ``name``, ``lat`` and ``lon`` (``latitude``/``longitude``,
  ``lng`` also do) and optionally ``country`` (ISO code or name), ``kind``, ``aliases``
  (separated by ``;`` or ``|``), ``population`` and ``geonameid``; other columns are ignored.
  Without a header the columns are ``name, lat, lon[, country, kind, aliases]``.
* GeoJSON: a FeatureCollection whose features have a geometry (a Point; other geometries stand
  for their centroid) and a ``name`` property, with the same optional properties.

Each entry takes part in resolution like any gazetteer entry (``source`` ``"user"``); its names
are also looked for in the text (exact case, whole words), so a place spaCy does not see is still
found. A malformed file raises :class:`~geo.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from geo._text import name_key as _key
from geo.errors import InputError
from geo.types import PLACE_KINDS, Candidate, Match

__all__ = ["UserPlace", "UserPlaces", "load_places", "place_kind", "country_code", "CountryLocator",
           "geojson_features"]

#: words a user may write in a ``kind`` column, and geo's kind for them
_KIND_WORDS = {
    "village": "city", "town": "city", "city": "city", "hamlet": "city", "settlement": "city", "suburb": "city",
    "neighbourhood": "city", "neighborhood": "city", "district": "place", "state": "admin1", "province": "admin1",
    "governorate": "admin1", "region": "admin1", "admin1": "admin1", "country": "country", "continent": "continent",
    # physical features (geo.types.FEATURE_KINDS): the resolver treats them as it treats the gazetteer's
    "ocean": "sea", "gulf": "sea", "bay": "sea", "strait": "sea", "channel": "sea", "lagoon": "sea",
    "stream": "river", "creek": "river", "canal": "river", "wadi": "river", "reservoir": "lake", "pond": "lake",
    "peak": "mountain", "volcano": "mountain", "hill": "mountain", "mountains": "range", "hills": "range",
    "islands": "island", "archipelago": "island", "plateau": "region", "valley": "region",
    "peninsula": "region", "area": "region",
}


def place_kind(value: Any, where: str) -> str:
    """geo's kind for what a user wrote ('village' -> 'city'; 'camp', 'checkpoint' -> 'place')."""
    if value is None or str(value).strip() == "":
        return "place"
    word = str(value).strip().lower()
    if word in _KIND_WORDS:  # "region" stays a division, as before features were kinds
        return _KIND_WORDS[word]
    if word in PLACE_KINDS and word != "unknown":  # also a feature's kind: "river", "sea", "range" …
        return word
    if not re.fullmatch(r"[a-z][a-z _-]{0,40}", word):
        raise InputError(f"{where}: kind {value!r} is not a word (city, village, camp, admin1, country, …)")
    return _KIND_WORDS.get(word, "place")


def country_code(value: Any, where: str, gazetteer=None) -> str | None:
    """An ISO alpha-2 code from a code or a country name."""
    if value is None or str(value).strip() == "":
        return None
    s = str(value).strip()
    if gazetteer is None:
        if re.fullmatch(r"[A-Za-z]{2}", s):
            return s.upper()
        raise InputError(f"{where}: country {s!r} is not a two-letter ISO code")
    countries = gazetteer.countries()
    if re.fullmatch(r"[A-Za-z]{2}", s) and s.upper() in countries:
        return s.upper()
    for m in gazetteer.lookup(s):
        if m.candidate.kind == "country" and m.candidate.country_code:
            return m.candidate.country_code
    raise InputError(f"{where}: unknown country {s!r} (give an ISO code such as SY, or the country's name)")


def _number(value: Any, what: str, where: str, low: float, high: float) -> float:
    from geo._values import real_number

    try:
        return real_number(value, what, low=low, high=high)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def _aliases(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = re.split(r"[;|]", value)
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise InputError(f"{where}: aliases must be text (separated by ; or |) or a list of names")
    return tuple(dict.fromkeys(a.strip() for a in items if a.strip()))


def _int(value: Any, what: str, where: str) -> int | None:
    from geo._values import whole_number

    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        return whole_number(value, what)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class UserPlace:
    name: str
    lat: float
    lon: float
    where: str
    country_code: str | None = None
    kind: str = "place"
    aliases: tuple[str, ...] = ()
    population: int = 0
    geonameid: int | None = None
    label: str | None = None  # the kind as the user wrote it

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + tuple(a for a in self.aliases if a != self.name)

    def candidate(self, source: str = "user") -> Candidate:
        return Candidate(geonameid=self.geonameid, name=self.name, kind=self.kind, lat=self.lat, lon=self.lon,
                         country_code=self.country_code, population=self.population, source=source,
                         raw={"file": self.where, **({"kind": self.label} if self.label else {})})


class CountryLocator:
    """The country a point lies in, from the gazetteer's outlines (for entries without a country)."""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer
        self._tree = None

    def __call__(self, lat: float, lon: float) -> str | None:
        if self.gazetteer is None:
            return None
        if self._tree is None:
            from shapely.geometry import shape
            from shapely.strtree import STRtree

            items = [(cc, shape(g)) for cc, g in sorted(self.gazetteer.outlines().items())]
            self._codes = [cc for cc, _ in items]
            self._geoms = [g for _, g in items]
            self._tree = STRtree(self._geoms)
        from shapely.geometry import Point

        pt = Point(lon, lat)
        hits = [int(i) for i in self._tree.query(pt)]
        for i in sorted(hits):
            if self._geoms[i].covers(pt):
                return self._codes[i]
        return None


class UserPlaces:
    """Entries from places files: a :class:`~geo.types.CandidateSource` (see :meth:`Gazetteer.extended`)
    whose names :func:`geo.spotting.spot_user_places` also looks for in the text."""

    def __init__(self, entries: Iterable[UserPlace], files: Sequence[str] = (), source: str = "user"):
        self.entries = tuple(entries)
        self.files = tuple(files)
        self.source = source
        self._by_name: dict[str, list[tuple[UserPlace, bool]]] = {}
        for e in self.entries:
            for i, n in enumerate(e.names):
                key = _key(n)
                if key and all(x is not e for x, _ in self._by_name.get(key, ())):
                    self._by_name.setdefault(key, []).append((e, i == 0))
        names = sorted({n for e in self.entries for n in e.names if len(n) >= 3}, key=lambda n: (-len(n), n))
        # built here, not on first use: a UserPlaces is shared by the threads of a Geoparser
        self._pattern: re.Pattern[str] | None = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)") if names else None)

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __getstate__(self) -> dict[str, Any]:
        return {"entries": self.entries, "files": self.files, "source": self.source}

    def __setstate__(self, state: dict[str, Any]) -> None:
        UserPlaces.__init__(self, state["entries"], state["files"], state["source"])

    def lookup(self, norm: str) -> tuple[Match, ...]:
        """The entries named ``norm`` (a :class:`~geo.types.CandidateSource`)."""
        return tuple(Match(e.candidate(self.source), primary) for e, primary in self._by_name.get(_key(norm), ()))

    def spot(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, name)`` of every whole-word, exact-case occurrence of an entry's names."""
        if self._pattern is None:
            return
        for m in self._pattern.finditer(text):
            yield m.start(), m.end(), m.group(0)


# -- reading files --------------------------------------------------------------------------------
_HEADERS = {
    "name": "name", "place": "name", "lat": "lat", "latitude": "lat", "y": "lat", "lon": "lon", "lng": "lon",
    "long": "lon", "longitude": "lon", "x": "lon", "country": "country", "country_code": "country", "cc": "country",
    "kind": "kind", "type": "kind", "aliases": "aliases", "alias": "aliases", "alternate_names": "aliases",
    "population": "population", "geonameid": "geonameid",
}


def _read_text(path: Path, what: str) -> str:
    from geo._files import check_regular

    check_regular(path, what)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from None


def _entry(d: dict, where: str, gazetteer, locate) -> UserPlace:
    name = str(d.get("name") or "").strip()
    if not name:
        raise InputError(f"{where}: the place has no name")
    if d.get("lat") in (None, "") or d.get("lon") in (None, ""):
        raise InputError(f"{where}: {name!r} needs both lat and lon")
    lat = _number(d["lat"], "latitude", where, -90, 90)
    lon = _number(d["lon"], "longitude", where, -180, 180)
    cc = country_code(d.get("country"), where, gazetteer)
    if cc is None and locate is not None:
        cc = locate(lat, lon)
    raw_kind = d.get("kind")
    kind = place_kind(raw_kind, where)
    label = str(raw_kind).strip().lower() if raw_kind not in (None, "") else None
    return UserPlace(name=name, lat=lat, lon=lon, where=where, country_code=cc, kind=kind,
                     aliases=_aliases(d.get("aliases"), where), population=_int(d.get("population"), "population", where) or 0,
                     geonameid=_int(d.get("geonameid"), "geonameid", where), label=label if label != kind else None)


def _csv_entries(path: Path, text: str, gazetteer, locate) -> Iterator[UserPlace]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header: list[str | None] | None = None
    try:
        for row in rows:
            ln = rows.line_num
            where = f"{path}:{ln}"
            if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                cols = [_HEADERS.get(c.strip().lower().replace(" ", "_")) for c in row]
                if "name" in cols:
                    missing = [c for c in ("lat", "lon") if c not in cols]
                    if missing:
                        raise InputError(f"{where}: the header has no {' or '.join(missing)} column "
                                         "(expected name, lat, lon[, country, kind, aliases])")
                    header = cols
                    continue
                header = ["name", "lat", "lon", "country", "kind", "aliases"]
                if len(row) < 3:
                    raise InputError(f"{where}: expected a header or name, lat, lon[, country, kind, aliases]")
            if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
                raise InputError(f"{where}: {len(row)} fields where {len(header)} are expected "
                                 "(quote names that contain commas)")
            d = {k: v for k, v in zip(header, row) if k}
            yield _entry(d, where, gazetteer, locate)
    except csv.Error as exc:
        raise InputError(f"{path}:{rows.line_num}: not valid CSV ({exc})") from None


def geojson_features(text: str, label: str) -> list[tuple[int, Any]]:
    """The features of a GeoJSON FeatureCollection, each with the line it starts on.

    JSON syntax errors raise :class:`InputError` naming ``label`` and the line.
    """
    dec = json.JSONDecoder()

    def fail(msg: str, pos: int) -> InputError:
        return InputError(f"{label}:{text.count(chr(10), 0, pos) + 1}: {msg}")

    def ws(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{label}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{label}: nested too deeply to be read") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise InputError(f"{label}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        if isinstance(doc, dict) and doc.get("type") == "Feature":
            return [(1, doc)]
        raise InputError(f"{label}:1: not a GeoJSON FeatureCollection")
    # Walk the top-level object to find where each feature starts (for line numbers).
    i = ws(0) + 1
    while True:
        i = ws(i)
        key, i = dec.raw_decode(text, i)
        i = ws(i) + 1  # the colon
        i = ws(i)
        if key == "features":
            break
        _, i = dec.raw_decode(text, i)
        i = ws(i)
        if text[i] == ",":
            i += 1
    i = ws(i) + 1  # the opening bracket
    out = []
    while True:
        i = ws(i)
        if text[i] == "]":
            break
        start = i
        feat, i = dec.raw_decode(text, i)
        out.append((text.count("\n", 0, start) + 1, feat))
        i = ws(i)
        if text[i] == ",":
            i += 1
    if len(out) != len(doc["features"]):  # pragma: no cover - the walk and json.loads disagree
        raise fail("cannot read the features", 0)
    return out


def _geojson_entries(path: Path, text: str, gazetteer, locate) -> Iterator[UserPlace]:
    for ln, feat in geojson_features(text, str(path)):
        where = f"{path}:{ln}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise InputError(f"{where}: not a GeoJSON Feature")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError(f"{where}: properties must be an object")
        geom = feat.get("geometry")
        if not isinstance(geom, dict):
            raise InputError(f"{where}: the feature has no geometry")
        if geom.get("type") == "Point":
            coords = geom.get("coordinates")
            if not isinstance(coords, list) or len(coords) < 2:
                raise InputError(f"{where}: a Point needs [longitude, latitude]")
            lon, lat = coords[0], coords[1]
        else:
            try:
                from shapely.geometry import shape

                c = shape(geom).centroid
                lon, lat = c.x, c.y
            except Exception as exc:  # noqa: BLE001 - shapely raises several types for bad geometries
                raise InputError(f"{where}: unreadable {geom.get('type')} geometry ({exc})") from None
        d = {_HEADERS.get(str(k).lower(), None): v for k, v in props.items()}
        d.pop(None, None)
        d.update(lat=lat, lon=lon)
        yield _entry(d, where, gazetteer, locate)


def load_places(sources, gazetteer=None) -> UserPlaces:
    """Read places files (a path or a list of paths; ``.csv``, ``.geojson`` or ``.json``)."""
    if isinstance(sources, UserPlaces):
        return sources
    if isinstance(sources, (str, Path)):
        sources = [sources]
    locate = CountryLocator(gazetteer) if gazetteer is not None else None
    entries: list[UserPlace] = []
    files = []
    for s in sources:
        path = Path(s)
        text = _read_text(path, "places file")
        looks_json = path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{")
        reader = _geojson_entries if looks_json else _csv_entries
        before = len(entries)
        entries.extend(reader(path, text, gazetteer, locate))
        if len(entries) == before:
            raise InputError(f"{path}: holds no places")
        files.append(str(path))
    return UserPlaces(entries, files)
