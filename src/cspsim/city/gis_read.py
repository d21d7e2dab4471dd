"""Reading the polygon layers and tables of ``city=gis``, checking every feature.

Messages name the file, the column and the feature (1-based, in file order) with its id,
like the CSV loaders' rows. Invalid polygons are repaired with shapely's ``make_valid``
(``structure`` method: polygon in, polygon out) and reported; a polygon that repairs to
nothing is an error.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio.errors
import shapely
from pyproj.exceptions import CRSError

from cspsim.city.gis_common import BuildLog, resolve_path
from cspsim.city.inputs import numeric_column, parse_ids, read_csv_table, require_columns
from cspsim.config.city import CityConfig
from cspsim.errors import CityDataError, ConfigError

#: Geometry types an area may have.
POLYGON_TYPES = ("Polygon", "MultiPolygon")
#: Features quoted in a repair message before summarising.
_MAX_QUOTED = 3
#: What reading a layer may raise, besides the (GDAL) errors of pyogrio.
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    OSError,
    ValueError,
    RuntimeError,
)


def read_layer(
    path: Path,
    label: str,
    layer: str | None = None,
    expected: str = "a polygon layer",
    layer_setting: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector layer with pyogrio.

    A file of several layers (a GeoPackage) needs ``layer``: GDAL would read the first
    silently, and which one that is depends on how the file was saved.

    Args:
        path: The file.
        label: The file as named in messages.
        layer: The layer to read (None: the file must hold one).
        expected: What the file should hold, in words (for messages).
        layer_setting: The setting that names ``layer``, if there is one (for messages).

    Raises:
        CityDataError: GDAL cannot open or read the file, or it holds several layers and
            none was named (message names the file and its layers).
    """
    if layer is None:
        _one_layer(path, label, layer_setting)
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except _READ_ERRORS as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CityDataError(f"{label}: cannot be read as a GIS layer: {detail}") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise CityDataError(f"{label}: has no geometry column (expected {expected})")
    return frame


def _one_layer(path: Path, label: str, setting: str | None) -> None:
    """Refuse a file of several layers when none was named."""
    try:
        layers = pyogrio.list_layers(path)
    except _READ_ERRORS:
        return  # unreadable: reading it says why
    if len(layers) <= 1:
        return
    names = ", ".join(str(name) for name in layers[:, 0])
    remedy = (
        f"set {setting} to the one to read"
        if setting
        else "save the one to use in a file of its own (city.layer names a layer of "
        "city.areas only)"
    )
    raise CityDataError(f"{label}: holds {len(layers)} layers ({names}); {remedy}")


def with_crs(
    frame: gpd.GeoDataFrame, label: str, fallback: str | None, setting: str
) -> gpd.GeoDataFrame:
    """Return ``frame`` with a CRS: its own, else ``fallback`` (a ``city.*`` setting).

    Raises:
        CityDataError: The file declares no CRS and no fallback is set.
        ConfigError: The fallback is not a CRS pyproj knows.
    """
    if frame.crs is not None:
        return frame
    if not fallback:
        raise CityDataError(
            f"{label}: the file declares no coordinate reference system (CRS; a shapefile "
            f"needs its .prj); set city.{setting}, e.g. city.{setting}=EPSG:4326 if the "
            "coordinates are longitude/latitude"
        )
    try:
        return frame.set_crs(fallback)
    except CRSError as exc:
        raise ConfigError(f"city.{setting}: not a known CRS: {fallback!r} ({exc})") from exc


def _cell_text(series: pd.Series) -> pd.Series:
    text = series.astype(object).where(series.notna(), "")
    return text.map(lambda v: str(v).strip())


def _id_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=np.float64)
        finite = np.isfinite(values)
        if np.all(np.round(values[finite]) == values[finite]):
            # Shapefiles often store integer ids as floats: 17.0 is id '17'.
            whole = np.where(finite, values, 0).astype(np.int64).astype(str)
            return pd.Series(np.where(finite, whole, ""), index=series.index)
    return _cell_text(series)


def text_frame(frame: pd.DataFrame, columns: list[str], id_column: str) -> pd.DataFrame:
    """The named columns as stripped strings ('' for missing), as the CSV checks expect."""
    out = {c: (_id_text if c == id_column else _cell_text)(frame[c]) for c in columns}
    return pd.DataFrame({c: s.to_numpy() for c, s in out.items()}, index=range(len(frame)))


def area_columns(cfg: CityConfig) -> list[str]:
    """Attribute columns of the area layer the config uses (the id first)."""
    wanted = [cfg.id_column]
    if not cfg.population_table:
        wanted.append(cfg.population_column)
    wanted += [c.strip().lstrip("-") for c in cfg.disadvantage_columns]
    wanted += [c for c in (cfg.commercial_column, cfg.neighbourhood_column, cfg.name_column) if c]
    wanted += list(cfg.crime_columns)
    for columns in cfg.crime_periods.values():
        wanted += list(columns)
    return list(dict.fromkeys(wanted))


def read_areas(cfg: CityConfig, blog: BuildLog) -> tuple[gpd.GeoDataFrame, pd.DataFrame, str]:
    """Read ``city.areas``: the layer (with a CRS and valid polygons) and its columns as text.

    Returns:
        ``(layer, text, label)``: the GeoDataFrame, the used attribute columns as strings
        (for the checks of :mod:`cspsim.city.inputs`) and the file name for messages.
    """
    label = str(cfg.areas)
    path = resolve_path(str(cfg.areas), "areas")
    frame = read_layer(path, label, cfg.layer, layer_setting="city.layer")
    if len(frame) == 0:
        raise CityDataError(f"{label}: no features (the layer is empty); a city needs places")
    frame = with_crs(frame, label, cfg.crs, "crs")
    require_columns(frame, area_columns(cfg), label)
    text = text_frame(frame, area_columns(cfg), cfg.id_column)
    ids = parse_ids(text, cfg.id_column, label, row_word="feature")
    frame = frame.set_geometry(check_polygons(frame.geometry, label, ids, blog))
    return frame.reset_index(drop=True), text, label


def _quote(label: str, rows: np.ndarray, ids: np.ndarray, what: str) -> str:
    row = int(rows[0])
    more = f" (and {rows.size - 1} more)" if rows.size > 1 else ""
    return f"{label}: feature {row + 1} (id '{ids[row]}'): {what}{more}"


def check_polygons(
    geometry: gpd.GeoSeries,
    label: str,
    ids: np.ndarray,
    blog: BuildLog,
    setting: str = "city.areas",
) -> gpd.GeoSeries:
    """Reject missing and non-polygon geometries; repair invalid ones and report them.

    Raises:
        CityDataError: A feature has no geometry, is not a polygon, or repairs to nothing.
    """
    values = geometry.values
    missing = np.flatnonzero(geometry.isna().to_numpy() | geometry.is_empty.to_numpy())
    if missing.size:
        raise CityDataError(_quote(label, missing, ids, "no geometry (null or empty)"))
    kinds = geometry.geom_type.to_numpy()
    wrong = np.flatnonzero(~np.isin(kinds, POLYGON_TYPES))
    if wrong.size:
        raise CityDataError(
            _quote(label, wrong, ids, f"expected a Polygon or MultiPolygon, got {kinds[wrong[0]]}")
            + f"; {setting} must be a polygon layer"
        )
    invalid = np.flatnonzero(~geometry.is_valid.to_numpy())
    if invalid.size == 0:
        return geometry
    reasons = shapely.is_valid_reason(values[invalid])
    fixed = shapely.make_valid(values[invalid], method="structure", keep_collapsed=False)
    empty = np.flatnonzero(shapely.is_empty(fixed) | (shapely.area(fixed) <= 0))
    if empty.size:
        raise CityDataError(
            _quote(label, invalid[empty], ids, f"invalid polygon ({reasons[empty[0]]})")
            + " that has no area once repaired; fix or remove it"
        )
    repaired = geometry.copy()
    repaired.iloc[invalid] = fixed
    shown = "; ".join(
        f"feature {r + 1} (id '{ids[r]}'): {why}"
        for r, why in zip(invalid[:_MAX_QUOTED], reasons[:_MAX_QUOTED], strict=True)
    )
    more = f"; and {invalid.size - _MAX_QUOTED} more" if invalid.size > _MAX_QUOTED else ""
    blog.warning(
        f"{label}: repaired {invalid.size} invalid polygon(s) with make_valid: {shown}{more}"
    )
    return repaired


def number(
    text: pd.DataFrame, column: str, label: str, ids: np.ndarray, *, non_negative: bool
) -> np.ndarray:
    """A numeric area column (errors name the feature and id)."""
    return numeric_column(text, column, label, ids, non_negative=non_negative, row_word="feature")


def population(cfg: CityConfig, text: pd.DataFrame, label: str, ids: np.ndarray) -> np.ndarray:
    """Residents per area: the area layer's column, or ``city.population_table`` by id.

    Raises:
        CityDataError: A bad value, or an area missing from the table (naming its id).
    """
    if not cfg.population_table:
        values = number(text, cfg.population_column, label, ids, non_negative=True)
        return values * float(cfg.population_scale)
    table_label = str(cfg.population_table)
    table = read_csv_table(resolve_path(table_label, "population_table"), table_label)
    key = cfg.population_table_id_column or cfg.id_column
    table_ids = parse_ids(table, key, table_label)
    values = numeric_column(table, cfg.population_column, table_label, table_ids, non_negative=True)
    position = pd.Index(table_ids).get_indexer(ids)
    missing = np.flatnonzero(position < 0)
    if missing.size:
        more = f" (and {missing.size - 1} more areas)" if missing.size > 1 else ""
        raise CityDataError(
            f"{table_label}: column '{key}': no row for area id '{ids[missing[0]]}' (feature "
            f"{missing[0] + 1} of {label}){more}; every area needs a population"
        )
    return values[position] * float(cfg.population_scale)


def commercial(
    cfg: CityConfig, text: pd.DataFrame, label: str, ids: np.ndarray
) -> np.ndarray | None:
    """Commercial land-use share per area in [0, 1], or ``None`` without the column.

    Raises:
        CityDataError: A value outside [0, 1] (naming the feature; percentages need /100).
    """
    if not cfg.commercial_column:
        return None
    values = number(text, cfg.commercial_column, label, ids, non_negative=True)
    above = np.flatnonzero(values > 1)
    if above.size:
        raise CityDataError(
            _quote(
                label,
                above,
                ids,
                f"column '{cfg.commercial_column}': expected a share in [0, 1], got "
                f"{values[above[0]]:g} (a percentage? divide by 100)",
            )
        )
    return values
