"""Recognition: text -> mentions.

spaCy's named entities (GPE, LOC, FAC) are the backbone. Rules on top add what the small model
misses and a reader expects, and filters take out what is not a place:

* names the text marks as places: "the village of Baghuz", "Baghuz province";
* names the gazetteer knows that the sentence uses as a place: "fighting near al-Bab";
* demonyms and adjectives of countries ("Syrian"), as *adjectival* mentions of the country;
* common abbreviations ("U.S.", "U.K.", "W.Va.") and datelines in capitals ("BAGHDAD —");
* organisations named after places ("Islamic State", "Syrian Democratic Forces") are dropped;
* seas, rivers, lakes, ranges, deserts and regions ("the Scioto River", "crossed the Oder") are
  mentions with the kinds of feature the text names them as (:attr:`geo.Mention.feature_hint`).

The modules: ``_model`` (which spaCy pipeline, loaded how), ``_spans`` (the typed span, its
:class:`Source` with rank and traits, the population :class:`Thresholds`), ``_context`` (one
document as the rules read it), the rules (``_entities``, ``_tokens``, ``_patterns``, ``_features``,
``_lists``, registered in ``_rules``), ``_hints`` (what the text says of each span: its kinds of
feature, the country of a division, a name inside a longer name), ``_filters`` (named predicates),
``_discourse`` (one sense per discourse) and ``_recognizer`` (the :class:`Recognizer` that runs
them in order).
"""

from __future__ import annotations

from geo.recognize._model import MODEL_NAMES, ModelInfo, load_model, model_info, model_name
from geo.recognize._recognizer import Recognizer
from geo.recognize._rules import EXTENDING_RULES, RULES
from geo.recognize._spans import Source, Span, Thresholds, Trait

__all__ = [
           "EXTENDING_RULES",
           "MODEL_NAMES",
           "RULES",
           "ModelInfo",
           "Recognizer",
           "Source",
           "Span",
           "Thresholds",
           "Trait",
           "load_model",
           "model_info",
           "model_name",
]
