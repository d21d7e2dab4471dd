"""Place-level analysis: change per place, displacement around targets, neighbourhood rates.

All comparisons are paired: a scenario's run is set against the baseline run of the same
seed (common random numbers), place by place, then averaged over seeds with a t-CI.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from cspsim.analysis.stats import mean_ci
from cspsim.city import City, load_city
from cspsim.config import CityConfig

#: Places columns counted per resident of each neighbourhood by :func:`neighbourhood_rates`
#: (contacts, stops and arrests by the residents' home place; crime where it happened).
RATE_COLUMNS = ("contacts_negative", "stops", "arrests", "crimes_true")


class CityCache:
    """Cities rebuilt from runs' configs (shipped cities once; synthetic ones per seed)."""

    def __init__(self) -> None:
        self._cities: dict[str, City] = {}
        self._adjacency: dict[int, object] = {}

    def adjacency(self, meta: dict[str, Any]):  # noqa: ANN201 (scipy sparse matrix)
        """The contiguity matrix of a run's city (computed once per city)."""
        city = self.get(meta)
        if id(city) not in self._adjacency:
            self._adjacency[id(city)] = city.adjacency()
        return self._adjacency[id(city)]

    @staticmethod
    def key(meta: dict[str, Any]) -> str:
        """What identifies a run's city: its config (and seed, for generated cities)."""
        cfg = meta["config"]["city"]
        seed = int(meta.get("seed", 0)) if cfg.get("kind") == "synthetic" else 0
        return json.dumps(cfg, sort_keys=True) + f"#{seed}"

    def get(self, meta: dict[str, Any]) -> City:
        """The city of a run (from its ``run.json``)."""
        key = self.key(meta)
        if key not in self._cities:
            cfg = meta["config"]["city"]
            seed = int(meta.get("seed", 0)) if cfg.get("kind") == "synthetic" else 0
            self._cities[key] = load_city(CityConfig(**cfg), seed=seed)
        return self._cities[key]


def place_frame(city: City) -> pd.DataFrame:
    """Places of a city: ``place_id, x, y, population, disadvantage, neighbourhood``."""
    return pd.DataFrame(
        {
            "place_id": [str(p) for p in city.place_ids],
            "x": city.x,
            "y": city.y,
            "population": city.population,
            "disadvantage": city.disadvantage,
            "nb_index": city.neighbourhood,
        }
    )


def _paired(place_tot: pd.DataFrame, runs: pd.DataFrame, baseline: str, col: str) -> pd.DataFrame:
    """Per scenario, seed and place: the scenario's value, the baseline's and flags."""
    df = place_tot.merge(runs[["run_dir", "scenario", "seed"]], on="run_dir")
    base = df[df["scenario"] == baseline][["seed", "place_id", col]].rename(columns={col: "base"})
    return df.merge(base, on=["seed", "place_id"])


def place_changes(
    place_tot: pd.DataFrame, runs: pd.DataFrame, baseline: str, col: str = "crimes_true"
) -> pd.DataFrame:
    """Mean paired change per place and scenario: ``scenario, place_id, diff, base``."""
    pair = _paired(place_tot, runs, baseline, col)
    pair["diff"] = pair[col] - pair["base"]
    return pair.groupby(["scenario", "place_id"], as_index=False)[["diff", "base"]].mean()


def displacement(
    place_tot: pd.DataFrame,
    runs: pd.DataFrame,
    baseline: str,
    cities: CityCache,
    col: str = "crimes_true",
) -> pd.DataFrame:
    """Change at targeted places and at the places around them, against the baseline.

    Targeted places are those the scenario ever targeted (hot spots, problem-solving places,
    watch-covered places, treated trial places); surrounding places are their contiguous
    neighbours that were never targeted. A rise there is displacement, a fall diffusion of
    benefits (Weisburd et al. 2006).

    Returns:
        One row per scenario with targets: ``scenario, targeted_places, surrounding_places,
        targeted_pct, targeted_low, targeted_high, surrounding_pct, surrounding_low,
        surrounding_high, seeds``.
    """
    pair = _paired(place_tot, runs, baseline, col)
    meta = {r.run_dir: r.meta for r in runs.itertuples()}
    rows = []
    for scenario, sdf in pair[pair["scenario"] != baseline].groupby("scenario", sort=False):
        t_pct, s_pct, n_t, n_s = [], [], [], []
        for run_dir, rdf in sdf.groupby("run_dir"):
            city = cities.get(meta[run_dir])
            ids = [str(p) for p in city.place_ids]
            targeted = rdf.set_index("place_id")["targeted"].reindex(ids).fillna(False)
            mask = targeted.to_numpy(bool)
            if not mask.any():
                continue
            adj = cities.adjacency(meta[run_dir])
            around = (adj @ mask.astype(float) > 0) & ~mask
            vals = rdf.set_index("place_id").reindex(ids)
            for m, acc, cnt in ((mask, t_pct, n_t), (around, s_pct, n_s)):
                b = vals["base"].to_numpy()[m].sum()
                v = vals[col].to_numpy()[m].sum()
                acc.append(100.0 * (v / b - 1.0) if b > 0 else np.nan)
                cnt.append(int(m.sum()))
        if not t_pct:
            continue
        tm, tl, th = mean_ci(np.array(t_pct))
        sm_, sl, sh = mean_ci(np.array(s_pct))
        rows.append(
            {
                "scenario": scenario,
                "targeted_places": float(np.mean(n_t)),
                "surrounding_places": float(np.mean(n_s)),
                "targeted_pct": tm,
                "targeted_low": tl,
                "targeted_high": th,
                "surrounding_pct": sm_,
                "surrounding_low": sl,
                "surrounding_high": sh,
                "seeds": len(t_pct),
            }
        )
    return pd.DataFrame(rows)


def neighbourhood_rates(
    place_tot: pd.DataFrame, runs: pd.DataFrame, cities: CityCache
) -> pd.DataFrame:
    """Per scenario and neighbourhood: negative contacts, stops and arrests per 1,000 residents.

    Counts are by the residents' home place (who was stopped or arrested, not where),
    per year, averaged over seeds.
    """
    frames = []
    scen = runs.set_index("run_dir")["scenario"]
    by_city = runs.assign(_city=runs["meta"].map(cities.key)).groupby("_city")
    for _, group in by_city:  # one merge per city, not per run
        pf = place_frame(cities.get(group.iloc[0]["meta"]))
        rdf = place_tot[place_tot["run_dir"].isin(group["run_dir"])]
        df = rdf.assign(place_id=rdf["place_id"].astype(str)).merge(
            pf[["place_id", "population", "disadvantage"]], on="place_id"
        )
        g = df.groupby(["run_dir", "neighbourhood"], observed=True).agg(
            population=("population", "sum"),
            disadvantage=("disadvantage", "mean"),
            **{c: (c, "sum") for c in RATE_COLUMNS},
        )
        g = g.reset_index()
        g["scenario"] = g["run_dir"].astype(str).map(scen)
        frames.append(g.drop(columns="run_dir"))
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    df = df.groupby(["scenario", "neighbourhood"], as_index=False).mean(numeric_only=True)
    pop = df["population"].clip(lower=1) / 1000.0
    for c in RATE_COLUMNS:
        df[f"{c}_per_1000"] = df[c] / pop
    return df


def fairness_by_neighbourhood(rates: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: spread of negative contacts and arrests per 1,000 over neighbourhoods.

    ``ratio_*``: rate in the most disadvantaged fifth of neighbourhoods over the rate in
    the least disadvantaged fifth (population-weighted), 1 = even.
    """
    rows = []
    for scenario, df in rates.groupby("scenario", sort=False):
        if len(df) >= 5:
            q = pd.qcut(df["disadvantage"].rank(method="first"), 5, labels=False)
        else:  # too few neighbourhoods for fifths
            q = pd.Series(-1, index=df.index)
        row: dict[str, object] = {"scenario": scenario}
        for c, name in (("contacts_negative", "negative"), ("arrests", "arrests")):
            rate = df[f"{c}_per_1000"]
            row[f"{name}_mean"] = float(np.average(rate, weights=df["population"] + 1e-9))
            row[f"{name}_p90"] = float(rate.quantile(0.9))
            hi = df[q == 4]
            lo = df[q == 0]
            r_hi = hi[c].sum() / max(hi["population"].sum(), 1) * 1e3
            r_lo = lo[c].sum() / max(lo["population"].sum(), 1) * 1e3
            row[f"ratio_{name}"] = float(r_hi / r_lo) if r_lo > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
