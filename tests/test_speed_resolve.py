"""The fast paths of candidate generation and resolution (issue 16, throughput) answer exactly what
the plain ones did: each is checked against the definition it replaces."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest

from geo import _features_resolve as fr


def _random_texts(seed: int, count: int):
    rnd = random.Random(seed)
    alphabet = list("abcTHEthe  \t\n\u00a0,.-'9\u00e9") + ["the ", "The ", "lake ", "river "]
    for _ in range(count):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))


@pytest.mark.parametrize("text", ["", " ", "lake ", "the ", "crossed the ", "9ab cd ", "ab-cd ef ", "x,  y ",
                                  "Tothe ", "bathe  ", "THE\u00a0", "caf\u00e9 de ", "in the\n"])
def test_words_before_a_mention_are_those_the_search_found(text):
    found = re.search(r"((?:[A-Za-z]+\s+){1,2})$", text)
    reversed_match = fr._WORDS_BEFORE_REVERSED.match(text[::-1])
    assert (reversed_match.group(0)[::-1] if reversed_match else None) == (found.group(1) if found else None)
    assert bool(fr._THE_BEFORE_REVERSED.match(text[::-1])) == bool(re.search(r"\bthe\s+$", text, re.I))


def test_words_before_a_mention_on_random_text():
    for text in _random_texts(16, 20_000):
        found = re.search(r"((?:[A-Za-z]+\s+){1,2})$", text)
        reversed_match = fr._WORDS_BEFORE_REVERSED.match(text[::-1])
        assert (reversed_match.group(0)[::-1] if reversed_match else None) == (found.group(1) if found else None), text
        assert bool(fr._THE_BEFORE_REVERSED.match(text[::-1])) == bool(re.search(r"\bthe\s+$", text, re.I)), text


def test_a_feature_read_by_name_is_the_one_its_id_reads(gazetteer):
    from geo.gazetteer._features import FeatureIndex

    by_name, by_query = FeatureIndex(gazetteer.path), FeatureIndex(gazetteer.path)
    try:
        found = [fm.feature for name in ("Danube", "Black Sea", "Lake Chad", "Andes", "Sahel", "Scioto River", "Nile")
                 for fm in by_name.matches(name)]
        assert len({f.fid for f in found}) >= 5
        for f in found:
            fresh = by_query.by_id(f.fid)  # (this index has read nothing by name: a query)
            assert by_name.by_id(f.fid) is f and fresh == f and fresh.geometry_wkb == f.geometry_wkb
        assert by_name.by_id(-1) is None
    finally:
        by_name.close()
        by_query.close()


def test_names_are_one_table_clustered_on_the_look_up_key(gazetteer):
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        objects = con.execute("SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'names%'").fetchall()
        plan = " ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN SELECT pid, primary_name FROM names "
                                                   "WHERE norm = ?", ("paris",)))
        free = con.execute("PRAGMA freelist_count").fetchone()[0]
        rows = con.execute("SELECT COUNT(*), COUNT(DISTINCT norm) FROM names").fetchone()
    finally:
        con.close()
    assert objects == [("table", "names")]  # no index beside it, no table left from the build
    assert "USING PRIMARY KEY (norm=?)" in plan
    assert free == 0  # (the temporary table of the build was not in the file)
    assert rows[0] > rows[1] > 100_000


def _kinds_by_forms(m):
    """mention_kinds as it was defined: every form of the mention and the words next to it."""
    from geo._text import name_key
    from geo.gazetteer._features import generic_core

    kinds = set(m.feature_hint)
    own = name_key(m.text)
    before, after = fr._context(m)
    forms = []
    if w := fr._WORD_AFTER.match(after):
        forms.append(f"{m.text} {w.group(1)}")
    if w := fr._WORDS_BEFORE_REVERSED.match(before[::-1]):
        words = w.group(0)[::-1].split()
        forms.extend(f"{' '.join(words[i:])} {m.text}" for i in range(len(words)))
    for form in forms:
        core = generic_core(name_key(form))
        if core and core[0] == own:
            kinds.update(core[1])
    return frozenset(kinds)


_KIND_SENTENCES = [
    ("Boats crossed the Kosi river at dawn.", "Kosi"), ("Herders around lake Chad lost cattle.", "Chad"),
    ("Mount Pleasant voted on Tuesday.", "Mount Pleasant"), ("Tankers left the Gulf of Oman.", "Oman"),
    ("Rain fell on Lake Lake overnight.", "Lake"), ("The Mt Mt trail closed.", "Mt"), ("Fog on Sea Sea Sea.", "Sea Sea"),
    ("Floods along the Río Bravo delta.", "Bravo"), ("Ships in the Strait of Hormuz waited.", "Hormuz"),
    ("Snow in the Atlas Mountains closed roads.", "Atlas"), ("He flew to Lyon on Monday.", "Lyon"),
    ("Smoke over the Isle of Skye.", "Skye"), ("Near Pleasant Hills mall.", "Pleasant"), ("Bay of Bengal storms", "Bengal"),
    ("Crews on the Lake-Erie shore.", "Erie"), ("Kyiv and Odesa were shelled.", "Odesa"), ("The Nile", "Nile"),
]


@pytest.mark.parametrize("sentence, name", _KIND_SENTENCES)
def test_mention_kinds_are_those_of_every_form(sentence, name):
    from geo.types import Mention

    start = sentence.index(name)
    for hint in ((), ("river",)):
        m = Mention(start=start, end=start + len(name), text=name, sentence=sentence, feature_hint=hint)
        assert fr.mention_kinds(m) == _kinds_by_forms(m)


def test_mention_kinds_on_random_words_around():
    from geo.types import Mention

    rnd = random.Random(7)
    words = ["lake", "Lake", "river", "the", "The", "of", "mount", "Mt", "sea", "Bay", "gulf", "Chad", "Kosi", "in",
             "islands", "Rio", "de", "lago", "range", "Sea", "x"]
    found = 0
    for _ in range(3000):
        name = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 2)))
        before = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 3)))
        sentence = f"{before} {name} {rnd.choice(words)} here."
        start = len(before) + 1
        m = Mention(start=start, end=start + len(name), text=name, sentence=sentence)
        assert fr.mention_kinds(m) == _kinds_by_forms(m), sentence
        found += bool(_kinds_by_forms(m))
    assert 100 < found < 2900  # both kinds of mention were tried


def test_nearest_anchor_under_enough_km_is_the_first_found_under_it():
    from geo._distance import haversine_km
    from geo._nearby import Anchors
    from geo.types import Candidate

    rnd = random.Random(11)
    for count in (6, 300):  # a scan of few anchors; cells for many
        points = [Candidate(geonameid=i, name=f"P{i}", kind="city", lat=rnd.uniform(30, 50), lon=rnd.uniform(-10, 30))
                  for i in range(count)]
        grid = Anchors.grid(points)
        near = 0
        for k in range(300):
            lat, lon = rnd.uniform(28, 52), rnd.uniform(-12, 32)
            own = Anchors(points, grid, without=points[k % count])
            full, early = own.nearest_km(lat, lon), own.nearest_km(lat, lon, 100.0)
            scan = min(haversine_km(lat, lon, a.lat, a.lon) for a in points if a is not points[k % count])
            assert (early < 100) == (full < 100) == (scan < 100)
            if scan >= 100:
                assert early == full
            near += scan < 100
        assert 0 < near < 300



def test_a_town_s_division_pid_is_that_of_its_division(gazetteer):
    from geo.gazetteer import Gazetteer
    from geo.types import Candidate

    plain = Gazetteer(gazetteer.path)  # (a fresh one: every division asked by its query)
    towns = [m.candidate for name in ("Columbus", "Springfield", "Aleppo", "Lyon", "Toledo", "Ohio", "Paris", "Syria")
             for m in gazetteer.lookup(name)]
    traps = [Candidate(geonameid=None, name="x", kind="city", lat=1.0, lon=1.0, country_code=cc, admin1_code=code)
             for cc, code in (("US", "OH"), ("US", "ZZ"), (None, "OH"), ("US", None), ("", ""), ("XX", "01"))]
    traps.append(Candidate(geonameid=None, name="x", kind="admin1", lat=1.0, lon=1.0, country_code="US", admin1_code="OH"))
    traps.append(Candidate(geonameid=None, name="x", kind="admin2", lat=1.0, lon=1.0, country_code="FR", admin1_code="84"))
    found = 0
    for c in towns + traps:
        a = plain.admin1_of(c)
        assert gazetteer.admin1_pid(c) == (a.pid if a is not None else None), c
        found += a is not None
    assert found > 20 and len(towns) > 50


def _nearest_by_nearest_points(feature, lat, lon):
    """nearest_point as it was defined: shapely's nearest_points on the shape scaled at ``lat``."""
    import math

    import shapely
    from shapely.ops import nearest_points

    from geo.evaluate import haversine_km
    from geo.gazetteer._features import _geometry

    geom = _geometry(feature)
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.covers(shapely.Point(lon, lat)):
        return lat, lon, 0.0
    k = max(0.05, math.cos(math.radians(lat)))
    near = nearest_points(shapely.transform(geom, lambda xy: xy * (k, 1.0)), shapely.Point(lon * k, lat))[0]
    nlat, nlon = near.y, max(-180.0, min(180.0, near.x / k))
    return nlat, nlon, haversine_km(lat, lon, nlat, nlon)


def test_nearest_point_of_a_feature_is_that_of_nearest_points(gazetteer):
    from geo.gazetteer._features import feature_index, nearest_point

    index = feature_index(gazetteer)
    features = [f for name in ("Nile", "Danube", "Black Sea", "Andes", "Lake Victoria", "Sahara", "Mississippi River",
                               "Kilimanjaro", "Bering Sea", "Mediterranean Sea") for f in index.named(name)]
    kinds = {f.kind for f in features}
    assert len(features) >= 10 and {"river", "sea", "range", "lake", "desert"} <= kinds
    rnd = random.Random(9)
    inside = 0
    for f in features:
        w, s, e, n = f.bbox
        points = [(f.lat, f.lon), (89.9, 10.0), (-89.5, 179.9), (0.0, -180.0)]
        points += [(rnd.uniform(max(-90, s - 5), min(90, n + 5)), rnd.uniform(max(-180, w - 5), min(180, e + 5)))
                   for _ in range(12)]
        for lat, lon in points:
            p = nearest_point(f, lat, lon)
            assert (p.lat, p.lon, p.km) == _nearest_by_nearest_points(f, lat, lon), (f.name, lat, lon)
            inside += p.km == 0.0
    assert inside > 5  # points inside an outline were tried too
