"""Entry point: build the :class:`~cspsim.city.city.City` described by a ``CityConfig``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cspsim.city.city import CRIME_TYPES, City
from cspsim.city.files import load_file
from cspsim.city.gis_common import related_files, resolve_path
from cspsim.city.gis_config import check_gis_config
from cspsim.city.shipped import (
    COLUMBUS_EDGES,
    COLUMBUS_NODES,
    SF_EDGES,
    SF_NODES,
    load_columbus,
    load_sf2012,
)
from cspsim.city.synthetic import load_synthetic
from cspsim.config.checks import check_settings
from cspsim.config.city import (
    CITY_KINDS,
    CONTIGUITIES,
    DISCONNECTED_HANDLING,
    TOPOLOGIES,
    CityConfig,
)
from cspsim.errors import CityDataError, ConfigError
from cspsim.paths import CITY_DATA_DIR


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"city.{name}: expected one of {', '.join(allowed)}; got {value!r}")


def _positive(name: str, value: object, minimum: float = 0.0, strict: bool = True) -> None:
    try:
        ok = float(value) > minimum if strict else float(value) >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        bound = f"{'>' if strict else '>='} {minimum:g}"
        raise ConfigError(f"city.{name}: expected a number {bound}; got {value!r}")


def check_config(cfg: CityConfig) -> None:
    """Reject invalid or inconsistent ``city`` settings before any file is read.

    Raises:
        ConfigError: Naming the setting, the allowed values and the value found.
    """
    _one_of("kind", cfg.kind, CITY_KINDS)
    _one_of("contiguity", cfg.contiguity, CONTIGUITIES)
    _one_of("disconnected", cfg.disconnected, DISCONNECTED_HANDLING)
    _positive("residents_per_agent", cfg.residents_per_agent)
    if cfg.kind == "synthetic":
        _one_of("topology", cfg.topology, TOPOLOGIES)
        _positive("residents", cfg.residents, 1, strict=False)
        _positive("places", cfg.places, 0, strict=False)
        _positive("neighbourhood_size", cfg.neighbourhood_size, 1, strict=False)
    if cfg.kind == "file":
        _check_file_config(cfg)
    if cfg.kind == "gis":
        check_gis_config(cfg)
    elif cfg.disconnected == "nearest":
        raise ConfigError(
            "city.disconnected=nearest links islands by polygon centroids: city.kind=gis only"
        )
    if dataclasses.is_dataclass(cfg):  # types, NaN and infinity, declared ranges
        check_settings(cfg, "city")


def _check_file_config(cfg: CityConfig) -> None:
    if cfg.graphml and (cfg.nodes or cfg.edges):
        raise ConfigError("city: set either city.graphml or city.nodes + city.edges, not both")
    if not cfg.graphml and not (cfg.nodes and cfg.edges):
        raise ConfigError(
            "city.kind=file needs city.nodes and city.edges (CSV paths) or city.graphml; "
            f"got nodes={cfg.nodes!r}, edges={cfg.edges!r}, graphml={cfg.graphml!r}"
        )
    if not cfg.id_column or not cfg.population_column:
        raise ConfigError("city.id_column and city.population_column must be non-empty")
    columns, types = list(cfg.crime_columns), list(cfg.crime_types)
    if len(columns) != len(types):
        raise ConfigError(
            f"city.crime_columns ({len(columns)}: {columns}) and city.crime_types "
            f"({len(types)}: {types}) must have the same length"
        )
    for kind in types:
        _one_of("crime_types", kind, CRIME_TYPES)
    if len(set(types)) != len(types):
        raise ConfigError(f"city.crime_types: each type may appear once; got {types}")
    _positive("crime_period_days", cfg.crime_period_days)
    if bool(cfg.x_column) != bool(cfg.y_column):
        raise ConfigError(
            "city.x_column and city.y_column must be set together; "
            f"got x_column={cfg.x_column!r}, y_column={cfg.y_column!r}"
        )
    for name in cfg.disadvantage_columns:
        if not str(name).strip().lstrip("-"):
            raise ConfigError(f"city.disadvantage_columns: empty column name in {name!r}")


def load_city(cfg: CityConfig, seed: int = 0) -> City:
    """Build the city described by ``cfg``.

    Args:
        cfg: The ``city`` config group (a ``CityConfig`` or an equivalent OmegaConf node).
        seed: Run seed; only synthetic cities are random.

    Returns:
        The city, places indexed 0..P-1, on a single connected network.

    Raises:
        ConfigError: An invalid setting (e.g. an unknown ``kind``).
        CityDataError: Missing or bad data (file, column, row and id named).
    """
    check_config(cfg)
    if cfg.kind == "sf2012":
        return load_sf2012(cfg)
    if cfg.kind == "columbus":
        return load_columbus(cfg)
    if cfg.kind == "synthetic":
        return load_synthetic(cfg, seed=seed)
    if cfg.kind == "gis":
        from cspsim.city.gis import load_gis  # geopandas and libpysal load only when needed

        return load_gis(cfg)
    return load_file(cfg)


#: ``city.*`` path settings of each kind that reads files, in a fixed order.
_PATH_SETTINGS = {
    "file": ("nodes", "edges", "graphml"),
    "gis": ("areas", "population_table", "incidents", "neighbourhoods"),
}
#: Shipped data files of the shipped cities.
_SHIPPED_FILES = {"sf2012": (SF_NODES, SF_EDGES), "columbus": (COLUMBUS_NODES, COLUMBUS_EDGES)}


def input_files(cfg: CityConfig) -> dict[str, Path]:
    """Every data file the city is built from, by role (``city.nodes``, ``city.areas#2``).

    Shapefile sidecars and directories count file by file. Files that do not exist are
    left out (building the city reports them). What ``run.json`` hashes, so that a run
    is redone when its city data changed.
    """
    out: dict[str, Path] = {}
    for name in _SHIPPED_FILES.get(cfg.kind, ()):
        out[f"city.{cfg.kind}.{name}"] = CITY_DATA_DIR / name
    for setting in _PATH_SETTINGS.get(cfg.kind, ()):
        value = getattr(cfg, setting)
        if not value:
            continue
        try:
            paths = related_files(resolve_path(str(value), setting))
        except CityDataError:
            continue
        for i, path in enumerate(paths):
            out[f"city.{setting}" + (f"#{i}" if i else "")] = path
    return out
