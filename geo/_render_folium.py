"""The folium parts of the article map: literal markup, data layers, markers, element numbering.

Elements that carry data render without branca's second Jinja pass (:func:`_render_macros_raw`),
so ``{{ ... }}`` in an article is never evaluated; :func:`_number_elements` replaces folium's
random ids with a counter so that the same input gives the same bytes.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator, Sequence

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from geo._render_data import PlaceRecord, marker_radius, script_json


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


def _marker_options(record: PlaceRecord, check: bool) -> dict[str, Any]:
    """A sure place: a filled circle. One to check: hollow (faint fill), thick dashed rim."""
    return {
        "radius": marker_radius(record.total_mentions),
        "color": "#222222",
        "weight": 2.5 if check else 1,
        "opacity": 0.9,
        "fill_color": record.colour,
        "fill_opacity": 0.2 if check else 0.8,
        **({"dash_array": "4 3"} if check else {}),
    }


class _PlaceMarker(folium.CircleMarker):
    """A circle marker that knows which place (record index) it stands for."""

    def __init__(self, record: PlaceRecord, check: bool = False):
        super().__init__(
            location=list(record.point),
            class_name=f"geo-marker geo-place-{record.index}" + (" geo-check" if check else ""),
            **_marker_options(record, check),
        )
        self.options["geoId"] = record.index


class _DataLayer(Layer):
    """A layer whose script carries data: rendered without branca's second Jinja pass."""

    def __init__(self, name: str, data: Any, *, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self.data_json = script_json(data)

    # ignore: branca types Element.render -> str, but MacroElement.render (replaced here) returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        _render_macros_raw(self, kwargs)


class _OutlineLayer(_DataLayer):
    """Outlines of the article's countries (feature property ``i``: place index)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
                style: function (feature) {
                    return {color: feature.properties.c, weight: 1.5, opacity: 0.9,
                            fillColor: feature.properties.c, fillOpacity: 0.08,
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
                    var check = p.conf < window.geoData.reviewBelow;
                    return L.circleMarker(latlng, {radius: p.r, fillColor: window.geoData.kinds[p.kind].colour,
                        color: "#222222", weight: check ? 2.5 : 1, opacity: 0.9, fillOpacity: check ? 0.2 : 0.8,
                        dashArray: check ? "4 3" : null, geoId: i});
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
