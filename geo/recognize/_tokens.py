"""Rules that read the tokens around a name: the words that mark it as a place ("the village of X",
"X province", "near X"), its use as a modifier ("a Gainesville man") and names in capitals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.recognize._doc import char_span, entity_at, looks_like_noun, name_run, whole_entity
from geo.recognize._spans import Source, Span
from geo.recognize._words import (
    BLOCKING_LABELS,
    DIVISION_TRIGGERS,
    DIVISION_WORDS,
    HEADINGS,
    KEEPER_NOUNS,
    LOCATIVE,
    LOCATIVE_BLOCKERS,
    MOTION,
    ORG_HEADS,
    PERSON_HEADS,
    STRONG_LOCATIVE,
    TRIGGERS_AFTER,
    TRIGGERS_BEFORE,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context


def _trigger_of(doc: Doc, i: int) -> bool:
    """Token i is a lower-case "village", "province", ... followed by "of" and a word."""
    tok = doc[i]
    return tok.lower_ in TRIGGERS_BEFORE and i + 2 < len(doc) and doc[i + 1].lower_ == "of" and not tok.is_title


def trigger_before(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"the village of Baghuz": the name after "<trigger> of"."""
    for i, low in enumerate(ctx.lowers):
        if low in TRIGGERS_BEFORE and _trigger_of(doc, i) and (run := name_run(doc, i + 2, 1)) and doc[run[1] - 1].lower_ not in ORG_HEADS:
            s, e = char_span(doc, *run)
            yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def division_names(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"Laurel County", "Anbar Province": the capitalised division word is part of the name."""
    for i, low in enumerate(ctx.lowers):
        if low not in DIVISION_WORDS or not (doc[i].is_title and i > 0 and doc[i - 1].is_title):
            continue
        tok = doc[i]
        run = name_run(doc, i - 1, -1)
        if run and doc[run[0]].lower_ not in ("the", "a", "an") and not doc[run[0]].is_stop:
            s, e = doc[run[0]].idx, tok.idx + len(tok.text)
            if not any(ch.isdigit() for ch in ctx.text[s:e]):
                yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def trigger_after(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"Idlib province", "the Jordan valley": a name the gazetteer knows before a lower-case trigger
    word (any name before "province", "governorate", "district" or "county")."""
    for i, low in enumerate(ctx.lowers):
        if (low not in TRIGGERS_AFTER or i == 0 or doc[i].is_title or _trigger_of(doc, i)
                or doc[i - 1].ent_type_ in BLOCKING_LABELS):
            continue
        run = name_run(doc, i - 1, -1)
        if run and not doc[run[0]].is_sent_start:
            s, e = char_span(doc, *run)
            if ctx.knows(ctx.text[s:e]) or low in DIVISION_TRIGGERS:
                yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def _after_locative(doc: Doc, i: int) -> bool:
    """Token i is a locative word followed by a name that is no entity (or, after "in", "near", ...,
    an organisation entity that is nothing but a short name)."""
    low = doc[i].lower_
    if low not in LOCATIVE or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1].ent_type_
    return nxt not in LOCATIVE_BLOCKERS or nxt == "ORG" and whole_entity(doc, i + 1)


def _place_context(doc: Doc, i: int, name: str, ctx: Context) -> bool:
    """The locative word at token i makes a name spaCy took for a person or an organisation a
    place: "in", "near", ... ; any locative word for a name of the user's places; "moved to",
    "fled from", "reached", "towards", "east to" for a major place ("The army moved to Maracaibo")."""
    low = doc[i].lower_
    if low in STRONG_LOCATIVE or ctx.is_user_place(name):
        return True
    # "moved to", "towards", "(ships moved) east to"
    moving = (low in ("reach", "reached", "entered", "visited", "towards", "toward")
              or i > 0 and (doc[i - 1].lower_ in MOTION or low == "to" and doc[i - 1].lower_ in HEADINGS))
    # not "sent to the Duma", nor "came to Trapani" where Andy Trapani is the story's producer
    return (moving and ctx.lowers[i + 1] != "the" and ctx.is_major(name)
            and not any(w in ctx.full_name_words for w in name.split()))


def after_locative(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"near al-Bab": a name the gazetteer knows, after a locative word, not already an entity."""
    n = len(doc)
    for i, low in enumerate(ctx.lowers):
        if low not in LOCATIVE or not _after_locative(doc, i):
            continue
        j = i + 2 if doc[i + 1].lower_ == "the" and i + 2 < n else i + 1
        run = name_run(doc, j, 1)
        if not run:
            continue
        s, e = char_span(doc, *run)
        name = ctx.text[s:e]
        person = doc[run[0]].ent_type_ in ("PERSON", "ORG")
        if person and not _place_context(doc, i, name, ctx):
            continue
        if ctx.looks_like_place(name):
            yield Span(s, e, "literal", Source.LOCATIVE if person else Source.GAZETTEER, name)


def _may_modify(doc: Doc, a: int, b: int, ctx: Context) -> bool:
    """The run of capitalised tokens a:b could modify the noun after it: no stop word, a word after
    it, and no entity other than exactly this name tagged as a person or an organisation (never a
    word of a person's full name)."""
    if any(doc[k].is_stop for k in range(a, b)) or b >= len(doc):
        return False
    if any(doc[k].ent_type_ for k in range(a, b)):
        # spaCy often takes "a Gainesville man" for a person or an organisation
        ent = entity_at(doc, a)
        if (ent is None or ent != (a, b) or doc[a].ent_type_ not in ("ORG", "PERSON")
                or doc[a].text in ctx.full_name_words):
            return False
    return True


def _a_keepers_thing(doc: Doc, a: int, b: int) -> bool:
    """"Buffalo herders moved ...": one word, capitalised only because it opens the sentence, that
    no entity holds, before people named after what they keep — the animal, not the city."""
    return b == a + 1 and bool(doc[a].is_sent_start) and not doc[a].ent_type_ and doc[b].lower_ in KEEPER_NOUNS


def noun_modifiers(doc: Doc, ctx: Context) -> Iterator[Span]:
    """A place name used as a modifier: "a Gainesville man", "Gainesville's mayor", "Aleppo residents"."""
    i, n = 0, len(doc)
    words = ctx.words
    while i < n:
        if not words[i].istitle():  # the token's is_title, without a token object for every word
            i += 1
            continue
        t = doc[i]
        if t.ent_type_ not in ("", "ORG", "PERSON") or t.is_stop:
            i += 1
            continue
        run = name_run(doc, i, 1)
        if not run:
            i += 1
            continue
        a, b = run
        if _may_modify(doc, a, b, ctx) and not _a_keepers_thing(doc, a, b):
            nxt = doc[b]
            if (looks_like_noun(nxt) or nxt.text in ("'s", "’s")) and nxt.lower_ not in PERSON_HEADS:
                s, e = char_span(doc, a, b)
                name = ctx.text[s:e]
                entity = bool(doc[a].ent_type_)
                limit = ctx.thresholds.modifier_entity if entity else ctx.thresholds.modifier
                if not ctx.demonym(name) and ctx.is_place_name(name, limit):
                    yield Span(s, e, "literal", Source.LOCATIVE if entity else Source.GAZETTEER, name)
        i = b


def capitals(doc: Doc, ctx: Context) -> Iterator[Span]:
    """Names in capitals ("COLUMBUS, Ohio (AP) —", headlines) that the gazetteer knows well."""
    i, n = 0, len(doc)
    words = ctx.words
    while i < n:
        w = words[i]  # the token's text: is_upper, is_alpha and len of the token
        if not (w.isupper() and w.isalpha() and len(w) >= 3) or doc[i].ent_type_ in BLOCKING_LABELS:
            i += 1
            continue
        j = i
        while j < n and words[j].isupper() and words[j].isalpha():
            j += 1
        s, e = char_span(doc, i, j)
        name = ctx.text[s:e]
        if len(name) >= 4 and not ctx.demonym(name) and ctx.is_place_name(name, ctx.thresholds.capitals):
            yield Span(s, e, "literal", Source.DATELINE, name)
        i = j
