"""Reading a corrections file (TOML): every entry checked, errors naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from geo.corrections._types import Add, Corrections, Drop, Pin
from geo.errors import InputError
from geo.userplaces import _read_text, place_kind

__all__ = ["parse"]

_COMMON = {"name", "article", "note", "reason", "comment"}
_ALLOWED = {
    "pin": _COMMON | {"aliases", "geonameid", "ref", "lat", "lon", "kind", "country", "label"},
    "drop": _COMMON | {"geonameid"},
    "add": _COMMON | {"aliases", "geonameid", "ref", "lat", "lon", "kind", "country", "label"},
}


class _Lines:
    """Line numbers of the ``[[pin]]``-style entries and of their keys, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        self.all_headers: list[int] = []
        for i, line in enumerate(self.lines, 1):
            m = re.match(r"\s*\[\[\s*([A-Za-z_-]+)\s*\]\]", line) or re.match(r"\s*\[\s*([A-Za-z_.-]+)\s*\]", line)
            if m:
                self.headers.setdefault(m.group(1), []).append(i)
                self.all_headers.append(i)

    def entry(self, table: str, index: int) -> int:
        hs = self.headers.get(table, [])
        if index < len(hs):
            return hs[index]
        return self.key(table, 1, None) or 1

    def key(self, key: str, start: int, table_index: tuple[str, int] | None) -> int | None:
        end = len(self.lines)
        if table_index is not None:
            later = [h for h in self.all_headers if h > start]
            end = later[0] - 1 if later else end
        for i in range(start, end + 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", self.lines[i - 1]):
                return i
        return None


def parse(path: Path) -> Corrections:
    """The corrections of the TOML file at ``path``; :class:`InputError` names the file and line."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser, from PyPI
        import tomli as tomllib

    text = _read_text(path, "corrections file")
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be read") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = m.group(1) if m else (re.search(r"line (\d+)", msg) or [None, "1"])[1]
        msg = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", msg)
        raise InputError(f"{path}:{line}: not valid TOML ({msg})") from None
    lines = _Lines(text)
    pins, drops, adds = [], [], []
    for table, entries in doc.items():
        if table not in _ALLOWED:
            ln = lines.key(table, 1, None) or (lines.headers.get(table) or [1])[0]
            raise InputError(f"{path}:{ln}: unknown section {table!r} (expected [[pin]], [[drop]] or [[add]])")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            ln = (lines.headers.get(table) or [lines.key(table, 1, None) or 1])[0]
            raise InputError(f"{path}:{ln}: write each {table} as a [[{table}]] table")
        for i, e in enumerate(entries):
            start = lines.entry(table, i)

            def where(key: str | None = None, _start=start, _table=table, _i=i) -> str:
                ln = lines.key(key, _start, (_table, _i)) if key else None
                return f"{path}:{ln or _start}"

            unknown = sorted(set(e) - _ALLOWED[table])
            if unknown:
                raise InputError(f"{where(unknown[0])}: unknown key {unknown[0]!r} in [[{table}]] "
                                 f"(allowed: {', '.join(sorted(_ALLOWED[table] - {'note', 'reason', 'comment'}))})")
            articles = _strings(e.get("article"), "article", where("article"))
            if table == "drop":
                name = _opt_str(e.get("name"), "name", where("name"))
                gid = _gid(e.get("geonameid"), where("geonameid"))
                if not name and gid is None:
                    raise InputError(f"{where()}: a drop needs a name or a geonameid")
                drops.append(Drop(where=where(), name=name, geonameid=gid, articles=articles))
                continue
            name = _opt_str(e.get("name"), "name", where("name"))
            if not name:
                raise InputError(f"{where()}: [[{table}]] needs a name")
            pin = _pin(e, name, where, articles, required=table == "pin", table=table)
            if table == "pin":
                assert pin is not None  # required=True: a pin without a place raised above
                pins.append(pin)
            else:
                adds.append(Add(name=name, where=where(), aliases=_strings(e.get("aliases"), "aliases", where("aliases")),
                                pin=pin, articles=articles))
    return Corrections(tuple(pins), tuple(drops), tuple(adds), (str(path),))


def _opt_str(v: Any, key: str, where: str) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise InputError(f"{where}: {key} must be text")
    return " ".join(v.split()) or None


def _strings(v: Any, key: str, where: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise InputError(f"{where}: {key} must be text or a list of text")
    return tuple(" ".join(x.split()) for x in v)


def _gid(v: Any, where: str) -> int | None:
    from geo._values import whole_number

    if v is None:
        return None
    try:
        return whole_number(v if isinstance(v, (int, str)) else None, "geonameid", low=1)
    except ValueError as exc:
        raise InputError(f"{where}: geonameid must be a positive whole number ({exc})") from None


def _coord(v: Any, key: str, where: str, low: float, high: float) -> float:
    from geo._values import real_number

    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(f"{where}: {key} must be a number (degrees), not {v!r}")
    try:
        return real_number(v, key, low=low, high=high)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def _pin(e: dict, name: str, where, articles, *, required: bool, table: str) -> Pin | None:
    gid = _gid(e.get("geonameid"), where("geonameid"))
    ref = _ref(e.get("ref"), where("ref"))
    has_lat, has_lon = "lat" in e, "lon" in e
    if has_lat != has_lon:
        raise InputError(f"{where('lat' if has_lat else 'lon')}: give both lat and lon")
    lat = _coord(e["lat"], "lat", where("lat"), -90, 90) if has_lat else None
    lon = _coord(e["lon"], "lon", where("lon"), -180, 180) if has_lon else None
    if gid is None and lat is None and ref is None:
        if required:
            raise InputError(f"{where()}: a pin needs lat and lon, or a geonameid, or a ref (a division)")
        for k in ("kind", "country", "label"):
            if k in e:
                raise InputError(f"{where(k)}: {k} needs lat and lon, or a geonameid, to pin the place")
        return None
    kind_raw = _opt_str(e.get("kind"), "kind", where("kind"))
    kind = place_kind(kind_raw, where("kind")) if kind_raw else None
    country = _opt_str(e.get("country"), "country", where("country"))
    if country and len(country) == 2:
        country = country.upper()
    return Pin(name=name, where=where(), aliases=_strings(e.get("aliases"), "aliases", where("aliases")), geonameid=gid,
               lat=lat, lon=lon, kind=kind, kind_label=kind_raw.lower() if kind_raw and kind_raw.lower() != kind else None,
               country=country, label=_opt_str(e.get("label"), "label", where("label")), articles=articles, ref=ref)


def _ref(v: Any, where: str) -> tuple[str, str] | None:
    """``ref = "admin1:US.OH"``: a first-level division by its country and GeoNames admin1 code."""
    if v is None:
        return None
    m = re.fullmatch(r"admin1:([A-Za-z]{2})\.([A-Za-z0-9]{1,20})", v.strip()) if isinstance(v, str) else None
    if m is None:
        raise InputError(f'{where}: ref must look like "admin1:US.OH" (a division: country and admin1 code)')
    return m.group(1).upper(), m.group(2)
