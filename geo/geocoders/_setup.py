"""Setting up the geopy geocoder behind an :class:`~geo.geocoders.online.OnlineGeocoder`.

Its arguments (who asks, the timeout, the key), the server ``--geocoder-url`` names, the endpoint
it asks, and the answer cache; every wrong option is a :class:`geo.errors.UsageError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from geo.errors import UsageError
from geo.geocoders.cache import AnswerCache

if TYPE_CHECKING:
    from geo.geocoders.online import Service

@dataclass(frozen=True)
class _Server:
    """The server ``--geocoder-url`` names: geopy's ``scheme`` and ``domain`` (host and path)."""

    scheme: str
    domain: str


@dataclass(frozen=True)
class _Link:
    """A geopy geocoder set up, and the endpoint it asks (the key of its cache and of its gate)."""

    geopy: Any
    endpoint: str


def _geopy_kwargs(spec: Service, user_agent: str, timeout: float, api_key: str | None) -> dict[str, Any]:
    """geopy's arguments for ``spec``: who asks, the timeout and the key (a needed key missing: UsageError)."""
    kwargs: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout}
    key = api_key or next((os.environ[e] for e in spec.key_envs if os.environ.get(e)), None)
    if spec.key_arg and key:
        kwargs[spec.key_arg] = key
    elif spec.needs_key:
        raise UsageError(f"the {spec.name} geocoder needs "
                         f"{'an account name' if spec.key_arg == 'username' else 'an API key'}: "
                         f"set {spec.key_env}")
    return kwargs


def _server(spec: Service, url: str | None) -> _Server | None:
    """The server ``url`` names (None: the service's own), checked."""
    if url:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--geocoder-url must be an http(s) URL, not {url!r}")
        return _Server(parts.scheme, (parts.netloc + parts.path).rstrip("/"))
    if spec.needs_url:
        raise UsageError(f"the {spec.name} geocoder needs the server's address: give --geocoder-url URL")
    return None


def _connect(spec: Service, kwargs: dict[str, Any], url: str | None) -> _Link:
    """geopy's geocoder for ``spec`` at ``url`` (or the service's own server)."""
    server = _server(spec, url)
    import geopy.geocoders

    from geo.geocoders._http import adapter_factory

    cls = getattr(geopy.geocoders, spec.geopy_class)
    endpoint = None
    if server is not None:
        path = getattr(cls, "geocode_path", "")
        domain = server.domain
        if path and domain.endswith(path):  # the URL of the endpoint itself ("…/search")
            domain = domain[: -len(path)]
        kwargs = {**kwargs, "scheme": server.scheme, "domain": domain}
        endpoint = f"{server.scheme}://{domain}"
    # one call, one request (no hidden retries below ours), a bounded body and a total deadline
    kwargs = {**kwargs, "adapter_factory": adapter_factory}
    try:
        geocoder = cls(**kwargs)
    except Exception as exc:  # geopy's ConfigurationError and friends
        raise UsageError(f"cannot set up the {spec.name} geocoder: {exc}") from exc
    if endpoint is None:
        host = getattr(geocoder, "domain", None)
        endpoint = f"{getattr(geocoder, 'scheme', 'https')}://{host}" if host else spec.name
    return _Link(geocoder, endpoint)


def _open_cache(cache: AnswerCache | str | Path | bool | None) -> AnswerCache | None:
    """The answer cache ``cache`` asks for: the default file (True), none (False), or this one."""
    if cache is True:
        return AnswerCache()
    if cache is False or cache is None:
        return None
    if isinstance(cache, AnswerCache):
        return cache
    return AnswerCache(cache)
