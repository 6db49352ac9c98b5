"""Corrections that stick: pin a name, drop a false positive, add a missed place.

A corrections file is TOML. It applies to one article when it sits beside it as a sidecar
(``article.geo.toml`` or ``article.txt.geo.toml``, found automatically), or to every article
when given with ``--corrections FILE`` (or ``GEO_CORRECTIONS``); an entry of such a file may name
the articles it is for with ``article = "glob"`` (or a list of globs, matched against the file
name and the path)::

    [[pin]]                     # this name means this place
    name = "Baghuz"
    aliases = ["Baghouz"]       # other spellings the article uses (optional)
    geonameid = 170063          # a GeoNames id (gazetteer or imported dumps), or
                                # ref = "admin1:US.OH" (a first-level division by its codes) ...
    lat = 34.462                # ... and/or coordinates
    lon = 40.941
    kind = "village"            # optional, as are country (ISO code or name) and label (the map's name)

    [[drop]]                    # not a place in this article
    name = "Jordan"             # a name as the article writes it, or the place's name on the map
    # geonameid = 248816        # or the place's GeoNames id

    [[add]]                     # a place the article names but geo missed: every occurrence
    name = "Hol camp"           # becomes a mention (whole words, any case)
    lat = 36.383                # optional: coordinates or geonameid pin it; otherwise it is
    lon = 40.998                # resolved like any other name

Reading a file is :mod:`geo.corrections._read` (a malformed file raises
:class:`~geo.errors.InputError` naming the file and line); applying the entries is
:mod:`geo.corrections._apply`, as data the stages of :class:`~geo.pipeline.Geoparser` take:
drops filter the mentions, adds are mentions, pins are candidates. Each change is reported as a
:class:`Change`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from geo.corrections._read import parse
from geo.corrections._types import Add, Change, Corrections, Drop, Pin

__all__ = ["Pin", "Drop", "Add", "Change", "Corrections", "load_corrections", "sidecars"]

def load_corrections(sources: str | Path | Iterable[str | Path] | Corrections | None) -> Corrections:
    """Corrections from a path, a list of paths, a :class:`Corrections` or None (no corrections)."""
    if sources is None:
        return Corrections()
    if isinstance(sources, Corrections):
        return sources
    if isinstance(sources, (str, Path)):
        sources = [sources]
    out = Corrections()
    for s in sources:
        out = out + parse(Path(s))
    return out


def sidecars(article: str | Path) -> list[Path]:
    """The sidecar corrections files of an article file: ``a.geo.toml`` and ``a.txt.geo.toml``."""
    p = Path(article)
    found = []
    for cand in (p.with_name(p.stem + ".geo.toml"), p.with_name(p.name + ".geo.toml")):
        if cand.is_file() and cand not in found and cand != p:
            found.append(cand)
    return found
