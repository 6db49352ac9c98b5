"""The geocoder interface (in the spirit of geopy's ``Geocoder``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence

from geo.gazetteer import Gazetteer
from geo.types import Candidate

__all__ = ["Geocoder", "GazetteerGeocoder", "GeocoderWarning"]


class GeocoderWarning(UserWarning):
    """A source of coordinates failed and geo carried on without it (the names stay unresolved).

    The message is one complete line; the CLI prints it as ``geo: warning: <message>``.
    """


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

    def close(self) -> None:
        """Release files, connections or sessions held by the geocoder."""


class GazetteerGeocoder(Geocoder):
    """The embedded gazetteer as a geocoder (offline, the default)."""

    name = "gazetteer"

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def candidates(self, query: str, *, countries: Sequence[str] = ()) -> list[Candidate]:
        return [m.candidate for m in self.gazetteer.lookup(query)]
