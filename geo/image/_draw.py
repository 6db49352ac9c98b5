"""Draw the map with Matplotlib (Agg, no pyplot): basemap, extra layers, markers and labels.

Sizes follow the HTML map: a marker's radius is :func:`geo._render_data.marker_radius` CSS
pixels (1/96 inch), colours are :data:`geo._render_data.KINDS`. Text is DejaVu Sans (shipped
with Matplotlib) in points, so a higher ``dpi`` gives larger text on the same pixels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo._image_options import ImageOptions, Style
from geo._render_data import KINDS, PlaceRecord, marker_radius
from geo.image._labels import Anchor, Box, Placement, place_labels
from geo.image._view import View, project_geometry, project_points, visible

__all__ = [
    "COUNTRY_PT",
    "FONT",
    "LABEL_PT",
    "Canvas",
    "draw_basemap",
    "draw_labels",
    "draw_layers",
    "draw_markers",
    "geometry_path",
    "label_background",
    "new_canvas",
]

FONT = "DejaVu Sans"
LABEL_PT, COUNTRY_PT = 9.0, 9.5
_CSS_PX_PT = 0.75  # one CSS pixel (1/96 in) in points
_EDGE_PT = 0.75
_HALO_PAD = 0.12  # the label's background box, around the text, in font sizes
_HALO_PT = 2 * _HALO_PAD * COUNTRY_PT + 0.5  # clearance kept around a label's text box (both sides' pads)


@dataclass(frozen=True)
class Canvas:
    """The figure, the map's axes and the numbers to turn points into pixels."""

    figure: Any
    ax: Any
    options: ImageOptions
    ax_box: Box  # the axes in display pixels (origin bottom-left)

    @property
    def px_per_pt(self) -> float:
        return self.options.dpi / 72.0

    @property
    def style(self) -> Style:
        return self.options.style

    def renderer(self):
        return self.figure.canvas.get_renderer()


def new_canvas(options: ImageOptions, top_px: float, bottom_px: float, side_px: float) -> Canvas:
    """A figure of the requested size with the map's axes between the title and the footer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=options.inches, dpi=options.dpi, facecolor=options.style.halo)
    FigureCanvasAgg(figure)
    w, h = options.width, options.height
    left, bottom = side_px / w, bottom_px / h
    width, height = 1 - 2 * side_px / w, 1 - (top_px + bottom_px) / h
    ax = figure.add_axes((left, bottom, width, height))
    ax.set_facecolor(options.style.sea)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(options.style.border)
        spine.set_linewidth(0.6)
    box = Box(side_px, bottom_px, w - side_px, h - top_px)
    return Canvas(figure, ax, options, box)


def geometry_path(geom):
    """A Matplotlib Path for a projected shapely geometry (polygons with their holes, or lines)."""
    import numpy as np
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    vertices, codes = [], []

    def ring(coords, closed: bool) -> None:
        arr = np.asarray(coords, float)[:, :2]
        if len(arr) < 2:
            return
        vertices.append(arr)
        part = np.full(len(arr), Path.LINETO, dtype=np.uint8)
        part[0] = Path.MOVETO
        if closed:
            part[-1] = Path.CLOSEPOLY
        codes.append(part)

    for part in getattr(geom, "geoms", [geom]):
        kind = part.geom_type
        if kind == "Polygon":
            part = orient(part, 1.0)
            ring(part.exterior.coords, True)
            for hole in part.interiors:
                ring(hole.coords, True)
        elif kind in ("LineString", "LinearRing"):
            ring(part.coords, False)
        elif kind.startswith("Multi") or kind == "GeometryCollection":
            sub = geometry_path(part)
            if sub is not None:
                vertices.append(sub.vertices)
                codes.append(sub.codes)
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _patch(ax, geoms: Sequence[Any], **style) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    paths = [p for p in (geometry_path(g) for g in geoms) if p is not None]
    if paths:
        ax.add_patch(PathPatch(Path.make_compound_path(*paths), **style))


def draw_basemap(ax, view: View, outlines: Mapping[str, Any], style: Style, highlight: Sequence[PlaceRecord] = (),
                 *, scale: float = 1.0) -> None:
    """Land and borders from the country outlines; the story's countries outlined in their colour."""
    land = [g for g in (project_geometry(outlines[c], view) for c in sorted(outlines)) if g is not None]
    _patch(ax, land, facecolor=style.land, edgecolor=style.border, linewidth=0.5 * scale, zorder=1)
    for record in highlight:
        geom = outlines.get(record.country_code or "")
        projected = project_geometry(geom, view) if geom is not None else None
        if projected is not None:
            _patch(ax, [projected], facecolor=record.colour, alpha=0.12, edgecolor="none", zorder=2)
            _patch(ax, [projected], facecolor="none", edgecolor=record.colour, linewidth=1.2 * scale, zorder=2.1)


def draw_layers(ax, view: View, layers: Sequence[Any], style: Style) -> None:
    """Extra layers (seas, lakes, rivers, division borders) between the land and the places."""
    for order, layer in enumerate(layers):
        geoms = [g for g in (project_geometry(x, view) for x in visible(layer.geometries, view)) if g is not None]
        areas = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        lines = [g for g in geoms if g.geom_type not in ("Polygon", "MultiPolygon")]
        if layer.role == "boundary":
            lines, areas = lines + [g.boundary for g in areas], []
        z = 1.2 + order * 0.01
        if layer.role == "water":
            _patch(ax, areas, facecolor=style.sea, edgecolor=style.water, linewidth=0.5, zorder=z)
            _patch(ax, lines, facecolor="none", edgecolor=style.water, linewidth=0.8, zorder=z)
        else:
            _patch(ax, lines, facecolor="none", edgecolor=style.border, linewidth=0.5, linestyle=(0, (3, 2)),
                   zorder=z)


def draw_shapes(ax, view: View, records: Sequence[PlaceRecord], shapes: Mapping[int, Mapping[str, Any]]) -> None:
    """The lines (rivers) and outlines (lakes, seas, regions …) of the features, in their kind's colour,
    over the land and under the markers (``shapes``: place index -> GeoJSON, see geo/_render_features.py)."""
    for record in records:
        shape = shapes.get(record.index)
        projected = project_geometry(shape, view) if shape is not None else None
        if projected is None:
            continue
        if "Polygon" in str(shape["type"]):  # type: ignore[index]
            _patch(ax, [projected], facecolor=record.colour, alpha=0.12, edgecolor="none", zorder=2.2)
            _patch(ax, [projected], facecolor="none", edgecolor=record.colour, linewidth=1.2, zorder=2.3)
        else:
            _patch(ax, [projected], facecolor="none", edgecolor=record.colour, linewidth=2.0, alpha=0.9, zorder=2.4,
                   capstyle="round", joinstyle="round")


def marker_px(record: PlaceRecord, dpi: float) -> float:
    """The marker's radius in display pixels, its edge included."""
    return (marker_radius(record.total_mentions) * _CSS_PX_PT + _EDGE_PT / 2) * dpi / 72.0


def draw_markers(canvas: Canvas, view: View, records: Sequence[PlaceRecord]) -> list[Anchor]:
    """One circle per place (largest first, so small ones stay on top); their discs in pixels."""
    if not records:
        return []
    xs, ys = project_points(view.crs, [r.point.lon for r in records], [r.point.lat for r in records])
    order = sorted(range(len(records)), key=lambda i: (-marker_radius(records[i].total_mentions), i))
    sizes = [(2 * marker_radius(records[i].total_mentions) * _CSS_PX_PT) ** 2 for i in order]
    canvas.ax.scatter([xs[i] for i in order], [ys[i] for i in order], s=sizes,
                      c=[records[i].colour for i in order], alpha=0.85, edgecolors=canvas.style.marker_edge,
                      linewidths=_EDGE_PT, zorder=5)
    to_px = canvas.ax.transData
    anchors = []
    for i, record in enumerate(records):
        x, y = to_px.transform((xs[i], ys[i]))
        anchors.append(Anchor(record.index, float(x), float(y), marker_px(record, canvas.options.dpi), 0.0, 0.0))
    return anchors


def label_background(style: Style) -> dict:
    """A light box behind each label: it keeps labels readable over borders and stays text in SVG and
    PDF (a stroked halo would turn the text into outlines there)."""
    return {"boxstyle": f"square,pad={_HALO_PAD}", "facecolor": style.halo, "edgecolor": "none", "alpha": 0.72}


def _label_artist(canvas: Canvas, record: PlaceRecord, xy: tuple[float, float]):
    country = record.kind == "country"
    return canvas.ax.annotate(
        record.name, xy=xy, xycoords="data", xytext=(0, 0), textcoords="offset points",
        ha="left", va="center", fontsize=COUNTRY_PT if country else LABEL_PT, fontfamily=FONT,
        fontweight="bold" if country else "normal", color=canvas.style.muted if country else canvas.style.text,
        parse_math=False, annotation_clip=False, zorder=6, bbox=label_background(canvas.style))


def draw_labels(canvas: Canvas, anchors: Sequence[Anchor], records: Mapping[int, PlaceRecord],
                reserved: Sequence[Box]) -> tuple[dict[int, Any], list[int]]:
    """Label the markers (``anchors`` most important first); returns the text artists and the unlabelled."""
    renderer = canvas.renderer()
    artists, sized = {}, []
    inverse = canvas.ax.transData.inverted()
    for anchor in anchors:
        artist = _label_artist(canvas, records[anchor.key], tuple(inverse.transform((anchor.x, anchor.y))))
        extent = artist.get_window_extent(renderer)
        artists[anchor.key] = artist
        sized.append(Anchor(anchor.key, anchor.x, anchor.y, anchor.radius, extent.width, extent.height))
    area = canvas.ax_box.grown(-3.0)
    placed, unplaced = place_labels(sized, area, reserved, gap=3.0 * canvas.px_per_pt / 1.39,
                                    pad=_HALO_PT * canvas.px_per_pt)
    for placement in placed:
        _settle(artists[placement.key], placement, canvas.px_per_pt)
    for key in unplaced:
        artists.pop(key).remove()
    return artists, unplaced


def _settle(artist, placement: Placement, px_per_pt: float) -> None:
    artist.set_horizontalalignment(placement.ha)
    artist.set_verticalalignment(placement.va)
    artist.xyann = (placement.dx / px_per_pt, placement.dy / px_per_pt)


def kind_legend(records: Sequence[PlaceRecord]) -> list[tuple[str, str]]:
    """(colour, label) of each kind drawn, in the HTML map's legend order."""
    present = {r.kind for r in records}
    return [(colour, label) for kind, (colour, label) in KINDS.items() if kind in present]
