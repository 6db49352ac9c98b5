"""The places of the map page as columns: compact page data, read back into one object per place.

A map of 10,000 places would repeat every key 10,000 times as a list of objects; as columns each key
is written once. A field most places have is a full column (``null`` where a place has none); a field
few have is a list of ``[place, value]`` pairs; repeated strings (kinds, countries, sources, reasons,
divisions) are indexes into one shared list; true/false are 1/0. The page script turns this back into
the same objects (``geo/_data/geo_map.js``, ``unpack``), and :func:`unpack_places` does so in Python
(for tests and tools that read a map's data). The values themselves are unchanged: text is still
JSON data that the page shows with DOM text APIs only.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

__all__ = ["pack_places", "unpack_places", "SHARED_FIELDS", "FLAG_FIELDS"]

#: fields whose values are indexes into the shared strings
SHARED_FIELDS = ("kind", "country", "src", "div", "reason")
#: fields that are true or false (written 1 / 0)
FLAG_FIELDS = ("resolved",)


def pack_places(places: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"n", "strings", "shared", "flags", "cols", "pairs"}`` holding ``places`` (see the module docstring)."""
    keys: dict[str, int] = {}
    for place in places:
        for key in place:
            keys[key] = keys.get(key, 0) + 1
    strings: dict[str, int] = {}

    def value(key: str, v: Any) -> Any:
        if v is None:
            return None
        if key in FLAG_FIELDS:
            return 1 if v else 0
        if key in SHARED_FIELDS:
            return strings.setdefault(v, len(strings))
        return v

    cols: dict[str, list] = {}
    pairs: dict[str, list] = {}
    for key, count in keys.items():
        if 2 * count >= len(places):
            cols[key] = [value(key, p[key]) if key in p else None for p in places]
        else:
            pairs[key] = [[i, value(key, p[key])] for i, p in enumerate(places) if key in p]
    return {"n": len(places), "strings": list(strings), "shared": [k for k in SHARED_FIELDS if k in keys],
            "flags": [k for k in FLAG_FIELDS if k in keys], "cols": cols, "pairs": pairs}


def unpack_places(packed: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The places as one dict each, as the page script reads them (a ``null`` of a column: no such key)."""
    strings, shared, flags = packed["strings"], set(packed["shared"]), set(packed["flags"])
    places: list[dict[str, Any]] = [{} for _ in range(packed["n"])]

    def value(key: str, v: Any) -> Any:
        if key in flags:
            return bool(v)
        return strings[v] if key in shared and v is not None else v

    for key, column in packed["cols"].items():
        for place, v in zip(places, column):
            if v is not None:
                place[key] = value(key, v)
    for key, entries in packed["pairs"].items():
        for i, v in entries:
            places[i][key] = value(key, v)
    return places
