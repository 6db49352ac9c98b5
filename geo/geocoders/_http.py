"""Bounded HTTP for the online geocoders: a size limit on every answer and a deadline on every request.

geopy's urllib adapter reads a whole response body with one ``read()``: an endless stream grows
the process until the kernel kills it, and a slow 300 MB body takes as long as it takes despite the
timeout (which is per socket operation, not per request). :class:`BoundedAdapter` reads the body
in pieces, stops past ``max_bytes`` (an error: the answer is refused) and once ``timeout`` seconds
have passed since the request began (a time-out, retried like any other).
"""

from __future__ import annotations

import threading
import time

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut

__all__ = ["BoundedAdapter", "AnswerTooLarge", "AnswerTooSlow", "MAX_ANSWER_BYTES", "adapter_factory"]

#: the largest answer read from a geocoder (a real one is a few kB)
MAX_ANSWER_BYTES = 2 * 1024 * 1024
_PIECE = 64 * 1024


class AnswerTooLarge(GeocoderServiceError):
    """The body went past :data:`MAX_ANSWER_BYTES`."""


class AnswerTooSlow(GeocoderTimedOut):
    """The body did not end by the deadline (not retried: a retry would take as long again)."""


class BoundedAdapter(URLLibAdapter):
    """geopy's urllib adapter with a size limit and a total deadline per request."""

    def __init__(self, *, proxies, ssl_context, max_bytes: int = MAX_ANSWER_BYTES):
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.max_bytes = max_bytes
        self._local = threading.local()

    def get_text(self, url, *, timeout, headers):
        self._local.deadline = time.monotonic() + float(timeout)
        self._local.timeout = float(timeout)
        return super().get_text(url, timeout=timeout, headers=headers)

    def _decode_page(self, page):
        encoding = page.headers.get_content_charset() or "utf-8"
        deadline = getattr(self._local, "deadline", None)
        timeout = getattr(self._local, "timeout", 0.0)
        pieces, size = [], 0
        read = getattr(page, "read1", None) or page.read
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise AnswerTooSlow(f"the answer did not end within {timeout:g} s")
            _socket_timeout(page, left)
            try:
                piece = read(_PIECE)
            except TimeoutError:
                raise AnswerTooSlow(f"the answer did not end within {timeout:g} s") from None
            except OSError as exc:
                raise GeocoderServiceError(f"Unable to read the response ({exc})") from None
            if not piece:
                break
            size += len(piece)
            if size > self.max_bytes:
                raise AnswerTooLarge(f"the answer is larger than {self.max_bytes // 1024 // 1024} MB; refused")
            pieces.append(piece)
        try:
            return b"".join(pieces).decode(encoding)
        except (LookupError, ValueError):
            raise GeocoderParseError("Unable to decode the response bytes") from None


def _socket_timeout(page, left: float | None) -> None:
    """Let no single read wait past the deadline (best effort: urllib hides its socket)."""
    if left is None:
        return
    sock = getattr(getattr(getattr(page, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.05, left))
        except OSError:
            pass


def adapter_factory(*, proxies, ssl_context) -> BoundedAdapter:
    """What geopy's ``adapter_factory=`` takes."""
    return BoundedAdapter(proxies=proxies, ssl_context=ssl_context)
