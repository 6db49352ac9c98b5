"""The warning every source of places gives when it fails and geo carries on without it."""

from __future__ import annotations

__all__ = ["GeocoderWarning"]


class GeocoderWarning(UserWarning):
    """A source of coordinates failed and geo carried on without it (the names stay unresolved).

    The message is one complete line; the CLI prints it as ``geo: warning: <message>``.
    """
