"""Progress bars on stderr, with one rule everywhere.

``progress`` is ``None`` (the default: a bar when stderr is a terminal), ``True`` (always, the
CLI's ``--progress``) or ``False`` (never: ``--no-progress``, ``-q``). A long wait that draws no
bar by default may say so in one line instead (``note``).
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


def progress_bar(progress: bool | None, *, total: float | None = None, desc: str = "", note: str = "",
                 **options: Any):
    """A tqdm bar on stderr, disabled unless :func:`wanted` says (``leave=False`` by default).

    ``note``: one line written on stderr instead of the bar when the bar is not drawn by default
    (``progress`` None and stderr not a terminal: a log, a pipe); nothing when ``progress`` is False.
    """
    from tqdm import tqdm

    draw = wanted(progress)
    if note and progress is None and not draw:
        print(note, file=sys.stderr, flush=True)
    options.setdefault("leave", False)
    return tqdm(total=total, desc=desc, file=sys.stderr, disable=not draw, **options)
