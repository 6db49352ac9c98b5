"""Progress bars on stderr, with one rule everywhere.

``progress`` is ``None`` (the default: a bar when stderr is a terminal), ``True`` (always, the
CLI's ``--progress``) or ``False`` (never: ``--no-progress``, ``-q``).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

__all__ = ["progress_bar", "wanted", "Step"]

Step = Callable[[int], object]


def wanted(progress: bool | None) -> bool:
    """Whether to draw a bar: as forced, else when stderr is a terminal."""
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)


def progress_bar(progress: bool | None, *, total: float | None = None, desc: str = "", **options: Any):
    """A tqdm bar on stderr, disabled unless :func:`wanted` says (``leave=False`` by default)."""
    from tqdm import tqdm

    options.setdefault("leave", False)
    return tqdm(total=total, desc=desc, file=sys.stderr, disable=not wanted(progress), **options)
