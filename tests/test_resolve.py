"""geo.resolve: mentions -> places, on its own (mentions made by hand, no spaCy)."""

from __future__ import annotations

import re

import pytest

from geo.candidates import CandidateGenerator
from geo.resolve import Resolver
from geo.types import Mention, Place


class _Stages:
    """Candidate generation then resolution, the two stages this file tests together."""

    def __init__(self, gazetteer):
        self.candidates = CandidateGenerator(gazetteer)
        self.resolver = Resolver(gazetteer)

    def resolve(self, mentions, text):
        return self.resolver.resolve(self.candidates.generate(mentions), text)


@pytest.fixture(scope="module")
def resolver(gazetteer):
    return _Stages(gazetteer)


def mentions_of(text: str, *names: str, adjectival: dict[str, str] | None = None) -> list[Mention]:
    """A literal mention for every whole-word occurrence of each name (adjectival ones: name -> country code).

    Longer names are placed first; an occurrence inside one already placed ("Raqqa" in "Ar-Raqqa") is skipped.
    """
    adjectival = adjectival or {}
    out = []
    for name in sorted((*names, *adjectival), key=len, reverse=True):
        hits = list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))
        assert hits, f"{name!r} is not in the text"
        for mo in hits:
            s, e = mo.span()
            if any(m.start < e and s < m.end for m in out):
                continue
            ss = text.rfind(". ", 0, s)
            ss = 0 if ss < 0 else ss + 2
            se = text.find(". ", e)
            se = len(text) if se < 0 else se + 1
            if name in adjectival:
                out.append(Mention(s, e, name, text[ss:se], ss, kind="adjectival", source="demonym",
                                   country_hint=adjectival[name]))
            else:
                out.append(Mention(s, e, name, text[ss:se], ss))
    return sorted(out, key=lambda m: m.start)


def resolve(resolver, text, *names, adjectival=None) -> list[Place]:
    mentions = mentions_of(text, *names, adjectival=adjectival)
    places = resolver.resolve(mentions, text)
    # nothing is dropped and nothing counted twice: every mention is in exactly one place
    got = sorted((m.start, m.end) for p in places for m in p.mentions)
    assert got == sorted((m.start, m.end) for m in mentions)
    return places


def place_of(places: list[Place], surface: str) -> Place:
    found = [p for p in places if any(m.text == surface for m in p.mentions)]
    assert len(found) == 1, f"{surface!r} is in {len(found)} places: {found}"
    return found[0]


def ident(p: Place):
    c = p.candidate
    return (c.geonameid, c.kind, c.country_code, c.admin1_code) if c else None


# -- "X, Y" and "X in Y" ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, names, expected_cc, expected_admin1, expected_gid",
    [
        ("Storms hit Paris, Texas, on Monday.", ("Paris", "Texas"), "US", "TX", 4717560),
        ("Tourists crowded Paris, France, on Monday.", ("Paris", "France"), "FR", None, 2988507),
        ("Storms hit Paris in Texas.", ("Paris", "Texas"), "US", "TX", 4717560),
        ("Floods hit Springfield, Illinois.", ("Springfield", "Illinois"), "US", "IL", 4250542),
        ("Floods hit Springfield in Massachusetts.", ("Springfield", "Massachusetts"), "US", "MA", 4951788),
    ],
)
def test_container_patterns_choose_the_place_inside(resolver, text, names, expected_cc, expected_admin1, expected_gid):
    places = resolve(resolver, text, *names)
    inner = place_of(places, names[0])
    assert inner.candidate is not None
    assert inner.candidate.geonameid == expected_gid
    assert inner.candidate.country_code == expected_cc
    if expected_admin1:
        assert inner.candidate.admin1_code == expected_admin1


def test_paris_alone_is_the_french_capital(resolver):
    (paris,) = resolve(resolver, "Crowds gathered in Paris.", "Paris")
    assert paris.candidate.geonameid == 2988507


def test_abbreviated_state_after_a_comma(resolver):
    text = "The mine near Charleston, W.Va., closed."
    places = resolve(resolver, text, "Charleston", "W.Va.")
    charleston, wva = place_of(places, "Charleston"), place_of(places, "W.Va.")
    assert (wva.candidate.name, wva.candidate.kind) == ("West Virginia", "admin1")
    assert (charleston.candidate.country_code, charleston.candidate.admin1_code) == ("US", "WV")


# -- context: the state or the country -------------------------------------------------------
def test_georgia_with_us_context_is_the_state(resolver):
    text = "Voters in Atlanta, Georgia, went to the polls. Georgia lawmakers in Savannah debated the budget."
    places = resolve(resolver, text, "Atlanta", "Georgia", "Savannah")
    georgia = place_of(places, "Georgia")
    assert (georgia.candidate.kind, georgia.candidate.country_code) == ("admin1", "US")
    assert place_of(places, "Savannah").candidate.country_code == "US"


def test_georgia_with_caucasus_context_is_the_country(resolver):
    text = "Russian troops entered Georgia after clashes in Tbilisi. Georgia accused Moscow of aggression."
    places = resolve(resolver, text, "Georgia", "Tbilisi", "Moscow", adjectival={"Russian": "RU"})
    georgia = place_of(places, "Georgia")
    assert ident(georgia) == (614540, "country", "GE", None)
    assert place_of(places, "Tbilisi").candidate.country_code == "GE"


@pytest.mark.parametrize("name, gid", [("Lebanon", 272103), ("Jordan", 248816), ("Syria", 163843)])
def test_a_country_name_is_the_country(resolver, name, gid):
    (p,) = resolve(resolver, f"Aid reached {name} on Monday.", name)
    assert ident(p) == (gid, "country", p.candidate.country_code, None)


# -- one meaning per name; variants and demonyms merged ---------------------------------------
def test_one_meaning_per_name(resolver):
    text = "Voters in Atlanta, Georgia, went to the polls. Later, Georgia counted the votes. Georgia was calm."
    places = resolve(resolver, text, "Atlanta", "Georgia")
    georgias = [p for p in places if any(m.text == "Georgia" for m in p.mentions)]
    assert len(georgias) == 1
    assert len(georgias[0].mentions) == 3


def test_spelling_variants_of_one_place_are_one_place(resolver, gazetteer):
    text = "Forces entered the eastern Syrian village of Baghuz. Later they left Baghouz. Baghouz was empty."
    places = resolve(resolver, text, "Baghuz", "Baghouz", adjectival={"Syrian": "SY"})
    baghuz = place_of(places, "Baghuz")
    assert baghuz is place_of(places, "Baghouz")
    assert [m.text for m in baghuz.mentions] == ["Baghuz", "Baghouz", "Baghouz"]
    # the embedded gazetteer (villages of 500+ people) lacks Baghuz: it is kept as one unresolved place,
    # named by its most frequent spelling
    assert not gazetteer.knows("Baghuz") and not gazetteer.knows("Baghouz")
    assert not baghuz.resolved
    assert baghuz.confidence == 0.0 and baghuz.name == "Baghouz"


def test_resolved_transliterations_are_one_place(resolver):
    # both spellings are alternate names of the same gazetteer entry
    text = "Officials in Raqqah said Raqqa was quiet."
    (raqqa,) = resolve(resolver, text, "Raqqah", "Raqqa")
    assert (raqqa.candidate.geonameid, raqqa.candidate.country_code) == (172955, "SY")
    assert [m.text for m in raqqa.mentions] == ["Raqqah", "Raqqa"]


def test_unknown_spelling_joins_the_resolved_variant(resolver, gazetteer):
    assert not gazetteer.knows("Ar-Raqqa")
    text = "Raqqa was quiet. Ar-Raqqa residents returned."
    (raqqa,) = resolve(resolver, text, "Raqqa", "Ar-Raqqa")
    assert raqqa.resolved and raqqa.candidate.geonameid == 172955
    assert [m.text for m in raqqa.mentions] == ["Raqqa", "Ar-Raqqa"]


def test_demonym_joins_the_country_but_stays_adjectival(resolver):
    text = "Syrian troops moved. Syria said the border was closed."
    places = resolve(resolver, text, "Syria", adjectival={"Syrian": "SY"})
    (syria,) = places
    assert syria.candidate.geonameid == 163843
    assert [m.text for m in syria.literal_mentions] == ["Syria"]
    assert [m.text for m in syria.adjectival_mentions] == ["Syrian"]


def test_unknown_name_stays_as_an_unresolved_place(resolver):
    (p,) = resolve(resolver, "Fighters hid in Qwzxplorvania.", "Qwzxplorvania")
    assert not p.resolved and p.candidate is None
    assert p.name == "Qwzxplorvania" and p.confidence == 0.0


def test_no_mentions_no_places(resolver):
    assert resolver.resolve([], "Nothing here.") == []


# -- confidence ---------------------------------------------------------------------------------
def test_confidence_is_a_probability_on_the_seed(geoparser, seed_text):
    places = geoparser.places(seed_text)
    assert places
    for p in places:
        assert 0.0 <= p.confidence <= 1.0
        if p.resolved:
            assert p.confidence > 0.0
        else:
            assert p.confidence == 0.0
    countries = [p for p in places if p.resolved and p.candidate.kind == "country"]
    assert {p.candidate.geonameid for p in countries} >= {163843, 99237, 2635167, 6252001}
    assert all(p.confidence >= 0.5 for p in countries)


def test_context_raises_confidence(resolver):
    (alone,) = [p for p in resolve(resolver, "Storms hit Paris.", "Paris")]
    with_state = place_of(resolve(resolver, "Storms hit Paris, Texas.", "Paris", "Texas"), "Paris")
    assert 0.0 < alone.confidence <= 1.0 and 0.0 < with_state.confidence <= 1.0
    assert alone.candidate.country_code == "FR" and with_state.candidate.country_code == "US"
    assert with_state.confidence > 0.9


def test_place_rejects_confidence_out_of_range():
    m = Mention(0, 5, "Syria")
    with pytest.raises(ValueError):
        Place(name="Syria", mentions=(m,), confidence=1.5)
    with pytest.raises(ValueError):
        Place(name="Syria", mentions=())


def test_qualified_region_is_placed_at_the_region(resolver):
    text = "Schools in North Texas closed."
    (p,) = resolve(resolver, text, "North Texas")
    assert p.resolved and p.candidate.kind == "admin1" and p.candidate.country_code == "US"


def test_container_after_a_city_is_the_one_containing_it(resolver):
    text = "Refugees left Goma, Congo, on foot."
    places = resolve(resolver, text, "Goma", "Congo")
    assert place_of(places, "Congo").candidate.country_code == "CD"


@pytest.mark.parametrize("text, names, state", [
    ("Aurora is a city in Dearborn County, Indiana, United States.", ("Aurora", "Indiana", "United States"), "IN"),
    # the county (a gazetteer entry since counties came in) places the town inside it
    ("Salem is a village in Washington County, New York.", ("Salem", "Washington County", "New York"), "NY"),
])
def test_division_later_in_the_sentence_tells_namesakes_apart(resolver, text, names, state):
    places = resolve(resolver, text, *names)
    a = place_of(places, names[0]).candidate
    assert (a.country_code, a.admin1_code) == ("US", state)


def test_village_abroad_nothing_points_to_stays_unplaced(resolver):
    text = "Germany and Poland braced for floods. Water reached Szczecin and Minford."
    places = resolve(resolver, text, "Germany", "Poland", "Szczecin", "Minford")
    assert not place_of(places, "Minford").resolved
    # "the Baltic" is no longer the village of Baltic, Ohio, left unplaced: it is the sea (issue 12)
    text = "Germany and Poland braced for floods. Water reached Szczecin and the Baltic."
    places = resolve(resolver, text, "Germany", "Poland", "Szczecin", "Baltic")
    sea = place_of(places, "Baltic").candidate
    assert (sea.name, sea.kind) == ("Baltic Sea", "sea")


def test_county_namesakes_are_told_apart_by_the_state(resolver):
    text = "Flooding closed roads in Washington County, Oregon, on Monday."
    places = resolve(resolver, text, "Washington County", "Oregon")
    c = place_of(places, "Washington County").candidate
    assert (c.kind, c.country_code, c.admin1_code) == ("admin2", "US", "OR")


def test_county_names_its_state_for_the_other_places(resolver):
    # "Laurel County" exists in one state only: London is the Kentucky town, not the English capital
    text = "Deputies in Laurel County arrested two men. The men were taken to London for questioning."
    places = resolve(resolver, text, "Laurel County", "London")
    assert place_of(places, "Laurel County").candidate.admin1_code == "KY"
    london = place_of(places, "London").candidate
    assert (london.country_code, london.admin1_code) == ("US", "KY")


def test_namesakes_that_lie_together_are_chosen_together(resolver):
    # Fayetteville alone is the largest one (North Carolina); with Lincoln County, the pair in Tennessee
    alone = resolve(resolver, "A hospital in Fayetteville took the man in.", "Fayetteville")
    assert place_of(alone, "Fayetteville").candidate.admin1_code == "NC"
    text = "Deputies in Lincoln County said the man was taken to a hospital in Fayetteville."
    places = resolve(resolver, text, "Lincoln County", "Fayetteville")
    assert place_of(places, "Lincoln County").candidate.admin1_code == "TN"
    assert place_of(places, "Fayetteville").candidate.admin1_code == "TN"


def test_a_country_name_is_not_pulled_to_a_namesake_town(resolver):
    # towns named after countries often lie near each other; the countries stay countries
    text = "Cases were reported in Lebanon, Egypt, Mexico and Turkey."
    places = resolve(resolver, text, "Lebanon", "Egypt", "Mexico", "Turkey")
    assert {place_of(places, n).candidate.kind for n in ("Lebanon", "Egypt", "Mexico", "Turkey")} == {"country"}


@pytest.mark.parametrize("name", ["City of Fayetteville", "Fayetteville township", "Fayetteville village"])
def test_a_name_with_the_word_for_its_kind_is_the_place(resolver, name):
    # the gazetteer knows "Fayetteville"; the text adds the word for what kind of place it is
    text = f"Officials of the {name} met in Tennessee."
    places = resolve(resolver, text, name, "Tennessee")
    c = place_of(places, name).candidate
    assert c is not None and c.name == "Fayetteville" and c.admin1_code == "TN"
