"""Observed crime of a ``city=gis`` city, by period: count columns, or incidents per year.

Either way the result is a :class:`CrimePeriods`: counts per place and model type for each
named period (a column set of ``city.crime_periods``, a calendar year of dated incidents, or
``all``), the days each covers, and which periods build the city; the others are held back
so validation can compare the simulated ranking of places with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from cspsim.city.city import CRIME_TYPES
from cspsim.city.gis_common import BuildLog
from cspsim.city.gis_incidents import Incidents, locate, parse_dates, type_codes
from cspsim.city.gis_read import number
from cspsim.config.city import CityConfig
from cspsim.errors import ConfigError

#: Period name when counts have no date (one period of ``city.crime_period_days``).
ALL = "all"
#: An incident separated from the rest by a gap of at least this many days, and
#: :data:`STRAY_GAP_FACTOR` times the median gap between consecutive incidents (so a small,
#: sparse export keeps its dates), is a stray date (a placeholder such as 1900-01-01, a
#: mistyped year): left out, with a warning. Counted in, one stray date would add every
#: calendar year up to it as an observed year with no crime.
STRAY_GAP_DAYS = 180
STRAY_GAP_FACTOR = 20


@dataclass
class CrimePeriods:
    """Observed counts by period.

    Attributes:
        counts: Period name -> counts per place and type (P, 4), NaN for types with no data.
        days: Period name -> days it covers.
        calibration: Periods the city is built from, in order.
    """

    counts: dict[str, np.ndarray]
    days: dict[str, float]
    calibration: list[str]

    def subset(self, keep: np.ndarray) -> CrimePeriods:
        """The same periods for the places ``keep`` only."""
        counts = {k: v[keep] for k, v in self.counts.items()}
        return CrimePeriods(counts, dict(self.days), list(self.calibration))

    def observed_rates(self) -> np.ndarray:
        """Incidents per place per day over the calibration periods (P, 4)."""
        total = sum(self.counts[p] for p in self.calibration)
        return total / sum(self.days[p] for p in self.calibration)

    def heldout(self) -> list[str]:
        """Periods held back from building the city."""
        return [p for p in self.counts if p not in self.calibration]


# --------------------------------------------------------------------------- count columns


def column_periods(
    cfg: CityConfig, text: pd.DataFrame, label: str, ids: np.ndarray
) -> CrimePeriods | None:
    """Counts from ``city.crime_columns`` (one period) or ``city.crime_periods``."""
    if cfg.crime_columns:
        sets = {ALL: list(cfg.crime_columns)}
    elif cfg.crime_periods:
        sets = {str(k): list(v) for k, v in cfg.crime_periods.items()}
    else:
        return None
    counts = {}
    for period, columns in sets.items():
        arr = np.full((len(ids), len(CRIME_TYPES)), np.nan)
        for column, kind in zip(columns, cfg.crime_types, strict=True):
            arr[:, CRIME_TYPES.index(kind)] = number(text, column, label, ids, non_negative=True)
        counts[period] = arr
    days = {p: float(cfg.period_days.get(p, cfg.crime_period_days)) for p in sets}
    calibration = [str(p) for p in cfg.calibration_periods] or list(sets)
    return CrimePeriods(counts, days, [] if cfg.withhold_crime else calibration)


# --------------------------------------------------------------------------- incidents


def _year_days(dates: pd.Series) -> dict[str, float]:
    """Days of each calendar year the incidents cover (first and last year clipped)."""
    first, last = dates.min().normalize(), dates.max().normalize()
    days = {}
    for year in range(first.year, last.year + 1):
        start = max(first, pd.Timestamp(year=year, month=1, day=1))
        end = min(last, pd.Timestamp(year=year, month=12, day=31))
        days[str(year)] = float((end - start).days + 1)
    return days


def main_span(dates: pd.Series, label: str, blog: BuildLog) -> np.ndarray:
    """Rows dated in the export's main span: the longest run of dates without a gap.

    A gap is a time without any incident longer than :data:`STRAY_GAP_DAYS` days and
    :data:`STRAY_GAP_FACTOR` times the median gap; the run holding the most incidents is
    the span, the rows outside it are stray dates (logged).
    """
    values = np.sort(dates.to_numpy())
    gaps = np.diff(values)
    typical = np.median(gaps) if len(gaps) else np.timedelta64(0, "D")
    longest = max(np.timedelta64(STRAY_GAP_DAYS, "D"), STRAY_GAP_FACTOR * typical)
    cuts = np.flatnonzero(gaps > longest) + 1
    starts, ends = np.r_[0, cuts], np.r_[cuts, len(values)]
    k = int(np.argmax(ends - starts))
    first, last = pd.Timestamp(values[starts[k]]), pd.Timestamp(values[ends[k] - 1])
    keep = ((dates >= first) & (dates <= last)).to_numpy()
    if not keep.all():
        stray = sorted({f"{d:%Y-%m-%d}" for d in dates[~keep]})
        shown = ", ".join(stray[:3]) + (f" and {len(stray) - 3} more" if len(stray) > 3 else "")
        blog.warning(
            f"{label}: {int((~keep).sum())} incidents left out as stray dates ({shown}): "
            f"more than {longest.astype('timedelta64[D]').astype(int)} days from any incident "
            f"of the export's main span, {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )
    return keep


def _calibration_years(cfg: CityConfig, years: list[str], label: str) -> list[str]:
    if cfg.withhold_crime:
        return []
    chosen = [str(y) for y in cfg.calibration_years] or years
    unknown = [y for y in chosen if y not in years]
    if unknown:
        raise ConfigError(
            f"city.calibration_years: {', '.join(unknown)} not in {label}, whose incidents "
            f"span {', '.join(years)}"
        )
    return chosen


def incident_periods(
    cfg: CityConfig,
    incidents: Incidents,
    areas: gpd.GeoSeries,
    ids: np.ndarray,
    blog: BuildLog,
) -> CrimePeriods:
    """Map, date and place the incidents, then count them per place, type and year.

    Args:
        cfg: City config (type mapping, date column and format, calibration years).
        incidents: Incidents with usable coordinates.
        areas: Area polygons in a metric CRS, in area-file order.
        ids: Area ids (for messages).
        blog: Build log.

    Returns:
        One period per calendar year with dated incidents, else one period ``all`` of
        ``city.crime_period_days``.
    """
    codes, present = type_codes(incidents, cfg, blog)
    if cfg.incident_date_column:
        # Every dated row sets the span, also those of ignored categories.
        dates = parse_dates(incidents, cfg.incident_date_column, cfg.incident_date_format)
        span = main_span(dates, incidents.label, blog)
        codes = np.where(span, codes, -1)  # stray dates are not counted
        days = _year_days(dates[span])
        year = dates.dt.year.to_numpy() - dates[span].min().year
        calibration = _calibration_years(cfg, list(days), incidents.label)
    else:
        days = {ALL: float(cfg.crime_period_days)}
        year = np.zeros(len(codes), dtype=np.int64)
        calibration = [] if cfg.withhold_crime else [ALL]
    mapped = codes >= 0
    place = locate(incidents.take(mapped), areas, ids, blog, cfg.incidents_outside)
    inside = place >= 0
    year, codes = year[mapped][inside], codes[mapped][inside]
    shape = (len(days), len(ids), len(CRIME_TYPES))
    flat = np.ravel_multi_index((year, place[inside], codes), shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.float64)
    counts[:, :, [t not in present for t in range(len(CRIME_TYPES))]] = np.nan
    if cfg.incident_date_column:
        summary = ", ".join(
            f"{p} ({days[p]:g} days, {int(np.nansum(counts[i]))} incidents)"
            for i, p in enumerate(days)
        )
        blog.info(
            f"{incidents.label}: counted per year: {summary}; city built from "
            f"{', '.join(calibration)}"
        )
    return CrimePeriods(dict(zip(days, counts, strict=True)), days, calibration)
