"""The geocoder interface (in the spirit of geopy's ``Geocoder``).

A geocoder answers a free-text query; the local sources (gazetteer, imports, the user's places,
pins) answer a normalised name as :class:`geo.types.CandidateSource`. Online geocoders are the
fallback source of :mod:`geo.candidates`, asked for the names no local source resolves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol, Sequence

from geo._warnings import GeocoderWarning
from geo.types import Candidate, Match

__all__ = ["Geocoder", "GazetteerGeocoder", "GeocoderWarning"]


class Geocoder(ABC):
    """Answers a place name with candidate entries.

    ``countries`` lists ISO alpha-2 codes of the countries the article is about, most
    important first; a geocoder may use them as a hint (e.g. Nominatim's ``countrycodes``).
    Implementations raise :class:`geo.errors.GeocoderError` subclasses on failure.
    """

    #: short name recorded as the ``source`` of the coordinates it gives
    name: str = "geocoder"

    @abstractmethod
    def candidates(self, query: str, *, countries: Sequence[str] = ()) -> list[Candidate]:
        """Entries that ``query`` may name, best first (may be empty)."""

    def close(self) -> None:  # noqa: B027 - optional: most geocoders hold nothing
        """Release files, connections or sessions held by the geocoder."""


class _NameLookup(Protocol):
    def lookup(self, name: str) -> tuple[Match, ...]: ...


class GazetteerGeocoder(Geocoder):
    """The embedded gazetteer (or any source answering names) as a geocoder (offline)."""

    name = "gazetteer"

    def __init__(self, gazetteer: _NameLookup):
        self.gazetteer = gazetteer

    def candidates(self, query: str, *, countries: Sequence[str] = ()) -> list[Candidate]:
        return [m.candidate for m in self.gazetteer.lookup(query)]
