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
    from geo.recognize._doc import Tokens


def _trigger_of(t: Tokens, i: int) -> bool:
    """Token i is a lower-case "village", "province", ... followed by "of" and a word."""
    return t.lowers[i] in TRIGGERS_BEFORE and i + 2 < len(t) and t.lowers[i + 1] == "of" and not t.title(i)


def trigger_before(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"the village of Baghuz": the name after "<trigger> of"."""
    t = ctx.tokens
    for i in t.at(TRIGGERS_BEFORE):
        if _trigger_of(t, i) and (run := name_run(t, i + 2, 1)) and t.lowers[run[1] - 1] not in ORG_HEADS:
            s, e = char_span(t, *run)
            yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def division_names(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"Laurel County", "Anbar Province": the capitalised division word is part of the name."""
    t = ctx.tokens
    for i in t.at(DIVISION_WORDS):
        if not (t.title(i) and i > 0 and t.title(i - 1)):
            continue
        run = name_run(t, i - 1, -1)
        if run and t.lowers[run[0]] not in ("the", "a", "an") and not t.stop(run[0]):
            s, e = t.starts[run[0]], t.starts[i] + len(t.words[i])
            if not any(ch.isdigit() for ch in ctx.text[s:e]):
                yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def trigger_after(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"Idlib province", "the Jordan valley": a name the gazetteer knows before a lower-case trigger
    word (any name before "province", "governorate", "district" or "county")."""
    t = ctx.tokens
    for i in t.at(TRIGGERS_AFTER):
        low = t.lowers[i]
        if (i == 0 or t.title(i) or _trigger_of(t, i)
                or t.ent_types[i - 1] in BLOCKING_LABELS):
            continue
        run = name_run(t, i - 1, -1)
        if run and not t.sent_starts[run[0]]:
            s, e = char_span(t, *run)
            if ctx.knows(ctx.text[s:e]) or low in DIVISION_TRIGGERS:
                yield Span(s, e, "literal", Source.TRIGGER, ctx.text[s:e])


def _after_locative(t: Tokens, i: int) -> bool:
    """Token i is a locative word followed by a name that is no entity (or, after "in", "near", ...,
    an organisation entity that is nothing but a short name)."""
    if t.lowers[i] not in LOCATIVE or i + 1 >= len(t):
        return False
    nxt = t.ent_types[i + 1]
    return nxt not in LOCATIVE_BLOCKERS or nxt == "ORG" and whole_entity(t, i + 1)


def _place_context(t: Tokens, i: int, name: str, ctx: Context) -> bool:
    """The locative word at token i makes a name spaCy took for a person or an organisation a
    place: "in", "near", ... ; any locative word for a name of the user's places; "moved to",
    "fled from", "reached", "towards", "east to" for a major place ("The army moved to Maracaibo")."""
    low = t.lowers[i]
    if low in STRONG_LOCATIVE or ctx.is_user_place(name):
        return True
    # "moved to", "towards", "(ships moved) east to"
    moving = (low in ("reach", "reached", "entered", "visited", "towards", "toward")
              or i > 0 and (t.lowers[i - 1] in MOTION or low == "to" and t.lowers[i - 1] in HEADINGS))
    # not "sent to the Duma", nor "came to Trapani" where Andy Trapani is the story's producer
    return (moving and ctx.lowers[i + 1] != "the" and ctx.is_major(name)
            and not any(w in ctx.full_name_words for w in name.split()))


def after_locative(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"near al-Bab": a name the gazetteer knows, after a locative word, not already an entity."""
    t = ctx.tokens
    n = len(t)
    for i in t.at(LOCATIVE):
        if not _after_locative(t, i):
            continue
        j = i + 2 if t.lowers[i + 1] == "the" and i + 2 < n else i + 1
        run = name_run(t, j, 1)
        if not run:
            continue
        s, e = char_span(t, *run)
        name = ctx.text[s:e]
        person = t.ent_types[run[0]] in ("PERSON", "ORG")
        if person and not _place_context(t, i, name, ctx):
            continue
        if ctx.looks_like_place(name):
            yield Span(s, e, "literal", Source.LOCATIVE if person else Source.GAZETTEER, name)


def _may_modify(t: Tokens, a: int, b: int, ctx: Context) -> bool:
    """The run of capitalised tokens a:b could modify the noun after it: no stop word, a word after
    it, and no entity other than exactly this name tagged as a person or an organisation (never a
    word of a person's full name)."""
    if any(t.stop(j) for j in range(a, b)) or b >= len(t):
        return False
    if any(t.ent_types[a:b]):
        # spaCy often takes "a Gainesville man" for a person or an organisation
        ent = entity_at(t, a)
        if (ent is None or ent != (a, b) or t.ent_types[a] not in ("ORG", "PERSON")
                or t.words[a] in ctx.full_name_words):
            return False
    return True


def _a_keepers_thing(t: Tokens, a: int, b: int) -> bool:
    """"Buffalo herders moved ...": one word, capitalised only because it opens the sentence, that
    no entity holds, before people named after what they keep — the animal, not the city."""
    return b == a + 1 and bool(t.sent_starts[a]) and not t.ent_types[a] and t.lowers[b] in KEEPER_NOUNS


def noun_modifiers(doc: Doc, ctx: Context) -> Iterator[Span]:
    """A place name used as a modifier: "a Gainesville man", "Gainesville's mayor", "Aleppo residents"."""
    t = ctx.tokens
    words = t.words
    n = len(words)
    after = 0  # (a run read is not read again from its second word)
    for i in [k for k, w in enumerate(words) if w.istitle()]:  # the tokens' is_title
        if i < after or t.ent_types[i] not in ("", "ORG", "PERSON") or t.stop(i):
            continue
        run = name_run(t, i, 1)
        if not run:
            continue
        a, b = run
        after = b
        # the noun after the run first: most runs are followed by none
        if b >= n or not (looks_like_noun(t, b) or words[b] in ("'s", "’s")) or t.lowers[b] in PERSON_HEADS:
            continue
        if _may_modify(t, a, b, ctx) and not _a_keepers_thing(t, a, b):
            s, e = char_span(t, a, b)
            name = ctx.text[s:e]
            entity = bool(t.ent_types[a])
            limit = ctx.thresholds.modifier_entity if entity else ctx.thresholds.modifier
            if not ctx.demonym(name) and ctx.is_place_name(name, limit):
                yield Span(s, e, "literal", Source.LOCATIVE if entity else Source.GAZETTEER, name)


def capitals(doc: Doc, ctx: Context) -> Iterator[Span]:
    """Names in capitals ("COLUMBUS, Ohio (AP) —", headlines) that the gazetteer knows well."""
    t = ctx.tokens
    n = len(t)
    words = t.words
    after = 0  # (a run read is not read again from its second word)
    for i in [k for k, w in enumerate(words) if w.isupper()]:  # the token's text: is_upper, is_alpha, len
        w = words[i]
        if i < after or not (w.isalpha() and len(w) >= 3) or t.ent_types[i] in BLOCKING_LABELS:
            continue
        j = i
        while j < n and words[j].isupper() and words[j].isalpha():
            j += 1
        after = j
        s, e = char_span(t, i, j)
        name = ctx.text[s:e]
        if len(name) >= 4 and not ctx.demonym(name) and ctx.is_place_name(name, ctx.thresholds.capitals):
            yield Span(s, e, "literal", Source.DATELINE, name)
