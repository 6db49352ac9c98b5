"""geo's cache directory (the gazetteer, its imports, the geocoder cache and rate-limit files)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """``GEO_CACHE_DIR``, else the platform's user cache directory for geo (``~/.cache/geo`` on Linux)."""
    base = os.environ.get("GEO_CACHE_DIR")
    if base:
        return Path(base).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo", appauthor=False))
