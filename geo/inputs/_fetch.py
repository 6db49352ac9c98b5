"""Fetching a page: one HTTP GET with a User-Agent naming geo, bounded in time, size and redirects.

Sent: the request line, ``User-Agent``, ``Accept`` (HTML, XHTML, plain text), ``Accept-Encoding:
gzip, deflate`` and ``Accept-Language``; never a cookie (cookies the server sets are refused), never
a referrer. Accepted: ``text/html``, ``application/xhtml+xml`` and ``text/plain`` answers (status
200) of at most ``max_bytes`` once decompressed, read as a stream and abandoned at the limit. Every
failure is an :class:`~geo.errors.InputError` of one line naming the URL.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from geo.errors import InputError

if TYPE_CHECKING:
    import httpx

__all__ = ["Fetched", "Fetcher", "is_url", "default_fetch_user_agent", "ACCEPTED_TYPES"]

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0


def is_url(source) -> bool:
    """An ``http://`` or ``https://`` address (anything else is a file name)."""
    s = str(source)
    return s[:8].lower().startswith(("http://", "https://")) and bool(urlsplit(s).netloc)


def default_fetch_user_agent() -> str:
    from geo import __version__

    return (os.environ.get("GEO_FETCH_USER_AGENT") or os.environ.get("GEO_USER_AGENT")
            or f"geo/{__version__} (news article geoparser)")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page as fetched: its final URL (after redirects), its bytes and its Content-Type."""

    url: str
    final_url: str
    data: bytes
    content_type: str


def _reason(exc: Exception) -> str:
    import httpx

    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (a redirect loop? at most {MAX_REDIRECTS} are followed)"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "redirected to an address that is not http(s)"
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
                or "no address associated" in text or "temporary failure in name resolution" in text:
            return "host not found"
        if "refused" in text:
            return "connection refused"
        return f"cannot connect ({exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class Fetcher:
    """Fetches pages for one run: each URL once (the answer is kept), at most one request per host per
    ``host_delay`` seconds (politeness for lists of URLs)."""

    def __init__(self, *, user_agent: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int | None = None, host_delay: float = 0.0):
        from geo.inputs import MAX_INPUT_BYTES

        self.user_agent = user_agent or default_fetch_user_agent()
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes or MAX_INPUT_BYTES)
        self.host_delay = float(host_delay)
        self._done: dict[str, Fetched | InputError] = {}
        self._last: dict[str, float] = {}
        self._client: httpx.Client | None = None

    def _http(self):
        import httpx

        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=self.timeout,
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
                         "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
                         "Accept-Language": "en;q=1.0, *;q=0.5"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(self, url: str) -> Fetched:
        """The page at ``url`` (fetched once per Fetcher), or InputError."""
        if url not in self._done:
            try:
                self._done[url] = self._get(url)
            except InputError as exc:
                self._done[url] = exc
        done = self._done[url]
        if isinstance(done, InputError):
            raise done
        return done

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None and self.host_delay > 0:
            pause = last + self.host_delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _get(self, url: str) -> Fetched:
        import httpx

        if not is_url(url):
            raise InputError(f"{url}: not an http(s) URL")
        client = self._http()
        self._wait_for(urlsplit(url).netloc.lower())
        deadline = time.monotonic() + self.timeout
        try:
            with client.stream("GET", url) as resp:
                _check_answer(url, resp, self.max_bytes)
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InputError(f"{url}: too large (over {self.max_bytes // (1024 * 1024)} MB)")
                    if time.monotonic() > deadline:
                        raise InputError(f"{url}: cannot fetch: timed out (after {self.timeout:g} s)")
                    chunks.append(chunk)
                return Fetched(url=url, final_url=str(resp.url), data=b"".join(chunks),
                               content_type=resp.headers.get("content-type", ""))
        except httpx.DecodingError as exc:
            raise InputError(f"{url}: cannot fetch: the compressed answer is damaged ({exc})") from None
        except httpx.HTTPError as exc:
            raise InputError(f"{url}: cannot fetch: {_reason(exc)}") from None
        except OSError as exc:
            raise InputError(f"{url}: cannot fetch: {exc.strerror or exc}") from None


def _check_answer(url: str, resp, max_bytes: int) -> None:
    from http.client import responses

    if resp.status_code != 200:
        reason = resp.reason_phrase or responses.get(resp.status_code, "")
        raise InputError(f"{url}: cannot fetch: HTTP {resp.status_code} {reason}".rstrip())
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ACCEPTED_TYPES:
        raise InputError(f"{url}: not a web page (Content-Type {ctype or 'missing'}; "
                         f"geo reads {', '.join(ACCEPTED_TYPES)})")
    length = resp.headers.get("content-length", "")
    if length.isdigit() and "content-encoding" not in resp.headers and int(length) > max_bytes:
        raise InputError(f"{url}: too large ({int(length):,} bytes; the limit is {max_bytes:,})")
