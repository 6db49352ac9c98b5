"""The online geocoders geo knows (names, geopy classes, keys, rate limits): plain data, so the
command line can list them without importing geopy or the client in :mod:`geo.geocoders.online`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Service", "SERVICES", "service_names"]


@dataclass(frozen=True)
class Service:
    """A geopy geocoder geo knows how to ask and how to read."""

    name: str
    geopy_class: str
    min_delay: float
    key_envs: tuple[str, ...] = ()
    key_arg: str | None = None
    needs_key: bool = False
    needs_url: bool = False
    about: str = ""

    @property
    def key_env(self) -> str | None:
        return self.key_envs[0] if self.key_envs else None


SERVICES: dict[str, Service] = {s.name: s for s in (
    Service("nominatim", "Nominatim", 1.0, about="OpenStreetMap Nominatim; no key; at most 1 request/s"),
    Service("photon", "Photon", 1.0, about="Komoot Photon (OpenStreetMap); no key"),
    Service("arcgis", "ArcGIS", 0.5, about="Esri ArcGIS World Geocoder; no key"),
    Service("geonames", "GeoNames", 1.0, ("GEO_GEONAMES_USERNAME", "GEONAMES_USERNAME"), "username", True,
            about="GeoNames web service; a free account name in GEO_GEONAMES_USERNAME"),
    Service("opencage", "OpenCage", 1.0, ("GEO_OPENCAGE_API_KEY", "OPENCAGE_API_KEY"), "api_key", True,
            about="OpenCage; key in GEO_OPENCAGE_API_KEY"),
    Service("mapbox", "MapBox", 0.1, ("GEO_MAPBOX_API_KEY", "MAPBOX_API_KEY"), "api_key", True,
            about="Mapbox; key in GEO_MAPBOX_API_KEY"),
    Service("google", "GoogleV3", 0.05, ("GEO_GOOGLE_API_KEY", "GOOGLE_API_KEY"), "api_key", True,
            about="Google Geocoding API; key in GEO_GOOGLE_API_KEY"),
    Service("here", "HereV7", 0.2, ("GEO_HERE_API_KEY", "HERE_API_KEY"), "apikey", True,
            about="HERE; key in GEO_HERE_API_KEY"),
    Service("tomtom", "TomTom", 0.2, ("GEO_TOMTOM_API_KEY", "TOMTOM_API_KEY"), "api_key", True,
            about="TomTom; key in GEO_TOMTOM_API_KEY"),
    Service("maptiler", "MapTiler", 0.2, ("GEO_MAPTILER_API_KEY", "MAPTILER_API_KEY"), "api_key", True,
            about="MapTiler; key in GEO_MAPTILER_API_KEY"),
    Service("geocodeearth", "GeocodeEarth", 0.2, ("GEO_GEOCODEEARTH_API_KEY", "GEOCODEEARTH_API_KEY"), "api_key", True,
            about="Geocode Earth (Pelias); key in GEO_GEOCODEEARTH_API_KEY"),
    Service("pelias", "Pelias", 0.2, ("GEO_PELIAS_API_KEY", "PELIAS_API_KEY"), "api_key", False, True,
            about="a Pelias server given with --geocoder-url; optional key in GEO_PELIAS_API_KEY"),
)}


def service_names() -> tuple[str, ...]:
    """The services ``--geocoder`` accepts (each is also the ``source`` of the coordinates it gives)."""
    return tuple(SERVICES)
