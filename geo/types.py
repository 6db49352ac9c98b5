"""The plain, frozen types that pass between pipeline stages.

text --recognize--> Mention --candidates--> Match (a Candidate) --resolve--> Place --frame--> GeoDataFrame

Every place source (the gazetteer, GeoNames imports, the user's places, pins) is a
:class:`CandidateSource`: a normalised name in, typed :class:`Match` entries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Protocol

__all__ = ["Mention", "Candidate", "Match", "Alternative", "Place", "CandidateSource", "MENTION_KINDS", "PLACE_KINDS",
           "FEATURE_KINDS"]

MENTION_KINDS = ("literal", "adjectival")
#: Physical and regional features (geo/gazetteer/_features.py): ``sea`` (seas, oceans, gulfs, bays,
#: straits, sounds), ``river`` (rivers and canals), ``lake`` (lakes and reservoirs), ``mountain`` (a
#: peak or volcano), ``range`` (a mountain range or highlands), ``desert``, ``island`` (an island or
#: archipelago) and ``region`` (a named region that is not a division: the Sahel, Donbas, a
#: peninsula, a plateau). The finer class ("strait", "volcano", "plateau" …) is the feature's subkind.
FEATURE_KINDS = ("sea", "river", "lake", "mountain", "range", "desert", "island", "region")
PLACE_KINDS = ("continent", "country", "admin1", "admin2", "city", "place", "unknown") + FEATURE_KINDS


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the article that names a place.

    ``kind`` is ``"literal"`` for a name ("Syria", "U.S.") and ``"adjectival"`` for a
    demonym or adjective standing for a country ("Syrian"). ``query`` is the name to look up
    (the expansion of an abbreviation, or the country for a demonym); ``sentence`` is the
    sentence the mention stands in and ``sentence_start`` its offset in the text.
    """

    start: int
    end: int
    text: str
    sentence: str = ""
    sentence_start: int = 0
    kind: Literal["literal", "adjectival"] = "literal"
    source: str = "ner"
    query: str = ""
    country_hint: str | None = None
    feature_hint: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"bad mention span {self.start}:{self.end}")
        if self.end - self.start != len(self.text):
            raise ValueError(f"mention text {self.text!r} does not fit span {self.start}:{self.end}")
        if self.kind not in MENTION_KINDS:
            raise ValueError(f"bad mention kind {self.kind!r}")
        if self.feature_hint and any(k not in FEATURE_KINDS for k in self.feature_hint):
            raise ValueError(f"bad feature hint {self.feature_hint!r}")
        if not self.query:
            object.__setattr__(self, "query", self.text)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name may refer to. ``raw`` keeps the source's own record.

    ``pid`` is the embedded gazetteer's own row id (None for entries of other sources); ``fid``
    the id of a physical or regional feature (:mod:`geo.gazetteer._features`), None otherwise;
    ``admin1_codes`` are the GeoNames admin1 codes an imported first-level division stands for.
    """

    geonameid: int | None
    name: str
    kind: str
    lat: float
    lon: float
    country_code: str | None = None
    admin1_code: str | None = None
    population: int = 0
    source: str = "gazetteer"
    raw: Mapping[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)
    pid: int | None = field(default=None, compare=False, hash=False, repr=False)
    fid: int | None = field(default=None, compare=False, hash=False, repr=False)
    admin1_codes: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"bad coordinates for {self.name!r}: {self.lat}, {self.lon}")
        if self.kind not in PLACE_KINDS:
            raise ValueError(f"bad place kind {self.kind!r}")

    @property
    def key(self) -> str:
        return f"{self.source}:{self.geonameid}" if self.geonameid is not None else f"{self.source}:{self.name}:{self.lat:.4f},{self.lon:.4f}"


@dataclass(frozen=True, slots=True)
class Match:
    """An entry found under a name; ``primary`` when the name is the entry's main name."""

    candidate: Candidate
    primary: bool


class CandidateSource(Protocol):
    """A source of places: a normalised name (:func:`geo._text.name_key`) -> its entries."""

    def lookup(self, norm: str) -> tuple[Match, ...]:
        """Every entry known under ``norm``, best first (may be empty)."""
        ...


@dataclass(frozen=True, slots=True)
class Alternative:
    """A candidate the resolver considered for a place and did not choose, with its score
    (in the units of :class:`geo.resolve.Weights`) and its probability among the candidates."""

    candidate: Candidate
    score: float
    probability: float

    def __post_init__(self) -> None:
        if not isinstance(self.candidate, Candidate):
            raise TypeError(f"an alternative needs a Candidate, not {type(self.candidate).__name__}")
        if not (0.0 <= self.probability <= 1.0):
            raise ValueError(f"alternative probability out of range: {self.probability}")


@dataclass(frozen=True, slots=True)
class Place:
    """A distinct place of the article with every mention of it.

    ``candidate`` is None when no gazetteer entry could be chosen (the place is then
    ``resolved == False`` and has no coordinates). ``alternatives`` are the other candidates
    the resolver ranked for it, best first.
    """

    name: str
    mentions: tuple[Mention, ...]
    candidate: Candidate | None = None
    confidence: float = 0.0
    country_name: str | None = None
    alternatives: tuple[Alternative, ...] = ()

    def __post_init__(self) -> None:
        if not self.mentions:
            raise ValueError("a place needs at least one mention")
        if self.alternatives:  # (a place made per name of every article: the tests skip what is empty)
            if not all(isinstance(a, Alternative) for a in self.alternatives):
                raise TypeError("a place's alternatives must be Alternative values")
            if self.candidate is not None:
                key = self.candidate.key
                if any(a.candidate.key == key for a in self.alternatives):
                    raise ValueError("the chosen candidate cannot also be an alternative")
        if not (0.0 <= self.confidence <= 1.0):
            raise ValueError(f"confidence out of range: {self.confidence}")

    @property
    def resolved(self) -> bool:
        return self.candidate is not None

    @property
    def literal_mentions(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.kind == "literal")

    @property
    def adjectival_mentions(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.kind == "adjectival")
