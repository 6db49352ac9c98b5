"""The words and patterns the recognition rules read: what marks a name as a place, what makes it
an organisation's, a person's or a disease's."""

from __future__ import annotations

import re

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: entity labels that are never places; their spans block the rules that are not :attr:`Trait.UNBLOCKED`
BLOCKING_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"})
#: labels the small model gives a major place by mistake; such an entity standing alone is a place
#: (not PERSON: given names and surnames are too often names of towns too)
RELABEL_LABELS = frozenset({"ORG", "PRODUCT"})

#: words that, ending a name, make it an organisation, a team or a building's occupant, not a place
ORG_HEADS = frozenset({
    "forces", "force", "army", "armies", "militia", "party", "front", "council", "ministry", "government",
    "tv", "radio", "news", "times", "post", "journal", "agency", "bank", "university", "college", "school",
    "group", "brigade", "brigades", "corps", "guard", "police", "airlines", "airways", "club", "fc", "united",
    "company", "corporation", "inc", "ltd", "committee", "commission", "foundation", "institute", "network",
    "movement", "alliance", "coalition", "league", "association", "union", "authority", "department",
    "church", "hospital", "court", "senate", "assembly", "parliament", "congress", "office", "board",
})
#: "the <trigger> of X" marks X as a place
TRIGGERS_BEFORE = frozenset({
    "village", "town", "city", "hamlet", "township", "district", "province", "region", "county", "state",
    "governorate", "capital", "suburb", "port", "island", "islands", "municipality", "neighborhood",
    "neighbourhood", "borough", "commune", "prefecture", "oblast", "republic", "kingdom", "emirate",
    "settlement", "camp", "outskirts", "streets", "area", "valley", "river", "lake", "coast", "mount",
})
#: "X <trigger>" marks X as a place
TRIGGERS_AFTER = frozenset({
    "province", "governorate", "district", "county", "region", "valley", "river", "lake", "island",
    "mountains", "city", "village", "camp", "airport", "border", "crossing", "township", "oblast", "prefecture",
})
#: "X <division word>" is a division whatever the gazetteer knows
DIVISION_TRIGGERS = frozenset({"province", "governorate", "district", "county"})
MONTHS_DAYS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
DIRECTIONS = frozenset({
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "northeast", "northwest", "southeast", "southwest", "midwest", "upstate", "downstate", "coast"})
#: capitalised words that end the name of a division ("Laurel County")
DIVISION_WORDS = frozenset({"county", "parish", "township", "province", "governorate", "district", "borough",
                            "oblast", "prefecture", "municipality"})
LOCATIVE = frozenset({
    "in", "near", "at", "from", "to", "into", "outside", "around", "across", "toward", "towards",
    "through", "throughout", "between", "via", "inside", "within", "reach", "reached", "entered", "visited"})
#: words after which a name the gazetteer knows is a place even when spaCy took it for a person
STRONG_LOCATIVE = frozenset({"in", "near", "outside", "around", "across", "inside", "throughout"})
#: entity labels after a locative word that make the next name no candidate of the locative rule
LOCATIVE_BLOCKERS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "TIME", "CARDINAL", "MONEY"})
#: nouns that follow a person's name more often than a place's ("the Obama administration")
PERSON_HEADS = frozenset({
    "administration", "family", "campaign", "supporters", "aides", "era", "presidency", "estate",
    "wife", "husband", "son", "daughter", "children", "brothers", "sisters", "himself", "herself"})
#: words after a name that make it the subject of a verb, not a modifier of a noun
VERBS = frozenset({
    "said", "says", "told", "tells", "added", "noted", "wrote", "asked", "agreed", "won", "lost", "beat",
    "became", "took", "gave", "made", "went", "came", "got", "left", "ran", "saw", "set", "put", "met",
    "spent", "paid", "sent", "held", "led", "kept", "brought", "thought", "felt", "found", "began",
    # irregular past forms (no -ed ending)
    "fell", "rose", "hit", "struck", "swept", "flew", "grew", "fought", "stood", "spoke", "broke", "drove",
    "shut", "cut", "let", "fled", "bore", "blew", "drew", "threw", "froze", "sank", "shook", "spread", "slid",
    "stole", "swam", "tore", "woke", "wound", "sought", "taught", "caught", "bought", "built", "dealt",
    "meant", "lay", "laid", "sat", "rang", "sang", "hung", "forgot", "hid", "bit", "burst", "cost", "quit",
    "continues", "remains", "seems", "looks", "appears", "reported", "announced", "returned"})
#: lower-case particles inside Arabic and Romance place names ("al-Bab", "Rio de Janeiro")
PARTICLES = ("al", "el", "ad", "as", "ash", "ar", "an", "az", "ez", "ed", "es", "de", "del", "la", "le")
#: particles that may join two capitalised words of one name
JOINERS = ("-", "al", "el", "ad", "as", "ez", "az", "de", "del", "la", "le")

_PLACE_NOUNS = ("city|town|village|hamlet|community|municipality|county|district|province|region|suburb|"
                "neighbou?rhood|borough|township|parish|locality|settlement|commune|capital|island|port|"
                "census-designated place|unincorporated community|state|country|oblast|prefecture|department|"
                "river|lake|mountain|valley|resort|seaside|area|barangay|ward|quarter|republic|kingdom|territory")
#: "Lima (/ˈliːmə/) is a city in ...": a sentence that defines its subject as a place
DEFINITION = re.compile(
    r"([A-Z][\w'’.\-]*(?:[ \-](?:[A-Z][\w'’.\-]*|de|del|la|las|los|el|du|des|on|upon|am|an|im|sur))"
    r"{0,5})(?:\s*\([^()]{0,300}\)|\s*/[^/]{0,80}/)*(?:,[^,.;]{0,80},)?\s+(?:is|was|are)\s+(?:a|an|the|one)\s+"
    r"(?:[\w\-,]+\s+){0,6}?(?:" + _PLACE_NOUNS + r")\b", re.IGNORECASE)
#: a title before a name makes it a person's ("Mr. Lincoln")
TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Sgt|Lt|Capt|Gen|Col|St|President|Judge|Officer|Coach)\.? $")
#: a name in capitals opening a line, before a dash or a news agency ("BAGHDAD —", "COLUMBUS, Ohio (AP)")
DATELINE = re.compile(r"^[ \t]*([A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*)(?:, [A-Z][A-Za-z. ]+)?"
                      r"[ \t]*(?:\(|—|–|--| - )",
                      re.MULTILINE)
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
