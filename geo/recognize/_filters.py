"""The filters: named predicates that say why a span is no place of the story. Each takes a span and
the document's context and returns True to drop the span."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from functools import cache
from typing import TYPE_CHECKING

from geo._text import whole_words
from geo.recognize._spans import Span, Trait
from geo.recognize._words import DIRECTIONS, LANGUAGE_NOUNS, LANGUAGE_VERBS, MONTHS_DAYS, ORG_HEADS

if TYPE_CHECKING:
    from geo.recognize._context import Context

Filter = Callable[[Span, "Context"], bool]

#: words that end the title of a newspaper or a news service ("the Springfield Courier")
PUBLICATION_HEADS = ("Times", "Post", "Journal", "Herald", "Tribune", "Daily", "Gazette", "News", "Star",
                     "Chronicle", "Register", "Sentinel", "Observer", "Examiner", "Courier", "Inquirer",
                     "Dispatch", "Telegraph", "Guardian", "Bulletin", "Mirror", "Standard", "Independent")
# After the place name: up to three more capitalised words, then a head word that ends the title
# (no capitalised word follows: "Post No. 12" is not a newspaper).
_PUBLICATION = re.compile(r"(?:['’]s)?(?: (?:[A-Z][\w\-]*|&)){0,3}? (?:" + "|".join(PUBLICATION_HEADS)
                          + r")\b\.?(?! ?[A-Z&])")
# Before the place name: a broadcaster's or a newspaper's opening word ("Radio Springfield", "the Times of Ruritania").
_PUBLICATION_BEFORE = re.compile(r"\b(?:Radio|Television|TV|(?:" + "|".join(PUBLICATION_HEADS) + r") of(?: the)?) $")
_PUBLICATION_BEFORE_ENDS = ("Radio ", "Television ", "TV ", " of ", " the ")
#: words after a name that make it the name of a disease ("Marburg virus", "Lassa fever")
DISEASE_AFTER = re.compile(r"[\s\-]+(?:virus|viruses|viral|fever|flu|influenza|disease|syndrome|strain|variant|"
                           r"encephalitis|virion|ebolavirus|hemorrhagic|haemorrhagic)\b", re.IGNORECASE)
_DISEASE_END = re.compile(DISEASE_AFTER.pattern + "$", re.IGNORECASE)  # "West Nile Virus" as one entity
# Before a name: words that make it what one dies of, is infected with or vaccinated against.
_DISEASE_BEFORE = re.compile(r"\b(?:(?:died|dies|die|dying|deaths?|suffering|suffered)\s+(?:of|from)"
                             r"|(?:cases?|symptoms|strains?|outbreaks?|epidemics?)\s+of"
                             r"|(?:tested|infected|diagnosed)\s+(?:with|for|positive\s+for)"
                             r"|(?:vaccines?|vaccinated|vaccination|treatment|treated|immunity|immuni[sz]ed)"
                             r"\s+(?:for|against)"
                             r"|combat|combating|combatting|contracted|contracting)\s+$", re.IGNORECASE)
# The words _DISEASE_BEFORE ends with: one of these ends the text before the name (tested first).
_DISEASE_BEFORE_ENDS = ("of", "from", "with", "for", "against", "combat", "combating", "combatting", "contracted",
                        "contracting")
_ASCII_DIGIT = re.compile(r"[0-9]")
_ROAD = re.compile(r"\b(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Highway|Hwy|Route|Interstate|Lane|Drive|"
                   r"Parkway|Pkwy|Way|Place|Square)\b")


# -- text-level tests -------------------------------------------------------------------------
def names_a_publication(text: str, start: int, end: int) -> bool:
    """The name at ``start:end`` is part of a newspaper's or broadcaster's title ("the Springfield
    Daily Courier", "Radio Springfield")."""
    return (_PUBLICATION.match(text, end) is not None
            or text.endswith(_PUBLICATION_BEFORE_ENDS, max(0, start - 20), start)  # (what it needs, first)
            and _PUBLICATION_BEFORE.search(text, max(0, start - 20), start) is not None)


def disease_names(text: str, names: Iterable[str]) -> frozenset[str]:
    """Those of ``names`` that the text uses, somewhere, as the name of a disease.

    One sense per discourse: "Lassa fever" or "cases of Lassa" make every "Lassa" of the text the
    disease, not the town it was named after.
    """
    out = set()
    for name in names:
        for s, e in whole_words(text, (name,)):
            if DISEASE_AFTER.match(text, e) or _disease_before(text, s):
                out.add(name)
                break
    return frozenset(out)


def _disease_before(text: str, s: int) -> bool:
    """:data:`_DISEASE_BEFORE` ends the 40 characters before ``s``: searched for only when they end
    in white space after one of its last words (an ASCII text's lower case is what IGNORECASE
    matches; any other is searched for as it is)."""
    window = text[max(0, s - 40):s]
    if not window[-1:].isspace():
        return False
    tail = window.rstrip()
    if tail.isascii() and not tail.lower().endswith(_DISEASE_BEFORE_ENDS):
        return False
    return _DISEASE_BEFORE.search(text, max(0, s - 40), s) is not None


def numbered_non_place(name: str) -> bool:
    """A name with a number that is not a road's: "District 3", "3rd Ward", "H5N2", "K-8"."""
    if name.isascii():  # (most names: an ASCII character is a digit when it is 0-9)
        return _ASCII_DIGIT.search(name) is not None and _ROAD.search(name) is None
    return any(ch.isdigit() for ch in name) and _ROAD.search(name) is None


def common_word(name: str, lower_words: Container[str]) -> bool:
    """A one-word name that is a month or day, or that this very text also uses as a lower-case word."""
    if " " in name or "." in name:
        return False
    low = name.lower()
    return low in MONTHS_DAYS or (low in lower_words and not name.isupper())


def _name(span: Span, ctx: Context) -> str:
    return ctx.text[span.start:span.end]


# -- the entity filters: spans of the first rules that are neither known nor marked as places ----
def surname(span: Span, ctx: Context) -> bool:
    """The last name of a person the text names in full ("Anna Smith ... Smith said"), unless a major place."""
    name = _name(span, ctx)
    return (span.literal and span.source.has(Trait.SURNAME_CHECKED) and name in ctx.surnames
            and not ctx.is_major(name))


def unknown_entity(span: Span, ctx: Context) -> bool:
    """A place entity in lower case, or one the gazetteer does not know that is a facility or a
    word of a person's name ("Mr Saakashvili" after "Mikheil Saakashvili")."""
    if not (span.literal and span.source.has(Trait.ENTITY)):
        return False
    name = _name(span, ctx)
    if not any(ch.isupper() for ch in name):
        return True
    if ctx.knows(name):
        return False
    return (any(a <= span.start and span.end <= b for a, b in ctx.facilities)
            or len(name.split()) == 1 and name in ctx.person_words)


ENTITY_FILTERS: tuple[Filter, ...] = (surname, unknown_entity)


# -- the filters of the final choice --------------------------------------------------------------
def organisation_word(span: Span, ctx: Context) -> bool:
    """"Police said": a word that heads organisations' names, alone."""
    return _name(span, ctx).lower() in ORG_HEADS


def marked_month_or_demonym(span: Span, ctx: Context) -> bool:
    """"Saturday's battle", "the German island": a marked name that is a day, a month or a demonym."""
    name = _name(span, ctx)
    return span.source.has(Trait.MARKED) and (name.lower() in MONTHS_DAYS or span.literal and bool(ctx.demonym(name)))


def direction(span: Span, ctx: Context) -> bool:
    """"the West", "Southern Oregon": a direction, not a named division."""
    return not span.source.has(Trait.MARKED) and _name(span, ctx).lower() in DIRECTIONS


def disease(span: Span, ctx: Context) -> bool:
    """"West Nile virus", "Marburg virus", "Spanish flu": a disease named after a place."""
    return (DISEASE_AFTER.match(ctx.text, span.end) is not None or _name(span, ctx) in ctx.diseases
            or _DISEASE_END.search(ctx.text, span.start, span.end) is not None)


def publication(span: Span, ctx: Context) -> bool:
    """"the Springfield Gazette": a newspaper, not a place of the story."""
    return span.literal and names_a_publication(ctx.text, span.start, span.end)


def numbered(span: Span, ctx: Context) -> bool:
    """"District 3", "H5N2": an electoral division or a virus, not a place to map."""
    return numbered_non_place(_name(span, ctx))


def word_of_the_text(span: Span, ctx: Context) -> bool:
    """"March", "Police", "Hope": a word of the language, not a name, in this text (unless marked)."""
    return not span.source.has(Trait.MARKED) and common_word(_name(span, ctx), ctx.lower_words)


def blocked(span: Span, ctx: Context) -> bool:
    """Inside an organisation's or a person's name, for the rules that such an entity overrides."""
    return not span.source.has(Trait.UNBLOCKED) and ctx.is_blocked(span)


_WORD_BEFORE = re.compile(r"(\w+) $")
_AFTER_LANGUAGE = re.compile(r"[-\s]+(\w+)|\s*(?:[,.;:)]|$)")


def language(span: Span, ctx: Context) -> bool:
    """"its Spanish initials", "Spanish-speaking", "a name in Spanish": the language, not the country."""
    if span.literal:
        return False
    text = ctx.text
    after = _AFTER_LANGUAGE.match(text, span.end)
    if after is not None and after.group(1) and after.group(1).lower() in LANGUAGE_NOUNS:
        return True
    before = _WORD_BEFORE.search(text, max(0, span.start - 20), span.start)
    word = before.group(1).lower() if before else ""
    return word in LANGUAGE_VERBS or word == "in" and after is not None and not after.group(1)


_AGE_AFTER = re.compile(r", \d{1,3}, (?:of|from|who)\b")


def aged(span: Span, ctx: Context) -> bool:
    """"Jordan River, 23, of Dayton": a person's name, with an age, the way news introduces people."""
    return span.literal and _AGE_AFTER.match(ctx.text, span.end) is not None


FILTERS: tuple[Filter, ...] = (organisation_word, marked_month_or_demonym, direction, disease, publication,
                               numbered, word_of_the_text, blocked, language, aged)
#: the filters that also apply to a span naming a feature ("the Red River" is never a word of the
#: language, a surname or a town the gazetteer does not know; "West Nile virus" is still a disease)
FEATURE_FILTERS: tuple[Filter, ...] = (disease, publication, aged)


def dropped(span: Span, ctx: Context, filters: tuple[Filter, ...]) -> bool:
    """Whether one of ``filters`` drops the span (only :data:`FEATURE_FILTERS` for a feature's)."""
    for drop in _for_features(filters) if span.feature_hint else filters:
        if drop(span, ctx):
            return True
    return False


@cache
def _for_features(filters: tuple[Filter, ...]) -> tuple[Filter, ...]:
    """Those of ``filters`` that apply to a feature's span, in their order (asked per span)."""
    return tuple(f for f in filters if f in FEATURE_FILTERS)
