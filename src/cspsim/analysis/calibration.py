"""The calibration's analysis: the measures it fits, read from a run's tables, and the loss.

Targets and bands are those of docs/design.md "Calibration targets"; each target is named by the
key of its fact in :data:`cspsim.validation.targets.FACTS` (one name, one fact, one band
everywhere: a fitted parameter's ``targets=`` names these keys). Each measure is computed
from the standard outputs (events, timeseries, places), so any run can be scored. The design
that asks for trials and writes the fitted config is :mod:`cspsim.experiments.calibrate`;
it leaves its trials and fit under :data:`OUT_DIR` of the sweep directory.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from cspsim.analysis.aggregate import READ, run_summaries
from cspsim.analysis.concentration import gini, top_share
from cspsim.analysis.places import CityCache
from cspsim.analysis.runs import RunSet

#: Directory (in the sweep directory) of the calibration's ``trials.csv`` and ``fit.csv``.
OUT_DIR = "calibration"

#: Targets of docs/design.md "Calibration targets": fact key -> (low, high, weight).
TARGETS: dict[str, tuple[float, float, float]] = {
    "reporting_violent": (0.38, 0.48, 1.0),
    "reporting_property": (0.27, 0.34, 1.0),
    "contact_share": (0.15, 0.25, 1.0),
    "contact_police_initiated": (0.40, 0.60, 1.0),
    "high_confidence": (0.43, 0.57, 1.0),
    "sf_top10_all": (0.40, 0.50, 0.5),
    # Recorded drugs are mostly found by patrol: their concentration fits discovery_per_hour.
    # Two views of one pattern, so half weight each.
    "sf_top10_drugs": (0.69, 0.80, 0.5),
    "sf_gini_drugs": (0.79, 0.89, 0.5),
}

#: Days of the SF 2012 counts the concentration measures compare with (the first 184).
SF_DAYS = 184


def calibration_metrics(rs: RunSet) -> pd.DataFrame:
    """The calibration measures of each run (``run_dir`` and one column per target)."""
    if rs.runs.empty:
        return pd.DataFrame(columns=["run_dir", *TARGETS])
    con = duckdb.connect()
    summary = run_summaries(rs).set_index("run_dir")
    ev_files = rs.files("events")
    ev = con.execute(
        f"""SELECT filename, CAST(crime_type AS VARCHAR) AS t, avg(CAST(reported AS DOUBLE)) AS r
        FROM {READ} GROUP BY filename, t""",
        [ev_files],
    ).df()
    ts = con.execute(
        f"SELECT filename, avg(high_confidence_share) AS hc FROM {READ} GROUP BY filename",
        [rs.files("timeseries")],
    ).df()
    pl = con.execute(
        f"""SELECT filename, CAST(place_id AS VARCHAR) AS place_id, month, contacted_share
        FROM {READ}""",
        [rs.files("places")],
    ).df()
    rec = con.execute(
        f"""SELECT filename, CAST(place_id AS VARCHAR) AS place_id,
        CAST(crime_type AS VARCHAR) AS t, count(*) AS n
        FROM {READ} WHERE recorded AND day < {SF_DAYS} GROUP BY filename, place_id, t""",
        [ev_files],
    ).df()
    by_file = dict(zip(ev_files, rs.runs["run_dir"], strict=True))
    ts_run = dict(zip(rs.files("timeseries"), rs.runs["run_dir"], strict=True))
    pl_run = dict(zip(rs.files("places"), rs.runs["run_dir"], strict=True))
    cities = CityCache()
    rows = []
    for r in rs.runs.itertuples():
        e = ev[ev["filename"].map(by_file) == r.run_dir].set_index("t")["r"]
        p = pl[pl["filename"].map(pl_run) == r.run_dir]
        city = cities.get(r.meta)
        ids = [str(x) for x in city.place_ids]
        pop = pd.Series(city.population, index=ids)
        last = p[p["month"] == p["month"].max()]
        share = np.average(
            last["contacted_share"], weights=pop.reindex(last["place_id"]).fillna(0) + 1e-9
        )
        c = rec[rec["filename"].map(by_file) == r.run_dir]
        counts = c.pivot_table(index="place_id", columns="t", values="n", aggfunc="sum")
        counts = counts.reindex(index=ids, fill_value=0).fillna(0)
        every = counts.sum(axis=1).to_numpy(dtype=float)
        drugs = counts.get("drugs", pd.Series(0.0, index=ids)).to_numpy(dtype=float)
        rows.append(
            {
                "run_dir": r.run_dir,
                "reporting_violent": float(e.get("violent", np.nan)),
                "reporting_property": float(e.get("property", np.nan)),
                "contact_share": float(share),
                "contact_police_initiated": float(summary.loc[r.run_dir, "police_initiated_share"]),
                "high_confidence": float(ts[ts["filename"].map(ts_run) == r.run_dir]["hc"].iloc[0]),
                "sf_top10_all": top_share(every),
                "sf_top10_drugs": top_share(drugs),
                "sf_gini_drugs": gini(drugs),
            }
        )
    return pd.DataFrame(rows)


def loss(metrics: dict[str, float], targets: dict[str, tuple[float, float, float]]) -> float:
    """Weighted squared distance from the band centres, in band half-widths."""
    total = 0.0
    for name, (lo, hi, w) in targets.items():
        v = metrics.get(name, np.nan)
        if not np.isfinite(v):
            return float("inf")
        total += w * ((v - (lo + hi) / 2) / ((hi - lo) / 2)) ** 2
    return total


def fit_table(conf: pd.DataFrame, targets: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """Target, band, achieved (mean and sd over the confirmation seeds), inside or not."""
    rows = []
    for name, (lo, hi, w) in targets.items():
        v = conf[name].astype(float)
        rows.append(
            {
                "target": name,
                "low": lo,
                "high": hi,
                "weight": w,
                "achieved": float(v.mean()),
                "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                "inside": bool(lo <= v.mean() <= hi),
            }
        )
    return pd.DataFrame(rows)
