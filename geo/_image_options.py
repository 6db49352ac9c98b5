"""What an image is asked to be: size, resolution, format and style, checked before any work.

Everything here is plain Python (no Matplotlib), so the command line can refuse a bad option
before it loads the model or geoparses anything; it lives outside :mod:`geo.image` so that
``geo map`` checks its options without importing the picture renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo.errors import UsageError

__all__ = ["FORMATS", "PRESETS", "STYLES", "ImageOptions", "Preset", "Style", "image_format", "image_options",
           "parse_size"]

#: the formats an image can be written in (``html`` is the interactive map, not an image)
FORMATS = ("png", "svg", "pdf")
_MAX_SIDE = 10_000  # pixels; beyond this Matplotlib's Agg canvas is slow and huge


@dataclass(frozen=True, slots=True)
class Preset:
    """A usual size: pixels, and the resolution the pixels are meant for."""

    width: int
    height: int
    dpi: int
    use: str


#: ``--preset`` names; ``print`` is 6 x 4 inches (15 x 10 cm) at 300 dpi
PRESETS: dict[str, Preset] = {
    "social": Preset(1200, 675, 100, "16:9 card for social networks (X, LinkedIn, Facebook, Bluesky)"),
    "column": Preset(800, 600, 100, "4:3 picture for an article's text column on the web"),
    "print": Preset(1800, 1200, 300, "6 x 4 in (15 x 10 cm) at 300 dpi for print"),
}
DEFAULT = Preset(1200, 800, 100, "3:2 picture (the default)")


@dataclass(frozen=True, slots=True)
class Style:
    """Colours of everything but the places (whose colours are the HTML map's palette)."""

    name: str
    sea: str
    land: str
    border: str
    text: str
    muted: str
    halo: str
    marker_edge: str
    frame: str
    water: str


STYLES: dict[str, Style] = {
    "light": Style("light", sea="#dfe8ee", land="#f4f1ea", border="#8c8c8c", text="#1a1a1a", muted="#444444",
                   halo="#ffffff", marker_edge="#222222", frame="#d6336c", water="#9cc3dc"),
    "dark": Style("dark", sea="#16202a", land="#2b3036", border="#6b7178", text="#f2f2f2", muted="#c4c4c4",
                  halo="#111111", marker_edge="#111111", frame="#ff8fb1", water="#2f5d7c"),
}


@dataclass(frozen=True, slots=True)
class ImageOptions:
    """A checked request: pixel size, dots per inch, file format and style."""

    width: int
    height: int
    dpi: int
    fmt: str
    style: Style

    @property
    def inches(self) -> tuple[float, float]:
        return self.width / self.dpi, self.height / self.dpi


_SIZE_RE = re.compile(r"^\s*(\d{1,6})\s*[x×X]\s*(\d{1,6})\s*$")


def parse_size(text: str | tuple[int, int]) -> tuple[int, int]:
    """``"1200x800"`` (or a pair) -> (1200, 800); both sides 100 to 10,000 pixels."""
    if isinstance(text, tuple):
        width, height = (int(v) for v in text)
    else:
        match = _SIZE_RE.match(str(text))
        if not match:
            raise UsageError(f"--size {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1200x800")
        width, height = int(match.group(1)), int(match.group(2))
    for side in (width, height):
        if not 100 <= side <= _MAX_SIDE:
            raise UsageError(f"--size {width}x{height}: each side must be 100 to {_MAX_SIDE:,} pixels")
    return width, height


def image_format(path: str | Path | None, fmt: str | None) -> str | None:
    """The format named by ``fmt``, else by the extension of ``path``; None means the HTML map."""
    if fmt is not None:
        name = str(fmt).lower().lstrip(".")
        if name == "html":
            return None
        if name not in FORMATS:
            raise UsageError(f"--format {fmt!r}: choose png, svg, pdf or html")
        return name
    if path is None or str(path) == "-":
        return None
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("html", "htm"):
        return None
    if suffix in FORMATS:
        return suffix
    raise UsageError(f"{path}: cannot tell the format from the extension "
                     f"{('.' + suffix) if suffix else '(none)'}: use .png, .svg, .pdf or .html, or --format")


def image_options(*, fmt: str, size: str | tuple[int, int] | None = None, preset: str | None = None,
                  dpi: int | None = None, style: str = "light") -> ImageOptions:
    """Check and combine the options; ``size`` and ``dpi`` override the preset's."""
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r}: choose png, svg or pdf")
    if preset is not None and preset not in PRESETS:
        raise UsageError(f"--preset {preset!r}: choose {', '.join(PRESETS)}")
    if style not in STYLES:
        raise UsageError(f"--style {style!r}: choose {', '.join(STYLES)}")
    base = PRESETS[preset] if preset else DEFAULT
    width, height = parse_size(size) if size is not None else (base.width, base.height)
    if dpi is not None and not (isinstance(dpi, int) and 50 <= dpi <= 1200):
        raise UsageError(f"--dpi {dpi!r}: give a whole number from 50 to 1200")
    return ImageOptions(width=width, height=height, dpi=dpi or base.dpi, fmt=fmt, style=STYLES[style])
