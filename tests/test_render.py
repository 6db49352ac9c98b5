"""geo.render.render_map: the map page as HTML (offline, no browser)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo._render_pack import unpack_places
from geo.render import render_map

HOSTILE = (
    "<script>alert('x')</script> </script> `tick` ${window.pwned=1} \\ back\\slash \\2019 "
    "\"dq\" 'sq' <img src=x onerror=\"window.pwned=1\"> <!-- {{ 7*7 }} {% if %} &amp; \u2028\u2029 end"
)

SYRIA_OUTLINE = {"type": "Polygon", "coordinates": [[[35.7, 32.31], [42.38, 37.32], [36.0, 36.9], [35.7, 32.31]]]}
IRAQ_OUTLINE = {
    "type": "MultiPolygon",
    "coordinates": [[[[38.8, 33.37], [48.6, 29.9], [44.7, 37.1], [38.8, 33.37]]]],
}


def _row(name, kind, *, point=None, cc=None, country=None, gid=None, pop=None, mentions=1, adj=0,
         forms=None, snippets=(), resolved=None):
    return {
        "name": name,
        "kind": kind,
        "country_code": cc,
        "country": country,
        "geonameid": gid,
        "population": pop,
        "mentions": mentions,
        "adjectival_mentions": adj,
        "surface_forms": list(forms or [name]),
        "spans": [[0, len(name)]],
        "adjectival_spans": [],
        "snippets": list(snippets),
        "confidence": 0.8 if point is not None else 0.0,
        "resolved": point is not None if resolved is None else resolved,
        "source": "gazetteer",
        "geometry": Point(*point) if point is not None else None,
    }


def _frame(rows):
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    return frame


def sample_frame():
    return _frame(
        [
            _row("Syria", "country", point=(38.0, 35.0), cc="SY", country="Syria", gid=163843, pop=22198110,
                 mentions=5, adj=3, snippets=["Fighting in Syria went on.", "Syria's east is quiet."]),
            _row("Iraq", "country", point=(44.0, 33.0), cc="IQ", country="Iraq", gid=99237, mentions=2,
                 snippets=["Iraq closed the border."]),
            _row("Baghuz", "city", point=(40.93, 34.46), cc="SY", country="Syria", mentions=2,
                 forms=["Baghuz", "Baghouz"], snippets=["the eastern Syrian village of Baghuz", "Baghouz fell."]),
            _row("Atlantis", "unknown", snippets=["Nobody has found Atlantis."]),
            _row(HOSTILE, "place", forms=[HOSTILE], snippets=["Before " + HOSTILE + " after."]),
        ]
    )


class _Page(HTMLParser):
    """Collects what a browser's parser would see: elements, script bodies, text."""

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._script: dict | None = None
        self._title = False
        self.title = ""
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = attrs
            self.scripts.append((attrs, ""))
        if tag == "title":
            self._title = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag == "title":
            self._title = False

    def handle_data(self, data):
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        elif self._title:
            self.title += data
        else:
            self.text.append(data)

    def data(self):
        blocks = [body for attrs, body in self.scripts if attrs.get("id") == "geo-data"]
        assert len(blocks) == 1
        assert [attrs.get("type") for attrs, _ in self.scripts if attrs.get("id") == "geo-data"] == ["application/json"]
        data = json.loads(blocks[0])
        data["places"] = unpack_places(data["places"])  # (the page sends them as columns)
        return data


@pytest.fixture(scope="module")
def page_html():
    return render_map(sample_frame(), title="War map " + HOSTILE, outlines={"SY": SYRIA_OUTLINE, "IQ": IRAQ_OUTLINE})


def test_same_input_gives_identical_bytes(page_html):
    again = render_map(sample_frame(), title="War map " + HOSTILE, outlines={"SY": SYRIA_OUTLINE, "IQ": IRAQ_OUTLINE})
    assert again == page_html
    # folium's random ids are 32 hex digits; none may survive.
    assert not re.search(r"[0-9a-f]{32}", page_html)


def test_hostile_text_never_reaches_the_page_as_markup(page_html):
    assert "<script>alert" not in page_html
    assert "<img src=x" not in page_html
    assert "onerror=\"window" not in page_html
    assert "49" not in _Page(page_html).title  # no Jinja evaluation of {{ 7*7 }}

    page = _Page(page_html)
    # Every <script> the parser sees is one the page meant to have: none was cut short or
    # opened by the data. Only geo's own blocks and Leaflet's link.
    kinds = [(attrs.get("type"), attrs.get("id"), "src" in attrs) for attrs, _ in page.scripts]
    assert kinds.count(("application/json", "geo-data", False)) == 1
    assert all(t in (None, "application/json") for t, _, _ in kinds)
    code = [body for attrs, body in page.scripts if attrs.get("id") != "geo-data"]
    assert code and all("alert(" not in body and "pwned" not in body for body in code)
    data_block = [body for attrs, body in page.scripts if attrs.get("id") == "geo-data"][0]
    assert "pwned" in data_block and "<" not in data_block and ">" not in data_block
    # JavaScript line terminators inside script are escaped as \u2028 / \u2029.
    assert all("\u2028" not in body and "\u2029" not in body for _, body in page.scripts)
    # No element carries an event-handler attribute, no <img> at all.
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert not any(tag == "img" for tag, _ in page.tags)


def test_data_block_round_trips_every_string(page_html):
    data = _Page(page_html).data()
    hostile = [p for p in data["places"] if p["name"] == HOSTILE]
    assert len(hostile) == 1
    assert "".join(hostile[0]["snippets"][0]) == "Before " + HOSTILE + " after."
    assert hostile[0]["snippets"][0][1] == HOSTILE  # the mention is the highlighted part


def test_title_in_head_and_heading_escaped(page_html):
    page = _Page(page_html)
    assert page.title == "War map " + " ".join(HOSTILE.split())
    assert "<title>War map &lt;script&gt;alert(" in page_html
    assert '<h1 class="geo-title">War map &lt;script&gt;alert(' in page_html


def test_one_marker_per_resolved_place(page_html):
    data = _Page(page_html).data()
    resolved = [i for i, p in enumerate(data["places"]) if p["resolved"]]
    assert len(resolved) == 3
    assert page_html.count("L.circleMarker(") == 3
    ids = sorted(int(m) for m in re.findall(r'"geoId": (\d+)', page_html))
    assert ids == resolved


def test_marker_size_grows_with_mentions(page_html):
    options = [json.loads(o) for o in re.findall(r"L\.circleMarker\(\s*\[[^\]]*\],\s*(\{.*?\})\s*\)", page_html, re.S)]
    radii = {o["geoId"]: o["radius"] for o in options}
    # Syria: 5 literal + 3 adjectival mentions; Iraq: 2; Baghuz: 2.
    assert radii[0] > radii[1] == radii[2]
    colours = {o["geoId"]: o["fillColor"] for o in options}
    assert colours[0] == colours[1] != colours[2]  # by kind: country, country, city


def test_unresolved_names_are_listed_not_dropped(page_html):
    page = _Page(page_html)
    text = "".join(page.text)
    assert "Names that could not be placed (2)" in text
    assert "Atlantis" in text
    assert HOSTILE in text  # shown as text (the parser decodes the escapes)
    data = page.data()
    unresolved = [p for p in data["places"] if not p["resolved"]]
    assert [p["name"] for p in unresolved] == ["Atlantis", HOSTILE]
    assert all(p["reason"] and "lat" not in p for p in unresolved)


def test_country_outlines_layer(page_html):
    assert page_html.count("L.geoJSON(") == 1
    layer = re.search(r"L\.geoJSON\((\{.*?\}), \{", page_html, re.S).group(1)
    collection = json.loads(layer)
    places = _Page(page_html).data()["places"]
    assert sorted(places[f["properties"]["i"]]["name"] for f in collection["features"]) == ["Iraq", "Syria"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"])
    assert '"Country outlines" : outline_layer_' in page_html
    assert "L.control.layers(" in page_html


def test_no_outline_layer_without_country_outlines():
    frame = _frame([_row("Baghuz", "city", point=(40.93, 34.46), cc="SY")])
    # An outline for the city's country is not drawn: only country places get one.
    document = render_map(frame, title="t", outlines={"SY": SYRIA_OUTLINE})
    assert "L.geoJSON(" not in document
    assert "Country outlines" not in document


def test_legend_lists_kinds_and_size(page_html):
    text = " ".join(_Page(page_html).text)
    assert "Legend" in text
    assert "Country" in text and "City or town" in text
    assert "Circle area: number of mentions" in text


def test_view_world_single_and_fitted():
    nothing = render_map(_frame([_row("Atlantis", "unknown")]), title="none")
    assert '"zoom": 2' in nothing and ".fitBounds(\n" not in nothing
    assert "Atlantis" in nothing and nothing.count("L.circleMarker(") == 0

    one_city = render_map(_frame([_row("Raqqa", "city", point=(39.0, 35.95), cc="SY")]), title="one")
    assert "center: [35.95, 39.0]" in one_city and '"zoom": 10' in one_city

    one_country = render_map(
        _frame([_row("Syria", "country", point=(38.0, 35.0), cc="SY")]), title="c", outlines={"sy": SYRIA_OUTLINE}
    )
    assert "fitBounds(\n                [[32.31, 35.7], [37.32, 42.38]]" in one_country

    many = render_map(sample_frame(), title="many")
    assert "fitBounds(\n                [[33.0, 38.0], [35.0, 44.0]]" in many


def test_empty_frame_renders():
    frame = _frame([_row("x", "city", point=(1.0, 1.0))]).iloc[0:0]
    document = render_map(frame, title="Empty")
    assert "Names that could not be placed (0)" in document
    assert document.count("L.circleMarker(") == 0
