"""The map file people share (issue 4), checked offline without a browser:
inlined assets, tile options and API keys, article panel, clustering, offline basemap."""

from __future__ import annotations

import json
import re

import pytest

import folium.folium
from geo._render_assets import asset_versions, leaflet_version_expected
from geo._render_page import PLACE_LIST_LIMIT
from geo._render_tiles import DEFAULT_TILES
from geo.errors import GeoError, UsageError
from geo.render import render_map
from test_render import HOSTILE, IRAQ_OUTLINE, SYRIA_OUTLINE, _Page, _frame, _row, sample_frame

ARTICLE = (
    "Fighting in Syria went on, a Syrian official said.\n\n"
    "Iraq closed the border near Baghuz. Nobody has found Atlantis.\n"
    "Before " + HOSTILE + " after."
)


def _span(text, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = ARTICLE.index(text, start + 1)
    return [start, start + len(text)]


def article_frame():
    frame = sample_frame()
    frame.at[0, "spans"] = [_span("Syria")]
    frame.at[0, "adjectival_spans"] = [_span("Syrian")]
    frame.at[1, "spans"] = [_span("Iraq")]
    frame.at[2, "spans"] = [_span("Baghuz")]
    frame.at[3, "spans"] = [_span("Atlantis"), [len(ARTICLE) + 5, len(ARTICLE) + 9]]  # 2nd: out of range
    frame.at[4, "spans"] = [_span(HOSTILE)]
    return frame


def urls(document):
    return set(re.findall(r"https?://[^\s\"'<>()\\]+", document))


# ------------------------------------------------------------------ self-contained file


def test_default_file_inlines_leaflet_and_needs_no_network():
    document = render_map(sample_frame(), title="t", outlines={"SY": SYRIA_OUTLINE})
    page = _Page(document)
    assert not [attrs for attrs, _ in page.scripts if "src" in attrs]
    assert not [attrs for tag, attrs in page.tags if tag == "link"]
    assert "Leaflet 1.9.3" in document and "L.control.layers(" in document
    assert "url(data:image/png;base64," in document  # the layer-control icon, inlined
    assert "url(images/" not in document
    assert "sourceMappingURL" not in document
    # No jQuery, Bootstrap or awesome-markers: nothing on the page uses them.
    assert "jQuery" not in document and "bootstrap" not in document.lower()
    assert document.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "user-scalable=no" not in document  # readers may zoom the page


def test_only_tile_and_attribution_urls_remain():
    document = render_map(article_frame(), title="t", article=ARTICLE, outlines={"SY": SYRIA_OUTLINE},
                          basemap_outlines=True)
    tile_url = re.search(r'L\.tileLayer\(\s*"([^"]+)"', document).group(1)
    attribution = json.loads(re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', document).group(1))
    allowed = {tile_url, "https://leafletjs.com"} | urls(attribution)
    # Leaflet creates SVG elements in the SVG namespace: an identifier, never fetched.
    allowed.add("http://www.w3.org/2000/svg")
    assert urls(document) <= allowed
    assert tile_url.startswith("https://server.arcgisonline.com/")


def test_cdn_option_links_folium_cdn():
    inline = render_map(sample_frame(), title="t")
    linked = render_map(sample_frame(), title="t", cdn=True)
    page = _Page(linked)
    sources = [attrs["src"] for attrs, _ in page.scripts if "src" in attrs]
    expected = [url for _, url in folium.folium._default_js if "leaflet@" in url]
    assert sources == expected
    assert len(linked) < len(inline) - 100_000


def test_inlined_leaflet_is_the_version_folium_expects():
    assert asset_versions()["leaflet"] == leaflet_version_expected() == "1.9.3"


# ------------------------------------------------------------------ tiles


def test_default_tiles_work_from_disk_without_key():
    document = render_map(sample_frame(), title="t")
    assert DEFAULT_TILES == "Esri.WorldGrayCanvas"
    assert "World_Light_Gray_Base/MapServer/tile/{z}/{y}/{x}" in document
    assert "{apikey}" not in document
    assert "tile.openstreetmap.org" not in document  # OSM refuses pages opened from disk


def test_tiles_by_xyzservices_name_and_url():
    osm = render_map(sample_frame(), title="t", tiles="OpenStreetMap.Mapnik")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in osm
    custom = render_map(sample_frame(), title="t", tiles="https://tiles.example.org/{z}/{x}/{y}.png",
                        attr='&copy; <a href="https://example.org/">Example</a>')
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in custom
    assert "https://example.org/" in custom


@pytest.mark.parametrize(
    "tiles, attr, message",
    [
        ("No.SuchProvider", None, "unknown tile source"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", None, "needs an attribution"),
        ("https://tiles.example.org/tile.png", "x", "{z}, {x} and {y}"),
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", "x", "http:// or https://"),
    ],
)
def test_bad_tile_options_are_usage_errors(tiles, attr, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        render_map(sample_frame(), title="t", tiles=tiles, attr=attr)


def test_no_tiles_leaves_the_offline_basemap():
    document = render_map(sample_frame(), title="t", tiles="none", outlines={"SY": SYRIA_OUTLINE},
                          basemap_outlines=True)
    assert "L.tileLayer(" not in document
    assert 'createPane("geoBasemap")' in document


def test_api_key_is_not_written_unless_asked(monkeypatch):
    monkeypatch.setenv("GEO_TEST_TILE_KEY", "s3cret-key-123")
    kept_out = render_map(sample_frame(), title="t", tiles="CartoDB.Positron", api_key_env="GEO_TEST_TILE_KEY")
    assert "s3cret-key-123" not in kept_out
    assert "?key={apikey}" in kept_out
    data = _Page(kept_out).data()
    assert data["tileNeedsKey"] is True
    # The tile layer is created but only added once the reader gives a key (#apikey=...).
    assert not re.search(r"tile_layer_\d+\.addTo\(", kept_out)

    embedded = render_map(sample_frame(), title="t", tiles="CartoDB.Positron", api_key_env="GEO_TEST_TILE_KEY",
                          embed_api_key=True)
    assert "?key=s3cret-key-123" in embedded
    assert _Page(embedded).data()["tileNeedsKey"] is False
    assert re.search(r"tile_layer_\d+\.addTo\(", embedded)

    url_key = render_map(sample_frame(), title="t", tiles="https://t.example.org/{z}/{x}/{y}.png?k={apikey}",
                         attr="Example", api_key_env="GEO_TEST_TILE_KEY", embed_api_key=True)
    assert "?k=s3cret-key-123" in url_key


def test_embedding_a_missing_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("GEO_TEST_TILE_KEY", raising=False)
    with pytest.raises(GeoError, match="set the environment variable GEO_TEST_TILE_KEY"):
        render_map(sample_frame(), title="t", tiles="CartoDB.Positron", api_key_env="GEO_TEST_TILE_KEY",
                   embed_api_key=True)


# ------------------------------------------------------------------ article panel


def test_article_shows_every_mention_as_a_link_to_its_place():
    document = render_map(article_frame(), title="t", article=ARTICLE)
    page = _Page(document)
    mentions = [(attrs["href"].removeprefix("#geo-place-"), attrs["class"]) for tag, attrs in page.tags
                if tag == "a" and "geo-mention" in attrs.get("class", "")]
    assert mentions == [
        ("0", "geo-mention geo-k-country"),
        ("0", "geo-mention geo-k-country geo-adj"),
        ("1", "geo-mention geo-k-country"),
        ("2", "geo-mention geo-k-city"),
        ("3", "geo-mention geo-k-unresolved"),  # the out-of-range span is skipped
        ("4", "geo-mention geo-k-unresolved"),
    ]
    # The article reads exactly as written (the parser decodes the escapes).
    text = "".join(page.text)
    assert ARTICLE in text
    assert "<img src=x" not in document and "<script>alert" not in document


def test_overlapping_spans_keep_the_first():
    frame = article_frame()
    syria = _span("Syria")
    frame.at[2, "spans"] = [[syria[0] + 1, syria[1] + 3]]  # overlaps "Syria": dropped
    document = render_map(frame, title="t", article=ARTICLE)
    assert document.count('href="#geo-place-2"') == 0
    assert document.count('href="#geo-place-0"') == 2


def test_place_list_sorted_by_mentions_and_capped():
    document = render_map(article_frame(), title="t", article=ARTICLE)
    page = _Page(document)
    listed = [attrs["data-place"] for tag, attrs in page.tags
              if tag == "button" and "geo-place" in attrs.get("class", "")]
    # Resolved by mentions (Syria 8, then Baghuz and Iraq with 2: by name), then unresolved.
    assert listed == ["0", "2", "1", "3", "4"]

    many = _frame([_row(f"Town {i:04d}", "city", point=(i % 360 - 179.5, (i % 170) - 85), mentions=1 + i % 7)
                   for i in range(PLACE_LIST_LIMIT + 20)])
    big = render_map(many, title="t", cluster_threshold=10_000)
    assert big.count('class="geo-place geo-k-city"') == PLACE_LIST_LIMIT
    assert "and 20 more places with fewer mentions" in big


# ------------------------------------------------------------------ scale, basemap, determinism


def test_many_places_become_canvas_circles_in_clusters_made_from_the_data():
    rows = [_row(f"Place {i}", "place", point=(-170 + (i * 7.3) % 340, -60 + (i * 3.1) % 120)) for i in range(40)]
    document = render_map(_frame(rows), title="t", cluster_threshold=30)
    assert document.count("L.circleMarker(") == 0  # no marker per place in the page: the script makes them
    assert re.search(r"var cluster_layer_\d+ = L\.geoClusters\(", document)
    data = _Page(document).data()
    assert data["cluster"] is True
    # the coordinates travel in the place data (5 decimals), every place once
    assert [(p["lat"], p["lon"]) for p in data["places"]] == [
        (round(r["geometry"].y, 5), round(r["geometry"].x, 5)) for r in rows]
    assert "L.GeoClusters = L.Layer.extend" in document  # geo's clusters inlined
    assert "MarkerClusterGroup" not in document  # (not Leaflet.markercluster's script: its style only)
    assert ".marker-cluster-small" in document
    small = render_map(_frame(rows[:30]), title="t", cluster_threshold=30)
    assert "L.GeoClusters" not in small and small.count("L.circleMarker(") == 30
    assert "lat" not in _Page(small).data()["places"][0]


def test_basemap_outlines_layer():
    outlines = {"SY": SYRIA_OUTLINE, "IQ": IRAQ_OUTLINE, "ZZ": {"type": "Point", "coordinates": [0, 0]}}
    document = render_map(sample_frame(), title="t", outlines=outlines, basemap_outlines=True)
    layer = re.search(r"var basemap_layer_\d+ = L\.geoJSON\((\{.*?\}), \{", document, re.S).group(1)
    assert len(json.loads(layer)["features"]) == 2  # the Point is not an outline
    assert '"Land and borders (offline)" : basemap_layer_' in document
    assert "basemap_layer_" not in render_map(sample_frame(), title="t", outlines=outlines)


def test_deterministic_with_every_option(monkeypatch):
    monkeypatch.setenv("GEO_TEST_TILE_KEY", "k")
    options = dict(title="t " + HOSTILE, article=ARTICLE, outlines={"SY": SYRIA_OUTLINE, "IQ": IRAQ_OUTLINE},
                   basemap_outlines=True, tiles="CartoDB.Positron", api_key_env="GEO_TEST_TILE_KEY",
                   cluster_threshold=2)
    first = render_map(article_frame(), **options)
    assert first == render_map(article_frame(), **options)
    assert not re.search(r"[0-9a-f]{32}", first)


def test_popup_highlights_come_from_the_spans_when_the_article_is_given():
    article = "The Syrian Democratic Forces said Syria is big. Later, Syrian officials agreed."
    first, second = article[:47], article[48:]
    syria = article.index("Syria ")
    officials = article.index("Syrian officials")
    row = _row("Syria", "country", point=(38.0, 35.0), cc="SY", forms=["Syria", "Syrian"], mentions=1, adj=1,
               snippets=[first, second])
    row["spans"] = [[syria, syria + 5]]
    row["adjectival_spans"] = [[officials, officials + 6]]
    with_article = _Page(render_map(_frame([row]), title="t", article=article)).data()["places"][0]["snippets"]
    # The organisation's "Syrian" is not a mention of Syria: not highlighted.
    assert with_article == [["The Syrian Democratic Forces said ", "Syria", " is big."],
                            ["Later, ", "Syrian", " officials agreed."]]
    without = _Page(render_map(_frame([row]), title="t")).data()["places"][0]["snippets"]
    assert without[0] == ["The ", "Syrian", " Democratic Forces said ", "Syria", " is big."]
