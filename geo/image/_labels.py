"""A greedy label placer: each place's name beside its marker, never over another label or marker.

Labels are placed in order of importance (most mentioned first, then by kind). For each, eight
positions around the marker are tried in the cartographer's order of preference (right, upper
right, lower right, left, upper left, lower left, above, below); the first whose box lies inside
the map, clear of every marker (an exact rectangle-circle test), every label already placed and
every reserved box (inset, scale bar) wins. A label with no free position is left out and the
caller lists its place as unlabelled. All boxes are in display pixels, origin bottom-left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Anchor", "Box", "Placement", "place_labels"]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share some area (touching edges do not count)."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def hits_circle(self, cx: float, cy: float, r: float) -> bool:
        """True when the box and the disc of radius ``r`` around (cx, cy) share some area."""
        nx = min(max(cx, self.x0), self.x1)
        ny = min(max(cy, self.y0), self.y1)
        return math.hypot(cx - nx, cy - ny) < r

    def inside(self, other: Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A marker to label: its centre and radius, and the size of its label's text (pixels)."""

    key: int
    x: float
    y: float
    radius: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a label went: its box, and how the text sits on its anchor point."""

    key: int
    box: Box
    ha: str
    va: str
    dx: float
    dy: float


# (name, horizontal side, vertical side): -1 left/below, 0 centred, +1 right/above
_POSITIONS = (("E", 1, 0), ("NE", 1, 1), ("SE", 1, -1), ("W", -1, 0), ("NW", -1, 1), ("SW", -1, -1),
              ("N", 0, 1), ("S", 0, -1))
_HA = {1: "left", 0: "center", -1: "right"}
_VA = {1: "bottom", 0: "center", -1: "top"}


def _candidate(a: Anchor, sx: int, sy: int, gap: float) -> Placement:
    diagonal = sx != 0 and sy != 0
    reach = a.radius * (math.sqrt(0.5) if diagonal else 1.0) + gap
    dx, dy = sx * reach, sy * reach
    ax, ay = a.x + dx, a.y + dy
    x0 = ax if sx > 0 else ax - a.width if sx < 0 else ax - a.width / 2
    y0 = ay if sy > 0 else ay - a.height if sy < 0 else ay - a.height / 2
    return Placement(a.key, Box(x0, y0, x0 + a.width, y0 + a.height), _HA[sx], _VA[sy], dx, dy)


def _free(box: Box, pad: float, area: Box, markers: Sequence[Anchor], taken: Sequence[Box]) -> bool:
    grown = box.grown(pad)
    if not box.inside(area):
        return False
    if any(grown.hits_circle(m.x, m.y, m.radius) for m in markers):
        return False
    return not any(grown.overlaps(t) for t in taken)


def place_labels(anchors: Sequence[Anchor], area: Box, reserved: Sequence[Box] = (), *,
                 gap: float = 3.0, pad: float = 1.5) -> tuple[list[Placement], list[int]]:
    """Place the labels of ``anchors`` (most important first) inside ``area``.

    ``reserved`` boxes (inset, scale bar) are kept clear, as are all markers; ``pad`` pixels
    of clearance are kept around each label (its halo). Returns the placements and the keys
    of the anchors left without a label.
    """
    taken: list[Box] = list(reserved)
    placed: list[Placement] = []
    unplaced: list[int] = []
    for anchor in anchors:
        for _name, sx, sy in _POSITIONS:
            candidate = _candidate(anchor, sx, sy, gap + pad)  # the clearance is kept from its own marker too
            if _free(candidate.box, pad, area, anchors, taken):
                placed.append(candidate)
                taken.append(candidate.box)
                break
        else:
            unplaced.append(anchor.key)
    return placed, unplaced
