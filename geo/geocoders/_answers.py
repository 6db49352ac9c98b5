"""Reading the answers of online geocoders into plain records, and the query options of each service.

A record is ``{"name", "lat", "lon", "kind", "country_code", "population", "geonameid"?, "raw"}``;
coordinates that are not finite numbers in range make the record ``None`` (it is skipped).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from geo._values import real_number, whole_number

__all__ = ["read_answer", "query_kwargs", "SERVER_SIDE_FILTER"]

_CITY_TYPES = {"city", "town", "village", "hamlet", "municipality", "suburb", "borough", "neighbourhood",
               "quarter", "locality", "isolated_dwelling", "city_district", "district", "place"}
_ADMIN1_TYPES = {"state", "province", "region"}


def _num(v: Any) -> float | None:
    try:
        return real_number(v, "coordinate", low=-180.0, high=180.0)
    except ValueError:
        return None


def _pop(v: Any) -> int:
    try:
        return whole_number(v if isinstance(v, (int, str)) else "", "population")
    except ValueError:
        return 0


def _cc(v: Any) -> str | None:
    s = str(v or "").strip().upper()
    return s if len(s) == 2 and s.isalpha() else None


def _osm_kind(typ: str, addresstype: str, cls: str, rank: Any) -> str:
    t = addresstype or typ
    if t == "continent":
        return "continent"
    if t == "country" or (cls == "boundary" and str(rank) == "4"):
        return "country"
    if t in _ADMIN1_TYPES or (cls == "boundary" and str(rank) == "8"):
        return "admin1"
    if t in _CITY_TYPES:
        return "city"
    return "place"


def _from_nominatim(raw: dict, loc) -> dict | None:
    address = raw.get("address") or {}
    extratags = raw.get("extratags") or {}
    name = raw.get("name") or (raw.get("display_name") or "").split(",")[0].strip()
    return {
        "name": name, "lat": _num(raw.get("lat")), "lon": _num(raw.get("lon")),
        "kind": _osm_kind(raw.get("type", ""), raw.get("addresstype", ""), raw.get("category") or raw.get("class", ""),
                          raw.get("place_rank")),
        "country_code": _cc(address.get("country_code")),
        "population": _pop(extratags.get("population")),
        "raw": {k: raw[k] for k in ("display_name", "osm_type", "osm_id", "place_rank", "type") if k in raw},
    }


def _from_photon(raw: dict, loc) -> dict | None:
    props = raw.get("properties") or {}
    coords = (raw.get("geometry") or {}).get("coordinates") or [None, None]
    typ = props.get("type", "")
    kind = {"country": "country", "state": "admin1", "city": "city", "locality": "city",
            "district": "city"}.get(typ, "place")
    if props.get("osm_key") == "place" and props.get("osm_value") in _CITY_TYPES:
        kind = "city" if kind == "place" else kind
    return {
        "name": props.get("name") or loc.address.split(",")[0], "lat": _num(coords[1]), "lon": _num(coords[0]),
        "kind": kind, "country_code": _cc(props.get("countrycode")), "population": 0,
        "raw": {k: props[k] for k in ("osm_type", "osm_id", "osm_key", "osm_value", "type") if k in props},
    }


def _from_geonames(raw: dict, loc) -> dict | None:
    from geo.gazetteer._import import feature_kind

    gid = raw.get("geonameId")
    return {
        "name": raw.get("toponymName") or raw.get("name") or loc.address.split(",")[0],
        "lat": _num(raw.get("lat")), "lon": _num(raw.get("lng")),
        "kind": feature_kind(raw.get("fcl", ""), raw.get("fcode", "")),
        "country_code": _cc(raw.get("countryCode")), "population": _pop(raw.get("population")),
        "geonameid": _gid(gid),
        "raw": {k: raw[k] for k in ("fcl", "fcode", "adminName1") if k in raw},
    }


def _gid(v: Any) -> int | None:
    try:
        return whole_number(v if isinstance(v, (int, str)) else "", "geonameid", low=1)
    except ValueError:
        return None


def _generic(raw: Any, loc) -> dict | None:
    r = raw if isinstance(raw, dict) else {}
    props = p if isinstance(p := r.get("properties"), dict) else {}
    components = c if isinstance(c := r.get("components"), dict) else {}
    cc = _cc(components.get("country_code") or props.get("country_code") or r.get("countryCode"))
    return {"name": (loc.address or "").split(",")[0].strip() or str(loc.address), "lat": _num(loc.latitude),
            "lon": _num(loc.longitude), "kind": "place", "country_code": cc, "population": 0, "raw": {"address": loc.address}}


_READERS: dict[str, Callable[[Any, Any], dict | None]] = {
    "nominatim": _from_nominatim, "photon": _from_photon, "geonames": _from_geonames,
}


def query_kwargs(service: str, countries: Sequence[str], limit: int) -> dict[str, Any]:
    cc = [c.upper() for c in countries]
    kw: dict[str, Any] = {"exactly_one": False}
    if service == "nominatim":
        kw.update(limit=limit, addressdetails=True, extratags=True, language="en")
        if cc:
            kw["country_codes"] = [c.lower() for c in cc]
    elif service == "photon":
        kw.update(limit=limit, language="en")
    elif service == "geonames":
        if cc:
            kw["country"] = cc
    elif service in ("opencage", "mapbox"):
        kw["language"] = "en"
        if cc:
            kw["country"] = cc if service == "opencage" else cc
    elif service in ("pelias", "geocodeearth"):
        kw["language"] = "en"
        if cc:
            kw["countries"] = cc
    elif service == "google":
        kw["language"] = "en"
        if cc:
            kw["region"] = cc[0].lower()
    elif service in ("here", "tomtom"):
        kw["limit"] = limit
    return kw


#: services that filter by country on the server; the others' answers are re-ranked by the hint
SERVER_SIDE_FILTER = {"nominatim", "geonames", "opencage", "mapbox", "pelias", "geocodeearth"}




def read_answer(service: str, locations) -> list[dict]:
    """geopy's Locations as records; those without a name or valid coordinates are left out."""
    reader = _READERS.get(service, _generic)
    records = []
    for loc in locations or ():
        try:
            rec = reader(loc.raw, loc)
        except (AttributeError, KeyError, TypeError, ValueError, IndexError):
            rec = None
        if not rec or rec.get("lat") is None or rec.get("lon") is None or not rec.get("name"):
            continue
        if not (-90 <= rec["lat"] <= 90 and -180 <= rec["lon"] <= 180):
            continue
        records.append(rec)
    return records
