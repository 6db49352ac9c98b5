"""Draw the places of an article as one interactive HTML map page.

:func:`render_map` takes the GeoDataFrame that :func:`geo.geoparse` returns and gives back
the whole HTML document as a str (the caller writes it). The map itself (tiles, layers,
markers, layer control) is built with folium; every string that comes from the article
travels as JSON in one ``<script type="application/json" id="geo-data">`` block, or as
escaped text in the side panel, and is shown by the page's own script
(``geo/_data/geo_map.js``) with DOM text APIs, so no name or sentence is ever parsed as HTML
or JavaScript. Element ids are numbered in tree order, so the same input gives
byte-identical output.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from geo._render_assets import head_assets
from geo._render_data import KINDS, PlaceRecord, clean_text, marker_radius, place_records, script_json
from geo._render_page import header_html, kind_css, panel_html
from geo._render_tiles import API_KEY_ENV, TileSpec, resolve_tiles

if TYPE_CHECKING:
    import geopandas

__all__ = ["render_map", "CLUSTER_THRESHOLD"]

CLUSTER_THRESHOLD = 300  # above this many resolved places: one clustered GeoJSON layer

_WORLD_CENTRE = (20.0, 0.0)
_WORLD_ZOOM = 2
# Zoom used when the map shows a single place, by kind (the page script uses the same).
_SINGLE_PLACE_ZOOM = {"continent": 3, "country": 5, "admin1": 6, "city": 10, "place": 11, "unknown": 8}
_FIT_MAX_ZOOM = 9
_FOLIUM_VIEWPORT = "initial-scale=1.0, maximum-scale=1.0, user-scalable=no"
_OUTLINE_TOLERANCE, _OUTLINE_DECIMALS = 0.005, 3  # outlines of the article's countries
_BASEMAP_TOLERANCE, _BASEMAP_DECIMALS = 0.03, 2  # offline basemap of all countries (~2 km)


def render_map(
    frame: "geopandas.GeoDataFrame",
    *,
    title: str,
    outlines: Mapping[str, dict] | None = None,
    article: str | None = None,
    cdn: bool = False,
    tiles: str | None = None,
    attr: str | None = None,
    api_key_env: str = API_KEY_ENV,
    embed_api_key: bool = False,
    basemap_outlines: bool = False,
    cluster_threshold: int = CLUSTER_THRESHOLD,
    about: Mapping[str, Any] | None = None,
) -> str:
    """Return the complete HTML document of the map of ``frame``.

    Parameters
    ----------
    frame:
        The places frame (one row per place, EPSG:4326) as made by :func:`geo.geoparse`.
        Rows with ``resolved == False`` (no geometry) are not drawn but listed under
        "Names that could not be placed"; no row is dropped.
    title:
        Shown as the page heading and in ``<title>``; escaped, may hold any text.
    outlines:
        ISO 3166-1 alpha-2 code -> GeoJSON geometry (Polygon / MultiPolygon). Places of
        kind ``country`` whose code is here are drawn as their outline in the layer
        "Country outlines". With ``basemap_outlines`` every outline given is also drawn
        as the offline basemap, so pass all countries' outlines then.
    article:
        The full article text the frame's ``spans`` / ``adjectival_spans`` index into.
        When given, the side panel shows it with every mention highlighted in its place's
        colour; clicking a mention flies the map to the place.
    cdn:
        False (default): Leaflet (and Leaflet.markercluster) are inlined from the
        ``xstatic-*`` packages, so the file works from ``file://`` with no network but for
        the tiles. True: link folium's CDN URLs instead (smaller file, needs network).
    tiles:
        Basemap tiles: None for the default (:data:`geo._render_tiles.DEFAULT_TILES`,
        which loads from a page opened from disk), an xyzservices name such as
        ``"OpenStreetMap.Mapnik"``, a URL template ``"https://.../{z}/{x}/{y}.png"``
        (needs ``attr``), or ``"none"`` for no tiles (offline basemap only).
    attr:
        Attribution (HTML allowed: it is the tile provider's credit line) for a tile URL;
        overrides the provider's own for an xyzservices name.
    api_key_env:
        Environment variable that holds the tile API key, for sources that need one (an
        xyzservices provider with a token, or ``{apikey}`` in a URL template).
    embed_api_key:
        Write the key from ``api_key_env`` into the file. By default it is not: the file
        keeps an ``{apikey}`` placeholder and the reader adds ``#apikey=KEY`` to the
        address; until then the offline basemap shows.
    basemap_outlines:
        Draw every outline in ``outlines`` as a light land-and-borders layer under the
        tiles: where tiles cannot load, the reader still sees where places are.
    cluster_threshold:
        Up to this many resolved places each is its own marker; above it all are one
        GeoJSON layer with marker clustering (small, fast file for thousands of places).
    about:
        The article's metadata (``date``, ``site``, ``author``, ``url``, as in
        :class:`geo.inputs.ArticleMeta`), shown as text under the title with a link to the
        source (http(s) URLs only). Default: ``frame.attrs["article"]`` when the frame has it.

    The same arguments always give the same str, byte for byte.

    Raises
    ------
    geo.errors.UsageError
        A tile option is wrong (unknown name, URL without ``{z}/{x}/{y}`` or attribution).
    geo.errors.GeoError
        ``embed_api_key`` but no key in ``api_key_env``; an xstatic package is missing.
    """
    records = place_records(frame)
    resolved = [r for r in records if r.resolved]
    unresolved = [r for r in records if not r.resolved]
    title_text = " ".join(str(title).split()) or "Map"
    article_text = _clean_article(article)
    clustered = len(resolved) > max(int(cluster_threshold), 0)
    tile_spec = resolve_tiles(tiles, attr, api_key_env=api_key_env, embed_api_key=embed_api_key)
    outlines = outlines or {}
    outline_features = _outline_features(resolved, outlines)
    basemap_features = _basemap_features(outlines) if basemap_outlines else []

    figure = Figure(title=_escape(title_text))
    for markup in head_assets(cdn=cdn, cluster=clustered):
        figure.header.add_child(_Raw(markup))
    css = _asset_text("geo_map.css") + "\n" + kind_css()
    figure.header.add_child(_Raw(f"<style>{css}</style>"))
    if about is None:
        about = frame.attrs.get("article") if isinstance(frame.attrs.get("article"), Mapping) else None
    figure.html.add_child(_Raw(header_html(title_text, len(resolved), len(unresolved), about=about)))

    fmap = folium.Map(
        location=list(_WORLD_CENTRE),
        zoom_start=_WORLD_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=clustered,
        world_copy_jump=False,
    )
    fmap.default_js = []  # head_assets() brings Leaflet; jQuery, Bootstrap, awesome-markers are not used
    fmap.default_css = []
    figure.add_child(fmap)

    basemap_layer = None
    if basemap_features:
        basemap_layer = _BasemapLayer(basemap_features, name="Land and borders (offline)")
        basemap_layer.add_to(fmap)
    tile_layer = _tile_layer(tile_spec)
    if tile_layer is not None:
        tile_layer.add_to(fmap)

    outline_layer = None
    if outline_features:
        outline_layer = _OutlineLayer(outline_features, name="Country outlines")
        outline_layer.add_to(fmap)

    # Larger circles first so that small ones stay clickable on top of them.
    ranked = sorted(resolved, key=lambda r: (-r.total_mentions, r.index))
    if clustered:
        places_layer: Layer = _ClusterLayer(ranked, name="Places")
    else:
        places_layer = folium.FeatureGroup(name="Places", overlay=True, control=True)
        for record in ranked:
            _PlaceMarker(record).add_to(places_layer)
    places_layer.add_to(fmap)

    folium.LayerControl(collapsed=True).add_to(fmap)
    _fit_view(fmap, resolved, outline_features)

    _PageScript(
        records,
        article=article_text,
        panel=panel_html(records, article=article_text, outlines=bool(outline_features), basemap=bool(basemap_features)),
        config={
            "kinds": {kind: {"label": label, "colour": colour} for kind, (colour, label) in KINDS.items()},
            "cluster": clustered,
            "zoomByKind": _SINGLE_PLACE_ZOOM,
            "tileNeedsKey": bool(tile_spec and tile_spec.needs_viewer_key),
        },
        layers={
            "markers": places_layer,
            "outlines": outline_layer,
            "basemap": basemap_layer,
            "tiles": tile_layer,
        },
    ).add_to(fmap)

    _number_elements(figure)
    document = figure.render()
    document = document.replace("<!DOCTYPE html>\n<html>\n", '<!DOCTYPE html>\n<html lang="en">\n', 1)
    # folium's viewport forbids pinch-zoom, which readers with low vision need (WCAG 1.4.4).
    return document.replace(_FOLIUM_VIEWPORT, "initial-scale=1.0", 1)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _clean_article(article: str | None) -> str | None:
    return None if article is None else clean_text(article)


def _tile_layer(spec: TileSpec | None) -> folium.TileLayer | None:
    if spec is None:
        return None
    return folium.TileLayer(
        tiles=spec.url,
        attr=spec.attribution,
        name=spec.name,
        max_zoom=spec.max_zoom,
        subdomains=spec.subdomains,
        overlay=False,
        control=True,
        show=not spec.needs_viewer_key,  # added by the page once the reader gives a key
    )


# --------------------------------------------------------------------------- folium parts


class _Raw(Element):
    """Literal markup. (branca's Element would parse its text as a Jinja template.)"""

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Raw"
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return self.markup


def _render_macros_raw(element: MacroElement, kwargs: dict) -> None:
    """``MacroElement.render`` without its second pass through Jinja.

    branca wraps each macro's output in ``Element(output)``, which compiles the output as a
    template again: data holding ``{{ ... }}`` would be evaluated (or ``{#`` break the
    page). Elements that carry data use this instead.
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise RuntimeError("the element must be inside a Figure to be rendered")
    module = element._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = module.get(part)
        if macro is not None:
            target.add_child(_Raw(str(macro(element, kwargs))), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


def _marker_options(record: PlaceRecord) -> dict[str, Any]:
    return {
        "radius": marker_radius(record.total_mentions),
        "color": "#222222",
        "weight": 1,
        "opacity": 0.9,
        "fill_color": record.colour,
        "fill_opacity": 0.8,
    }


class _PlaceMarker(folium.CircleMarker):
    """A circle marker that knows which place (record index) it stands for."""

    def __init__(self, record: PlaceRecord):
        super().__init__(
            location=[record.lat, record.lon],
            class_name=f"geo-marker geo-place-{record.index}",
            **_marker_options(record),
        )
        self.options["geoId"] = record.index


class _DataLayer(Layer):
    """A layer whose script carries data: rendered without branca's second Jinja pass."""

    def __init__(self, name: str, data: Any, *, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:
        _render_macros_raw(self, kwargs)


class _OutlineLayer(_DataLayer):
    """Outlines of the article's countries (feature property ``i``: place index)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
                style: function (feature) {
                    return {color: feature.properties.c, weight: 1.5, opacity: 0.9,
                            fillColor: feature.properties.c, fillOpacity: 0.12,
                            className: "geo-outline"};
                }
            });
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict], name: str):
        super().__init__(name, {"type": "FeatureCollection", "features": features})
        self._name = "OutlineLayer"


class _BasemapLayer(_DataLayer):
    """Land and borders from country outlines, in a pane under the tiles.

    Where tiles load they cover it; where they cannot (offline, blocked, no key) it is what
    the reader sees.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.createPane("geoBasemap");
            {{ this._parent.get_name() }}.getPane("geoBasemap").style.zIndex = 150;
            var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
                pane: "geoBasemap",
                interactive: false,
                style: function () {
                    return {color: "#8c8c8c", weight: 0.7, opacity: 1, fillColor: "#f4f1ea",
                            fillOpacity: 1, className: "geo-basemap"};
                }
            });
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict], name: str):
        super().__init__(name, {"type": "FeatureCollection", "features": features})
        self._name = "BasemapLayer"


class _ClusterLayer(_DataLayer):
    """All places as one GeoJSON layer of circle markers inside a marker-cluster group.

    Each feature carries only its place index ``i``; size and colour come from the place
    data block (parsed once here, shared with the page script as ``window.geoData``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.geoData = window.geoData || JSON.parse(document.getElementById("geo-data").textContent);
            var {{ this.get_name() }} = L.markerClusterGroup({
                showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true
            });
            {{ this.get_name() }}.addLayers(L.geoJSON({{ this.data_json }}, {
                pointToLayer: function (feature, latlng) {
                    var i = feature.properties.i, p = window.geoData.places[i];
                    return L.circleMarker(latlng, {radius: p.r, fillColor: window.geoData.kinds[p.kind].colour,
                        color: "#222222", weight: 1, opacity: 0.9, fillOpacity: 0.8, geoId: i});
                }
            }).getLayers());
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, records: Sequence[PlaceRecord], name: str):
        features = [
            {
                "type": "Feature",
                "properties": {"i": r.index},
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            }
            for r in records
        ]
        super().__init__(name, {"type": "FeatureCollection", "features": features})
        self._name = "ClusterLayer"


class _PageScript(MacroElement):
    """The place data block, the side panel and geo's page script."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
{{ this.panel_html }}
<script type="application/json" id="geo-data">{{ this.data_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
{{ this.js }}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        records: Sequence[PlaceRecord],
        *,
        article: str | None,
        panel: str,
        config: Mapping[str, Any],
        layers: Mapping[str, Element | None],
    ):
        super().__init__()
        self._name = "GeoPage"
        self.records = list(records)
        self.article = article
        self.config = dict(config)
        self.layers = dict(layers)
        self.panel_html = panel
        self.js = _asset_text("geo_map.js")
        self.data_json = ""

    def render(self, **kwargs: Any) -> None:
        # Layer names are only final once the element tree has been numbered.
        data = dict(self.config)
        data["map"] = self._parent.get_name()
        data["layers"] = {key: layer.get_name() if layer is not None else None for key, layer in self.layers.items()}
        data["places"] = [r.to_json(self.article) for r in self.records]
        self.data_json = script_json(data)
        _render_macros_raw(self, kwargs)


def _number_elements(figure: Figure) -> None:
    """Replace folium's random element ids with a counter, in tree order."""
    counter = itertools.count(1)
    for element in _walk(figure):
        element._id = str(next(counter))


def _walk(element: Element) -> Iterator[Element]:
    yield element
    if isinstance(element, Figure):
        for part in (element.header, element.html, element.script):
            yield from _walk(part)
    for child in element._children.values():
        yield from _walk(child)


def _fit_view(fmap: folium.Map, resolved: Sequence[PlaceRecord], outline_features: Sequence[dict]) -> None:
    if not resolved:
        return  # the world view the map was created with
    if len(resolved) == 1:
        only = resolved[0]
        if outline_features:
            bounds = _geometry_bounds(outline_features[0]["geometry"])
            if bounds is not None:
                fmap.fit_bounds(bounds, padding=(20, 20), max_zoom=_SINGLE_PLACE_ZOOM["country"] + 2)
                return
        fmap.location = [only.lat, only.lon]
        fmap.options["zoom"] = _SINGLE_PLACE_ZOOM.get(only.kind, 8)
        return
    lats = [r.lat for r in resolved]
    lons = [r.lon for r in resolved]
    fmap.fit_bounds(
        [[min(lats), min(lons)], [max(lats), max(lons)]],
        padding=(30, 30),
        max_zoom=_FIT_MAX_ZOOM,
    )


# --------------------------------------------------------------------------- outlines


def _outline_features(resolved: Sequence[PlaceRecord], outlines: Mapping[str, dict]) -> list[dict]:
    by_code = {str(code).upper(): geom for code, geom in outlines.items()}
    features = []
    for record in resolved:
        if record.kind != "country" or not record.country_code:
            continue
        geometry = by_code.get(record.country_code)
        geometry = _clean_geometry(geometry, _OUTLINE_TOLERANCE, _OUTLINE_DECIMALS) if geometry else None
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"i": record.index, "c": record.colour},
                "geometry": geometry,
            }
        )
    return features


def _basemap_features(outlines: Mapping[str, dict]) -> list[dict]:
    features = []
    for code in sorted(outlines, key=str):
        geometry = _clean_geometry(outlines[code], _BASEMAP_TOLERANCE, _BASEMAP_DECIMALS)
        if geometry is not None:
            features.append({"type": "Feature", "properties": {}, "geometry": geometry})
    return features


@lru_cache(maxsize=1024)
def _simplified(geometry_json: str, tolerance: float, decimals: int) -> str | None:
    from shapely.geometry import mapping, shape

    try:
        geom = shape(json.loads(geometry_json))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    out = mapping(simple)
    try:
        return json.dumps({"type": out["type"], "coordinates": _round_coords(out["coordinates"], decimals)})
    except (TypeError, ValueError):
        return None


def _clean_geometry(geometry: Any, tolerance: float, decimals: int) -> dict | None:
    """A small, valid-enough copy of a Polygon / MultiPolygon for drawing (None if unusable)."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        key = json.dumps(geometry, sort_keys=True)
    except (TypeError, ValueError):
        return None
    simplified = _simplified(key, tolerance, decimals)
    return json.loads(simplified) if simplified else None


def _round_coords(value: Any, decimals: int) -> Any:
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("coordinate is not finite")
        return round(number, decimals)
    return [_round_coords(v, decimals) for v in value]


def _geometry_bounds(geometry: Mapping[str, Any]) -> list[list[float]] | None:
    lons: list[float] = []
    lats: list[float] = []

    def visit(value: Any) -> None:
        if value and isinstance(value[0], (int, float)):
            lons.append(value[0])
            lats.append(value[1])
        else:
            for item in value:
                visit(item)

    visit(geometry["coordinates"])
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


@lru_cache(maxsize=None)
def _asset_text(name: str) -> str:
    """A page script or style written for geo, from ``geo/_data``."""
    text = resources.files("geo").joinpath("_data").joinpath(name).read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"geo/_data/{name} must not contain '</script', '</style' or '<!--'")
    return text
