"""Rivers, lakes, seas and regions on the maps (issue 12): drawn as their line or outline, in the legend.

The frames are built here the way the resolver makes them: a feature row has the feature's kind,
its id (``fid``, from the gazetteer's FeatureIndex) and subkind, and its point is the feature's
point nearest the story (here: a flood story set in Frankfurt (Oder), a shipping story in Odesa).
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from _offline_page import chromium_page, open_offline
from shapely.geometry import Point, shape

from geo._render_data import BASE_KINDS, KINDS
from geo._render_features import MAX_VERTICES, budget_geometry
from geo._render_pack import unpack_places
from geo.gazetteer._features import feature_index, geometry_for_map, nearest_point
from geo.render import render_map

STORY = ("FRANKFURT (ODER), Germany — The Oder rose another 40 cm overnight. Grain barges bound for the "
         "Black Sea wait at Odesa, while a research ship on Lake Victoria reported calm water. Climbers on "
         "Kilimanjaro were not affected.")


@pytest.fixture(scope="module")
def features(gazetteer):
    index = feature_index(gazetteer)

    def first(name, kind):
        found = [f for f in index.named(name) if f.kind == kind]
        assert found, f"the gazetteer has no {kind} named {name}"
        return found[0]

    return {"Oder": first("Oder", "river"), "Black Sea": first("Black Sea", "sea"),
            "Lake Victoria": first("Lake Victoria", "lake"), "Kilimanjaro": first("Kilimanjaro", "mountain"),
            "Bosporus": first("Bosporus", "sea")}


def _row(name, kind, lat, lon, *, fid=None, subkind=None, resolved=True, confidence=0.9, text=STORY):
    start = text.find(name)
    spans = [[start, start + len(name)]] if start >= 0 else []
    return {"name": name, "kind": kind, "country_code": None, "country": None, "geonameid": None,
            "population": None, "mentions": 1, "adjectival_mentions": 0, "surface_forms": [name], "spans": spans,
            "adjectival_spans": [], "snippets": [f"News named {name}."], "confidence": confidence,
            "resolved": resolved, "source": "gazetteer", "fid": fid, "subkind": subkind,
            "geometry": Point(lon, lat) if resolved else None}


def _feature_row(feature, near=(52.342, 14.553), **kw):
    point = nearest_point(feature, *near)
    return _row(feature.name, feature.kind, round(point.lat, 5), round(point.lon, 5), fid=feature.fid,
                subkind=feature.subkind, **kw)


def _frame(rows):
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    for column in ("geonameid", "population", "fid"):
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame


def _story_frame(features):
    return _frame([
        _row("Frankfurt (Oder)", "city", 52.34714, 14.55062),
        _feature_row(features["Oder"]),
        _row("Odesa", "city", 46.47747, 30.73262),
        _feature_row(features["Black Sea"], near=(46.47747, 30.73262)),
        _feature_row(features["Lake Victoria"], near=(-0.3, 32.6)),
        _feature_row(features["Kilimanjaro"], near=(-3.07, 37.35)),
    ])


def _shapes_in(document: str) -> list[dict]:
    """The features of the page's shape layer (its GeoJSON, as the script gives it to Leaflet)."""
    match = re.search(r"var (feature_layer_\d+) = L\.geoJSON\(", document)
    assert match, "the page has no feature shape layer"
    data, _end = json.JSONDecoder().raw_decode(document, match.end())
    return data["features"]


def _page_data(document: str) -> dict:
    match = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', document, re.S)
    data = json.loads(match.group(1))
    data["places"] = unpack_places(data["places"])
    return data


def _legend(document: str) -> str:
    return re.search(r'<details class="geo-legend".*?</details>', document, re.S).group(0)


def test_a_river_is_its_line_and_a_lake_or_sea_its_outline(features):
    frame = _story_frame(features)
    document = render_map(frame, title="Oder flood", article=STORY)
    shapes = {f["properties"]["i"]: f for f in _shapes_in(document)}
    assert set(shapes) == {1, 3, 4}  # the Oder, the Black Sea, Lake Victoria; Kilimanjaro is a marker only
    assert shapes[1]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert shapes[3]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert shapes[4]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert [shapes[i]["properties"]["k"] for i in (1, 3, 4)] == ["river", "sea", "lake"]
    assert shapes[1]["properties"]["c"] == KINDS["river"][0]
    # the shape is the feature's own, simplified: near the full geometry and within the vertex budget
    for i, name in ((1, "Oder"), (3, "Black Sea"), (4, "Lake Victoria")):
        drawn = shape(shapes[i]["geometry"])
        full = shape(geometry_for_map(features[name], 0.0))
        assert drawn.hausdorff_distance(full) < 0.1, name
        assert len(json.dumps(shapes[i]["geometry"])) < 30_000
    # every place keeps its marker at the row's point (the feature's point nearest the story)
    data = _page_data(document)
    assert [p["name"] for p in data["places"]] == list(frame["name"])
    oder = frame.geometry.iloc[1]
    assert re.search(rf"L\.circleMarker\(\s*\[{oder.y}, {oder.x}\]", document)


def test_the_legend_has_an_entry_per_kind_with_its_line_or_outline(features):
    document = render_map(_story_frame(features), title="Oder flood", article=STORY)
    legend = _legend(document)
    assert 'class="geo-k-river"><span class="geo-dot" aria-hidden="true"></span><span class="geo-swatch-line"' in legend
    assert "River (its line)" in legend
    assert "Sea, gulf or strait (its outline)" in legend
    assert "Lake (its outline)" in legend
    assert re.search(r'class="geo-k-mountain"><span class="geo-dot" aria-hidden="true"></span>Mountain</li>', legend)
    assert "City or town" in legend
    assert "Desert" not in legend and "Region" not in legend  # kinds not on this map
    data = _page_data(document)
    assert {"river", "sea", "lake", "mountain"} <= set(data["kinds"])
    assert "desert" not in data["kinds"]
    assert data["zoomByKind"]["river"] > data["zoomByKind"]["sea"]
    assert ".geo-k-river{--geo-c:" + KINDS["river"][0] + "}" in document
    assert ".geo-swatch-line" in document


def test_rows_without_a_feature_render_as_before(features):
    """No fid column, or one that is empty: the same bytes, and none of the features' page parts."""
    rows = [_row("Frankfurt (Oder)", "city", 52.34714, 14.55062), _row("Odesa", "city", 46.47747, 30.73262),
            _row("Atlantis", "place", 0, 0, resolved=False)]
    plain = _frame([{k: v for k, v in r.items() if k not in ("fid", "subkind")} for r in rows])
    empty = _frame(rows)
    a = render_map(plain, title="Two towns", article=STORY)
    b = render_map(empty, title="Two towns", article=STORY)
    assert a == b
    assert "L.geoJSON" not in a and "geo-swatch-line" not in a and "geo_features" not in a
    assert '"shapes"' not in a and "Rivers, lakes" not in a
    assert list(_page_data(a)["kinds"]) == list(BASE_KINDS)


def test_a_feature_row_that_is_not_placed_or_has_no_known_feature_gets_no_shape(features):
    river = features["Oder"]
    rows = [_feature_row(river), _feature_row(features["Black Sea"], resolved=False),
            _row("Old Canal", "river", 52.0, 14.0, fid=999_999_999)]
    document = render_map(_frame(rows), title="t")
    assert [f["properties"]["i"] for f in _shapes_in(document)] == [0]


def test_geometries_given_by_the_caller_are_simplified_to_the_budget():
    """A 5,000-vertex river of the caller's own (no gazetteer): drawn within the vertex budget."""
    import math

    line = [[round(10 + i / 500, 6), round(50 + 0.3 * math.sin(i / 7), 6)] for i in range(5000)]
    rows = [_row("Long River", "river", 50.0, 10.0, fid=7, subkind="river")]
    document = render_map(_frame(rows), title="t", features={7: {"type": "LineString", "coordinates": line}})
    (drawn,) = _shapes_in(document)
    coords = drawn["geometry"]["coordinates"]
    assert 50 < len(coords) <= MAX_VERTICES
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in coords)
    assert shape(drawn["geometry"]).hausdorff_distance(shape({"type": "LineString", "coordinates": line})) < 0.05
    assert budget_geometry({"type": "Point", "coordinates": [1, 2]}) is None


def test_a_dozen_features_stay_small(gazetteer):
    """Twelve features, large ones included, add well under 100 KB to the map."""
    index = feature_index(gazetteer)
    names = ["Oder", "Danube", "Nile", "Black Sea", "Mediterranean Sea", "Lake Victoria", "Lake Maracaibo",
             "Orinoco", "Sahara", "Sahel", "Donbas", "Bosporus"]
    found = [index.named(n)[0] for n in names]
    rows = [_feature_row(f) for f in found]
    with_shapes = render_map(_frame(rows), title="Twelve")
    without = render_map(_frame([{**r, "fid": None} for r in rows]), title="Twelve")
    assert len(_shapes_in(with_shapes)) == 12
    added = len(with_shapes.encode()) - len(without.encode())
    assert 5_000 < added < 100_000, added


def test_the_picture_draws_the_river_line(features):
    """geo.image: the Oder's line is drawn in the river colour (pixels along it), beside the markers."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    from geo.image import render_image

    rows = [_row("Frankfurt (Oder)", "city", 52.34714, 14.55062), _feature_row(features["Oder"]),
            _row("Szczecin", "city", 53.42894, 14.55302)]
    with_line = render_image(_frame(rows), None, fmt="png", size="600x400", write_alt=False)
    without = render_image(_frame([{**r, "fid": None} for r in rows]), None, fmt="png", size="600x400",
                           write_alt=False)
    colour = tuple(int(KINDS["river"][0][i:i + 2], 16) for i in (1, 3, 5))

    def near_colour(data: bytes) -> int:
        pixels = np.asarray(Image.open(BytesIO(data)).convert("RGB"), dtype=int)
        return int((np.abs(pixels - np.array(colour)).sum(axis=2) < 40).sum())

    assert near_colour(with_line.data) > near_colour(without.data) + 300
    assert "river" in with_line.alt_text.lower()


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def page():
    yield from chromium_page()


def _open(page, tmp_path, document):
    return open_offline(page, tmp_path / "features.html", document, timeout_ms=30_000)


def test_the_browser_draws_the_river_and_the_outlines_and_they_select_their_place(page, tmp_path, features):
    frame = _frame([_row("Frankfurt (Oder)", "city", 52.34714, 14.55062), _feature_row(features["Oder"]),
                    _feature_row(features["Bosporus"], near=(41.1, 29.05)),
                    _feature_row(features["Black Sea"], near=(46.47747, 30.73262))])
    errors = _open(page, tmp_path, render_map(frame, title="Oder and Bosporus", article=STORY))
    # Leaflet drew one SVG path per shape, in its kind's colour; the river without a fill
    river = page.locator("path.geo-shape-river")
    assert river.count() == 1
    assert river.get_attribute("fill") == "none"
    assert river.get_attribute("stroke") == KINDS["river"][0]
    assert page.locator("path.geo-shape-sea").count() == 2
    assert page.evaluate("Object.keys(geoMap.outlines).sort()") == ["1", "2", "3"]
    # seen whole, the river is a line of many points, not a dot
    page.evaluate("geoMap.map.fitBounds(geoMap.outlines[1].getBounds(), {animate: false})")
    page.wait_for_function("document.querySelector('path.geo-shape-river').getAttribute('d').length > 200",
                           timeout=5_000)
    # clicking the river's line selects the Oder: its popup, its list entry active, the line thicker
    box = river.bounding_box()
    assert box is not None
    point = page.evaluate("""() => { var l = geoMap.outlines[1], ll = l.getLatLngs();
        var first = Array.isArray(ll[0]) ? ll[0] : ll, mid = first[Math.floor(first.length / 2)];
        var p = geoMap.map.latLngToContainerPoint(mid), c = geoMap.map.getContainer().getBoundingClientRect();
        return [c.left + p.x, c.top + p.y]; }""")
    page.mouse.click(point[0], point[1])
    page.wait_for_selector(".geo-popup-name", timeout=5_000)
    assert page.locator(".geo-popup-name").text_content() == "Oder"
    assert page.evaluate("geoMap.active()") == 1
    assert float(river.get_attribute("stroke-width")) == 6
    # the popup of a strait says so; the review tools work on a feature row
    page.evaluate("geoMap.select(2, {fly: false, scroll: false})")
    page.wait_for_function("document.querySelector('.geo-popup-name').textContent === 'Bosporus'")
    assert page.locator(".geo-popup-meta").text_content().startswith("Sea, gulf or strait (strait)")
    page.locator(".geo-leaflet-popup .geo-drop").click()
    page.wait_for_function("document.querySelectorAll('path.geo-shape-sea').length === 1")
    assert page.evaluate("geoReview.edits()['2'].op") == "drop"
    page.locator("#geo-review-list .geo-undo").click()
    page.wait_for_function("document.querySelectorAll('path.geo-shape-sea').length === 2")
    assert errors == []
