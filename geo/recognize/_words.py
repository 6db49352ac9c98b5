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
#: where a movement heads, before "to" ("the fleet moved east to X")
HEADINGS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                      "north-east", "north-west", "south-east", "south-west", "inland", "upstream", "downstream"})
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
#: people named after what they raise, catch or grow ("Buffalo herders", "Cattle ranchers"): a
#: capitalised word opening a sentence before one of these is that thing, not a town of its name
KEEPER_NOUNS = frozenset({
    "herders", "herder", "herdsmen", "herdsman", "breeders", "ranchers", "poachers", "hunters", "trappers",
    "growers", "pickers", "tappers", "keepers", "shepherds", "fishermen", "drovers", "rustlers"})
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
#: (capitals with accents, "CÚCUTA, Colombia —"; a region after the comma, "CHILLICOTHE, Ohio —")
DATELINE = re.compile(r"^[ \t]*([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'\-]+(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'\-]+)*)"
                      r"(?:, [A-ZÀ-ÖØ-Þ][\w.' ]{0,40}?)?[ \t]*(?:\(|—|–|--| - )",
                      re.MULTILINE)
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")

# -- physical and regional features ---------------------------------------------------------------
#: capitalised words that end a feature's name ("Scioto River", "Black Sea"); the kinds come from
#: :func:`geo.gazetteer._features.generic_core`
GENERIC_AFTER = frozenset({
    "river", "sea", "ocean", "lake", "reservoir", "mountains", "range", "hills", "highlands", "mountain",
    "volcano", "peak", "desert", "island", "islands", "archipelago", "plateau", "peninsula", "strait", "gulf",
    "bay", "canal"})
#: capitalised words that open a feature's name ("Lake Maracaibo", "Gulf of Aden", "Mount Kenya")
GENERIC_BEFORE = frozenset({"lake", "loch", "lago", "lac", "mount", "mt", "monte", "mont", "gulf", "golfo", "bay",
                            "sea", "strait", "straits", "river", "rio", "isle"})
#: the lower-case words the rules look for in every text (``Tokens.at`` finds them all in one pass)
KEY_WORDS = (TRIGGERS_BEFORE | TRIGGERS_AFTER | DIVISION_WORDS | LOCATIVE | GENERIC_AFTER | GENERIC_BEFORE
             | frozenset({"the"}))
#: lower-case words next to a name that say what kind of feature it is: (kinds, strong); a weak
#: word counts only when the feature index knows the name as that kind ("the Donbas region")
LOWER_GENERIC = {
    "river": (frozenset({"river"}), True), "lake": (frozenset({"lake"}), True),
    "sea": (frozenset({"sea"}), True), "strait": (frozenset({"sea"}), True), "straits": (frozenset({"sea"}), True),
    "gulf": (frozenset({"sea"}), False), "bay": (frozenset({"sea"}), False),
    "mountains": (frozenset({"range"}), True), "range": (frozenset({"range"}), False),
    "hills": (frozenset({"range"}), False), "desert": (frozenset({"desert"}), True),
    "island": (frozenset({"island"}), False), "islands": (frozenset({"island"}), False),
    "peninsula": (frozenset({"region"}), False), "region": (frozenset({"region"}), False),
    "volcano": (frozenset({"mountain"}), True), "delta": (frozenset({"river", "region"}), False),
    "basin": (frozenset({"river", "region", "lake"}), False), "estuary": (frozenset({"river"}), False),
    "watershed": (frozenset({"river"}), False), "floodplain": (frozenset({"river"}), False),
}
#: words of the language that are also the names of rivers ("the Red", "the Republican", "the New"):
#: an article alone does not make them the feature, a context does ("flooding on the Red")
COMMON_FEATURE_WORDS = frozenset({
    "red", "white", "black", "green", "yellow", "orange", "grey", "gray", "blue", "brown", "pink", "purple",
    "republican", "democrat", "democratic", "new", "old", "grand", "great", "big", "little", "back", "you", "ca",
    "fox", "bear", "snake", "swan", "wind", "salmon", "copper", "cedar", "beaver", "deer", "wolf", "eagle",
    "sun", "moon", "star", "union", "liberty", "hope", "mission", "paradise", "crown", "north", "south"})
#: lower-case nouns after a feature's name that keep it the feature ("the Oder valley", "the Nile delta")
FEATURE_NOUNS = frozenset(LOWER_GENERIC) | frozenset({
    "valley", "coast", "coastline", "shore", "shores", "banks", "bank", "waters", "water", "crossing", "crossings",
    "bridge", "bridges", "front", "frontline", "corridor", "route", "routes", "ports", "port",
    "rainforest", "forest", "area", "areas", "level", "levels", "flood", "floods", "floodwaters", "dam", "dams",
    "countryside", "foothills", "slopes", "passage", "lowlands", "highlands", "plains", "oasis"})
#: capitalised words after a name that make it part of a venue's or organisation's name
#: ("the Ross County Fairgrounds", "Mount Sinai Hospital", "the Black Sea Fleet")
VENUE_HEADS = frozenset({
    "fairgrounds", "fairground", "stadium", "arena", "center", "centre", "hall", "hotel", "mall", "museum",
    "library", "zoo", "fleet", "motors", "records", "festival", "speedway", "raceway", "casino", "resort",
    "academy", "seminary", "cathedral", "theatre", "theater", "gallery", "clinic", "institute",
    "street", "road", "avenue", "drive", "boulevard", "lane", "parkway", "highway"})
#: venues and institutions (not the bodies of a jurisdiction: "Ross County Sheriff" stays the
#: county's): a place name before one of these is no mention of the place for a map
INSTITUTION_HEADS = VENUE_HEADS | frozenset({
    "university", "college", "school", "bank", "hospital", "club", "fc", "united", "company", "corporation",
    "inc", "ltd", "airlines", "airways", "church"})
#: words of organisations' names that take "of" or "de" before a place ("Banco de Bogotá", "Bank of Harare")
ORG_OPENERS = frozenset({"banco", "banca", "universidad", "universidade", "université", "universität", "university",
                         "bank", "college", "diario", "radio", "club", "deportivo", "atlético", "atletico", "real",
                         "hospital", "instituto", "institute", "museo", "museum", "port", "archdiocese", "diocese"})
#: nouns after a demonym that make it a language, not the country ("its Spanish initials")
LANGUAGE_NOUNS = frozenset({
    "initials", "acronym", "abbreviation", "language", "languages", "name", "names", "word", "words", "speakers",
    "speaker", "speaking", "spoken", "translation", "translations", "translator", "subtitles", "dialect",
    "accent", "version", "edition", "alphabet", "grammar", "vocabulary", "lessons", "classes", "course",
    "teacher", "teachers", "literature", "poetry", "text", "slogan", "phrase", "term", "spelling", "title"})
#: words before a demonym that make it a language ("in Spanish", "speaks French")
LANGUAGE_VERBS = frozenset({"speak", "speaks", "spoke", "speaking", "spoken", "into", "fluent", "learn", "learning",
                            "learned", "learnt", "teach", "teaches", "taught", "translated", "written", "wrote"})
#: words before "to", "into" or "from" that make the next name a destination or an origin
MOTION = frozenset({
    "moved", "move", "moves", "moving", "went", "go", "goes", "going", "gone", "fled", "flee", "flees", "fleeing",
    "returned", "return", "returns", "returning", "travelled", "traveled", "travel", "travelling", "traveling",
    "flew", "fly", "flying", "headed", "heading", "relocated", "deployed", "sent", "drove", "driven", "sailed",
    "marched", "advanced", "withdrew", "retreated", "evacuated", "transferred", "trip", "journey", "visit",
    "arrived", "arriving", "came", "come", "coming", "bound", "routed", "diverted", "shipped", "exported"})
#: plural and singular division words after a demonym ("the Venezuelan states of Zulia and Apure")
DEMONYM_DIVISIONS = ("states", "state", "provinces", "province", "regions", "region", "departments", "department",
                     "governorates", "governorate", "districts", "district", "oblasts", "oblast", "prefectures",
                     "prefecture", "counties", "county", "municipalities", "municipality", "cities", "city",
                     "towns", "town", "villages", "village", "capital", "port", "island", "islands")
