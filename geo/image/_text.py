"""The words of the picture: which places matter most, the alt text and the credit line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from geo._render_data import PlaceRecord

__all__ = ["alt_text", "by_importance", "credit_line", "join_names", "kind_word"]

_KIND_RANK = {"country": 0, "admin1": 1, "city": 2, "admin2": 3, "place": 4, "continent": 5, "unknown": 6}
#: how the alt text names a kind ("Baghuz (village)"); countries and continents need no word
_KIND_WORDS = {"admin1": "state or province", "admin2": "county", "city": "city or town", "place": "place",
               "country": "", "continent": "", "unknown": ""}
_OSM_SOURCES = ("nominatim", "photon")
_MAX_NAMED = 15


def by_importance(records: Sequence[PlaceRecord]) -> list[PlaceRecord]:
    """Most mentioned first; then countries before divisions before towns; then by name."""
    return sorted(records, key=lambda r: (-r.total_mentions, _KIND_RANK.get(r.kind, 6), r.name, r.index))


def kind_word(raw_kind: str | None) -> str:
    """The word for a kind in running text ('' when the name says it: a country)."""
    kind = (raw_kind or "").strip()
    if not kind:
        return ""
    return _KIND_WORDS.get(kind, kind.replace("_", " "))


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _named(record: PlaceRecord, raw_kinds: Mapping[int, str]) -> str:
    word = kind_word(raw_kinds.get(record.index, record.kind))
    return f"{record.name} ({word})" if word else record.name


def _direction(view_centre: tuple[float, float], bounds: tuple[float, float, float, float]) -> str:
    """'northern', 'south-eastern', … : where the view's centre lies in a country's extent."""
    lon, lat = view_centre
    x0, y0, x1, y1 = bounds
    fx = (lon - x0) / (x1 - x0) if x1 > x0 else 0.5
    fy = (lat - y0) / (y1 - y0) if y1 > y0 else 0.5
    ns = "north" if fy > 0.62 else "south" if fy < 0.38 else ""
    ew = "east" if fx > 0.62 else "west" if fx < 0.38 else ""
    if ns and ew:
        return f"{ns}-{ew}ern"
    return f"{ns or ew}ern" if (ns or ew) else ""


def region_name(shown: Sequence[PlaceRecord], view_centre: tuple[float, float], view_km2: float,
                country_bounds: Mapping[str, tuple[float, float, float, float]]) -> str:
    """'northern Syria and Iraq': the countries of the places shown, the first one qualified."""
    counts: dict[str, int] = {}
    codes: dict[str, str] = {}
    for r in shown:
        name = r.name if r.kind == "country" else r.country
        if name:
            counts[name] = counts.get(name, 0) + 1
            codes.setdefault(name, r.country_code or "")
    names = sorted(counts, key=lambda n: (-counts[n], n))
    if not names:
        return ""
    first = names[0]
    box = country_bounds.get(codes[first])
    qualifier = ""
    if box is not None:
        km2 = (box[2] - box[0]) * 111.0 * (box[3] - box[1]) * 111.0 * 0.8
        qualifier = _direction(view_centre, box) if view_km2 < 0.35 * km2 else ""
    head = f"{qualifier} {first}".strip()
    rest = names[1:]
    if len(rest) > 2:
        return f"{head}, {', '.join(rest[:2])} and neighbouring countries"
    return join_names([head, *rest])


def alt_text(*, world: bool, region: str, labelled: Sequence[PlaceRecord], unlabelled: Sequence[PlaceRecord],
             off_map: Sequence[PlaceRecord], raw_kinds: Mapping[int, str], inset: bool) -> str:
    """A short description of the map written from its data, for screen readers and captions."""
    head = "World map" if world else f"Map of {region}" if region else "Map"
    if not labelled and not unlabelled:
        return f"{head} with no places marked."
    shown = [_named(r, raw_kinds) for r in labelled[:_MAX_NAMED]]
    more = len(labelled) - len(shown)
    text = f"{head} showing {join_names(shown + ([f'{more} more labelled places'] if more > 0 else []))}"
    if unlabelled:
        names = [r.name for r in unlabelled[:_MAX_NAMED]]
        extra = len(unlabelled) - len(names)
        text += (f"; {len(unlabelled)} more {'place is' if len(unlabelled) == 1 else 'places are'} marked without "
                 f"a label ({join_names(names + ([f'{extra} others'] if extra > 0 else []))})")
    if inset:
        text += "; an inset map shows where the area lies"
    text += "."
    if off_map:
        text += f" Also named in the story, outside the map: {join_names([r.name for r in off_map])}."
    return text


def credit_line(sources: Sequence[str], layer_credits: Sequence[str] = ()) -> str:
    """Who to credit for the data actually drawn."""
    parts = ["Places: GeoNames (CC BY 4.0)", "outlines: countryinfo (MIT)"]
    if any(s in _OSM_SOURCES for s in sources):
        parts.append("geocoding © OpenStreetMap contributors (ODbL)")
    for credit in layer_credits:
        if credit and credit not in parts:
            parts.append(credit)
    return "Data: " + " · ".join(parts) + " · Map: geo"
