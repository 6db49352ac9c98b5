"""One sense per discourse: a place name found once is a place everywhere in the article."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from geo._text import whole_words
from geo.recognize._filters import DISEASE_AFTER, names_a_publication
from geo.recognize._spans import Source, Span, Trait
from geo.recognize._words import ORG_HEADS, TITLE_BEFORE

if TYPE_CHECKING:
    from geo.recognize._context import Context


def _lends_its_sense(span: Span, ctx: Context) -> bool:
    name = ctx.text[span.start:span.end]
    if not span.literal or len(name) <= 2:
        return False
    return (span.source.has(Trait.PROPAGATES) or span.source.has(Trait.PROPAGATES_IF_KNOWN) and ctx.knows(name)
            or bool(span.feature_hint))  # a feature the text names as one: "the Oder" ... "Oder barges"


def _starts_a_longer_name(text: str, e: int, names: set[str]) -> bool:
    """The occurrence ending at ``e`` is the first half of a longer capitalised name ("Paris Hilton",
    "Jordan Valley"), not a name found followed by another ("Aleppo Idlib"), "County" or "City"."""
    nxt = text[e:e + 2]
    if not (len(nxt) == 2 and nxt[0] == " " and nxt[1].isupper()) or text[e + 1:e + 40].split(" ")[0] in names:
        return False
    space = text.find(" ", e + 1)
    tail = (text[e + 1:space] if space != -1 else text[e + 1:]).strip(".,;:")
    return bool(tail) and tail[0].isupper() and tail.lower() not in ORG_HEADS and tail not in ("County", "City")


def propagate(ctx: Context, kept: Sequence[Span]) -> Iterator[Span]:
    """Other occurrences of the names of ``kept`` that lend their sense, as spans of their own.

    Not an occurrence overlapping a span kept or a person's name, after a title ("Mr. Lincoln"),
    naming a disease ("Marburg virus") or a publication ("the Lincoln Star"), or opening a longer name.
    """
    text = ctx.text
    names = {text[m.start:m.end] for m in kept if _lends_its_sense(m, ctx)}
    if not names:
        return
    persons = [(e.start_char, e.end_char) for e in ctx.ents if e.label == "PERSON"]
    taken = [(m.start, m.end) for m in kept]
    for s, e in whole_words(text, names, before="_.-"):  # (?<![\w.\-])(?:NAME|…)(?![\w\-]), longest first
        if any(s < b and a < e for a, b in taken) or any(s < b and a < e and (a, b) != (s, e) for a, b in persons):
            continue
        if (TITLE_BEFORE.search(text, max(0, s - 12), s) or DISEASE_AFTER.match(text, e)
                or names_a_publication(text, s, e)):
            continue
        if _starts_a_longer_name(text, e, names):
            continue
        taken.append((s, e))
        yield Span(s, e, "literal", Source.PROPAGATED, text[s:e])
