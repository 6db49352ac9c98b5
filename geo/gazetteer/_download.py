"""Downloading GeoNames dumps (``geo gazetteer download``) and importing paths or URLs in turn."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlsplit

from geo._geonames import DEFAULT_BASE_URL, DUMP_NAMES
from geo.errors import GazetteerError, UsageError
from geo.gazetteer._import import ImportResult, import_file, progress_steps

__all__ = ["DEFAULT_BASE_URL", "DUMP_NAMES", "base_url", "dump_url", "download", "import_sources"]


def base_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("GEO_GEONAMES_URL") or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def dump_url(token: str, base: str | None = None) -> str:
    """The URL of a country file (``SY`` -> ``.../SY.zip``) or of a named dump (``cities500``)."""
    t = token.strip()
    if t.lower().endswith(".zip"):
        t = t[:-4]
    if re.fullmatch(r"[A-Za-z]{2}", t):
        t = t.upper()
    elif t not in DUMP_NAMES:
        raise UsageError(f"{token!r} is not a country code (SY, IQ, …) nor a GeoNames dump "
                         f"({', '.join(DUMP_NAMES)})")
    return base_url(base) + f"{t}.zip"


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def download(url: str, directory: str | Path, *, progress: bool | None = None, timeout: float = 60.0,
             user_agent: str | None = None) -> Path:
    """Fetch ``url`` into a temporary file in ``directory`` (the caller removes it)."""
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    from geo import __version__

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fname = Path(urlsplit(url).path).name or "download"
    tmp = directory / f".{fname}.{os.getpid()}.download.tmp"
    ua = user_agent or os.environ.get("GEO_USER_AGENT") or f"geo/{__version__} (news geoparser)"
    try:
        resp = urlopen(Request(url, headers={"User-Agent": ua}), timeout=timeout)
    except HTTPError as exc:
        raise GazetteerError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except URLError as exc:
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise GazetteerError(f"cannot download {url}: {reason}") from None
    except (TimeoutError, OSError) as exc:
        raise GazetteerError(f"cannot download {url}: {exc}") from None
    total = int(resp.headers.get("Content-Length") or 0)
    step, close = progress_steps(total, f"downloading {fname}", progress)
    got = 0
    try:
        with resp, open(tmp, "wb") as f:
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                f.write(chunk)
                got += len(chunk)
                step(len(chunk))
        if total and got != total:
            raise GazetteerError(f"download of {url} was cut short ({got:,} of {total:,} bytes)")
    except (TimeoutError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerError(f"download of {url} failed: {exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        close()
    return tmp


def import_sources(sources: Sequence[str], directory: str | Path, *, feature_classes: str | None = None,
                   progress: bool | None = None, on_result: Callable[[ImportResult], None] | None = None) -> list[ImportResult]:
    """Import each path or URL in turn (URLs are downloaded to a temporary file first)."""
    directory = Path(directory)
    results = []
    for s in sources:
        if _is_url(s):
            name = Path(urlsplit(s).path).name
            tmp = download(s, directory, progress=progress)
            try:
                r = import_file(tmp, directory, label=s, name=name.rsplit(".", 1)[0] or None,
                                feature_classes=feature_classes, progress=progress)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            r = import_file(Path(s).expanduser(), directory, label=s, feature_classes=feature_classes,
                            progress=progress)
        results.append(r)
        if on_result:
            on_result(r)
    return results

