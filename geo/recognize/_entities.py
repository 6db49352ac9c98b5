"""Rules that read spaCy's entities: its places, the major places it mistook for organisations,
demonyms, and places leading an organisation's name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.recognize._doc import char_span, org_follows
from geo.recognize._spans import Source, Span
from geo.recognize._words import LOCATIVE, PLACE_LABELS, RELABEL_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context
    from geo.recognize._doc import Entity


def entities(doc: Doc, ctx: Context) -> Iterator[Span]:
    """spaCy's GPE/LOC/FAC entities, ORG/PRODUCT entities that are major places standing alone,
    and NORP entities that are demonyms (or places the model took for a group), in text order."""
    for ent in ctx.ents:
        label = ent.label
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
    if d and not org_follows(ctx.tokens, ent.end):
        yield Span(ent.start_char, ent.end_char, "adjectival", Source.DEMONYM, ent.text, d[0])
    elif not d and ent.start > 0 and ctx.lowers[ent.start - 1] in LOCATIVE and ctx.looks_like_place(ent.text):
        yield Span(ent.start_char, ent.end_char, "literal", Source.LOCATIVE, ent.text)


def _mislabelled_place(doc: Doc, ent: Entity, ctx: Context) -> bool:
    """An entity that is nothing but the name of a major place (a country, a division, a city of
    300,000+), standing alone: no capitalised word or "of" joined to it, not in capitals, not a
    person's surname."""
    if not ent.text[:1].isupper() or ent.text.isupper() or not ctx.is_place_name(ent.text, ctx.thresholds.mislabelled):
        return False
    t, a, b = ctx.tokens, ent.start, ent.end
    if a > 0 and not t.sent_starts[a] and (t.title(a - 1) or t.lowers[a - 1] == "&"):
        return False
    if a > 0 and t.lowers[a - 1] == "of" and a > 1 and t.title(a - 2) and not t.sent_starts[a - 2]:
        return False  # "the Bank of Harare"
    if b < len(t) and (t.title(b) and not t.sent_starts[b] or t.lowers[b] in ("&",)):
        return False
    return ent.text.removesuffix("'s").removesuffix("’s") not in ctx.full_name_ends


def organisation_modifiers(doc: Doc, ctx: Context) -> Iterator[Span]:
    """A major place leading an organisation's name: "Ohio State University", "the Texas Fire Service"."""
    text, t = ctx.text, ctx.tokens
    words = t.words
    for ent in ctx.ents:
        if ent.label != "ORG":
            continue
        toks = [k for k in range(ent.start, ent.end) if not (k == ent.start and t.lowers[k] == "the")]
        for n in (3, 2, 1):
            if len(toks) <= n:
                continue
            head = toks[:n]
            if not all(words[k].istitle() or words[k].isupper() or words[k] in ".-" for k in head):
                continue
            s, e = char_span(t, head[0], head[-1] + 1)
            name = text[s:e]
            if ctx.demonym(name):
                break
            if ctx.is_major(name):
                yield Span(s, e, "literal", Source.MODIFIER, name)
                break
