"""Reading spaCy's tokens: runs of capitalised words, the entity a token is in, sentences."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from geo.recognize._words import JOINERS, ORG_HEADS, PARTICLES, VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_LINE = re.compile(r"[^\n]+")


def sentence_spans(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sentences split again at line breaks (headlines, datelines) and trimmed of white space."""
    out = []
    for s, e in spans:
        for part in _LINE.finditer(text[s:e]):
            a, b = s + part.start(), s + part.end()
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((a, b))
    return tuple(out) or ((0, len(text)),)


def entity_at(doc: Doc, i: int) -> tuple[int, int] | None:
    """The token span of the entity token ``i`` is in, from the IOB tags (``doc.ents`` is rebuilt on
    every access, so scanning it for each token would be quadratic in the length of the text)."""
    if not doc[i].ent_type_:
        return None
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


def whole_entity(doc: Doc, i: int) -> bool:
    """The entity at token i is a short name on its own ("near al-Bab"), not a longer organisation name."""
    ent = entity_at(doc, i)
    return ent is not None and ent[0] == i and ent[1] - i <= 3 and doc[ent[1] - 1].lower_ not in ORG_HEADS


def looks_like_noun(tok: Token) -> bool:
    """A lower-case content word that is not an obvious verb form ("man", "residents", "police")."""
    w = tok.lower_
    return (tok.is_lower and tok.is_alpha and not tok.is_stop and w not in VERBS and len(w) > 2
            and not w.endswith(("ed", "ly", "ing")))


def org_follows(doc: Doc, i: int) -> bool:
    """'Syrian Democratic Forces': a capitalised run after an adjective makes it part of a name."""
    j = i
    while j < len(doc) and doc[j].is_title and not doc[j].is_sent_start:
        j += 1
    if j > i and doc[j - 1].lower_ in ORG_HEADS:
        return True
    return j < len(doc) and j > i and doc[j].ent_type_ == "ORG"


def _joins(doc: Doc, j: int, step: int, toks: list[int]) -> bool:
    """Token j belongs to a run of capitalised words: capitalised itself, or a particle between two."""
    t = doc[j]
    return bool(t.is_title or t.is_upper and len(t) > 1
                or (t.text in JOINERS and toks and 0 <= j + step < len(doc) and doc[j + step].is_title)
                # "Shatt al-Arab", "Deir ez-Zor": a particle, a hyphen and a capitalised word
                or (step == 1 and toks and t.lower_ in PARTICLES and j + 2 < len(doc) and doc[j + 1].text == "-"
                    and doc[j + 2].is_title))


def name_run(doc: Doc, i: int, step: int) -> tuple[int, int] | None:
    """The token span of the run of capitalised tokens starting at token i, reading forwards
    (step 1) or backwards (step -1); at most five tokens, ending on a word."""
    toks: list[int] = []
    j = i
    if step == 1 and j + 2 < len(doc) and doc[j].lower_ in PARTICLES and doc[j + 1].text == "-" and doc[j + 2].is_title:
        toks, j = [j, j + 1], j + 2
    while 0 <= j < len(doc) and _joins(doc, j, step, toks):
        toks.append(j)
        j += step
        if len(toks) >= 5:
            break
    if not toks or not (doc[toks[0]].is_title or doc[toks[0]].is_upper or doc[toks[0]].lower_ in PARTICLES):
        return None
    a, b = min(toks), max(toks)
    if not doc[b].is_alpha:
        return None
    return a, b + 1


def char_span(doc: Doc, a: int, b: int) -> tuple[int, int]:
    """The character offsets of tokens a to b (exclusive)."""
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
