"""Turn the places GeoDataFrame (or the rows of its places, without pandas) into the plain
JSON-ready records the map page reads.

Everything that comes from the article (names, sentences, the article itself) leaves
Python only through :func:`script_json`, which makes it safe to sit inside a
``<script type="application/json">`` block; the page's own script shows it with DOM
text APIs, never as HTML.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

__all__ = [
    "KINDS",
    "BASE_KINDS",
    "kinds_shown",
    "DEFAULT_REASON",
    "UNRESOLVED_COLOUR",
    "PlaceRecord",
    "place_records",
    "row_records",
    "script_json",
    "highlight_segments",
    "clean_text",
    "marker_radius",
]

# Okabe & Ito's palette: distinguishable with protanopia, deuteranopia and tritanopia.
KINDS: dict[str, tuple[str, str]] = {
    "continent": ("#CC79A7", "Continent"),
    "country": ("#0072B2", "Country"),
    "admin1": ("#009E73", "State / province"),
    "admin2": ("#56B4E9", "County / district"),
    "city": ("#D55E00", "City or town"),
    "place": ("#E69F00", "Other place"),
    # physical and regional features (geo.types.FEATURE_KINDS): drawn as their line or outline too
    "sea": ("#332288", "Sea, gulf or strait"),
    "river": ("#009FB7", "River"),
    "lake": ("#6A8EC9", "Lake"),
    "mountain": ("#882255", "Mountain"),
    "range": ("#AA4499", "Mountain range"),
    "desert": ("#A87B12", "Desert"),
    "island": ("#117733", "Island"),
    "region": ("#8C8C2A", "Region"),
    "unknown": ("#6E6E6E", "Unknown kind"),
}
#: the kinds every page describes; a feature kind only when a place of it is there
BASE_KINDS = ("continent", "country", "admin1", "admin2", "city", "place", "unknown")
UNRESOLVED_COLOUR = "#6E6E6E"


def kinds_shown(kinds: Iterable[str]) -> list[str]:
    """The kinds a page describes: the base kinds and the feature kinds among ``kinds`` (KINDS order)."""
    present = set(kinds)
    return [k for k in KINDS if k in BASE_KINDS or k in present]

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(value: Any) -> str:
    """``json.dumps`` that is safe inside any ``<script>`` element.

    ``<``, ``>`` and ``&`` (and the two JavaScript line terminators) only ever occur inside
    JSON strings, where ``\\uXXXX`` means the same character, so ``</script>`` or ``<!--``
    in the data can neither close nor confuse the element.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def clean_text(value: Any) -> str:
    """A str that encodes to UTF-8: lone surrogates become '?' (one for one, offsets keep)."""
    if _is_missing(value):
        return ""
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def marker_radius(mentions: int) -> float:
    """Circle radius in pixels: area grows with the number of mentions (capped)."""
    return round(min(5.0 + 3.0 * math.sqrt(max(mentions, 1)), 32.0), 1)


def _is_missing(value: Any) -> bool:
    """True for None, NaN, pandas.NA and NaT (the frame's missing values)."""
    if value is None:
        return True
    pd = sys.modules.get("pandas")  # pandas.NA and NaT exist only where pandas is (a frame was made)
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return True
    return isinstance(value, float) and math.isnan(value)


def _opt_str(value: Any) -> str | None:
    if _is_missing(value):
        return None
    text = clean_text(value)
    return text or None


def _opt_int(value: Any) -> int | None:
    if _is_missing(value):
        return None
    return int(value)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    if _is_missing(value):
        return []
    return [value]


def _spans(value: Any) -> list[tuple[int, int]]:
    spans = []
    for item in _as_list(value):
        pair = _as_list(item)
        if len(pair) >= 2:
            start, end = int(pair[0]), int(pair[1])
            if 0 <= start < end:
                spans.append((start, end))
    return spans


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def highlight_segments(text: str, needles: Sequence[str]) -> list[str]:
    """Split ``text`` into alternating plain / highlighted pieces.

    The result always has an odd length: even indexes are plain text, odd indexes are
    occurrences of one of ``needles`` (longest first, not inside a longer word).
    """
    words = sorted({n for n in needles if n and n.strip()}, key=lambda n: (-len(n), n))
    if not words or not text:
        return [text]
    found: list[tuple[int, int]] = []
    for word in words:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            clear = (start == 0 or not _is_word_char(text[start - 1])) and (
                end == len(text) or not _is_word_char(text[end])
            )
            if clear and all(end <= s or start >= e for s, e in found):
                found.append((start, end))
            start = text.find(word, start + 1)
    out: list[str] = []
    pos = 0
    for start, end in sorted(found):
        out.append(text[pos:start])
        out.append(text[start:end])
        pos = end
    out.append(text[pos:])
    return out


def _snippet_segments(
    snippet: str, spans: Sequence[tuple[int, int]], article: str | None, forms: Sequence[str]
) -> list[str]:
    """Like :func:`highlight_segments`, but from the spans when the snippet is in the article.

    Only the window around each span is searched, so this stays fast for long texts.
    """
    size = len(snippet)
    if article and size:
        for start, end in spans:
            pos = article.find(snippet, max(0, end - size), start + size)
            if pos == -1:
                continue
            out: list[str] = []
            cursor = 0
            for a, b in spans:
                a, b = a - pos, b - pos
                if a >= cursor and b <= size:
                    out += [snippet[cursor:a], snippet[a:b]]
                    cursor = b
            out.append(snippet[cursor:])
            return out
    return highlight_segments(snippet, forms)


class LatLon(NamedTuple):
    """The coordinates of a resolved record, in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """One row of the frame, in the plain types the page needs."""

    index: int
    name: str
    kind: str
    country: str | None
    country_code: str | None
    geonameid: int | None
    population: int | None
    mentions: int
    adjectival_mentions: int
    surface_forms: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    adjectival_spans: tuple[tuple[int, int], ...]
    snippets: tuple[str, ...]
    confidence: float
    resolved: bool
    source: str
    reason: str | None
    lat: float | None
    lon: float | None
    fid: int | None = None  # a physical/regional feature (geo.gazetteer._features): drawn as its shape too
    subkind: str | None = None  # the feature's finer class ("strait", "volcano" …)

    @property
    def total_mentions(self) -> int:
        return self.mentions + self.adjectival_mentions

    @property
    def colour(self) -> str:
        if not self.resolved:
            return UNRESOLVED_COLOUR
        return KINDS.get(self.kind, KINDS["unknown"])[0]

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, KINDS["unknown"])[1]

    @property
    def point(self) -> LatLon:
        """Where a resolved record is (the map draws only those)."""
        assert self.lat is not None and self.lon is not None  # place_records: resolved means both coordinates
        return LatLon(self.lat, self.lon)

    def to_json(self, article: str | None = None, coords: bool = False) -> dict[str, Any]:
        """The record as the page script reads it (kept small: it is repeated per place).

        Coordinates only with ``coords`` (a clustered map makes its markers from them; otherwise
        the page takes them from the place's marker). The marker's radius follows from the counts.
        With the ``article``, a snippet's highlights are the place's own spans in it;
        otherwise (or if the snippet is not found there) its surface forms.
        """
        forms = list(self.surface_forms) or [self.name]
        spans = sorted(self.spans + self.adjectival_spans)
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "n": self.mentions,
            "adj": self.adjectival_mentions,
            "conf": round(self.confidence, 2),
            "resolved": self.resolved,
            "snippets": [_snippet_segments(s, spans, article, forms) for s in self.snippets],
        }
        if self.geonameid is not None:
            data["gid"] = self.geonameid
        if self.fid is not None and self.subkind and self.subkind != self.kind:
            data["sub"] = self.subkind  # "strait", "volcano": said in the popup
        if self.resolved and self.source and self.source != "gazetteer":
            # the gazetteer is the default (its GeoNames id is shown); any other source is said
            data["src"] = SOURCE_LABELS.get(self.source, self.source)
        if self.resolved and coords:
            data["lat"], data["lon"] = self.lat, self.lon
        elif not self.resolved:
            data["reason"] = self.reason or DEFAULT_REASON
        return data


DEFAULT_REASON = "No entry of the gazetteer matched this name."

#: where a place's coordinates come from, as the popup says it
SOURCE_LABELS = {
    "geonames-dump": "an imported GeoNames dump",
    "user": "your places file",
    "correction": "a correction",
    "nominatim": "Nominatim (© OpenStreetMap contributors)",
    "photon": "Photon (© OpenStreetMap contributors)",
}


def _coords(geometry: Any) -> tuple[float | None, float | None]:
    if geometry is None or getattr(geometry, "is_empty", True):
        return None, None
    try:
        lon, lat = float(geometry.x), float(geometry.y)
    except (AttributeError, ValueError, TypeError):  # not a point: use its centroid
        centroid = geometry.centroid
        lon, lat = float(centroid.x), float(centroid.y)
    return _checked(lat, lon)


def _checked(lat: float, lon: float) -> tuple[float | None, float | None]:
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None, None
    return round(lat, 5), round(lon, 5)


def _row_coords(row: Mapping[str, Any]) -> tuple[float | None, float | None]:
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None or _is_missing(lat) or _is_missing(lon):
        return None, None
    return _checked(float(lat), float(lon))


def place_records(frame: Any) -> list[PlaceRecord]:
    """Read the places frame; a row without usable coordinates is unresolved.

    Columns are read whole (``tolist``): row-by-row access is far too slow for thousands
    of places. A missing optional column reads as missing values.
    """
    size = len(frame)
    columns = set(frame.columns)

    def column(name: str, default: Any = None) -> list:
        return frame[name].tolist() if name in columns else [default] * size

    return _records(size, column, [_coords(g) for g in column("geometry")])


def row_records(rows: Sequence[Mapping[str, Any]]) -> list[PlaceRecord]:
    """:func:`place_records` of the frame these rows would make (:func:`geo.frame.place_row`:
    ``lat``/``lon`` instead of a geometry), read without pandas; the same records."""

    def column(name: str, default: Any = None) -> list:
        return [row.get(name, default) for row in rows]

    return _records(len(rows), column, [_row_coords(row) for row in rows])


def _records(size: int, column: Callable[..., list], coords: Sequence[tuple[float | None, float | None]]
             ) -> list[PlaceRecord]:
    """The records of ``size`` rows, read column by column (``column(name, default)``)."""
    names, kinds, countries, codes = column("name"), column("kind"), column("country"), column("country_code")
    gids, pops, literal, adjectival = column("geonameid"), column("population"), column("mentions"), column("adjectival_mentions")
    forms, spans, adj_spans, snippets = column("surface_forms"), column("spans"), column("adjectival_spans"), column("snippets")
    confidences, flags, sources, reasons = column("confidence"), column("resolved", True), column("source"), column("reason")
    fids, subkinds = column("fid"), column("subkind")

    records = []
    for index in range(size):
        lat, lon = coords[index]
        flag = flags[index]
        resolved = (False if _is_missing(flag) else bool(flag)) and lat is not None
        kind = _opt_str(kinds[index]) or "unknown"
        confidence = confidences[index]
        confidence = 0.0 if _is_missing(confidence) else min(max(float(confidence), 0.0), 1.0)
        records.append(
            PlaceRecord(
                index=index,
                name=_opt_str(names[index]) or "(unnamed)",
                kind=kind if kind in KINDS else "unknown",
                country=_opt_str(countries[index]),
                country_code=(_opt_str(codes[index]) or "").upper() or None,
                geonameid=_opt_int(gids[index]),
                population=_opt_int(pops[index]),
                mentions=_opt_int(literal[index]) or 0,
                adjectival_mentions=_opt_int(adjectival[index]) or 0,
                surface_forms=tuple(clean_text(s) for s in _as_list(forms[index]) if s),
                spans=tuple(_spans(spans[index])),
                adjectival_spans=tuple(_spans(adj_spans[index])),
                snippets=tuple(clean_text(s) for s in _as_list(snippets[index]) if s),
                confidence=confidence,
                resolved=resolved,
                source=_opt_str(sources[index]) or "",
                reason=_opt_str(reasons[index]),
                lat=lat if resolved else None,
                lon=lon if resolved else None,
                fid=_opt_int(fids[index]),
                subkind=_opt_str(subkinds[index]),
            )
        )
    return records
