"""Where places, officers and organizations are drawn (SVG pixel coordinates).

Places sit at their real coordinates: longitude/latitude for San Francisco and for GIS
cities (projected equirectangularly at the city's latitude, so a degree of longitude is as
wide as it is on the ground), a synthetic or file city's own layout. A place is a disc
whose area grows with population, or its polygon outline when the city has polygons
(``City.geometry``).
"""

from __future__ import annotations

from collections.abc import Callable
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
#: Vertices closer than this to the previous one are dropped from polygon paths (pixels).
MIN_STEP = 0.8


@dataclass(frozen=True)
class MapGeometry:
    """Pixel geometry of a city map.

    Attributes:
        width: SVG width in pixels.
        height: SVG height in pixels.
        x: Place centres, x (pixels).
        y: Place centres, y (pixels, north up).
        r: Place disc radii (pixels; the size of a place's marker when it has a polygon).
        paths: SVG path data of each place's polygon (``None`` when drawn as discs).
    """

    width: int
    height: int
    x: np.ndarray
    y: np.ndarray
    r: np.ndarray
    paths: list[str] | None = None

    def points(self) -> list[list[float]]:
        """``[x, y, r]`` per place, rounded for the browser."""
        return np.round(np.column_stack([self.x, self.y, self.r]), 1).tolist()


def is_lonlat(city: City) -> bool:
    """Whether the city's coordinates are longitude/latitude degrees.

    San Francisco's shipped coordinates and GIS cities' (built in EPSG:4326) are; a
    synthetic or file city uses its own units.
    """
    if city.name == "sf2012" or city.geometry is not None:
        x, y = np.asarray(city.x, dtype=float), np.asarray(city.y, dtype=float)
        return bool(np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90))
    return False


def _polygon_path(
    rings: list[np.ndarray],
    tx: Callable[[np.ndarray], np.ndarray],
    ty: Callable[[np.ndarray], np.ndarray],
) -> str:
    parts = []
    for ring in rings:
        ring = np.asarray(ring, dtype=float)
        if len(ring) < 3:
            continue
        px, py = tx(ring[:, 0]), ty(ring[:, 1])
        keep = np.ones(len(px), dtype=bool)
        last = 0
        for i in range(1, len(px)):
            if abs(px[i] - px[last]) + abs(py[i] - py[last]) < MIN_STEP:
                keep[i] = False
            else:
                last = i
        px, py = px[keep], py[keep]
        if len(px) < 3:
            continue
        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
        parts.append(f"M{coords}Z")
    return "".join(parts)


def geometry(city: City, width: int = 640, max_height: int = 620) -> MapGeometry:
    """Fit the city into ``width`` x at most ``max_height`` pixels, keeping its shape.

    The returned geometry is as wide as the city needs (at most ``width``).
    """
    x = np.asarray(city.x, dtype=float)
    y = np.asarray(city.y, dtype=float)
    stretch = float(np.cos(np.radians(np.mean(y)))) if is_lonlat(city) else 1.0
    xs = x * stretch  # longitude degrees shrink with latitude
    lo_x, hi_x, lo_y, hi_y = xs.min(), xs.max(), y.min(), y.max()
    if city.geometry is not None:
        allx = np.concatenate([np.asarray(r)[:, 0] for rings in city.geometry for r in rings])
        ally = np.concatenate([np.asarray(r)[:, 1] for rings in city.geometry for r in rings])
        lo_x, hi_x = min(lo_x, allx.min() * stretch), max(hi_x, allx.max() * stretch)
        lo_y, hi_y = min(lo_y, ally.min()), max(hi_y, ally.max())
    span_x, span_y = max(hi_x - lo_x, 1e-9), max(hi_y - lo_y, 1e-9)
    scale = min((width - 2 * MARGIN) / span_x, (max_height - 2 * MARGIN) / span_y)
    draw_w = int(np.ceil(span_x * scale + 2 * MARGIN))
    height = int(np.ceil(span_y * scale + 2 * MARGIN))
    off_x = MARGIN

    def tx(v: np.ndarray) -> np.ndarray:
        return off_x + (np.asarray(v) * stretch - lo_x) * scale

    def ty(v: np.ndarray) -> np.ndarray:
        return MARGIN + (hi_y - np.asarray(v)) * scale

    px, py = tx(x), ty(y)
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
    paths = None
    if city.geometry is not None:
        paths = [_polygon_path(rings, tx, ty) for rings in city.geometry]
        r = np.clip(np.full(len(px), 0.35 * spacing), 2.0, 12.0)
    return MapGeometry(min(draw_w, int(width)), height, px, py, r, paths)


def officer_points(geo: MapGeometry, places: np.ndarray, index: np.ndarray) -> list[list[float]]:
    """Officer markers around their places (spread on a small spiral so they do not stack)."""
    if len(places) == 0:
        return []
    angle = index * _GOLDEN
    rad = geo.r[places] * (0.35 + 0.5 * ((index * 0.618) % 1.0))
    ox = geo.x[places] + rad * np.cos(angle)
    oy = geo.y[places] + rad * np.sin(angle)
    return np.round(np.column_stack([ox, oy]), 1).tolist()
