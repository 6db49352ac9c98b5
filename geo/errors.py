"""Exception tree.

Every error geo raises on purpose derives from :class:`GeoError`; the CLI turns any
``GeoError`` into one line on stderr and exit code 1 (``UsageError``: exit code 2).
"""

from __future__ import annotations

__all__ = [
    "GeoError",
    "UsageError",
    "InputError",
    "GazetteerError",
    "GeocoderError",
    "GeocoderServiceError",
    "GeocoderUnavailable",
    "GeocoderRateLimited",
    "GeocoderTimedOut",
]


class GeoError(Exception):
    """Base class of geo's errors. ``str(err)`` is a complete one-line message."""

    exit_code = 1


class UsageError(GeoError):
    """The command line or an argument is wrong."""

    exit_code = 2


class InputError(GeoError):
    """An article (file, stdin or text) cannot be read as text."""


class GazetteerError(GeoError):
    """The embedded gazetteer cannot be built, opened or read."""


class GeocoderError(GeoError):
    """Base class of errors raised by a geocoder."""


class GeocoderServiceError(GeocoderError):
    """The service answered with an error."""


class GeocoderUnavailable(GeocoderServiceError):
    """The service cannot be reached or answered 5xx."""


class GeocoderRateLimited(GeocoderServiceError):
    """The service answered 429 Too Many Requests."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class GeocoderTimedOut(GeocoderServiceError):
    """The service did not answer in time."""


_ERRNO_HINTS = {"ENOSPC": "the disk is full", "EDQUOT": "over the disk quota"}


def os_error_message(exc: OSError) -> str:
    """One line for an ``OSError`` that reached the top: the file, what went wrong, a hint."""
    import errno as errno_mod

    what = exc.strerror or str(exc) or type(exc).__name__
    name = errno_mod.errorcode.get(exc.errno or 0, "")
    hint = _ERRNO_HINTS.get(name)
    where = f"{exc.filename}: " if exc.filename not in (None, "") else ""
    return f"{where}{what}" + (f" ({hint})" if hint and hint not in what.lower() else "")


def foreign_error_message(exc: BaseException) -> str | None:
    """One line for the errors of libraries and of the interpreter that bad input or a bad machine cause."""
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError):
        return (f"a database file is damaged or unreadable ({exc}); rebuild the gazetteer with "
                "'geo gazetteer build --force' or remove the file named in GEO_GAZETTEER/GEO_CACHE_DIR")
    if isinstance(exc, RecursionError):
        return "an input is nested too deeply to be read"
    if isinstance(exc, UnicodeEncodeError):
        bad = exc.object[exc.start:exc.end].encode("utf-8", "backslashreplace").decode("ascii", "replace")
        return f"text that is not valid Unicode ({bad!s}) cannot be written"
    module = type(exc).__module__ or ""
    if module.startswith(("pyogrio", "fiona")):
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"GDAL: {first}"
    return None
