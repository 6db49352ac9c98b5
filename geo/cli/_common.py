"""Helpers shared by the commands."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import AbstractContextManager

__all__ = ["add_quiet", "add_model", "show_progress", "progress_choice", "model_name", "emit", "collector_paused"]


def collector_paused() -> AbstractContextManager[None]:
    """Run a block that makes long-lived objects (imports, the spaCy model) with the cyclic garbage
    collector paused, then move everything made so far to its permanent generation.

    Loading spaCy and folium makes over a million objects that live as long as the process; with
    the collector running, each generation-2 pass walks all of them again, and the interpreter's
    last collections at exit walk them once more (about 0.4 s of CPU per cold ``geo map``, more
    than all of geo's own work). Frozen objects are still freed by reference counting; only the
    collector's passes skip them. Later objects (a long text's documents) are collected as usual.
    """
    from geo._collector import collector_paused as paused

    return paused(freeze=True)


def add_quiet(p) -> None:
    """``-q`` and ``--progress/--no-progress`` (a bar is drawn when stderr is a terminal unless forced)."""
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="draw progress bars on stderr (default: when stderr is a terminal; -q: never)")


def add_model(p) -> None:
    p.add_argument("--model", metavar="NAME", default=None,
                   help="the spaCy pipeline to recognise names with (default: GEO_MODEL, else the installed "
                        "English model)")


def show_progress(args) -> bool:
    """Whether to print summaries and notes on stderr (not with ``-q``)."""
    return not getattr(args, "quiet", False)


def progress_choice(args) -> bool | None:
    """The progress-bar setting of :mod:`geo._progress`: False with ``-q``, else ``--[no-]progress`` or None."""
    if getattr(args, "quiet", False):
        return False
    return getattr(args, "progress", None)


def model_name(args) -> str | None:
    """``--model``, else ``GEO_MODEL``: carried in the config to every worker."""
    return getattr(args, "model", None) or os.environ.get("GEO_MODEL") or None


def emit(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out`` atomically, or to stdout when ``out`` is None or ``-``."""
    if out in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from geo._atomic import write_atomic

    write_atomic(out, text)


def geoparser(args):
    """The Geoparser of ``geo map`` and ``geo places`` (their corrections apply per article), its
    model loaded (with the collector paused: :func:`collector_paused`)."""
    from geo.cli._geocoding import geoparser_config

    with collector_paused():
        gp = geoparser_config(args, corrections=False).build(progress=progress_choice(args))
        gp.recognizer  # noqa: B018  (loads the model now)
    return gp
