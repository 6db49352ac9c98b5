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
