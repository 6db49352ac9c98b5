"""Recognition of physical and regional features (seas, rivers, lakes, ranges, deserts, regions) and
the recognition fixes of the same trial: major places the model took for people, datelines with
accents, road numbers, languages, places inside venues' and institutions' names, divisions named
with their country's demonym. Sentences written for these tests, from many parts of the world."""

from __future__ import annotations

import pytest

from geo.gazetteer._features import features_named

#: sentence -> every mention: (text, query, feature_hint)
FEATURES = {
    # the trial of the issue
    "Ships crossed the Black Sea from Odesa.":
        [("Black Sea", "Black Sea", ("sea",)), ("Odesa", "Odesa", ())],
    "Boats on the White Nile left Omdurman.":
        [("White Nile", "White Nile", ("river",))],
    "Flooding on the Scioto River closed roads near Chillicothe.":
        [("Scioto River", "Scioto River", ("river",)), ("Chillicothe", "Chillicothe", ())],
    "The Scioto crested overnight.":
        [("Scioto", "Scioto", ("river",))],
    "The Andes stretch along the coast of Chile.":
        [("Andes", "Andes", ("range",)), ("Chile", "Chile", ())],
    "The Kosi river burst its banks in Bihar.":
        [("Kosi", "Kosi", ("river",)), ("Bihar", "Bihar", ())],
    "The Oder rose again on Tuesday.":
        [("Oder", "Oder", ("river",))],
    "Tankers waited to pass the Bosporus.":
        [("Bosporus", "Bosporus", ("sea",))],
    "Fighting spread across the Sahel.":
        [("Sahel", "Sahel", ("region",))],
    "Shelling continued in the Donbas.":
        [("Donbas", "Donbas", ("region",))],
    "Ukrainian troops held the line along the Oskil river.":
        [("Ukrainian", "Ukrainian", ()), ("Oskil", "Oskil", ("river",))],
    "The Hocking River flooded Athens.":
        [("Hocking River", "Hocking River", ("river",)), ("Athens", "Athens", ())],
    "Troops crossed the Táchira River into Cúcuta.":
        [("Táchira River", "Táchira River", ("river",)), ("Cúcuta", "Cúcuta", ())],
    "Fishermen on Lake Maracaibo protested.":
        [("Lake Maracaibo", "Lake Maracaibo", ("lake",))],
    "Barges on the Orinoco were stranded.":
        [("Orinoco", "Orinoco", ("river",))],
    "The Arauca River marks the border.":
        [("Arauca River", "Arauca River", ("river",))],
    # rivers in floods, straits and seas in shipping, regions in conflicts
    "Rescuers searched the banks of the Brahmaputra near Guwahati.":
        [("Brahmaputra", "Brahmaputra", ("river",)), ("Guwahati", "Guwahati", ())],
    "Water levels on the Danube rose at Budapest.":
        [("Danube", "Danube", ("river",)), ("Budapest", "Budapest", ())],
    "Tankers queued at the Strait of Hormuz and in the Gulf of Oman.":
        [("Strait of Hormuz", "Strait of Hormuz", ("sea",)), ("Gulf of Oman", "Gulf of Oman", ("sea",))],
    "Cargo ships avoided the Red Sea after attacks off Yemen.":
        [("Red Sea", "Red Sea", ("sea",)), ("Yemen", "Yemen", ())],
    "Climbers died on Mount Everest last spring.":
        [("Mount Everest", "Mount Everest", ("mountain",))],
    "The Atlas Mountains were hit by the earthquake near Marrakesh.":
        [("Atlas Mountains", "Atlas Mountains", ("range",)), ("Marrakesh", "Marrakesh", ())],
    "Migrants crossed the Rio Grande near El Paso.":
        [("Rio Grande", "Rio Grande", ("river",)), ("El Paso", "El Paso", ())],
    "Drought has shrunk the Mekong near Vientiane.":
        [("Mekong", "Mekong", ("river",)), ("Vientiane", "Vientiane", ())],
    "The Yangtze burst its banks downstream of Wuhan.":
        [("Yangtze", "Yangtze", ("river",)), ("Wuhan", "Wuhan", ())],
    "A storm over the Bay of Bengal hit Chittagong.":
        [("Bay of Bengal", "Bay of Bengal", ("sea",)), ("Chittagong", "Chittagong", ())],
    "Smugglers crossed the Strait of Gibraltar into Spain.":
        [("Strait of Gibraltar", "Strait of Gibraltar", ("sea",)), ("Spain", "Spain", ())],
    "Wildfires spread through the Mojave Desert.":
        [("Mojave Desert", "Mojave Desert", ("desert",))],
    "The Murray River flooded towns in South Australia.":
        [("Murray River", "Murray River", ("river",)), ("South Australia", "South Australia", ())],
    "Protesters gathered on the shores of Lake Titicaca in Puno.":
        [("Lake Titicaca", "Lake Titicaca", ("lake",)), ("Puno", "Puno", ())],
    # a river named without its generic word, regions only the feature index knows, a strait the
    # model took for a person, a name with a particle
    "Fields already flooded by the Bagmati and the Kamala were abandoned.":
        [("Bagmati", "Bagmati", ("river",)), ("Kamala", "Kamala", ("river",))],
    "Convoys take a week to reach Kordofan, and none have reached Darfur since the rains began.":
        [("Kordofan", "Kordofan", ("region",)), ("Darfur", "Darfur", ("region",))],
    "The power link under Bass Strait is running at full capacity.":
        [("Bass Strait", "Bass Strait", ("sea",))],
    "The two rivers meet to form the Shatt al-Arab before it reaches the Persian Gulf.":
        [("Shatt al-Arab", "Shatt al-Arab", ("river",)), ("Persian Gulf", "Persian Gulf", ("sea",))],
}


@pytest.fixture(scope="module")
def recognizer(geoparser):
    return geoparser.recognizer


def _found(recognizer, text):
    return [(m.text, m.query, m.feature_hint) for m in recognizer.mentions(text)]


@pytest.mark.parametrize("text", list(FEATURES))
def test_features_are_mentions_with_the_kinds_the_text_names(recognizer, text):
    assert _found(recognizer, text) == FEATURES[text]


@pytest.mark.parametrize("text", list(FEATURES))
def test_the_feature_index_finds_each_hinted_query_as_a_feature_of_its_kind(recognizer, gazetteer, text):
    hinted = [(q, hint) for _, q, hint in FEATURES[text] if hint]
    kinds = [(q, {f.kind for f in features_named(q, gazetteer)} & set(hint)) for q, hint in hinted]
    assert [q for q, k in kinds if not k] == []


def test_a_feature_named_with_an_article_is_one_sense_per_discourse(recognizer):
    text = "The Oder burst its banks near Słubice. Officials said the Oder would fall by Friday. Oder barges waited."
    found = [(m.text, m.feature_hint) for m in recognizer.mentions(text) if m.text == "Oder"]
    assert found == [("Oder", ("river",))] * 3


def test_a_country_named_like_a_river_is_the_country_without_a_river_context(recognizer):
    # "the Congo" alone is the country; along it, the river
    assert _found(recognizer, "Aid reached the Congo on Monday.") == [("Congo", "Congo", ())]
    assert _found(recognizer, "Barges sailed along the Congo.") == [("Congo", "Congo", ("river",))]


@pytest.mark.parametrize("text, expected", [
    # the company, a musician, a hospital, a town named after a lake
    ("Amazon shares fell in New York.", [("New York", "New York", ())]),
    ("The Amazon deal was signed in Seattle.", [("Seattle", "Seattle", ())]),
    ("Nile Rodgers played in Lagos.", [("Lagos", "Lagos", ())]),
    ("She was treated at Mount Sinai Hospital in New York.", [("New York", "New York", ())]),
    ("The Winter Olympics were held in Lake Placid.", [("Lake Placid", "Lake Placid", ())]),
    ("Jordan River, 23, of Dayton, Ohio, was charged on Friday.", [("Dayton", "Dayton", ()), ("Ohio", "Ohio", ())]),
    ("The Black Sea Fleet left the port of Sevastopol.", [("Sevastopol", "Sevastopol", ())]),
    ("The company sold its stake to Amazon last year.", []),
    # words of the language that name rivers, an assembly after "sent to the"
    ("Voters backed the Republican in Ohio.", [("Ohio", "Ohio", ())]),
    ("Tickets for the Red, White and Blue Bash in Dayton sold out.", [("Dayton", "Dayton", ())]),
    ("The bill was sent to the Duma in Moscow.", [("Moscow", "Moscow", ())]),
    # a town, a state and a country named with a generic word
    ("She grew up in Fall River.", [("Fall River", "Fall River", ())]),
    ("Storms hit Rhode Island on Sunday.", [("Rhode Island", "Rhode Island", ())]),
    ("Aid reached the Solomon Islands on Sunday.", [("Solomon Islands", "Solomon Islands", ())]),
    # two states joined by a hyphen, one of them named like its river
    ("Lincoln lies east of the Arkansas-Oklahoma border.",
     [("Lincoln", "Lincoln", ()), ("Arkansas", "Arkansas", ()), ("Oklahoma", "Oklahoma", ())]),
])
def test_traps_are_neither_features_nor_places(recognizer, text, expected):
    assert _found(recognizer, text) == expected


# -- the recognition fixes ------------------------------------------------------------------------
def test_a_major_place_the_model_took_for_a_person_is_a_place_after_a_verb_of_motion(recognizer):
    assert _found(recognizer, "The army moved to Maracaibo on Monday.") == [("Maracaibo", "Maracaibo", ())]
    # "towards" and "east to" are motion too; a person handed something "to" is not
    assert _found(recognizer, "Water spread towards Bhagalpur overnight.") == [("Bhagalpur", "Bhagalpur", ())]
    assert _found(recognizer, "Floodwater spread east to Bhagalpur.") == [("Bhagalpur", "Bhagalpur", ())]
    assert _found(recognizer, "He handed the ball to Jackson.") == []


def test_a_name_of_the_user_s_places_is_a_place_after_a_locative_word(geoparser, tmp_path):
    from geo.pipeline import Geoparser

    places = tmp_path / "places.csv"
    places.write_text("name,lat,lon,country\nAdré,13.466,22.196,TD\nMedyka,49.803,22.935,PL\n", encoding="utf-8")
    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp, places=places)
    text = "Thousands of refugees reached Adré from Sudan. Others waited at Medyka."
    assert [m.text for m in gp.mentions(text)] == ["Adré", "Sudan", "Medyka"]
    assert [m.text for m in geoparser.mentions("Thousands of refugees reached Adré from Sudan.")] == ["Sudan"]


@pytest.mark.parametrize("text, name", [
    ("CÚCUTA, Colombia — Migrants crossed the bridge at dawn.", "CÚCUTA"),
    ("CHILLICOTHE, Ohio — The river rose overnight.", "CHILLICOTHE"),
])
def test_datelines_with_accents_and_a_region(recognizer, text, name):
    assert [m.text for m in recognizer.mentions(text)][0] == name


def test_road_numbers_are_no_places_of_the_story(recognizer):
    found = [(m.text, m.source) for m in recognizer.mentions("A crash closed U.S. 33 near Logan; Route 9 was open.")]
    # kept for toponym corpora (which count them) as names inside a longer name; maps leave them out
    assert found == [("U.S.", "modifier"), ("Logan", "ner")]
    assert _found(recognizer, "Traffic on the A1 stopped; I-70 and Highway 1 were closed.") == []


@pytest.mark.parametrize("text", [
    "The group, known by its Spanish initials ELN, attacked a base.",
    "The guide was printed in Spanish.",
    "Spanish-speaking voters waited for hours.",
    "Its French name is rarely used.",
])
def test_a_language_is_not_its_country(recognizer, text):
    assert _found(recognizer, text) == []


def test_an_adjective_of_a_country_is_still_the_country(recognizer):
    assert _found(recognizer, "Spanish troops patrolled the port.") == [("Spanish", "Spanish", ())]


@pytest.mark.parametrize("text, expected", [
    ("Students at Ohio University returned to Athens.", [("Ohio", "modifier"), ("Athens", "ner")]),
    ("Volunteers filled sandbags at the Ross County Fairgrounds in Chillicothe.",
     [("Ross County", "modifier"), ("Chillicothe", "gazetteer")]),
    ("Workers at Banco de Bogotá in Bogotá went on strike.", [("Bogotá", "modifier"), ("Bogotá", "ner")]),
])
def test_a_place_inside_a_venue_s_or_an_institution_s_name_is_no_mention_of_it(recognizer, text, expected):
    assert [(m.text, m.source) for m in recognizer.mentions(text)] == expected


def test_places_named_only_inside_names_are_left_out_of_the_places(geoparser):
    names = [p.mentions[0].text for p in geoparser.places("Students at Ohio University returned to Athens.")]
    assert names == ["Athens"]


def test_divisions_named_with_their_country_s_demonym_have_its_country(recognizer):
    found = [(m.text, m.country_hint) for m in recognizer.mentions(
        "Troops were sent to the Venezuelan states of Zulia and Apure.")]
    assert found == [("Venezuelan", "VE"), ("Zulia", "VE"), ("Apure", "VE")]


def test_a_town_named_after_its_river_lends_no_river_to_its_other_mentions(recognizer):
    # the rules find "Mandal" as a town more often than as a river: its bare mentions stay the town
    text = ("Mandal is a town in Agder, Norway. Mandal lies at the mouth of the Mandal river, "
            "and Mandal has a small harbour.")
    found = [(m.text, m.feature_hint) for m in recognizer.mentions(text) if m.text == "Mandal"]
    assert found == [("Mandal", ()), ("Mandal", ()), ("Mandal", ("river",)), ("Mandal", ())]


@pytest.mark.parametrize("text, town", [
    # a country's adjective after "the" is the country (or nothing), never a river of that name
    ("Chester was named after the English city of Chester.", "Chester"),
    ("The English port city of Bristol grew rich on trade.", "Bristol"),
    ("Settlers from the Scottish town of Ayr arrived in 1880.", "Ayr"),
])
def test_a_demonym_after_the_is_no_feature(recognizer, text, town):
    found = recognizer.mentions(text)
    assert [m.text for m in found if m.text not in ("English", "Scottish")] == [town] * text.count(town)
    assert all(m.kind == "adjectival" and not m.feature_hint for m in found if m.text in ("English", "Scottish"))


@pytest.mark.parametrize("text, expected", [
    # a word capitalised only because it opens the sentence, before the people who keep that thing
    ("Buffalo herders moved their animals towards Basra.", ["Basra"]),
    ("The marshes have shrunk. Buffalo herders have moved south.", []),
    ("Cattle ranchers met in Denver on Friday.", ["Denver"]),
    # ... while the city still modifies other nouns, and is a place after a locative word
    ("Buffalo police said two men were arrested.", ["Buffalo"]),
    ("Buffalo officials closed the road on Monday.", ["Buffalo"]),
    ("Snow fell in Buffalo on Monday.", ["Buffalo"]),
])
def test_a_sentences_first_word_before_its_keepers_is_no_place(recognizer, text, expected):
    assert [m.text for m in recognizer.mentions(text)] == expected
