"""geo.recognize's text-level rules and filters (lists of places, publications, diseases, longer
names), with invented text."""

from __future__ import annotations

import pytest

from geo.recognize import Source, Span
from geo.recognize._filters import disease_names, names_a_publication, numbered_non_place
from geo.recognize._lists import list_members, longer_names

KNOWN = {"Alpha", "Beta", "Gamma", "Delta", "Epsilon"}


def _added(text, found_names, is_place=KNOWN.__contains__, is_main=KNOWN.__contains__):
    found = [Span(text.index(n), text.index(n) + len(n), "literal", Source.NER, n) for n in found_names]
    return [f.query for f in list_members(text, found, is_place, is_main)]


def test_a_list_with_two_found_places_makes_its_other_known_names_places():
    text = "Storms hit Alpha, Beta, Gamma and Delta on Monday."
    assert _added(text, ["Alpha", "Delta"]) == ["Beta", "Gamma"]


def test_a_list_of_mostly_unknown_names_adds_nothing():
    text = "Guests included Alpha, Smith, Jones, Brown and Delta."
    assert _added(text, ["Alpha", "Delta"]) == []


def test_a_list_with_one_found_place_needs_all_other_names_to_be_places():
    assert _added("Aid reached Alpha, Beta and Gamma.", ["Alpha"]) == ["Beta", "Gamma"]
    assert _added("Aid reached Alpha, Beta and Smith.", ["Alpha"]) == []


def test_a_pair_needs_one_found_place_and_a_main_place():
    text = "Flights went to Alpha and Beta."
    assert _added(text, ["Alpha"]) == ["Beta"]
    assert _added(text, ["Alpha"], is_main=lambda n: False) == []


def test_the_end_of_a_longer_name_or_a_possessive_is_not_a_member():
    assert _added("Rep. Harold Beta and Alpha spoke.", ["Alpha"]) == []
    assert _added("Alpha and Beta's dog barked.", ["Alpha"]) == []


@pytest.fixture(scope="module")
def recognizer(geoparser):
    return geoparser.recognizer


def test_names_in_a_list_are_all_places(recognizer):
    text = "The counties of Kent, Surrey, Essex and Rutland were flooded."
    found = {m.text for m in recognizer.mentions(text)}
    assert {"Kent", "Surrey", "Essex", "Rutland"} <= found


def test_a_place_opening_a_newspaper_title_is_not_a_place(recognizer):
    text = "The Boston Daily Courier reported floods in Vermont. Boston Post No. 4 met in Boston."
    found = [m.text for m in recognizer.mentions(text)]
    assert found.count("Boston") == 2 and "Vermont" in found
    assert names_a_publication("the Springfield Gazette said", 4, len("the Springfield"))
    assert not names_a_publication("the Springfield Gazette Building", 4, len("the Springfield"))
    assert names_a_publication("on Radio Springfield today", 9, len("on Radio Springfield"))
    assert not names_a_publication("in Springfield today", 3, len("in Springfield"))


def test_a_name_the_text_uses_for_a_disease_is_a_disease_throughout():
    text = "Two people died of Lassa last week. Lassa spreads through rats. He flew to Accra."
    assert disease_names(text, {"Lassa", "Accra"}) == {"Lassa"}
    assert disease_names("Lassa fever is rare. Lassa kills.", {"Lassa"}) == {"Lassa"}
    assert disease_names("He died in Lassa.", {"Lassa"}) == set()


def test_disease_names_are_not_mentions(recognizer):
    text = "Doctors in Kampala reported new cases of Marburg on Monday. Marburg spreads through bats."
    assert [m.text for m in recognizer.mentions(text)] == ["Kampala"]


def test_numbered_names_other_than_roads_are_not_places():
    assert numbered_non_place("District 3") and numbered_non_place("H5N1") and numbered_non_place("3rd Ward")
    assert not numbered_non_place("West 16th Street") and not numbered_non_place("Paris")


def test_the_last_name_of_a_person_named_in_full_is_not_a_place(recognizer):
    from spacy.tokens import Span

    text = "Anna Harlow spoke in Leeds. Later Harlow said the vote was fair."
    doc = recognizer.nlp(text)
    k = [t.i for t in doc if t.text == "Harlow"]
    leeds = next(t.i for t in doc if t.text == "Leeds")
    doc.ents = [Span(doc, k[0] - 1, k[0] + 1, label="PERSON"), Span(doc, leeds, leeds + 1, label="GPE"),
                Span(doc, k[1], k[1] + 1, label="GPE")]  # the small model's mistake, made on purpose
    assert [m.text for m in recognizer.mentions_of_doc(doc)] == ["Leeds"]


def test_initials_of_places_in_capitals_are_mentions(recognizer):
    text = "Bushfires in NSW closed roads, and the UAE sent aid. US officials said US troops would help."
    found = [m.text for m in recognizer.mentions(text)]
    assert "NSW" in found and "UAE" in found


def test_a_word_that_heads_organisations_is_not_a_place_on_its_own(recognizer):
    text = "Police said the fire in Denver began on Sunday. Police officers closed the road."
    assert [m.text for m in recognizer.mentions(text)] == ["Denver"]


def test_a_day_is_not_a_place_after_a_trigger_word(recognizer):
    text = "Shops in the neighbourhood of Tuesday's fire in Denver reopened."
    assert [m.text for m in recognizer.mentions(text)] == ["Denver"]


LONG_NAMES = {"republic of alpha", "alpha city", "north beta", "gamma and delta"}


def _longer(text, name):
    s = text.index(name)
    found = [Span(s, s + len(name), "literal", Source.NER, name)]
    return [f.query for f in longer_names(text, found, lambda n: n.lower() in LONG_NAMES)]


def test_a_name_cut_short_becomes_the_longer_known_name():
    assert _longer("Aid reached the Republic of Alpha on Monday.", "Alpha") == ["Republic of Alpha"]
    assert _longer("Flights to Alpha City resumed.", "Alpha") == ["Alpha City"]
    assert _longer("Storms hit North Beta.", "Beta") == ["North Beta"]
    assert _longer("Talks in Gamma and Delta ended.", "Gamma") == ["Gamma and Delta"]


def test_no_longer_name_no_change():
    assert _longer("Aid reached Alpha on Monday.", "Alpha") == []
    assert _longer("Aid reached Alpha Beta Gamma.", "Alpha") == []  # joined words, but not a known name
    # a known name must start and end with a capitalised word: "the Alpha" is not tried
    assert _longer("The Alpha and the Beta.", "Alpha") == []


def test_a_sentence_initial_article_is_not_part_of_the_longer_name():
    assert _longer("The Alpha City council met.", "Alpha") == ["Alpha City"]
    assert _longer("The Republic of Alpha voted.", "Alpha") == ["Republic of Alpha"]
