"""The vocabulary the recognition rules share: the typed span they yield, the rule that found it
(:class:`Source`, with its rank and traits) and the population thresholds the rules test names against.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, Flag, auto
from typing import TYPE_CHECKING, Literal

from geo.types import FEATURE_KINDS, MENTION_KINDS

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Source", "Span", "Thresholds", "Trait"]

_FEATURE_KINDS = frozenset(FEATURE_KINDS)


class Trait(Flag):
    """What a source's spans are exempt from, or lend to the rest of the text."""

    NONE = 0
    #: the text itself says the name is a place ("the village of X"): the filters for words of the
    #: language and directions do not apply; a month, a day or a demonym is still not a place
    MARKED = auto()
    #: kept even when it overlaps an entity that is no place (an organisation, a person, ...)
    UNBLOCKED = auto()
    #: one sense per discourse: every other occurrence of the name is a mention too
    PROPAGATES = auto()
    #: the same, when the gazetteer knows the name
    PROPAGATES_IF_KNOWN = auto()
    #: dropped when it is the surname of a person the text names in full (unless a major place)
    SURNAME_CHECKED = auto()
    #: one of spaCy's place entities: dropped when lower case, an unknown facility or a person's word
    ENTITY = auto()


class Source(Enum):
    """The rule a span comes from. ``value`` is the name stored in :attr:`geo.Mention.source`;
    ``rank`` breaks ties between overlapping spans of one length (lower wins)."""

    rank: int
    traits: Trait
    _bits: int  # traits as an int: tested per span by every filter (Flag's & is a Python call)

    def __new__(cls, label: str, rank: int, traits: Trait) -> Self:
        member = object.__new__(cls)
        member._value_ = label
        member.rank = rank
        member.traits = traits
        member._bits = traits.value
        return member

    NER = ("ner", 0, Trait.ENTITY | Trait.UNBLOCKED | Trait.PROPAGATES_IF_KNOWN | Trait.SURNAME_CHECKED)
    RELABELLED = ("relabelled", 0, Trait.UNBLOCKED | Trait.PROPAGATES_IF_KNOWN)
    ABBREVIATION = ("abbreviation", 1, Trait.UNBLOCKED | Trait.PROPAGATES)
    TRIGGER = ("trigger", 2, Trait.MARKED | Trait.UNBLOCKED | Trait.PROPAGATES)
    DATELINE = ("dateline", 3, Trait.UNBLOCKED | Trait.PROPAGATES_IF_KNOWN)
    #: a physical or regional feature the text names as one ("the Scioto River", "crossed the Oder")
    FEATURE = ("feature", 2, Trait.MARKED | Trait.UNBLOCKED)
    LOCATIVE = ("locative", 4, Trait.UNBLOCKED | Trait.PROPAGATES_IF_KNOWN | Trait.SURNAME_CHECKED)
    GAZETTEER = ("gazetteer", 5, Trait.PROPAGATES_IF_KNOWN | Trait.SURNAME_CHECKED)
    LIST = ("list", 5, Trait.UNBLOCKED | Trait.PROPAGATES_IF_KNOWN)
    MODIFIER = ("modifier", 6, Trait.UNBLOCKED | Trait.SURNAME_CHECKED)
    DEMONYM = ("demonym", 7, Trait.NONE)
    PROPAGATED = ("propagated", 9, Trait.NONE)

    def has(self, trait: Trait) -> bool:
        return bool(self._bits & trait._value_)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the text a rule takes for a place name, before the filters and the choice
    between overlapping spans. ``query`` is the name to look up; ``country_hint`` the country
    of a demonym (or of a division named with it); ``feature_hint`` the kinds of feature
    (:data:`geo.types.FEATURE_KINDS`) the text names the place as."""

    start: int
    end: int
    kind: Literal["literal", "adjectival"]
    source: Source
    query: str
    country_hint: str | None = None
    feature_hint: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")
        if self.kind not in MENTION_KINDS:
            raise ValueError(f"bad span kind {self.kind!r}")
        if self.feature_hint and not _FEATURE_KINDS.issuperset(self.feature_hint):
            raise ValueError(f"bad feature hint {self.feature_hint!r}")

    @property
    def literal(self) -> bool:
        return self.kind == "literal"

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Thresholds:
    """The populations a name's gazetteer entry must reach for a rule to take it as a place."""

    #: a name listed with one found place, or in a pair, whose main sense is a place
    listed: int = 5000
    #: "a Gainesville man": a name used as a modifier of a noun
    modifier: int = 5000
    #: the same when spaCy took the name for a person or an organisation
    modifier_entity: int = 20_000
    #: a name in capitals ("COLUMBUS, Ohio (AP) —")
    capitals: int = 50_000
    #: a major place: leads an organisation's name ("Ohio State University"), or is no surname
    major: int = 100_000
    #: an organisation or product entity that is nothing but the name of a place ("most of Harare")
    mislabelled: int = 300_000
    #: a name the gazetteer knows is a place when its main sense has this many people...
    known_primary: int = 1000
    #: ...or any of its senses this many
    known_any: int = 50_000
