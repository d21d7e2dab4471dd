"""Aggregation at scale: DuckDB queries over the Parquet tables of the counted runs.

DuckDB reads only the columns a query names and streams row groups through its aggregates,
so a thousand runs are summarized without holding their tables in memory: what comes back
is one row per run (:func:`run_summaries`), per run and month (:func:`monthly`) or per run
and place (:func:`place_totals`).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from cspsim.analysis.runs import RunSet
from cspsim.city import CRIME_TYPES

#: Days per month in the monthly series (the places table uses the same 30-day months).
MONTH_DAYS = 30
#: Runs aggregated per DuckDB query (see :func:`query`).
CHUNK = 100
#: Memory DuckDB may use before spilling to disk.
MEMORY_LIMIT = "512MB"

_SUMS = [
    "crimes_true",
    "crimes_recorded",
    *[f"crimes_true_{t}" for t in CRIME_TYPES],
    *[f"crimes_recorded_{t}" for t in CRIME_TYPES],
    "arrests",
    "contacts_negative",
    "contacts_positive",
    "contacts_police_initiated",
    "contacts_negative_group_a",
    "contacts_negative_group_b",
    "arrests_group_a",
    "arrests_group_b",
    "reports",
    "victimizations",
    "budget_spent",
    "officer_hours",
]
_LAST30 = {"trust": "mean_trust", "fear": "mean_fear", "high_confidence": "high_confidence_share"}
_MEANS = ["patrol_hours", "program_enrolled"]


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a memory cap and two threads."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    con.execute("SET threads=2")
    return con


#: Read the list of files given as the query's parameter (explicit paths, no hive keys).
READ = "read_parquet(?, filename=true, hive_partitioning=false, union_by_name=true)"
#: Places-table flags and their value in runs written before they existed.
_PLACE_FLAGS = {"targeted": "false", "treated": "true", "trial_arm": "-1"}


def _flags(files: list[str]) -> dict[str, str]:
    """Select expressions of the place flags (defaults where the tables lack them)."""
    import pyarrow.parquet as pq

    names = set(pq.read_schema(files[0]).names) if files else set()
    return {k: (k if k in names else f"{v} AS {k}") for k, v in _PLACE_FLAGS.items()}


def query(con: duckdb.DuckDBPyConnection, sql: str, files: list[str]) -> pd.DataFrame:
    """Run ``sql`` (reading the file list given as its parameter) over chunks of files.

    Every query here returns rows per run, so runs can be aggregated :data:`CHUNK` at a
    time: the reader's buffers stay bounded whatever the number of runs.
    """
    frames = [con.execute(sql, [files[i : i + CHUNK]]).df() for i in range(0, len(files), CHUNK)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _file_to_run(rs: RunSet, table: str) -> dict[str, str]:
    return dict(zip(rs.files(table), rs.runs["run_dir"], strict=True))


def run_summaries(rs: RunSet) -> pd.DataFrame:
    """One row of outcome measures per counted run, at real scale and per year.

    Columns: the run's identity (``run_dir, scenario, strategy, seed, arm, stage, city,
    days, population``) and the measures of :data:`cspsim.analysis.summary.MEASURES`, plus
    ``reallocated`` (spending on anything but officer-hours per year) and arrests per 1,000
    residents by group.
    """
    if rs.runs.empty:
        return pd.DataFrame()
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    sums = ", ".join(f"sum({c}) AS {c}" for c in _SUMS)
    last = ", ".join(
        f"avg({c}) FILTER (WHERE day > last_day - 30) AS {k}" for k, c in _LAST30.items()
    )
    means = ", ".join(f"avg({c}) AS {c}" for c in _MEANS)
    cols = ", ".join(sorted({*_SUMS, *_LAST30.values(), *_MEANS, "day"}))
    ts = query(
        con,
        f"""SELECT filename, count(*) AS days_recorded, {sums}, {last}, {means}
        FROM (SELECT filename, {cols}, max(day) OVER (PARTITION BY filename) AS last_day
              FROM {READ})
        GROUP BY filename""",
        rs.files("timeseries"),
    )
    sv = query(
        con,
        f"""SELECT filename, avg(satisfaction) AS satisfaction, avg(safety) AS safety,
              avg(satisfaction) FILTER (WHERE "group" = 'A') AS satisfaction_a,
              avg(satisfaction) FILTER (WHERE "group" = 'B') AS satisfaction_b
        FROM (SELECT *, max(day) OVER (PARTITION BY filename) AS last_wave
              FROM (SELECT filename, day, "group", satisfaction, safety FROM {READ}))
        WHERE day = last_wave GROUP BY filename""",
        rs.files("survey"),
    )
    ts["run_dir"] = ts["filename"].map(_file_to_run(rs, "timeseries"))
    sv["run_dir"] = sv["filename"].map(_file_to_run(rs, "survey"))
    ident = rs.runs.drop(columns=["meta"])
    df = ident.merge(ts.drop(columns="filename"), on="run_dir", how="left")
    df = df.merge(sv.drop(columns="filename"), on="run_dir", how="left")
    return _derive(df).sort_values(["scenario", "seed"], kind="stable").reset_index(drop=True)


def _derive(df: pd.DataFrame) -> pd.DataFrame:
    per_year = 365.0 / df["days_recorded"].clip(lower=1)
    out = df.copy()
    for c in _SUMS:
        out[c] = df[c].astype(float) * per_year
    out["reporting_rate"] = df["reports"] / df["victimizations"].clip(lower=1)
    out["police_initiated_share"] = df["contacts_police_initiated"] / (
        df["contacts_negative"] + df["contacts_positive"]
    ).clip(lower=1)
    out["cost"] = out["budget_spent"]
    out["reallocated"] = (out["cost"] - out["officer_hours"] * df["officer_hour_cost"]).clip(
        lower=0
    )
    pop_b = df["population"] * df["group_b_share"]
    pop_a = df["population"] - pop_b
    for g, pop in (("a", pop_a), ("b", pop_b)):
        out[f"negative_per_1000_{g}"] = (
            out[f"contacts_negative_group_{g}"] / pop.clip(lower=1) * 1e3
        )
        out[f"arrests_per_1000_{g}"] = out[f"arrests_group_{g}"] / pop.clip(lower=1) * 1e3
    out["negative_per_1000"] = out["contacts_negative"] / df["population"].clip(lower=1) * 1e3
    out["arrests_per_1000"] = out["arrests"] / df["population"].clip(lower=1) * 1e3
    return out


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


def place_totals(rs: RunSet, columns: list[str]) -> pd.DataFrame:
    """Per run and place: sums of ``columns`` over months, per year, and the place's flags.

    Returns:
        ``run_dir, place_id, neighbourhood, months, targeted`` (ever targeted), ``treated``,
        ``trial_arm`` and the columns (per year).
    """
    if rs.runs.empty:
        return pd.DataFrame()
    con = connect()  # closed when the function returns (frees DuckDB's buffers)
    sums = ", ".join(f"sum({c}) AS {c}" for c in columns)
    f = _flags(rs.files("places"))
    df = query(
        con,
        f"""SELECT filename, place_id, any_value(neighbourhood) AS neighbourhood,
              count(*) AS months, bool_or(targeted) AS targeted, bool_or(treated) AS treated,
              max(trial_arm) AS trial_arm, {sums}
        FROM (SELECT filename, CAST(place_id AS VARCHAR) AS place_id, neighbourhood,
                {f["targeted"]}, {f["treated"]}, {f["trial_arm"]}, {", ".join(columns)}
              FROM {READ})
        GROUP BY filename, place_id""",
        rs.files("places"),
    )
    df.insert(0, "run_dir", df.pop("filename").map(_file_to_run(rs, "places")))
    days = rs.runs.set_index("run_dir")["days"].astype(float).clip(lower=1)
    per_year = 365.0 / df["run_dir"].map(days).to_numpy(np.float64)
    for c in columns:
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
              {f["treated"]}, {f["targeted"]}, {f["trial_arm"]}, {", ".join(columns)}
        FROM {READ}""",
        files,
    )
    df.insert(0, "run_dir", df.pop("filename").map(dict(zip(files, sub["run_dir"], strict=True))))
    return df


def scenario_bands(per_run: pd.DataFrame, runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Mean and 95% t-band over seeds of monthly columns, per scenario and month."""
    from scipy import stats

    df = per_run.merge(runs[["run_dir", "scenario"]], on="run_dir")
    g = df.groupby(["scenario", "month"])[columns]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
    half = pd.DataFrame(t, index=sd.index, columns=columns) * sd / np.sqrt(n)
    out = mean.add_suffix("_mean").join((mean - half).add_suffix("_low"))
    return out.join((mean + half).add_suffix("_high")).reset_index()
