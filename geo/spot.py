"""Spotting the user's places in the text, and turning found spans into mentions.

The stage after recognition: every whole-word, exact-case occurrence of a name of the user's
places (``--places``) becomes a mention, unless it lies inside a longer name of a person or an
organisation. :func:`merge_spans` (also used by the corrections' ``[[add]]``) adds spans to the
recognised mentions.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from geo.types import Mention

__all__ = ["sentences", "merge_spans", "spot_user_places"]

#: spaCy labels of names that are not places: a user's place inside one of these is not spotted
_NOT_PLACES = {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE"}

Sentences = Sequence[tuple[int, int]]


def sentences(doc: Any) -> list[tuple[int, int]]:
    """``(start, end)`` of the sentences of a spaCy doc (the whole text when it has none)."""
    try:
        sents = [(s.start_char, s.end_char) for s in doc.sents]
    except ValueError:
        sents = []
    return sents or [(0, len(doc.text))]


def _mention(text: str, s: int, e: int, sents: Sentences, source: str) -> Mention:
    ss, se = next(((a, b) for a, b in sents if a <= s < b), (0, len(text)))
    return Mention(start=s, end=e, text=text[s:e], sentence=text[ss:se].strip(), sentence_start=ss,
                   kind="literal", source=source)


def merge_spans(mentions: Sequence[Mention], spans: Iterable[tuple[int, int]], text: str, sents: Sentences,
                source: str, *, replace_any: bool) -> tuple[list[Mention], int]:
    """Add a mention per span; a span replaces mentions it covers (any overlapping one when ``replace_any``)."""
    out = list(mentions)
    added = 0
    for s, e in spans:
        overlapping = [m for m in out if m.start < e and s < m.end]
        if overlapping and not replace_any:
            if not all(s <= m.start and m.end <= e and m.end - m.start < e - s for m in overlapping):
                continue
        if any(m.start == s and m.end == e and m.source == source for m in overlapping):
            continue
        out = [m for m in out if m not in overlapping]
        out.append(_mention(text, s, e, sents, source))
        added += 1
    out.sort(key=lambda m: m.start)
    return out, added


def spot_user_places(user_places: Any, doc: Any, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with the occurrences of the user's places (a :class:`geo.userplaces.UserPlaces`
    or None) added."""
    if not user_places:
        return list(mentions)
    text = doc.text
    blocked = [(ent.start_char, ent.end_char, ent.label_) for ent in getattr(doc, "ents", ()) if ent.label_ in _NOT_PLACES]
    spans = []
    for s, e, _name in user_places.spot(text):
        # A listed name inside a longer name of a person or organisation ("Michael Jordan", "the
        # Camp Sahel Relief Committee") is not the place; one that is exactly an organisation's
        # name, or that holds a shorter entity ("Sahel camp" where spaCy saw a person "Sahel"), is.
        if any(bs < e and s < be and not (s <= bs and be <= e and ((bs, be) != (s, e) or label != "PERSON"))
               for bs, be, label in blocked):
            continue
        spans.append((s, e))
    return merge_spans(mentions, spans, text, sentences(doc), "user", replace_any=False)[0]
