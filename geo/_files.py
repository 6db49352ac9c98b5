"""What geo accepts as an input file: a regular file (or ``-``, standard input).

A FIFO, a character device or a socket given by name is refused at once with one line, rather than
opened: ``open()`` on a FIFO with no writer blocks forever, silently. To read from a pipe, give
``-`` and pipe into geo's standard input.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from geo.errors import InputError

__all__ = ["check_regular"]


def check_regular(path: str | os.PathLike, what: str = "file") -> Path:
    """``path`` if it names a regular file; otherwise an :class:`InputError` saying what it is."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{p}: no such {what}") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{p}: is a directory, not a {what}")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise InputError(f"{p}: is {kind}, not a regular file; to read a pipe, give - and pipe it into geo")
    return p
