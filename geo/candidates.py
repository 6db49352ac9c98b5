"""Candidate generation: every distinct name of an article -> the entries it may name.

The stage between recognition and resolution. The mentions are grouped by name (one sense per
discourse; a demonym stands for its country) and each name is looked up in the place sources,
all :class:`~geo.types.CandidateSource`: the pins of the corrections first (a pinned name gives
its pinned entry only), else the gazetteer, which answers with its own tables, the GeoNames
imports and the user's places (:meth:`geo.gazetteer.Gazetteer.lookup`), and the physical and
regional features (:class:`Features`: seas, rivers, lakes, ranges, regions). A name nothing knows is
tried again in the forms news writes it ("North Texas", "the City of Alhambra", "Mansa district",
"Darfur" for the divisions named after it). Online geocoders are the :class:`Fallback` source,
asked by the resolver only for the names still unresolved.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Mapping, Sequence

from geo._features_resolve import feature_matches, mention_kinds
from geo._text import name_key, variant_key
from geo._warnings import GeocoderWarning
from geo.errors import GeocoderError
from geo.gazetteer import Gazetteer
from geo.gazetteer._features import feature_index
from geo.geocoders.base import Geocoder
from geo.types import Candidate, Match, Mention

__all__ = ["Name", "Pins", "Features", "CandidateGenerator", "Fallback"]

_QUALIFIED = re.compile(
    r"^(?:(?:north|south|east|west|central|upstate|downstate|greater|metro|metropolitan|downtown|inner|outer|"
    r"northern|southern|eastern|western|north[- ]?east(?:ern)?|north[- ]?west(?:ern)?|south[- ]?east(?:ern)?|"
    r"south[- ]?west(?:ern)?|mid)[- ])+(.+)$", re.I)
_KIND_WORDS = r"(?:city|town|village|hamlet|township|borough|municipality|county|district|province|state|region|parish|port)"
# "City of X", "X district", "X Township" (but "X City", "X Town": capitalised, part of the name)
# "Saint Paris", "New Paris", "Fort Worth" are other places than "Paris", "Worth": an entry known
# under a name only because its own name is that name after such a word does not compete for it
_OTHER_PLACE_WORDS = re.compile(r"^(?:saint|sainte|st|ste|san|santa|santo|sao|new|fort|port)\s")
_AFFIX = re.compile(rf"^(?:[Tt]he\s+)?(?i:{_KIND_WORDS})\s+of\s+(?:the\s+)?|\s+{_KIND_WORDS}$"
                    r"|\s+(?:Village|Hamlet|Township|Borough|Municipality|County|District|Province|Region|Parish)$")


@dataclass(frozen=True, slots=True)
class Name:
    """A distinct name of the article (or a country its demonyms stand for), with its candidates.

    ``key`` is ``"country:CC"`` for the demonyms of a country, else the name's look-up key.
    ``kinds``: for each mention, the feature kinds the text names it as
    (:func:`geo._features_resolve.mention_kinds`), found once for both stages (empty: not found).
    """

    key: str
    query: str
    mentions: tuple[Mention, ...]
    matches: tuple[Match, ...]
    kinds: tuple[frozenset[str], ...] = ()

    def __post_init__(self) -> None:
        if self.kinds and len(self.kinds) != len(self.mentions):
            raise ValueError(f"{len(self.kinds)} mention kinds for {len(self.mentions)} mentions of {self.query!r}")

    @property
    def is_country_of_demonyms(self) -> bool:
        return self.key.startswith("country:")


class Pins:
    """The pins of the corrections (name -> entry): a :class:`~geo.types.CandidateSource`."""

    def __init__(self, pins: Mapping[str, Candidate] | None = None):
        self._by_key = {name_key(k): v for k, v in (pins or {}).items()}

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def lookup(self, norm: str) -> tuple[Match, ...]:
        hit = self._by_key.get(name_key(norm))
        return (Match(hit, True),) if hit is not None else ()


_SAINT_BEFORE = re.compile(r"\b(?:St|ST|Saint|SAINT|Ste|STE)\.?\s$")


def _with_saint(m: Mention) -> str:
    """The name to look up: "St. Paris" for "Paris" written right after "St." (a split name)."""
    off = m.start - m.sentence_start
    if m.query.lower() == m.text.lower() and m.sentence and 0 < off <= len(m.sentence):
        before = m.sentence[max(0, off - 7):off]
        if s := _SAINT_BEFORE.search(before):
            return f"{s.group(0).strip()} {m.query}"
    return m.query


class Features:
    """The physical and regional features of the gazetteer file (:mod:`geo.gazetteer._features`) as
    a :class:`~geo.types.CandidateSource`. :meth:`lookup` answers a feature's names and aliases;
    :meth:`for_mentions` also the features whose name is the name without its generic word
    ("Maracaibo" for Lake Maracaibo) when the text names a mention as a feature of that kind."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def lookup(self, norm: str) -> tuple[Match, ...]:
        return self.for_mentions(norm, ())

    def for_mentions(self, query: str, mentions: Sequence[Mention],
                     kinds: Sequence[frozenset[str]] | None = None) -> tuple[Match, ...]:
        """``kinds``: the mentions' :func:`~geo._features_resolve.mention_kinds`, when known."""
        return feature_matches(feature_index(self.gazetteer), query, mentions, kinds)


def _other_places(matches: tuple[Match, ...], norm: str) -> tuple[Match, ...]:
    """The entries without those that are another place than the one of that name: "Saint Paris"
    (2,000 people) found under "Paris" while a larger place is called Paris. ("Petersburg" may
    still be Saint Petersburg: no Petersburg is as large.)"""
    tail = " " + norm
    others = [m for m in matches if not m.primary and (own := name_key(m.candidate.name)).endswith(tail)
              and _OTHER_PLACE_WORDS.match(own[: -len(norm)])]
    if not others:
        return matches  # (most names: no entry is known under it only by its own name's end)
    named = max((m.candidate.population for m in matches if name_key(m.candidate.name) == norm), default=-1)
    gone = {id(m) for m in others if m.candidate.population <= named}
    return tuple(m for m in matches if id(m) not in gone)


class CandidateGenerator:
    """Groups mentions by name and finds each name's candidates. Holds no per-article state."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.features = Features(gazetteer)

    def generate(self, mentions: Sequence[Mention], pins: Pins | None = None) -> tuple[Name, ...]:
        """The distinct names of ``mentions`` in order of first mention, each with its candidates."""
        grouped: dict[str, tuple[str, list[Mention]]] = {}
        for m in mentions:
            if m.kind == "adjectival" and m.country_hint:
                key, query = f"country:{m.country_hint}", m.country_hint
            else:
                query = _with_saint(m)
                key = name_key(query)  # (normalised, without a leading "the"; remembered from recognition)
            grouped.setdefault(key, (query, []))[1].append(m)
        names = []
        for key, (query, ms) in grouped.items():
            kinds = tuple(mention_kinds(m) for m in ms)  # (the resolver asks them too)
            names.append(Name(key, query, tuple(ms), self._matches(key, query, pins, ms, kinds), kinds))
        return tuple(names)

    def _lookup(self, name: str, pins: Pins | None, mentions: Sequence[Mention] | None = None,
                kinds: Sequence[frozenset[str]] | None = None) -> tuple[Match, ...]:
        """The entries of ``name``; with ``mentions`` (the name as written, the feature ``kinds``
        of each), its features too."""
        if pins:
            pinned = pins.lookup(name_key(name))
            if pinned:
                return pinned
        places = _other_places(self.gazetteer.lookup(name), name_key(name))
        return places + self.features.for_mentions(name, mentions, kinds) if mentions is not None else places

    def _matches(self, key: str, query: str, pins: Pins | None, mentions: Sequence[Mention],
                 kinds: Sequence[frozenset[str]]) -> tuple[Match, ...]:
        if key.startswith("country:"):
            info = self.gazetteer.country(query)
            return (Match(info.candidate, True),) if info else ()
        matches = self._lookup(query, pins, mentions, kinds)
        if not matches and (m := _QUALIFIED.match(query)):
            # "North Texas", "Northern California", "Greater Manchester": the region named
            matches = self._lookup(m.group(1), pins)
        if not matches:
            matches = self._region_of_divisions(query)
        if not matches and (bare := _AFFIX.sub("", query)) != query and len(bare) > 2:
            # "the City of Alhambra", "Mansa district", "Henderson village": the place is named
            # without the word for its kind
            matches = self._lookup(bare, pins)
        return matches

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


class Fallback:
    """Online geocoders (or any :class:`~geo.geocoders.base.Geocoder`), asked in turn for the names
    no local source resolves. Holds no per-article state; each geocoder guards its own connection."""

    def __init__(self, geocoders: Sequence[Geocoder] = ()):
        self.geocoders = tuple(geocoders)

    def __bool__(self) -> bool:
        return bool(self.geocoders)

    def answer(self, pending: Sequence[tuple[str, int]], countries: Sequence[str]) -> dict[str, Candidate]:
        """The entry found for each ``(query, mentions)`` still unresolved, by query.

        Spelling variants of a name are asked once (most mentioned form first) and share the
        answer. A geocoder that fails is not asked again for this article: a GeocoderWarning
        names what it left unresolved.
        """
        by_variant: dict[str, list[tuple[str, int]]] = {}
        for query, n in pending:
            by_variant.setdefault(variant_key(query), []).append((query, n))
        failed: dict[int, tuple[GeocoderError, list[str]]] = {}
        out: dict[str, Candidate] = {}
        for variants in by_variant.values():
            variants.sort(key=lambda v: -v[1])
            found = self._ask([q for q, _ in variants], countries, failed)
            for q, _ in variants:
                if found:
                    out[q] = found[0]
        for exc, skipped in failed.values():
            names = [q for q in skipped if q not in out]
            if names:
                listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
                warnings.warn(f"{exc}; left unresolved: {listed}", GeocoderWarning, stacklevel=5)
        return out

    def _ask(self, queries: list[str], countries: Sequence[str],
             failed: dict[int, tuple[GeocoderError, list[str]]]) -> list[Candidate]:
        found: list[Candidate] = []
        for geocoder in self.geocoders:
            if id(geocoder) in failed:
                failed[id(geocoder)][1].append(queries[0])
                continue
            for q in queries:
                try:
                    found = geocoder.candidates(q, countries=countries)
                except GeocoderError as exc:
                    failed[id(geocoder)] = (exc, [queries[0]])
                    found = []
                    break
                if found:
                    break
            if found:
                break
        return found
