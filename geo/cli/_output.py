"""Conventions shared by the commands that write a file: checked before any work starts.

* An output whose directory does not exist is an error, unless ``--parents`` asks for it to be created
  (geo's own default folder, ``maps/``, is always created).
* A path through a file (``article.txt/x.csv``) says which part is not a directory.
* Basemap tiles are resolved up front, so a wrong ``--tiles`` fails before the geoparse, and a tile
  source that needs a key says how to give one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geo.errors import GeoError

__all__ = ["add_parents", "check_output", "check_tiles"]


def add_parents(p) -> None:
    p.add_argument("--parents", action="store_true",
                   help="create the output's directory (and its parents) when it does not exist")


def check_output(path: str | Path | None, *, parents: bool) -> Path | None:
    """Check that ``path`` can be written (None or ``-``: standard output) and return it as a Path.

    A missing directory is allowed when ``parents`` is true (the writer creates it, once the work is
    done: a run that fails leaves no empty folder); otherwise it is a :class:`~geo.errors.GeoError` that
    names ``--parents``. Nothing is created here.
    """
    if path is None or str(path) == "-":
        return None
    target = Path(path)
    if target.is_dir():
        raise GeoError(f"{target}: is a directory")
    parent = target.parent
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise GeoError(f"cannot write {target}: {existing} is not a directory")
    if not parent.is_dir() and not parents:
        raise GeoError(f"cannot write {target}: the directory {parent} does not exist "
                       "(create it, or give --parents)")
    return target


def check_tiles(args) -> None:
    """Resolve ``--tiles``/``--attr`` now (errors before any work); say how to give a key a source needs."""
    from geo._render_tiles import resolve_tiles

    spec = resolve_tiles(args.tiles, args.attr, api_key_env=args.tiles_key_env, embed_api_key=args.embed_tiles_key)
    if spec is not None and spec.needs_viewer_key and not getattr(args, "quiet", False):
        print(f"geo: note: the {spec.name} tiles need an API key, which is not written into the map: open it "
              f"with #apikey=KEY at the end of its address (the key stays in the browser), or set "
              f"{args.tiles_key_env} (or the variable named by --tiles-key-env) and give --embed-tiles-key "
              "to write the key into the file", file=sys.stderr)
