"""What the text says of the places the rules found, set on their spans before the filters:

* the kinds of feature a span names (``feature_hint``): from its own generic word ("the Scioto
  River"), a lower-case one beside it ("the Kosi river", "the river Oder"), a context ("crossed
  the X", "downstream of X", "the banks of the X") or the article of a name the feature index
  knows ("the Oder") — never for a name whose main sense is a major place without such words;
* the country of a division named with a demonym ("the Venezuelan states of Zulia and Apure");
* names inside a venue's, an institution's or a road's name ("Ohio University", "Banco de
  Bogotá", "U.S. 33"), re-sourced as :attr:`Source.MODIFIER`: toponym corpora count them, maps
  and tables leave them out (see :meth:`geo.pipeline.Geoparser.pipe`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from geo._text import name_key
from geo.gazetteer._features import generic_core
from geo.recognize._doc import looks_like_noun, token_span
from geo.recognize._features import heads_an_institution
from geo.recognize._lists import ITEM
from geo.recognize._spans import Source, Span
from geo.recognize._words import (
    COMMON_FEATURE_WORDS,
    DEMONYM_DIVISIONS,
    FEATURE_NOUNS,
    GENERIC_AFTER,
    GENERIC_BEFORE,
    LOCATIVE,
    LOWER_GENERIC,
    ORG_OPENERS,
)
from geo.types import FEATURE_KINDS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context

_RIVER, _LAKE, _SEA = frozenset({"river"}), frozenset({"lake"}), frozenset({"sea"})
_WATER = frozenset({"river", "lake", "sea"})
#: words before a name (ending where it starts) and the kinds of feature they make it
_CONTEXTS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple((re.compile(p, re.IGNORECASE), k) for p, k in (
    (r"\b(?:down|up)stream (?:of|from) (?:the )?$", _RIVER),
    (r"\b(?:banks?|mouth|source|headwaters|tributar(?:y|ies)|estuary|course|bend) of (?:the )?$", _RIVER | _LAKE),
    (r"\b(?:shores?|shoreline) of (?:the )?$", _LAKE | _SEA),
    (r"\bwaters? of (?:the )?$", _WATER),
    (r"\bcross(?:ed|es|ing)? the $", _RIVER | _SEA | frozenset({"range", "desert"})),
    (r"\balong the $", _WATER | frozenset({"range"})),
    (r"\b(?:flood(?:s|ed|ing)?|floodwaters?|levels?|crest(?:ed|ing)?|surge) (?:on|of|along|in|from) the $", _RIVER | _LAKE),
    (r"\bthe (?:swollen|flooded|rising|overflowing|mighty|upper|lower) $", _RIVER | _LAKE),
    (r"\b(?:ships?|shipping|tankers?|vessels?|boats?|barges?|ferr(?:y|ies)|warships?|fleets?|navy|sail(?:ed|ing)?|"
     r"patrols?|transit(?:ed|ing|s)?) (?:on|in|across|through|into|from|of|to|up|down) the $", _WATER),
    (r"\b(?:transited|transiting|navigated|navigating|blockaded?|blockading|patrolled|patrolling|dredged) the $",
     _WATER),
))
_PREPOSITIONS = frozenset({"near", "past", "beside", "along", "below", "above", "beyond", "before", "after"})
_ARTICLE_BEFORE = re.compile(r"\bthe $", re.IGNORECASE)
#: "U.S. 33", "Ohio 104", "S.C. 6": a road named after a country or a state
_ROAD_NUMBER = re.compile(r" \d{1,4}[A-Z]?(?=[,.;:)/]|$|\s+(?:north|south|east|west|\w+bound|near|at|and|or|between|in|"
                          r"from|to|through|until|past|on|[A-Z]))")
#: "A1", "M25", "I-70", "Route 9", "Highway 1": a road's own name
_ROAD_NAME = re.compile(r"(?:[A-Z]{1,2}-?\d{1,4}|(?:State |County |U\.S\. )?(?:Route|Highway|Hwy|Interstate|Road|"
                        r"Ruta|Autoroute|Autobahn)\s+\d{1,4}[A-Z]?)")
_OPENER_BEFORE = re.compile(r"\b(\w+) (?:of|de|del|do|da) (?:the |la |el )?$")
_OPENER_ENDS = (" of ", " de ", " del ", " do ", " da ", " the ", " la ", " el ")
# (the word boundary before the demonym is tested after its capital, so that the engine skips to capitals)
_DIVISIONS = re.compile(rf"([A-Z](?<!\w.)[\w\-]+) (?:{'|'.join(DEMONYM_DIVISIONS)}) of ((?:{ITEM})(?:, (?:{ITEM}))*"
                        rf"(?:,? (?:and|or) (?:{ITEM}))?)")


def annotate(spans: list[Span], doc: Doc, ctx: Context) -> list[Span]:
    """``spans`` with their feature hints, country hints and sources set; feature spans that name
    no kind of feature are left out."""
    divisions = ctx.demonym_divisions
    out = []
    for span in spans:
        hint = feature_hint(span, doc, ctx) if span.literal else ()
        if span.source is Source.FEATURE and not hint:
            continue
        country = next((cc for s, e, cc in divisions if s <= span.start and span.end <= e), span.country_hint)
        if hint != span.feature_hint or country != span.country_hint:
            span = replace(span, feature_hint=hint, country_hint=country)
        out.append(span)
    return out


def within_names(spans: list[Span], doc: Doc, ctx: Context) -> list[Span]:
    """``spans`` (those kept, after the filters), the names inside a venue's, an institution's or a
    road's name re-sourced as :attr:`Source.MODIFIER`."""
    return [replace(s, source=Source.MODIFIER) if s.literal and _within_a_name(s, doc, ctx) else s for s in spans]


def lend_hints(propagated: list[Span], kept: list[Span], doc: Doc, ctx: Context) -> list[Span]:
    """The occurrences one sense per discourse found, annotated, each with the feature hint of the
    span kept under its name when its own words give none ("the Oder" ... "Oder" -> a river) —
    unless the rules found the name as often without a hint as with one ("Mandal lies at the
    mouth of the Mandal river ... Mandal's harbour": the town, named after its river)."""
    hints: dict[str, tuple[str, ...]] = {}
    votes: dict[str, int] = {}
    for k in kept:
        if k.literal:
            name = ctx.text[k.start:k.end]
            votes[name] = votes.get(name, 0) + (1 if k.feature_hint else -1)
            if k.feature_hint:
                hints.setdefault(name, k.feature_hint)
    hints = {name: hint for name, hint in hints.items() if votes[name] > 0}
    out = []
    for span in annotate(propagated, doc, ctx):
        hint = hints.get(ctx.text[span.start:span.end])
        out.append(replace(span, feature_hint=hint) if hint and not span.feature_hint else span)
    return out


def feature_hint(span: Span, doc: Doc, ctx: Context) -> tuple[str, ...]:
    """The kinds of feature the text names the span as, in the order of :data:`FEATURE_KINDS`."""
    name = ctx.text[span.start:span.end]
    toks = token_span(ctx.tokens, doc, span.start, span.end)
    if toks is None or _a_person(span, toks, ctx):
        return ()
    kinds = _own_kinds(name, span, ctx) or _word_kinds(name, toks, ctx) or _context_kinds(name, span, toks, doc, ctx)
    return tuple(k for k in FEATURE_KINDS if k in kinds)


def _a_person(span: Span, toks: tuple[int, int], ctx: Context) -> bool:
    """"Robin Lake, a senior at ...": exactly what the model took for a person's name, without an
    article before it, and no feature's name."""
    t, (a, b) = ctx.tokens, toks
    exact = t.iobs[a] == "B" and (b == len(t) or t.iobs[b] != "I")
    return (exact and all(label == "PERSON" for label in t.ent_types[a:b])
            and _ARTICLE_BEFORE.search(ctx.text, max(0, span.start - 4), span.start) is None
            and not ctx.feature_kinds(ctx.text[span.start:span.end]))  # "under Bass Strait" is the strait


def _own_kinds(name: str, span: Span, ctx: Context) -> frozenset[str]:
    """"Scioto River", "Lake Maracaibo": the kinds of the name's own generic word — unless the
    feature index does not know it and the gazetteer does ("Lake Placid", "Fall River"), or it is
    also a town of note and no article or context makes it the feature."""
    words = name.lower().split()
    if words[0].rstrip(".") not in GENERIC_BEFORE and words[-1] not in GENERIC_AFTER:
        return frozenset()  # no generic word: spare the normalisation
    norm = name_key(name)
    core = generic_core(norm)
    if core is None:
        return frozenset()
    known = ctx.feature_kinds(name) & core[1]
    if not known:
        # unknown to both: the generic word says it ("Lake Lanier", "the Kanawha River"), unless a
        # longer title follows an opening word ("the River Concert Series")
        opening = not norm.startswith(core[0])
        longest = 1 if opening and norm.split()[0] in ("river", "rio") else 2
        return frozenset() if ctx.knows(name) or opening and len(core[0].split()) > longest else core[1]
    if ctx.is_place_name(name, ctx.thresholds.listed) and not _article_or_context(ctx.text, span.start):
        return frozenset()
    return known


def _word_kinds(name: str, toks: tuple[int, int], ctx: Context) -> frozenset[str]:
    """"the Kosi river", "the Donbas region", "the river Oder": a lower-case generic word beside the name."""
    t, (a, b) = ctx.tokens, toks
    word = None
    if b < len(t) and t.words[b].islower() and t.lowers[b] in LOWER_GENERIC:
        word = t.lowers[b]
        known = ctx.feature_kinds(f"{name} {word}")
    elif a > 0 and t.lowers[a - 1] in ("river", "lake") and t.words[a - 1].islower():
        word = t.lowers[a - 1]
        known = ctx.feature_kinds(f"{word} {name}")
    if word is None:
        return frozenset()
    kinds, strong = LOWER_GENERIC[word]
    return (known & kinds) or (kinds if strong and not ctx.is_major(name) else frozenset())


def _context_kinds(name: str, span: Span, toks: tuple[int, int], doc: Doc, ctx: Context) -> frozenset[str]:
    """"crossed the Oder", "downstream of the Scioto", "the Bosporus": a name the feature index
    knows, named as the object of a context (the kinds the context allows) or with an article
    (unless its main sense is a major place), and not as a modifier of a noun ("the Amazon deal")."""
    known = ctx.bare_feature_kinds(name)
    if not known:
        return frozenset()
    t, (a, b) = ctx.tokens, toks
    nxt = b if b < len(t) else None
    if nxt is not None and (t.title(nxt) or t.words[nxt] == "-" and not doc[nxt].whitespace_):
        # "the Ohio Department of Transportation", "the Minnesota House": a longer name; "the
        # Arkansas-Oklahoma border": a compound of two states
        return frozenset()
    if (nxt is not None and (t.ent_types[a] in ("ORG", "PRODUCT") or ctx.is_major(name))
            and looks_like_noun(t, nxt) and t.lowers[nxt] not in FEATURE_NOUNS and t.lowers[nxt] not in LOCATIVE
            and t.lowers[nxt] not in _PREPOSITIONS):
        return frozenset()  # "the Amazon deal", "the Kentucky border", "the Georgia state line"
    allowed = _context(ctx.text, span.start)
    if allowed and known & allowed:
        return known & allowed
    if name.lower() in COMMON_FEATURE_WORDS:
        return frozenset()
    if _ARTICLE_BEFORE.search(ctx.text, max(0, span.start - 4), span.start) and not ctx.is_country_or_city(name):
        return known
    # "reached Darfur", "Vietnam's Mekong Delta": only a feature has the name
    return known if not ctx.knows(name) and ctx.feature_kinds(name) else frozenset()


def _context(text: str, start: int) -> frozenset[str]:
    for pattern, kinds in _CONTEXTS:
        if pattern.search(text, max(0, start - 60), start):
            return kinds
    return frozenset()


def _article_or_context(text: str, start: int) -> bool:
    return bool(_ARTICLE_BEFORE.search(text, max(0, start - 4), start) or _context(text, start))


def _within_a_name(span: Span, doc: Doc, ctx: Context) -> bool:
    """A place name inside a venue's or institution's name ("Ohio University", "the Ross County
    Fairgrounds", "Banco de Bogotá") or a road's ("U.S. 33", "Route 9")."""
    text = ctx.text
    name = text[span.start:span.end]
    if _ROAD_NAME.fullmatch(name) or _ROAD_NUMBER.match(text, span.end) and len(name.split()) <= 2:
        return True
    toks = token_span(ctx.tokens, doc, span.start, span.end)
    if toks is not None and heads_an_institution(ctx.tokens, toks[1]):
        return True
    if not text.endswith(_OPENER_ENDS, max(0, span.start - 30), span.start):
        return False  # (what _OPENER_BEFORE needs, tested first: most names follow none of these)
    m = _OPENER_BEFORE.search(text, max(0, span.start - 30), span.start)
    return m is not None and m.group(1)[:1].isupper() and m.group(1).lower() in ORG_OPENERS


def demonym_divisions(ctx: Context) -> list[tuple[int, int, str]]:
    """The stretches of text that list divisions named with their country's demonym, and the
    country: "the Venezuelan states of Zulia and Apure" -> (start, end, "VE")."""
    out: list[tuple[int, int, str]] = []
    if not _names_divisions_of(ctx.text):
        return out  # (what _DIVISIONS needs, looked for first: most texts list no such divisions)
    for m in _DIVISIONS.finditer(ctx.text):
        d = ctx.demonym(m.group(1))
        if d:
            out.append((m.start(2), m.end(2), d[0]))
    return out


_DIVISION_WORDS = frozenset(DEMONYM_DIVISIONS)


def _names_divisions_of(text: str) -> bool:
    """Somewhere a word of :data:`DEMONYM_DIVISIONS` stands after a space and before " of "."""
    at = text.find(" of ")
    while at != -1:
        if text[text.rfind(" ", 0, at) + 1:at] in _DIVISION_WORDS:
            return True
        at = text.find(" of ", at + 1)
    return False
