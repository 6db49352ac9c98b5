"""Resolution: mentions -> places.

Every distinct name of the article gets one meaning (one sense per discourse). Candidates from
the gazetteer are ranked by what the text says, with population and feature type as priors:

* the countries (and first-level divisions) the article is about, from literal mentions and demonyms;
* containment patterns: "Marietta, Ga.", "Aleppo, Syria", "X in Y";
* distance to the other places of the article, resolved in a first pass, and to the likely
  readings of its other names ("Walker County" and "Huntsville": the pair that lie together);
* feature type: a country name is the country, a division outranks a town of the same name;
* physical and regional features (:mod:`geo._features_resolve`): a name the text calls a river,
  a sea, a range … is one of those, never a town; a place on or in a feature the article names
  ("Odesa" and the Black Sea) is preferred; a feature is placed where it is nearest to the
  article's other places.

Spelling variants (Baghuz / Baghouz) that resolve to one entry, or that stay unresolved with the
same transliteration key, become one place with every mention (:mod:`geo._resolve_places`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Sequence

from geo._distance import KM_PER_DEGREE_AT_LEAST, cos_lat, haversine_cos_km
from geo._distance import haversine_km as _haversine
from geo._features_resolve import ArticleFeatures, feature_point, feature_score, restrict
from geo._nearby import Anchors, Shares
from geo._resolve_context import (
    FEATURE_SET,
    LOCAL_KINDS,
    Article,
    Group,
    Pass,
    document_context,
    local_cells,
    readings,
    sentence_containers,
)
from geo._resolve_context import containers as find_containers
from geo._resolve_places import places_of
from geo.gazetteer import Gazetteer
from geo.types import Candidate, Match, Mention, Place

if TYPE_CHECKING:  # pragma: no cover
    from geo.candidates import Fallback, Name

__all__ = ["Resolver", "Weights"]

#: the kinds of the tests of every candidate, as sets: a set answers "in" in one hash look-up (a kind read from
#: the file is a string of its own, compared to each member of a tuple in turn)
_TOWNS = frozenset({"city", "admin2"})
_NEAR_KINDS = frozenset({"city", "admin2", "admin1", "place"})

_DIVISION_WORDS = {"province", "governorate", "county", "district", "region", "state", "parish", "oblast",
                   "prefecture", "department"}


@dataclass(frozen=True)
class Weights:
    """The resolver's knobs, in score units (a candidate's score is the sum of its features)."""

    population: float = 0.12  # per decade of population
    kind: tuple = (("country", 1.4), ("continent", 1.2), ("admin1", 0.7), ("admin2", 0.3), ("city", 0.0),
                   ("place", 0.0), ("sea", 0.9), ("river", 0.0), ("lake", 0.5), ("range", 0.6), ("mountain", 0.3),
                   ("desert", 0.6), ("island", 0.3), ("region", 0.6))
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
    feature_size: float = 0.15  # per decade of a feature's size (km of a river, square root of an area)
    feature_article: float = 0.6  # "the Danube", "the Andes": how English names rivers, seas, ranges
    feature_named: float = 2.0  # another name of the article was resolved to this feature ("the Scioto River")
    feature_on: float = 2.0  # a place in or on a feature the article names ("Odesa" and the Black Sea)


_DIVISION_BEFORE = re.compile(r"\b(?:state|province|governorate|county|region|department|district|oblast|prefecture)"
                              r"\s+of\s+(?:the\s+)?$", re.I)


def _names_a_division(m: Mention) -> bool:
    """"Raqqa province", "the U.S. state of New York": the text says the name is a division."""
    if m.text.split()[-1].lower() in _DIVISION_WORDS:
        return True
    offset = m.start - m.sentence_start
    return bool(_DIVISION_BEFORE.search(m.sentence[max(0, offset - 24):max(0, offset)]))


def _place_features(art: Article) -> None:
    """Each feature chosen is placed at its point nearest to the article's other places."""
    others = [g.choice for g in art.groups.values() if g.choice is not None
              and g.choice.kind not in FEATURE_SET and g.choice.kind not in ("country", "continent")]
    for g in art.groups.values():
        if g.choice is not None and g.choice.fid is not None:
            g.choice = feature_point(art.features, g.choice, others)


def _abroad_codes(art: Article, choice: Candidate) -> tuple[tuple[str, ...], float] | None:
    """For a reading that may lie abroad (a village, a river, a lake …), its countries and the weight
    of other countries that makes it so; None for the others (a sea, a range, a region is named
    from abroad too: "the Black Sea", "Darfur"; a town, a division, a country is kept)."""
    if choice.kind in FEATURE_SET:
        f = art.features.feature(choice)
        codes = f.countries if f is not None else ((choice.country_code,) if choice.country_code else ())
        if choice.kind not in ("river", "lake", "mountain", "island") or not codes or (f and f.size_km > 500):
            return None
        return codes, 1.0  # a small river of a country the article never names is another river
    if choice.kind == "city" and choice.population < 10_000:
        return (choice.country_code or "",), 2.0
    return None


def _abroad(art: Article, choice: Candidate, g: Group, countries: Counter) -> bool:
    """A village (or a river, a lake …) in a country the article says nothing of, while it
    names others."""
    found = _abroad_codes(art, choice)
    if found is None:
        return False
    codes, enough = found
    own = g.own_country[1] if g.own_country[0] in codes else 0.0
    return sum(countries.values()) - own >= enough and all(countries.get(cc, 0) - own <= 0 for cc in codes)


def _city_of_division(c: Candidate, g: Group) -> bool:
    """A division named after its large city ("Paris", "Aleppo"): the name means the city (unless
    the text says it is the division, :func:`_names_a_division`)."""
    return c.kind == "admin1" and any(m.candidate.kind == "city" and m.candidate.country_code == c.country_code
                                      and m.candidate.population >= 0.1 * c.population for m in g.matches)


#: the kinds of place :meth:`Resolver._contains` finds other places in
_CONTAINING_KINDS = frozenset({"country", "admin2", "admin1", "continent"})


def _containing(groups: Sequence[Group]) -> list[list[Candidate]]:
    """Of each group, the readings that may contain a place (:meth:`Resolver._contains` finds none
    in the others), for the groups that have some."""
    return [outers for cg in groups if (outers := [o for o in readings(cg) if o.kind in _CONTAINING_KINDS])]


class Resolver:
    """Chooses one entry per distinct name of an article. Re-entrant: what it learns of an
    article lives in an :class:`Article` built by :meth:`resolve`, so one Resolver may resolve
    many articles at once, in several threads."""

    def __init__(self, gazetteer: Gazetteer, *, weights: Weights | None = None):
        self.gazetteer = gazetteer
        self.w = weights or Weights()
        self._kind_bonus = dict(self.w.kind)
        self._city_penalty = self._kind_bonus["admin1"] + self.w.primary_name + 0.3

    # -- public -----------------------------------------------------------------------------
    def resolve(self, names: Sequence[Name], text: str = "", fallback: Fallback | None = None) -> list[Place]:
        """The places of an article from its names and their candidates (:mod:`geo.candidates`);
        ``fallback`` is asked for the names that stay unresolved."""
        from geo.gazetteer._features import feature_index

        groups = {n.key: self._group(n) for n in names}
        art = Article(groups, text, features=ArticleFeatures(feature_index(self.gazetteer)))
        countries, admin1s = document_context(self.gazetteer, groups)
        by_start = {m.start: g for g in groups.values() for m in g.mentions}
        ordered = sorted((m for g in groups.values() for m in g.mentions), key=lambda m: m.start)
        containers = find_containers(ordered, by_start, text)
        for inner_key, outers in containers.items():
            for og in outers:
                art.contained[og.key].append(groups[inner_key])
        art.in_sentence = sentence_containers(ordered, by_start, text) if text else {}

        # Pass 1: priors and the document's countries; pass 2: add containment, proximity to pass 1's
        # confident choices and to the other names' likely namesakes.
        for g in groups.values():
            self._choose(art, g, countries, admin1s, containers.get(g.key, ()), anchors=(), final=False)
        anchors = [g.choice for g in groups.values() if g.choice is not None and g.confidence >= 0.6]
        art.cells = local_cells(groups)
        art.features.note((g.key, g.choice) for g in groups.values())
        grid, shares = Anchors.grid(anchors), Shares(self.gazetteer, groups)  # no scan of every name per name
        for g in groups.values():
            if len(g.matches) == 1 and _abroad_codes(art, g.matches[0].candidate) is None:
                continue  # one reading, never left abroad: pass 1 chose it for good (probability 1)
            if g.matches:
                own = Anchors(anchors, grid, without=g.choice)
                c2, a2 = shares.context(g, countries, admin1s)  # the first pass's choices (and pass 2's so far)
                self._choose(art, g, c2, a2, containers.get(g.key, ()), anchors=own)
                shares.update(g)
        _place_features(art)
        if fallback:
            self._fallback(groups, countries, fallback)
        return places_of(self.gazetteer, groups)

    # -- grouping and context ---------------------------------------------------------------
    def _group(self, name: Name) -> Group:
        g = Group(key=name.key, query=name.query, mentions=list(name.mentions),
                  matches=restrict(name.matches, name.mentions, name.kinds or None))
        w, bonus = self.w, self._kind_bonus
        priors = []
        divisions = False  # a first-level division among the candidates
        for m in g.matches:  # (one loop for the priors and the kinds of the candidates)
            c = m.candidate
            kind = c.kind
            s = 0.0
            if kind not in FEATURE_SET:  # (a feature's score is feature_score's)
                s = w.population * math.log10(c.population + 1) + bonus.get(kind, 0.0)
                if m.primary:
                    s += w.primary_name
            priors.append(s)
            if kind == "admin1":
                divisions = True
                g.names_a_division = g.names_a_division or m.primary
            elif m.primary and kind in ("country", "continent"):
                g.names_a_country = True
        g.priors = tuple(priors)
        if divisions and not any(_names_a_division(m) for m in g.mentions):  # "Raqqa province": the division
            g.penalties = tuple(self._city_penalty if _city_of_division(m.candidate, g) else 0.0 for m in g.matches)
        else:
            g.penalties = (0.0,) * len(g.matches)
        return g

    def _namesakes_near(self, art: Article, c: Candidate, g: Group) -> float:
        """"Walker County" and "Huntsville": of all their namesakes, the pair that lie together.

        The support a candidate gets from the article's other local names that have a candidate
        near it, whichever candidate those names end up with.
        """
        best: dict[str, float] = {}
        la, lo = math.floor(c.lat), math.floor(c.lon)
        w = self.w
        cos1, own = cos_lat(c.lat), g.key
        for dla in (-1, 0, 1):
            for dlo in (-1, 0, 1):
                for key, lat, lon, cos2, weight in art.cells.get((la + dla, lo + dlo), ()):
                    if key == own or abs(lat - c.lat) * KM_PER_DEGREE_AT_LEAST > 120:
                        continue  # (farther than 120 km in latitude alone: no support)
                    d = haversine_cos_km(c.lat, c.lon, cos1, lat, lon, cos2)
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

    def _score(self, art: Article, i: int, m: Match, g: Group, p: Pass) -> float:
        """The score of ``g``'s ``i``-th candidate ``m`` in a pass: its priors (``g.priors``) and what
        the pass knows of the article."""
        w, c = self.w, m.candidate
        if c.kind in FEATURE_SET:
            return feature_score(w, art.features, c, m.primary, g, p.countries, p.anchors)
        s = g.priors[i]
        if c.country_code and c.kind != "continent":
            own = g.own_country[1] if g.own_country[0] == c.country_code else 0.0
            share = max(0.0, p.countries.get(c.country_code, 0) - own) / p.total
            s += w.country_context * min(1.0, 2 * share)
        admin1s = p.admin1s
        if c.kind in _TOWNS and admin1s:
            a = g.divisions[i]  # type: ignore[index]  # (asked in _choose when admin1s is not empty)
            if a is not None and a in admin1s:
                # a division the text names outright counts fully; one guessed in pass 1 by its weight
                s += w.admin1_context * min(1.0, admin1s[a])
        elif c.kind == "admin1" and admin1s.get(c.pid, 0) > 0:
            s += w.admin1_context  # places of the article lie in this division
        if p.beside or p.later:
            s += self._container_bonus(c, p)
        if art.features.chosen and c.kind == "city" and not (g.names_a_division or g.names_a_country):
            s += w.feature_on * art.features.on_a_feature(c, g.key)
        for inners in p.inside if c.kind in _CONTAINING_KINDS else ():
            # "Goma, Congo": the Congo that contains Goma
            if any(self._contains(c, x) for x in inners):
                s += w.container / 2
                break
        near = 0.0
        if p.anchors and c.kind in _NEAR_KINDS:
            d = p.anchors.nearest_km(c.lat, c.lon, 100.0)  # type: ignore[attr-defined]  # pass 2's Anchors
            near = w.near_100km if d < 100 else (w.near_500km if d < 500 else 0.0)
        if c.kind in LOCAL_KINDS and art.cells and not g.names_a_country:
            # the same neighbours, counted once: confident choices or likely namesakes
            near = max(near, self._namesakes_near(art, c, g))
        s += near
        if c.source == "user":
            s += w.user_source
        return s

    def _container_bonus(self, c: Candidate, p: Pass) -> float:
        """"Marietta, Ga.", "X in Y": a name next to it that contains the candidate; else a later
        name of the sentence that does."""
        for outers in p.beside:
            if any(self._contains(o, c) for o in outers):
                return self.w.container
        best = 0.0
        for outers in p.later:
            for o in outers:
                if self._contains(o, c):
                    # a country contains every namesake; only a division tells them apart
                    best = max(best, self.w.sentence_container * (0.25 if o.kind == "country" else 1.0))
        return best

    def _pass(self, art: Article, g: Group, countries: Counter, admin1s: Counter, containers: Sequence[Group],
              anchors: Sequence[Candidate]) -> Pass:
        """What a pass scores ``g``'s candidates against (their divisions asked once, when needed)."""
        if admin1s and g.divisions is None:
            g.divisions = tuple(self.gazetteer.admin1_pid(m.candidate) for m in g.matches)
        return Pass(countries, admin1s, sum(countries.values()) or 1.0, anchors, _containing(containers),
                    _containing(art.in_sentence.get(g.key, ())), [readings(ig) for ig in art.contained.get(g.key, ())])

    def _choose(self, art: Article, g: Group, countries: Counter, admin1s: Counter,
                containers: Sequence[Group], anchors: Sequence[Candidate], final: bool = True) -> None:
        """``g``'s choice, confidence and probabilities; its ranked readings in the ``final`` pass."""
        if not g.matches:
            return
        if len(g.matches) == 1:
            self._choose_only(art, g, countries, admin1s, containers, anchors, final)
            return
        p = self._pass(art, g, countries, admin1s, containers, anchors)
        penalties = g.penalties
        scored = sorted([(self._score(art, i, m, g, p) - penalties[i], m.candidate) for i, m in enumerate(g.matches)],
                        key=itemgetter(0), reverse=True)  # (stable: ties keep the order of the candidates)
        best = scored[0][0]
        weights = [math.exp(2.0 * (s - best)) for s, _ in scored]
        z = sum(weights)
        g.probs = tuple((c, e / z) for (_, c), e in zip(scored, weights))
        if final:
            g.ranked = tuple((c, sc, pr) for (sc, c), (_, pr) in zip(scored, g.probs))
        choice = scored[0][1]
        if _abroad(art, choice, g, countries):
            # A village abroad that nothing else in the article points to: better unplaced than misplaced.
            g.choice, g.confidence = None, 0.0
            return
        g.choice = choice
        g.confidence = round(1.0 / z, 3)

    def _choose_only(self, art: Article, g: Group, countries: Counter, admin1s: Counter,
                     containers: Sequence[Group], anchors: Sequence[Candidate], final: bool) -> None:
        """:meth:`_choose` for a name with one reading (four names in ten): its probability is 1
        whatever its score, which is worked out only when the map shows it (left unplaced, abroad)."""
        c = g.matches[0].candidate
        g.probs = ((c, 1.0),)
        if _abroad(art, c, g, countries):
            if final:
                p = self._pass(art, g, countries, admin1s, containers, anchors)
                g.ranked = ((c, self._score(art, 0, g.matches[0], g, p) - g.penalties[0], 1.0),)
            g.choice, g.confidence = None, 0.0
            return
        if final:
            g.ranked = ()  # (what the map shows of a place is its other readings: none)
        g.choice, g.confidence = c, 1.0

    @staticmethod
    def _fallback(groups: dict[str, Group], countries: Counter, fallback: Fallback) -> None:
        """Ask the fallback source (online geocoders) for the names still unresolved."""
        hint = [cc for cc, _ in countries.most_common(3) if cc]
        pending = [(g.query, len(g.mentions)) for g in groups.values()
                   if g.choice is None and not g.key.startswith("country:")]
        found = fallback.answer(pending, hint)
        for g in groups.values():
            if g.choice is None and not g.key.startswith("country:") and g.query in found:
                g.choice, g.confidence, g.ranked = found[g.query], 0.5, ()
