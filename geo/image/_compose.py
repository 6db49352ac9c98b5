"""One drawing from start to end: frame -> view -> layers, markers, labels, furniture -> bytes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo._image_options import ImageOptions
from geo._render_data import PlaceRecord, place_records
from geo._render_features import feature_shapes
from geo.image._draw import (
    Canvas,
    draw_basemap,
    draw_labels,
    draw_layers,
    draw_markers,
    draw_shapes,
    kind_legend,
    new_canvas,
)
from geo.image._furniture import (
    draw_footer,
    draw_inset,
    draw_scale_bar,
    draw_title,
    inset_box,
    layout,
)
from geo.image._labels import Anchor, Box
from geo.image._save import drawing_settings, figure_bytes
from geo.image._text import alt_text, by_importance, credit_line, region_name
from geo.image._view import View, choose_view, framed, mainland

__all__ = ["Drawing", "compose"]


@dataclass(frozen=True)
class Drawing:
    """What was drawn, in image pixels with the origin at the top left."""

    data: bytes
    labels: tuple[tuple[int, str, Box], ...]
    markers: tuple[tuple[int, str, float, float, float], ...]
    unlabelled: tuple[str, ...]
    off_map: tuple[str, ...]
    not_placed: tuple[str, ...]
    alt_text: str
    credit: str
    projection: str
    inset: bool


def _raw_kinds(frame: Any) -> dict[int, str]:
    """The kinds as the frame says them (a correction's "village" stays a village in the alt text)."""
    if "kind" not in getattr(frame, "columns", ()):
        return {}
    return {i: str(k) for i, k in enumerate(frame["kind"].tolist()) if isinstance(k, str) and k}


def _country_bounds(outlines: Mapping[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for code, geometry in outlines.items():
        land = mainland(geometry)
        if land is not None:
            x0, y0, x1, y1 = (float(v) for v in land.bounds)
            out[str(code).upper()] = (x0, y0, x1, y1)
    return out


def _source_note(source: str) -> str:
    """'Source: …' (not twice when the note already says it)."""
    text = " ".join(str(source).split())
    return text if text.lower().startswith("source") else f"Source: {text}"


def _flip(box: Box, height: int) -> Box:
    return Box(round(box.x0, 2), round(height - box.y1, 2), round(box.x1, 2), round(height - box.y0, 2))


def _view_km2(view: View) -> float:
    x0, y0, x1, y1 = view.bounds
    return (x1 - x0) * (y1 - y0) / 1e6


def _place(canvas: Canvas, view: View, shown: Sequence[PlaceRecord], outlines: Mapping[str, Any], layers,
           shapes: Mapping[int, Any]):
    """Basemap, layers, feature shapes, markers, inset, scale bar and labels; returns what the result reports."""
    ax = canvas.ax
    ax.set_xlim(view.bounds[0], view.bounds[2])
    ax.set_ylim(view.bounds[1], view.bounds[3])
    draw_basemap(ax, view, outlines, canvas.style, [r for r in shown if r.kind == "country"])
    draw_layers(ax, view, layers, canvas.style)
    draw_shapes(ax, view, shown, shapes)
    anchors = draw_markers(canvas, view, shown)
    reserved: list[Box] = []
    corner = ""
    spot = inset_box(canvas, anchors) if view.local else None
    if spot is not None:
        box, corner = spot
        draw_inset(canvas, view, outlines, box)
        reserved.append(box)
    bar = draw_scale_bar(canvas, view, left=corner != "lower left")
    if bar is not None:
        reserved.append(bar)
    by_key = {a.key: a for a in anchors}
    ordered: list[Anchor] = [by_key[r.index] for r in by_importance(shown)]
    artists, unlabelled = draw_labels(canvas, ordered, {r.index: r for r in shown}, reserved)
    return anchors, artists, unlabelled, bool(corner)


def compose(frame: Any, options: ImageOptions, *, title: str | None, source: str | None,
            outlines: Mapping[str, Any], layers: Sequence[Any] = (),
            features: Mapping[int, Mapping[str, Any]] | None = None) -> Drawing:
    """Draw ``frame`` as asked by ``options``; the file's bytes and what the picture holds.

    ``features``: feature id -> GeoJSON, for the rows with a ``fid`` (default: the embedded gazetteer's).
    """
    records = place_records(frame)
    keep = set(framed(records))
    shown = [r for r in records if r.index in keep]
    shapes = feature_shapes(shown, features)
    sources = sorted({r.source for r in shown if r.source})
    credit = credit_line(sources, [getattr(layer, "credit", "") for layer in layers])
    notes = [credit] + ([_source_note(source)] if source and str(source).strip() else [])
    title_text = " ".join(str(title).split()) if title else None
    with drawing_settings():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        probe = Figure(figsize=options.inches, dpi=options.dpi)
        FigureCanvasAgg(probe)
        lay = layout(probe, options.width, options.dpi, title_text, kind_legend(shown), notes)
        canvas = new_canvas(options, lay.top, lay.bottom, lay.side)
        box = canvas.ax_box
        view = choose_view(records, outlines, (box.x1 - box.x0) / (box.y1 - box.y0))
        anchors, artists, _unlabelled, inset = _place(canvas, view, shown, outlines, layers, shapes)
        draw_title(canvas, lay)
        draw_footer(canvas, lay)
        names = {r.index: r for r in records}
        ordered = by_importance(shown)
        labelled = [r for r in ordered if r.index in artists]
        unlabelled = [r for r in ordered if r.index not in artists]
        off_map = by_importance([names[i] for i in view.off_map])
        region = region_name(shown, view.centre, _view_km2(view), _country_bounds(outlines))
        alt = alt_text(world=view.world, region=region, labelled=labelled, unlabelled=unlabelled, off_map=off_map,
                       raw_kinds=_raw_kinds(frame), inset=inset)
        data = figure_bytes(canvas.figure, options.fmt, options.dpi, title=title_text or alt.split(" showing")[0],
                            alt=alt)
        renderer = canvas.renderer()
        labels = tuple((key, names[key].name, _flip(Box(*artist.get_window_extent(renderer).extents), options.height))
                       for key, artist in sorted(artists.items()))
    h = options.height
    markers = tuple((a.key, names[a.key].name, round(a.x, 2), round(h - a.y, 2), round(a.radius, 2)) for a in anchors)
    return Drawing(data, labels, markers, tuple(r.name for r in unlabelled), tuple(r.name for r in off_map),
                   tuple(r.name for r in records if not r.resolved), alt, credit, view.crs, inset)
