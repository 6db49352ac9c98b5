"""The registry of recognition rules, in the order they run.

A rule is a function ``(doc, context) -> Iterator[Span]``. Those of :data:`RULES` read the
document; those of :data:`EXTENDING_RULES` run after the entity filters and read
``context.found``, the spans found before them. A new rule is one function here and, when its
spans need a rank or traits of their own, one :class:`~geo.recognize._spans.Source` member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from geo.recognize._entities import entities, organisation_modifiers
from geo.recognize._features import generic_names, known_features, located_features
from geo.recognize._lists import listed, longer_known_names
from geo.recognize._patterns import abbreviations, datelines, definitions
from geo.recognize._tokens import (
    after_locative,
    capitals,
    division_names,
    noun_modifiers,
    trigger_after,
    trigger_before,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context
    from geo.recognize._spans import Span

Rule = Callable[["Doc", "Context"], Iterator["Span"]]

RULES: tuple[Rule, ...] = (
    entities,                # spaCy's places, major places it took for organisations, demonyms
    trigger_before,          # "the village of Baghuz"
    division_names,          # "Laurel County"
    trigger_after,           # "Idlib province"
    after_locative,          # "near al-Bab"
    abbreviations,           # "U.S.", "W.Va."
    datelines,               # "BAGHDAD —"
    organisation_modifiers,  # "Ohio State University"
    noun_modifiers,          # "a Gainesville man"
    capitals,                # "COLUMBUS, Ohio (AP)"
    definitions,             # "Bala is a market town in Gwynedd"
    generic_names,           # "the Scioto River", "Lake Maracaibo", "the Gulf of Aden", "the Kosi river"
    known_features,          # "the Oder", "the Bosporus", "across the Sahel"
    located_features,        # "reached Darfur"
)

EXTENDING_RULES: tuple[Rule, ...] = (
    listed,                  # "Kent, Surrey and Essex"
    longer_known_names,      # "Congo" -> "Democratic Republic of the Congo"
)
