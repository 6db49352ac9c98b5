"""Rules for physical and regional features: names built with a generic word ("the Scioto River",
"Lake Maracaibo", "the Gulf of Aden", "the Kosi river", "the river Oder") and names the feature
index knows that the text gives an article ("the Oder", "across the Sahel", "the Bosporus").

The rules only find the spans; :func:`geo.recognize._hints.annotate` says which kinds of feature
each names, and a feature span it gives no kind is no mention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.recognize._doc import char_span, name_run
from geo.recognize._spans import Source, Span
from geo.recognize._words import GENERIC_AFTER, GENERIC_BEFORE, INSTITUTION_HEADS, LOCATIVE, ORG_HEADS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context
    from geo.recognize._doc import Tokens

#: generic words that take "of" (or "de") before the name ("Gulf of Aden", "Lago de Maracaibo")
_WITH_OF = frozenset({"gulf", "golfo", "bay", "sea", "strait", "straits", "isle", "lago", "lac"})
_ARTICLES = ("the", "a", "an")
NAME_HEADS = INSTITUTION_HEADS | ORG_HEADS
_NOT_HERE = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "NORP"})
_LANDS = frozenset({"region", "desert", "range", "island"})
_MOVING = frozenset({"reach", "reached", "entered", "across", "through", "throughout", "into"})
_GENERIC_WORDS = GENERIC_AFTER | GENERIC_BEFORE | {"river"}
_THE = frozenset({"the"})


def heads_an_institution(t: Tokens, j: int) -> bool:
    """Token ``j``, after a name, makes it part of a venue's or an institution's name ("Mount Sinai
    Hospital", "the Black Sea Fleet", "the Ross County Fairgrounds")."""
    return j < len(t) and t.title(j) and t.lowers[j] in INSTITUTION_HEADS


def generic_names(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"the Scioto River", "Lake Maracaibo", "the Gulf of Aden", "the Kosi river", "the river Oder"."""
    t = ctx.tokens
    lowers = t.lowers
    for i in t.at(_GENERIC_WORDS):
        low = lowers[i]
        span = None
        if low in GENERIC_AFTER and i > 0 and t.title(i - 1):
            span = _before_generic(t, i, ctx)
        elif (low in GENERIC_BEFORE and t.title(i)
              or low == "river" and t.words[i].islower() and i > 0 and lowers[i - 1] == "the"):
            span = _after_generic(t, i, ctx)
        if span is not None:
            yield span


def _before_generic(t: Tokens, i: int, ctx: Context) -> Span | None:
    """The name before the generic word at token ``i``: with it when it is capitalised ("Scioto
    River"), without it when it is not ("the Kosi river")."""
    title = t.title(i)
    if not (title or t.words[i].islower()):
        return None
    run = name_run(t, i - 1, -1)
    if run is None:
        return None
    a, b = run
    while a < b and (t.lowers[a] in _ARTICLES or t.stop(a)):
        a += 1  # "The Hocking River", "In Scioto River ..."
    end = i + 1 if title else b
    if a >= b or heads_an_institution(t, end):
        return None
    s, e = char_span(t, a, end)
    name = ctx.text[s:e]
    if end < len(t) and t.title(end) and (not ctx.feature_kinds(name) or t.iobs[end] == "I"):
        return None  # "Operation Desert Storm", "the Sunny Hills Apartments", "Cedar River Seafood": a longer name
    return Span(s, e, "literal", Source.FEATURE, name)


def _after_generic(t: Tokens, i: int, ctx: Context) -> Span | None:
    """The name after the generic word at token ``i``: "Lake Maracaibo", "Gulf of Aden", "Strait
    of Hormuz"; after a lower-case "the river", the name alone ("the river Oder")."""
    n, lowers = len(t), t.lowers
    j = i + 1
    if lowers[i] in _WITH_OF:
        if j < n and lowers[j] in ("of", "de", "del"):
            j += 1
            j += 1 if j < n and lowers[j] in ("the", "la") else 0
        elif lowers[i] not in ("lago", "lac"):
            return None  # "Bay Village", "Sea Island": no "of", no feature's name
    if j >= n or not t.title(j):
        return None
    run = name_run(t, j, 1)
    if run is None or heads_an_institution(t, run[1]) or any(lowers[k] in NAME_HEADS for k in range(*run)):
        return None  # "Mount Sinai Hospital", "the Mount Pleasant Police Department"
    start = run[0] if t.words[i].islower() else i
    for b in range(run[1], run[0], -1):  # "Lake Victoria Nyanza": the longest name the index knows
        s, e = char_span(t, start, b)
        if ctx.feature_kinds(ctx.text[s:e]):
            return Span(s, e, "literal", Source.FEATURE, ctx.text[s:e])
    longest = 2 if lowers[i] in ("lake", "loch", "mount", "mt") else 1  # "Lake Lanier", not "the River Concert Series"
    if run[1] - run[0] > longest or run[1] < n and t.title(run[1]):
        return None
    s, e = char_span(t, start, run[1])
    return Span(s, e, "literal", Source.FEATURE, ctx.text[s:e])


def known_features(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"the Oder", "the Bosporus", "across the Sahel": a capitalised name the feature index knows
    (by its name or an alias), after "the"."""
    if ctx.features is None:
        return
    t = ctx.tokens
    n = len(t)
    for i in t.at(_THE):
        if i + 1 >= n or not t.title(i + 1):
            continue
        run = name_run(t, i + 1, 1)
        if run is None or heads_an_institution(t, run[1]):
            continue
        s, e = char_span(t, *run)
        name = ctx.text[s:e]
        if ctx.bare_feature_kinds(name) and ctx.demonym(name) is None:  # "the English city of ...": no river
            yield Span(s, e, "literal", Source.FEATURE, name)


def located_features(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"reached Darfur", "fighting in Kordofan": after a locative word, a name the feature index
    knows as a region, a desert, a range or an island and the gazetteer does not (waters take an
    article: "Cleared to Fly to ..." is no river; an organisation's name only after words of
    movement: "sold to Amazon" is the company)."""
    if ctx.features is None:
        return
    t = ctx.tokens
    n = len(t)
    for i in t.at(LOCATIVE):
        low = t.lowers[i]
        if i + 1 >= n or not t.title(i + 1) or t.ent_types[i + 1] in _NOT_HERE:
            continue
        if t.ent_types[i + 1] == "ORG" and low not in _MOVING:
            continue
        run = name_run(t, i + 1, 1)
        if run is None or heads_an_institution(t, run[1]):
            continue
        s, e = char_span(t, *run)
        name = ctx.text[s:e]
        if ctx.feature_kinds(name) & _LANDS and not ctx.knows(name):
            yield Span(s, e, "literal", Source.FEATURE, name)
