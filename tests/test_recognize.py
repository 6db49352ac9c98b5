"""geo.recognize: text -> mentions (spaCy entities plus rules), on its own."""

from __future__ import annotations

import re

import pytest

from geo.types import Mention

ORGANISATIONS = ("Islamic State", "Syrian Democratic Forces", "Ronahi TV")


@pytest.fixture(scope="module")
def recognizer(geoparser):
    return geoparser.recognizer


@pytest.fixture(scope="module")
def seed_mentions(recognizer, seed_text):
    return recognizer.mentions(seed_text)


def _spans(mentions):
    return {(m.start, m.end): m for m in mentions}


def _check_offsets(text: str, mentions: list[Mention]) -> None:
    assert mentions, "expected some mentions"
    for m in mentions:
        assert text[m.start:m.end] == m.text, m
        assert m.sentence, m
        # the sentence is the text's own, it starts at sentence_start and holds the mention
        at = text.index(m.sentence, m.sentence_start)
        assert at <= m.start and m.end <= at + len(m.sentence), m
        assert text[m.sentence_start:at].strip() == "", m


def test_seed_offsets_are_exact_and_sentences_kept(seed_text, seed_mentions):
    _check_offsets(seed_text, seed_mentions)
    starts = [m.start for m in seed_mentions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(seed_mentions, seed_mentions[1:])), "mentions overlap"


def test_offsets_exact_after_non_ascii_text(recognizer):
    text = "Café owners in Zürich 🌍 — and in São Paulo — protested. Syria's neighbours met in the United States."
    mentions = recognizer.mentions(text)
    _check_offsets(text, mentions)
    found = {m.text for m in mentions}
    assert {"Zürich", "São Paulo", "Syria", "United States"} <= found  # article and possessive trimmed
    by_text = {m.text: m for m in mentions}
    assert by_text["United States"].sentence == "Syria's neighbours met in the United States."
    assert by_text["Zürich"].sentence_start == 0


def test_sentence_of_each_line(recognizer):
    text = "He lives in Georgia.\nShe works in Texas."
    georgia, texas = recognizer.mentions(text)
    assert (georgia.text, georgia.sentence) == ("Georgia", "He lives in Georgia.")
    assert (texas.text, texas.sentence, texas.sentence_start) == ("Texas", "She works in Texas.", 21)


def test_seed_baghuz_marked_as_a_village_is_found(seed_text, seed_mentions):
    start = seed_text.index("the eastern Syrian village of Baghuz") + len("the eastern Syrian village of ")
    m = _spans(seed_mentions).get((start, start + len("Baghuz")))
    assert m is not None, "Baghuz after 'village of' was not found"
    assert m.kind == "literal"
    assert "eastern Syrian village of Baghuz" in m.sentence
    # the later spelling is found too, every time
    baghouz = [m for m in seed_mentions if m.text == "Baghouz"]
    assert len(baghouz) == seed_text.count("Baghouz") == 3


def test_seed_syrian_is_an_adjectival_mention_of_syria(seed_text, seed_mentions):
    start = seed_text.index("eastern Syrian village") + len("eastern ")
    m = _spans(seed_mentions).get((start, start + len("Syrian")))
    assert m is not None
    assert m.kind == "adjectival"
    assert m.country_hint == "SY"
    literal_syria = [m for m in seed_mentions if m.text == "Syria"]
    assert literal_syria and all(x.kind == "literal" for x in literal_syria)


def test_seed_literal_countries(seed_mentions):
    texts = [m.text for m in seed_mentions if m.kind == "literal"]
    for name in ("Syria", "Iraq", "Britain", "Baghuz", "Baghouz"):
        assert name in texts, name
    assert texts.count("U.S.") >= 4


@pytest.mark.parametrize("org", ORGANISATIONS)
def test_seed_organisations_named_after_places_give_no_mention(seed_text, seed_mentions, org):
    where = [mo.span() for mo in re.finditer(re.escape(org), seed_text)]
    assert where, f"{org!r} should be in the seed"
    for s, e in where:
        overlapping = [m for m in seed_mentions if m.start < e and s < m.end]
        assert not overlapping, f"{org!r} at {s}:{e} gave {overlapping}"


def test_organisations_alone_give_no_mention(recognizer):
    text = ("Militants of the Islamic State fled. The Syrian Democratic Forces advanced. "
            "Ronahi TV filmed it. Islamic State fighters regrouped.")
    assert recognizer.mentions(text) == []


@pytest.mark.parametrize(
    "text, abbr, query",
    [
        ("Officials said the U.S. would respond.", "U.S.", "U.S."),
        ("Protesters gathered in London, U.K., on Sunday.", "U.K.", "U.K."),
        ("The mine near Charleston, W.Va., closed.", "W.Va.", "W.Va."),
        ("A U.S.-backed force advanced.", "U.S.", "U.S."),
    ],
)
def test_abbreviations(recognizer, geoparser, text, abbr, query):
    mentions = recognizer.mentions(text)
    _check_offsets(text, mentions)
    (m,) = [m for m in mentions if m.text == abbr]
    assert m.start == text.index(abbr) and m.kind == "literal"
    assert geoparser.gazetteer.knows(m.query)


def test_abbreviations_are_looked_up_as_their_places(geoparser):
    expected = {"U.S.": 6252001, "U.K.": 2635167}
    for abbr, gid in expected.items():
        assert geoparser.gazetteer.lookup(abbr)[0].candidate.geonameid == gid
    wva = geoparser.gazetteer.lookup("W.Va.")[0].candidate
    assert (wva.name, wva.kind, wva.country_code) == ("West Virginia", "admin1", "US")


def test_gazetteer_name_after_a_locative_word(recognizer):
    # spaCy's small model tags neither; the gazetteer knows both and "near"/"outside" mark them as places
    text = "Clashes were reported near Tadif and outside Qabasin."
    found = {m.text for m in recognizer.mentions(text)}
    assert {"Tadif", "Qabasin"} <= found


def test_docstring_example_near_al_bab(recognizer):
    text = "Fighting raged near al-Bab on Monday."
    assert "al-Bab" in {m.text for m in recognizer.mentions(text)}


def test_demonyms_are_adjectival_and_literal_names_literal(recognizer):
    text = "The Syrian army shelled Idlib. Iraqi officials in Baghdad said fighters left Mosul."
    by_text = {m.text: m for m in recognizer.mentions(text)}
    assert (by_text["Syrian"].kind, by_text["Syrian"].country_hint) == ("adjectival", "SY")
    assert (by_text["Iraqi"].kind, by_text["Iraqi"].country_hint) == ("adjectival", "IQ")
    for name in ("Idlib", "Baghdad", "Mosul"):
        assert by_text[name].kind == "literal"


def test_empty_and_blank_text_give_no_mentions(recognizer):
    assert recognizer.mentions("") == []
    assert recognizer.mentions("   \n ") == []


def test_text_without_places_gives_no_mentions(recognizer):
    assert recognizer.mentions("The committee met on Tuesday and agreed on the budget.") == []


def test_mention_rejects_a_span_that_does_not_fit():
    with pytest.raises(ValueError):
        Mention(start=0, end=3, text="Syria")
    with pytest.raises(ValueError):
        Mention(start=5, end=5, text="")
    assert Mention(start=0, end=4, text="U.S.").query == "U.S."


# --- rules added for accuracy (issue 3) --------------------------------------------------------

def _texts(recognizer, text):
    return [(m.text, m.kind) for m in recognizer.mentions(text)]


def test_a_sentence_defining_its_subject_as_a_place_marks_the_subject(recognizer):
    text = "Zorbatown is a small village in the hills. Zorbatown has a school."
    found = [m for m in recognizer.mentions(text) if m.text == "Zorbatown"]
    assert [m.start for m in found] == [0, text.index("Zorbatown has")]


def test_a_pronoun_subject_is_not_a_place(recognizer):
    text = "We are the women of the Islamic State, they cried."
    assert recognizer.mentions(text) == []


def test_division_names_keep_their_division_word(recognizer):
    text = "Deputies in Laurel County searched the woods."
    assert ("Laurel County", "literal") in _texts(recognizer, text)


def test_place_name_as_a_noun_modifier(recognizer):
    text = "A Gainesville man was arrested on Monday."
    assert ("Gainesville", "literal") in _texts(recognizer, text)


def test_one_sense_per_discourse(recognizer):
    text = "Fighting raged in Aleppo. Aleppo residents fled as Aleppo police watched."
    assert [m.text for m in recognizer.mentions(text)].count("Aleppo") == 3


def test_diseases_named_after_places_are_not_places(recognizer):
    text = "Cases of West Nile virus and Marburg virus were reported in Uganda."
    assert [m.text for m in recognizer.mentions(text)] == ["Uganda"]


def test_words_of_the_language_are_not_names(recognizer):
    text = "March for Babies raised money in March. The march ended in Atlanta."
    assert [m.text for m in recognizer.mentions(text)] == ["Atlanta"]


def test_major_place_mislabelled_as_organisation_is_a_place(recognizer):
    # the small model tags "Harare" here as an organisation
    text = "Most of Harare was without power on Tuesday after the storm."
    assert [(m.text, m.source) for m in recognizer.mentions(text)] == [("Harare", "relabelled")]
    # inside an organisation's name it stays part of the organisation
    assert recognizer.mentions("The Reserve Bank of Harare raised rates.") == []
