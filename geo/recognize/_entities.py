"""Rules that read spaCy's entities: its places, the major places it mistook for organisations,
demonyms, and places leading an organisation's name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.recognize._doc import org_follows
from geo.recognize._spans import Source, Span
from geo.recognize._words import LOCATIVE, PLACE_LABELS, RELABEL_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as Entity

    from geo.recognize._context import Context


def entities(doc: Doc, ctx: Context) -> Iterator[Span]:
    """spaCy's GPE/LOC/FAC entities, ORG/PRODUCT entities that are major places standing alone,
    and NORP entities that are demonyms (or places the model took for a group), in text order."""
    for ent in ctx.ents:
        label = ent.label_
        if label in PLACE_LABELS:
            span = ctx.place_entities.get(ent.start)
            if span is not None:
                yield span
        elif label in RELABEL_LABELS and _mislabelled_place(doc, ent, ctx):
            # "most of Harare", "stall owners in Calcutta": the small model took a major place for
            # an organisation or a product
            yield Span(ent.start_char, ent.end_char, "literal", Source.RELABELLED, ent.text)
        elif label == "NORP":
            yield from _group(doc, ent, ctx)


def _group(doc: Doc, ent: Entity, ctx: Context) -> Iterator[Span]:
    """"Syrian" as an adjectival mention of Syria, unless it opens a name ("Syrian Democratic
    Forces"); "fighting in Aleppo" when the model took the city for a group of people."""
    d = ctx.demonym(ent.text)
    if d and not org_follows(doc, ent.end):
        yield Span(ent.start_char, ent.end_char, "adjectival", Source.DEMONYM, ent.text, d[0])
    elif not d and ent.start > 0 and doc[ent.start - 1].lower_ in LOCATIVE and ctx.looks_like_place(ent.text):
        yield Span(ent.start_char, ent.end_char, "literal", Source.LOCATIVE, ent.text)


def _mislabelled_place(doc: Doc, ent: Entity, ctx: Context) -> bool:
    """An entity that is nothing but the name of a major place (a country, a division, a city of
    300,000+), standing alone: no capitalised word or "of" joined to it, not in capitals, not a
    person's surname."""
    if not ent.text[:1].isupper() or ent.text.isupper() or not ctx.is_place_name(ent.text, ctx.thresholds.mislabelled):
        return False
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    if before is not None and not ent[0].is_sent_start and (before.is_title or before.lower_ == "&"):
        return False
    if before is not None and before.lower_ == "of" and ent.start > 1 and doc[ent.start - 2].is_title \
            and not doc[ent.start - 2].is_sent_start:
        return False  # "the Bank of Harare"
    if after is not None and (after.is_title and not after.is_sent_start or after.lower_ in ("&",)):
        return False
    return ent.text.removesuffix("'s").removesuffix("’s") not in ctx.full_name_ends


def organisation_modifiers(doc: Doc, ctx: Context) -> Iterator[Span]:
    """A major place leading an organisation's name: "Ohio State University", "the Texas Fire Service"."""
    text = ctx.text
    for ent in ctx.ents:
        if ent.label_ != "ORG":
            continue
        toks = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        for n in (3, 2, 1):
            if len(toks) <= n:
                continue
            head = toks[:n]
            if not all(t.is_title or t.is_upper or t.text in ".-" for t in head):
                continue
            s, e = head[0].idx, head[-1].idx + len(head[-1].text)
            name = text[s:e]
            if ctx.demonym(name):
                break
            if ctx.is_major(name):
                yield Span(s, e, "literal", Source.MODIFIER, name)
                break
