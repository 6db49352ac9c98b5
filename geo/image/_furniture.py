"""Everything around the places: the title, the footer (legend, credit, source), the overview
inset and the scale bar. Positions are worked out in display pixels, measured with the
figure's own renderer, so that text never runs off the picture.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo.image._draw import FONT, Canvas, draw_basemap, label_background
from geo.image._labels import Anchor, Box
from geo.image._view import View

__all__ = ["Layout", "draw_footer", "draw_inset", "draw_scale_bar", "draw_title", "inset_box", "layout"]

TITLE_PT, LEGEND_PT, NOTE_PT, SCALE_PT = 15.0, 8.0, 7.5, 7.5
_LINE = 1.3  # line height, in font sizes
_MAX_TITLE_LINES = 2


def _measure(renderer, text: str, size: float, weight: str = "normal") -> float:
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _height, _descent = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def wrap(renderer, text: str, size: float, max_px: float, *, weight: str = "normal",
         max_lines: int | None = None) -> list[str]:
    """Words in lines no wider than ``max_px``; past ``max_lines`` the last line ends with '…'."""
    lines: list[str] = []
    for word in " ".join(str(text).split()).split(" "):
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and _measure(renderer, trial, size, weight) <= max_px:
            lines[-1] = trial
        else:
            lines.append(word)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _measure(renderer, last + "…", size, weight) > max_px:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return [line for line in lines if line]


@dataclass(frozen=True)
class Layout:
    """The words of the title and footer, line by line, and the room they take (pixels)."""

    side: float
    title_lines: tuple[str, ...]
    legend_rows: tuple[tuple[tuple[str, str], ...], ...]
    note_lines: tuple[str, ...]
    top: float
    bottom: float


def _legend_rows(renderer, items: Sequence[tuple[str, str]], max_px: float, pt_px: float):
    rows: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for colour, label in items:
        need = _measure(renderer, label, LEGEND_PT) + 22 * pt_px
        if rows[-1] and used + need > max_px:
            rows.append([])
            used = 0.0
        rows[-1].append((colour, label))
        used += need
    return tuple(tuple(r) for r in rows if r)


def layout(figure, width: int, dpi: int, title: str | None, legend: Sequence[tuple[str, str]],
           notes: Sequence[str]) -> Layout:
    """Wrap the title and footer to the picture's width and say how much room they need."""
    renderer = figure.canvas.get_renderer()
    pt_px = dpi / 72.0
    side = round(8 * pt_px)
    inner = width - 2 * side
    title_lines = tuple(wrap(renderer, title, TITLE_PT, inner, weight="bold", max_lines=_MAX_TITLE_LINES)) if title else ()
    rows = _legend_rows(renderer, legend, inner, pt_px)
    note_lines = tuple(line for note in notes if note for line in wrap(renderer, note, NOTE_PT, inner))
    top = (len(title_lines) * TITLE_PT * _LINE + 8) * pt_px if title_lines else side
    bottom = (len(rows) * LEGEND_PT * _LINE + len(note_lines) * NOTE_PT * _LINE + 10) * pt_px
    return Layout(side, title_lines, rows, note_lines, round(top), round(bottom))


def _fig_text(canvas: Canvas, x_px: float, y_px: float, text: str, size: float, **kw) -> None:
    w, h = canvas.options.width, canvas.options.height
    canvas.figure.text(x_px / w, y_px / h, text, fontsize=size, fontfamily=FONT, parse_math=False, **kw)


def draw_title(canvas: Canvas, lay: Layout) -> None:
    if not lay.title_lines:
        return
    pt_px = canvas.px_per_pt
    _fig_text(canvas, lay.side, canvas.options.height - 4 * pt_px, "\n".join(lay.title_lines), TITLE_PT,
              va="top", ha="left", fontweight="bold", color=canvas.style.text, linespacing=1.15)


def draw_footer(canvas: Canvas, lay: Layout) -> None:
    """The legend of the kinds drawn, then the credit line and the source note."""
    from matplotlib.lines import Line2D

    pt_px = canvas.px_per_pt
    renderer = canvas.renderer()
    w, h = canvas.options.width, canvas.options.height
    y = lay.bottom - 4 * pt_px
    for row in lay.legend_rows:
        x = lay.side
        y_mid = y - LEGEND_PT * _LINE * pt_px / 2
        for colour, label in row:
            canvas.figure.add_artist(Line2D([(x + 5 * pt_px) / w], [y_mid / h], transform=canvas.figure.transFigure,
                                            marker="o", markersize=7, markerfacecolor=colour, alpha=0.9,
                                            markeredgecolor=canvas.style.marker_edge, markeredgewidth=0.75))
            _fig_text(canvas, x + 12 * pt_px, y_mid, label, LEGEND_PT, va="center", ha="left", color=canvas.style.text)
            x += _measure(renderer, label, LEGEND_PT) + 22 * pt_px
        y -= LEGEND_PT * _LINE * pt_px
    if lay.note_lines:
        _fig_text(canvas, lay.side, y - 1 * pt_px, "\n".join(lay.note_lines), NOTE_PT, va="top", ha="left",
                  color=canvas.style.muted, linespacing=1.2)


def inset_box(canvas: Canvas, anchors: Sequence[Anchor]) -> tuple[Box, str] | None:
    """A corner for the overview inset that hides no marker (and its name); None when every corner would."""
    ax = canvas.ax_box
    side = round(min(ax.x1 - ax.x0, ax.y1 - ax.y0) * 0.28)
    m = 6 * canvas.px_per_pt
    corners = {
        "upper right": Box(ax.x1 - m - side, ax.y1 - m - side, ax.x1 - m, ax.y1 - m),
        "lower right": Box(ax.x1 - m - side, ax.y0 + m, ax.x1 - m, ax.y0 + m + side),
        "upper left": Box(ax.x0 + m, ax.y1 - m - side, ax.x0 + m + side, ax.y1 - m),
        "lower left": Box(ax.x0 + m, ax.y0 + m, ax.x0 + m + side, ax.y0 + m + side),
    }

    def cost(box: Box) -> int:
        grown = box.grown(12 * canvas.px_per_pt)
        return sum(1 for a in anchors if grown.hits_circle(a.x, a.y, a.radius))

    name = min(corners, key=lambda k: cost(corners[k]))  # dicts keep order: ties go to the first
    return (corners[name], name) if cost(corners[name]) == 0 else None


def draw_inset(canvas: Canvas, view: View, outlines: Mapping[str, Any], box: Box) -> None:
    """A wider view of the same projection with the map's frame drawn on it."""
    from matplotlib.patches import Rectangle

    w, h = canvas.options.width, canvas.options.height
    wide = view.widened(6.0, 1.2e6)
    iax = canvas.figure.add_axes((box.x0 / w, box.y0 / h, (box.x1 - box.x0) / w, (box.y1 - box.y0) / h))
    iax.set_facecolor(canvas.style.sea)
    iax.set_xticks([])
    iax.set_yticks([])
    for spine in iax.spines.values():
        spine.set_edgecolor(canvas.style.border)
        spine.set_linewidth(0.8)
    iax.set_zorder(10)
    draw_basemap(iax, wide, outlines, canvas.style, scale=0.6)
    x0, y0, x1, y1 = view.bounds
    iax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=canvas.style.frame, linewidth=1.4,
                            zorder=5))
    iax.set_xlim(wide.bounds[0], wide.bounds[2])
    iax.set_ylim(wide.bounds[1], wide.bounds[3])


def _nice(value: float) -> float:
    exp = 10 ** math.floor(math.log10(value))
    return max(m * exp for m in (1, 2, 5, 10) if m * exp <= value)


def _scale_label(metres: float) -> str:
    return f"{metres:,.0f} m" if metres < 1000 else f"{metres / 1000:,.0f} km"


def draw_scale_bar(canvas: Canvas, view: View, left: bool) -> Box | None:
    """A bar of a round length (measured on the ellipsoid where it is drawn); its box in pixels."""
    from pyproj import Geod, Transformer

    if view.world:
        return None
    ax, pt_px = canvas.ax_box, canvas.px_per_pt
    inverse = canvas.ax.transData.inverted()
    margin = 10 * pt_px
    start_px = (ax.x0 + margin, ax.y0 + margin) if left else (ax.x1 - margin - (ax.x1 - ax.x0) * 0.2, ax.y0 + margin)
    sx, sy = inverse.transform(start_px)
    trial = (view.bounds[2] - view.bounds[0]) * 0.2
    to_lonlat = Transformer.from_crs(view.crs, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([sx, sx + trial], [sy, sy])
    metres = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    nice = _nice(metres)
    length = trial * nice / metres
    tick = 3 * pt_px * (view.bounds[3] - view.bounds[1]) / (ax.y1 - ax.y0)
    xs = [sx, sx, sx + length, sx + length]
    ys = [sy + tick, sy, sy, sy + tick]
    canvas.ax.plot(xs, ys, color=canvas.style.text, linewidth=1.2, zorder=7, solid_capstyle="butt")
    label = canvas.ax.text(sx, sy + 1.6 * tick, _scale_label(nice), fontsize=SCALE_PT, fontfamily=FONT,
                           color=canvas.style.text, ha="left", va="bottom", zorder=7, parse_math=False,
                           bbox=label_background(canvas.style))
    extent = label.get_window_extent(canvas.renderer())
    end_px = canvas.ax.transData.transform((sx + length, sy))[0]
    return Box(start_px[0] - 2, start_px[1] - 3, max(end_px, extent.x1) + 2, extent.y1 + 2)
