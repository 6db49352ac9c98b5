"""The map page's compact place data (issue 16): columns in the file, one object per place in the page.

Python writes the columns (geo._render_pack.pack_places); the page script and unpack_places read them
back. Both readers must give exactly the objects the page worked with before: checked here on a map
with every kind of field (dense, sparse, shared strings, flags, nested arrays, hostile text), and
in Chromium against the page's own reader.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from _offline_page import chromium_page, open_offline
from shapely.geometry import Point

from geo._render_pack import pack_places, unpack_places
from geo.render import render_map

HOSTILE = "</script><b>x</b> ${y} `z` \\ \u2028 \U0001F30A"


def test_pack_round_trips_dense_sparse_shared_and_flags():
    places = [
        {"name": "Kharkiv", "kind": "city", "country": "Ukraine", "n": 3, "adj": 0, "conf": 0.91, "resolved": True,
         "snippets": [["Shelling hit ", "Kharkiv", "."]], "gid": 706483},
        {"name": HOSTILE, "kind": "place", "country": None, "n": 1, "adj": 2, "conf": 0.2, "resolved": False,
         "snippets": [], "reason": "No entry of the gazetteer matched this name."},
        {"name": "Oskil", "kind": "river", "country": "Ukraine", "n": 2, "adj": 0, "conf": 0.7, "resolved": True,
         "snippets": [], "sub": "river", "alt": [["Oskil", "city", None, "UA", 900, 42, 0.2, 49.1, 37.7, 12]]},
    ]
    packed = pack_places(places)
    assert packed["n"] == 3
    assert set(packed["cols"]) >= {"name", "kind", "n", "conf", "resolved"}
    assert "sub" in packed["pairs"] and "alt" in packed["pairs"]  # few places have them: pairs
    assert packed["cols"]["resolved"] == [1, 0, 1]
    assert packed["strings"].count("Ukraine") == 1  # shared, written once
    expected = [{k: v for k, v in p.items() if v is not None} for p in places]  # a null means "none"
    assert unpack_places(json.loads(json.dumps(packed))) == expected
    assert unpack_places(pack_places([])) == []


def _frame(n, *, unresolved=3):
    rows = []
    for i in range(n):
        name = HOSTILE if i == 1 else f"Town {i}"
        resolved = i >= unresolved
        rows.append({"name": name, "kind": ["city", "admin1", "country", "place"][i % 4],
                     "country_code": None, "country": f"Land {i % 5}" if i % 3 else None,
                     "geonameid": 5_000 + i if i % 2 else None, "population": None, "mentions": 1 + i % 4,
                     "adjectival_mentions": i % 2, "surface_forms": [name], "spans": [],
                     "adjectival_spans": [], "snippets": [f"Crews reached {name} at dawn."],
                     "confidence": 0.3 + (i % 7) / 10, "resolved": resolved, "source": "gazetteer",
                     "geometry": Point(-120 + (i * 7.3) % 240, -50 + (i * 3.7) % 100) if resolved else None})
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    return frame


def _packed(document):
    block = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', document, re.S).group(1)
    return json.loads(block)["places"]


def test_the_page_data_is_columns_not_an_object_per_place():
    document = render_map(_frame(400), title="Columns")
    packed = _packed(document)
    assert packed["n"] == 400 and isinstance(packed["cols"]["name"], list)
    assert document.count('"conf"') == 1 and document.count('"resolved"') == 2  # once (and in "flags"), not 400 times
    places = unpack_places(packed)
    assert places[1]["name"] == HOSTILE and "reason" in places[0] and "lat" in places[5]
    assert all(round(p["lat"], 5) == p["lat"] for p in places if "lat" in p)


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def page():
    yield from chromium_page()


def _open(page, tmp_path, document):
    return open_offline(page, tmp_path / "pack.html", document, timeout_ms=60_000)


@pytest.mark.parametrize("n", [40, 1200])
def test_the_page_reads_the_columns_as_python_does(page, tmp_path, n):
    """Small map (a marker per place from folium) and big map (circles made by the page, clustered)."""
    document = render_map(_frame(n), title="Columns")
    errors = _open(page, tmp_path, document)
    expected = unpack_places(_packed(document))
    for p in expected:  # the page shows the article's spelling as the name (none differs here)
        assert "sp" not in p
    assert json.loads(page.evaluate("JSON.stringify(geoMap.places)")) == expected
    assert page.evaluate("Object.keys(geoMap.markers).length") == n - 3
    assert errors == []


def test_a_big_map_clusters_per_view_and_every_place_stays_reachable(page, tmp_path):
    frame = _frame(3000)
    errors = _open(page, tmp_path, render_map(frame, title="Three thousand"))
    clusters = page.locator(".marker-cluster")
    assert 0 < clusters.count() < 600  # the world view: clusters, not 3,000 circles
    assert page.evaluate("geoMap.markerGroup.count()") == 2997
    # a cluster zooms in on its places when clicked; deeper, fewer places are in clusters
    zoom = page.evaluate("geoMap.map.getZoom()")
    # Leaflet drops a setView made while a zoom animation is queued or running (its zoom already
    # reads the new level), so the test waits for the end of the move, not for the new zoom
    page.evaluate("() => { window.geoMoved = new Promise((r) => geoMap.map.once('moveend', r)); }")
    clusters.first.click()
    page.evaluate("() => window.geoMoved.then(() => true)")
    assert page.evaluate("geoMap.map.getZoom()") > zoom
    # a place from the list: its popup, where the place is
    page.evaluate("() => { geoMap.select(2500, {fly: false, scroll: false}); }")
    page.wait_for_selector(".geo-popup-name", timeout=30_000)
    assert page.locator(".geo-popup-name").text_content() == "Town 2500"
    # at street level every place in view is its own circle, clickable like any marker
    page.evaluate("() => { geoMap.map.closePopup(); geoMap.map.setView(geoMap.markers[2500].getLatLng(), 14, "
                  "{animate: false}); }")
    page.wait_for_function("geoMap.markers[2500]._map !== null && geoMap.markers[2500]._map !== undefined",
                           timeout=30_000)
    point = page.evaluate("""() => { var m = geoMap.map, p = m.latLngToContainerPoint(geoMap.markers[2500].getLatLng());
        var c = m.getContainer().getBoundingClientRect(); return [c.left + p.x, c.top + p.y]; }""")
    page.mouse.click(point[0], point[1])
    page.wait_for_function("document.querySelector('.geo-popup-name') && "
                           "document.querySelector('.geo-popup-name').textContent === 'Town 2500'", timeout=30_000)
    assert page.evaluate("geoMap.active()") == 2500
    # dropping it in the review tools takes its circle off the map
    page.locator(".geo-leaflet-popup .geo-drop").dispatch_event("click")  # the popup of a 3,000-place page may still be panning
    page.wait_for_function("!geoMap.markers[2500]._map", timeout=30_000)
    assert errors == []
