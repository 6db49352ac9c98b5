"""Resolution: mentions -> places.

Every distinct name of the article gets one meaning (one sense per discourse). Candidates from
the gazetteer are ranked by what the text says, with population and feature type as priors:

* the countries (and first-level divisions) the article is about, from literal mentions and demonyms;
* containment patterns: "Marietta, Ga.", "Aleppo, Syria", "X in Y";
* distance to the other places of the article, resolved in a first pass, and to the likely
  readings of its other names ("Walker County" and "Huntsville": the pair that lie together);
* feature type: a country name is the country, a division outranks a town of the same name.

Spelling variants (Baghuz / Baghouz) that resolve to one entry, or that stay unresolved with the
same transliteration key, become one place with every mention.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from geo._text import normalize, variant_key
from geo.gazetteer import Gazetteer, Match
from geo.geocoders.base import Geocoder
from geo.calibration import calibrated
from geo.types import Alternative, Candidate, Mention, Place

__all__ = ["Resolver", "Weights"]

_DIVISION_WORDS = {"province", "governorate", "county", "district", "region", "state", "parish", "oblast",
                   "prefecture", "department"}
_QUALIFIED = re.compile(
    r"^(?:(?:north|south|east|west|central|upstate|downstate|greater|metro|metropolitan|downtown|inner|outer|"
    r"northern|southern|eastern|western|north[- ]?east(?:ern)?|north[- ]?west(?:ern)?|south[- ]?east(?:ern)?|"
    r"south[- ]?west(?:ern)?|mid)[- ])+(.+)$", re.I)
_LOCAL_KINDS = ("city", "admin2", "place")
_KIND_WORDS = r"(?:city|town|village|hamlet|township|borough|municipality|county|district|province|state|region|parish|port)"
# "City of X", "X district", "X Township" (but "X City", "X Town": capitalised, part of the name)
_AFFIX = re.compile(rf"^(?:[Tt]he\s+)?(?i:{_KIND_WORDS})\s+of\s+(?:the\s+)?|\s+{_KIND_WORDS}$"
                    r"|\s+(?:Village|Hamlet|Township|Borough|Municipality|County|District|Province|Region|Parish)$")
_CONTAINER_GAP = re.compile(r"^\s*(?:,|\bin\b(?:\s+the)?|\bof\b)\s*$", re.I)


@dataclass(frozen=True)
class Weights:
    """The resolver's knobs, in score units (a candidate's score is the sum of its features)."""

    population: float = 0.12  # per decade of population
    kind: tuple = (("country", 1.4), ("continent", 1.2), ("admin1", 0.7), ("admin2", 0.3), ("city", 0.0),
                   ("place", 0.0))
    primary_name: float = 0.4
    country_context: float = 1.2
    admin1_context: float = 0.8
    container: float = 2.5
    sentence_container: float = 1.2
    near_100km: float = 0.9
    near_500km: float = 0.4
    namesake_50km: float = 1.1  # per other name with a candidate this close (times that candidate's probability)
    namesake_120km: float = 0.4
    namesakes_max: float = 2.0
    user_source: float = 0.5


_DIVISION_BEFORE = re.compile(r"\b(?:state|province|governorate|county|region|department|district|oblast|prefecture)"
                              r"\s+of\s+(?:the\s+)?$", re.I)


def _names_a_division(m: Mention) -> bool:
    """"Raqqa province", "the U.S. state of New York": the text says the name is a division."""
    if m.text.split()[-1].lower() in _DIVISION_WORDS:
        return True
    offset = m.start - m.sentence_start
    return bool(_DIVISION_BEFORE.search(m.sentence[max(0, offset - 24):max(0, offset)]))


def _haversine(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180.0
    a = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


_ALTERNATIVES = 4  # other readings kept per place


def _alternatives(g: "_Group", chosen: Candidate | None) -> tuple[Alternative, ...]:
    """The best other readings of the group (its last pass's probabilities), never the chosen one."""
    out: list[Alternative] = []
    seen = {chosen.key} if chosen is not None else set()
    for c, p in g.probs:
        if c.key not in seen and len(out) < _ALTERNATIVES:
            seen.add(c.key)
            out.append(Alternative(c, round(min(max(p, 0.0), 1.0), 3)))
    return tuple(out)


@dataclass
class _Group:
    """All mentions of one name (or of one country, for demonyms)."""

    key: str
    query: str
    mentions: list[Mention]
    matches: tuple[Match, ...] = ()
    choice: Candidate | None = None
    confidence: float = 0.0
    own_country: tuple[str | None, float] = (None, 0.0)  # what this group itself adds to the context
    probs: tuple[tuple[Candidate, float], ...] = ()  # each candidate's probability after a pass
    names_a_country: bool = False  # the name is a country's own name ("Mexico", "Lebanon")


class Resolver:
    """Chooses one gazetteer entry per distinct name of an article."""

    def __init__(self, gazetteer: Gazetteer, *, fallbacks: Sequence[Geocoder] = (), weights: Weights | None = None):
        self.gazetteer = gazetteer
        self.fallbacks = tuple(fallbacks)
        self.w = weights or Weights()
        self._kind_bonus = dict(self.w.kind)

    # -- public -----------------------------------------------------------------------------
    def resolve(self, mentions: Sequence[Mention], text: str = "") -> list[Place]:
        groups = self._group(mentions)
        countries, admin1s = self._document_context(groups)
        by_start = {m.start: g for g in groups.values() for m in g.mentions}
        ordered = sorted(mentions, key=lambda m: m.start)
        containers = self._containers(ordered, by_start, text)
        self._contained: dict[str, list[_Group]] = defaultdict(list)
        for inner_key, outers in containers.items():
            for og in outers:
                self._contained[og.key].append(groups[inner_key])
        self._in_sentence = self._sentence_containers(ordered, by_start, text) if text else {}
        self._cells: dict = {}

        # Pass 1: priors and the document's countries; pass 2: add containment, proximity to pass 1's
        # confident choices and to the other names' likely namesakes.
        for g in groups.values():
            self._choose(g, countries, admin1s, containers.get(g.key, ()), anchors=())
        anchors = [g.choice for g in groups.values() if g.choice is not None and g.confidence >= 0.6]
        self._cells = self._local_cells(groups)
        for g in groups.values():
            if g.matches:
                own = [a for a in anchors if a is not g.choice]
                c2, a2 = self._first_pass_context(groups, g, countries, admin1s)
                self._choose(g, c2, a2, containers.get(g.key, ()), anchors=own)
        self._fallback(groups, countries)
        return self._places(groups)

    # -- grouping and context ---------------------------------------------------------------
    def _group(self, mentions: Sequence[Mention]) -> dict[str, _Group]:
        groups: dict[str, _Group] = {}
        for m in mentions:
            if m.kind == "adjectival" and m.country_hint:
                key = f"country:{m.country_hint}"
                query = m.country_hint
            else:
                query = m.query
                key = normalize(query)
                if key.startswith("the "):
                    key = key[4:]
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(key=key, query=query, mentions=[])
            g.mentions.append(m)
        for g in groups.values():
            if g.key.startswith("country:"):
                info = self.gazetteer.country(g.query)
                g.matches = (Match(info.candidate, True),) if info else ()
            else:
                g.matches = self.gazetteer.lookup(g.query)
                if not g.matches and (m := _QUALIFIED.match(g.query)):
                    # "North Texas", "Northern California", "Greater Manchester": the region named
                    g.matches = self.gazetteer.lookup(m.group(1))
                if not g.matches:
                    g.matches = self._region_of_divisions(g.query)
                if not g.matches and (bare := _AFFIX.sub("", g.query)) != g.query and len(bare) > 2:
                    # "the City of Alhambra", "Mansa district", "Henderson village": the place is named
                    # without the word for its kind
                    g.matches = self.gazetteer.lookup(bare)
            g.names_a_country = any(m.primary and m.candidate.kind in ("country", "continent") for m in g.matches)
        return groups

    def _region_of_divisions(self, name: str) -> tuple[Match, ...]:
        """"Darfur": a region split into divisions of one country ("North Darfur", "South Darfur", …)
        is placed at the middle of those divisions."""
        divs = self.gazetteer.divisions_named(name)
        if len(divs) < 2 or len({d.country_code for d in divs}) != 1:
            return ()
        lat = sum(d.lat for d in divs) / len(divs)
        lon = sum(d.lon for d in divs) / len(divs)
        region = Candidate(geonameid=None, name=name, kind="place", lat=lat, lon=lon, country_code=divs[0].country_code,
                           population=sum(d.population for d in divs), source="gazetteer",
                           raw={"divisions": [d.name for d in divs]})
        return (Match(region, True),)

    def _document_context(self, groups: dict[str, _Group]) -> tuple[Counter, Counter]:
        """Weights of the countries and divisions the article names unambiguously (or by demonym)."""
        countries: Counter = Counter()
        admin1s: Counter = Counter()
        for g in groups.values():
            kinds = {m.candidate.kind for m in g.matches}
            n = len(g.mentions)
            if g.key.startswith("country:"):
                g.own_country = (g.query, 0.5 * n)
            elif (ctry := [m.candidate for m in g.matches if m.candidate.kind == "country"]) and (
                    len(g.matches) == 1 or any(m.primary for m in g.matches if m.candidate.kind == "country")):
                g.own_country = (ctry[0].country_code, float(n))
            elif kinds == {"admin1"} or (len(g.matches) <= 3 and g.matches and g.matches[0].candidate.kind == "admin1"):
                a = g.matches[0].candidate
                admin1s[(a.raw or {}).get("pid")] += n
                g.own_country = (a.country_code, 0.5 * n)
            elif kinds == {"admin2"} and len(states := {self.gazetteer.admin1_of(m.candidate) for m in g.matches}) == 1:
                # a county name only one state has ("Laurel County"): the article is in that state
                state = states.pop()
                if state is not None:
                    admin1s[(state.raw or {}).get("pid")] += 0.5 * n
                g.own_country = (g.matches[0].candidate.country_code, 0.5 * n)
            elif len({m.candidate.country_code for m in g.matches}) == 1 and g.matches:
                g.own_country = (g.matches[0].candidate.country_code, 0.5 * n)
            if g.own_country[0]:
                countries[g.own_country[0]] += g.own_country[1]
        return countries, admin1s

    def _first_pass_context(self, groups: dict[str, _Group], g: _Group, countries: Counter,
                            admin1s: Counter) -> tuple[Counter, Counter]:
        """The document context with the other names' first-pass choices added (weighted by confidence)."""
        c2, a2 = Counter(countries), Counter(admin1s)
        for other in groups.values():
            ch = other.choice
            if other is g or ch is None or ch.kind in ("country", "continent") or other.key.startswith("country:"):
                continue
            if ch.country_code:
                c2[ch.country_code] += 0.5 * other.confidence * len(other.mentions)
            if ch.kind in ("city", "admin2"):
                a = self.gazetteer.admin1_of(ch)
                if a is not None:
                    a2[(a.raw or {}).get("pid")] += 0.5 * other.confidence
        return c2, a2

    @staticmethod
    def _containers(ordered: Sequence[Mention], by_start: dict, text: str) -> dict[str, list["_Group"]]:
        """For "X, Y" and "X in Y", the groups Y that may contain the group of X."""
        out: dict[str, list[_Group]] = defaultdict(list)
        if not text:
            return out
        for a, b in zip(ordered, ordered[1:]):
            if b.start - a.end > 12 or not _CONTAINER_GAP.match(text[a.end:b.start]):
                continue
            ga, gb = by_start[a.start], by_start[b.start]
            if ga is not gb:
                out[ga.key].append(gb)
        return out

    @staticmethod
    def _sentence_containers(ordered: Sequence[Mention], by_start: dict, text: str) -> dict[str, list["_Group"]]:
        """Later names of the same sentence after "in", "of" or a comma ("X is a town in Y County, Z")."""
        found: dict[str, dict[int, _Group]] = defaultdict(dict)  # each container once, in order
        after_word = [text[max(0, m.start - 8):m.start].lower().endswith((" in ", " of ", ", ", "in the "))
                      for m in ordered]
        for i, a in enumerate(ordered):
            ga = by_start[a.start]
            into = found[ga.key]
            for j in range(i + 1, len(ordered)):
                b = ordered[j]
                if b.sentence_start != a.sentence_start:
                    break
                if after_word[j] and (gb := by_start[b.start]) is not ga:
                    into.setdefault(id(gb), gb)
        return defaultdict(list, {k: list(v.values()) for k, v in found.items() if v})

    @staticmethod
    def _local_cells(groups: dict[str, _Group]) -> dict[tuple[int, int], list[tuple[str, float, float, float]]]:
        """The local candidates (towns, counties) of every name after pass 1, by 1-degree cell, each
        weighted by how likely pass 1 found it next to the name's best reading (1 for the best)."""
        cells: dict[tuple[int, int], list[tuple[str, float, float, float]]] = defaultdict(list)
        for g in groups.values():
            if not g.probs:
                continue
            top = g.probs[0][1]
            local = [(c, p / top) for c, p in g.probs if c.kind in _LOCAL_KINDS]
            if len(local) > 60:  # "Springfield", "Franklin": says nothing about where
                continue
            for c, p in local:
                cells[(math.floor(c.lat), math.floor(c.lon))].append((g.key, c.lat, c.lon, p))
        return cells

    def _namesakes_near(self, c: Candidate, g: _Group) -> float:
        """"Walker County" and "Huntsville": of all their namesakes, the pair that lie together.

        The support a candidate gets from the article's other local names that have a candidate
        near it, whichever candidate those names end up with.
        """
        best: dict[str, float] = {}
        la, lo = math.floor(c.lat), math.floor(c.lon)
        w = self.w
        for dla in (-1, 0, 1):
            for dlo in (-1, 0, 1):
                for key, lat, lon, weight in self._cells.get((la + dla, lo + dlo), ()):
                    if key == g.key:
                        continue
                    d = _haversine(c.lat, c.lon, lat, lon)
                    v = weight * (w.namesake_50km if d < 50 else (w.namesake_120km if d < 120 else 0.0))
                    if v > best.get(key, 0.0):
                        best[key] = v
        return min(w.namesakes_max, sum(best.values()))

    # -- scoring ------------------------------------------------------------------------------
    def _contains(self, outer: Candidate, inner: Candidate) -> bool:
        if outer.kind == "country":
            return inner.country_code == outer.country_code and inner.kind != "country"
        if outer.kind == "admin2" and inner.kind == "city":
            # a county holds the places near its reference point, in its state
            return (inner.country_code == outer.country_code and inner.admin1_code == outer.admin1_code
                    and _haversine(outer.lat, outer.lon, inner.lat, inner.lon) < 80)
        if outer.kind == "admin1" and inner.kind in ("city", "admin2") and inner.country_code == outer.country_code:
            codes = self.gazetteer.admin1_codes(outer)
            if codes:
                return inner.admin1_code is not None and inner.admin1_code in codes
            # a division without a GeoNames code: near its centre counts as inside
            return _haversine(outer.lat, outer.lon, inner.lat, inner.lon) < 120
        if outer.kind == "continent" and inner.kind == "country":
            info = self.gazetteer.country(inner.country_code)
            return bool(info and info.continent == outer.admin1_code)
        return False

    def _score(self, c: Candidate, primary: bool, g: _Group, countries: Counter, admin1s: Counter,
               containers: Sequence[_Group], anchors: Sequence[Candidate]) -> float:
        w = self.w
        s = w.population * math.log10(c.population + 1) + self._kind_bonus.get(c.kind, 0.0)
        if primary:
            s += w.primary_name
        own = g.own_country[1] if g.own_country[0] == c.country_code else 0.0
        total = sum(countries.values()) or 1.0
        if c.country_code and c.kind != "continent":
            share = max(0.0, countries.get(c.country_code, 0) - own) / total
            s += w.country_context * min(1.0, 2 * share)
        if c.kind in ("city", "admin2") and admin1s:
            a = self.gazetteer.admin1_of(c)
            if a is not None and (a.raw or {}).get("pid") in admin1s:
                # a division the text names outright counts fully; one guessed in pass 1 by its weight
                s += w.admin1_context * min(1.0, admin1s[(a.raw or {}).get("pid")])
        elif c.kind == "admin1" and admin1s.get((c.raw or {}).get("pid"), 0) > 0:
            s += w.admin1_context  # places of the article lie in this division
        for cg in containers:
            outers = [cg.choice] if cg.choice is not None else [m.candidate for m in cg.matches]
            if any(self._contains(o, c) for o in outers):
                s += w.container
                break
        else:
            best = 0.0
            for cg in self._in_sentence.get(g.key, ()):
                outers = [cg.choice] if cg.choice is not None else [m.candidate for m in cg.matches]
                for o in outers:
                    if self._contains(o, c):
                        # a country contains every namesake; only a division tells them apart
                        best = max(best, w.sentence_container * (0.25 if o.kind == "country" else 1.0))
            s += best
        for ig in self._contained.get(g.key, ()):
            # "Goma, Congo": the Congo that contains Goma
            inners = [ig.choice] if ig.choice is not None else [m.candidate for m in ig.matches]
            if any(self._contains(c, i) for i in inners):
                s += w.container / 2
                break
        near = 0.0
        if anchors and c.kind in ("city", "admin2", "admin1", "place"):
            d = min(_haversine(c.lat, c.lon, a.lat, a.lon) for a in anchors)
            near = w.near_100km if d < 100 else (w.near_500km if d < 500 else 0.0)
        if c.kind in _LOCAL_KINDS and self._cells and not g.names_a_country:
            # the same neighbours, counted once: confident choices or likely namesakes
            near = max(near, self._namesakes_near(c, g))
        s += near
        if c.source == "user":
            s += w.user_source
        return s

    def _city_of_division(self, c: Candidate, g: _Group) -> bool:
        """A division named after its large city ("Paris", "Aleppo"): the name means the city."""
        if c.kind != "admin1" or any(_names_a_division(m) for m in g.mentions):
            return False
        return any(m.candidate.kind == "city" and m.candidate.country_code == c.country_code
                   and m.candidate.population >= 0.1 * c.population for m in g.matches)

    def _choose(self, g: _Group, countries, admin1s, containers, anchors) -> None:
        if not g.matches:
            return
        scored = sorted(((self._score(m.candidate, m.primary, g, countries, admin1s, containers, anchors)
                          - (self._kind_bonus["admin1"] + self.w.primary_name + 0.3
                             if self._city_of_division(m.candidate, g) else 0.0),
                          i, m.candidate)
                         for i, m in enumerate(g.matches)), key=lambda t: (-t[0], t[1]))
        best = scored[0][0]
        z = sum(math.exp(2.0 * (s - best)) for s, _, _ in scored)
        g.probs = tuple((c, math.exp(2.0 * (s - best)) / z) for s, _, c in scored)
        choice = scored[0][2]
        own = g.own_country[1] if g.own_country[0] == choice.country_code else 0.0
        if (choice.kind == "city" and choice.population < 10_000 and sum(countries.values()) - own >= 2
                and countries.get(choice.country_code, 0) - own <= 0):
            # A village abroad that nothing else in the article points to: better unplaced than misplaced.
            g.choice, g.confidence = None, 0.0
            return
        g.choice = choice
        g.confidence = round(1.0 / z, 3)

    def _fallback(self, groups: dict[str, _Group], countries: Counter) -> None:
        """Ask the fallback geocoders (online services, dumps) for the names still unresolved.

        Spelling variants of a name are asked once (most mentioned form first). A geocoder that
        fails is not asked again for this article: a GeocoderWarning names what it left unresolved.
        """
        if not self.fallbacks:
            return
        import warnings

        from geo.errors import GeocoderError
        from geo.geocoders.base import GeocoderWarning

        hint = [cc for cc, _ in countries.most_common(3) if cc]
        pending: dict[str, list[_Group]] = {}
        for g in groups.values():
            if g.choice is None and not g.key.startswith("country:"):
                pending.setdefault(variant_key(g.query), []).append(g)
        failed: dict[int, tuple[GeocoderError, list[list[_Group]]]] = {}
        for variants in pending.values():
            variants.sort(key=lambda g: -len(g.mentions))
            found: list[Candidate] = []
            for geocoder in self.fallbacks:
                if id(geocoder) in failed:
                    failed[id(geocoder)][1].append(variants)
                    continue
                for g in variants:
                    try:
                        found = geocoder.candidates(g.query, countries=hint)
                    except GeocoderError as exc:
                        failed[id(geocoder)] = (exc, [variants])
                        found = []
                        break
                    if found:
                        break
                if found:
                    break
            for g in variants:
                if found:
                    g.choice, g.confidence = found[0], 0.5
        for exc, skipped in failed.values():
            names = [vs[0].query for vs in skipped if vs[0].choice is None]
            if names:
                listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
                warnings.warn(f"{exc}; left unresolved: {listed}", GeocoderWarning, stacklevel=4)

    # -- places -------------------------------------------------------------------------------
    def _places(self, groups: dict[str, _Group]) -> list[Place]:
        merged: dict[str, list[_Group]] = {}
        unresolved_by_variant: dict[str, str] = {}
        for g in groups.values():
            if g.choice is not None:
                merged.setdefault(f"c:{g.choice.key}", []).append(g)
        resolved_variants = {}
        for key, gs in merged.items():
            for g in gs:
                resolved_variants.setdefault(variant_key(g.query), key)
        for g in groups.values():
            if g.choice is not None:
                continue
            vk = variant_key(g.query)
            target = resolved_variants.get(vk) or unresolved_by_variant.get(vk)
            if target is None:
                target = unresolved_by_variant[vk] = f"u:{vk}"
            merged.setdefault(target, []).append(g)
        places = []
        for key, gs in merged.items():
            mentions = tuple(sorted((m for g in gs for m in g.mentions), key=lambda m: m.start))
            chosen = next((g for g in gs if g.choice is not None), None)
            if chosen is not None:
                c = chosen.choice
                info = self.gazetteer.country(c.country_code)
                conf = max(g.confidence for g in gs if g.choice is not None)
                if c.source not in ("correction", "user") and "correction" not in (c.raw or {}):
                    conf = calibrated(conf, c.kind, c.population)
                places.append(Place(name=c.name, mentions=mentions, candidate=c, confidence=conf,
                                    country_name=info.name if info else None,
                                    alternatives=_alternatives(chosen, c)))
            else:
                forms = Counter(m.text for m in mentions if m.kind == "literal") or Counter(m.text for m in mentions)
                name = sorted(forms.items(), key=lambda kv: (-kv[1], mentions.index(next(m for m in mentions if m.text == kv[0]))))[0][0]
                places.append(Place(name=name, mentions=mentions, candidate=None, confidence=0.0,
                                    alternatives=_alternatives(max(gs, key=lambda g: len(g.probs)), None)))
        places.sort(key=lambda p: p.mentions[0].start)
        return places
