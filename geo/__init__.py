"""geo: from a news article to a map of the places it names.

>>> import geo
>>> frame = geo.geoparse("Clashes near the Syrian village of Baghuz.")   # doctest: +SKIP

Heavy modules (spaCy, GeoPandas, folium) load on first use, not at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import GazetteerError, GeocoderError, GeoError, InputError, UsageError
from geo.types import Candidate, Mention, Place

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "geoparse",
    "Geoparser",
    "Mention",
    "Candidate",
    "Place",
    "read_article",
    "render_map",
    "render_image",
    "GeoError",
    "UsageError",
    "InputError",
    "GazetteerError",
    "GeocoderError",
]

_LAZY = {
    "geoparse": ("geo.pipeline", "geoparse"),
    "Geoparser": ("geo.pipeline", "Geoparser"),
    "read_article": ("geo.inputs", "read_article"),
    "render_map": ("geo.render", "render_map"),
    "render_image": ("geo.image", "render_image"),
}

if TYPE_CHECKING:  # pragma: no cover
    from geo.image import render_image
    from geo.inputs import read_article
    from geo.pipeline import Geoparser, geoparse
    from geo.render import render_map


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
