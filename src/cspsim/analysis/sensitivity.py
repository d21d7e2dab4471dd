"""Global sensitivity analysis of sampled runs: Morris elementary effects and Sobol indices.

The design that samples parameter points and launches the runs is
:mod:`cspsim.experiments.sensitivity`; it hands the sampled points ``X`` and the runs'
outputs ``Y`` to these functions (SALib's analyzers) and writes their tables under
:data:`OUT_DIR` of the sweep directory, where the report reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

#: Directory (in the sweep directory) of ``morris.csv`` and ``sobol.csv``.
OUT_DIR = "sensitivity"


def morris_indices(
    problem: dict[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    outputs: list[str],
    levels: int,
    seed: int,
) -> pd.DataFrame:
    """Morris screening of every parameter for every output.

    Returns:
        ``output, parameter, mu, mu_star, mu_star_conf, sigma, mu_star_norm`` (mu* divided
        by the output's largest mu*).
    """
    rows = []
    for j, out in enumerate(outputs):
        si = morris_analyze.analyze(problem, X, Y[:, j], num_levels=levels, seed=seed)
        mu_star = np.asarray(si["mu_star"])
        norm = mu_star / mu_star.max() if np.nanmax(mu_star) > 0 else mu_star
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "mu": float(si["mu"][i]),
                    "mu_star": float(mu_star[i]),
                    "mu_star_conf": float(si["mu_star_conf"][i]),
                    "sigma": float(si["sigma"][i]),
                    "mu_star_norm": float(norm[i]),
                }
            )
    return pd.DataFrame(rows)


def select_top(morris: pd.DataFrame, names: list[str], top: int) -> list[str]:
    """The ``top`` parameters by their largest normalized mu* over outputs (0: all), in order."""
    score = morris.groupby("parameter", sort=False)["mu_star_norm"].max()
    k = len(names) if top <= 0 or top >= len(names) else top
    keep = set(score.sort_values(ascending=False).index[:k])
    return [n for n in names if n in keep]


def sobol_indices(
    problem: dict[str, Any], Y: np.ndarray, outputs: list[str], second_order: bool, seed: int
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap CIs, per output.

    Returns:
        ``output, parameter, S1, S1_conf, ST, ST_conf``.
    """
    rows = []
    for j, out in enumerate(outputs):
        si = sobol_analyze.analyze(problem, Y[:, j], calc_second_order=second_order, seed=seed)
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "S1": float(si["S1"][i]),
                    "S1_conf": float(si["S1_conf"][i]),
                    "ST": float(si["ST"][i]),
                    "ST_conf": float(si["ST_conf"][i]),
                }
            )
    return pd.DataFrame(rows)


def indices_table(morris: pd.DataFrame, sobol: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter: normalized mu*, S1 and ST per output, most influential first."""
    wide = morris.pivot(index="parameter", columns="output", values="mu_star_norm").add_prefix(
        "mu* "
    )
    for col in ("S1", "ST"):
        wide = wide.join(
            sobol.pivot(index="parameter", columns="output", values=col).add_prefix(f"{col} ")
        )
    out0 = morris["output"].iloc[0]
    keys = [k for k in (f"ST {out0}", f"mu* {out0}") if k in wide]
    return wide.sort_values(keys, ascending=False, na_position="last")
