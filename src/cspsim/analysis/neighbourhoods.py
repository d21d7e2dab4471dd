"""Answers by neighbourhood and by demographic group, paired against the baseline.

* :func:`neighbourhood_panel`: per run and neighbourhood, true crime per year and trust at
  the end of the run (resident-weighted mean of its places), with the residents;
* :func:`neighbourhood_effects`: per scenario and neighbourhood, the paired difference from
  the baseline on the same seed (common random numbers), averaged over seeds with a t-CI;
* :func:`neighbourhood_draw_effects`: the same effects over an uncertainty ensemble's
  parameter draws (each draw paired with the baseline's run of the same draw), with the
  95% prediction intervals and parameter shares of :mod:`cspsim.analysis.uncertainty`;
* :func:`least_helped`: the neighbourhoods where a scenario helps least or harms;
* :func:`group_fairness`: every measure declared per demographic group (rates per 1,000
  residents of the group, trust, survey answers, stop hit rates), with the gap between the
  groups and each group's change against the baseline, all with CIs over seeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis import uncertainty as unc
from cspsim.analysis.aggregate import READ, connect, place_months, query
from cspsim.analysis.places import CityCache, place_frame
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import mean_ci

#: Places columns of the neighbourhood panel: true crime (summed) and trust (last month).
PANEL_COLUMNS = ("crimes_true", "mean_trust")
#: How many neighbourhoods :func:`least_helped` lists per scenario besides clear harms.
LEAST_HELPED = 5
#: Fewest paired seeds for calling a neighbourhood's change clear (two seeds that happen to
#: agree give an interval of no width).
MIN_SEEDS = 3


def neighbourhood_panel(rs: RunSet, cities: CityCache | None = None) -> pd.DataFrame:
    """Per counted run and neighbourhood: residents, true crime per year, final trust.

    Returns:
        ``run_dir, neighbourhood, population, crimes_true`` (offences per year where they
        happened) and ``trust`` (mean 0-1 of the residents at the last recorded month's
        end: the places' means weighted by their residents).
    """
    if rs.runs.empty:
        return pd.DataFrame()
    cities = cities or CityCache()
    pm = place_months(rs, list(PANEL_COLUMNS))
    pm["place_id"] = pm["place_id"].astype(str)
    pm["neighbourhood"] = pm["neighbourhood"].astype(str)
    frames = []
    by_city = rs.runs.assign(_city=rs.runs["meta"].map(cities.key)).groupby("_city")
    for _, group in by_city:
        pf = place_frame(cities.get(group.iloc[0]["meta"]))[["place_id", "population"]]
        frames.append(pm[pm["run_dir"].isin(group["run_dir"])].merge(pf, on="place_id"))
    df = pd.concat(frames, ignore_index=True)
    days = rs.runs.set_index("run_dir")["days"].astype(float).clip(lower=1)
    last = df["month"] == df.groupby("run_dir")["month"].transform("max")
    df["w_trust"] = np.where(last, df["mean_trust"] * df["population"], 0.0)
    df["w_pop"] = np.where(last, df["population"], 0.0)
    g = df.groupby(["run_dir", "neighbourhood"], as_index=False).agg(
        crimes_true=("crimes_true", "sum"),
        w_trust=("w_trust", "sum"),
        w_pop=("w_pop", "sum"),
    )
    pop = df[last].groupby(["run_dir", "neighbourhood"], as_index=False)["population"].sum()
    g = g.merge(pop, on=["run_dir", "neighbourhood"])
    g["crimes_true"] = g["crimes_true"] * 365.0 / g["run_dir"].map(days).to_numpy(float)
    g["trust"] = g["w_trust"] / g["w_pop"].where(g["w_pop"] > 0)
    return g[["run_dir", "neighbourhood", "population", "crimes_true", "trust"]]


def _ci_columns(values: pd.Series) -> pd.Series:
    m, lo, hi = mean_ci(values.to_numpy(np.float64))
    return pd.Series({"mean": m, "low": lo, "high": hi, "n": int(np.isfinite(values).sum())})


def neighbourhood_effects(
    panel: pd.DataFrame, runs: pd.DataFrame, baseline: str, label: str = "scenario"
) -> pd.DataFrame:
    """Paired effect of each scenario on true crime and trust, by neighbourhood.

    Args:
        panel: :func:`neighbourhood_panel` (or any frame with its columns).
        runs: ``run_dir``, ``label`` and ``seed`` of the runs.
        baseline: The scenario compared with (same seeds).
        label: Column naming the scenarios.

    Returns:
        One row per scenario (other than the baseline) and neighbourhood: ``population``,
        ``seeds``, ``base_crime`` (the baseline's offences per year), ``crime_diff,
        crime_low, crime_high`` (offences per year), ``crime_pct, crime_pct_low,
        crime_pct_high`` (percent of the baseline), ``trust_diff, trust_low, trust_high``
        (0-1; reports show points of 100), and ``verdict``.
    """
    df = panel.merge(runs[["run_dir", label, "seed"]], on="run_dir")
    base = df[df[label] == baseline][["seed", "neighbourhood", "crimes_true", "trust"]]
    base = base.rename(columns={"crimes_true": "base_crime", "trust": "base_trust"})
    pair = df[df[label] != baseline].merge(base, on=["seed", "neighbourhood"])
    if pair.empty:
        return pd.DataFrame()
    pair["crime_diff"] = pair["crimes_true"] - pair["base_crime"]
    pair["trust_diff"] = pair["trust"] - pair["base_trust"]
    keys = [label, "neighbourhood"]
    grouped = pair.groupby(keys, sort=False)
    crime = grouped["crime_diff"].apply(_ci_columns).unstack()
    trust = grouped["trust_diff"].apply(_ci_columns).unstack()
    out = grouped.agg(population=("population", "mean"), base_crime=("base_crime", "mean"))
    out["seeds"] = crime["n"].astype(int)
    out["crime_diff"], out["crime_low"], out["crime_high"] = (
        crime["mean"],
        crime["low"],
        crime["high"],
    )
    scale = 100.0 / out["base_crime"].where(out["base_crime"] > 0)
    out["crime_pct"] = out["crime_diff"] * scale
    out["crime_pct_low"] = out["crime_low"] * scale
    out["crime_pct_high"] = out["crime_high"] * scale
    out["trust_diff"], out["trust_low"], out["trust_high"] = (
        trust["mean"],
        trust["low"],
        trust["high"],
    )
    out = out.reset_index()
    out["verdict"] = [verdict(r) for r in out.itertuples()]
    return out


#: The panel's outcomes as the ensemble compares them: true crime in percent of the
#: baseline's (per draw), trust as a difference of the 0-1 mean (reports show points).
DRAW_OUTCOMES = ("crimes_true", "trust")
#: Columns :func:`neighbourhood_draw_effects` adds to :func:`neighbourhood_effects`.
DRAW_COLUMNS = (
    "draws",
    "pi_crime_pct",
    "pi_crime_low",
    "pi_crime_high",
    "pi_trust_diff",
    "pi_trust_low",
    "pi_trust_high",
    "parameter_share_crime",
    "parameter_share_trust",
    "verdict_draws",
)


def neighbourhood_draw_effects(
    panel: pd.DataFrame,
    runs: pd.DataFrame,
    baseline: str,
    seed_panel: pd.DataFrame | None = None,
    seed_runs: pd.DataFrame | None = None,
    label: str = "scenario",
) -> pd.DataFrame:
    """Each scenario's effect by neighbourhood over an uncertainty ensemble's draws.

    Per neighbourhood, :func:`cspsim.analysis.uncertainty.paired_effects` pairs every
    scenario's run of a draw with the baseline's run of the same draw (true crime in
    percent of that draw's baseline, trust as a difference) and
    :func:`cspsim.analysis.uncertainty.intervals` gives the mean over the draws, the 95%
    prediction interval for a new draw (parameter and simulation uncertainty together) and,
    with seed replicates at the default parameters, the parameters' share of the variance.

    Args:
        panel: :func:`neighbourhood_panel` of the draws' runs.
        runs: ``run_dir``, ``label`` and ``draw`` of the draws' runs.
        baseline: The scenario compared with (same draws).
        seed_panel: :func:`neighbourhood_panel` of the runs at the default parameters (for
            the parameter share), or None.
        seed_runs: ``run_dir``, ``label`` and ``seed`` of those runs.
        label: Column naming the scenarios.

    Returns:
        One row per scenario (other than the baseline) and neighbourhood: ``label,
        neighbourhood`` and :data:`DRAW_COLUMNS` (``draws``: paired draws; ``pi_crime_*``
        in percent; ``pi_trust_*`` 0-1; ``parameter_share_*`` 0-1 or NaN without seed
        replicates; ``verdict_draws`` in words).
    """
    cols = [label, "neighbourhood", *DRAW_COLUMNS]
    outcomes = [oc.outcome(name) for name in DRAW_OUTCOMES]
    keep = ["neighbourhood", *DRAW_OUTCOMES]
    df = panel[["run_dir", *keep]].merge(runs[["run_dir", label, "draw"]], on="run_dir")
    df = df.rename(columns={label: "scenario"})
    seeds = None
    if seed_panel is not None and seed_runs is not None and len(seed_panel):
        seeds = seed_panel[["run_dir", *keep]].merge(
            seed_runs[["run_dir", label, "seed"]], on="run_dir"
        )
        seeds = seeds.rename(columns={label: "scenario"})
        if seeds["seed"].nunique() < 2:
            seeds = None
    frames = []
    for nb, g in df.groupby("neighbourhood", sort=False):
        fx = unc.paired_effects(g, outcomes, baseline, "draw")
        sfx = None
        if seeds is not None:
            sfx = unc.paired_effects(
                seeds[seeds["neighbourhood"] == nb], outcomes, baseline, "seed"
            )
        if len(fx):
            frames.append(unc.intervals(fx, sfx).assign(neighbourhood=nb))
    if not frames:
        return pd.DataFrame(columns=cols)
    iv = pd.concat(frames, ignore_index=True)
    iv = iv[iv["scenario"] != baseline]
    keys = ["scenario", "neighbourhood"]
    crime = iv[iv["outcome"] == "crimes_true"].set_index(keys)
    trust = iv[iv["outcome"] == "trust"].set_index(keys).reindex(crime.index)
    out = pd.DataFrame(
        {
            "draws": crime["n"].astype(int),
            "pi_crime_pct": crime["mean"],
            "pi_crime_low": crime["low"],
            "pi_crime_high": crime["high"],
            "pi_trust_diff": trust["mean"],
            "pi_trust_low": trust["low"],
            "pi_trust_high": trust["high"],
            "parameter_share_crime": crime["parameter_share"],
            "parameter_share_trust": trust["parameter_share"],
        },
        index=crime.index,
    ).reset_index()
    out["verdict_draws"] = [
        _words(r.pi_crime_low, r.pi_crime_high, r.pi_trust_low, r.pi_trust_high, r.draws, "draws")
        for r in out.itertuples()
    ]
    return out.rename(columns={"scenario": label})[cols]


def with_draws(
    effects: pd.DataFrame, draw_effects: pd.DataFrame, label: str = "scenario"
) -> pd.DataFrame:
    """:func:`neighbourhood_effects` with the columns of :func:`neighbourhood_draw_effects`."""
    if effects.empty or draw_effects.empty:
        return effects
    return effects.merge(draw_effects, on=[label, "neighbourhood"], how="left")


def clear(low: float, high: float, seeds: int) -> bool:
    """A change is clear when its 95% CI excludes zero over at least :data:`MIN_SEEDS`."""
    return bool(seeds >= MIN_SEEDS and (low > 0 or high < 0))


def _words(
    crime_low: float, crime_high: float, trust_low: float, trust_high: float, n: int, what: str
) -> str:
    if n < MIN_SEEDS:
        return f"fewer than {MIN_SEEDS} {what}"
    parts = []
    if crime_low > 0:
        parts.append("more crime")
    elif crime_high < 0:
        parts.append("less crime")
    if trust_high < 0:
        parts.append("less trust")
    elif trust_low > 0:
        parts.append("more trust")
    return ", ".join(parts) if parts else "no clear change"


def verdict(r: Any) -> str:
    """In words: does the scenario clearly help or harm this neighbourhood?"""
    return _words(r.crime_low, r.crime_high, r.trust_low, r.trust_high, r.seeds, "seeds")


def harms(r: Any) -> bool:
    """Crime clearly up or trust clearly down.

    Clearly: the 95% CI over seeds excludes zero or, with an ensemble's columns, the 95%
    prediction interval over the draws does (:func:`harms_over_draws`).
    """
    seeds = bool(r.seeds >= MIN_SEEDS and (r.crime_low > 0 or r.trust_high < 0))
    return seeds or harms_over_draws(r)


def harms_over_draws(r: Any) -> bool:
    """Crime up or trust down even with parameter uncertainty (prediction interval)."""
    n = getattr(r, "draws", np.nan)
    return bool(np.isfinite(n) and n >= MIN_SEEDS and (r.pi_crime_low > 0 or r.pi_trust_high < 0))


def least_helped(
    effects: pd.DataFrame, k: int = LEAST_HELPED, label: str = "scenario"
) -> pd.DataFrame:
    """Per scenario: every neighbourhood it clearly harms and the ``k`` it helps least.

    Helping least means the highest change in true crime in percent (the smallest fall or
    a rise); clear harms (crime up or trust down, CI excluding zero) are always listed.
    With an ensemble's columns (:func:`with_draws`), the ranking is by the mean change over
    the parameter draws, and a harm clear over the draws (prediction interval excluding
    zero) is listed as well as one clear over seeds.
    """
    if effects.empty:
        return effects
    by = "pi_crime_pct" if "pi_crime_pct" in effects else "crime_pct"
    rows = []
    for _, g in effects.groupby(label, sort=False):
        g = g.sort_values(by, ascending=False, na_position="last")
        bad = np.array([harms(r) for r in g.itertuples()], dtype=bool)
        keep = bad | (np.arange(len(g)) < k)
        rows.append(g[keep])
    return pd.concat(rows, ignore_index=True)


# ----------------------------------------------------------------- groups


def hit_rates(rs: RunSet) -> pd.DataFrame:
    """Share of stops that found something, per run and group.

    The daily hit rate of each group weighted by the group's stops of the day (so, the
    group's hits over its stops; days without stops of the group count for nothing).

    Returns:
        ``run_dir, hit_rate_a, hit_rate_b``.
    """
    if rs.runs.empty:
        return pd.DataFrame(columns=["run_dir"])
    parts = []
    for g in oc.GROUPS.values():
        rate, stops = f"hit_rate_group_{g}", f"stops_group_{g}"
        keep = f"FILTER (WHERE NOT isnan({rate}))"
        parts.append(
            f"sum({rate} * {stops}) {keep} / nullif(sum({stops}) {keep}, 0) AS hit_rate_{g}"
        )
    cols = ", ".join(f"hit_rate_group_{g}, stops_group_{g}" for g in oc.GROUPS.values())
    files = rs.files("timeseries")
    df = query(
        connect(),
        f"SELECT filename, {', '.join(parts)} FROM (SELECT filename, {cols} FROM {READ}) "
        "GROUP BY filename",
        files,
    )
    df.insert(
        0, "run_dir", df.pop("filename").map(dict(zip(files, rs.runs["run_dir"], strict=True)))
    )
    return df


def group_measures(summary: pd.DataFrame) -> list[dict[str, str]]:
    """Every measure the summary holds for both groups, from the declarations.

    Rates per 1,000 residents of each group (the derived ``*_per_1000_<g>`` values) are
    compared as a ratio B/A; levels (trust by group over the last 30 days, survey answers
    by group, stop hit rates) as a gap B - A.
    """
    a, b = oc.GROUPS.values()
    out: list[dict[str, str]] = []

    def add(col_a: str, col_b: str, contrast: str, name: str | None = None) -> None:
        if col_a in summary and col_b in summary:
            label, unit = (
                oc.label_unit(col_a) if name is None else oc.label_unit(name, "timeseries")
            )
            out.append(
                {
                    "a": col_a,
                    "b": col_b,
                    "label": label.rsplit(", group", 1)[0],
                    "unit": unit,
                    "contrast": contrast,
                }
            )

    for d in oc.DERIVED:
        if d.name.endswith(f"_{a}"):
            add(d.name, d.name[: -len(a)] + b, "ratio")
    for m in oc.timeseries_measures():
        if m.name.endswith(f"_group_{a}") and m.over_days in ("mean", "last30"):
            add(m.name, m.name[: -len(a)] + b, "gap")
    for o in oc.survey_outcomes():
        add(f"{o.name}_{a}", f"{o.name}_{b}", "gap")
    add(f"hit_rate_{a}", f"hit_rate_{b}", "gap", f"hit_rate_group_{a}")
    return out


def group_fairness(summary: pd.DataFrame, baseline: str, label: str = "scenario") -> pd.DataFrame:
    """Per scenario and group measure: both groups, their contrast, and their changes.

    Args:
        summary: Run summaries (with :func:`hit_rates` merged in for stop hit rates).
        baseline: The scenario the changes are against (paired by seed).
        label: Column naming the scenarios.

    Returns:
        Long table: ``<label>, measure, unit, contrast`` (``ratio`` B/A or ``gap`` B - A),
        ``a, b`` (means over seeds), ``contrast_mean, contrast_low, contrast_high`` (per
        seed, then t-CI), and for scenarios other than the baseline ``change_a,
        change_a_low, change_a_high, change_b, ...`` (paired differences).
    """
    base = summary[summary[label] == baseline].set_index("seed")
    rows = []
    for m in group_measures(summary):
        for name, g in summary.groupby(label, sort=False):
            g = g.set_index("seed")
            va, vb = g[m["a"]].astype(float), g[m["b"]].astype(float)
            per_seed = vb / va.where(va > 0) if m["contrast"] == "ratio" else vb - va
            c, lo, hi = mean_ci(per_seed.to_numpy())
            row: dict[str, Any] = {
                label: name,
                "measure": m["label"],
                "unit": m["unit"],
                "contrast": m["contrast"],
                "a": float(va.mean()),
                "b": float(vb.mean()),
                "contrast_mean": c,
                "contrast_low": lo,
                "contrast_high": hi,
            }
            seeds = g.index.intersection(base.index)
            for side in ("a", "b"):
                col = m[side]
                d = g.loc[seeds, col].astype(float) - base.loc[seeds, col].astype(float)
                mm, ll, hh = mean_ci(d.to_numpy()) if name != baseline else (np.nan,) * 3
                row |= {f"change_{side}": mm, f"change_{side}_low": ll, f"change_{side}_high": hh}
            rows.append(row)
    return pd.DataFrame(rows)
