"""Draw the places of a whole corpus (the table ``geo batch`` writes) as one interactive HTML map.

:func:`corpus_map` aggregates the rows (one per document and place) into places sized by the number
of documents that mention them, with a heat-map layer, countries shaded by their mentions, a time
slider when the documents have dates, and popups listing each place's top documents. The page is
built like :func:`geo.render.render_map` and with its helpers: Leaflet, Leaflet.markercluster's style (from
the ``xstatic-*`` packages), geo's clusters and Leaflet.heat (the copy folium ships) inlined, numbered element ids
(the same input gives the same bytes), and every string from the corpus carried in one
``<script type="application/json">`` block (:func:`geo._render_data.script_json`) that the page's
script (``geo/_data/geo_corpus.js``) shows with DOM text APIs only. Places are drawn as canvas
circles, clustered for the current view only (``geo/_data/geo_cluster.js``), so 100,000 places are
drawn in about two seconds.
"""

from __future__ import annotations

import html
import math
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Mapping

from geo._corpus_data import TOP_DOCUMENTS, UNPLACED_LISTED, corpus_data  # noqa: F401  (UNPLACED_LISTED: re-exported)
from geo._render_assets import _script_safe, head_assets
from geo._render_data import KINDS, kinds_shown, script_json
from geo._render_geometry import fit_now
from geo._render_tiles import API_KEY_ENV, TileSpec, resolve_tiles
from geo.errors import GeoError

__all__ = ["corpus_map", "corpus_data", "TOP_DOCUMENTS"]

#: sequential palette for the country shading (light to dark), readable in grey scale too
COUNTRY_PALETTE = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]


def _heat_js() -> str:
    """Leaflet.heat as folium's own package ships it (folium/templates/leaflet_heat.min.js)."""
    return _heat_js_cached()


@lru_cache(maxsize=1)
def _heat_js_cached() -> str:
    try:
        text = resources.files("folium").joinpath("templates").joinpath("leaflet_heat.min.js").read_text("utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise GeoError("folium's copy of Leaflet.heat (templates/leaflet_heat.min.js) is missing; "
                       "reinstall folium") from exc
    return _script_safe(text, "leaflet_heat.min.js")


@cache
def _asset(name: str) -> str:
    from geo.render import _asset_text

    return _asset_text(name)


def _breaks(values: list[int], classes: int) -> list[int]:
    """Upper bounds of ``classes`` classes on a log scale (so one huge country does not flatten the rest)."""
    if not values:
        return []
    top = max(values)
    if top <= classes:
        return list(range(1, top + 1))
    return sorted({max(1, int(round(math.exp(math.log(top) * (i + 1) / classes)))) for i in range(classes)})


def _country_features(countries: Mapping[str, dict], outlines: Mapping[str, dict]) -> tuple[list[dict], list[int]]:
    from geo.render import _clean_geometry

    breaks = _breaks([c["mentions"] for c in countries.values()], len(COUNTRY_PALETTE))
    features = []
    for cc in sorted(set(countries) | set(outlines)):  # every outline: the unmentioned ones unshaded (c = -1)
        geometry = outlines.get(cc)
        geometry = _clean_geometry(geometry, 0.02, 2) if geometry else None
        if geometry is None:
            continue
        c = countries.get(cc) or {"name": cc, "mentions": 0, "docs": 0}
        cls = next((i for i, b in enumerate(breaks) if c["mentions"] <= b), len(breaks) - 1) if c["mentions"] else -1
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"cc": cc, "name": c["name"], "m": c["mentions"], "d": c["docs"], "c": cls}})
    return features, breaks


# --------------------------------------------------------------------------- page


def corpus_map(frame, *, title: str, outlines: Mapping[str, dict] | None = None, cdn: bool = False,
               tiles: str | None = None, attr: str | None = None, api_key_env: str = API_KEY_ENV,
               embed_api_key: bool = False, top: int = TOP_DOCUMENTS, stats: dict | None = None) -> str:
    """The complete HTML document of the aggregate map of ``frame`` (rows of ``geo batch``).

    ``outlines``: ISO alpha-2 code -> GeoJSON geometry of the countries to shade (e.g.
    ``Gazetteer.outlines()``); ``cdn``/``tiles``/``attr``/``api_key_env``/``embed_api_key`` as for
    :func:`geo.render.render_map`. ``stats``, when given, receives the counts (rows, documents, places,
    unplaced, dated). The same arguments give the same str, byte for byte.
    """
    from geo.render import _page_document, _tile_layer

    data = corpus_data(frame, top=top)
    if stats is not None:
        stats.update(data["stats"])
    _add_map_data(data, outlines or {})
    title_text = " ".join(str(title).split()) or "Corpus map"
    tile_spec = resolve_tiles(tiles, attr, api_key_env=api_key_env, embed_api_key=embed_api_key)

    figure = _corpus_figure(title_text, data["stats"], cdn=cdn)
    fmap = _corpus_folium_map(figure, tile_spec)
    tile_layer = _tile_layer(tile_spec)
    if tile_layer is not None:
        tile_layer.add_to(fmap)
    _corpus_page(data, tile_layer, needs_key=bool(tile_spec and tile_spec.needs_viewer_key)).add_to(fmap)
    _fit_places(fmap, data["places"]["lat"], data["places"]["lon"])
    return _page_document(figure)


def _add_map_data(data: dict, outlines: Mapping[str, dict]) -> None:
    """Put into ``data`` what the page draws besides the aggregate: country shapes, classes, kinds."""
    features, breaks = _country_features(data.pop("countries"), outlines)
    data["countries"] = {"type": "FeatureCollection", "features": features}
    data["breaks"] = breaks
    data["palette"] = COUNTRY_PALETTE[-len(breaks):] if breaks else []
    data["kinds"] = {kind: {"label": KINDS[kind][1], "colour": KINDS[kind][0]}
                     for kind in kinds_shown(data["places"]["kind"])}  # feature kinds: only when there
    # kinds and countries repeat: each is written once, the places hold its index (the page reads them back)
    strings: dict[str, int] = {}
    for column in ("kind", "country"):
        data["places"][column] = [None if v is None else strings.setdefault(v, len(strings))
                                  for v in data["places"][column]]
    data["strings"] = list(strings)


def _corpus_figure(title_text: str, stats: Mapping[str, int], *, cdn: bool):
    """The page around the map: head assets, Leaflet.heat, the corpus style, the header and its summary."""
    from branca.element import Figure

    from geo.render import _Raw

    figure = Figure(title=html.escape(title_text))
    for markup in head_assets(cdn=cdn, cluster=True):
        figure.header.add_child(_Raw(markup))
    figure.header.add_child(_Raw(f"<script>{_heat_js()}</script>"))
    figure.header.add_child(_Raw(f"<style>{_asset('geo_corpus.css')}</style>"))
    summary = (f"{stats['places']:,} places from {stats['documents']:,} documents"
               + (f"; {stats['unplaced']:,} names not placed" if stats["unplaced"] else ""))
    figure.html.add_child(_Raw(
        '<header class="geo-header"><h1 class="geo-title">' + html.escape(title_text) + "</h1>"
        '<p class="geo-summary">' + html.escape(summary) + "</p></header>"))
    return figure


def _corpus_folium_map(figure, tile_spec: TileSpec | None):
    """The folium map of the world (canvas circles), added to ``figure``."""
    import folium

    # maxZoom: Leaflet needs one before the tile layer is added (a layer that waits for #apikey=)
    fmap = folium.Map(location=[20.0, 0.0], zoom_start=2, tiles=None, control_scale=True, prefer_canvas=True)
    fmap.options["max_zoom"] = tile_spec.max_zoom if tile_spec else 18
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    return fmap


def _corpus_page(data: dict, tile_layer, *, needs_key: bool):
    """The element that carries ``data`` and runs the corpus page's script on the map."""
    from branca.element import MacroElement
    from folium.template import Template

    from geo.render import _render_macros_raw

    class _CorpusPage(MacroElement):
        _template = Template(
            """
            {% macro html(this, kwargs) %}
<script type="application/json" id="geo-corpus-data">{{ this.data_json }}</script>
            {% endmacro %}
            {% macro script(this, kwargs) %}
{{ this.js }}
geoCorpusMap({{ this._parent.get_name() }}, {{ this.tiles_name }});
{% if this.needs_key %}(function (tiles, map) {
  var key = "";
  try { key = new URLSearchParams(window.location.hash.slice(1)).get("apikey") || ""; } catch (err) { key = ""; }
  if (tiles && key) { tiles.options.apikey = key; tiles.addTo(map); }
})({{ this.tiles_name }}, {{ this._parent.get_name() }});{% endif %}
            {% endmacro %}
            """
        )

        def __init__(self):
            super().__init__()
            self._name = "GeoCorpus"
            self.js = _asset("geo_corpus.js")
            self.data_json = script_json(data)
            self.tiles_name = "null"
            self.needs_key = needs_key

        def render(self, **kwargs):
            self.tiles_name = tile_layer.get_name() if tile_layer is not None else "null"
            _render_macros_raw(self, kwargs)

    return _CorpusPage()


def _fit_places(fmap, lats: list[float], lons: list[float]) -> None:
    """Fit the view to the places (a closer look at a single one; the world when none)."""
    if len(lats) > 1:
        fit_now(fmap, [[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20), max_zoom=8)
    elif lats:
        fmap.location, fmap.options["zoom"] = [lats[0], lons[0]], 6


def read_places_file(path) -> Any:
    """A places file (any format ``geo batch`` or ``geo places`` writes) as a GeoDataFrame."""
    from geo._places_file import read_places_file as read

    return read(path)
