"""Locator maps as pictures (PNG, SVG, PDF) for a story: :func:`render_image`.

Drawn offline with Matplotlib from the data geo has: country outlines (land, coasts and
borders), the article's countries outlined in their colour, its places as markers sized and
coloured as in the HTML map, labels that never overlap each other or a marker, an overview
inset for local stories, a scale bar, a title, a legend, a credit line and a source note.
Extra layers (seas, lakes, rivers, division borders) are passed in as :class:`MapLayer`.

Importing this package is light; Matplotlib loads when a picture is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._image_options import (
    FORMATS,
    PRESETS,
    STYLES,
    ImageOptions,
    image_format,
    image_options,
    parse_size,
)
from geo.errors import UsageError
from geo.image._labels import Box

__all__ = [
    "FORMATS",
    "PRESETS",
    "STYLES",
    "ImageOptions",
    "ImageResult",
    "LabelBox",
    "MapLayer",
    "MarkerDisc",
    "alt_path",
    "image_format",
    "image_options",
    "parse_size",
    "render_image",
]

_ROLES = ("water", "boundary")


@dataclass(frozen=True, slots=True)
class MapLayer:
    """Extra geometries to draw under the places, in lon/lat (GeoJSON mappings or shapely).

    ``role`` ``"water"``: polygons are filled as water (lakes, seas) and lines drawn as rivers;
    ``"boundary"``: lines (or polygons' edges) drawn as dashed borders (first-level divisions).
    ``credit`` joins the credit line ("rivers: Natural Earth").
    """

    name: str
    geometries: tuple = field(default=())
    role: str = "water"
    credit: str = ""

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise UsageError(f"map layer {self.name!r}: role {self.role!r} is not one of {', '.join(_ROLES)}")
        object.__setattr__(self, "geometries", tuple(self.geometries))


@dataclass(frozen=True, slots=True)
class LabelBox:
    """A placed label: its place and its text's box in image pixels (origin at the top left)."""

    index: int
    name: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: LabelBox) -> bool:
        return Box(self.x0, self.y0, self.x1, self.y1).overlaps(Box(other.x0, other.y0, other.x1, other.y1))

    def hits(self, marker: MarkerDisc) -> bool:
        return Box(self.x0, self.y0, self.x1, self.y1).hits_circle(marker.x, marker.y, marker.radius)


@dataclass(frozen=True, slots=True)
class MarkerDisc:
    """A place's marker: centre and radius (edge included) in image pixels, origin at the top left."""

    index: int
    name: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class ImageResult:
    """What :func:`render_image` wrote and what the picture holds.

    ``index`` fields are row numbers of the frame. ``unlabelled``: places with a marker but no
    label (no room; the least important go first). ``off_map``: places the story names that
    lie outside the frame (continents; countries far from the story's local places).
    ``not_placed``: names without coordinates.
    """

    path: Path | None
    fmt: str
    width: int
    height: int
    dpi: int
    labels: tuple[LabelBox, ...]
    markers: tuple[MarkerDisc, ...]
    unlabelled: tuple[str, ...]
    off_map: tuple[str, ...]
    not_placed: tuple[str, ...]
    alt_text: str
    credit: str
    projection: str
    inset: bool
    data: bytes = field(repr=False, default=b"")


def alt_path(path: str | Path) -> Path:
    """Where the alt text of an image goes: beside it, ``story.png.txt``."""
    path = Path(path)
    return path.with_name(path.name + ".txt")


def _write(path: Path, data: bytes | str) -> None:
    """The one place pictures and their alt text are written (completely or not at all)."""
    from geo._atomic import write_atomic

    write_atomic(path, data)


def _default_outlines() -> dict[str, dict]:
    from geo.gazetteer import open_gazetteer

    return open_gazetteer(progress=False).outlines()


def render_image(frame: Any, path: str | Path | None, *, title: str | None = None,
                 size: str | tuple[int, int] | None = None, preset: str | None = None, style: str = "light",
                 dpi: int | None = None, source: str | None = None, fmt: str | None = None,
                 outlines: Mapping[str, Any] | None = None, layers: Sequence[MapLayer] = (),
                 write_alt: bool = True, features: Mapping[int, Mapping[str, Any]] | None = None) -> ImageResult:
    """Draw the places of ``frame`` (as :func:`geo.geoparse` returns it) as a locator map picture.

    ``path``: the file to write (``.png``, ``.svg`` or ``.pdf``; ``fmt`` overrides the extension),
    or None to only return the bytes (``ImageResult.data``; give ``fmt``). ``size``: ``"WxH"``
    pixels; ``preset``: ``social`` (1200x675), ``column`` (800x600) or ``print`` (1800x1200 at
    300 dpi); default 1200x800 at 100 dpi. ``dpi``: dots per inch (text is sized in points, so
    more dpi means larger text on the same pixels). ``style``: ``light`` or ``dark``.
    ``source``: a source note under the credit line. ``outlines``: country code -> GeoJSON
    (default: the gazetteer's). ``layers``: extra :class:`MapLayer` s. With ``write_alt`` the
    alt text is written beside the picture (``story.png.txt``). Rows naming a river, a lake, a sea
    … (column ``fid``) are drawn with its line or outline; ``features``: feature id -> GeoJSON
    geometry (default: the embedded gazetteer's, read only when a row has a ``fid``).

    The same arguments give the same bytes (SVG, PDF) and the same pixels (PNG).
    Raises :class:`geo.errors.UsageError` for a bad option, before drawing anything.
    """
    from geo.image._compose import compose

    kind = image_format(path, fmt) if (path is not None or fmt is not None) else None
    if kind is None:
        raise UsageError("render_image writes png, svg or pdf: give a path with that extension or fmt "
                         "(the interactive map is geo.render_map)")
    options = image_options(fmt=kind, size=size, preset=preset, dpi=dpi, style=style)
    drawing = compose(frame, options, title=title, source=source,
                      outlines=_default_outlines() if outlines is None else outlines, layers=tuple(layers),
                      features=features)
    out = Path(path) if path is not None else None
    if out is not None:
        _write(out, drawing.data)
        if write_alt:
            _write(alt_path(out), drawing.alt_text + "\n")
    return ImageResult(
        path=out, fmt=kind, width=options.width, height=options.height, dpi=options.dpi,
        labels=tuple(LabelBox(i, n, b.x0, b.y0, b.x1, b.y1) for i, n, b in drawing.labels),
        markers=tuple(MarkerDisc(*m) for m in drawing.markers), unlabelled=drawing.unlabelled,
        off_map=drawing.off_map, not_placed=drawing.not_placed, alt_text=drawing.alt_text, credit=drawing.credit,
        projection=drawing.projection, inset=drawing.inset, data=drawing.data)
