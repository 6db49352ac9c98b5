"""Draw the places of an article as one interactive HTML map page.

:func:`render_map` takes the GeoDataFrame that :func:`geo.geoparse` returns and gives back
the whole HTML document as a str (the caller writes it). The map itself (tiles, layers,
markers, layer control) is built with folium; every string that comes from the article
travels as JSON in one ``<script type="application/json" id="geo-data">`` block and is
shown by the page's own script (``geo/_data/geo_map.js``) with DOM text APIs, so no
name or sentence is ever parsed as HTML or JavaScript. Element ids are numbered in tree
order, so the same input gives byte-identical output.
"""

from __future__ import annotations

import html
import itertools
import math
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from geo._render_data import KINDS, PlaceRecord, marker_radius, place_records, script_json

if TYPE_CHECKING:
    import geopandas

__all__ = ["render_map"]

_LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
_LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")

_WORLD_CENTRE = (20.0, 0.0)
_WORLD_ZOOM = 2
# Zoom used when the map shows a single place, by kind.
_SINGLE_PLACE_ZOOM = {"continent": 3, "country": 5, "admin1": 6, "city": 10, "place": 11, "unknown": 8}
_FIT_MAX_ZOOM = 9
_OUTLINE_DECIMALS = 3  # ~100 m: plenty for a country outline, and keeps the file small


def render_map(
    frame: "geopandas.GeoDataFrame",
    *,
    title: str,
    outlines: Mapping[str, dict] | None = None,
    article: str | None = None,
) -> str:
    """Return the complete HTML document of the map of ``frame``.

    Parameters
    ----------
    frame:
        The places frame (one row per place, EPSG:4326) as made by :func:`geo.geoparse`.
        Rows with ``resolved == False`` (no geometry) are not drawn but listed in the
        panel "Names that could not be placed"; no row is dropped.
    title:
        Shown as the page heading and in ``<title>``; escaped, may hold any text.
    outlines:
        ISO 3166-1 alpha-2 code -> GeoJSON geometry (Polygon / MultiPolygon). Places of
        kind ``country`` whose code is here are drawn as their outline in the layer
        "Country outlines".
    article:
        The full article text the frame's spans index into (used by the article panel).

    The same arguments always give the same str, byte for byte.
    """
    records = place_records(frame)
    resolved = [r for r in records if r.resolved]
    unresolved = [r for r in records if not r.resolved]
    title_text = " ".join(str(title).split()) or "Map"

    figure = Figure(title=html.escape(title_text, quote=True))
    fmap = folium.Map(
        location=list(_WORLD_CENTRE),
        zoom_start=_WORLD_ZOOM,
        tiles=None,
        control_scale=True,
        world_copy_jump=False,
    )
    # Only Leaflet is used: no jQuery, Bootstrap or awesome-markers.
    fmap.default_js = [_LEAFLET_JS]
    fmap.default_css = [_LEAFLET_CSS]
    figure.header.add_child(_Raw(f"<style>{_asset_text('geo_map.css')}</style>"), name="geo_css")
    figure.html.add_child(_Raw(_header_html(title_text, resolved, unresolved)), name="geo_header")
    figure.add_child(fmap)

    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=True).add_to(fmap)

    outline_features = _outline_features(resolved, outlines or {})
    outline_layer = None
    if outline_features:
        outline_layer = _OutlineLayer(outline_features, name="Country outlines")
        outline_layer.add_to(fmap)

    places_layer = folium.FeatureGroup(name="Places", overlay=True, control=True)
    for record in sorted(resolved, key=lambda r: (-r.total_mentions, r.index)):
        # Larger circles first so that small ones stay clickable on top of them.
        _PlaceMarker(record).add_to(places_layer)
    places_layer.add_to(fmap)

    folium.LayerControl(collapsed=True).add_to(fmap)
    _fit_view(fmap, resolved, outline_features)

    _PageScript(records, marker_layers=[places_layer], outline_layer=outline_layer).add_to(fmap)

    _number_elements(figure)
    document = figure.render()
    return document.replace("<!DOCTYPE html>\n<html>\n", '<!DOCTYPE html>\n<html lang="en">\n', 1)


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


class _PlaceMarker(folium.CircleMarker):
    """A circle marker that knows which place (record index) it stands for."""

    def __init__(self, record: PlaceRecord):
        super().__init__(
            location=[record.lat, record.lon],
            radius=marker_radius(record.total_mentions),
            color="#222222",
            weight=1,
            opacity=0.9,
            fill_color=record.colour,
            fill_opacity=0.8,
            class_name=f"geo-marker geo-kind-{record.kind}",
        )
        self.options["geoId"] = record.index


class _OutlineLayer(Layer):
    """Country outlines as one Leaflet GeoJSON layer (feature property ``i``: place index)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
                style: function (feature) {
                    return {color: feature.properties.c, weight: 1.5, opacity: 0.9,
                            fillColor: feature.properties.c, fillOpacity: 0.12};
                }
            });
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, features: list[dict], name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "OutlineLayer"
        self.data_json = script_json({"type": "FeatureCollection", "features": features})

    def render(self, **kwargs: Any) -> None:
        _render_macros_raw(self, kwargs)


class _PageScript(MacroElement):
    """The place data block, the side panel and the script that binds popups to markers."""

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

    def __init__(self, records: Sequence[PlaceRecord], *, marker_layers: Sequence[Element], outline_layer: Element | None):
        super().__init__()
        self._name = "GeoPage"
        self.records = list(records)
        self.marker_layers = list(marker_layers)
        self.outline_layer = outline_layer
        self.panel_html = _panel_html(self.records)
        self.js = _asset_text("geo_map.js")
        self.data_json = ""

    def render(self, **kwargs: Any) -> None:
        # Layer names are only final once the element tree has been numbered.
        self.data_json = script_json(
            {
                "map": self._parent.get_name(),
                "markerLayers": [layer.get_name() for layer in self.marker_layers],
                "outlineLayer": self.outline_layer.get_name() if self.outline_layer else None,
                "places": [r.to_json() for r in self.records],
            }
        )
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
        geometry = _clean_geometry(geometry) if geometry else None
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


def _clean_geometry(geometry: Mapping[str, Any]) -> dict | None:
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        return None
    try:
        coords = _round_coords(geometry["coordinates"])
    except (KeyError, TypeError, ValueError):
        return None
    return {"type": kind, "coordinates": coords}


def _round_coords(value: Any) -> Any:
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("coordinate is not finite")
        return round(number, _OUTLINE_DECIMALS)
    return [_round_coords(v) for v in value]


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


# --------------------------------------------------------------------------- static page parts


def _header_html(title: str, resolved: Sequence[PlaceRecord], unresolved: Sequence[PlaceRecord]) -> str:
    summary = f"{len(resolved)} place{'s' if len(resolved) != 1 else ''} on the map"
    if unresolved:
        summary += f", {len(unresolved)} name{'s' if len(unresolved) != 1 else ''} could not be placed"
    return (
        '<header class="geo-header">'
        f'<h1 class="geo-title">{html.escape(title)}</h1>'
        f'<p class="geo-summary">{html.escape(summary)}</p>'
        "</header>"
    )


def _panel_html(records: Sequence[PlaceRecord]) -> str:
    resolved = [r for r in records if r.resolved]
    unresolved = [r for r in records if not r.resolved]
    kinds_present = [k for k in KINDS if any(r.kind == k for r in resolved)] or list(KINDS)
    parts = ['<aside class="geo-panel" id="geo-panel" aria-label="Legend and places">']

    parts.append('<section class="geo-legend" aria-labelledby="geo-legend-h"><h2 id="geo-legend-h">Legend</h2><ul class="geo-legend-kinds">')
    for kind in kinds_present:
        colour, label = KINDS[kind]
        parts.append(
            f'<li><span class="geo-swatch" style="background:{colour}" aria-hidden="true"></span>{html.escape(label)}</li>'
        )
    if any(r.kind == "country" for r in resolved):
        parts.append(
            f'<li><span class="geo-swatch geo-swatch-outline" style="border-color:{KINDS["country"][0]}" aria-hidden="true"></span>'
            "Country outline (layer &#8220;Country outlines&#8221;)</li>"
        )
    parts.append("</ul>")
    parts.append('<p class="geo-legend-size">Circle area grows with the number of mentions:</p><ul class="geo-legend-sizes">')
    for count in (1, 5, 20):
        radius = marker_radius(count)
        size = int(2 * radius + 2)
        parts.append(
            f'<li><svg width="{size}" height="{size}" aria-hidden="true" focusable="false">'
            f'<circle cx="{size / 2}" cy="{size / 2}" r="{radius}" fill="#bbbbbb" stroke="#222222" stroke-width="1"/></svg>'
            f"{count} mention{'s' if count != 1 else ''}</li>"
        )
    parts.append("</ul></section>")

    parts.append('<section class="geo-unresolved" aria-labelledby="geo-unresolved-h">')
    parts.append(f'<h2 id="geo-unresolved-h">Names that could not be placed ({len(unresolved)})</h2>')
    if unresolved:
        parts.append('<ul class="geo-unresolved-list">')
        for record in unresolved:
            count = record.total_mentions
            reason = record.reason or "No entry of the gazetteer matched this name."
            parts.append(
                f'<li data-place="{record.index}"><span class="geo-unresolved-name">{html.escape(record.name)}</span>'
                f' <span class="geo-count">({count} mention{"s" if count != 1 else ""})</span>'
                f'<br><span class="geo-reason">{html.escape(reason)}</span></li>'
            )
        parts.append("</ul>")
    else:
        parts.append('<p class="geo-none">Every place name was placed on the map.</p>')
    parts.append("</section></aside>")
    return "".join(parts)


@lru_cache(maxsize=None)
def _asset_text(name: str) -> str:
    text = resources.files("geo").joinpath("_data").joinpath(name).read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"geo/_data/{name} must not contain '</script', '</style' or '<!--'")
    return text

