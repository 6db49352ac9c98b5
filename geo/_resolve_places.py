"""The last step of resolution: an article's resolved groups (:class:`geo._resolve_context.Group`)
-> its places.

Spelling variants (Baghuz / Baghouz) that resolve to one entry, or that stay unresolved with the
same transliteration key, become one place with every mention; a resolved place's confidence is
calibrated (:mod:`geo.calibration`); each place keeps its best few other readings for review.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence

from geo._text import variant_key
from geo.calibration import calibrated
from geo.types import Alternative, Candidate, Place

if TYPE_CHECKING:  # pragma: no cover
    from geo._resolve_context import Group
    from geo.gazetteer import Gazetteer

__all__ = ["places_of"]

_ALTERNATIVES = 4  # other readings kept per place (shown in the map for review)


def _others(ranked: Sequence[tuple[Candidate, float, float]], chosen: Candidate | None) -> tuple[Alternative, ...]:
    """The best few other readings, best first: never the chosen entry, each entry once."""
    seen = {chosen.key} if chosen is not None else set()
    fid = chosen.fid if chosen is not None else None
    out: list[Alternative] = []
    for c, score, probability in ranked:
        if len(out) == _ALTERNATIVES:
            break
        if (key := c.key) not in seen and (fid is None or c.fid != fid):
            seen.add(key)
            out.append(Alternative(c, score, probability))
    return tuple(out)


def _merged(groups: dict[str, Group]) -> list[list[Group]]:
    """The groups of each place: those resolved to one entry, and the unresolved ones joined to a
    resolved variant of their name or to each other by their variant key."""
    merged: dict[str, list[Group]] = {}
    unresolved_by_variant: dict[str, str] = {}
    for g in groups.values():
        if g.choice is not None:
            merged.setdefault(f"c:{g.choice.key}", []).append(g)
    resolved_variants: dict[str, str] = {}
    unresolved = [g for g in groups.values() if g.choice is None]
    for key, gs in merged.items() if unresolved else ():  # (no name to join to a resolved one: no keys)
        for g in gs:
            resolved_variants.setdefault(variant_key(g.query), key)
    for g in unresolved:
        vk = variant_key(g.query)
        target = resolved_variants.get(vk) or unresolved_by_variant.get(vk)
        if target is None:
            target = unresolved_by_variant[vk] = f"u:{vk}"
        merged.setdefault(target, []).append(g)
    return list(merged.values())


def places_of(gazetteer: Gazetteer, groups: dict[str, Group]) -> list[Place]:
    """The places of an article's groups after its last pass, in order of first mention."""
    places = []
    for gs in _merged(groups):
        mentions = tuple(sorted((m for g in gs for m in g.mentions), key=lambda m: m.start))
        chosen = next((g for g in gs if g.choice is not None), None)
        if chosen is not None and chosen.choice is not None:
            c = chosen.choice
            info = gazetteer.country(c.country_code)
            conf = max(g.confidence for g in gs if g.choice is not None)
            if c.source not in ("correction", "user") and "correction" not in (c.raw or {}):
                conf = calibrated(conf, c.kind, c.population)
            others = _others(chosen.ranked, c)
            places.append(Place(name=c.name, mentions=mentions, candidate=c, confidence=conf,
                                country_name=info.name if info else None, alternatives=others))
        else:
            forms = Counter(m.text for m in mentions if m.kind == "literal") or Counter(m.text for m in mentions)
            name = sorted(forms.items(), key=lambda kv: (-kv[1], mentions.index(next(m for m in mentions if m.text == kv[0]))))[0][0]
            considered = _others(next((g.ranked for g in gs if g.ranked), ()), None)
            places.append(Place(name=name, mentions=mentions, candidate=None, confidence=0.0,
                                alternatives=considered))
    places.sort(key=lambda p: p.mentions[0].start)
    return places
