"""Corrections that stick: pin, drop, add; sidecar ARTICLE.geo.toml or --corrections FILE."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from _servers import isolated_env, run_geo, warnings_of
from geo.corrections import Corrections, Drop, sidecars
from geo.errors import InputError

OWN_ARTICLE = ("Flooding hit Paris on Monday after days of rain. Trucks bound for aleppo were stopped at the "
               "Tall Qandil checkpoint, officials in Syria said.\n")


@pytest.fixture
def env(tmp_path, gazetteer):
    return isolated_env(tmp_path, gazetteer.path)


@pytest.fixture
def seed_copy(tmp_path, seed_article):
    """The seed article copied into the test's directory (so a sidecar can sit beside it)."""
    d = tmp_path / "desk"
    d.mkdir()
    return shutil.copy(seed_article, d / "seed.txt")


def _rows(stdout: str) -> dict[str, dict]:
    return {r["name"]: r for r in json.loads(stdout)}


def test_sidecar_pins_drops_and_lists_its_changes_in_frame_and_map(geo_exe, seed_copy, env, tmp_path):
    sidecar = seed_copy.with_name("seed.geo.toml")
    sidecar.write_text(
        '# corrections for seed.txt\n'
        '[[pin]]\n'
        'name = "Baghuz"\n'
        'aliases = ["Baghouz"]\n'
        'lat = 34.4622\n'
        'lon = 40.9406\n'
        'kind = "village"\n'
        '\n'
        '[[drop]]\n'
        'name = "Iraq"\n'
        'reason = "not a place of this story"\n', encoding="utf-8")
    assert sidecars(seed_copy) == [sidecar]
    r = run_geo(geo_exe, "places", seed_copy, "-f", "json", env=env)
    assert r.returncode == 0, r.stderr
    rows = _rows(r.stdout)
    assert "Iraq" not in rows and not [x for x in rows.values() if x["geonameid"] == 99237]
    b = rows["Baghuz"]
    assert (b["source"], b["kind"], b["country_code"], b["confidence"]) == ("correction", "city", "SY", 1.0)
    assert set(b["surface_forms"]) == {"Baghuz", "Baghouz"}
    assert (b["lat"], b["lon"]) == (34.4622, 40.9406)
    lines = r.stderr.splitlines()
    assert re.fullmatch(rf"geo: {re.escape(str(sidecar))}:2: pinned 'Baghuz' at Baghuz \(34\.4622, 40\.9406\) "
                        r"\(\d+ mentions\)", lines[0]), lines
    assert re.fullmatch(rf"geo: {re.escape(str(sidecar))}:9: dropped 'Iraq' \(\d+ mentions\)", lines[1]), lines
    assert len(lines) == 2

    out = tmp_path / "seed.html"
    r = run_geo(geo_exe, "map", seed_copy, "-o", out, env=env)
    assert r.returncode == 0, r.stderr
    assert "pinned 'Baghuz'" in r.stderr and "dropped 'Iraq'" in r.stderr
    html = out.read_text(encoding="utf-8")
    assert "34.4622" in html and 'geo-place-name">Baghuz</span>' in html
    assert 'geo-place-name">Iraq</span>' not in html

    # --no-sidecar: the article as geo reads it
    r = run_geo(geo_exe, "places", seed_copy, "-f", "json", "--no-sidecar", env=env)
    rows = _rows(r.stdout)
    assert "Iraq" in rows and r.stderr == ""
    assert [x for x in rows.values() if "Baghuz" in x["surface_forms"]][0]["resolved"] is False


def test_global_corrections_add_and_pin_by_geonameid_with_article_globs(geo_exe, tmp_path, env, gazetteer):
    paris_tx = next(m.candidate for m in gazetteer.lookup("Paris") if m.candidate.country_code == "US"
                    and m.candidate.kind == "city")
    article = tmp_path / "flood-2024.txt"
    article.write_text(OWN_ARTICLE, encoding="utf-8")
    fixes = tmp_path / "fixes.toml"
    fixes.write_text(
        '[[pin]]\n'
        'name = "Paris"\n'
        f'geonameid = {paris_tx.geonameid}\n'
        'article = "flood-*.txt"\n'
        '\n'
        '[[pin]]\n'
        'name = "Paris"\n'
        'lat = 0.0\n'
        'lon = 0.0\n'
        'article = "other-*.txt"   # not this article\n'
        '\n'
        '[[add]]\n'
        'name = "Tall Qandil checkpoint"\n'
        'lat = 35.601\n'
        'lon = 40.012\n'
        'kind = "checkpoint"\n'
        '\n'
        '[[add]]\n'
        'name = "Aleppo"          # geo misses the lower-case name; the gazetteer resolves it\n', encoding="utf-8")
    before = _rows(run_geo(geo_exe, "places", article, "-f", "json", env=env).stdout)
    assert before["Paris"]["country_code"] == "FR"
    assert "Tall Qandil checkpoint" not in before and "Aleppo" not in before

    r = run_geo(geo_exe, "places", article, "-f", "json", "--corrections", fixes, env=env)
    assert r.returncode == 0, r.stderr
    rows = _rows(r.stdout)
    p = rows["Paris"]
    assert (p["geonameid"], p["country_code"], p["source"], p["confidence"]) == (paris_tx.geonameid, "US", "gazetteer", 1.0)
    t = rows["Tall Qandil checkpoint"]
    assert (t["source"], t["kind"], t["country"], t["lat"], t["lon"]) == ("correction", "place", "Syria", 35.601, 40.012)
    a = rows["Aleppo"]
    assert a["surface_forms"] == ["aleppo"] and a["country_code"] == "SY" and a["source"] == "gazetteer"
    assert f"{fixes}:1: pinned 'Paris' at GeoNames {paris_tx.geonameid} Paris" in r.stderr
    assert f"{fixes}:12: added 'Tall Qandil checkpoint' at Tall Qandil checkpoint (35.6010, 40.0120) (1 mention)" in r.stderr
    assert f"{fixes}:18: added 'Aleppo' (1 mention)" in r.stderr
    assert "0.0000" not in r.stderr

    # GEO_CORRECTIONS does the same without the option
    r2 = run_geo(geo_exe, "places", article, "-f", "json", env={**env, "GEO_CORRECTIONS": str(fixes)})
    assert r2.stdout == r.stdout


def test_corrections_that_match_nothing_warn(geo_exe, tmp_path, env):
    article = tmp_path / "a.txt"
    article.write_text(OWN_ARTICLE, encoding="utf-8")
    article.with_name("a.txt.geo.toml").write_text(
        '[[drop]]\nname = "Lyon"\n\n[[pin]]\nname = "Damascus"\nlat = 33.5\nlon = 36.3\n\n'
        '[[pin]]\nname = "Paris"\ngeonameid = 999999999\n', encoding="utf-8")
    r = run_geo(geo_exe, "places", article, "-f", "json", env=env)
    assert r.returncode == 0, r.stderr
    w = warnings_of(r.stderr)
    assert len(w) == 3, r.stderr
    assert w[0].endswith("a.txt.geo.toml:1: drop of 'Lyon': no such place or name in the article")
    assert w[1].endswith("a.txt.geo.toml:4: 'Damascus' does not occur in the article as a place")
    assert re.search(r"a\.txt\.geo\.toml:9: pin of 'Paris' not applied: GeoNames id 999999999 is neither in the "
                     r"gazetteer nor in its imports", w[2])
    assert _rows(r.stdout)["Paris"]["country_code"] == "FR"


def test_library_corrections(geoparser):
    fixes = Corrections(drops=(Drop(where="mem:1", name="Syria"),))
    changes: list = []
    places = geoparser.places(OWN_ARTICLE, corrections=fixes, changes=changes)
    assert "Syria" not in {p.name for p in places}
    assert [(c.action, c.name) for c in changes] == [("dropped", "Syria")]
    assert "Syria" in {p.name for p in geoparser.places(OWN_ARTICLE)}, "the geoparser itself is unchanged"


BAD = {
    "toml syntax": ('[[pin]]\nname = "Baghuz"\nlat = 34.4\nlon = = 40\n', r":4: not valid TOML \("),
    "lat range": ('[[pin]]\nname = "X"\nlat = 134.4\nlon = 40\n', r":3: lat 134.4 is out of range"),
    "only lat": ('[[drop]]\nname = "A"\n\n[[pin]]\nname = "X"\nlat = 34.4\n', r":6: give both lat and lon"),
    "pin without place": ('[[pin]]\nname = "X"\nkind = "camp"\n', r":1: a pin needs lat and lon, or a geonameid"),
    "unknown key": ('[[pin]]\nname = "X"\nlat = 1\nlng = 2\n', r":4: unknown key 'lng' in \[\[pin\]\]"),
    "unknown section": ('[[pins]]\nname = "X"\n', r":1: unknown section 'pins'"),
    "not a table": ('pin = "Baghuz"\n', r":1: write each pin as a \[\[pin\]\] table"),
    "text lat": ('[[pin]]\nname = "X"\nlat = "34.4"\nlon = 40\n', r":3: lat must be a number"),
    "bad geonameid": ('[[pin]]\nname = "X"\ngeonameid = -3\n', r":3: geonameid must be a positive whole number"),
    "drop without name": ('[[drop]]\nreason = "x"\n', r":1: a drop needs a name or a geonameid"),
    "add without name": ('[[add]]\nlat = 1\nlon = 2\n', r":1: \[\[add\]\] needs a name"),
    "second entry": ('[[add]]\nname = "A"\n\n[[add]]\nname = "B"\nlat = 1\nlon = 2\ncountry = 7\n',
                     r":8: country must be text"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_malformed_corrections_name_file_and_line(case, tmp_path):
    text, expected = BAD[case]
    p = tmp_path / "fixes.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Corrections.load(p)
    msg = str(info.value)
    assert "\n" not in msg
    assert re.match(re.escape(str(p)) + expected, msg), msg


def test_malformed_corrections_on_the_command_line(geo_exe, seed_copy, env, tmp_path):
    seed_copy.with_name("seed.geo.toml").write_text('[[pin]]\nname = "Baghuz"\nlat = 34.4\nlon = 400\n',
                                                   encoding="utf-8")
    out = tmp_path / "m.html"
    r = run_geo(geo_exe, "map", seed_copy, "-o", out, env=env)
    assert r.returncode == 1
    assert r.stderr == f"geo: error: {seed_copy.with_name('seed.geo.toml')}:4: lon 400 is out of range (-180 to 180)\n"
    assert not out.exists()
    r = run_geo(geo_exe, "places", seed_copy, "--corrections", tmp_path / "none.toml", env=env)
    assert r.returncode == 1 and r.stderr == f"geo: error: {tmp_path / 'none.toml'}: no such corrections file\n"
