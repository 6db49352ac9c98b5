"""The scripts and styles the map page loads: inlined from the xstatic packages, or CDN links.

By default the page carries Leaflet (and, for large maps, Leaflet.markercluster's stylesheet, which
geo's own clusters use) inline, read from the ``xstatic-leaflet`` / ``xstatic-leaflet-markercluster``
packages installed with geo,
with the stylesheet's images turned into ``data:`` URIs: the file then works from disk with
no network. ``cdn=True`` links folium's own CDN URLs instead (a much smaller file).
"""

from __future__ import annotations

import base64
import html
import re
from functools import cache
from importlib import import_module, resources
from pathlib import Path

import folium.folium

from geo.errors import GeoError

__all__ = ["head_assets", "leaflet_version_expected", "asset_versions"]

_SOURCE_MAP_RE = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.M)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL_RE = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


def leaflet_version_expected() -> str:
    """The Leaflet version folium links (``leaflet@X.Y.Z`` in its CDN URL)."""
    for _name, url in folium.folium._default_js:
        match = re.search(r"leaflet@(\d+\.\d+\.\d+)", url)
        if match:
            return match.group(1)
    raise GeoError("cannot tell which Leaflet version folium expects")


def _xstatic(name: str):
    try:
        return import_module(f"xstatic.pkg.{name}")
    except ImportError as err:
        raise GeoError(
            f"the package xstatic-{name.replace('_', '-')} is missing; reinstall geo, or render with cdn=True"
        ) from err


def asset_versions() -> dict[str, str]:
    """Versions of the inlined libraries, as installed."""
    return {
        "leaflet": _xstatic("leaflet").VERSION,
        "leaflet.markercluster": _xstatic("leaflet_markercluster").VERSION,
    }


def _read(package: str, filename: str) -> str:
    base = Path(_xstatic(package).BASE_DIR)
    try:
        return (base / filename).read_text(encoding="utf-8")
    except OSError as err:
        raise GeoError(f"cannot read {filename} of xstatic-{package}: {err.strerror}") from err


def _script_safe(text: str, what: str) -> str:
    """Text to put inside an inline <script>/<style> element, checked to stay inside it."""
    text = _SOURCE_MAP_RE.sub("", text)
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise GeoError(f"{what} cannot be inlined: it contains an HTML end tag or comment")
    return text.strip()


def _inline_images(css: str, package: str) -> str:
    base = Path(_xstatic(package).BASE_DIR)

    def data_uri(match: re.Match) -> str:
        try:
            payload = (base / match.group(2)).read_bytes()
        except OSError:
            return "none"  # an image we do not have: drawn without it rather than fetched
        return "url(data:image/png;base64," + base64.b64encode(payload).decode("ascii") + ")"

    return _CSS_URL_RE.sub(data_uri, css)


@cache
def _inline_leaflet() -> tuple[str, str]:
    module = _xstatic("leaflet")
    expected = leaflet_version_expected()
    if module.VERSION != expected:
        raise GeoError(
            f"xstatic-leaflet {module.VERSION} is installed but folium expects Leaflet {expected}; "
            f"install xstatic-leaflet=={expected}.*"
        )
    css = _CSS_COMMENT_RE.sub("", _read("leaflet", "leaflet.css"))  # comments only: notes and bug links
    css = _script_safe(_inline_images(css, "leaflet"), "leaflet.css")
    js = _script_safe(_read("leaflet", "leaflet.js"), "leaflet.js")
    return css, js


@cache
def _inline_markercluster_css() -> str:
    """Leaflet.markercluster's stylesheet: geo's own clusters (geo/_data/geo_cluster.js) look like its."""
    css = _read("leaflet_markercluster", "MarkerCluster.css") + "\n" + _read(
        "leaflet_markercluster", "MarkerCluster.Default.css"
    )
    return _script_safe(_CSS_COMMENT_RE.sub("", css), "MarkerCluster.css")


@cache
def _cluster_js() -> str:
    text = resources.files("geo").joinpath("_data").joinpath("geo_cluster.js").read_text(encoding="utf-8")
    return _script_safe(text, "geo_cluster.js")


def head_assets(*, cdn: bool, cluster: bool) -> list[str]:
    """The ``<head>`` markup that loads Leaflet (and geo's clusters, with markercluster's style, when ``cluster``)."""
    if cdn:
        links = [url for _name, url in folium.folium._default_css if "leaflet@" in url]
        links += [url for _name, url in folium.folium._default_js if "leaflet@" in url]
        if cluster:
            from folium.plugins import MarkerCluster  # (folium.plugins compiles ~40 plugins' templates)

            links += [url for _name, url in MarkerCluster.default_css]
        out = []
        for url in links:
            if url.endswith(".css"):
                out.append(f'<link rel="stylesheet" href="{html.escape(url)}">')
            else:
                out.append(f'<script src="{html.escape(url)}"></script>')
    else:
        css, js = _inline_leaflet()
        out = [f"<style>{css}</style>", f"<script>{js}</script>"]
        if cluster:
            out.append(f"<style>{_inline_markercluster_css()}</style>")
    if cluster:
        out.append(f"<script>{_cluster_js()}</script>")
    return out
