"""What a :class:`~geo.pipeline.Geoparser` is made of, as plain picklable data.

Worker processes (``geo parse --workers``, ``geo batch --workers``) and Dask workers receive a
:class:`GeoparserConfig` and build their own Geoparser from it, so every process geoparses with
the same gazetteer, model, places, corrections and geocoders. The online geocoders' rate limit
holds across processes (a lock file per service in the cache directory).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from geo.geocoders.online import OnlineGeocoder
    from geo.pipeline import Geoparser

__all__ = ["GeocoderSpec", "GeoparserConfig"]


@dataclass(frozen=True)
class GeocoderSpec:
    """An online geocoder by name, with its options (:class:`geo.geocoders.OnlineGeocoder`)."""

    name: str
    url: str | None = None
    user_agent: str | None = None
    timeout: float | None = None

    def build(self, *, cache: bool = True) -> OnlineGeocoder:
        """The geocoder (a :class:`~geo.errors.UsageError` for an unknown service, a missing key…)."""
        from geo.geocoders.online import OnlineGeocoder

        if self.timeout is None:
            return OnlineGeocoder(self.name, url=self.url, user_agent=self.user_agent, cache=cache)
        return OnlineGeocoder(self.name, url=self.url, user_agent=self.user_agent, cache=cache, timeout=self.timeout)


def _paths(items: Iterable[str | Path] | str | Path | None) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, (str, Path)):
        return (str(items),)
    return tuple(str(p) for p in items)


@dataclass(frozen=True)
class GeoparserConfig:
    """The gazetteer file (None: the default one), the spaCy model (None: ``GEO_MODEL`` or the
    default), the user's places files, the corrections files for every text and the online
    geocoders asked for what nothing local resolves."""

    gazetteer: str | None = None
    model: str | None = None
    places: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    geocoders: tuple[GeocoderSpec, ...] = ()

    @classmethod
    def of(cls, *, gazetteer: str | Path | None = None, model: str | None = None,
           places: Iterable[str | Path] | str | Path | None = None,
           corrections: Iterable[str | Path] | str | Path | None = None,
           geocoders: Iterable[GeocoderSpec] = ()) -> GeoparserConfig:
        """A config from paths given as strings, Paths or lists of them."""
        return cls(str(gazetteer) if gazetteer else None, model or None, _paths(places), _paths(corrections),
                   tuple(geocoders))

    def build(self, *, progress: bool | None = False) -> Geoparser:
        """A Geoparser made from this config (``progress``: of a gazetteer build, if one is needed)."""
        from geo.pipeline import Geoparser

        return Geoparser(config=self, progress=progress)
