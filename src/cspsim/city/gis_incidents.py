"""Incidents of a ``city=gis`` city: reading, type mapping, dates, and the spatial join.

Each row is one incident with a category, optional date and coordinates (a CSV with
coordinate columns, or a point layer GDAL reads). A category maps to a model type through
``city.type_map`` (case-insensitive) and then, unless ``city.type_keywords=false``, through
:data:`KEYWORDS`; the mapping used is logged. Rows without usable coordinates, and points
outside every area, are counted and reported, and are an error when they are most of the
file. A point that touches several areas (on a shared edge or corner) is counted once, in the
area that comes first in the area file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj.exceptions import CRSError

from cspsim.city.city import CRIME_TYPES
from cspsim.city.gis_common import MOST, BuildLog, resolve_path
from cspsim.city.gis_read import read_layer, with_crs
from cspsim.city.inputs import read_csv_table, require_columns
from cspsim.config.city import CityConfig
from cspsim.errors import CityDataError, ConfigError

#: Keyword -> model type rules, tried in this order on the lower-cased category (so
#: "criminal damage to vehicle" is disorder and "vehicle robbery" violent).
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "drugs",
        ("narcotic", "drug", "controlled substance", "marijuana", "cannabis", "cocaine", "heroin"),
    ),
    (
        "violent",
        (
            "homicide",
            "murder",
            "manslaughter",
            "robbery",
            "assault",
            "battery",
            "rape",
            "sex offense",
            "kidnap",
            "shooting",
            "carjack",
        ),
    ),
    (
        "disorder",
        (
            "vandalism",
            "disorder",
            "graffiti",
            "trespass",
            "criminal damage",
            "criminal mischief",
            "malicious mischief",
            "loitering",
            "drunk",
            "intoxicat",
            "prostitution",
        ),
    ),
    (
        "property",
        (
            "burglary",
            "theft",
            "larceny",
            "vehicle",
            "stolen",
            "shoplift",
            "breaking",
            "arson",
            "pickpocket",
        ),
    ),
)
#: Column names tried, in order, for the coordinates of an incident CSV.
X_NAMES = ("lon", "longitude", "lng", "long", "x")
Y_NAMES = ("lat", "latitude", "y")
#: Suffixes read as CSV tables (anything else is read by GDAL as a point layer).
CSV_SUFFIXES = (".csv",)
#: Category label used for empty category cells.
EMPTY_CATEGORY = "(empty)"


def keyword_type(category: str) -> str | None:
    """Model type of an incident category by :data:`KEYWORDS`, or ``None``."""
    text = category.lower()
    for kind, words in KEYWORDS:
        if any(word in text for word in words):
            return kind
    return None


@dataclass
class Incidents:
    """Incidents with usable coordinates.

    Attributes:
        points: Point of each incident, in its own CRS.
        rows: 1-based data row (feature) of each incident in the file.
        category: Category of each incident (stripped; :data:`EMPTY_CATEGORY` if empty).
        date: Date cells of each incident (strings or datetimes), or ``None``.
        label: File name for messages.
        total: Rows in the file, with or without coordinates.
    """

    points: gpd.GeoSeries
    rows: np.ndarray
    category: np.ndarray
    date: pd.Series | None
    label: str
    total: int

    def take(self, mask: np.ndarray) -> Incidents:
        """The incidents where ``mask`` is true."""
        date = None if self.date is None else self.date[mask].reset_index(drop=True)
        return Incidents(
            self.points[mask].reset_index(drop=True),
            self.rows[mask],
            self.category[mask],
            date,
            self.label,
            self.total,
        )


def _pick_column(frame: pd.DataFrame, names: tuple[str, ...], label: str, axis: str) -> str:
    lower = {str(c).lower(): c for c in frame.columns}
    for name in names:
        if name in lower:
            return lower[name]
    raise CityDataError(
        f"{label}: no {axis} coordinate column (looked for {', '.join(names)}); columns "
        f"present: {', '.join(repr(c) for c in frame.columns)}; set "
        f"city.incident_{axis}_column"
    )


def _categories(values: pd.Series) -> np.ndarray:
    text = values.astype(object).where(values.notna(), "").map(lambda v: str(v).strip())
    return np.where(text.to_numpy(dtype=str) == "", EMPTY_CATEGORY, text.to_numpy(dtype=str))


def _report_missing(n_missing: int, total: int, first: int, label: str, blog: BuildLog) -> None:
    if n_missing == 0:
        return
    message = (
        f"{label}: {n_missing} of {total} incidents ({n_missing / total:.0%}) have no usable "
        f"coordinates (first: row {first})"
    )
    if n_missing > MOST * total:
        raise CityDataError(
            message + "; most incidents cannot be placed: check the coordinate columns "
            "(city.incident_x_column, city.incident_y_column) and city.incident_crs"
        )
    blog.warning(message + "; they are not counted")


def _read_csv(cfg: CityConfig, path: Path, label: str, blog: BuildLog) -> Incidents:
    frame = read_csv_table(path, label)
    if len(frame) == 0:
        raise CityDataError(f"{label}: no incidents (the table has no rows)")
    xcol = cfg.incident_x_column or _pick_column(frame, X_NAMES, label, "x")
    ycol = cfg.incident_y_column or _pick_column(frame, Y_NAMES, label, "y")
    wanted = [xcol, ycol, cfg.incident_type_column, cfg.incident_date_column]
    require_columns(frame, [c for c in wanted if c], label)
    x = pd.to_numeric(frame[xcol], errors="coerce").to_numpy(dtype=np.float64)
    y = pd.to_numeric(frame[ycol], errors="coerce").to_numpy(dtype=np.float64)
    crs = cfg.incident_crs or "EPSG:4326"
    ok = np.isfinite(x) & np.isfinite(y)
    try:
        points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs)
    except CRSError as exc:
        raise ConfigError(f"city.incident_crs: not a known CRS: {crs!r} ({exc})") from exc
    if points.crs.is_geographic:
        # Projected metres read as degrees would land nowhere: count them as unusable.
        ok &= (np.abs(x) <= 180) & (np.abs(y) <= 90)
    bad = np.flatnonzero(~ok)
    _report_missing(bad.size, len(frame), int(bad[0]) + 1 if bad.size else 0, label, blog)
    date = frame[cfg.incident_date_column] if cfg.incident_date_column else None
    whole = Incidents(
        points,
        np.arange(1, len(frame) + 1),
        _categories(frame[cfg.incident_type_column]),
        date,
        label,
        len(frame),
    )
    return whole.take(ok)


def _read_points(cfg: CityConfig, path: Path, label: str, blog: BuildLog) -> Incidents:
    frame = read_layer(path, label, expected="a point layer, or a CSV file ending in .csv")
    if len(frame) == 0:
        raise CityDataError(f"{label}: no incidents (the layer is empty)")
    frame = with_crs(frame, label, cfg.incident_crs, "incident_crs")
    require_columns(
        frame, [c for c in (cfg.incident_type_column, cfg.incident_date_column) if c], label
    )
    geometry = frame.geometry.reset_index(drop=True)
    ok = (~geometry.isna() & ~geometry.is_empty).to_numpy()
    kinds = geometry.geom_type.to_numpy()
    wrong = np.flatnonzero(ok & (kinds != "Point"))
    if wrong.size:
        raise CityDataError(
            f"{label}: feature {wrong[0] + 1}: expected a Point, got {kinds[wrong[0]]}; "
            "city.incidents must be a point layer or a CSV with coordinates"
        )
    bad = np.flatnonzero(~ok)
    _report_missing(bad.size, len(frame), int(bad[0]) + 1 if bad.size else 0, label, blog)
    date = (
        frame[cfg.incident_date_column].reset_index(drop=True) if cfg.incident_date_column else None
    )
    whole = Incidents(
        geometry,
        np.arange(1, len(frame) + 1),
        _categories(frame[cfg.incident_type_column]),
        date,
        label,
        len(frame),
    )
    return whole.take(ok)


def read_incidents(cfg: CityConfig, blog: BuildLog) -> Incidents:
    """Read ``city.incidents`` (CSV with coordinate columns, or a point layer).

    Raises:
        CityDataError: Unreadable file, missing column, or most rows without coordinates.
    """
    label = str(cfg.incidents)
    path = resolve_path(label, "incidents")
    if path.suffix.lower() in CSV_SUFFIXES:
        return _read_csv(cfg, path, label, blog)
    return _read_points(cfg, path, label, blog)


# --------------------------------------------------------------------------- types


def _mapping(cfg: CityConfig, categories: np.ndarray) -> tuple[list[str], list[str], list[str]]:
    """Target and source of each category (``unmapped`` targets are ``ignore``)."""
    explicit = {str(k).strip().lower(): str(v) for k, v in cfg.type_map.items()}
    targets, sources, unmapped = [], [], []
    for category in categories:
        target, source = explicit.get(category.lower()), "type_map"
        if target is None and cfg.type_keywords:
            target, source = keyword_type(category), "keyword"
        if target is None:
            target, source = "ignore", "unmapped"
            unmapped.append(category)
        targets.append(target)
        sources.append(source)
    return targets, sources, unmapped


def type_codes(incidents: Incidents, cfg: CityConfig, blog: BuildLog) -> tuple[np.ndarray, set]:
    """Model type index of each incident (-1: ignored) and the type indices mapped to.

    Raises:
        CityDataError: A category has no mapping and ``city.unmapped`` is ``error``
            (naming every such category, its count and first row).
    """
    categories, inverse, counts = np.unique(
        incidents.category, return_inverse=True, return_counts=True
    )
    targets, sources, unmapped = _mapping(cfg, categories)
    column = cfg.incident_type_column
    if unmapped and cfg.unmapped == "error":
        first = {c: int(incidents.rows[np.argmax(incidents.category == c)]) for c in unmapped}
        listed = "; ".join(
            f"'{c}' ({counts[list(categories).index(c)]} incidents, first in row {first[c]})"
            for c in unmapped[:10]
        )
        more = f"; and {len(unmapped) - 10} more" if len(unmapped) > 10 else ""
        raise CityDataError(
            f"{incidents.label}: column '{column}': {len(unmapped)} categor"
            f"{'y' if len(unmapped) == 1 else 'ies'} with no model type: {listed}{more}. Map "
            "each to violent, property, disorder, drugs or ignore with city.type_map (on the "
            f"command line: '++city.type_map={{{unmapped[0]}: ignore}}'), or set "
            "city.unmapped=ignore"
        )
    lines = ", ".join(
        f"'{c}' -> {t} ({s}, {n})"
        for c, t, s, n in zip(categories, targets, sources, counts, strict=True)
    )
    blog.info(f"{incidents.label}: incident types from column '{column}': {lines}")
    code_of = np.array([CRIME_TYPES.index(t) if t in CRIME_TYPES else -1 for t in targets])
    codes = code_of[inverse] if len(categories) else np.zeros(0, dtype=np.int64)
    ignored = int(np.sum(codes < 0))
    if ignored:
        blog.info(f"{incidents.label}: {ignored} incidents of ignored categories not counted")
    return codes, {int(c) for c in code_of if c >= 0}


# --------------------------------------------------------------------------- dates


def _parses(value: str) -> bool:
    """Whether pandas reads ``value`` as a date on its own."""
    try:
        return not pd.isna(pd.to_datetime(value))
    except (ValueError, TypeError, OverflowError):
        return False


def parse_dates(incidents: Incidents, column: str, fmt: str | None) -> pd.Series:
    """Incident dates as naive local timestamps.

    Raises:
        CityDataError: A date does not parse (naming the row and the value found).
    """
    raw = incidents.date
    label = incidents.label
    try:
        if pd.api.types.is_datetime64_any_dtype(raw):
            dates = pd.Series(raw)
        else:
            dates = pd.to_datetime(raw.astype(str), format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError) as exc:
        raise CityDataError(
            f"{label}: column '{column}': dates cannot be parsed ({exc}); set "
            "city.incident_date_format (e.g. %Y-%m-%d)"
        ) from exc
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)  # the local wall-clock date decides the year
    bad = np.flatnonzero(dates.isna().to_numpy())
    if bad.size:
        value = str(raw.iloc[bad[0]]).strip()
        got = f"'{value}'" if value not in ("", "NaT", "None", "nan") else "an empty value"
        more = f" (and {bad.size - 1} more rows)" if bad.size > 1 else ""
        want = f"a date in the format {fmt!r}" if fmt else "a date"
        first = str(raw.iloc[0]).strip()
        if not fmt and _parses(value):
            # pandas takes the format from the first date: a mix of formats fails.
            want = f"a date written like the first one ('{first}'; one format per column)"
        raise CityDataError(
            f"{label}: column '{column}' row {incidents.rows[bad[0]]}: expected {want}, got "
            f"{got}{more}; set city.incident_date_format if the dates are valid"
        )
    return dates.reset_index(drop=True)


# --------------------------------------------------------------------------- places


def locate(
    incidents: Incidents,
    areas: gpd.GeoSeries,
    ids: np.ndarray,
    blog: BuildLog,
    outside: str = "error",
) -> np.ndarray:
    """Area index of each incident, -1 outside every area.

    Points are matched to the polygons they intersect (inside or on the boundary) with
    geopandas' spatial index (what ``sjoin`` uses); a point on a shared edge or corner
    touches several areas and is counted once, in the first of them in the area file.

    Args:
        incidents: The incidents.
        areas: The areas' polygons.
        ids: The areas' ids.
        blog: Build log (warnings).
        outside: ``city.incidents_outside``: ``error`` refuses most incidents outside,
            ``ignore`` drops them however many.

    Raises:
        CityDataError: Most incidents fall outside every area and ``outside`` is ``error``.
    """
    points = incidents.points.to_crs(areas.crs)
    point_idx, area_idx = areas.sindex.query(points.values, predicate="intersects")
    order = np.lexsort((area_idx, point_idx))
    point_idx, area_idx = point_idx[order], area_idx[order]
    first = np.ones(point_idx.size, dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    place = np.full(len(points), -1, dtype=np.int64)
    place[point_idx[first]] = area_idx[first]
    shared = int(point_idx.size - first.sum())
    if shared:
        blog.info(
            f"{incidents.label}: {shared} incident(s) on a boundary shared by several areas, "
            "each counted once in the first of those areas in the area file"
        )
    _report_outside(incidents, place, blog, outside)
    return place


def _report_outside(incidents: Incidents, place: np.ndarray, blog: BuildLog, outside: str) -> None:
    rows = np.flatnonzero(place < 0)
    if rows.size == 0:
        return
    n = len(place)
    message = (
        f"{incidents.label}: {rows.size} of {n} incidents ({rows.size / n:.0%}) lie "
        f"outside every area (first: row {incidents.rows[rows[0]]})"
    )
    if rows.size > MOST * n and outside == "error":
        raise CityDataError(
            message + "; most incidents are outside the city: check that city.areas and "
            "city.incidents cover the same place and that city.incident_crs is right (or, "
            "for areas that are part of the incidents' city, city.incidents_outside=ignore)"
        )
    blog.warning(message + "; they are not counted")
