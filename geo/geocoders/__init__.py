"""Geocoders: one small interface for every source of coordinates.

The embedded gazetteer is the default; online services (through geopy) and GeoNames dumps plug
into the same seam. A geocoder answers a name with :class:`~geo.types.Candidate` entries; the
resolver ranks them with what the article says.
"""

from geo.geocoders.base import GazetteerGeocoder, Geocoder, GeocoderWarning
from geo.geocoders.online import SERVICES, OnlineGeocoder

__all__ = ["Geocoder", "GazetteerGeocoder", "GeocoderWarning", "OnlineGeocoder", "SERVICES"]
