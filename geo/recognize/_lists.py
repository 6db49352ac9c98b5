"""Rules that extend the spans found so far: names listed with places, and longer names the
gazetteer knows around a name found. The text-level helpers see only the text, the spans and
a gazetteer test, never spaCy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from geo.recognize._spans import Source, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.recognize._context import Context

# A capitalised word. Its runs of letters are read possessively: nothing the patterns allow after a
# word starts with a letter or an apostrophe, so giving letters back never helps a match, and the
# engine would give them back one by one after every capitalised word that starts no list. A word
# still ends before any of its hyphens when that helps ("Jean-Pierre", or "Jean" then "-Pierre"),
# in the order the plain "[\w'’\-]*" would try it: the matches are the same.
_WORD_BODY = r"[\w'’]*+(?:-[\w'’]*+)*"
_WORD = rf"[A-ZÀ-ÖØ-Þ]{_WORD_BODY}"
# One name of a list: capitalised words, with the lower-case particles that join place names
# ("Rio Grande do Sul", "Democratic Republic of the Congo", "Côte d'Ivoire").
ITEM = rf"{_WORD}(?:[ \-](?:{_WORD}|de|del|do|da|dos|das|du|des|la|le|el|al|of the|of|d['’]\w+)){{0,4}}"
# The first name of a list, not glued to a word before it. The test of the character before comes
# after the capital (as "(?<![\w'’\-])" before it would), so that the regular expression engine can
# skip to the capitals of the text instead of trying the whole pattern at every character.
_FIRST_ITEM = ITEM.replace(_WORD, rf"[A-ZÀ-ÖØ-Þ](?<![\w'’\-].){_WORD_BODY}", 1)
_LIST = re.compile(rf"({_FIRST_ITEM})((?:, {ITEM})*,? (?:and|or) {ITEM}|(?:, {ITEM}){{2,}})(?![\w'’\-])")
_SEP = re.compile(r",? (?:and|or) |, ")
_APOSTROPHE_END = re.compile(r"['’]\w{0,2}$")
_NAME_BEFORE = re.compile(r"[A-Z][\w.]*['’\"”]? $")


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a list's names, between its separators."""
    out, pos = [], start
    for sep in _SEP.finditer(text, start, end):
        out.append((pos, sep.start()))
        pos = sep.end()
    out.append((pos, end))
    return out


def list_members(text: str, found: Sequence[Span], is_place: Callable[[str], bool],
                 is_main_place: Callable[[str], bool]) -> Iterator[Span]:
    """Names listed with places are places: "flooding in Kent, Surrey and Essex".

    The small model often tags a member of such a list as a person or an organisation. A list
    with two or more names already found as places lends its other names the gazetteer knows
    (``is_place``) the same sense, when three in four of its names are then places. A list with
    one found place, and a pair ("Kent and Surrey"), needs all its other names to be names
    whose main sense is a place (``is_main_place``). A name that ends a longer one
    ("Sen. Mary Lincoln and ...") or carries a possessive or a contraction ("Smith's car",
    "I'll") is not a member.
    """
    places = [(f.start, f.end) for f in found if f.literal]
    for m in _LIST.finditer(text):
        items = _items(text, m.start(), m.end())
        placed = [any(s < b and a < e for a, b in places) for s, e in items]
        if not any(placed):
            continue
        # with two found places, names the gazetteer knows will do; with one, only main places
        test = is_place if sum(placed) >= 2 and len(items) > 2 else is_main_place
        new = [(s, e) for (s, e), p in zip(items, placed) if not p and test(text[s:e])
               and not _APOSTROPHE_END.search(text, s, e)
               and not (s == m.start() and _NAME_BEFORE.search(text, max(0, s - 40), s))]
        if 4 * (sum(placed) + len(new)) < 3 * len(items) or sum(placed) == 1 and sum(placed) + len(new) < len(items):
            continue
        for s, e in new:
            yield Span(s, e, "literal", Source.LIST, text[s:e])


def listed(doc: Doc, ctx: Context) -> Iterator[Span]:
    """The rule: :func:`list_members` of the spans found, stop words never members."""
    stop = ctx.stop_words
    limit = ctx.thresholds.listed
    return list_members(ctx.text, ctx.found,
                        lambda name: name.lower() not in stop and ctx.looks_like_place(name),
                        lambda name: name.lower() not in stop and ctx.is_place_name(name, limit))


# Words a longer name may add before or after a name found: capitalised words and the particles
# that join them ("Republic of the Congo", "Bosnia and Herzegovina", "Mexico City").
#: the lower-case words a longer name may join (what _may_join_left looks for too)
_PARTICLES = ("of", "the", "and", "de", "del", "da", "do", "du", "la", "el")
_JOIN_WORD = rf"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]*|{'|'.join(_PARTICLES)})"
_LEFT = re.compile(rf"(?:{_JOIN_WORD} ){{1,5}}$")
_RIGHT = re.compile(rf"(?: {_JOIN_WORD}){{1,5}}")
_JOINED = re.compile(rf" {_JOIN_WORD}")
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_ARTICLE = re.compile(r"(?:The|A|An) ")


def _may_join_left(text: str, s: int) -> bool:
    """What :data:`_LEFT` needs before ``s`` (tested first: most names follow a lower-case word):
    a space before ``s`` (or before the line break there), after a run of word characters that
    holds a capital or ends with a particle."""
    for k in (s, s - 1) if s and text[s - 1] == "\n" else (s,):
        if k < 2 or text[k - 1] != " ":
            continue
        j = k - 1
        while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "_'’-"):
            j -= 1
        run = text[j:k - 1]
        if run.endswith(_PARTICLES) or _CAPITAL.search(run):
            return True
    return False


def _longer(text: str, s: int, e: int, knows: Callable[[str], bool]) -> tuple[int, int] | None:
    """The longest known name that the words joined to ``text[s:e]`` make, if any."""
    starts = [s]
    if _may_join_left(text, s) and (m := _LEFT.search(text, max(0, s - 80), s)) is not None:
        words = [m.start()] + [m.start() + w.end() for w in re.finditer(" ", m.group())][:-1]
        starts += [a for a in words if _CAPITAL.match(text, a) and not _ARTICLE.match(text, a)]
    ends = [e]
    if (m := _RIGHT.match(text, e)) is not None:
        joined = {e + w.end() for w in _JOINED.finditer(m.group()) if _CAPITAL.match(text, e + w.start() + 1)}
        ends = sorted({e} | joined)
    if len(starts) == 1 and len(ends) == 1:
        return None
    for a, b in sorted(((a, b) for a in starts for b in ends if (a, b) != (s, e)), key=lambda p: p[0] - p[1]):
        if knows(text[a:b]):
            return a, b
    return None


def longer_names(text: str, found: Sequence[Span], knows: Callable[[str], bool]) -> Iterator[Span]:
    """A name found inside a longer name the gazetteer knows is that longer name.

    The small model often cuts "Democratic Republic of the Congo" to "Congo", or stops "Mexico City"
    at "Mexico". For each literal span, the words joined to it on either side (capitalised words and
    particles, up to five) are tried, longest first; the first known name that starts and ends with a
    capitalised word replaces the span (same source, so the same checks apply). A longer name found
    is tried in turn, like the spans given.
    """
    pending = list(found)
    i = 0
    while i < len(pending):
        f = pending[i]
        i += 1
        if not f.literal or (longer := _longer(text, f.start, f.end, knows)) is None:
            continue
        a, b = longer
        span = Span(a, b, f.kind, f.source, text[a:b], f.country_hint)
        pending.append(span)
        yield span


def longer_known_names(doc: Doc, ctx: Context) -> Iterator[Span]:
    """The rule: :func:`longer_names` of the spans found."""
    return longer_names(ctx.text, ctx.found, ctx.knows)
