"""Great-circle distance: the one haversine of geo (resolution, the gazetteer build, evaluation)."""

from __future__ import annotations

import math

__all__ = ["haversine_km", "EARTH_RADIUS_KM"]

#: the mean radius the resolver and the gazetteer build use (evaluation passes the IUGG value)
EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float, radius: float = EARTH_RADIUS_KM) -> float:
    """Distance in km between two points given in degrees, on a sphere of ``radius`` km."""
    p = math.pi / 180.0
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))
