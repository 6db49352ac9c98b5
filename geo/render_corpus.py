"""Draw the places of a whole corpus (the table ``geo batch`` writes) as one interactive HTML map.

:func:`corpus_map` aggregates the rows (one per document and place) into places sized by the number
of documents that mention them, with a heat-map layer, countries shaded by their mentions, a time
slider when the documents have dates, and popups listing each place's top documents. The page is
built like :func:`geo.render.render_map` and with its helpers: Leaflet, Leaflet.markercluster (from
the ``xstatic-*`` packages) and Leaflet.heat (the copy folium ships) inlined, numbered element ids
(the same input gives the same bytes), and every string from the corpus carried in one
``<script type="application/json">`` block (:func:`geo._render_data.script_json`) that the page's
script (``geo/_data/geo_corpus.js``) shows with DOM text APIs only. Places are drawn as canvas
circles in marker clusters, so 100,000 places stay usable.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from geo._render_assets import _script_safe, head_assets
from geo._render_data import KINDS, script_json
from geo._render_tiles import API_KEY_ENV, resolve_tiles
from geo.errors import GeoError

__all__ = ["corpus_map", "corpus_data", "TOP_DOCUMENTS"]

TOP_DOCUMENTS = 5  # documents listed in a place's popup
UNPLACED_LISTED = 300  # names not placed, listed on the map (most documents first)
#: sequential palette for the country shading (light to dark), readable in grey scale too
COUNTRY_PALETTE = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
_MAX_PERIODS = 400


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


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    from geo.render import _asset_text

    return _asset_text(name)


# --------------------------------------------------------------------------- aggregation


def _periods(dates) -> tuple[str, Any]:
    """A period label per date (day, month or year, whichever gives a usable slider)."""
    valid = dates.dropna()
    if valid.empty:
        return "", None
    span_days = (valid.max() - valid.min()).days
    if span_days <= 62:
        unit, fmt = "day", "%Y-%m-%d"
    elif span_days <= 366 * 12:
        unit, fmt = "month", "%Y-%m"
    else:
        unit, fmt = "year", "%Y"
    return unit, dates.dt.strftime(fmt)


def _plain_str(v) -> str | None:
    from geo.frame import _plain

    v = _plain(v)
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def corpus_data(frame, *, top: int = TOP_DOCUMENTS) -> dict:
    """The aggregate the corpus map draws, as plain JSON-ready data.

    ``frame``: rows of ``geo batch`` (``doc_id``, ``doc_title``, ``doc_date``, ``doc_url`` and the
    place columns, geometry EPSG:4326); a places file of one article (no ``doc_id``) counts as one
    document.
    """
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({c: frame[c] for c in frame.columns if c != frame.geometry.name})
    n = len(df)
    for col, default in (("doc_id", "(article)"), ("doc_title", None), ("doc_date", None), ("doc_url", None),
                         ("name", "(unnamed)"), ("kind", "unknown"), ("country", None), ("country_code", None),
                         ("geonameid", None), ("mentions", 1), ("adjectival_mentions", 0)):
        if col not in df.columns:
            df[col] = default
    geoms = frame.geometry
    points = ~(geoms.isna() | geoms.is_empty)
    if "resolved" in df.columns:
        points &= df["resolved"].fillna(False).astype(bool).to_numpy()
    reps = geoms.where(geoms.geom_type == "Point", geoms.representative_point()) if n else geoms
    df["lat"] = np.where(points, reps.y.where(points, 0.0), np.nan) if n else []
    df["lon"] = np.where(points, reps.x.where(points, 0.0), np.nan) if n else []
    df["m"] = (pd.to_numeric(df["mentions"], errors="coerce").fillna(0)
               + pd.to_numeric(df["adjectival_mentions"], errors="coerce").fillna(0)).astype("int64")
    df["doc_id"] = df["doc_id"].astype("string").fillna("(no id)")
    doc_codes, doc_ids = pd.factorize(df["doc_id"], sort=False)
    df["doc"] = doc_codes
    documents = len(doc_ids)

    # documents: their metadata, and a period per date
    firsts = df.drop_duplicates("doc")[["doc", "doc_title", "doc_date", "doc_url"]].set_index("doc").sort_index()
    dates = pd.to_datetime(firsts["doc_date"].astype("string"), errors="coerce", utc=True, format="mixed")
    unit, labels = _periods(dates)
    periods: list[str] = sorted(set(labels.dropna())) if labels is not None else []
    if len(periods) > _MAX_PERIODS:  # e.g. years of daily dates: fall back to years
        labels = dates.dt.strftime("%Y")
        unit, periods = "year", sorted(set(labels.dropna()))
    if len(periods) < 2:
        unit, periods, labels = "", [], None
    period_of_doc = (labels.map({p: i for i, p in enumerate(periods)}) if labels is not None
                     else pd.Series(np.nan, index=firsts.index))

    # places: one per gazetteer entry (or name and point)
    placed = df[points].copy()
    gid = pd.to_numeric(placed["geonameid"], errors="coerce")
    placed["key"] = np.where(gid.notna(), "g" + gid.fillna(0).astype("int64").astype(str),
                             "n" + placed["name"].astype(str) + "@" + placed["lat"].round(4).astype(str) + ","
                             + placed["lon"].round(4).astype(str))
    placed["row"] = np.arange(len(placed))
    grouped = placed.groupby("key", sort=False)
    agg = grouped.agg(name=("name", "first"), kind=("kind", "first"), country=("country", "first"),
                      cc=("country_code", "first"), lat=("lat", "first"), lon=("lon", "first"),
                      docs=("doc", "nunique"), mentions=("m", "sum"), first=("row", "min"))
    agg = agg.assign(sort_name=agg["name"].astype(str)).sort_values(["docs", "mentions", "sort_name"],
                                                                    ascending=[False, False, True], kind="stable")

    # each place's top documents: most mentions there, then first in the corpus
    per_doc = placed.groupby(["key", "doc"], sort=False)["m"].sum().reset_index()
    per_doc = per_doc.sort_values(["key", "m", "doc"], ascending=[True, False, True], kind="stable")
    tops = per_doc.groupby("key", sort=False).head(top)
    top_lists: dict[str, list[int]] = {}
    for key, doc in zip(tops["key"], tops["doc"]):
        top_lists.setdefault(key, []).append(int(doc))
    used_docs = sorted({d for v in top_lists.values() for d in v})
    doc_index = {d: i for i, d in enumerate(used_docs)}

    # per period: documents per place
    times: dict[str, list[int]] = {}
    if periods:
        placed["period"] = placed["doc"].map(period_of_doc)
        counted = placed.dropna(subset=["period"]).groupby(["key", "period"])["doc"].nunique().reset_index()
        counted = counted.sort_values(["key", "period"])
        for key, p, c in zip(counted["key"], counted["period"], counted["doc"]):
            times.setdefault(key, []).extend((int(p), int(c)))

    keys = agg.index.tolist()
    kinds = [_plain_str(k) or "unknown" for k in agg["kind"].tolist()]
    place_cols = {
        "name": [_plain_str(v) or "(unnamed)" for v in agg["name"].tolist()],
        "kind": [k if k in KINDS else "unknown" for k in kinds],
        "country": [_plain_str(v) for v in agg["country"].tolist()],
        "lat": [round(float(v), 5) for v in agg["lat"].tolist()],
        "lon": [round(float(v), 5) for v in agg["lon"].tolist()],
        "docs": [int(v) for v in agg["docs"].tolist()],
        "mentions": [int(v) for v in agg["mentions"].tolist()],
        "top": [[doc_index[d] for d in top_lists.get(k, [])] for k in keys],
        "t": [times.get(k, []) for k in keys],
    }

    docs_out = []
    used = firsts.loc[used_docs]
    for d, title, date, url in zip(used_docs, used["doc_title"].tolist(), used["doc_date"].tolist(),
                                   used["doc_url"].tolist()):
        url = _plain_str(url)
        docs_out.append([_plain_str(doc_ids[d]), _plain_str(title), _plain_str(date),
                         url if url and url.lower().startswith(("http://", "https://")) else None])

    # countries: mentions of the country and of every place in it
    with_cc = df[df["country_code"].notna()].copy()
    with_cc["cc"] = with_cc["country_code"].astype(str).str.upper()
    countries = with_cc.groupby("cc").agg(mentions=("m", "sum"), docs=("doc", "nunique"))
    names = with_cc[with_cc["kind"] == "country"].groupby("cc")["name"].first()
    fallback = with_cc.groupby("cc")["country"].first()
    country_rows = {cc: {"mentions": int(r["mentions"]), "docs": int(r["docs"]),
                         "name": _plain_str(names.get(cc)) or _plain_str(fallback.get(cc)) or cc}
                    for cc, r in countries.iterrows()}

    return {
        "places": place_cols,
        "unplaced": _unplaced_names(df[~points]),
        "docs": docs_out,
        "periods": periods,
        "periodUnit": unit,
        "countries": country_rows,
        "stats": {"rows": n, "documents": documents, "places": len(agg),
                  "unplaced": int((~points).sum()), "dated": int(dates.notna().sum())},
    }


def _unplaced_names(rows, limit: int = UNPLACED_LISTED) -> list[list]:
    """The names that could not be placed: [name, documents, mentions], most documents first."""
    if not len(rows):
        return []
    names = rows["name"].astype("string").fillna("(unnamed)").str.strip()
    grouped = rows.assign(nm=names).groupby("nm", sort=False).agg(docs=("doc", "nunique"), mentions=("m", "sum"))
    grouped = grouped.assign(key=grouped.index.astype(str)).sort_values(["docs", "mentions", "key"],
                                                                         ascending=[False, False, True], kind="stable")
    return [[_plain_str(nm) or "(unnamed)", int(d), int(m)]
            for nm, d, m in zip(grouped.index[:limit], grouped["docs"][:limit], grouped["mentions"][:limit])]


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
    import folium
    from branca.element import Figure, MacroElement
    from folium.template import Template

    from geo.render import _FOLIUM_VIEWPORT, _number_elements, _Raw, _render_macros_raw, _tile_layer

    data = corpus_data(frame, top=top)
    if stats is not None:
        stats.update(data["stats"])
    features, breaks = _country_features(data.pop("countries"), outlines or {})
    data["countries"] = {"type": "FeatureCollection", "features": features}
    data["breaks"] = breaks
    data["palette"] = COUNTRY_PALETTE[-len(breaks):] if breaks else []
    data["kinds"] = {kind: {"label": label, "colour": colour} for kind, (colour, label) in KINDS.items()}
    title_text = " ".join(str(title).split()) or "Corpus map"
    tile_spec = resolve_tiles(tiles, attr, api_key_env=api_key_env, embed_api_key=embed_api_key)
    stats = data["stats"]

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

    # maxZoom: Leaflet needs one before the tile layer is added (a layer that waits for #apikey=)
    fmap = folium.Map(location=[20.0, 0.0], zoom_start=2, tiles=None, control_scale=True, prefer_canvas=True)
    fmap.options["max_zoom"] = tile_spec.max_zoom if tile_spec else 18
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    tile_layer = _tile_layer(tile_spec)
    if tile_layer is not None:
        tile_layer.add_to(fmap)

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
            self.needs_key = bool(tile_spec and tile_spec.needs_viewer_key)

        def render(self, **kwargs):
            self.tiles_name = tile_layer.get_name() if tile_layer is not None else "null"
            _render_macros_raw(self, kwargs)

    _CorpusPage().add_to(fmap)
    lats, lons = data["places"]["lat"], data["places"]["lon"]
    if len(lats) > 1:
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20), max_zoom=8)
    elif lats:
        fmap.location, fmap.options["zoom"] = [lats[0], lons[0]], 6
    _number_elements(figure)
    document = figure.render()
    document = document.replace("<!DOCTYPE html>\n<html>\n", '<!DOCTYPE html>\n<html lang="en">\n', 1)
    return document.replace(_FOLIUM_VIEWPORT, "initial-scale=1.0", 1)


def read_places_file(path) -> Any:
    """A places file (any format ``geo batch`` or ``geo places`` writes) as a GeoDataFrame."""
    from geo._places_file import read_places_file as read

    return read(path)
