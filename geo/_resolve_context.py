"""What the resolver learns of one article: its names as groups, the countries and divisions it is
about, and which names contain which ("X, Y", "X in Y", a later name of the same sentence).

Everything here is per article: built by :meth:`geo.resolve.Resolver.resolve` and passed down,
never kept on the resolver.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from geo._distance import cos_lat
from geo._features_resolve import ArticleFeatures, treated_as_feature
from geo.gazetteer import Gazetteer
from geo.types import FEATURE_KINDS, Candidate, Match, Mention

__all__ = ["Group", "Article", "Pass", "readings", "document_context", "containers", "sentence_containers",
           "local_cells", "LOCAL_KINDS", "FEATURE_SET"]

#: the kinds of places whose namesakes nearby count (a set: tested for every candidate)
LOCAL_KINDS = frozenset({"city", "admin2", "place"})
#: FEATURE_KINDS as a set ("in" a set is one hash look-up, not a comparison with each kind)
FEATURE_SET = frozenset(FEATURE_KINDS)
_CONTAINER_GAP = re.compile(r"^\s*(?:,|\bin\b(?:\s+the)?|\bof\b)\s*$", re.I)


@dataclass
class Group:
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
    names_a_division: bool = False  # ... or a first-level division's ("California", "Odesa")
    ranked: tuple[tuple[Candidate, float, float], ...] = ()  # the last pass's (candidate, score, probability), best first
    # what does not change between the passes, per match (set by the resolver when it groups the name):
    priors: tuple[float, ...] = ()  # the population, kind and name terms of a town's or a division's score
    penalties: tuple[float, ...] = ()  # what a division named after its large city loses ("Aleppo")
    divisions: tuple[int | None, ...] | None = None  # the pid of a town's first-level division, once asked


@dataclass
class Article:
    """What the resolver knows of one article while it resolves it; built in :meth:`Resolver.resolve`
    and passed down, so that one Resolver serves many articles (and threads) at once."""

    groups: dict[str, Group]
    text: str
    contained: dict[str, list[Group]] = field(default_factory=lambda: defaultdict(list))
    in_sentence: dict[str, list[Group]] = field(default_factory=dict)
    cells: dict[tuple[int, int], list[tuple[str, float, float, float, float]]] = field(default_factory=dict)
    features: ArticleFeatures = field(default_factory=lambda: ArticleFeatures(None))  # the features it names


@dataclass
class Pass:
    """What one pass scores the candidates of one name against (built per name and pass, never kept)."""

    countries: Counter
    admin1s: Counter
    total: float  # ``sum(countries.values()) or 1.0``
    anchors: Sequence[Candidate]
    beside: list[list[Candidate]]  # the readings of the names next to it that may contain it ("X, Y", "X in Y")
    later: list[list[Candidate]]  # ... of the later names of its sentence after "in", "of" or a comma
    inside: list[list[Candidate]]  # ... of the names it may contain ("Goma, Congo": Congo's)


def readings(g: Group) -> list[Candidate]:
    """A name's choice so far, else every candidate of it."""
    return [g.choice] if g.choice is not None else [m.candidate for m in g.matches]


def document_context(gazetteer: Gazetteer, groups: dict[str, Group]) -> tuple[Counter, Counter]:
    """Weights of the countries and divisions the article names unambiguously (or by demonym)."""
    countries: Counter = Counter()
    admin1s: Counter = Counter()
    for g in groups.values():
        if treated_as_feature(g.mentions, g.matches):
            continue  # "the White Nile": a river, not the division of that name
        # the features of a name say nothing of the country: a river crosses several
        matches = tuple(m for m in g.matches if m.candidate.kind not in FEATURE_SET)
        kinds = {m.candidate.kind for m in matches}
        n = len(g.mentions)
        if g.key.startswith("country:"):
            g.own_country = (g.query, 0.5 * n)
        elif (ctry := [m.candidate for m in matches if m.candidate.kind == "country"]) and (
                len(matches) == 1 or any(m.primary for m in matches if m.candidate.kind == "country")):
            g.own_country = (ctry[0].country_code, float(n))
        elif (kinds == {"admin1"} or (len(matches) <= 3 and matches and matches[0].candidate.kind == "admin1")) and not any(
                m.primary and m.candidate.kind in ("region", "desert") for m in g.matches):  # Kurdistan, the Sahel
            a = matches[0].candidate
            admin1s[a.pid] += n
            g.own_country = (a.country_code, 0.5 * n)
        elif kinds == {"admin2"} and len(states := {gazetteer.admin1_of(m.candidate) for m in matches}) == 1:
            # a county name only one state has ("Laurel County"): the article is in that state
            state = states.pop()
            if state is not None:
                admin1s[state.pid] += 0.5 * n  # type: ignore[assignment]  # weights: a Counter of floats
            g.own_country = (matches[0].candidate.country_code, 0.5 * n)
        elif len({m.candidate.country_code for m in matches}) == 1 and matches:
            g.own_country = (matches[0].candidate.country_code, 0.5 * n)
        if g.own_country[0]:
            countries[g.own_country[0]] += g.own_country[1]  # type: ignore[assignment]  # weights: a Counter of floats
    return countries, admin1s

def containers(ordered: Sequence[Mention], by_start: dict, text: str) -> dict[str, list[Group]]:
    """For "X, Y" and "X in Y", the groups Y that may contain the group of X."""
    out: dict[str, list[Group]] = defaultdict(list)
    if not text:
        return out
    for a, b in zip(ordered, ordered[1:]):
        if b.start - a.end > 12 or not _CONTAINER_GAP.match(text[a.end:b.start]):
            continue
        ga, gb = by_start[a.start], by_start[b.start]
        if ga is not gb:
            out[ga.key].append(gb)
    return out

def sentence_containers(ordered: Sequence[Mention], by_start: dict, text: str) -> dict[str, list[Group]]:
    """Later names of the same sentence after "in", "of" or a comma ("X is a town in Y County, Z")."""
    found: dict[str, dict[int, Group]] = defaultdict(dict)  # each container once, in order
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

def local_cells(groups: dict[str, Group]) -> dict[tuple[int, int], list[tuple[str, float, float, float, float]]]:
    """The local candidates (towns, counties) of every name after pass 1, by 1-degree cell, each
    weighted by how likely pass 1 found it next to the name's best reading (1 for the best):
    (group key, latitude, longitude, cosine of the latitude, weight)."""
    cells: dict[tuple[int, int], list[tuple[str, float, float, float, float]]] = defaultdict(list)
    for g in groups.values():
        if not g.probs:
            continue
        top = g.probs[0][1]
        local = [(c, p / top) for c, p in g.probs if c.kind in LOCAL_KINDS]
        if len(local) > 60:  # "Springfield", "Franklin": says nothing about where
            continue
        for c, p in local:
            cells[(math.floor(c.lat), math.floor(c.lon))].append((g.key, c.lat, c.lon, cos_lat(c.lat), p))
    return cells
