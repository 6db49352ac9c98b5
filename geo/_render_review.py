"""What the map's review tools need per place, read from the rows' :class:`~geo.types.Place` values.

The frame made by :func:`geo.frame.to_frame` keeps each row's Place in ``frame.attrs`` (see
:data:`geo.frame.PLACES_ATTR`); from it come the place's other readings
(:attr:`Place.alternatives`), its first-level division and the identity a correction pins it by.
A frame without them (built by hand) simply gets no alternatives. Everything is plain JSON data,
kept compact (an alternative is one short array): the page shows it with DOM text APIs only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Mapping, Sequence

from geo._render_data import PlaceRecord, clean_text

__all__ = ["review_data", "spelling", "article_key", "ALT_FIELDS"]

#: the order of the fields of one alternative in the page data
ALT_FIELDS = ("name", "kind", "division", "country", "population", "km", "score", "lat", "lon", "ref")
_DIVISION_KINDS = ("city", "admin2", "place")


def _ref(candidate) -> int | str | None:
    """How a correction names this entry: its GeoNames id, else a division's codes, else nothing."""
    if candidate.geonameid is not None:
        return int(candidate.geonameid)
    if candidate.kind == "admin1" and candidate.country_code and candidate.admin1_code:
        return f"admin1:{candidate.country_code}.{candidate.admin1_code}"
    return None


def _division(candidate, divisions: Mapping[tuple[str, str], str]) -> str | None:
    if candidate.kind not in _DIVISION_KINDS or not candidate.country_code or not candidate.admin1_code:
        return None
    return divisions.get((candidate.country_code, candidate.admin1_code))


def spelling(record: PlaceRecord, article: str | None) -> str:
    """The name as the article writes it most often (abbreviations and demonyms keep the gazetteer's)."""
    forms: Counter = Counter()
    first: dict[str, int] = {}
    if article:
        for start, end in sorted(record.spans):
            if end <= len(article):
                form = " ".join(article[start:end].split())
                forms[form] += 1
                first.setdefault(form, start)
    elif record.mentions and record.surface_forms:
        forms[record.surface_forms[0]] += 1
    if not forms:
        return record.name
    # datelines' capitals ("GENEINA") last, then the most frequent form, then the first one written
    best = sorted(forms.items(), key=lambda kv: (kv[0].isupper(), -kv[1], first.get(kv[0], 0)))[0][0]
    if "." in best or (best.isupper() and len(best) <= 4) or best.casefold() == record.name.casefold():
        return record.name  # "U.S.", "UK": the full name reads better
    return clean_text(best)


def article_key(title: str, article: str | None) -> str:
    """A short stable key of the article, for the page's saved edits (localStorage)."""
    return hashlib.sha256(f"{title}\n{article or ''}".encode("utf-8", "replace")).hexdigest()[:16]


def review_data(
    frame: Any,
    records: Sequence[PlaceRecord],
    *,
    article: str | None,
    divisions: Mapping[tuple[str, str], str],
) -> list[dict[str, Any]]:
    """Per record (same order): display spelling, division, identity, forms and alternatives."""
    from geo.evaluate import haversine_km
    from geo.frame import PLACES_ATTR

    by_label = frame.attrs.get(PLACES_ATTR) or {}
    labels = frame.index.tolist()
    out = []
    for record in records:
        place = by_label.get(labels[record.index]) if record.index < len(labels) else None
        data: dict[str, Any] = {}
        c = place.candidate if place is not None else None
        # a name a correction gave ("label") is shown as it is; otherwise the article's spelling
        named = c is not None and (c.source == "correction" or "label" in (c.raw or {}))
        shown = record.name if named else spelling(record, article)
        if shown != record.name:
            data["name"], data["gname"] = shown, record.name
        forms = sorted({" ".join(f.split()) for f in record.surface_forms if f.strip()})
        if forms and forms != [shown]:
            data["f"] = forms
        if c is not None:
            if (div := _division(c, divisions)) is not None:
                data["div"] = div
            if (ref := _ref(c)) is not None and not isinstance(ref, int):
                data["ref"] = ref
        alts = []
        for alt in place.alternatives if place is not None else ():
            a = alt.candidate
            km = round(haversine_km(c.lat, c.lon, a.lat, a.lon)) if c is not None else None
            alts.append([clean_text(a.name), a.kind, _division(a, divisions), a.country_code, a.population or None,
                         km, round(alt.score, 2), round(a.lat, 4), round(a.lon, 4), _ref(a)])
        if alts:
            data["alt"] = alts
        out.append(data)
    return out
