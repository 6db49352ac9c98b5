"""Reading the ARTICLE of ``geo map`` / ``geo places`` (a file, ``-`` or a URL), and the options of fetching."""

from __future__ import annotations

import sys
import warnings

__all__ = ["add_fetch_options", "make_fetcher", "read_input"]


def add_fetch_options(p, *, batch: bool = False) -> None:
    g = p.add_argument_group("articles given as http(s) URLs")
    g.add_argument("--fetch-user-agent", metavar="TEXT", default=None,
                   help="User-Agent sent when fetching a page (default: GEO_FETCH_USER_AGENT, else --user-agent / "
                        "GEO_USER_AGENT, else geo/VERSION)")
    g.add_argument("--fetch-timeout", metavar="SECONDS", type=float, default=None,
                   help="seconds a page may take to arrive, in all (default: 20)")
    if batch:
        g.add_argument("--fetch-delay", metavar="SECONDS", type=float, default=1.0,
                       help="at least this long between two requests to the same host (default: 1)")


def make_fetcher(args):
    """The run's :class:`geo.inputs.Fetcher` (one per run: each URL is fetched once)."""
    from geo.errors import UsageError
    from geo.inputs import Fetcher

    timeout = getattr(args, "fetch_timeout", None)
    delay = getattr(args, "fetch_delay", 0.0) or 0.0
    if timeout is not None and not timeout > 0:
        raise UsageError("--fetch-timeout must be more than 0 seconds")
    if delay < 0:
        raise UsageError("--fetch-delay cannot be negative")
    ua = getattr(args, "fetch_user_agent", None) or getattr(args, "user_agent", None)
    return Fetcher(user_agent=ua, host_delay=delay, **({"timeout": timeout} if timeout else {}))


def read_input(args, source):
    """The article of ``source``; bytes that could not be decoded are one warning line each."""
    from geo.inputs import DecodeWarning, read_article

    fetcher = make_fetcher(args)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DecodeWarning)
            article = read_article(source, fetcher=fetcher)
    finally:
        fetcher.close()
    for w in caught:
        if issubclass(w.category, DecodeWarning):
            if not getattr(args, "quiet", False):
                print(f"geo: warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return article
