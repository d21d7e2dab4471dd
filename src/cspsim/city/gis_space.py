"""Space of a ``city=gis`` city: metric CRS, contiguity, islands, neighbourhoods, map outlines.

Contiguity comes from libpysal (``Queen``/``Rook.from_dataframe``: shared vertices / shared
edges), so polygons must share their boundary vertices, as polygons cut from one coverage
(census geography, beats) do. Distances (nearest links, overlaps) are measured in a metric
CRS: the layer's own when it is projected in metres, else the UTM zone
``estimate_utm_crs()`` picks.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely
from libpysal.weights import Queen, Rook
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from cspsim.city.build import adjacency, select_component
from cspsim.city.gis_common import BuildLog, resolve_path
from cspsim.city.gis_read import check_polygons, read_layer, text_frame, with_crs
from cspsim.city.inputs import require_columns, text_column
from cspsim.config.city import CityConfig
from cspsim.errors import CityDataError

#: Links quoted one by one in the ``nearest`` log message before summarising.
_MAX_LINKS_SHOWN = 10


def to_metric(frame: gpd.GeoDataFrame, label: str, blog: BuildLog) -> gpd.GeoDataFrame:
    """The layer in a CRS whose units are metres (its own if it already is one).

    Raises:
        CityDataError: The coordinates cannot be in the layer's CRS (see :func:`check_crs`).
    """
    check_crs(frame, label)
    crs = frame.crs
    if crs.is_projected and all(a.unit_name in ("metre", "meter") for a in crs.axis_info):
        return frame
    try:
        utm = frame.estimate_utm_crs()
    except RuntimeError as exc:  # pyproj finds no UTM zone for the area
        raise CityDataError(
            f"{label}: no UTM zone covers the layer's area in {crs.name} ({exc}); "
            "is the CRS the file (or city.crs) declares the coordinates' own?"
        ) from exc
    blog.info(f"{label}: reprojected from {crs.name} to {utm.name} (metres)")
    return frame.to_crs(utm)


def check_crs(frame: gpd.GeoDataFrame, label: str) -> None:
    """Refuse coordinates that cannot be in the declared CRS (a wrong ``.prj`` or city.crs).

    Longitude/latitude beyond +-180 / +-90 are projected coordinates under a geographic CRS.
    Projected coordinates that all lie within 180 / 90 units of the CRS's origin are
    longitude/latitude under a projected CRS: no city fits there (and the map and areas
    would be computed for a patch of a few hundred metres near the origin).
    """
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    inside_degrees = max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90
    crs = frame.crs
    if crs.is_geographic and not inside_degrees:
        raise CityDataError(
            f"{label}: coordinates from ({xmin:.6g}, {ymin:.6g}) to ({xmax:.6g}, {ymax:.6g}) "
            f"are not longitude/latitude, but the CRS is {crs.name} (geographic); declare the "
            "coordinates' own CRS (the file's .prj, or city.crs, e.g. a UTM zone's EPSG code)"
        )
    if crs.is_projected and inside_degrees:
        raise CityDataError(
            f"{label}: coordinates from ({xmin:.6g}, {ymin:.6g}) to ({xmax:.6g}, {ymax:.6g}) "
            f"look like longitude/latitude, but the CRS is {crs.name} (projected: the whole "
            "city would lie within a few hundred metres of its origin); declare the "
            "coordinates' own CRS (the file's .prj, or city.crs=EPSG:4326)"
        )


#: Share of the smaller of two areas that both cover, above which they are refused: one
#: area drawn twice (or two layers merged), not boundaries digitised a little apart.
MAX_OVERLAP = 0.5
#: Overlapping pairs quoted in the message.
_MAX_OVERLAPS_SHOWN = 5


def check_overlaps(frame: gpd.GeoDataFrame, ids: np.ndarray, label: str) -> None:
    """Refuse areas that largely cover one another.

    Slivers where neighbouring boundaries were digitised apart are common and harmless (the
    areas stay neighbours). An area more than :data:`MAX_OVERLAP` covered by another would
    count the same ground, residents and crime twice, as two places side by side.

    Raises:
        CityDataError: Naming the pairs, how much of the smaller each covers.
    """
    geoms = frame.geometry.to_numpy()
    left, right = frame.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    share = shared / np.maximum(smaller, np.finfo(float).tiny)
    bad = np.flatnonzero(share > MAX_OVERLAP)
    if len(bad) == 0:
        return
    shown = "; ".join(
        f"{ids[left[k]]} and {ids[right[k]]} ({share[k]:.0%})" for k in bad[:_MAX_OVERLAPS_SHOWN]
    )
    more = f" and {len(bad) - _MAX_OVERLAPS_SHOWN} more" if len(bad) > _MAX_OVERLAPS_SHOWN else ""
    raise CityDataError(
        f"{label}: {len(bad)} pair(s) of areas overlap over more than {MAX_OVERLAP:.0%} of the "
        f"smaller one: {shown}{more}. An area drawn twice, or layers merged? Each place "
        "must be its own ground; remove the duplicates"
    )


def contiguity(frame: gpd.GeoDataFrame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Contiguity pairs ``(u, v)`` (``u < v``, row positions) by libpysal queen or rook."""
    builder = Queen if kind == "queen" else Rook
    with warnings.catch_warnings():
        # libpysal warns about islands and components; the caller handles and logs them.
        warnings.simplefilter("ignore")
        w = builder.from_dataframe(frame, use_index=False)
    pairs = [(i, j) for i, nbrs in w.neighbors.items() for j in nbrs if i < j]
    arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return arr[:, 0].copy(), arr[:, 1].copy()


def connect(
    u: np.ndarray,
    v: np.ndarray,
    centroids: np.ndarray,
    ids: np.ndarray,
    cfg: CityConfig,
    label: str,
    blog: BuildLog,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Handle islands and disconnected parts as ``city.disconnected`` says.

    Args:
        u: Edge sources.
        v: Edge targets.
        centroids: Metric centroid of each place (P, 2).
        ids: Place ids (for messages).
        cfg: City config (``disconnected``, ``contiguity``).
        label: Area file name for messages.
        blog: Build log.

    Returns:
        ``(keep, new_index, u, v)`` as :func:`cspsim.city.build.select_component` (``keep``
        ``None`` when every place stays), with the (possibly extended) edges.

    Raises:
        CityDataError: The network is disconnected and ``city.disconnected`` is ``error``.
    """
    n = len(ids)
    if cfg.disconnected != "nearest":
        try:
            keep, new_index = select_component(
                n, u, v, cfg.disconnected, f"{label} ({cfg.contiguity} contiguity)"
            )
        except CityDataError as exc:
            raise CityDataError(f"{exc}{_island_hint(n, u, v, ids)}") from None
        return keep, new_index, u, v
    links: list[tuple[int, int, float]] = []
    while True:
        n_comp, labels = connected_components(adjacency(n, u, v), directed=False)
        if n_comp <= 1:
            break
        new = _nearest_links(labels, n_comp, centroids)
        links += new
        u = np.concatenate([u, [min(a, b) for a, b, _ in new]]).astype(np.int64)
        v = np.concatenate([v, [max(a, b) for a, b, _ in new]]).astype(np.int64)
    if links:
        shown = "; ".join(
            f"'{ids[a]}'-'{ids[b]}' ({d / 1000:.2f} km)" for a, b, d in links[:_MAX_LINKS_SHOWN]
        )
        if len(links) > _MAX_LINKS_SHOWN:
            shown += f"; and {len(links) - _MAX_LINKS_SHOWN} more"
        blog.warning(
            f"{label}: the {cfg.contiguity} contiguity network was disconnected; linked each "
            f"island or part to its nearest place by centroid distance ({len(links)} "
            f"links): {shown}"
        )
    return None, np.arange(n), u, v


def _island_hint(n: int, u: np.ndarray, v: np.ndarray, ids: np.ndarray) -> str:
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    islands = np.flatnonzero(degree == 0)
    listed = ", ".join(f"'{ids[i]}'" for i in islands[:_MAX_LINKS_SHOWN])
    more = f" and {islands.size - _MAX_LINKS_SHOWN} more" if islands.size > _MAX_LINKS_SHOWN else ""
    found = f" Islands (areas with no neighbour): {listed}{more}." if islands.size else ""
    return found + " Or set city.disconnected=nearest to link each part to its nearest place."


def _nearest_links(
    labels: np.ndarray, n_comp: int, centroids: np.ndarray
) -> list[tuple[int, int, float]]:
    """One link from every component but the largest to its nearest outside place."""
    biggest = int(np.argmax(np.bincount(labels, minlength=n_comp)))
    links = []
    for comp in range(n_comp):
        if comp == biggest:
            continue
        inside = np.flatnonzero(labels == comp)
        outside = np.flatnonzero(labels != comp)
        dist, nearest = cKDTree(centroids[outside]).query(centroids[inside])
        k = int(np.argmin(dist))
        links.append((int(inside[k]), int(outside[nearest[k]]), float(dist[k])))
    return links


def neighbourhood_layer(
    cfg: CityConfig,
    areas: gpd.GeoDataFrame,
    ids: np.ndarray,
    label: str,
    blog: BuildLog,
) -> np.ndarray:
    """Neighbourhood name of each area from ``city.neighbourhoods`` by spatial overlay.

    ``overlap``: the neighbourhood polygon covering the largest part of the area;
    ``point``: the one holding the area's representative point (a point inside it). Ties
    go to the neighbourhood that comes first in its file.

    Raises:
        CityDataError: The layer is unreadable, has no CRS or bad polygons, or an area
            meets no neighbourhood.
    """
    nlabel = str(cfg.neighbourhoods)
    layer = read_layer(resolve_path(nlabel, "neighbourhoods"), nlabel)
    if len(layer) == 0:
        raise CityDataError(f"{nlabel}: no features (the layer is empty)")
    layer = with_crs(layer, nlabel, cfg.crs, "crs").reset_index(drop=True)
    names = _neighbourhood_names(cfg, layer, nlabel)
    layer = layer.set_geometry(
        check_polygons(layer.geometry, nlabel, names, blog, "city.neighbourhoods")
    )
    polygons = layer.geometry.to_crs(areas.crs)
    if cfg.neighbourhood_method == "point":
        probe = areas.geometry.representative_point().values
        a_idx, n_idx = polygons.sindex.query(probe, predicate="intersects")
        score = np.ones(a_idx.size)
    else:
        a_idx, n_idx = polygons.sindex.query(areas.geometry.values, predicate="intersects")
        shared = shapely.intersection(areas.geometry.values[a_idx], polygons.values[n_idx])
        score = shapely.area(shared)  # 0 where polygons only touch
    best = _best_match(len(areas), a_idx, n_idx, score)
    missing = np.flatnonzero(best < 0)
    if missing.size:
        more = f" (and {missing.size - 1} more)" if missing.size > 1 else ""
        raise CityDataError(
            f"{label}: feature {missing[0] + 1} (id '{ids[missing[0]]}') lies outside every "
            f"neighbourhood polygon of {nlabel}{more}; every area needs a neighbourhood"
        )
    rule = "representative point" if cfg.neighbourhood_method == "point" else "largest overlap"
    blog.info(
        f"{nlabel}: {len(areas)} areas assigned to {len(np.unique(best))} of {len(layer)} "
        f"neighbourhoods by {rule}"
    )
    return names[best]


def _neighbourhood_names(cfg: CityConfig, layer: gpd.GeoDataFrame, label: str) -> np.ndarray:
    numbers = np.array([str(i + 1) for i in range(len(layer))])
    column = cfg.neighbourhood_name_column
    if not column:
        return numbers
    require_columns(layer, [column], label)
    return text_column(text_frame(layer, [column], column), column, label, numbers, "feature")


def _best_match(n: int, a_idx: np.ndarray, n_idx: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Per area, the candidate with the highest score (ties: lowest index), -1 if none."""
    best = np.full(n, -1, dtype=np.int64)
    keep = score > 0
    a_idx, n_idx, score = a_idx[keep], n_idx[keep], score[keep]
    order = np.lexsort((n_idx, -score, a_idx))
    a_sorted = a_idx[order]
    first = np.ones(a_sorted.size, dtype=bool)
    first[1:] = a_sorted[1:] != a_sorted[:-1]
    best[a_sorted[first]] = n_idx[order][first]
    return best


def lonlat(metric: gpd.GeoSeries) -> gpd.GeoSeries:
    """The geometries in longitude/latitude (EPSG:4326), for maps."""
    return metric.to_crs(4326)


def ragged_rings(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polygon rings as flat arrays: ``(coords, ring_offsets, place_offsets)``.

    Ring ``r`` is ``coords[ring_offsets[r]:ring_offsets[r + 1]]``; place ``i`` owns rings
    ``place_offsets[i]`` to ``place_offsets[i + 1]`` (exteriors and holes alike).
    """
    kind, coords, offsets = shapely.to_ragged_array(geometry.values, include_z=False)
    if kind == shapely.GeometryType.POLYGON:
        place_offsets = offsets[1]
    else:  # MultiPolygon: rings per polygon, polygons per place
        place_offsets = offsets[1][offsets[2]]
    return coords, offsets[0].astype(np.int64), place_offsets.astype(np.int64)


def rings_list(
    coords: np.ndarray, ring_offsets: np.ndarray, place_offsets: np.ndarray
) -> list[list[np.ndarray]]:
    """Per place, its rings as (n, 2) arrays (the form of ``City.geometry``)."""
    return [
        [coords[ring_offsets[r] : ring_offsets[r + 1]] for r in range(start, stop)]
        for start, stop in zip(place_offsets[:-1], place_offsets[1:], strict=True)
    ]
