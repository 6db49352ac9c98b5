"""Online geocoders (through geopy) as a fallback for names the local sources cannot place.

An :class:`OnlineGeocoder` wraps one geopy geocoder and adds what a polite, repeatable client
needs:

* a real ``User-Agent`` (``user_agent=`` or ``GEO_USER_AGENT``);
* a request rate limit per service (Nominatim: at most one request per second, enforced with
  geopy's :class:`~geopy.extra.rate_limiter.RateLimiter` in the process and a lock file across
  processes, so a loop of ``geo`` runs is as polite as one run);
* timeouts, and retries with exponential back-off on 429, 5xx, time-outs and refused
  connections, honouring ``Retry-After``;
* an SQLite cache of every answer, found or not (:mod:`geo.geocoders.cache`);
* a short pause after a service failed, so a batch does not hammer a service that is down.

Failures raise :class:`geo.errors.GeocoderError` subclasses with one-line messages; the resolver
turns them into a :class:`~geo.geocoders.base.GeocoderWarning` and leaves the names unresolved.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import threading
import time
from http.client import responses as _HTTP_REASONS
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.error import URLError

from geo import __version__
from geo._text import normalize
from geo.errors import (
    GeocoderError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    UsageError,
)
from geo.geocoders._answers import SERVER_SIDE_FILTER, query_kwargs, read_answer
from geo.geocoders._services import SERVICES, Service, service_names  # noqa: F401  (re-exported)
from geo.geocoders._setup import _connect, _geopy_kwargs, _open_cache
from geo.geocoders.base import Geocoder
from geo.geocoders.cache import AnswerCache, cache_dir
from geo.types import Candidate

__all__ = ["OnlineGeocoder", "Service", "SERVICES", "DEFAULT_USER_AGENT", "service_names"]

#: sent when neither ``user_agent=`` nor ``GEO_USER_AGENT`` says who is asking
DEFAULT_USER_AGENT = f"geo/{__version__} (news geoparser; python-geopy)"


# -- politeness across processes --------------------------------------------------------------
class _Gate:
    """At most one request per ``min_delay`` seconds to one endpoint, across processes (a lock file).

    The lock is held while the request is made and the time written is when it ended, so the next
    request (from any process) starts ``min_delay`` after the last one finished: a process paused
    between its turn and its request cannot bring two requests closer than the service allows.
    """

    def __init__(self, path: Path, min_delay: float):
        self.path = path
        self.min_delay = min_delay

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this endpoint's turn, hold it for the request made inside, then hand it on."""
        if self.min_delay <= 0:
            yield
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = open(self.path, "a+")
        except OSError:
            yield  # the in-process RateLimiter still holds
            return
        with f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            try:
                last = float(f.read().strip() or 0)
            except ValueError:
                last = 0.0
            now = time.time()
            if last > now + 60:  # the clock went back: do not wait for ever
                last = 0.0
            wait = last + self.min_delay - now
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                f.seek(0)
                f.truncate()
                f.write(f"{time.time():.6f}\n")
                f.flush()


# -- the geocoder -------------------------------------------------------------------------------
class OnlineGeocoder(Geocoder):
    """One online geocoding service (through geopy) as a source of candidates.

    >>> nominatim = OnlineGeocoder("nominatim", user_agent="my-newsroom-maps/1.0 (desk@example.org)")  # doctest: +SKIP
    >>> nominatim.candidates("Baghuz", countries=["SY"])  # doctest: +SKIP

    ``url`` points the service at another server (``http://localhost:8080`` for a self-hosted
    Nominatim or Photon); ``cache`` is an :class:`AnswerCache`, a path, ``True`` (the default
    file) or ``False`` (no cache).
    """

    def __init__(self, service: str, *, url: str | None = None, user_agent: str | None = None,
                 timeout: float = 10.0, api_key: str | None = None, cache: AnswerCache | str | Path | bool = True,
                 min_delay: float | None = None, max_retries: int = 2, backoff: float = 1.0,
                 max_wait: float = 120.0, cooldown: float = 60.0, limit: int = 5, sleep: Callable[[float], None] = time.sleep):
        spec = SERVICES.get(service)
        if spec is None:
            raise UsageError(f"unknown geocoder {service!r}; choose one of: {', '.join(SERVICES)}")
        if timeout <= 0:
            raise UsageError(f"the geocoder timeout must be positive, not {timeout:g}")
        self.service = spec
        self.name = spec.name
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self.max_wait = max_wait
        self.cooldown = cooldown
        self.limit = limit
        self.user_agent = user_agent or os.environ.get("GEO_USER_AGENT") or DEFAULT_USER_AGENT
        self._sleep = sleep
        self.requests_made = 0
        self._lock = threading.Lock()
        self._down: tuple[float, GeocoderError] | None = None

        link = _connect(spec, _geopy_kwargs(spec, self.user_agent, self.timeout, api_key), url)
        self._geopy = link.geopy
        self.endpoint = link.endpoint
        delay = spec.min_delay if min_delay is None else float(min_delay)
        self.min_delay = delay
        from geopy.extra.rate_limiter import RateLimiter

        # geopy's RateLimiter spaces the calls of this process; the gate spaces those of every process.
        self._limited = RateLimiter(self._request, min_delay_seconds=delay, max_retries=0, swallow_exceptions=False)
        tag = hashlib.sha1(self.endpoint.encode()).hexdigest()[:12]
        self._gate = _Gate(cache_dir() / "geocoder-rate" / f"{spec.name}-{tag}", delay + (0.05 if delay >= 1 else 0.0))
        self.cache: AnswerCache | None = _open_cache(cache)

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.name!r}, url={self.endpoint!r})"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.endpoint})"

    # -- the interface ----------------------------------------------------------------------------
    def candidates(self, query: str, *, countries: Sequence[str] = ()) -> list[Candidate]:
        query = " ".join(str(query).split())
        norm = normalize(query)
        if not norm:
            return []
        hint = tuple(dict.fromkeys(c.upper() for c in countries if c))
        params = {k: v for k, v in query_kwargs(self.name, hint, self.limit).items() if k != "exactly_one"}
        key = AnswerCache.key(self.name, self.endpoint, params, norm)
        answer = self.cache.get(key) if self.cache else None
        if answer is None:
            answer = self._ask(query, hint)
            if self.cache:
                self.cache.put(key, service=self.name, endpoint=self.endpoint, params=params, query=norm, answer=answer)
        out = []
        for rec in answer:
            try:
                out.append(Candidate(geonameid=rec.get("geonameid"), name=rec["name"], kind=rec["kind"],
                                     lat=float(rec["lat"]), lon=float(rec["lon"]), country_code=rec.get("country_code"),
                                     population=int(rec.get("population") or 0), source=self.name, raw=rec.get("raw")))
            except (KeyError, TypeError, ValueError):
                continue
        if hint and self.name not in SERVER_SIDE_FILTER:
            out.sort(key=lambda c: c.country_code not in hint)
        return out

    def close(self) -> None:
        if self.cache:
            self.cache.close()

    # -- asking ---------------------------------------------------------------------------------
    def _request(self, query: str, kwargs: dict):
        with self._gate.turn():
            with self._lock:
                self.requests_made += 1
            return self._geopy.geocode(query, **kwargs)

    def _ask(self, query: str, hint: Sequence[str]) -> list[dict]:
        """The service's answer as plain records; raises a GeocoderError once retries are spent."""
        down = self._down
        if down is not None:
            until, was = down
            left = until - time.monotonic()
            if left > 0:
                raise type(was)(f"{was} (not asked again for {left:.0f} s)",
                                *( [was.retry_after] if isinstance(was, GeocoderRateLimited) else []))
            self._down = None
        kwargs = query_kwargs(self.name, hint, self.limit)
        attempt = 0
        while True:
            attempt += 1
            try:
                locations = self._limited(query, kwargs)
                break
            except Exception as exc:  # geopy's errors, classified below; anything else is a bug
                err, retry, wait = self._classify(exc, attempt)
                if err is None:
                    raise
                if not retry or attempt > self.max_retries or (wait is not None and wait > self.max_wait):
                    if attempt > 1:
                        err = type(err)(f"{err} (after {attempt} attempts)",
                                        *([err.retry_after] if isinstance(err, GeocoderRateLimited) else []))
                    pause = self.cooldown
                    if isinstance(err, GeocoderRateLimited) and err.retry_after:
                        pause = max(pause, err.retry_after)
                    if retry or isinstance(exc, _bounded()):  # a service this slow is not asked again soon
                        self._down = (time.monotonic() + pause, err)
                    raise err from exc
                self._sleep(wait if wait is not None else self.backoff * 2 ** (attempt - 1))
        return read_answer(self.name, locations)

    def _classify(self, exc: Exception, attempt: int) -> tuple[GeocoderError | None, bool, float | None]:
        """(geo error, worth retrying, seconds to wait or None for the back-off)."""
        import geopy.exc as gx

        from geo.geocoders._http import AnswerTooLarge, AnswerTooSlow

        label = self.label
        if isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, gx.GeopyError):
            # geopy builds its Points while parsing: "lat": "abc", 999 or NaN end up here
            why = " ".join(str(exc).split())[:120]
            return GeocoderServiceError(f"{label} answered with coordinates that are not valid ({why})"), False, None
        if not isinstance(exc, gx.GeopyError):
            return None, False, None
        if isinstance(exc, AnswerTooLarge):
            return GeocoderServiceError(f"{label} answered too much: {exc}"), False, None
        if isinstance(exc, AnswerTooSlow):
            return GeocoderTimedOut(f"{label} did not finish its answer within {self.timeout:g} s"), False, None
        status, headers = _http_status(exc)
        if status is not None:
            phrase = _HTTP_REASONS.get(status, "")
            what = f"HTTP {status} {phrase}".strip()
            retry_after = _retry_after(headers)
            if status == 429:
                ra = f" (Retry-After: {retry_after:g} s)" if retry_after is not None else ""
                return GeocoderRateLimited(f"{label} refused the requests: {what}{ra}", retry_after), True, retry_after
            if status >= 500:
                return GeocoderUnavailable(f"{label} failed: {what}"), True, retry_after
            hint = " (check the API key)" if status in (401, 402, 403) else ""
            return GeocoderServiceError(f"{label} rejected the request: {what}{hint}"), False, None
        if isinstance(exc, gx.GeocoderTimedOut):
            return GeocoderTimedOut(f"{label} did not answer within {self.timeout:g} s"), True, None
        reason = _network_reason(exc)
        if reason is not None:
            return GeocoderUnavailable(f"{label} cannot be reached ({reason})"), True, None
        if isinstance(exc, gx.GeocoderParseError):
            return GeocoderServiceError(f"{label} answered with something that is not its JSON API"), False, None
        if isinstance(exc, gx.GeocoderUnavailable):
            return GeocoderUnavailable(f"{label} cannot be reached"), True, None
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        return GeocoderServiceError(f"{label} failed: {message}"), isinstance(exc, gx.GeocoderServiceError), None


def _bounded() -> tuple[type, ...]:
    from geo.geocoders._http import AnswerTooLarge, AnswerTooSlow

    return AnswerTooLarge, AnswerTooSlow


def _http_status(exc: BaseException) -> tuple[int | None, dict]:
    from geopy.adapters import AdapterHTTPError

    seen = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, AdapterHTTPError):
            return e.status_code, dict(e.headers or {})
        e = e.__cause__ or e.__context__
    return None, {}


def _retry_after(headers: dict) -> float | None:
    from geopy.adapters import get_retry_after

    try:
        value = get_retry_after({k.lower(): v for k, v in headers.items()})
    except Exception:  # noqa: BLE001 - a malformed header is no reason to fail
        return None
    return None if value is None else max(0.0, float(value))


def _network_reason(exc: BaseException) -> str | None:
    """'connection refused', 'host not found', … when a network error lies under ``exc``."""
    seen = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, URLError) and isinstance(e.reason, BaseException):
            e = e.reason
            continue
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, socket.gaierror):
            return "host not found"
        if isinstance(e, (ConnectionResetError, ConnectionAbortedError)):
            return "connection reset"
        if isinstance(e, OSError) and not isinstance(e, TimeoutError) and e.errno is not None:
            return (e.strerror or str(e)).lower()
        e = e.__cause__ or e.__context__
    return None
