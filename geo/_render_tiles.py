"""Which basemap tiles the map page asks for, and what happens to an API key.

A tile source is an xyzservices name (``"Esri.WorldGrayCanvas"``) or a Leaflet URL template
(``"https://tiles.example.org/{z}/{x}/{y}.png"``, which then needs an attribution). A source
that needs a key gets it from an environment variable and writes it into the file only when
asked (``embed_api_key=True``); otherwise the file keeps an ``{apikey}`` placeholder and the
reader supplies the key in the address (``map.html#apikey=KEY``: a fragment is never sent
to any server). Until then the page shows the offline country-outline basemap.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from geo.errors import GeoError, UsageError

__all__ = ["DEFAULT_TILES", "API_KEY_ENV", "TileSpec", "resolve_tiles", "safe_attribution", "safe_tile_url"]

# Loads from a page opened from disk (no Referer needed) and needs no key; its light grey
# keeps the coloured markers readable. OpenStreetMap's own servers refuse file:// pages and
# CARTO's now want a key.
DEFAULT_TILES = "Esri.WorldGrayCanvas"
API_KEY_ENV = "GEO_TILES_API_KEY"
NO_TILES = ("none", "off", "offline")

_KEY_PLACEHOLDER = "{apikey}"
_TOKEN_MARK = "<insert your"


@dataclass(frozen=True, slots=True)
class TileSpec:
    """A resolved tile source: a Leaflet URL template and what Leaflet needs with it."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 18
    subdomains: str = "abc"
    needs_viewer_key: bool = False  # url holds {apikey}, to be filled by the reader


def resolve_tiles(
    tiles: str | None,
    attr: str | None = None,
    *,
    api_key_env: str = API_KEY_ENV,
    embed_api_key: bool = False,
    environ: Mapping[str, str] | None = None,
) -> TileSpec | None:
    """The tile source for ``tiles`` (None: the default; "none": no tiles at all)."""
    environ = os.environ if environ is None else environ
    source = (tiles or DEFAULT_TILES).strip()
    if source.lower() in NO_TILES:
        return None
    if "{z}" in source or "://" in source:
        return _from_template(source, attr, api_key_env=api_key_env, embed=embed_api_key, environ=environ)
    return _from_provider(source, attr, api_key_env=api_key_env, embed=embed_api_key, environ=environ)


def _key(api_key_env: str, environ: Mapping[str, str], what: str) -> str:
    key = environ.get(api_key_env, "").strip()
    if not key:
        raise GeoError(f"the tile source {what} needs an API key: set the environment variable {api_key_env} "
                       "(or name another with --tiles-key-env), or leave out --embed-tiles-key and open the map "
                       "with #apikey=KEY at the end of its address")
    return key


def _from_template(url: str, attr: str | None, *, api_key_env: str, embed: bool, environ: Mapping[str, str]) -> TileSpec:
    if not re.match(r"^https?://", url, re.I):
        raise UsageError(f"tile URL must start with http:// or https://: {url!r}")
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise UsageError(f"tile URL must contain {{z}}, {{x}} and {{y}}: {url!r}")
    if not attr or not attr.strip():
        raise UsageError("a tile URL needs an attribution (attr / --attr): who made the tiles and the data")
    needs_key = _KEY_PLACEHOLDER in url
    if needs_key and embed:
        url = url.replace(_KEY_PLACEHOLDER, _key(api_key_env, environ, "URL"))
        needs_key = False
    return TileSpec(name="Basemap", url=safe_tile_url(url), attribution=safe_attribution(attr),
                    needs_viewer_key=needs_key)


def _from_provider(name: str, attr: str | None, *, api_key_env: str, embed: bool, environ: Mapping[str, str]) -> TileSpec:
    import xyzservices.providers

    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise UsageError(
            f"unknown tile source {name!r}: give an xyzservices name such as {DEFAULT_TILES!r} "
            "or a URL template with {z}/{x}/{y}"
        ) from None
    if "url" not in provider:  # a group of providers, not one
        raise UsageError(f"{name!r} is a group of tile sources; name one of them, e.g. {name}.{next(iter(provider))}")
    token_keys = [k for k, v in provider.items() if isinstance(v, str) and _TOKEN_MARK in v.lower()]
    needs_key = bool(token_keys)
    fill = {}
    if needs_key:
        value = _key(api_key_env, environ, provider.name) if embed else _KEY_PLACEHOLDER
        fill = {k: value for k in token_keys}
        needs_key = not embed
    url = provider.build_url(fill_subdomain=False, scale_factor="{r}", **fill)
    attribution = attr.strip() if attr and attr.strip() else provider.html_attribution
    return TileSpec(
        name=provider.name,
        url=safe_tile_url(url),
        attribution=safe_attribution(attribution),
        max_zoom=int(provider.get("max_zoom", 18)),
        subdomains=str(provider.get("subdomains", "abc")),
        needs_viewer_key=needs_key,
    )


# --------------------------------------------------------------------------- what enters the page
#
# Leaflet shows a tile layer's attribution as HTML (innerHTML), so an attribution from --attr or
# from a provider's metadata could run script. It is rebuilt here from its text and its links
# only: every character is escaped, and the one markup kept is <a> with an http(s) href (shown
# with rel="noopener", opening a new tab), which attributions need.


def safe_attribution(text: str | None) -> str:
    """``text`` as attribution markup that cannot run anything: escaped text, and links to http(s) only."""
    from html.parser import HTMLParser

    out: list[str] = []
    open_links = [0]

    class _Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a" and not open_links[0]:
                href = dict(attrs).get("href") or ""
                if re.match(r"^https?://[^\s]+$", href.strip(), re.I):
                    out.append(f'<a href="{_text(href.strip())}" target="_blank" rel="noopener noreferrer">')
                    open_links[0] = 1
                    return
            if tag == "br":
                out.append(" ")

        def handle_endtag(self, tag):
            if tag == "a" and open_links[0]:
                out.append("</a>")
                open_links[0] = 0

        def handle_data(self, data):
            out.append(_text(data))

    reader = _Reader(convert_charrefs=True)
    reader.feed(" ".join(str(text or "").split()))
    reader.close()
    if open_links[0]:
        out.append("</a>")
    return "".join(out).strip()


def safe_tile_url(url: str) -> str:
    """A tile URL template with every character that could end a string or a tag percent-encoded."""
    return re.sub(r"[\x00-\x20\"'<>\\`\x7f]", lambda m: f"%{ord(m.group(0)):02X}", url)


def _text(s: str) -> str:
    import html

    return html.escape(s, quote=True)
