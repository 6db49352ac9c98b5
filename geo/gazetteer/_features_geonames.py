"""GeoNames feature codes as geo's feature kinds.

GeoNames dumps (``geo gazetteer import``) keep their H (water), T (terrain) and L (area) feature
classes; :func:`kind_for_geonames` tells which of geo's kinds (:data:`geo.types.FEATURE_KINDS`)
such an entry is, so that imported seas, rivers, peaks and regions can join the features.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GeoNamesKind", "kind_for_geonames"]


@dataclass(frozen=True, slots=True)
class GeoNamesKind:
    """geo's ``kind`` of a GeoNames feature code and its finer ``subkind``."""

    kind: str
    subkind: str


# feature code -> (kind, subkind); codes not listed (wells, springs, harbours, cliffs, parks …) are
# left out: they are not features a news story places things by.
_CODES: dict[str, dict[str, tuple[str, str]]] = {
    "H": {
        "OCN": ("sea", "ocean"), "SEA": ("sea", "sea"), "GULF": ("sea", "gulf"), "BAY": ("sea", "bay"),
        "BAYS": ("sea", "bay"), "BGHT": ("sea", "bight"), "CHN": ("sea", "channel"), "CHNM": ("sea", "channel"),
        "STRT": ("sea", "strait"), "SD": ("sea", "sound"), "FJD": ("sea", "fjord"), "FJDS": ("sea", "fjord"),
        "INLT": ("sea", "inlet"), "COVE": ("sea", "cove"), "LGN": ("sea", "lagoon"), "LGNS": ("sea", "lagoon"),
        "ESTY": ("sea", "estuary"),
        "STM": ("river", "river"), "STMS": ("river", "river"), "STMI": ("river", "intermittent"),
        "STMX": ("river", "river"), "STMA": ("river", "anabranch"), "STMC": ("river", "canalised"),
        "STMD": ("river", "distributary"), "STMQ": ("river", "abandoned"), "STMSB": ("river", "lost"),
        "CNL": ("river", "canal"), "CNLN": ("river", "canal"), "CNLS": ("river", "canal"),
        "WAD": ("river", "wadi"), "WADS": ("river", "wadi"), "WADB": ("river", "wadi"), "WADJ": ("river", "wadi"),
        "WADM": ("river", "wadi"), "WADX": ("river", "wadi"),
        "LK": ("lake", "lake"), "LKS": ("lake", "lakes"), "LKI": ("lake", "intermittent"), "LKC": ("lake", "crater"),
        "LKN": ("lake", "salt"), "LKNI": ("lake", "salt"), "LKO": ("lake", "oxbow"), "LKX": ("lake", "lake"),
        "LKSI": ("lake", "intermittent"), "LKSN": ("lake", "salt"), "LKSC": ("lake", "crater"),
        "RSV": ("lake", "reservoir"), "RSVI": ("lake", "reservoir"), "PND": ("lake", "pond"),
        "PNDS": ("lake", "pond"), "DLTA": ("region", "delta"), "MRSH": ("region", "wetland"),
        "SWMP": ("region", "wetland"), "MRSHN": ("region", "wetland"),
    },
    "T": {
        "MT": ("mountain", "mountain"), "PK": ("mountain", "peak"), "VLC": ("mountain", "volcano"),
        "HLL": ("mountain", "hill"), "MTS": ("range", "range"), "PKS": ("range", "peaks"),
        "HLLS": ("range", "hills"), "RDGE": ("range", "ridge"), "UPLD": ("range", "upland"),
        "DSRT": ("desert", "desert"), "ERG": ("desert", "erg"), "SAND": ("desert", "sand"),
        "ISL": ("island", "island"), "ISLS": ("island", "archipelago"), "ISLET": ("island", "islet"),
        "ISLM": ("island", "island"), "ISLT": ("island", "island"), "ISLF": ("island", "artificial"),
        "PLAT": ("region", "plateau"), "PEN": ("region", "peninsula"), "VAL": ("region", "valley"),
        "VALS": ("region", "valley"), "PLN": ("region", "plain"), "BSN": ("region", "basin"),
        "DPR": ("region", "depression"), "CNYN": ("region", "canyon"),
    },
    "L": {
        "RGN": ("region", "region"), "RGNE": ("region", "economic"), "RGNH": ("region", "historical"),
        "RGNL": ("region", "lake region"), "AREA": ("region", "area"), "BSND": ("region", "basin"),
        "TRB": ("region", "tribal area"), "ZN": ("region", "zone"), "ZNB": ("region", "buffer zone"),
    },
}


def kind_for_geonames(feature_class: str | None, feature_code: str | None) -> GeoNamesKind | None:
    """geo's kind of a GeoNames entry of class H, T or L and its code (``("H", "STM")`` → river,
    ``("T", "MTS")`` → range, ``("L", "RGN")`` → region); None for any other entry."""
    codes = _CODES.get((feature_class or "").strip().upper())
    found = codes.get((feature_code or "").strip().upper()) if codes else None
    return GeoNamesKind(*found) if found else None
