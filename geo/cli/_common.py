"""Helpers shared by the commands."""

from __future__ import annotations

import os
import sys

__all__ = ["add_quiet", "show_progress", "emit"]


def add_quiet(p) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


def show_progress(args) -> bool:
    return not getattr(args, "quiet", False)


def emit(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out`` atomically, or to stdout when ``out`` is None or ``-``."""
    if out in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from geo._atomic import write_atomic

    write_atomic(out, text)


def geoparser(args):
    from geo.cli._geocoding import geoparser_options
    from geo.pipeline import Geoparser

    if show_progress(args) and sys.stderr.isatty():
        os.environ.setdefault("GEO_PROGRESS", "1")
    return Geoparser(progress=show_progress(args), **geoparser_options(args))
