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

__all__ = ["review_data", "frame_reviews", "place_review", "spelling", "article_key", "ALT_FIELDS"]

#: the order of the fields of one alternative in the page data
ALT_FIELDS = ("name", "kind", "division", "country", "population", "km", "score", "lat", "lon", "ref")
_DIVISION_KINDS = ("city", "admin2", "place")


def _entry(c) -> dict[str, Any]:
    """A candidate as plain JSON data (what the frame keeps for the map)."""
    return {"name": c.name, "kind": c.kind, "cc": c.country_code, "a1": c.admin1_code, "gid": c.geonameid,
            "lat": c.lat, "lon": c.lon, "pop": int(c.population or 0)}


def place_review(place) -> dict[str, Any]:
    """What the map needs of a :class:`~geo.types.Place` beyond its row: its entry and
    :attr:`~geo.types.Place.alternatives`, as plain JSON data (``frame.attrs`` must stay
    serialisable: GeoParquet writes it)."""
    c = place.candidate
    return {
        "chosen": _entry(c) if c is not None else None,
        # a name the user gave (a correction's label, their places file) is shown as it is; otherwise
        # the article's spelling
        "named": c is not None and (c.source in ("correction", "user") or "label" in (c.raw or {})),
        "alt": [[_entry(a.candidate), round(float(a.probability), 3)] for a in place.alternatives],
    }


def _ref(e: Mapping[str, Any]) -> int | str | None:
    """How a correction names this entry: its GeoNames id, else a division's codes, else nothing."""
    if e.get("gid") is not None:
        return int(e["gid"])
    if e.get("kind") == "admin1" and e.get("cc") and e.get("a1"):
        return f"admin1:{e['cc']}.{e['a1']}"
    return None


def _division(e: Mapping[str, Any], divisions: Mapping[tuple[str, str], str]) -> str | None:
    if e.get("kind") not in _DIVISION_KINDS or not e.get("cc") or not e.get("a1"):
        return None
    return divisions.get((e["cc"], e["a1"]))


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


def frame_reviews(frame: Any) -> list[Mapping[str, Any] | None]:
    """The :func:`place_review` of each row of a frame made by :func:`geo.frame.to_frame`, in row
    order (None for a row without one: a frame built by hand)."""
    from geo.frame import PLACES_ATTR

    by_label = frame.attrs.get(PLACES_ATTR) or {}
    return [by_label.get(str(label)) for label in frame.index.tolist()]


def review_data(
    reviews: Sequence[Mapping[str, Any] | None],
    records: Sequence[PlaceRecord],
    *,
    article: str | None,
    divisions: Mapping[tuple[str, str], str],
) -> list[dict[str, Any]]:
    """Per record (same order): display spelling, division, identity, forms and alternatives;
    ``reviews``: the :func:`place_review` of each row, by record index (:func:`frame_reviews`)."""
    from geo.evaluate import haversine_km

    out = []
    for record in records:
        review = reviews[record.index] if record.index < len(reviews) else None
        review = review if isinstance(review, Mapping) else {}
        data: dict[str, Any] = {}
        c = review.get("chosen")
        shown = record.name if review.get("named") else spelling(record, article)
        if shown != record.name:
            data["sp"] = shown  # the page shows this, with the gazetteer's name as a detail
        forms = sorted({" ".join(f.split()) for f in record.surface_forms if f.strip()})
        if forms and forms != [shown]:
            data["f"] = forms
        if c:
            if (div := _division(c, divisions)) is not None:
                data["div"] = div
            if (ref := _ref(c)) is not None and not isinstance(ref, int):
                data["ref"] = ref
        alts = []
        for a, score in review.get("alt", ()):
            km = round(haversine_km(c["lat"], c["lon"], a["lat"], a["lon"])) if c else None
            alts.append([clean_text(a["name"]), a["kind"], _division(a, divisions), a["cc"], a["pop"] or None,
                         km, round(score, 2), round(a["lat"], 4), round(a["lon"], 4), _ref(a)])
        if alts:
            data["alt"] = alts
        out.append(data)
    return out
