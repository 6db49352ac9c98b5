"""Geocoders: one small interface for every source of coordinates.

The embedded gazetteer is the default; online services (through geopy) and GeoNames dumps plug
into the same seam. A geocoder answers a name with :class:`~geo.types.Candidate` entries; the
resolver ranks them with what the article says. The online client (:mod:`geo.geocoders.online`,
with http.client and the answer cache) is imported on first use of ``OnlineGeocoder``; the list
of services is :mod:`geo.geocoders._services`.
"""

from geo.geocoders._services import SERVICES
from geo.geocoders.base import GazetteerGeocoder, Geocoder, GeocoderWarning

__all__ = ["Geocoder", "GazetteerGeocoder", "GeocoderWarning", "OnlineGeocoder", "SERVICES"]


def __getattr__(name: str):
    if name == "OnlineGeocoder":
        from geo.geocoders.online import OnlineGeocoder

        return OnlineGeocoder
    raise AttributeError(f"module 'geo.geocoders' has no attribute {name!r}")
