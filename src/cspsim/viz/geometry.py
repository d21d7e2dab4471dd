"""Where places, officers and organizations are drawn (SVG pixel coordinates).

Places sit at their real coordinates (longitude/latitude for San Francisco, projected
equirectangularly at the city's latitude; a synthetic city's own layout), as discs whose
area grows with population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from cspsim.city import City

#: Margin around the city, in pixels.
MARGIN = 12.0
#: Organization marker colours by kind.
ORG_COLOURS = {
    "youth_jobs": "#2ca02c",
    "job_training": "#9467bd",
    "mental_health": "#17becf",
}
#: Golden angle: spreads officers standing at the same place around it.
_GOLDEN = np.pi * (3.0 - np.sqrt(5.0))


@dataclass(frozen=True)
class MapGeometry:
    """Pixel geometry of a city map.

    Attributes:
        width: SVG width in pixels.
        height: SVG height in pixels.
        x: Place centres, x (pixels).
        y: Place centres, y (pixels, north up).
        r: Place disc radii (pixels).
    """

    width: int
    height: int
    x: np.ndarray
    y: np.ndarray
    r: np.ndarray

    def points(self) -> list[list[float]]:
        """``[x, y, r]`` per place, rounded for the browser."""
        return np.round(np.column_stack([self.x, self.y, self.r]), 1).tolist()


def geometry(city: City, width: int = 640, max_height: int = 620) -> MapGeometry:
    """Fit the city into ``width`` x at most ``max_height`` pixels, keeping its shape."""
    x = np.asarray(city.x, dtype=float)
    y = np.asarray(city.y, dtype=float)
    if city.name == "sf2012":
        x = x * np.cos(np.radians(np.mean(y)))  # longitude degrees shrink with latitude
    span_x, span_y = max(np.ptp(x), 1e-9), max(np.ptp(y), 1e-9)
    scale = min((width - 2 * MARGIN) / span_x, (max_height - 2 * MARGIN) / span_y)
    height = int(np.ceil(span_y * scale + 2 * MARGIN))
    px = MARGIN + (x - x.min()) * scale
    py = MARGIN + (y.max() - y) * scale
    pts = np.column_stack([px, py])
    if len(pts) > 1:
        d, _ = cKDTree(pts).query(pts, k=2)
        spacing = float(np.median(d[:, 1]))
    else:
        spacing = 2 * MARGIN
    pop = np.asarray(city.population, dtype=float)
    rel = np.sqrt(np.maximum(pop, 1.0) / max(np.median(pop), 1.0))
    r = np.clip(0.55 * spacing * rel, 0.3 * spacing, 0.9 * spacing)
    r = np.clip(r, 2.0, 40.0)
    return MapGeometry(width, height, px, py, r)


def officer_points(geo: MapGeometry, places: np.ndarray, index: np.ndarray) -> list[list[float]]:
    """Officer markers around their places (spread on a small spiral so they do not stack)."""
    if len(places) == 0:
        return []
    angle = index * _GOLDEN
    rad = geo.r[places] * (0.35 + 0.5 * ((index * 0.618) % 1.0))
    ox = geo.x[places] + rad * np.cos(angle)
    oy = geo.y[places] + rad * np.sin(angle)
    return np.round(np.column_stack([ox, oy]), 1).tolist()
