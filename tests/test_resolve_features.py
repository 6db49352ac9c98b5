"""Seas, rivers, lakes, ranges and regions in candidate generation and resolution (issue 12).

Most tests build the mentions by hand (tests/test_resolve.py's ``mentions_of``), so that the
resolver is tested whatever the recogniser finds; the last ones go through the public API
(``Geoparser``) with sentences the recogniser already reads as names. Every sentence is written
for these tests.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_resolve import _Stages, mentions_of

from geo._distance import haversine_km
from geo.frame import to_json_records
from geo.types import FEATURE_KINDS, Place


@pytest.fixture(scope="module")
def stages(gazetteer):
    return _Stages(gazetteer)


def _resolve(stages, text, *names, hints=None, countries=None) -> dict[str, Place]:
    """The places of ``text`` by each mention's text (``hints``: text -> feature kinds the
    recogniser would give; ``countries``: text -> the country the text puts it in)."""
    ms = mentions_of(text, *names)
    ms = [dataclasses.replace(m, feature_hint=tuple((hints or {}).get(m.text, ())),
                              country_hint=(countries or {}).get(m.text)) for m in ms]
    places = stages.resolve(ms, text)
    return {m.text: p for p in places for m in p.mentions}


def _where(p: Place) -> tuple:
    c = p.candidate
    assert c is not None, f"{p.name} is unresolved"
    return c.name, c.kind, c.country_code


def _km(p: Place, lat: float, lon: float) -> float:
    assert p.candidate is not None
    return haversine_km(p.candidate.lat, p.candidate.lon, lat, lon)


# -- the sentences of the issue ----------------------------------------------------------------

def test_black_sea_is_the_sea_and_odesa_on_it_is_in_ukraine_despite_texas_in_the_story(stages):
    got = _resolve(stages, "Grain ships from Houston crossed the Black Sea to Odesa, the Texas firm said.",
                   "Houston", "Black Sea", "Odesa", "Texas")
    sea = got["Black Sea"].candidate
    assert (sea.name, sea.kind, sea.raw["subkind"]) == ("Black Sea", "sea", "sea") and sea.fid is not None
    assert _where(got["Odesa"]) == ("Odesa", "city", "UA")
    assert _where(got["Houston"]) == ("Houston", "city", "US")


def test_white_nile_boats_are_on_the_river_not_in_white_nile_state(stages):
    got = _resolve(stages, "Boats on the White Nile left Omdurman.", "White Nile", "Omdurman")
    assert _where(got["White Nile"]) == ("White Nile", "river", None)
    assert _where(got["Omdurman"]) == ("Omdurman", "city", "SD")
    # placed at its point nearest Omdurman, at the confluence, not 350 km south
    assert _km(got["White Nile"], 15.64, 32.48) < 5


def test_the_white_nile_state_is_still_the_state(stages):
    got = _resolve(stages, "Farmers in the White Nile state of Sudan lost their harvest.", "White Nile", "Sudan")
    assert _where(got["White Nile"]) == ("White Nile", "admin1", "SD")


def test_scioto_river_and_the_bare_scioto_are_one_river_not_a_village(stages):
    text = ("Water rose on the Scioto River near Chillicothe on Tuesday. The Scioto crested at 20 feet "
            "before dawn, and the county closed two bridges.")
    got = _resolve(stages, text, "Scioto River", "Chillicothe", "Scioto")
    assert _where(got["Scioto River"]) == ("Scioto", "river", "US")
    assert got["Scioto"] is got["Scioto River"], "the bare name is the same place"
    assert len(got["Scioto"].mentions) == 2
    assert _km(got["Scioto"], 39.33, -82.98) < 5  # at Chillicothe, where the story is


def test_andes_is_the_range_not_the_town_in_antioquia(stages):
    got = _resolve(stages, "Heavy snow fell across the Andes on Sunday.", "Andes")
    assert _where(got["Andes"]) == ("Andes", "range", None)
    assert got["Andes"].candidate.fid is not None


def test_kosi_river_is_the_river_near_bihar_not_kosi_in_uttar_pradesh(stages):
    got = _resolve(stages, "The Kosi river flooded hundreds of villages in Bihar.", "Kosi", "Bihar")
    assert _where(got["Kosi"]) == ("Kosi River", "river", None)
    assert _km(got["Kosi"], 25.64, 85.91) < 200


def test_maracaibo_is_the_city_unless_the_text_calls_it_the_lake(stages):
    got = _resolve(stages, "The army moved to Maracaibo on Monday.", "Maracaibo")
    assert _where(got["Maracaibo"]) == ("Maracaibo", "city", "VE")
    got = _resolve(stages, "Oil from a broken pipe spread across Maracaibo, fishermen said.", "Maracaibo",
                   hints={"Maracaibo": ("lake",)})
    assert _where(got["Maracaibo"]) == ("Lake Maracaibo", "lake", "VE")
    got = _resolve(stages, "Fishermen on Lake Maracaibo blocked a tanker.", "Lake Maracaibo")
    assert _where(got["Lake Maracaibo"]) == ("Lake Maracaibo", "lake", "VE")


def test_paris_in_stark_county_is_not_saint_paris(stages):
    got = _resolve(stages, "Paris is a small community in Stark County, Ohio.", "Paris", "Stark County", "Ohio")
    assert got["Paris"].candidate.name == "Paris"
    assert all(a.candidate.name != "Saint Paris" for a in got["Paris"].alternatives)
    assert _where(got["Stark County"]) == ("Stark County", "admin2", "US")


def test_saint_petersburg_may_still_be_called_petersburg(stages, gazetteer):
    names = {m.candidate.name for m in stages.candidates.generate(mentions_of("Petersburg.", "Petersburg"))[0].matches}
    assert "Saint Petersburg" in names and "Petersburg" in names


def test_venezuelan_states_of_zulia_and_apure_from_a_colombian_dateline(stages):
    text = "CÚCUTA, Colombia — Colombian troops watched the Venezuelan states of Zulia and Apure."
    got = _resolve(stages, text, "CÚCUTA", "Colombia", "Zulia", "Apure", countries={"Zulia": "VE", "Apure": "VE"})
    assert _where(got["Zulia"]) == ("Zulia", "admin1", "VE")
    assert _where(got["Apure"]) == ("Apure", "admin1", "VE")
    assert _where(got["CÚCUTA"]) == ("Cúcuta", "city", "CO")


# -- a feature hint, and where a feature is placed ---------------------------------------------

def test_a_river_hint_is_never_the_country_or_a_town(stages):
    got = _resolve(stages, "Pilgrims waded into the Jordan near Jericho.", "Jordan", "Jericho",
                   hints={"Jordan": ("river",)})
    assert _where(got["Jordan"]) == ("Jordan", "river", None)
    assert _km(got["Jordan"], 31.87, 35.44) < 30


def test_a_hint_with_no_feature_of_its_kind_leaves_towns_out(stages):
    got = _resolve(stages, "Boats crossed the Qwertyvale near Omdurman.", "Qwertyvale", "Omdurman",
                   hints={"Qwertyvale": ("river", "sea", "lake")})
    assert got["Qwertyvale"].candidate is None


def test_the_oder_is_placed_at_frankfurt_oder(stages):
    got = _resolve(stages, "Flood water on the Oder reached Frankfurt (Oder) and Slubice on Sunday.",
                   "Oder", "Frankfurt (Oder)", "Slubice")
    assert _where(got["Oder"]) == ("Oder", "river", None)
    assert _where(got["Frankfurt (Oder)"]) == ("Frankfurt (Oder)", "city", "DE")
    assert _km(got["Oder"], 52.35, 14.55) < 5


def test_a_lake_keeps_its_point_inside_it(stages):
    got = _resolve(stages, "Fishermen on Lake Victoria near Kampala reported low catches.", "Lake Victoria", "Kampala")
    lake = got["Lake Victoria"].candidate
    assert (lake.name, lake.kind) == ("Lake Victoria", "lake")
    assert (round(lake.lat, 2), round(lake.lon, 2)) == (-1.27, 32.86)
    assert _where(got["Kampala"]) == ("Kampala", "city", "UG")


@pytest.mark.parametrize("text, names, feature, kind, near", [
    ("The Mekong fell to a record low at Phnom Penh.", ("Mekong", "Phnom Penh"), "Mekong", "river", (11.56, 104.92)),
    ("The Danube burst its banks at Budapest.", ("Danube", "Budapest"), "Danube", "river", (47.50, 19.04)),
    ("Barges on the Orinoco reached Ciudad Bolívar.", ("Orinoco", "Ciudad Bolívar"), "Orinoco", "river", (8.12, -63.55)),
    ("The Murray river at Mildura is running low.", ("Murray", "Mildura"), "Murray", "river", (-34.19, 142.16)),
    ("Ice on the Yukon trapped boats near Dawson City.", ("Yukon", "Dawson City"), "Yukon", "river", (64.06, -139.43)),
])
def test_rivers_of_every_continent_are_placed_by_the_town_of_the_story(stages, text, names, feature, kind, near):
    got = _resolve(stages, text, *names)
    assert got[feature].candidate.kind == kind and got[feature].candidate.fid is not None
    assert _km(got[feature], *near) < 10


@pytest.mark.parametrize("text, names, feature, expected", [
    ("Refugees fled Darfur for camps in Chad.", ("Darfur", "Chad"), "Darfur", ("Darfur", "region", "SD")),
    ("Shelling continued across the Donbas, officials in Kyiv said.", ("Donbas", "Kyiv"), "Donbas",
     ("Donbas", "region", "UA")),
    ("Drought gripped the Sahel from Mali to Niger.", ("Sahel", "Mali", "Niger"), "Sahel", ("Sahel", "region", None)),
    ("Sandstorms swept out of the Gobi into Beijing.", ("Gobi", "Beijing"), "Gobi", ("Gobi", "desert", None)),
    ("Tankers queued at the Strait of Hormuz.", ("Strait of Hormuz",), "Strait of Hormuz",
     ("Strait of Hormuz", "sea", None)),
    ("Climbers on Mount Kilimanjaro were rescued near Moshi.", ("Mount Kilimanjaro", "Moshi"), "Mount Kilimanjaro",
     ("Kilimanjaro", "mountain", "TZ")),
])
def test_regions_deserts_straits_and_peaks(stages, text, names, feature, expected):
    got = _resolve(stages, text, *names)
    assert _where(got[feature]) == expected
    assert got[feature].candidate.kind in FEATURE_KINDS and got[feature].candidate.fid is not None


@pytest.mark.parametrize("text, names, town, expected", [
    ("Students returned to Columbia, Missouri, on Monday.", ("Columbia", "Missouri"), "Columbia",
     ("Columbia", "city", "US")),
    ("The council of Albany, New York, met on Monday.", ("Albany", "New York"), "Albany", ("Albany", "city", "US")),
    ("Residents of Mount Pleasant, South Carolina, cleaned up.", ("Mount Pleasant", "South Carolina"), "Mount Pleasant",
     ("Mount Pleasant", "city", "US")),
    ("The Ohio governor signed the bill in Columbus.", ("Ohio", "Columbus"), "Ohio", ("Ohio", "admin1", "US")),
    ("Ebola spread in the Congo, officials in Kinshasa said.", ("Congo", "Kinshasa"), "Kinshasa",
     ("Kinshasa", "city", "CD")),
])
def test_towns_and_states_named_like_rivers_stay_towns_and_states(stages, text, names, town, expected):
    got = _resolve(stages, text, *names)
    assert _where(got[town]) == expected


def test_a_feature_is_not_an_alternative_of_itself(stages):
    got = _resolve(stages, "The Danube burst its banks at Budapest.", "Danube", "Budapest")
    danube = got["Danube"]
    assert all(a.candidate.fid != danube.candidate.fid for a in danube.alternatives)


# -- through the public API --------------------------------------------------------------------

def _api(geoparser, text) -> dict[str, tuple]:
    return {p.name: (p.candidate.name, p.candidate.kind, p.candidate.country_code) if p.candidate else None
            for p in geoparser.places(text)}


def test_api_black_sea_and_odesa(geoparser):
    assert _api(geoparser, "Ships crossed the Black Sea from Odesa.") == {
        "Black Sea": ("Black Sea", "sea", None), "Odesa": ("Odesa", "city", "UA")}


def test_api_white_nile_andes_kosi_scioto(geoparser):
    assert _api(geoparser, "Boats on the White Nile left Omdurman.")["White Nile"] == ("White Nile", "river", None)
    assert _api(geoparser, "Snow fell across the Andes.") == {"Andes": ("Andes", "range", None)}
    assert _api(geoparser, "The Kosi river flooded villages in Bihar.") == {
        "Kosi River": ("Kosi River", "river", None), "Bihar": ("Bihar", "admin1", "IN")}
    assert _api(geoparser, "Water rose on the Scioto River near Chillicothe.") == {
        "Scioto": ("Scioto", "river", "US"), "Chillicothe": ("Chillicothe", "city", "US")}


def test_api_paris_and_zulia(geoparser):
    got = _api(geoparser, "Paris is a small community in Stark County, Ohio.")
    assert got["Paris"][0] == "Paris" and got["Stark County"] == ("Stark County", "admin2", "US")
    got = _api(geoparser, "Protests spread in the Venezuelan states of Zulia and Apure.")
    assert got["Zulia"] == ("Zulia", "admin1", "VE") and got["Apure"] == ("Apure", "admin1", "VE")


def test_api_frame_has_the_feature_columns(geoparser):
    frame = geoparser.geoparse("Ships crossed the Black Sea from Odesa.")
    sea = frame[frame["name"] == "Black Sea"].iloc[0]
    odesa = frame[frame["name"] == "Odesa"].iloc[0]
    assert (sea["kind"], sea["subkind"]) == ("sea", "sea") and int(sea["fid"]) > 0
    assert odesa["kind"] == "city" and pd.isna(odesa["subkind"]) and pd.isna(odesa["fid"])
    assert str(frame["fid"].dtype) == "Int64"
    records = {r["name"]: r for r in to_json_records(frame)}
    assert (records["Odesa"]["subkind"], records["Odesa"]["fid"]) == (None, None)
    assert records["Black Sea"]["fid"] == int(sea["fid"])


# -- GeoNames imports and the user's places as features ---------------------------------------

def test_imported_h_t_and_l_entries_are_feature_kinds(tmp_path, gazetteer):
    from _servers import dump_row

    from geo.candidates import CandidateGenerator
    from geo.gazetteer._import import Imports, import_file
    from geo.resolve import Resolver

    dump = tmp_path / "XS.txt"
    dump.write_text("".join((
        dump_row(99100001, "Wadi Zarqun", 35.61, 39.02, fclass="H", fcode="WAD"),
        dump_row(99100002, "Jabal Zarqun", 35.70, 39.20, fclass="T", fcode="MTS"),
        dump_row(99100003, "Zarqun Plain", 35.50, 38.90, fclass="L", fcode="RGN"),
        dump_row(99100004, "Zarqun", 35.55, 39.05, fclass="P", fcode="PPL", alternates="Wadi Zarqun", population=900),
    )), encoding="utf-8")
    import_file(dump, tmp_path / "imports", progress=False)
    imports = Imports(tmp_path / "imports", gazetteer=gazetteer)
    kinds = {m.candidate.name: (m.candidate.kind, m.candidate.raw["subkind"] if m.candidate.kind != "city" else None)
             for m in imports.lookup("wadi zarqun") + imports.lookup("jabal zarqun") + imports.lookup("zarqun plain")}
    assert kinds == {"Wadi Zarqun": ("river", "wadi"), "Jabal Zarqun": ("range", "range"),
                     "Zarqun Plain": ("region", "region"), "Zarqun": ("city", None)}

    view = gazetteer.extended(imports)
    text = "Flash floods swept along Wadi Zarqun east of Raqqa."
    ms = [dataclasses.replace(m, feature_hint=("river",) if m.text == "Wadi Zarqun" else ())
          for m in mentions_of(text, "Wadi Zarqun", "Raqqa")]
    places = Resolver(view).resolve(CandidateGenerator(view).generate(ms), text)
    wadi = next(p for p in places if p.name == "Wadi Zarqun")
    assert (wadi.candidate.kind, wadi.candidate.geonameid, wadi.candidate.source) == ("river", 99100001, "geonames-dump")


def test_a_users_river_is_a_river(geoparser, tmp_path):
    from geo.pipeline import Geoparser

    p = tmp_path / "places.csv"
    p.write_text("name,lat,lon,country,kind\nQaraqosh Creek,36.27,43.38,IQ,river\nTell Qaraqosh,36.30,43.40,IQ,hill\n",
                 encoding="utf-8")
    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp, places=p)
    kinds = {m.candidate.name: m.candidate.kind for name in ("Qaraqosh Creek", "Tell Qaraqosh")
             for m in gp.gazetteer.lookup(name) if m.candidate.source == "user"}
    assert kinds == {"Qaraqosh Creek": "river", "Tell Qaraqosh": "mountain"}
    got = _resolve(_Stages(gp.gazetteer), "Farmers near Mosul said Qaraqosh Creek had dried up.", "Mosul",
                   "Qaraqosh Creek", hints={"Qaraqosh Creek": ("river",)})
    creek = got["Qaraqosh Creek"].candidate
    assert (creek.name, creek.kind, creek.source, creek.country_code) == ("Qaraqosh Creek", "river", "user", "IQ")


def test_a_sea_named_without_its_word(stages):
    got = _resolve(stages, "Residents of Szczecin, near the river's mouth on the Baltic coast, were told to prepare.",
                   "Szczecin", "Baltic")
    assert _where(got["Baltic"]) == ("Baltic Sea", "sea", None)
    got = _resolve(stages, "Hurricane warnings went up across the Caribbean on Friday.", "Caribbean")
    assert _where(got["Caribbean"]) == ("Caribbean Sea", "sea", None)


# -- a region holding the article's places, hints of a few mentions, a country on a feature --------

@pytest.mark.parametrize("text, names, region, expected", [
    # the region holds the story's towns; the division of that name lies 300 km or more away
    ("Dams in Iran and Turkey hold back the water. In Kurdistan, farmers near Mosul say the rains failed.",
     ("Iran", "Turkey", "Kurdistan", "Mosul"), "Kurdistan", ("Kurdistan", "region", None)),
    ("Copper mines in Atacama, near Calama, have cut their water use.", ("Atacama", "Calama"), "Atacama",
     ("Atacama", "desert", "CL")),
    # ... and the division, when the story's towns lie in it
    ("In Kurdistan, near Sanandaj, farmers said the spring rains had failed.", ("Kurdistan", "Sanandaj"), "Kurdistan",
     ("Kurdistan", "admin1", "IR")),
])
def test_a_region_that_holds_the_articles_places_beats_a_distant_division_of_its_name(stages, text, names, region,
                                                                                      expected):
    got = _resolve(stages, text, *names)
    assert _where(got[region]) == expected


def test_a_country_named_for_one_mention_of_many_leaves_the_others_alone(stages):
    text = ("Ipswich is a city west of Brisbane. It was named after the English town of Ipswich. "
            "Ipswich council said Ipswich station would reopen.")
    ms = mentions_of(text, "Ipswich", "Brisbane")
    named = text.index("town of Ipswich") + len("town of ")
    ms = [dataclasses.replace(m, country_hint="GB") if m.start == named else m for m in ms]
    assert sum(1 for m in ms if m.country_hint) == 1
    places = stages.resolve(ms, text)
    town = next(p for p in places if p.name == "Ipswich")
    assert _where(town) == ("Ipswich", "city", "AU") and len(town.mentions) == 4


def test_a_country_is_not_a_town_of_its_name_on_a_feature_of_the_story(stages):
    got = _resolve(stages, "Jamaica lies in the Greater Antilles, south of Cuba. Jamaica exports bauxite.",
                   "Jamaica", "Greater Antilles", "Cuba", hints={"Greater Antilles": ("island",)})
    assert _where(got["Jamaica"]) == ("Jamaica", "country", "JM")
    got = _resolve(stages, "Granada lies on Lake Nicaragua. Nicaragua grows coffee.", "Granada", "Lake Nicaragua",
                   "Nicaragua", hints={"Lake Nicaragua": ("lake",)})
    assert _where(got["Nicaragua"]) == ("Nicaragua", "country", "NI")
    assert _where(got["Granada"]) == ("Granada", "city", "NI")


@pytest.mark.parametrize("text, names, town, expected", [
    # a bare name after the river named in full is the town named after it, not the river
    ("Aldan is a town in Yakutia. The Aldan River flows to the north. Aldan has a gold mine.",
     ("Aldan", "Yakutia", "Aldan River"), "Aldan", ("Aldan", "city", "RU")),
    # a lake is named with its word: a bare "Garda" is the town
    ("Hoteliers in Garda said bookings from Verona had fallen.", ("Garda", "Verona"), "Garda", ("Garda", "city", "IT")),
])
def test_a_bare_name_is_the_town_where_the_text_names_no_feature(stages, text, names, town, expected):
    got = _resolve(stages, text, *names, hints={"Aldan River": ("river",)})
    assert _where(got[town]) == expected


# -- issue 16: the feature kinds of each mention, found once for both stages -----------------------

def test_names_carry_each_mention_s_kinds_and_the_resolver_reads_them_as_its_own(stages):
    from geo._features_resolve import mention_kinds

    text = ("Barges on the Kosi river reached Saharsa. Villagers near lake Chad and the Kosi said the "
            "Chad government sent boats; Kosi district officials met in Saharsa.")
    names = stages.candidates.generate(mentions_of(text, "Kosi", "Chad", "Saharsa"))
    assert all(n.kinds == tuple(mention_kinds(m) for m in n.mentions) for n in names)
    assert any(k for n in names for k in n.kinds)  # the text names some of them as features
    bare = [dataclasses.replace(n, kinds=()) for n in names]  # a Name built without them: asked again
    assert stages.resolver.resolve(names, text) == stages.resolver.resolve(bare, text)
    with pytest.raises(ValueError, match="mention kinds"):
        dataclasses.replace(names[0], kinds=names[0].kinds + (frozenset(),))
