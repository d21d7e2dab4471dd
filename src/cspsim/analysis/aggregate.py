"""Aggregation at scale: DuckDB queries over the Parquet tables of the counted runs.

DuckDB reads only the columns a query names and streams row groups through its aggregates,
so a thousand runs are summarized without holding their tables in memory: what comes back
is one row per run (:func:`run_summaries`), per run and month (:func:`monthly`) or per run
and place (:func:`place_totals`).

The queries are written from the declarations (:mod:`cspsim.analysis.outcomes`): how each
timeseries column aggregates over days (``Measure.over_days``), how each places column
aggregates over months (``Measure.over_places``), and the run-level outcomes. The same query
summarizes tables held in memory (:func:`summarize_tables`, used by the validation runs).
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import t_band
from cspsim.model.measures import MONTH_DAYS, measure

#: Runs aggregated per DuckDB query (see :func:`query`).
CHUNK = 100
#: Memory DuckDB may use before spilling to disk.
MEMORY_LIMIT = "512MB"
#: Read the list of files given as the query's parameter (explicit paths, no hive keys).
READ = "read_parquet(?, filename=true, hive_partitioning=false, union_by_name=true)"
#: Value of the places flags in runs written before the flags existed.
_LEGACY_FLAGS = {"targeted": "false", "treated": "true", "trial_arm": "-1"}

#: SQL of each way a timeseries column aggregates over the days of a run.
_OVER_DAYS = {
    "sum": 'sum("{c}")',
    "mean": 'avg("{c}")',
    "last30": 'avg("{c}") FILTER (WHERE day > last_day - 30)',
    "first": 'arg_min("{c}", day)',
}
#: SQL of each way a places column aggregates over the months of a run, per place.
_OVER_PLACES = {
    "sum": 'sum("{c}")',
    "mean": 'avg("{c}")',
    "any": 'bool_or("{c}")',
    "max": 'max("{c}")',
}


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a memory cap and two threads."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    con.execute("SET threads=2")
    return con


def columns_of(files: list[str]) -> set[str]:
    """Column names found in any of the files (Parquet footers only)."""
    import pyarrow.parquet as pq

    names: set[str] = set()
    for f in files:
        names.update(pq.read_schema(f).names)
    return names


def query(con: duckdb.DuckDBPyConnection, sql: str, files: list[str]) -> pd.DataFrame:
    """Run ``sql`` (reading the file list given as its parameter) over chunks of files.

    Every query here returns rows per run, so runs can be aggregated :data:`CHUNK` at a
    time: the reader's buffers stay bounded whatever the number of runs.
    """
    frames = [con.execute(sql, [files[i : i + CHUNK]]).df() for i in range(0, len(files), CHUNK)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _file_to_run(rs: RunSet, table: str) -> dict[str, str]:
    return dict(zip(rs.files(table), rs.runs["run_dir"], strict=True))


# ----------------------------------------------------------------- run summaries


def timeseries_aggregates(present: set[str]) -> tuple[dict[str, str], list[str]]:
    """SQL aggregate of every summary column read from the timeseries table.

    Args:
        present: Columns the tables hold (declared columns they lack are left out; an
            outcome of a missing column is NULL).

    Returns:
        ``({column: SQL expression}, [columns that are sums over the recorded days]``).
    """
    exprs: dict[str, tuple[str, bool]] = {}
    for m in oc.timeseries_measures():
        if m.over_days in _OVER_DAYS and m.name in present:
            exprs[m.name] = (_OVER_DAYS[m.over_days].format(c=m.name), m.over_days == "sum")
    for o in oc.outcomes():
        if o.over_days in _OVER_DAYS:
            sql = _OVER_DAYS[o.over_days].format(c=o.column)
            exprs[o.name] = (sql if o.column in present else "NULL", o.over_days == "sum")
        elif o.over_days == "ratio":
            for part, col in (("num", o.column), ("den", o.denominator)):
                sql = f'sum("{col}")' if col in present else "NULL"
                exprs[oc.ratio_part(o, part)] = (sql, False)
    return {k: v for k, (v, _) in exprs.items()}, [k for k, (_, s) in exprs.items() if s]


def _read_columns(exprs: list[str], present: set[str]) -> list[str]:
    """The present columns the aggregate expressions name (so DuckDB reads only those)."""
    named = {c for e in exprs for c in re.findall(r'"([^"]+)"', e)}
    return ["day", *sorted((named & present) - {"day"})]


def timeseries_sql(source: str, present: set[str]) -> tuple[str, list[str]]:
    """The per-run query of the timeseries table and the columns to scale per year."""
    aggs, per_year = timeseries_aggregates(present)
    cols = _read_columns(list(aggs.values()), present)
    select = ", ".join(f"{sql} AS {name}" for name, sql in aggs.items())
    sql = f"""SELECT filename, count(*) AS days_recorded{", " if select else ""}{select}
        FROM (SELECT filename, {", ".join(f'"{c}"' for c in cols)},
                     max(day) OVER (PARTITION BY filename) AS last_day
              FROM {source})
        GROUP BY filename"""
    return sql, per_year


def survey_sql(source: str, present: set[str]) -> str:
    """The per-run query of the survey table: survey outcomes of the last wave, by group."""
    aggs = []
    for o in oc.survey_outcomes():
        if o.column not in present:
            continue
        aggs.append(f'avg("{o.column}") AS {o.name}')
        aggs += [
            f'avg("{o.column}") FILTER (WHERE "group" = \'{g}\') AS {o.name}_{suffix}'
            for g, suffix in oc.GROUPS.items()
        ]
    cols = ", ".join(f'"{c}"' for c in _read_columns(aggs, present))
    return f"""SELECT filename{", " if aggs else ""}{", ".join(aggs)}
        FROM (SELECT *, max(day) OVER (PARTITION BY filename) AS last_wave
              FROM (SELECT filename, {cols} FROM {source}))
        WHERE day = last_wave GROUP BY filename"""


def run_summaries(rs: RunSet) -> pd.DataFrame:
    """One row of outcomes per counted run, at real scale and per year.

    Columns: the run's identity (``run_dir, scenario, strategy, seed, arm, stage, city,
    days, population, ...``), ``days_recorded``, and the columns described in
    :mod:`cspsim.analysis.outcomes` (declared timeseries columns, outcomes, derived values).
    """
    if rs.runs.empty:
        return pd.DataFrame()
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    ts_files, sv_files = rs.files("timeseries"), rs.files("survey")
    sql, per_year = timeseries_sql(READ, columns_of(ts_files))
    ts = query(con, sql, ts_files)
    sv = query(con, survey_sql(READ, columns_of(sv_files)), sv_files)
    ts.insert(0, "run_dir", ts.pop("filename").map(_file_to_run(rs, "timeseries")))
    sv.insert(0, "run_dir", sv.pop("filename").map(_file_to_run(rs, "survey")))
    return _assemble(rs.runs.drop(columns=["meta"]), ts, sv, per_year)


def summarize_tables(
    runs: pd.DataFrame, timeseries: pd.DataFrame, survey: pd.DataFrame
) -> pd.DataFrame:
    """:func:`run_summaries` of tables held in memory (the same queries, no files).

    Args:
        runs: One row per run: ``run_dir`` (any key), ``scenario``, ``seed``, and for the
            derived values ``population``, ``group_b_share``, ``officer_hour_cost``.
        timeseries: The runs' timeseries tables, stacked, with their ``run_dir``.
        survey: The runs' survey tables, stacked, with their ``run_dir``.
    """
    con = connect()
    con.register("timeseries_frames", timeseries.rename(columns={"run_dir": "filename"}))
    con.register("survey_frames", survey.rename(columns={"run_dir": "filename"}))
    sql, per_year = timeseries_sql("timeseries_frames", set(timeseries.columns) - {"run_dir"})
    ts = con.execute(sql).df().rename(columns={"filename": "run_dir"})
    sv = con.execute(survey_sql("survey_frames", set(survey.columns) - {"run_dir"})).df()
    return _assemble(runs, ts, sv.rename(columns={"filename": "run_dir"}), per_year)


def _assemble(
    ident: pd.DataFrame, ts: pd.DataFrame, sv: pd.DataFrame, per_year: list[str]
) -> pd.DataFrame:
    df = ident.merge(ts, on="run_dir", how="left").merge(sv, on="run_dir", how="left")
    out = oc.derive(df, per_year)
    return out.sort_values(["scenario", "seed"], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------- months and places


def monthly(rs: RunSet, columns: list[str]) -> pd.DataFrame:
    """Monthly (30-day) means of timeseries columns per run: ``run_dir, month, <columns>``."""
    if rs.runs.empty:
        return pd.DataFrame(columns=["run_dir", "month", *columns])
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    avgs = ", ".join(f"avg({c}) AS {c}" for c in columns)
    df = query(
        con,
        f"""SELECT filename, day // {MONTH_DAYS} AS month, {avgs}
        FROM (SELECT filename, day, {", ".join(columns)} FROM {READ})
        GROUP BY filename, month ORDER BY filename, month""",
        rs.files("timeseries"),
    )
    df.insert(0, "run_dir", df.pop("filename").map(_file_to_run(rs, "timeseries")))
    return df


def _flags(files: list[str]) -> dict[str, str]:
    """Select expressions of the place flags (``any``/``max`` columns; legacy defaults)."""
    names = columns_of(files[:1])
    flags = [m.name for m in (*oc.place_measures("any"), *oc.place_measures("max"))]
    return {
        k: (f'"{k}"' if k in names else f"{_LEGACY_FLAGS.get(k, 'NULL')} AS {k}") for k in flags
    }


def place_totals(rs: RunSet, columns: list[str]) -> pd.DataFrame:
    """Per run and place: ``columns`` aggregated over months as declared, and the flags.

    Each column aggregates as its declaration says (``over_places``): sums are scaled to
    one year, means are means over months.

    Returns:
        ``run_dir, place_id, neighbourhood, months``, the place's flags (``targeted``: ever
        targeted, ``treated``, ``trial_arm``, ...) and the columns.
    """
    if rs.runs.empty:
        return pd.DataFrame()
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    f = _flags(rs.files("places"))
    aggs = {c: _OVER_PLACES[measure("places", c).over_places] for c in columns}
    flag_aggs = {k: _OVER_PLACES[measure("places", k).over_places] for k in f}
    select = ", ".join(f"{sql.format(c=c)} AS {c}" for c, sql in {**flag_aggs, **aggs}.items())
    df = query(
        con,
        f"""SELECT filename, place_id, any_value(neighbourhood) AS neighbourhood,
              count(*) AS months, {select}
        FROM (SELECT filename, CAST(place_id AS VARCHAR) AS place_id, neighbourhood,
                {", ".join(f.values())}, {", ".join(f'"{c}"' for c in columns)}
              FROM {READ})
        GROUP BY filename, place_id
        ORDER BY filename, place_id""",  # a GROUP BY's rows come in any order
        rs.files("places"),
    )
    df.insert(0, "run_dir", df.pop("filename").map(_file_to_run(rs, "places")))
    days = rs.runs.set_index("run_dir")["days"].astype(float).clip(lower=1)
    per_year = 365.0 / df["run_dir"].map(days).to_numpy(np.float64)
    for c in columns:
        if measure("places", c).over_places == "sum":
            df[c] = df[c].astype(float) * per_year
    for c in ("run_dir", "place_id", "neighbourhood"):  # a thousand runs x places: compact
        df[c] = df[c].astype("category")
    return df


def place_months(rs: RunSet, columns: list[str], run_dirs: list[str] | None = None) -> pd.DataFrame:
    """Per run, place and month: the places table's ``columns`` (for panel estimators)."""
    sub = rs.runs if run_dirs is None else rs.runs[rs.runs["run_dir"].isin(run_dirs)]
    if sub.empty:
        return pd.DataFrame()
    files = [str(p) + "/places.parquet" for p in sub["run_dir"]]
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    f = _flags(files)
    df = query(
        con,
        f"""SELECT filename, CAST(place_id AS VARCHAR) AS place_id, neighbourhood, month,
              {", ".join(f.values())}, {", ".join(columns)}
        FROM {READ}""",
        files,
    )
    df.insert(0, "run_dir", df.pop("filename").map(dict(zip(files, sub["run_dir"], strict=True))))
    return df


def scenario_bands(per_run: pd.DataFrame, runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Mean and 95% t-band over seeds of monthly columns, per scenario and month."""
    df = per_run.merge(runs[["run_dir", "scenario"]], on="run_dir")
    g = df.groupby(["scenario", "month"])[columns]
    mean = g.mean()
    low, high = t_band(mean, g.std(ddof=1), g.count())
    out = mean.add_suffix("_mean").join(low.add_suffix("_low"))
    return out.join(high.add_suffix("_high")).reset_index()
