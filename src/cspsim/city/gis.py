"""Loader for ``city=gis``: a planner's polygon layer (and incidents) to a :class:`City`.

Stages (shown as a progress bar on a terminal, or with ``city.progress=true``):

1. read ``city.areas`` with pyogrio (any format GDAL reads), check ids, polygons (invalid
   ones repaired with ``make_valid`` and reported) and columns;
2. reproject to a metric CRS (the layer's own if projected in metres, else its UTM zone);
3. build queen or rook contiguity with libpysal and handle islands (``city.disconnected``);
4. count crime: count columns by period, or incidents read, mapped to model types, dated
   and joined to the areas;
5. assign neighbourhoods (a column, or a second polygon layer by overlay);
6. assemble: centroids (longitude/latitude) as map coordinates, outlines for maps,
   per-day rates over the calibration periods, held-back periods for validation.

The result is cached (see :mod:`cspsim.city.gis_cache`), so a second build with the same
files and settings reads two small files. All options are documented in ``docs/cities.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from cspsim.city import gis_cache
from cspsim.city.build import disadvantage_index, make_city, reindex_edges
from cspsim.city.city import CRIME_TYPES, City, HeldOutPeriod
from cspsim.city.files import PLACE_NAME
from cspsim.city.gis_common import BuildLog, Progress, log, related_files, resolve_path
from cspsim.city.gis_crime import CrimePeriods, column_periods, incident_periods
from cspsim.city.gis_incidents import read_incidents
from cspsim.city.gis_read import commercial, number, population, read_areas
from cspsim.city.gis_space import (
    check_overlaps,
    connect,
    contiguity,
    lonlat,
    neighbourhood_layer,
    ragged_rings,
    rings_list,
    to_metric,
)
from cspsim.city.inputs import text_column
from cspsim.config.city import CityConfig

#: How many real builds and cache hits this process has made (tests read it).
STATS = {"builds": 0, "cache_hits": 0}
#: Per-place arrays of :class:`GisParts`, stored as they are in the cache.
_PLACE_ARRAYS = (
    "place_ids",
    "population",
    "neighbourhood_labels",
    "x",
    "y",
    "disadvantage",
)


@dataclass
class GisParts:
    """Everything a GIS city is made of: what the cache stores and the City is built from.

    Attributes:
        name: City name (the area file's stem).
        label: Area file name for messages.
        place_ids: Area ids (strings).
        population: Residents per area.
        neighbourhood_labels: Neighbourhood name of each area.
        x: Centroid longitude.
        y: Centroid latitude.
        disadvantage: Disadvantage index (z-scores).
        u: Edge sources.
        v: Edge targets.
        rings: ``(coords, ring_offsets, place_offsets)`` of the outlines in lon/lat.
        observed: Per-day rates (P, 4) over the calibration periods, or ``None``.
        commercial: Commercial share per area, or ``None``.
        extra: Other per-place arrays (raw columns, counts, ``area_km2``).
        heldout: Held-back period -> counts (P, 4).
        heldout_days: Held-back period -> days.
        messages: The build log, replayed when the city comes from the cache.
    """

    name: str
    label: str
    place_ids: np.ndarray
    population: np.ndarray
    neighbourhood_labels: np.ndarray
    x: np.ndarray
    y: np.ndarray
    disadvantage: np.ndarray
    u: np.ndarray
    v: np.ndarray
    rings: tuple[np.ndarray, np.ndarray, np.ndarray]
    observed: np.ndarray | None = None
    commercial: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    heldout: dict[str, np.ndarray] = field(default_factory=dict)
    heldout_days: dict[str, float] = field(default_factory=dict)
    messages: list[tuple[int, str]] = field(default_factory=list)

    def to_city(self) -> City:
        """Assemble the :class:`City` (raises ``CityDataError`` if it has no residents)."""
        city = make_city(
            name=self.name,
            label=self.label,
            place_ids=self.place_ids,
            population=self.population,
            u=self.u,
            v=self.v,
            neighbourhood_labels=self.neighbourhood_labels,
            x=self.x,
            y=self.y,
            disadvantage=self.disadvantage,
            observed_crime=self.observed,
            extra=self.extra,
        )
        city.commercial = self.commercial
        city.geometry = rings_list(*self.rings)
        city.heldout = {
            p: HeldOutPeriod(counts=c, days=self.heldout_days[p]) for p, c in self.heldout.items()
        }
        return city

    def to_store(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Plain arrays and JSON metadata for the cache (no pickled objects)."""
        arrays = {k: np.asarray(getattr(self, k)) for k in _PLACE_ARRAYS}
        arrays["place_ids"] = self.place_ids.astype(str)
        arrays["neighbourhood_labels"] = self.neighbourhood_labels.astype(str)
        arrays |= {"u": self.u, "v": self.v}
        names = ("ring_coords", "ring_offsets", "place_offsets")
        arrays |= dict(zip(names, self.rings, strict=True))
        if self.observed is not None:
            arrays["observed"] = self.observed
        if self.commercial is not None:
            arrays["commercial"] = self.commercial
        extra_keys, heldout_keys = list(self.extra), list(self.heldout)
        arrays |= {f"extra_{i}": self.extra[k] for i, k in enumerate(extra_keys)}
        arrays |= {f"heldout_{i}": self.heldout[k] for i, k in enumerate(heldout_keys)}
        meta = {
            "name": self.name,
            "label": self.label,
            "extra": extra_keys,
            "heldout": heldout_keys,
            "heldout_days": self.heldout_days,
            "messages": self.messages,
        }
        return arrays, meta

    @classmethod
    def from_store(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> GisParts:
        """Rebuild the parts from :meth:`to_store` output."""
        return cls(
            name=meta["name"],
            label=meta["label"],
            **{k: arrays[k] for k in _PLACE_ARRAYS},
            u=arrays["u"],
            v=arrays["v"],
            rings=(arrays["ring_coords"], arrays["ring_offsets"], arrays["place_offsets"]),
            observed=arrays.get("observed"),
            commercial=arrays.get("commercial"),
            extra={k: arrays[f"extra_{i}"] for i, k in enumerate(meta["extra"])},
            heldout={k: arrays[f"heldout_{i}"] for i, k in enumerate(meta["heldout"])},
            heldout_days={k: float(d) for k, d in meta["heldout_days"].items()},
            messages=[(int(level), str(m)) for level, m in meta["messages"]],
        )


def input_files(cfg: CityConfig) -> list[Path]:
    """Every file the build reads (shapefile sidecars included), in a fixed order."""
    paths = []
    for setting in ("areas", "population_table", "incidents", "neighbourhoods"):
        value = getattr(cfg, setting)
        if value:
            paths += related_files(resolve_path(str(value), setting))
    return paths


def load_gis(cfg: CityConfig) -> City:
    """Build (or read from the cache) the city described by a ``city=gis`` config.

    Args:
        cfg: The ``city`` config group, already checked by ``check_config``.

    Returns:
        The city, places in area-file order (after dropping any outside the largest
        component with ``city.disconnected=largest``).

    Raises:
        CityDataError: Bad or inconsistent GIS data (file, column, feature or row named).
        ConfigError: A setting that does not fit the data (e.g. an unknown year).
    """
    key = gis_cache.cache_key(cfg, input_files(cfg)) if cfg.cache else ""
    stored = gis_cache.load(key) if cfg.cache else None
    if stored is not None:
        parts = GisParts.from_store(*stored)
        STATS["cache_hits"] += 1
        log.info("%s: city read from the cache (%s)", parts.label, gis_cache.cache_dir() / key)
        BuildLog(parts.messages).replay("(cached build) ")
        return parts.to_city()
    parts = build_parts(cfg)
    city = parts.to_city()  # checks (e.g. no residents) run before anything is cached
    STATS["builds"] += 1
    if cfg.cache:
        gis_cache.save(key, *parts.to_store())
    return city


def _stages(cfg: CityConfig) -> int:
    return 4 + (2 if cfg.incidents else 1) + (1 if cfg.neighbourhoods else 0)


def build_parts(cfg: CityConfig) -> GisParts:
    """Run the build stages (see the module docstring)."""
    blog = BuildLog()
    progress = Progress(_stages(cfg), cfg.progress)
    try:
        with progress.stage("reading areas"):
            frame, text, label = read_areas(cfg, blog)
            ids = text[cfg.id_column].to_numpy(dtype=str)
            attrs = _area_attributes(cfg, text, label, ids)
        with progress.stage("reprojecting"):
            metric = to_metric(frame, label, blog)
            centroids = metric.geometry.centroid
            xy = np.column_stack([centroids.x.to_numpy(), centroids.y.to_numpy()])
        with progress.stage("contiguity"):
            check_overlaps(metric, ids, label)
            u, v = contiguity(metric, cfg.contiguity)
            keep, new_index, u, v = connect(u, v, xy, ids, cfg, label, blog)
        crime = _crime(cfg, text, label, ids, metric, blog, progress)
        if keep is not None:
            u, v = reindex_edges(u, v, new_index)
            metric, ids = metric.iloc[keep].reset_index(drop=True), ids[keep]
            attrs = {k: (a[keep] if a is not None else None) for k, a in attrs.items()}
            crime = crime.subset(keep) if crime is not None else None
        labels = attrs.pop("neighbourhood")
        if cfg.neighbourhoods:
            with progress.stage("neighbourhoods"):
                labels = neighbourhood_layer(cfg, metric, ids, label, blog)
        with progress.stage("assembling"):
            parts = _assemble(cfg, label, ids, metric, u, v, attrs, labels, crime)
    finally:
        progress.close()
    parts.messages = blog.messages
    return parts


def _area_attributes(
    cfg: CityConfig, text: pd.DataFrame, label: str, ids: np.ndarray
) -> dict[str, np.ndarray | None]:
    """Population, raw disadvantage columns, commercial share, neighbourhood and name."""
    attrs: dict[str, np.ndarray | None] = {
        "population": population(cfg, text, label, ids),
        "commercial": commercial(cfg, text, label, ids),
    }
    for name in cfg.disadvantage_columns:
        column = name.strip().lstrip("-")
        attrs[f"dis:{name.strip()}"] = number(text, column, label, ids, non_negative=False)
    if cfg.neighbourhood_column:
        column = cfg.neighbourhood_column
        attrs["neighbourhood"] = text_column(text, column, label, ids, "feature")
    else:
        attrs["neighbourhood"] = ids
    if cfg.name_column:
        attrs["name"] = text_column(text, cfg.name_column, label, ids, "feature")
    return attrs


def _crime(
    cfg: CityConfig,
    text: pd.DataFrame,
    label: str,
    ids: np.ndarray,
    metric: gpd.GeoDataFrame,
    blog: BuildLog,
    progress: Progress,
) -> CrimePeriods | None:
    if not cfg.incidents:
        with progress.stage("crime counts"):
            return column_periods(cfg, text, label, ids)
    with progress.stage("reading incidents"):
        incidents = read_incidents(cfg, blog)
    with progress.stage("joining incidents"):
        return incident_periods(cfg, incidents, metric.geometry, ids, blog)


def _assemble(
    cfg: CityConfig,
    label: str,
    ids: np.ndarray,
    metric: gpd.GeoDataFrame,
    u: np.ndarray,
    v: np.ndarray,
    attrs: dict[str, np.ndarray | None],
    labels: np.ndarray,
    crime: CrimePeriods | None,
) -> GisParts:
    geographic = lonlat(metric.geometry)
    centre = lonlat(metric.geometry.centroid)
    raw = {k[4:]: a for k, a in attrs.items() if k.startswith("dis:")}
    signed = [-a if k.startswith("-") else a for k, a in raw.items()]
    extra = {k.lstrip("-"): a for k, a in raw.items()}
    extra["area_km2"] = metric.geometry.area.to_numpy() / 1e6
    if attrs.get("name") is not None:
        extra[PLACE_NAME] = np.asarray(attrs["name"], dtype=str)
    parts = GisParts(
        name=Path(str(cfg.areas)).stem,
        label=label,
        place_ids=ids.astype(str),
        population=np.asarray(attrs["population"], dtype=np.float64),
        neighbourhood_labels=np.asarray(labels, dtype=str),
        x=centre.x.to_numpy(),
        y=centre.y.to_numpy(),
        disadvantage=disadvantage_index(signed, len(ids)),
        u=u,
        v=v,
        rings=ragged_rings(geographic),
        commercial=attrs["commercial"],
        extra=extra,
    )
    if crime is not None:
        _add_crime(parts, crime)
    return parts


def _add_crime(parts: GisParts, crime: CrimePeriods) -> None:
    """Rates over the calibration periods; counts kept in ``extra``; the rest held back.

    With no calibration period (``city.withhold_crime``) the city has no observed crime:
    its rates come from population and disadvantage, and every period is held back.
    """
    if crime.calibration:
        parts.observed = crime.observed_rates()
        calibration = sum(crime.counts[p] for p in crime.calibration)
        for t, kind in enumerate(CRIME_TYPES):
            if not np.isnan(calibration[:, t]).all():
                parts.extra[f"observed_{kind}"] = calibration[:, t]
    for period in crime.heldout():
        counts = crime.counts[period]
        parts.heldout[period] = counts
        parts.heldout_days[period] = crime.days[period]
        for t, kind in enumerate(CRIME_TYPES):
            if not np.isnan(counts[:, t]).all():
                parts.extra[f"heldout_{period}_{kind}"] = counts[:, t]
