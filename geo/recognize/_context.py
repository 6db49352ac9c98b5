"""What the rules know about one document: its text, sentences and entities, read once, and the
gazetteer tests they put names to. Built afresh for every document; never shared between calls."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from geo.gazetteer._sources import read_aliases
from geo.recognize._doc import Entity, Tokens, sentence_spans
from geo.recognize._spans import Source, Span, Thresholds
from geo.recognize._words import BLOCKING_LABELS, ORG_HEADS, PLACE_LABELS, POSSESSIVE, RELABEL_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.gazetteer import Gazetteer
    from geo.gazetteer._features import FeatureIndex

__all__ = ["Abbreviations", "Context"]

_RIVERS = frozenset({"river"})
#: the entity labels the rules read (:attr:`Context.ents` holds only these)
_READ_LABELS = PLACE_LABELS | BLOCKING_LABELS | RELABEL_LABELS | {"NORP"}


@dataclass(frozen=True)
class Abbreviations:
    """The abbreviations of places geo's alias table lists ("U.S.", "W.Va.", "UAE")."""

    pattern: re.Pattern[str]
    #: abbreviations of divisions that count only after a comma ("Charleston, W.Va.")
    needs_comma: frozenset[str]

    @classmethod
    def read(cls) -> Abbreviations:
        country: list[str] = []
        state: list[str] = []
        for a in read_aliases():
            # "U.S.", "W.Va." and the initials of three or more capitals ("NSW", "UAE"); "US" could be a word
            if ("." in a.name or a.name.isupper() and len(a.name) >= 3) and a.kind in ("country", "admin1", "city"):
                (state if a.kind == "admin1" else country).append(a.name)
        alts = sorted(set(country + state), key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s?") for n in alts)
        # The first letters, looked at first: most places in a text start none of the names.
        first = "".join(sorted({re.escape(n[0]) for n in alts}))
        # Not glued to a preceding letter; a following letter only after a hyphen ("U.S.-backed").
        # (The first letter is tested before the character before it: the engine then skips to those letters.)
        pattern = re.compile(rf"(?=[{first}])(?<![\w.])(?:{body})(?![A-Za-z])" if alts else "(?!)")
        return cls(pattern, frozenset(n for n in state if n.count(".") == 1))


@dataclass(frozen=True)
class LowerWords:
    """The words a text writes in lower case (a token that ``is_lower`` and ``is_alpha``), as a set
    to test names against: made of the set of its tokens at once, each asked word tested alone."""

    words: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.words and isinstance(word, str) and word.islower() and word.isalpha()


@dataclass(frozen=True)
class Context:
    """One document as the rules read it. ``found`` holds the spans of the earlier rules for the
    rules that extend them; ``diseases`` the names the text uses for diseases (see the filters)."""

    text: str
    sentences: tuple[tuple[int, int], ...]
    sentence_starts: tuple[int, ...]
    gazetteer: Gazetteer
    thresholds: Thresholds
    abbreviations: Abbreviations
    stop_words: AbstractSet[str]
    #: spaCy's entities of the labels the rules read (places, organisations, people, groups, ...; no dates or numbers)
    ents: tuple[Entity, ...]
    #: spans of entities that are no place: organisations, people, ... and place entities named like one
    blocked: tuple[tuple[int, int], ...]
    #: the reading of each GPE/LOC/FAC entity, by its first token
    place_entities: Mapping[int, Span]
    #: last words of people's full names ("Maria Flores ... where Flores grew up")
    full_name_ends: frozenset[str]
    #: the capitalised last words of those names
    surnames: frozenset[str]
    #: every word of a person's full name
    full_name_words: frozenset[str]
    #: the capitalised words of every person's name
    person_words: frozenset[str]
    facilities: frozenset[tuple[int, int]]
    #: the words the text writes in lower case
    lower_words: LowerWords
    #: the tokens' attributes, by token index (reading these creates no spaCy token objects)
    tokens: Tokens
    found: tuple[Span, ...] = ()
    diseases: frozenset[str] = field(default_factory=frozenset)
    #: the physical and regional features of the gazetteer (None: a gazetteer file without them)
    features: FeatureIndex | None = None

    @classmethod
    def of(cls, doc: Doc, gazetteer: Gazetteer, thresholds: Thresholds, abbreviations: Abbreviations,
           stop_words: AbstractSet[str], features: FeatureIndex | None = None, *, text: str | None = None
           ) -> Context:
        """``text``: the text ``doc`` was made from (spaCy joins ``doc.text`` anew from the tokens)."""
        if text is None:
            text = doc.text
        tokens = Tokens.of(doc, text, stop_words)
        sentences = sentence_spans(text, _sentences(doc, tokens) or [(0, len(text))])
        # (spaCy makes doc.ents anew, as objects, on every access; dates, numbers, amounts are read by no rule)
        ents = Entity.all_of(tokens, text, _READ_LABELS)
        words = tokens.words
        persons = [e for e in ents if e.label == "PERSON"]
        places = {e.start: _read_place_entity(e, tokens, text, gazetteer) for e in ents if e.label in PLACE_LABELS}
        blocked = [(e.start_char, e.end_char) for e in ents if e.label in BLOCKING_LABELS]
        blocked += [(r.start, r.end) for r in places.values() if r is not None and r.span is None]
        return cls(
            text=text,
            sentences=sentences, sentence_starts=tuple(s for s, _ in sentences),
            gazetteer=gazetteer, thresholds=thresholds, abbreviations=abbreviations, stop_words=stop_words,
            ents=ents, blocked=tuple(blocked),
            place_entities={k: r.span for k, r in places.items() if r is not None and r.span is not None},
            full_name_ends=frozenset(words[e.end - 1] for e in persons if len(e) > 1),
            surnames=frozenset(words[e.end - 1] for e in persons if len(e) > 1 and words[e.end - 1].istitle()),
            full_name_words=frozenset(w for e in persons if len(e) > 1 for w in words[e.start:e.end]),
            person_words=frozenset(w for e in persons for w in words[e.start:e.end] if w.istitle()),
            facilities=frozenset((e.start_char, e.end_char) for e in ents if e.label == "FAC"),
            lower_words=LowerWords(frozenset(words)),
            tokens=tokens, features=features)

    def with_found(self, found: tuple[Span, ...]) -> Context:
        """This context for the rules that extend ``found`` (:data:`~geo.recognize._rules.EXTENDING_RULES`)."""
        return self._but("found", found)

    def with_diseases(self, diseases: frozenset[str]) -> Context:
        """This context for the filters, knowing the names the text uses for diseases."""
        return self._but("diseases", diseases)

    def _but(self, name: str, value: object) -> Context:
        # A shallow copy keeps what was worked out once for the text (the cached properties), which
        # dataclasses.replace would work out again; only ``found`` and ``diseases`` ever change.
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)  # (what copy.copy does, without its dispatch)
        new.__dict__[name] = value
        return new

    @property
    def lowers(self) -> tuple[str, ...]:
        """Every token in lower case, by index (spaCy's ``Token.lower_``)."""
        return self.tokens.lowers

    @property
    def words(self) -> tuple[str, ...]:
        """Every token's text, by index (its ``istitle()``, ``isupper()`` … are the token's ``is_title`` …)."""
        return self.tokens.words

    @cached_property
    def demonym_divisions(self) -> list[tuple[int, int, str]]:
        """:func:`geo.recognize._hints.demonym_divisions` of the text, found once (every annotation asks)."""
        from geo.recognize._hints import demonym_divisions

        return demonym_divisions(self)

    def sentence_of(self, start: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_starts, start) - 1
        return self.sentences[max(i, 0)]

    def is_blocked(self, span: Span) -> bool:
        return any(span.overlaps(a, b) for a, b in self.blocked)

    # -- what the gazetteer says of a name ----------------------------------------------------
    def knows(self, name: str) -> bool:
        return self.gazetteer.knows(name)

    def feature_kinds(self, name: str, *, cores: bool = False) -> frozenset[str]:
        """The kinds of the features known under ``name`` or an alias ("Oder", "Scioto River"); with
        ``cores`` also of those named ``name`` and a generic word ("Maracaibo": Lake Maracaibo)."""
        if self.features is None:
            return frozenset()
        return frozenset(m.feature.kind for m in self.features.matches(name) if cores or m.form != "core")

    def bare_feature_kinds(self, name: str) -> frozenset[str]:
        """:meth:`feature_kinds` of a name written without its generic word, where news does so: a
        river's ("the Bagmati" for the Bagmati River), not a lake's ("Maracaibo" is the city)."""
        if self.features is None:
            return frozenset()
        return frozenset(m.feature.kind for m in self.features.matches(name)
                         if m.form != "core" or m.feature.kind in _RIVERS)

    def is_user_place(self, name: str) -> bool:
        """A name of the user's places file (``--places``)."""
        return any(m.candidate.source == "user" for m in self.gazetteer.lookup(name))

    def demonym(self, name: str) -> tuple[str, str] | None:
        return self.gazetteer.demonym(name)

    def is_place_name(self, name: str, min_population: int) -> bool:
        """The name's main sense is a country, a division, a continent or a place this populous."""
        for m in self.gazetteer.lookup(name):
            c = m.candidate
            if m.primary and (c.kind in ("country", "admin1", "continent") or c.population >= min_population):
                return True
        return False

    def is_major(self, name: str) -> bool:
        """A name whose main sense is a country, a division or a large city, or that names a country."""
        for m in self.gazetteer.lookup(name):
            c = m.candidate
            if m.primary and (c.kind in ("country", "admin1", "continent") or c.population >= self.thresholds.major):
                return True
            if c.kind == "country":
                return True
        return False

    def is_country_or_city(self, name: str) -> bool:
        """A name of a country, or whose main sense is a populated place of a major's size (not a
        division: "the Sahel" and "the Ohio" are the region and the river)."""
        major = self.thresholds.major
        return any(m.candidate.kind == "country" or m.primary and m.candidate.kind not in ("admin1", "admin2")
                   and m.candidate.population >= major for m in self.gazetteer.lookup(name))

    def looks_like_place(self, name: str) -> bool:
        """The gazetteer's most populous entry of the name is a country, a division or a town of note."""
        matches = self.gazetteer.lookup(name)
        if not matches:
            return False
        best = max(matches, key=lambda m: m.candidate.population)
        c = best.candidate
        if c.kind in ("country", "continent", "admin1"):
            return True
        t = self.thresholds
        return best.primary and c.population >= t.known_primary or c.population >= t.known_any


@dataclass(frozen=True)
class _PlaceEntity:
    start: int
    end: int
    span: Span | None  # None: named like an organisation ("Syrian Democratic Forces")


def _sentences(doc: Doc, tokens: Tokens) -> list[tuple[int, int]]:
    """The character spans of spaCy's sentences: read from the token arrays when every token's
    start is known (the sentencizer's), else from ``doc.sents`` (which says when none are set)."""
    if "sents" in doc.user_hooks or None in tokens.sent_starts:
        return [(s.start_char, s.end_char) for s in doc.sents]
    return tokens.sentences()


def trim(ent: Entity, tokens: Tokens, text: str) -> tuple[int, int] | None:
    """An entity's span without a leading article and a trailing possessive or punctuation."""
    a, b = ent.start, ent.end
    while a < b and tokens.lowers[a] in ("the", "a", "an"):
        a += 1
    while a < b and tokens.punct(b - 1) and tokens.words[b - 1] not in (".",):
        b -= 1
    if a == b:
        return None
    s, e = tokens.starts[a], tokens.starts[b - 1] + len(tokens.words[b - 1])
    m = POSSESSIVE.search(text[s:e])
    if m and e - s > len(m.group(0)) + 1:
        e -= len(m.group(0))
    return (s, e) if e > s else None


def _read_place_entity(ent: Entity, tokens: Tokens, text: str, gazetteer: Gazetteer) -> _PlaceEntity | None:
    """A GPE/LOC/FAC entity read as a demonym ("Syrian" tagged as a place), an organisation's
    name ("... Forces") or a place name."""
    trimmed = trim(ent, tokens, text)
    if trimmed is None:
        return None
    s, e = trimmed
    name = text[s:e]
    words = name.split()
    demonym = gazetteer.demonym(name)
    if demonym and len(words) == 1 and not gazetteer.knows(name):
        return _PlaceEntity(s, e, Span(s, e, "adjectival", Source.NER, demonym[1], demonym[0]))
    if words[-1].strip(".,").lower() in ORG_HEADS:
        return _PlaceEntity(s, e, None)
    return _PlaceEntity(s, e, Span(s, e, "literal", Source.NER, name))
