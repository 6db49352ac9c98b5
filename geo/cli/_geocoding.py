"""Command-line options of the places geo does not know, shared by ``geo map``, ``geo places``,
``geo parse`` and ``geo batch``.

``--geocoder`` (online fallbacks), ``--places`` (the user's places), ``--corrections``, ``--model``
and (for one article) the sidecar ``ARTICLE.geo.toml``, gathered in a picklable
:class:`geo.config.GeoparserConfig`; warnings of the sources of coordinates printed as one line each.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from geo.errors import UsageError

__all__ = ["add_geocoding_options", "geoparser_config", "geoparse_article", "install_warning_printer"]


def add_geocoding_options(p, *, sidecar: bool = True) -> None:
    """The options of the places geo does not know (``sidecar``: the article's own corrections file)."""
    from geo.cli._common import add_model
    from geo.geocoders._services import SERVICES

    add_model(p)

    g = p.add_argument_group("places the embedded gazetteer does not know")
    g.add_argument("--geocoder", metavar="NAME", action="append", default=None,
                   help="ask this online geocoder for the names no local source resolves: "
                        f"{', '.join(SERVICES)} (repeat for several, asked in turn; default: GEO_GEOCODER, else none). "
                        "Keys come from environment variables such as GEO_OPENCAGE_API_KEY")
    g.add_argument("--geocoder-url", metavar="URL", default=None,
                   help="the geocoder's server, e.g. a self-hosted Nominatim or Photon (http://localhost:8080)")
    g.add_argument("--user-agent", metavar="TEXT", default=None,
                   help="User-Agent sent to online services; say who you are (default: GEO_USER_AGENT, else geo/VERSION)")
    g.add_argument("--geocoder-timeout", metavar="SECONDS", type=float, default=None,
                   help="seconds to wait for an answer (default: 10)")
    g.add_argument("--places", metavar="FILE", action="append", default=None,
                   help="your own places: CSV (name, lat, lon[, country, kind, aliases]) or GeoJSON; repeatable")
    g.add_argument("--corrections", metavar="FILE", action="append", default=None,
                   help="corrections (TOML: [[pin]], [[drop]], [[add]]) for every article; repeatable "
                        "(default: GEO_CORRECTIONS). ARTICLE.geo.toml beside the article applies too")
    if sidecar:
        g.add_argument("--no-sidecar", action="store_true",
                       help="ignore the ARTICLE.geo.toml corrections file beside the article")


def install_warning_printer(quiet: bool = False) -> None:
    """Print geo's warnings (sources that failed, damaged imports) as ``geo: warning: …`` lines."""
    from geo.geocoders.base import GeocoderWarning

    previous = warnings.showwarning
    if getattr(previous, "_geo", False):
        previous = previous._previous  # type: ignore[attr-defined]

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, GeocoderWarning):
            if not quiet:
                print(f"geo: warning: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
            return
        previous(message, category, filename, lineno, file, line)

    show._geo = True  # type: ignore[attr-defined]
    show._previous = previous  # type: ignore[attr-defined]
    warnings.showwarning = show
    warnings.simplefilter("always", GeocoderWarning)


def _geocoder_names(args) -> list[str]:
    raw = getattr(args, "geocoder", None) or ([os.environ["GEO_GEOCODER"]] if os.environ.get("GEO_GEOCODER") else [])
    names: list[str] = []
    for item in raw:
        for n in item.split(","):
            n = n.strip().lower()
            if n and n not in ("none", "off") and n not in names:
                names.append(n)
    return names


def geoparser_config(args, *, corrections: bool = True):
    """The :class:`geo.config.GeoparserConfig` of the command line (``corrections``: include the
    ``--corrections`` files, for the commands without a per-article sidecar)."""
    from geo.cli._common import model_name
    from geo.config import GeocoderSpec, GeoparserConfig

    install_warning_printer(getattr(args, "quiet", False))
    names = _geocoder_names(args)
    url = getattr(args, "geocoder_url", None)
    if url and len(names) != 1:
        raise UsageError("--geocoder-url needs exactly one --geocoder" if names else
                         "--geocoder-url needs --geocoder NAME (e.g. --geocoder nominatim)")
    specs = [GeocoderSpec(n, url=url, user_agent=getattr(args, "user_agent", None),
                          timeout=getattr(args, "geocoder_timeout", None)) for n in names]
    for spec in specs:
        spec.build(cache=False)  # an unknown service, a missing key or a bad URL is a usage error now, not in a worker
    return GeoparserConfig.of(model=model_name(args), places=getattr(args, "places", None) or None,
                              corrections=_global_files(args) if corrections else None, geocoders=specs)


def _global_files(args) -> list[str] | None:
    files = getattr(args, "corrections", None)
    if files is None and os.environ.get("GEO_CORRECTIONS"):
        files = [f for f in os.environ["GEO_CORRECTIONS"].split(os.pathsep) if f]
    return files or None


def _global_corrections(args):
    from geo.corrections import load_corrections

    return load_corrections(_global_files(args))


def geoparse_article(args, gp, article):
    """The article's frame with the global and sidecar corrections applied; changes listed on stderr."""
    from geo.frame import to_frame

    return to_frame(article_places(args, gp, article))


def article_places(args, gp, article) -> list:
    """The article's places (:class:`geo.types.Place`) with the global and sidecar corrections
    applied; changes listed on stderr."""
    from geo.corrections import load_corrections, sidecars

    corrections = _global_corrections(args)
    source = getattr(args, "article", None)
    from geo.inputs import is_url

    path = None if source in (None, "-") or is_url(source) else Path(source)
    corrections = corrections.for_article(str(path) if path else None)
    if path is not None and not getattr(args, "no_sidecar", False):
        corrections = corrections + load_corrections(sidecars(path) or None)
    changes: list = []
    places = gp.places(article.text, corrections=corrections, changes=changes)
    if not getattr(args, "quiet", False):
        for ch in changes:
            print(f"geo: {'warning: ' if ch.warning else ''}{ch}", file=sys.stderr)
    return places
