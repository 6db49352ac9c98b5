"""Great-circle distance: the one haversine of geo (resolution, the gazetteer build, evaluation)."""

from __future__ import annotations

import math

__all__ = ["haversine_km", "haversine_cos_km", "cos_lat", "EARTH_RADIUS_KM", "KM_PER_DEGREE_AT_LEAST"]

#: the mean radius the resolver and the gazetteer build use (evaluation passes the IUGG value)
EARTH_RADIUS_KM = 6371.0
#: under the length of a degree of latitude (111.19 km on that sphere): two points ``d`` degrees
#: of latitude apart lie more than ``d * KM_PER_DEGREE_AT_LEAST`` km apart, by a margin far wider
#: than the rounding of :func:`haversine_km`, so a scan may skip them without a distance
KM_PER_DEGREE_AT_LEAST = 111.19
_P = math.pi / 180.0


def cos_lat(lat: float) -> float:
    """The cosine of a latitude in degrees, as :func:`haversine_cos_km` takes it."""
    return math.cos(lat * _P)


def haversine_cos_km(lat1: float, lon1: float, cos1: float, lat2: float, lon2: float, cos2: float,
                     radius: float = EARTH_RADIUS_KM) -> float:
    """:func:`haversine_km` with the cosines of the two latitudes given (:func:`cos_lat`), for a
    point measured against many: the same figure to the last bit."""
    a = (math.sin((lat2 - lat1) * _P / 2) ** 2
         + cos1 * cos2 * math.sin((lon2 - lon1) * _P / 2) ** 2)
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float, radius: float = EARTH_RADIUS_KM) -> float:
    """Distance in km between two points given in degrees, on a sphere of ``radius`` km."""
    return haversine_cos_km(lat1, lon1, math.cos(lat1 * _P), lat2, lon2, math.cos(lat2 * _P), radius)
