"""Review data: Place.alternatives, calibrated confidence, division refs in corrections, the panel."""

from __future__ import annotations

import json
import re

import pytest

from geo.calibration import REVIEW_BELOW, calibrated, calibration_table, place_class
from geo.corrections import Corrections
from geo.errors import InputError
from geo.frame import PLACES_ATTR
from geo.render import render_map
from geo.types import Alternative, Candidate, Mention, Place

AMBIGUOUS = ("Officials in Columbus, Ohio, said the decisions taken in Brussels and Washington would decide "
             "the aid. Trucks left Dayton for Marietta on Friday.\n")


def _cand(name="Springfield", gid=1, lat=39.8, lon=-89.6, kind="city"):
    return Candidate(geonameid=gid, name=name, kind=kind, lat=lat, lon=lon, country_code="US", admin1_code="IL")


def test_alternative_and_place_validate_their_values():
    m = Mention(start=0, end=11, text="Springfield")
    chosen, other = _cand(), _cand(gid=2, lat=42.1, lon=-72.6)
    place = Place(name="Springfield", mentions=(m,), candidate=chosen, confidence=0.5,
                  alternatives=(Alternative(other, 1.5, 0.3),))
    assert place.alternatives[0].candidate is other
    with pytest.raises(ValueError):
        Alternative(other, 1.5, 1.5)  # a probability above 1
    with pytest.raises(TypeError):
        Alternative("Springfield", 0.2, 0.2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Place(name="Springfield", mentions=(m,), candidate=chosen, alternatives=(other,))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Place(name="Springfield", mentions=(m,), candidate=chosen, alternatives=(Alternative(chosen, 0.5, 0.1),))


def test_resolved_places_carry_their_best_other_readings(geoparser):
    places = geoparser.places(AMBIGUOUS)
    by_name = {p.mentions[0].text: p for p in places}
    washington = by_name["Washington"]
    assert washington.alternatives, "an ambiguous name keeps the readings geo also considered"
    scores = [a.probability for a in washington.alternatives]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert len(washington.alternatives) <= 4
    keys = [a.candidate.key for a in washington.alternatives]
    assert washington.candidate.key not in keys and len(set(keys)) == len(keys)
    frame = geoparser.geoparse(AMBIGUOUS)
    review = frame.attrs[PLACES_ATTR]
    assert list(review) == [str(i) for i in frame.index]
    row = review[str(list(frame["name"]).index(washington.name))]
    assert [a["gid"] for a, _ in row["alt"]] == [a.candidate.geonameid for a in washington.alternatives]
    json.dumps(frame.attrs)  # plain data: GeoParquet writes the attrs


def test_calibration_is_a_monotone_table_per_class_of_place():
    table = calibration_table()
    assert {c for c, _ in table} == {"large", "division", "local"}
    for raws, values in table.values():
        assert list(raws) == sorted(raws) and list(values) == sorted(values)
        assert all(0.0 <= v <= 1.0 for v in values)
    assert place_class("country", 0) == ("large", 0) and place_class("city", 50_000) == ("local", 10_000)
    grid = [i / 100 for i in range(101)]
    for kind, pop in (("city", 500), ("city", 2_000_000), ("admin1", 0), ("country", 0)):
        out = [calibrated(r, kind, pop) for r in grid]
        assert out == sorted(out)
    # a small town with a weak score is more likely wrong than right; a sure country is not flagged
    assert calibrated(0.2, "city", 800) < 0.5 < REVIEW_BELOW <= calibrated(1.0, "country", 0)


def test_a_division_without_a_geonames_id_is_pinned_by_its_ref(geoparser, tmp_path):
    text = "Snow closed schools across Ontario on Monday, and the roads north of the lake stayed shut.\n"
    toml = tmp_path / "snow.geo.toml"
    toml.write_text('[[pin]]\nname = "Ontario"\nref = "admin1:CA.08"\nlabel = "Province of Ontario"\n', encoding="utf-8")
    changes: list = []
    places = geoparser.places(text, corrections=Corrections.load(toml), changes=changes)
    ontario = [p for p in places if p.candidate is not None and p.candidate.kind == "admin1"]
    assert len(ontario) == 1 and ontario[0].candidate.geonameid is None
    assert (ontario[0].name, ontario[0].candidate.country_code, ontario[0].candidate.admin1_code) == \
        ("Province of Ontario", "CA", "08")
    assert [c.action for c in changes] == ["pinned"]

    toml.write_text('[[pin]]\nname = "Ontario"\nref = "admin1:CA.99"\n', encoding="utf-8")
    changes = []
    geoparser.places(text, corrections=Corrections.load(toml), changes=changes)
    assert changes[0].action == "not-applied" and "admin1:CA.99" in str(changes[0])

    toml.write_text('[[pin]]\nname = "Ontario"\n\nref = "Ontario province"\n', encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{toml}:4: ref must look like")):
        Corrections.load(toml)


def _data(document):
    from geo._render_pack import unpack_places

    data = json.loads(re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', document, re.S).group(1))
    data["places"] = unpack_places(data["places"])  # (the page sends them as columns)
    return data


def test_the_map_lists_places_to_check_first_with_spelling_division_and_alternatives(geoparser, gazetteer):
    text = "GENEINA, Sudan — Aid reached Geneina on Monday. " + AMBIGUOUS
    frame = geoparser.geoparse(text)
    kwargs = dict(title="Check", article=text, divisions=gazetteer.division_names(),
                  countries={cc: c.name for cc, c in gazetteer.countries().items()})
    document = render_map(frame, review_below=1.0, **kwargs)
    assert document == render_map(frame, review_below=1.0, **kwargs)  # byte-identical
    data = _data(document)
    assert data["reviewBelow"] == 1.0 and data["altFields"][0] == "name"
    check = document.index('id="geo-check-h"')
    assert check < document.index('id="geo-places-h"')
    columbus = next(p for p in data["places"] if p["name"] == "Columbus")
    assert columbus.get("div") == "Ohio"  # a US town says its state
    assert any(p.get("alt") for p in data["places"])
    for p in data["places"]:
        for alt in p.get("alt", ()):
            assert len(alt) == len(data["altFields"]) and alt[1] in data["kinds"]
    geneina = [p for p in data["places"] if p.get("sp") == "Geneina"]
    assert geneina and geneina[0]["name"] != "Geneina"  # the article's spelling (not the dateline's capitals)
    assert "Geneina" in document.split('id="geo-check-h"')[1].split("</section>")[0] or "Geneina</span>" in document
    off = render_map(frame, review_below=0.0, **kwargs)
    assert 'id="geo-check-h"' not in off and "geo-check" not in re.sub(r"geo-check-these", "", off.split("<script")[0])


def test_the_fitted_view_leaves_out_a_lone_far_outlier():
    from geo._render_data import place_records
    from geo._render_geometry import lone_outlier
    from geo.frame import to_frame

    def place(name, lat, lon, start):
        m = Mention(start=start, end=start + len(name), text=name)
        return Place(name=name, mentions=(m,), candidate=_cand(name, start + 1, lat, lon), confidence=0.9)

    ohio = [place("Columbus", 39.96, -83.0, 0), place("Dayton", 39.76, -84.19, 20), place("Marion", 40.59, -83.13, 40)]
    far = place("Washington", 54.9, -1.52, 60)
    records = [r for r in place_records(to_frame(ohio + [far])) if r.resolved]
    assert lone_outlier(records).name == "Washington"
    assert lone_outlier([r for r in records if r.name != "Washington"]) is None
    document = render_map(to_frame(ohio + [far]), title="Outlier")
    bounds = json.loads(re.findall(r"\.fitBounds\(\s*(\[\[[-0-9., \[\]]*?\]\])", document, re.S)[-1])
    assert bounds[1][0] < 41 and bounds[0][1] > -85  # Ohio only
    assert "Washington" in document  # still on the map and in the list


def test_geo_map_review_below_option(geo_exe, gazetteer, tmp_path):
    from _servers import isolated_env, run_geo

    env = isolated_env(tmp_path, gazetteer.path)
    article = tmp_path / "snow.txt"
    article.write_text("Snow closed schools across Ontario and in Brussels on Monday.\n", encoding="utf-8")
    bad = run_geo(geo_exe, "map", article, "-o", tmp_path / "bad.html", "--review-below", "2", env=env)
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr and not (tmp_path / "bad.html").exists()
    r = run_geo(geo_exe, "map", article, "-o", tmp_path / "all.html", "-q", "--review-below", "1", env=env)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "all.html").read_text(encoding="utf-8")
    assert 'id="geo-check-h"' in page and '"correctionsName":"snow.geo.toml"' in page
    assert _data(page)["reviewBelow"] == 1.0
