"""Calibrated confidence: the resolver's raw score of a place -> the chance that it is right.

The resolver's raw confidence is the softmax share of its chosen reading. That number is not a
probability: a town whose raw score is 0.6 is right far less often than a country scoring 0.6.
``geo/_data/calibration.tsv`` (written by ``benchmarks/calibrate.py`` from annotated news corpora)
holds, per class of place (country or continent; division; local place by population) and raw
score step, the share of such places that lay within 161 km of the truth, made monotone in the
raw score. :func:`calibrated` reads it once (lazily) and looks a place up. Within a class the
order by confidence never changes, and no choice depends on it.

``GEO_CALIBRATION=off`` keeps the raw scores (the calibration script fits on those).
"""

from __future__ import annotations

import bisect
import os
from functools import lru_cache
from importlib import resources

from geo.types import FEATURE_KINDS

__all__ = ["calibrated", "calibration_table", "place_class", "REVIEW_BELOW", "RAW_STEPS", "POPULATION_STEPS"]

#: places below this calibrated confidence are flagged "check these" on the map (by default):
#: about one chance in five of being wrong (chosen with benchmarks/calibrate.py)
REVIEW_BELOW = 0.8
#: lower bounds of the raw score steps, and of the population steps of local places
RAW_STEPS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.9, 0.99)
POPULATION_STEPS = (0, 10_000, 100_000, 1_000_000)


def place_class(kind: str, population: int) -> tuple[str, int]:
    """(class, population step) of a place: countries and continents, divisions (and physical
    features), local places by size."""
    if kind in ("country", "continent"):
        return "large", 0
    if kind in ("admin1", "admin2") or kind in FEATURE_KINDS:
        return "division", 0  # a sea, a river, a region: named, not counted in people, like a division
    return "local", POPULATION_STEPS[bisect.bisect_right(POPULATION_STEPS, max(population, 0)) - 1]


@lru_cache(maxsize=1)
def calibration_table() -> dict[tuple[str, int], tuple[tuple[float, ...], tuple[float, ...]]]:
    """(class, population step) -> (raw step lower bounds, calibrated values); empty when off."""
    if os.environ.get("GEO_CALIBRATION", "").strip().lower() in ("off", "0", "no", "none"):
        return {}
    text = resources.files("geo").joinpath("_data").joinpath("calibration.tsv").read_text(encoding="utf-8")
    table: dict[tuple[str, int], tuple[list[float], list[float]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("class\t"):
            continue
        cls, pop, raw, value = line.split("\t")[:4]
        raws, values = table.setdefault((cls, int(pop)), ([], []))
        raws.append(float(raw))
        values.append(float(value))
    return {k: (tuple(r), tuple(v)) for k, (r, v) in table.items()}


def calibrated(raw: float, kind: str = "city", population: int = 0) -> float:
    """The calibrated confidence (0-1) of a place of this kind and population with this raw score."""
    table = calibration_table()
    steps = table.get(place_class(kind, population))
    if not steps:
        return raw
    raws, values = steps
    return values[max(bisect.bisect_right(raws, raw) - 1, 0)]
