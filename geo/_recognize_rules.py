"""Text-level recognition rules that look beyond one entity: lists of places, titles of publications,
diseases named after places.

Kept apart from :mod:`geo.recognize` so that the main module stays readable; these functions see
only the text, the spans found so far and a gazetteer test, never spaCy internals.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, Sequence

# One name of a list: capitalised words, with the lower-case particles that join place names
# ("Rio Grande do Sul", "Democratic Republic of the Congo", "Côte d'Ivoire").
_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_ITEM = rf"{_WORD}(?:[ \-](?:{_WORD}|de|del|do|da|dos|das|du|des|la|le|el|al|of the|of|d['’]\w+)){{0,4}}"
_LIST = re.compile(rf"(?<![\w'’\-])({_ITEM})((?:, {_ITEM})*,? (?:and|or) {_ITEM}|(?:, {_ITEM}){{2,}})(?![\w'’\-])")
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


def listed_places(text: str, found: Sequence[tuple], is_place: Callable[[str], bool],
                  is_main_place: Callable[[str], bool]) -> Iterator[tuple]:
    """Names listed with places are places: "flooding in Kent, Surrey and Essex".

    The small model often tags a member of such a list as a person or an organisation. A list
    with two or more names already found as places lends its other names the gazetteer knows
    (``is_place``) the same sense, when three in four of its names are then places. A list with
    one found place, and a pair ("Kent and Surrey"), needs all its other names to be names
    whose main sense is a place (``is_main_place``). A name that ends a longer one
    ("Sen. Mary Lincoln and ...") or carries a possessive or a contraction ("Smith's car",
    "I'll") is not a member.
    """
    places = [(f[0], f[1]) for f in found if f[2] == "literal"]
    for m in _LIST.finditer(text):
        items = _items(text, m.start(), m.end())
        placed = [any(s < b and a < e for a, b in places) for s, e in items]
        if not any(placed):
            continue
        # with two found places, names the gazetteer knows will do; with one, only main places
        test = is_place if sum(placed) >= 2 and len(items) > 2 else is_main_place
        new = [(s, e) for (s, e), p in zip(items, placed) if not p and test(text[s:e])
               and not _APOSTROPHE_END.search(text, s, e) and not (s == m.start() and _NAME_BEFORE.search(text, max(0, s - 40), s))]
        if 4 * (sum(placed) + len(new)) < 3 * len(items) or sum(placed) == 1 and sum(placed) + len(new) < len(items):
            continue
        for s, e in new:
            yield (s, e, "literal", "list", None, text[s:e])


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


def names_a_publication(text: str, start: int, end: int) -> bool:
    """The name at ``start:end`` is part of a newspaper's or broadcaster's title ("the Springfield
    Daily Courier", "Radio Springfield")."""
    return _PUBLICATION.match(text, end) is not None or _PUBLICATION_BEFORE.search(text, max(0, start - 20), start) is not None


#: words after a name that make it the name of a disease ("Marburg virus", "Lassa fever")
DISEASE_AFTER = re.compile(r"[\s\-]+(?:virus|viruses|viral|fever|flu|influenza|disease|syndrome|strain|variant|"
                           r"encephalitis|virion|ebolavirus|hemorrhagic|haemorrhagic)\b", re.I)
# Before a name: words that make it what one dies of, is infected with or vaccinated against.
_DISEASE_BEFORE = re.compile(r"\b(?:(?:died|dies|die|dying|deaths?|suffering|suffered)\s+(?:of|from)"
                   r"|(?:cases?|symptoms|strains?|outbreaks?|epidemics?)\s+of"
                   r"|(?:tested|infected|diagnosed)\s+(?:with|for|positive\s+for)"
                   r"|(?:vaccines?|vaccinated|vaccination|treatment|treated|immunity|immuni[sz]ed)\s+(?:for|against)"
                   r"|combat|combating|combatting|contracted|contracting)\s+$", re.I)


def disease_names(text: str, names: Iterable[str]) -> set[str]:
    """Those of ``names`` that the text uses, somewhere, as the name of a disease.

    One sense per discourse: "Lassa fever" or "cases of Lassa" make every "Lassa" of the text the
    disease, not the town it was named after.
    """
    out = set()
    for name in names:
        for hit in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text):
            s, e = hit.span()
            if DISEASE_AFTER.match(text, e) or _DISEASE_BEFORE.search(text, max(0, s - 40), s):
                out.add(name)
                break
    return out


_ROAD = re.compile(r"\b(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Highway|Hwy|Route|Interstate|Lane|Drive|"
                   r"Parkway|Pkwy|Way|Place|Square)\b")


def numbered_non_place(name: str) -> bool:
    """A name with a number that is not a road's: "District 3", "3rd Ward", "H5N2", "K-8"."""
    return any(ch.isdigit() for ch in name) and _ROAD.search(name) is None


# Words a longer name may add before or after a name found: capitalised words and the particles
# that join them ("Republic of the Congo", "Bosnia and Herzegovina", "Mexico City").
_JOIN_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]*|of|the|and|de|del|da|do|du|la|el)"
_LEFT = re.compile(rf"(?:{_JOIN_WORD} ){{1,5}}$")
_RIGHT = re.compile(rf"(?: {_JOIN_WORD}){{1,5}}")
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_ARTICLE = re.compile(r"(?:The|A|An) ")


def longer_known_names(text: str, found: Sequence[tuple], knows: Callable[[str], bool]) -> Iterator[tuple]:
    """A name found inside a longer name the gazetteer knows is that longer name.

    The small model often cuts "Democratic Republic of the Congo" to "Congo", or stops "Mexico City"
    at "Mexico". For each literal span, the words joined to it on either side (capitalised words and
    particles, up to five) are tried, longest first; the first known name that starts and ends with a
    capitalised word replaces the span (same source, so the same checks apply).
    """
    for s, e, kind, source, cc, _query in found:
        if kind != "literal":
            continue
        starts = [s]
        if (m := _LEFT.search(text, max(0, s - 80), s)) is not None:
            words = [m.start()] + [m.start() + w.end() for w in re.finditer(" ", m.group())][:-1]
            starts += [a for a in words if _CAPITAL.match(text, a) and not _ARTICLE.match(text, a)]
        ends = [e]
        if (m := _RIGHT.match(text, e)) is not None:
            ends = sorted({e} | {e + w.end() for w in re.finditer(rf" {_JOIN_WORD}", m.group())
                                 if _CAPITAL.match(text, e + w.start() + 1)})
        if len(starts) == 1 and len(ends) == 1:
            continue
        for a, b in sorted(((a, b) for a in starts for b in ends if (a, b) != (s, e)), key=lambda p: p[0] - p[1]):
            if knows(text[a:b]):
                yield (a, b, kind, source, cc, text[a:b])
                break
