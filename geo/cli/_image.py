"""``geo map ARTICLE -o story.png|svg|pdf``: the picture options of ``geo map``, checked before any work."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from geo.errors import UsageError

__all__ = ["ImageRequest", "add_image_options", "image_request", "write_image"]

_IMAGE_ONLY = ("size", "preset", "style", "dpi", "alt", "source_note", "layer")
_ROLES = ("water", "boundary")


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """A checked picture request from the command line (``out`` None: the default under maps/)."""

    fmt: str
    out: Path | None
    layers: tuple = ()  # geo.image.MapLayer, read from the --layer files


def add_image_options(p) -> None:
    from geo._image_options import PRESETS, STYLES

    g = p.add_argument_group("picture (PNG, SVG, PDF) instead of the interactive map")
    g.add_argument("--format", dest="image_format", choices=("png", "svg", "pdf", "html"), default=None,
                   help="what to write (default: from the -o extension, else html)")
    g.add_argument("--size", metavar="WxH", default=None, help="picture size in pixels, e.g. 1200x800 (default)")
    g.add_argument("--preset", choices=tuple(PRESETS), default=None,
                   help="; ".join(f"{n}: {v.width}x{v.height} px at {v.dpi} dpi" for n, v in PRESETS.items()))
    g.add_argument("--style", choices=tuple(STYLES), default=None, help="light (default) or dark")
    g.add_argument("--dpi", type=int, default=None,
                   help="dots per inch (default 100; print 300): text is sized in points, so more dpi, larger text")
    g.add_argument("--source-note", metavar="TEXT", default=None, help="a source line under the credit line")
    g.add_argument("--alt", action="store_true", help="also print the alt text on standard output")
    g.add_argument("--layer", metavar="ROLE=FILE", action="append", default=None,
                   help="draw a vector file (GeoJSON, shapefile, GeoPackage…) under the places: water=FILE "
                        "(lakes, seas, rivers) or boundary=FILE (division borders); repeatable")


def image_request(args) -> ImageRequest | None:
    """The picture asked for (None: the HTML map); every option checked, so nothing is parsed in vain."""
    from geo._image_options import image_format, image_options

    fmt = image_format(args.output, getattr(args, "image_format", None))
    if fmt is None:
        given = [f"--{name.replace('_', '-')}" for name in _IMAGE_ONLY if getattr(args, name, None) not in (None, False)]
        if given:
            raise UsageError(f"{', '.join(given)}: only for a picture (-o story.png|svg|pdf or --format png|svg|pdf)")
        return None
    if getattr(args, "from_file", None) is not None:
        raise UsageError("--from draws the corpus map as HTML only; pictures are of one article")
    image_options(fmt=fmt, size=args.size, preset=args.preset, dpi=args.dpi, style=args.style or "light")
    layers = _read_layers(_layer_files(args.layer))
    return ImageRequest(fmt=fmt, out=Path(args.output) if args.output else None, layers=layers)


def _layer_files(values) -> tuple[tuple[str, Path], ...]:
    files = []
    for value in values or ():
        role, sep, name = str(value).partition("=")
        if not sep or role not in _ROLES or not name:
            raise UsageError(f"--layer {value!r}: give water=FILE or boundary=FILE")
        if not Path(name).is_file():
            raise UsageError(f"--layer {value!r}: {name}: no such file")
        files.append((role, Path(name)))
    return tuple(files)


def _read_layers(files: tuple[tuple[str, Path], ...]) -> tuple:
    """The --layer files as map layers, in lon/lat (read before any geoparsing, so a bad file fails early)."""
    from geo.errors import InputError
    from geo.image import MapLayer

    layers = []
    for role, path in files:
        import geopandas as gpd

        try:
            frame = gpd.read_file(path)
        except (OSError, ValueError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors
            raise InputError(f"{path}: cannot be read as a vector file ({' '.join(str(exc).split())[:200]})") from exc
        if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
            frame = frame.to_crs("EPSG:4326")
        layers.append(MapLayer(path.stem, tuple(g for g in frame.geometry if g is not None and not g.is_empty),
                               role=role, credit=f"{role}: {path.name}"))
    return tuple(layers)


def write_image(args, request: ImageRequest, frame, *, title: str, stem: str, outlines) -> int:
    """Draw and write the picture (and its alt text); report what could not be labelled."""
    from geo.image import alt_path, render_image

    out = request.out or Path("maps") / f"{stem}.{request.fmt}"
    result = render_image(frame, out, title=title, size=args.size, preset=args.preset, style=args.style or "light",
                          dpi=args.dpi, source=args.source_note, fmt=request.fmt, outlines=outlines,
                          layers=request.layers)
    if args.alt:
        print(result.alt_text)
    if not args.quiet:
        print(f"wrote {out} ({len(result.markers)} places on the map, {len(result.labels)} labelled; "
              f"alt text in {alt_path(out)})", file=sys.stderr)
        if result.unlabelled:
            print(f"geo: no room for the labels of: {', '.join(result.unlabelled)}", file=sys.stderr)
        if result.off_map:
            print(f"geo: named but outside the map: {', '.join(result.off_map)}", file=sys.stderr)
        if result.not_placed:
            print(f"geo: not placed: {', '.join(result.not_placed)}", file=sys.stderr)
    return 0
