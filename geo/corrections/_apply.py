"""Applying corrections, as data the stages of the pipeline take.

* :func:`edit_mentions` (after recognition): drops by the name the article writes filter the
  mentions; every occurrence of an added name becomes a mention;
* :func:`pin_candidates` (before candidate generation): pins become a
  :class:`~geo.candidates.Pins` source, the only answer for their names;
* :func:`finish_places` (after resolution): drops by the place's name or GeoNames id, as the map
  shows it, and the report of what every entry did (:class:`Change`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from geo._text import name_key as _key
from geo.candidates import Pins
from geo.corrections._types import Add, Change, Corrections, Drop, Pin
from geo.errors import InputError
from geo.gazetteer import Gazetteer
from geo.spot import merge_spans, sentences
from geo.types import Candidate, Mention, Place
from geo.userplaces import CountryLocator, country_code

__all__ = ["MentionEdits", "PinnedPlaces", "edit_mentions", "pin_candidates", "finish_places"]


@dataclass(frozen=True)
class MentionEdits:
    """The mentions after the drops and adds, with how many each entry removed or added."""

    mentions: tuple[Mention, ...]
    dropped: tuple[tuple[Drop, int], ...] = ()
    added: tuple[tuple[Add, int], ...] = ()


@dataclass(frozen=True)
class PinnedPlaces:
    """The pins as a candidate source, each applied pin with its entry (and whether an add gave it),
    and the pins that could not be applied."""

    source: Pins
    pinned: tuple[tuple[Pin, Candidate, bool], ...] = ()
    problems: tuple[Change, ...] = ()


def _find(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    names = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    if not names:
        return []
    pat = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")(?!\w)", re.I)
    return [m.span() for m in pat.finditer(text)]


def edit_mentions(corrections: Corrections, doc: Any, mentions: Sequence[Mention]) -> MentionEdits:
    """Drops by the name the article writes, then adds: every occurrence of the name is a mention."""
    out = list(mentions)
    dropped = []
    for d in corrections.drops:
        if d.name:
            k = _key(d.name)
            keep = [m for m in out if _key(m.text) != k and _key(m.query) != k]
            dropped.append((d, len(out) - len(keep)))
            out = keep
    added = []
    if corrections.adds:
        text, sents = doc.text, sentences(doc)
        for a in corrections.adds:
            out, n = merge_spans(out, _find(text, a.names), text, sents, "correction", replace_any=True)
            added.append((a, n))
    return MentionEdits(tuple(out), tuple(dropped), tuple(added))


def _pin_candidate(pin: Pin, gazetteer: Gazetteer, locate: Callable[[float, float], str | None]
                   ) -> tuple[Candidate | None, str]:
    base = gazetteer.by_geonameid(pin.geonameid) if pin.geonameid is not None else None
    if pin.ref is not None and base is None:
        base = gazetteer.division(*pin.ref)
        if base is None and pin.lat is None:
            return None, f"no first-level division admin1:{'.'.join(pin.ref)} in the gazetteer; give lat and lon"
    if pin.geonameid is not None and base is None and pin.lat is None:
        return None, (f"GeoNames id {pin.geonameid} is neither in the gazetteer nor in its imports; import the "
                      "country's dump (geo gazetteer download CC) or give lat and lon")
    country = pin.country
    if country and len(country) != 2:
        try:
            country = country_code(country, pin.where, gazetteer)
        except InputError as exc:
            return None, str(exc).split(": ", 1)[-1]
    raw = {"correction": pin.where, **({"kind": pin.kind_label} if pin.kind_label else {})}
    if pin.lat is None or pin.lon is None:
        assert base is not None  # a pin has coordinates, or a geonameid or ref found above
        # the gazetteer's entry, marked as chosen by a correction (its confidence is then 1)
        return dataclasses.replace(base, name=pin.label or base.name, kind=pin.kind or base.kind,
                                   country_code=country or base.country_code,
                                   raw={**(base.raw or {}), "correction": pin.where,
                                        **({"label": pin.label} if pin.label else {})}), ""
    lat, lon = pin.lat, pin.lon
    return Candidate(geonameid=pin.geonameid, name=pin.label or (base.name if base else pin.name),
                     kind=pin.kind or (base.kind if base else "place"), lat=lat, lon=lon,
                     country_code=country or (base.country_code if base else None) or locate(lat, lon),
                     admin1_code=base.admin1_code if base else None, population=base.population if base else 0,
                     source="correction", raw=raw), ""


def pin_candidates(corrections: Corrections, gazetteer: Gazetteer) -> PinnedPlaces:
    """The pins (and the adds that pin) as entries: the pinned names answer with their entry only."""
    entries = list(corrections.pins) + [a.pin for a in corrections.adds if a.pin is not None]
    if not entries:
        return PinnedPlaces(Pins())
    locate = CountryLocator(gazetteer)
    pins: dict[str, Candidate] = {}
    pinned = []
    problems = []
    for p in entries:
        cand, problem = _pin_candidate(p, gazetteer, locate)
        if cand is None:
            problems.append(Change(p.where, "not-applied", p.name, f"pin of {p.name!r} not applied: {problem}",
                                   warning=True))
            continue
        for n in p.names:
            pins[n] = cand
        pinned.append((p, cand, any(a.pin is p for a in corrections.adds)))
    return PinnedPlaces(Pins(pins), tuple(pinned), tuple(problems))


def _describe(c: Candidate) -> str:
    gid = f"GeoNames {c.geonameid} " if c.geonameid is not None else ""
    return f"{gid}{c.name} ({c.lat:.4f}, {c.lon:.4f})"


def _counted(n: int) -> str:
    return f"{n} mention{'s' * (n != 1)}"


def _drop_places(corrections: Corrections, places: list[Place], edits: MentionEdits
                 ) -> tuple[list[Place], list[Change]]:
    log = []
    by_name = dict(edits.dropped)
    for d in corrections.drops:
        keep = []
        gone = 0
        for pl in places:
            hit = (d.geonameid is not None and pl.candidate is not None and pl.candidate.geonameid == d.geonameid) or \
                  (d.name is not None and _key(pl.name) == _key(d.name))
            if hit:
                gone += len(pl.mentions)
            else:
                keep.append(pl)
        places = keep
        n = by_name.get(d, 0) + gone
        log.append(Change(d.where, "dropped" if n else "unused", d.name or str(d.geonameid),
                          f"dropped {d.what} ({_counted(n)})" if n
                          else f"drop of {d.what}: no such place or name in the article", warning=not n))
    return places, log


def _pin_report(places: Sequence[Place], pins: PinnedPlaces) -> list[Change]:
    log = []
    for p, cand, from_add in pins.pinned:
        keys = {_key(x) for x in p.names}
        n = sum(len(pl.mentions) for pl in places if pl.candidate is not None and pl.candidate.key == cand.key
                and any(_key(m.query) in keys or _key(m.text) in keys for m in pl.mentions))
        verb = "added" if from_add else "pinned"
        log.append(Change(p.where, verb if n else "unused", p.name,
                          f"{verb} {p.name!r} at {_describe(cand)} ({_counted(n)})" if n
                          else f"{p.name!r} does not occur in the article{'' if from_add else ' as a place'}",
                          warning=not n))
    return log


def finish_places(corrections: Corrections, places: list[Place], edits: MentionEdits,
                  pins: PinnedPlaces) -> tuple[list[Place], list[Change]]:
    """The places without the dropped ones, and every entry's change, in file and line order."""
    log = [Change(a.where, "added" if n else "unused", a.name,
                  f"added {a.name!r} ({_counted(n)})" if n else f"{a.name!r} does not occur in the article",
                  warning=not n) for a, n in edits.added if a.pin is None]
    log.extend(pins.problems)
    places, dropped = _drop_places(corrections, places, edits)
    log.extend(dropped)
    log.extend(_pin_report(places, pins))

    log.sort(key=lambda ch: (ch.where.rsplit(":", 1)[0], int(ch.where.rsplit(":", 1)[1])
                             if ch.where.rsplit(":", 1)[-1].isdigit() else 0))
    return places, log
