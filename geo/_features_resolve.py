"""Physical and regional features (seas, rivers, lakes, ranges, regions …) in candidate generation
and resolution.

- :func:`mention_kinds`: the feature kinds the text names a mention as (its ``feature_hint``, or a
  generic word next to it: "the Kosi river");
- :func:`feature_matches`: a name's features as candidates; a feature found only under its name
  without the generic word ("Maracaibo" for Lake Maracaibo) competes only when the text names the
  mention as a feature of that kind;
- :func:`restrict`: a name the text calls a feature is never a town; a name the text puts in a
  country ("the Venezuelan states of Zulia") is that country's;
- :class:`ArticleFeatures`: per article, the features its names were resolved to in the first
  pass, to rank what lies in or on them ("Odesa" with the Black Sea) and the bare names of them
  ("Scioto" after "the Scioto River");
- :func:`feature_point`: a river or a range is placed at its point nearest to the article's other
  places (the Oder near Frankfurt (Oder)), else at its representative point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from geo._text import name_key
from geo.gazetteer._features import GENERIC_WORDS, generic_core
from geo.types import FEATURE_KINDS, Candidate, Match, Mention

if TYPE_CHECKING:  # pragma: no cover
    from collections import Counter

    from geo._resolve_context import Group
    from geo.gazetteer._features import Feature, FeatureIndex
    from geo.resolve import Weights

__all__ = ["mention_kinds", "feature_matches", "restrict", "ArticleFeatures", "feature_point", "feature_score",
           "after_the", "the_share", "treated_as_feature", "TOWN_KINDS", "ARTICLE_KINDS"]

#: kinds of candidates that are towns (or parts of towns): never a name the text calls a feature
TOWN_KINDS = frozenset({"city", "place", "admin2"})
#: feature kinds English names with "the" ("the Danube", "the Black Sea", "the Andes", "the Sahel")
ARTICLE_KINDS = frozenset({"sea", "river", "range", "desert", "region", "island"})
#: feature kinds that "the X" tells from towns and divisions of the same name (countries keep theirs:
#: "the Congo", "the Gambia")
_THE_KINDS = frozenset({"sea", "river", "range", "desert"})
#: how far from a feature a place still lies "in" or "on" it, by kind (km)
_ON_FEATURE_KM = {"sea": 30.0, "lake": 20.0, "river": 15.0, "range": 30.0, "mountain": 25.0, "desert": 10.0,
                  "island": 5.0, "region": 10.0}
#: the features whose towns :meth:`ArticleFeatures.on_a_feature` prefers, up to a size (km)
_ON_KINDS = frozenset({"sea", "lake", "river", "island"})
_ON_MAX_KM = 1500.0
#: the kinds drawn as lines, placed at their point nearest to the article's places
_LINE_KINDS = frozenset({"river", "range"})
#: farther than this from every other place of the article, a feature keeps its representative point
_NEAR_ENOUGH_KM = 400.0
_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
# the one or two words just before a mention ("lake", "the Kosi"), as a search for
# r"((?:[A-Za-z]+\s+){1,2})$" finds them: matched from the start of the reversed text (a search for
# the pattern tries it at every position of the text before the mention)
_WORDS_BEFORE_REVERSED = re.compile(r"\s+[A-Za-z]+(?:\s+[A-Za-z]+)?")
# "the" just before a mention (r"\bthe\s+$"), matched from the start of the reversed text too
_THE_BEFORE_REVERSED = re.compile(r"\s+eht\b", re.I)
# what may follow "the X" when X names a feature: anything but a capitalised word ("the Nile Valley")
# or a noun "the X" modifies when X is a division or a town ("the Ohio governor", "the White Nile state")
_NOT_A_NAME_AFTER = re.compile(
    r"^(?:\s+(?:[A-Z][a-z]|[A-Z]{2})|-[A-Za-z]|\s+(?:state|states|province|provinces|region|county|counties|"
    r"district|department|governorate|government|governor|legislature|assembly|parliament|capital|city|town|"
    r"village|team|side|man|woman|men|women|people|residents|native|natives|area|delegation|lawmakers|voters|"
    r"senator|senators|congressman|official|officials|authorities|police|economy|primary|campaign|election|"
    r"university|house|senate|office|branch|chapter|resident|home|homes|school|schools|law|laws|border|borders|"
    r"line|lines|coast|shore|farmers|fans|towns|cities|communities|delegates|company|companies)\b)")

# "the Baltic states", "the Caribbean nations": not the sea
_NOT_A_SEA_AFTER = re.compile(r"^\s+(?:states|nations|countries|republics|region|islands|[A-Z])")


def _context(m: Mention) -> tuple[str, str]:
    """The text of ``m``'s sentence before and after it (empty without a sentence)."""
    off = m.start - m.sentence_start
    if not m.sentence or not (0 <= off <= len(m.sentence)):
        return "", ""
    return m.sentence[max(0, off - 30):off], m.sentence[off + len(m.text):off + len(m.text) + 30]


def mention_kinds(m: Mention) -> frozenset[str]:
    """The feature kinds the text names ``m`` as: its ``feature_hint``, and the kind of a generic
    word just before or after it ("the Kosi river", "lake Chad"). (A generic word in the name
    itself does not count here: "Mount Pleasant" and "Laguna Hills" are towns.)"""
    kinds = set(m.feature_hint)
    own = name_key(m.text)
    before, after = _context(m)
    around = []  # the ASCII words next to the mention, each a form with it
    forms = []
    if w := _WORD_AFTER.match(after):
        around.append(w.group(1))
        forms.append(f"{m.text} {w.group(1)}")
    if w := _WORDS_BEFORE_REVERSED.match(before[::-1]):
        words = w.group(0)[::-1].split()
        around.extend(words)
        forms.extend(f"{' '.join(words[i:])} {m.text}" for i in range(len(words)))
    if forms and GENERIC_WORDS.isdisjoint(own.split()) and GENERIC_WORDS.isdisjoint(x.lower() for x in around):
        # (a form's key is made of these words, the mention's own and "the": none of them a generic
        # word, no form has one; most mentions)
        return frozenset(kinds)
    for form in forms:
        core = generic_core(name_key(form))
        if core and core[0] == own:
            kinds.update(core[1])
    return frozenset(kinds)


def after_the(m: Mention) -> bool:
    """"the Danube", "the Andes": the name follows "the" and is not the modifier of a longer name
    ("the Hudson Valley")."""
    before, after = _context(m)
    return bool(_THE_BEFORE_REVERSED.match(before[::-1])) and not _NOT_A_NAME_AFTER.match(after)


def treated_as_feature(mentions: Sequence[Mention], matches: Sequence[Match]) -> bool:
    """Whether the text names a name as one of its feature candidates: a feature kind named for
    it, or "the X" for a river, a sea, a range … ("the White Nile", not White Nile State)."""
    kinds = {x.candidate.kind for x in matches if x.candidate.kind in FEATURE_KINDS}
    if not kinds:
        return False
    named = {x.candidate.kind for x in matches if x.primary or _the_named(x)} & ARTICLE_KINDS
    if any(x.candidate.kind == "country" for x in matches):
        named = set()  # "the Gambia", "the Congo": the country
    hinted = sum(1 for m in mentions if mention_kinds(m) & kinds)
    return (hinted > 0 and 2 * hinted >= len(mentions)) or (bool(named) and the_share(mentions) > 0.5)


def the_share(mentions: Sequence[Mention]) -> float:
    """The share of the mentions written "the X" (:func:`after_the`): most of them, for a river's
    name ("the Albany ward" once in an article about the town is not the Albany River)."""
    return sum(1 for m in mentions if after_the(m)) / len(mentions) if mentions else 0.0


def _kinds_of(mentions: Sequence[Mention], kinds: Sequence[frozenset[str]] | None) -> Iterable[frozenset[str]]:
    """The :func:`mention_kinds` of each mention: ``kinds`` when given (found by the candidates stage)."""
    return kinds if kinds is not None else map(mention_kinds, mentions)


def feature_matches(index: FeatureIndex, query: str, mentions: Sequence[Mention],
                    known_kinds: Sequence[frozenset[str]] | None = None) -> tuple[Match, ...]:
    """The features known under ``query`` as candidates (primary: found under its own name). A
    feature found under its name without the generic word competes only when a mention is named
    as a feature of its kind. ``known_kinds``: the mentions' :func:`mention_kinds`, when known."""
    named = index.matches(query)
    found: tuple[Match, ...] = ()
    if named:  # (what the text names the mentions as matters only to a name some feature has; most have none)
        kinds: set[str] = set()
        for mk in _kinds_of(mentions, known_kinds):
            kinds |= mk
        if the_share(mentions) > 0.5:
            kinds |= _THE_KINDS  # "the Bagmati", "the Kosi": the river (Bagmati River), not the province
        found = tuple(Match(fm.feature.candidate(), fm.form == "name") for fm in named
                      if fm.form != "core" or fm.feature.kind in kinds)
    if not found and any(_the_sea(m) for m in mentions):
        # "the Baltic", "the Caspian coast": the sea named without its word
        found = tuple(Match(fm.feature.candidate(), False) for fm in index.matches(f"{query} Sea")
                      if fm.feature.kind == "sea" and fm.form != "core")
    return found


def _the_sea(m: Mention) -> bool:
    before, after = _context(m)
    return bool(_THE_BEFORE_REVERSED.match(before[::-1])) and not _NOT_A_SEA_AFTER.match(after)


def _the_named(x: Match) -> bool:
    """A candidate "the X" names: a river, sea, range or desert under its own name, or a river under
    its name without "River" ("the Bagmati"); not a sea only "the X" made ("the California coast")."""
    return x.candidate.kind in _THE_KINDS and (x.primary or x.candidate.kind == "river")


def restrict(matches: tuple[Match, ...], mentions: Sequence[Mention],
             known_kinds: Sequence[frozenset[str]] | None = None) -> tuple[Match, ...]:
    """The candidates the text leaves a name: with feature kinds named ("the Scioto River",
    "crossed the X"), the features of those kinds, else anything but a town; with a country
    named for it ("the Venezuelan states of Zulia"), that country's entries when it has some.
    ``known_kinds``: the mentions' :func:`mention_kinds`, when known."""
    kinds: set[str] = set()
    hinted = 0
    for mk in _kinds_of(mentions, known_kinds):
        kinds |= mk
        hinted += bool(mk)
    if kinds and 2 * hinted >= len(mentions):  # most mentions: "the strait of Dover" once is not Dover
        named = tuple(x for x in matches if x.candidate.kind in kinds)
        matches = named or tuple(x for x in matches if x.candidate.kind not in TOWN_KINDS)
    own = {k for m in mentions if (core := generic_core(name_key(m.text))) for k in core[1]}
    if own and any(x.candidate.kind in own for x in matches):
        # "St. Marys River": of the features, the rivers (the towns of the name still compete)
        matches = tuple(x for x in matches if x.candidate.kind in own or x.candidate.kind not in FEATURE_KINDS)
    if any(_the_named(x) for x in matches) and the_share(mentions) > 0.5:
        # "the White Nile", "the Andes": the river or the range, not a town or a division of that name
        matches = tuple(x for x in matches if x.candidate.kind not in TOWN_KINDS | {"admin1"})
    hinted_cc = [m.country_hint for m in mentions if m.kind == "literal" and m.country_hint]
    hints = set(hinted_cc)
    if len(hints) == 1 and 2 * len(hinted_cc) >= len(mentions):
        # most mentions: "the English town of Ipswich", once in an article about another Ipswich, is
        # what that one is named after
        cc = hints.pop()
        matches = tuple(x for x in matches if x.candidate.country_code == cc) or matches
    return matches


def _bbox_near(f: Feature, lat: float, lon: float, km: float) -> bool:
    w, s, e, n = f.bbox
    pad_lat = km / 111.0
    if not (s - pad_lat <= lat <= n + pad_lat):
        return False
    if w > e:  # across the antimeridian
        return True
    pad_lon = pad_lat / max(0.05, math.cos(math.radians(lat)))
    return w - pad_lon <= lon <= e + pad_lon


@dataclass
class ArticleFeatures:
    """The features of one article's first-pass choices (built per article, never kept)."""

    index: FeatureIndex | None
    chosen: dict[int, Feature] = field(default_factory=dict)  # fid -> feature a name was resolved to
    by_group: dict[str, int] = field(default_factory=dict)  # group key -> fid of its choice
    _cache: dict[int, Feature | None] = field(default_factory=dict)

    def feature(self, c: Candidate) -> Feature | None:
        """The feature of a candidate (None for other places and for imported point features)."""
        if c.fid is None or self.index is None:
            return None
        if c.fid not in self._cache:
            self._cache[c.fid] = self.index.by_id(c.fid)
        return self._cache[c.fid]

    def note(self, choices: Iterable[tuple[str, Candidate | None]]) -> None:
        """Remember the features the names were resolved to (group key, choice)."""
        for key, c in choices:
            f = self.feature(c) if c is not None else None
            if f is not None:
                self.chosen[f.fid] = f
                self.by_group[key] = f.fid

    def on_a_feature(self, c: Candidate, key: str) -> float:
        """How much a town lies in or on a feature another name of the article was resolved to
        ("Odesa" and the Black Sea): 1 for a sea, a lake, a range …, 0.5 on a river (a long
        river passes by many towns), 0 when on none."""
        from geo.gazetteer._features import contains

        own = self.by_group.get(key)
        best = 0.0
        for fid, f in self.chosen.items():
            if f.kind not in _ON_KINDS or f.size_km > _ON_MAX_KM:
                continue  # inside the Middle East, the Sahara or near the Andes says little of a town
            km = _ON_FEATURE_KM.get(f.kind, 10.0)
            weight = 0.5 if f.kind == "river" else 1.0
            if weight > best and fid != own and _bbox_near(f, c.lat, c.lon, km) and contains(f, c.lat, c.lon, km):
                best = weight
        return best

    def km_to(self, c: Candidate, anchors: Sequence[Candidate], enough: float = 0.0) -> float | None:
        """How far a feature candidate lies from the nearest of ``anchors`` within 500 km of its
        bounding box (None when none is); with ``enough``, the first distance found under it, if
        any (all that a caller asking "under ``enough`` km?" needs: a river's shape is costly)."""
        from geo._distance import haversine_km
        from geo.gazetteer._features import nearest_point

        f = self.feature(c)
        if f is None:
            return min((haversine_km(c.lat, c.lon, a.lat, a.lon) for a in anchors), default=None)
        found = None
        for a in anchors:
            if a.fid != c.fid and _bbox_near(f, a.lat, a.lon, 500.0):  # (not itself)
                km = nearest_point(f, a.lat, a.lon).km
                if found is None or km < found:
                    found = km
                    if km < enough:
                        break
        return found


def feature_point(features: ArticleFeatures, c: Candidate, others: Sequence[Candidate]) -> Candidate:
    """A river or a range placed at its point nearest to the article's other places (the nearest
    of them), or at its representative point when they lie far from it; a sea, a lake or a region
    keeps its representative point (inside it; the map draws its outline)."""
    from geo.gazetteer._features import nearest_point

    f = features.feature(c)
    if f is None or not others or f.kind not in _LINE_KINDS:
        return c  # a sea, a lake, a region: its representative point lies inside it
    best = min((nearest_point(f, o.lat, o.lon) for o in others), key=lambda p: p.km)
    if best.km <= 0.0 or best.km > _NEAR_ENOUGH_KM:
        return c
    return f.candidate(round(best.lat, 5), round(best.lon, 5))


#: the kinds of feature that hold places: one whose area holds the article's places is the one meant
_AREA_KINDS = frozenset({"region", "desert", "island"})


def _within(f: Feature, a: Candidate) -> bool:
    """A place of the article (a town or a division, not a country nor a feature) inside ``f``."""
    from geo.gazetteer._features import contains

    return (a.fid is None and a.kind not in ("country", "continent") and _bbox_near(f, a.lat, a.lon, 0.0)
            and contains(f, a.lat, a.lon))


def feature_score(w: Weights, features: ArticleFeatures, c: Candidate, primary: bool, g: Group, countries: Counter,
                  anchors: Sequence[Candidate]) -> float:
    """A feature candidate's score (the units of :class:`geo.resolve.Weights`): its kind and size,
    "the X" for the kinds English names so, the countries of the article it lies in, another name
    of the article resolved to it, and its distance to the article's confident places."""
    f = features.feature(c)
    s = dict(w.kind).get(c.kind, 0.0) + w.feature_size * math.log10((f.size_km if f else 0.0) + 1.0)
    if primary:
        s += w.primary_name
    if c.kind in ARTICLE_KINDS and not any(m.candidate.kind == "country" for m in g.matches):
        s += w.feature_article * the_share(g.mentions)  # (and "the Gambia" stays the country)
    codes = f.countries if f else ((c.country_code,) if c.country_code else ())
    total = sum(countries.values()) or 1.0
    share = max((countries.get(cc, 0) - (g.own_country[1] if g.own_country[0] == cc else 0.0) for cc in codes),
                default=0.0) / total
    s += w.country_context * min(1.0, 2 * max(0.0, share))
    if c.fid is not None and c.fid in features.chosen and features.by_group.get(g.key) != c.fid and all(
            x.candidate.kind in FEATURE_KINDS or (x.candidate.kind in TOWN_KINDS and x.candidate.population < 50_000)
            for x in g.matches) and any(after_the(m) or mention_kinds(m) for m in g.mentions):
        # "the Scioto" after "the Scioto River": the river, not a village of that name (a bare "Aldan"
        # after "the Aldan River" is the town named after it: English names a river with "the")
        s += w.feature_named
    d = features.km_to(c, anchors, enough=100.0)
    if d is not None:  # half the weight of a town's: a long river passes near many places
        s += 0.5 * (w.near_100km if d < 100 else (w.near_500km if d < 500 else 0.0))
    if f is not None and f.kind in _AREA_KINDS and any(_within(f, a) for a in anchors):
        s += w.admin1_context  # like a division the article's places lie in ("In Kurdistan, farmers near Mosul")
    if c.source == "user":
        s += w.user_source
    return s
