"""The user's own places (--places FILE): CSV or GeoJSON entries that take part in resolution."""

from __future__ import annotations

import json
import re

import pytest

from _servers import isolated_env, run_geo
from geo.errors import InputError
from geo.userplaces import load_places

CAMP_ARTICLE = ("Aid convoys reached Camp Sahel and the Tall Qandil checkpoint in Syria on Monday, officials said. "
                "Refugees in Camp Sahel said food had run out.\n\n"
                "The Camp Sahel Relief Committee said it would appeal to donors.\n")

PLACES_CSV = """name,lat,lon,country,kind,aliases,notes
# the desk's list, kept by hand
Camp Sahel,35.512,39.904,SY,camp,Sahel camp;Mukhayyam Sahel,"visited in May, 2024"
Tall Qandil checkpoint,35.601,40.012,Syria,checkpoint,,
Baghuz,34.4622,40.9406,SY,village,Baghouz,
"""


@pytest.fixture
def env(tmp_path, gazetteer):
    return isolated_env(tmp_path, gazetteer.path)


@pytest.fixture
def places_csv(tmp_path):
    p = tmp_path / "desk places.csv"
    p.write_text(PLACES_CSV, encoding="utf-8")
    return p


def test_places_file_resolves_the_seed_s_baghuz_in_the_frame_and_the_map(geo_exe, seed_article, places_csv, env,
                                                                        tmp_path):
    r = run_geo(geo_exe, "places", seed_article, "-f", "json", "--places", places_csv, env=env)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    b = [x for x in rows if {"Baghuz", "Baghouz"} & set(x["surface_forms"])]
    assert len(b) == 1
    b = b[0]
    assert (b["name"], b["kind"], b["source"], b["country_code"], b["country"]) == ("Baghuz", "city", "user", "SY", "Syria")
    assert set(b["surface_forms"]) == {"Baghuz", "Baghouz"} and b["resolved"]
    assert (b["lat"], b["lon"]) == (34.4622, 40.9406)
    assert not [x for x in rows if "Camp" in x["name"]], "places the article does not name stay off"

    without = tmp_path / "without.html"
    with_places = tmp_path / "with.html"
    r0 = run_geo(geo_exe, "map", seed_article, "-o", without, env=env)
    assert r0.returncode == 0, r0.stderr
    r = run_geo(geo_exe, "map", seed_article, "-o", with_places, "--places", places_csv, env=env)
    assert r.returncode == 0, r.stderr
    html, before = with_places.read_text(encoding="utf-8"), without.read_text(encoding="utf-8")
    assert "34.4622" in html and "40.9406" in html
    assert "34.4622" not in before
    assert re.search(r'geo-place-name">Baghuz</span> <span class="geo-place-meta">City or town · Syria', html)
    counts = [tuple(map(int, re.search(r"\((\d+) places on the map, (\d+) not placed\)", x.stderr).groups()))
              for x in (r0, r)]
    assert counts[1] == (counts[0][0] + 1, counts[0][1] - 1), counts  # Baghuz moved from "not placed" to the map


def test_listed_names_are_found_in_the_text_and_resolve_as_user_entries(geoparser, places_csv):
    from geo.pipeline import Geoparser

    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp, places=places_csv)
    assert len(gp.user_places) == 3
    frame = gp.geoparse(CAMP_ARTICLE)
    rows = {r["name"]: r for _, r in frame.iterrows()}
    camp = rows["Camp Sahel"]
    assert (camp["source"], camp["kind"], camp["country_code"], camp["mentions"]) == ("user", "place", "SY", 2), \
        "the organisation named after the camp is not a mention of it"
    assert (camp.geometry.y, camp.geometry.x) == (35.512, 39.904)
    check = rows["Tall Qandil checkpoint"]  # spaCy does not see it: the list does
    assert check["source"] == "user" and check["country"] == "Syria" and check["resolved"]
    assert rows["Syria"]["source"] == "gazetteer"
    # the shared gazetteer is not changed by the places file
    assert geoparser.gazetteer.lookup("Camp Sahel") == ()
    assert not any(r["source"] == "user" for _, r in geoparser.geoparse(CAMP_ARTICLE).iterrows())


def test_user_entries_compete_with_the_gazetteer_s(geoparser, tmp_path):
    """A listed place with a gazetteer name is one candidate among others, ranked by the article's context."""
    from geo.pipeline import Geoparser

    p = tmp_path / "p.csv"
    p.write_text("name,lat,lon,country,kind\nAleppo,36.2,37.16,SY,city\nAleppo,40.0,-80.0,US,town\n", encoding="utf-8")
    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp, places=p)
    cands = [m.candidate for m in gp.gazetteer.lookup("Aleppo")]
    assert {c.source for c in cands} == {"gazetteer", "user"}
    pl = [x for x in gp.places("Shelling hit Aleppo and Idlib in northern Syria on Friday.") if x.name == "Aleppo"]
    assert len(pl) == 1 and pl[0].candidate.country_code == "SY"


def test_geojson_places_with_points_and_polygons(geoparser, tmp_path):
    from geo.pipeline import Geoparser

    p = tmp_path / "places.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.904, 35.512]},
         "properties": {"name": "Camp Sahel", "kind": "camp", "aliases": ["Sahel camp"]}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[40.0, 35.6], [40.02, 35.6],
                                                                              [40.02, 35.62], [40.0, 35.62], [40.0, 35.6]]]},
         "properties": {"name": "Tall Qandil checkpoint", "country": "SY"}},
    ]}, indent=1), encoding="utf-8")
    places = load_places(p, geoparser.gazetteer)
    assert [(e.name, e.kind, e.country_code) for e in places.entries] == [
        ("Camp Sahel", "place", "SY"),  # the country from the point, inside Syria's outline
        ("Tall Qandil checkpoint", "place", "SY")]
    assert places.entries[1].lat == pytest.approx(35.61) and places.entries[1].lon == pytest.approx(40.01)
    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp, places=p)
    names = {pl.name for pl in gp.places("Residents of Sahel camp fled on Tuesday, aid workers in Syria said.")
             if pl.resolved}
    assert names == {"Camp Sahel", "Syria"}


BAD = {
    "bad number": ("p.csv", "name,lat,lon\nA,35,39\nB,abc,39\n", r"p\.csv:3: latitude 'abc' is not a number"),
    "out of range": ("p.csv", "name,lat,lon\nA,95,39\n", r"p\.csv:2: latitude '95' is out of range"),
    "no lon column": ("p.csv", "name,lat,country\nA,35,SY\n", r"p\.csv:1: the header has no lon column"),
    "missing lon": ("p.csv", "name,lat,lon\nA,35,\n", r"p\.csv:2: 'A' needs both lat and lon"),
    "unquoted comma": ("p.csv", "name,lat,lon\nRaqqa, Syria,35,39\n", r"p\.csv:2: 4 fields where 3 are expected"),
    "unknown country": ("p.csv", "name,lat,lon,country\nA,35,39,Narnia\n", r"p\.csv:2: unknown country 'Narnia'"),
    "no name": ("p.csv", "name,lat,lon\n,35,39\n", r"p\.csv:2: the place has no name"),
    "empty": ("p.csv", "name,lat,lon\n", r"p\.csv: holds no places"),
    "json syntax": ("p.geojson", '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",,}\n]}',
                    r"p\.geojson:3: not valid JSON"),
    "feature without name": ("p.geojson", '{"type": "FeatureCollection", "features": [\n'
                             ' {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},\n'
                             '  "properties": {"name": "A"}},\n'
                             ' {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},\n'
                             '  "properties": {"title": "B"}}\n]}\n', r"p\.geojson:4: the place has no name"),
    "not utf-8": ("p.csv", "name,lat,lon\nK\xf6ln,50,7\n".encode("latin-1"), r"p\.csv:2: not UTF-8 text"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_malformed_places_files_name_file_and_line(case, tmp_path, gazetteer):
    name, content, expected = BAD[case]
    p = tmp_path / name
    (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    with pytest.raises(InputError) as info:
        load_places(p, gazetteer)
    msg = str(info.value)
    assert "\n" not in msg
    assert re.fullmatch(re.escape(str(tmp_path)) + "/" + expected + ".*", msg), msg


def test_malformed_places_file_on_the_command_line(geo_exe, seed_article, tmp_path, env):
    p = tmp_path / "p.csv"
    p.write_text("name,lat,lon\nA,35,39\nB,north,39\n", encoding="utf-8")
    out = tmp_path / "m.html"
    r = run_geo(geo_exe, "map", seed_article, "-o", out, "--places", p, env=env)
    assert r.returncode == 1
    assert r.stderr == f"geo: error: {p}:3: latitude 'north' is not a number\n"
    assert not out.exists()
    r = run_geo(geo_exe, "places", seed_article, "--places", tmp_path / "nope.csv", env=env)
    assert r.returncode == 1 and r.stderr == f"geo: error: {tmp_path / 'nope.csv'}: no such places file\n"
