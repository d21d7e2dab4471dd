"""Checks of the ``city=gis`` settings before any file is read.

Kept apart from :mod:`cspsim.city.gis` so that checking a config never imports geopandas.
"""

from __future__ import annotations

from cspsim.city.city import CRIME_TYPES
from cspsim.config.city import CityConfig
from cspsim.errors import ConfigError

#: What a category may map to in ``city.type_map``.
MAP_TARGETS: tuple[str, ...] = (*CRIME_TYPES, "ignore")
#: Accepted values of ``city.neighbourhood_method``.
NEIGHBOURHOOD_METHODS = ("overlap", "point")
#: Accepted values of ``city.unmapped``.
UNMAPPED_HANDLING = ("error", "ignore")
#: Accepted values of ``city.incidents_outside``.
OUTSIDE_HANDLING = ("error", "ignore")


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"city.{name}: expected one of {', '.join(allowed)}; got {value!r}")


def _positive(name: str, value: object) -> None:
    try:
        ok = float(value) > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(f"city.{name}: expected a number > 0; got {value!r}")


def check_gis_config(cfg: CityConfig) -> None:
    """Reject invalid or inconsistent ``city=gis`` settings.

    Raises:
        ConfigError: Naming the setting, what was expected and the value found.
    """
    if not cfg.areas:
        raise ConfigError(
            "city.kind=gis needs city.areas: a polygon file GDAL reads (shapefile, GeoPackage, "
            "GeoJSON, ...) with one feature per place"
        )
    if not cfg.id_column or not cfg.population_column:
        raise ConfigError("city.id_column and city.population_column must be non-empty")
    if cfg.x_column or cfg.y_column:
        raise ConfigError(
            "city.x_column/city.y_column: not used by city.kind=gis (map coordinates are the "
            "polygon centroids); remove them"
        )
    _positive("population_scale", cfg.population_scale)
    _positive("crime_period_days", cfg.crime_period_days)
    _one_of("neighbourhood_method", cfg.neighbourhood_method, NEIGHBOURHOOD_METHODS)
    if cfg.neighbourhoods and cfg.neighbourhood_column:
        raise ConfigError(
            "city: set either city.neighbourhood_column or city.neighbourhoods (a polygon "
            "layer), not both"
        )
    for name in cfg.disadvantage_columns:
        if not str(name).strip().lstrip("-"):
            raise ConfigError(f"city.disadvantage_columns: empty column name in {name!r}")
    _check_crime_source(cfg)
    if cfg.withhold_crime and not (cfg.incidents or cfg.crime_periods or cfg.crime_columns):
        raise ConfigError(
            "city.withhold_crime needs crime data to hold back (city.incidents, "
            "city.crime_periods or city.crime_columns)"
        )
    if cfg.incidents:
        _check_incidents(cfg)
    elif cfg.calibration_years:
        raise ConfigError("city.calibration_years needs dated incidents (city.incidents)")
    if cfg.crime_periods:
        _check_periods(cfg)
    elif cfg.calibration_periods or cfg.period_days:
        raise ConfigError(
            "city.calibration_periods and city.period_days need city.crime_periods "
            "(period name -> count columns)"
        )


def _check_crime_source(cfg: CityConfig) -> None:
    sources = [
        name
        for name, value in (
            ("crime_columns", cfg.crime_columns),
            ("crime_periods", cfg.crime_periods),
            ("incidents", cfg.incidents),
        )
        if value
    ]
    if len(sources) > 1:
        raise ConfigError(
            f"city: crime counts come from one source; got {' and '.join(sources)} "
            "(set only one of city.crime_columns, city.crime_periods, city.incidents)"
        )
    types = list(cfg.crime_types)
    if types and not sources:
        raise ConfigError(
            f"city.crime_types ({types}): names the types of count columns, but no "
            "city.crime_columns or city.crime_periods is set; set those, or remove it"
        )
    for kind in types:
        _one_of("crime_types", kind, CRIME_TYPES)
    if len(set(types)) != len(types):
        raise ConfigError(f"city.crime_types: each type may appear once; got {types}")
    if cfg.crime_columns and len(cfg.crime_columns) != len(types):
        raise ConfigError(
            f"city.crime_columns ({len(cfg.crime_columns)}: {list(cfg.crime_columns)}) and "
            f"city.crime_types ({len(types)}: {types}) must have the same length"
        )


def _check_periods(cfg: CityConfig) -> None:
    types = list(cfg.crime_types)
    for period, columns in cfg.crime_periods.items():
        if len(columns) != len(types):
            raise ConfigError(
                f"city.crime_periods.{period} ({len(columns)}: {list(columns)}) and "
                f"city.crime_types ({len(types)}: {types}) must have the same length"
            )
    names = list(cfg.crime_periods)
    for period in [*cfg.calibration_periods, *cfg.period_days]:
        if period not in cfg.crime_periods:
            raise ConfigError(
                f"city.calibration_periods / city.period_days: unknown period {period!r}; "
                f"city.crime_periods has {names}"
            )
    for period, days in cfg.period_days.items():
        _positive(f"period_days.{period}", days)


def _check_incidents(cfg: CityConfig) -> None:
    if not cfg.incident_type_column:
        raise ConfigError(
            "city.incidents needs city.incident_type_column (the incident category column)"
        )
    if bool(cfg.incident_x_column) != bool(cfg.incident_y_column):
        raise ConfigError(
            "city.incident_x_column and city.incident_y_column must be set together; got "
            f"x={cfg.incident_x_column!r}, y={cfg.incident_y_column!r}"
        )
    _one_of("unmapped", cfg.unmapped, UNMAPPED_HANDLING)
    _one_of("incidents_outside", cfg.incidents_outside, OUTSIDE_HANDLING)
    for category, target in cfg.type_map.items():
        if target not in MAP_TARGETS:
            raise ConfigError(
                f"city.type_map.{category}: expected one of {', '.join(MAP_TARGETS)}; "
                f"got {target!r}"
            )
    if cfg.calibration_years and not cfg.incident_date_column:
        raise ConfigError(
            "city.calibration_years needs city.incident_date_column (the incident date)"
        )
    if cfg.crime_types:
        raise ConfigError(
            "city.crime_types: not used with city.incidents (types come from city.type_map "
            "and the keyword mapping); remove it"
        )
