"""Draw the places of an article as one interactive HTML map page.

:func:`render_map` takes the GeoDataFrame that :func:`geo.geoparse` returns, or the list of
:class:`~geo.types.Place` that :meth:`geo.Geoparser.places` returns (the same map, byte for byte,
without GeoPandas: what ``geo map`` does), and gives back the whole HTML document as a str (the
caller writes it). The map itself (tiles, layers,
markers, layer control) is built with folium (parts in ``geo/_render_folium.py``, geometry in
``geo/_render_geometry.py``); every string that comes from the article travels as JSON in one
``<script type="application/json" id="geo-data">`` block, or as escaped text in the side panel,
and is shown by the page's own scripts (``geo/_data/geo_map.js``, and ``geo_review.js`` for
review and corrections) with DOM text APIs, so no name or sentence is ever parsed as HTML or
JavaScript. Element ids are numbered in tree order, so the same input gives byte-identical output.

The options of :func:`render_map`:

``outlines``
    ISO 3166-1 alpha-2 code -> GeoJSON geometry. Places of kind ``country`` whose code is here are
    drawn as their outline ("Country outlines"); with ``basemap_outlines`` every outline given is
    also drawn as the offline land-and-borders layer under the tiles (pass all countries then).
``article``
    The full text the frame's ``spans`` index into: shown in the side panel with every mention
    highlighted; clicking a mention flies the map to the place.
``cdn``
    Link Leaflet from folium's CDN instead of inlining it from the ``xstatic-*`` packages.
``tiles``, ``attr``, ``api_key_env``, ``embed_api_key``
    Basemap tiles (see :func:`geo._render_tiles.resolve_tiles`): None for the default, an
    xyzservices name, a ``{z}/{x}/{y}`` URL template (with ``attr``) or ``"none"``. A key from
    ``api_key_env`` is written into the file only with ``embed_api_key``; otherwise the reader adds
    ``#apikey=KEY`` to the address.
``cluster_threshold``
    Above this many resolved places, the page draws them itself from the place data, as canvas
    circles grouped per view into clusters (``geo/_data/geo_cluster.js``).
``review_below``
    Places whose (calibrated) confidence is below this are drawn hollow and dashed and listed
    first under "Check these" (0 turns this off).
``divisions``, ``countries``
    (country code, admin1 code) -> division name, and country code -> name, from the gazetteer:
    a town says its state or province, and its alternatives say where they are.
``corrections_name``
    The file name the map's "Download corrections" writes (the article's sidecar).
``features``
    Feature id -> GeoJSON geometry of the physical and regional features the rows name (column
    ``fid``): a river is drawn as its line, a lake, sea, desert, island or region as its outline
    (simplified, see ``geo/_render_features.py``), beside its marker. Default: read from the
    embedded gazetteer, opened only when a row has a ``fid``.
``about``
    The article's metadata (``date``, ``site``, ``author``, ``url``, as in
    :class:`geo.inputs.ArticleMeta`), shown as text under the title with a link to the source
    (http(s) URLs only). Default: ``frame.attrs["article"]`` when the frame has it.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from geo._render_assets import head_assets
from geo._render_data import KINDS, PlaceRecord, clean_text, kinds_shown, place_records, row_records, script_json
from geo._render_features import FEATURE_ZOOM, LINE_KINDS, feature_shapes, shape_features
from geo._render_folium import (  # noqa: F401  (re-exported for geo.render_corpus)
    _BasemapLayer,
    _ClusterLayer,
    _FeatureLayer,
    _number_elements,
    _OutlineLayer,
    _PlaceMarker,
    _Raw,
    _render_macros_raw,
)
from geo._render_geometry import SINGLE_PLACE_ZOOM, _basemap_features, _clean_geometry, _outline_features, fit_view  # noqa: F401
from geo._render_pack import pack_places
from geo._render_page import header_html, kind_css, panel_html
from geo._render_review import ALT_FIELDS, article_key, frame_reviews, place_review, review_data
from geo._render_tiles import API_KEY_ENV, TileSpec, resolve_tiles
from geo.calibration import REVIEW_BELOW

if TYPE_CHECKING:
    import geopandas

    from geo.types import Place

__all__ = ["render_map", "CLUSTER_THRESHOLD", "REVIEW_BELOW"]

CLUSTER_THRESHOLD = 300  # above this many resolved places: canvas circles in clusters, made by the page

_WORLD_CENTRE = (20.0, 0.0)
_WORLD_ZOOM = 2
_FOLIUM_VIEWPORT = "initial-scale=1.0, maximum-scale=1.0, user-scalable=no"


def render_map(
    frame: geopandas.GeoDataFrame | Sequence[Place],
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
    review_below: float = REVIEW_BELOW,
    divisions: Mapping[tuple[str, str], str] | None = None,
    countries: Mapping[str, str] | None = None,
    corrections_name: str = "article.geo.toml",
    about: Mapping[str, Any] | None = None,
    features: Mapping[int, Mapping[str, Any]] | None = None,
) -> str:
    """Return the complete HTML document of the map of ``frame`` (a GeoDataFrame made by
    :func:`geo.geoparse`, or a list of :class:`~geo.types.Place`; options: see the module's docstring).

    Rows with ``resolved == False`` are not drawn but listed under "Names that could not be
    placed"; no row is dropped. ``title`` is escaped and may hold any text. The same arguments
    always give the same str, byte for byte.

    Raises :class:`geo.errors.UsageError` for a wrong tile option and :class:`geo.errors.GeoError`
    for ``embed_api_key`` without a key, or a missing xstatic package.
    """
    records, reviews, attrs_about = _map_input(frame)
    resolved = [r for r in records if r.resolved]
    title_text = " ".join(str(title).split()) or "Map"
    article_text = None if article is None else clean_text(article)
    clustered = len(resolved) > max(int(cluster_threshold), 0)
    tile_spec = resolve_tiles(tiles, attr, api_key_env=api_key_env, embed_api_key=embed_api_key)
    outlines = outlines or {}
    outline_features = _outline_features(resolved, outlines)
    basemap_features = _basemap_features(outlines) if basemap_outlines else []
    review = review_data(reviews, records, article=article_text, divisions=divisions or {})
    shapes = shape_features(resolved, feature_shapes(resolved, features))
    kinds = kinds_shown({r.kind for r in records} | {a[1] for extra in review for a in extra.get("alt", ())})

    about = attrs_about if about is None else about
    figure = _figure(title_text, cdn=cdn, clustered=clustered, resolved=len(resolved),
                     unresolved=len(records) - len(resolved), about=about, kinds=kinds,
                     shapes=bool(shapes))
    fmap = _world_map(figure, clustered=clustered)
    layers = _add_layers(fmap, resolved, tile_spec, outline_features, basemap_features, clustered, review_below,
                         shapes)
    fit_view(fmap, resolved, outline_features)

    panel = panel_html(records, article=article_text, outlines=bool(outline_features), basemap=bool(basemap_features),
                       review=review, review_below=review_below, shapes=_shape_styles(shapes))
    config = _page_config(records, review, clustered=clustered, tile_spec=tile_spec, review_below=review_below,
                          countries=countries, edits_key=article_key(title_text, article_text),
                          corrections_name=corrections_name, kinds=kinds)
    _PageScript(records, review, article=article_text, panel=panel, config=config, layers=layers).add_to(fmap)

    return _page_document(figure)


def _map_input(frame: Any) -> tuple[list[PlaceRecord], list[Mapping[str, Any] | None], Mapping[str, Any] | None]:
    """The records, the review data by record and the article's metadata of a frame, or of a list of
    places (read as the rows of the frame :func:`geo.frame.to_frame` would make of them)."""
    if isinstance(frame, Sequence):
        from geo.frame import place_row
        from geo.types import Place

        if not all(isinstance(p, Place) for p in frame):
            raise TypeError("render_map takes a GeoDataFrame or a list of geo.types.Place")
        return row_records([place_row(p) for p in frame]), [place_review(p) for p in frame], None
    about = frame.attrs.get("article")
    return place_records(frame), frame_reviews(frame), about if isinstance(about, Mapping) else None


def _shape_styles(shapes: Sequence[dict]) -> dict[str, str]:
    """Kind -> how its shapes are drawn ("line" or "outline"), for the legend."""
    out: dict[str, str] = {}
    for feature in shapes:
        kind, line = feature["properties"]["k"], "LineString" in feature["geometry"]["type"]
        if out.get(kind) != "line":
            out[kind] = "line" if line and kind in LINE_KINDS else "outline"
    return out


def _world_map(figure: Figure, *, clustered: bool) -> folium.Map:
    """The folium map of the whole world, added to ``figure`` (canvas markers when ``clustered``)."""
    fmap = folium.Map(location=list(_WORLD_CENTRE), zoom_start=_WORLD_ZOOM, tiles=None, control_scale=True,
                      prefer_canvas=clustered, world_copy_jump=False)
    fmap.default_js = []  # head_assets() brings Leaflet; jQuery, Bootstrap, awesome-markers are not used
    fmap.default_css = []
    figure.add_child(fmap)
    return fmap


def _page_config(records: Sequence[PlaceRecord], review: Sequence[Mapping[str, Any]], *, clustered: bool,
                 tile_spec: TileSpec | None, review_below: float, countries: Mapping[str, str] | None,
                 edits_key: str, corrections_name: str, kinds: Sequence[str]) -> dict[str, Any]:
    """The settings the page's script reads: kinds, layout, review threshold, country names used, sidecar name."""
    used = sorted({a[3] for extra in review for a in extra.get("alt", ()) if a[3]} |
                  {r.country_code for r in records if r.country_code})
    return {
        "kinds": {kind: {"label": KINDS[kind][1], "colour": KINDS[kind][0]} for kind in kinds},
        "zoomByKind": {**SINGLE_PLACE_ZOOM, **{k: FEATURE_ZOOM[k] for k in kinds if k in FEATURE_ZOOM}},
        "cluster": clustered,
        "tileNeedsKey": bool(tile_spec and tile_spec.needs_viewer_key),
        "reviewBelow": float(review_below),
        "countries": {cc: clean_text(countries[cc]) for cc in used if countries and cc in countries},
        "articleKey": edits_key,
        "correctionsName": clean_text(corrections_name) or "article.geo.toml",
    }


def _page_document(figure: Figure) -> str:
    """The HTML of ``figure``: element ids numbered in tree order, ``lang``, and a viewport that zooms."""
    _number_elements(figure)
    document = figure.render()
    document = document.replace("<!DOCTYPE html>\n<html>\n", '<!DOCTYPE html>\n<html lang="en">\n', 1)
    # folium's viewport forbids pinch-zoom, which readers with low vision need (WCAG 1.4.4).
    return document.replace(_FOLIUM_VIEWPORT, "initial-scale=1.0", 1)


def _figure(title_text: str, *, cdn: bool, clustered: bool, resolved: int, unresolved: int,
            about: Mapping[str, Any] | None, kinds: Sequence[str], shapes: bool) -> Figure:
    """The page around the map: head assets, geo's style (and its features' with ``shapes``), the header."""
    figure = Figure(title=html.escape(title_text, quote=True))
    for markup in head_assets(cdn=cdn, cluster=clustered):
        figure.header.add_child(_Raw(markup))
    css = _asset_text("geo_map.css") + "\n" + kind_css(kinds) + ("\n" + _asset_text("geo_features.css") if shapes else "")
    figure.header.add_child(_Raw(f"<style>{css}</style>"))
    figure.html.add_child(_Raw(header_html(title_text, resolved, unresolved, about=about)))
    return figure


def _add_layers(fmap: folium.Map, resolved: Sequence[PlaceRecord], tile_spec: TileSpec | None,
                outline_features: list[dict], basemap_features: list[dict], clustered: bool,
                review_below: float, shapes: list[dict]) -> dict[str, Element | None]:
    """Basemap, tiles, outlines, feature shapes, markers and the layer control; the layers by role."""
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
    shape_layer = None
    if shapes:
        shape_layer = _FeatureLayer(shapes, name="Rivers, lakes, seas and regions")
        shape_layer.add_to(fmap)
    # Larger circles first so that small ones stay clickable on top of them.
    ranked = sorted(resolved, key=lambda r: (-r.total_mentions, r.index))
    if clustered:  # the page script makes the markers from the place data
        places_layer: Layer = _ClusterLayer(name="Places")
    else:
        places_layer = folium.FeatureGroup(name="Places", overlay=True, control=True)
        for record in ranked:
            _PlaceMarker(record, check=record.confidence < review_below).add_to(places_layer)
    places_layer.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    layers: dict[str, Element | None] = {"markers": places_layer, "outlines": outline_layer, "basemap": basemap_layer,
                                         "tiles": tile_layer}
    if shape_layer is not None:  # (only then: a map without features keeps its bytes)
        layers["shapes"] = shape_layer
    return layers


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


class _PageScript(MacroElement):
    """The place data block, the side panel and geo's page scripts."""

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
        review: Sequence[Mapping[str, Any]],
        *,
        article: str | None,
        panel: str,
        config: Mapping[str, Any],
        layers: Mapping[str, Element | None],
    ):
        super().__init__()
        self._name = "GeoPage"
        self.records = list(records)
        self.review = list(review)
        self.article = article
        self.config = dict(config)
        self.layers = dict(layers)
        self.panel_html = panel
        scripts = ["geo_map.js"] + (["geo_features.js"] if "shapes" in self.layers else []) + ["geo_review.js"]
        self.js = "\n".join(_asset_text(name) for name in scripts)
        self.data_json = ""

    # ignore: branca types Element.render -> str, but MacroElement.render (replaced here) returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        # Layer names are only final once the element tree has been numbered.
        config = self.config  # (keys in the order the page data always had)
        data = {"kinds": config["kinds"], "zoomByKind": config["zoomByKind"], "altFields": list(ALT_FIELDS), **config}
        assert self._parent is not None  # rendered as a child of the map
        data["map"] = self._parent.get_name()
        data["layers"] = {key: layer.get_name() if layer is not None else None for key, layer in self.layers.items()}
        coords = bool(config["cluster"])
        data["places"] = pack_places([{**r.to_json(self.article, coords), **extra}
                                      for r, extra in zip(self.records, self.review)])
        self.data_json = script_json(data)
        _render_macros_raw(self, kwargs)


@cache
def _asset_text(name: str) -> str:
    """A page script or style written for geo, from ``geo/_data``."""
    text = resources.files("geo").joinpath("_data").joinpath(name).read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"geo/_data/{name} must not contain '</script', '</style' or '<!--'")
    return text
