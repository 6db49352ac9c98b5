"""Rules that read the text itself: abbreviations, datelines and sentences defining a place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.recognize._spans import Source, Span
from geo.recognize._words import DATELINE, DEFINITION

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context

#: the verb and article every sentence :data:`DEFINITION` matches has ("... is a town ...")
_DEFINING = re.compile(r"\s(?:is|was|are)\s+(?:a|an|the|one)\s", re.IGNORECASE)


def abbreviations(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"U.S.", "U.K.", "NSW", and "W.Va." after a comma ("Charleston, W.Va.")."""
    text = ctx.text
    for m in ctx.abbreviations.pattern.finditer(text):
        s, e = m.span()
        if m.group(0) in ctx.abbreviations.needs_comma:
            before = text[max(0, s - 2):s]
            if before not in (", ", ",\u00a0") and text[max(0, s - 1):s] != ",":
                continue
        if ctx.knows(m.group(0)):
            yield Span(s, e, "literal", Source.ABBREVIATION, m.group(0))


def datelines(doc: Doc, ctx: Context) -> Iterator[Span]:
    """"BAGHDAD —", "COLUMBUS, Ohio (AP)": a known name in capitals opening a line."""
    for m in DATELINE.finditer(ctx.text):
        s = m.start(1)
        name = m.group(1).rstrip(".")
        if len(name) > 2 and ctx.knows(name):
            yield Span(s, s + len(name), "literal", Source.DATELINE, name)


def definitions(doc: Doc, ctx: Context) -> Iterator[Span]:
    """The subject of a sentence that defines it as a place: "Bala is a market town in Gwynedd"
    (opening the text or a line, or a name the gazetteer knows)."""
    text = ctx.text
    for ss, se in ctx.sentences:
        if not _DEFINING.search(text, ss, se):
            continue  # (what DEFINITION needs, looked for first: most sentences define nothing)
        m = DEFINITION.match(text, ss, se)
        if not m:
            continue
        s = m.start(1)
        name = m.group(1).rstrip(".,")
        if name.split()[0].lower() in ctx.stop_words:
            continue  # "We are the women of the Islamic State": a pronoun, not a name
        if _opens_a_line(text, ss) or ctx.knows(name):
            yield Span(s, s + len(name), "literal", Source.TRIGGER, name)


def _opens_a_line(text: str, at: int) -> bool:
    """Only spaces and tabs stand between the start of the text or a line and ``at``."""
    k = at
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return k == 0 and at == 0 or k > 0 and text[k - 1] == "\n"
