"""The hot spots trial (Sherman & Weisburd 1995) in silico: the analysis.

Runs with ``strategy.patrol.trial_places`` > 0 randomize the top places by recorded crime
(at the end of burn-in) into a treated arm with ``trial_dosage`` times the random-patrol
presence and a control arm. A run with ``trial_dosage = 1`` draws the same arms (stream
``trial``) without extra patrol: it is the counterfactual of the same seed. Measured:

* the trial's own comparison: treated arm against control arm within the trial run;
* by common random numbers: treated places against the same places without the trial;
* the places around treated places (contiguous, outside the trial): displacement or
  diffusion; and the control arm (which gives up a little patrol to the treated arm).

The report section is :mod:`cspsim.report.trial`.
"""

from __future__ import annotations

import pandas as pd

from cspsim.analysis.aggregate import place_totals
from cspsim.analysis.places import CityCache
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import mean_ci

COLUMNS = ["crimes_true", "crimes_recorded", "patrol_hours"]


def _patrol(meta: dict) -> dict:
    return meta["config"]["strategy"]["patrol"]


def analyse(rs: RunSet) -> pd.DataFrame | None:
    """Per-seed measures of the trial; None when the sweep has no trial runs."""
    if rs.runs.empty:
        return None
    runs = rs.runs
    is_trial = runs["meta"].map(lambda m: _patrol(m).get("trial_places", 0) > 0)
    dosage = runs["meta"].map(lambda m: float(_patrol(m).get("trial_dosage", 1.0)))
    treated_runs = runs[is_trial & (dosage != 1.0)]
    cf_runs = runs[(is_trial & (dosage == 1.0)) | (runs["strategy"] == "reactive")]
    if treated_runs.empty:
        return None
    tot = place_totals(rs, COLUMNS)
    cities = CityCache()
    rows = []
    for r in treated_runs.itertuples():
        cf = cf_runs[cf_runs["seed"] == r.seed]
        t = tot[tot["run_dir"] == r.run_dir].set_index("place_id")
        city = cities.get(r.meta)
        ids = [str(p) for p in city.place_ids]
        t = t.reindex(ids)
        arm = t["trial_arm"].to_numpy()
        treated, control = arm == 1, arm == 0
        around = (cities.adjacency(r.meta) @ treated.astype(float) > 0) & (arm < 0)
        row = {
            "seed": r.seed,
            "treated": int(treated.sum()),
            "control": int(control.sum()),
            "around": int(around.sum()),
            "dosage": float(_patrol(r.meta)["trial_dosage"]),
            "presence_ratio": t["patrol_hours"][treated].mean()
            / max(t["patrol_hours"][control].mean(), 1e-9),
        }
        for col in ("crimes_true", "crimes_recorded"):
            v = t[col].to_numpy()
            row[f"arms_{col}"] = 100 * (v[treated].mean() / max(v[control].mean(), 1e-9) - 1)
            if len(cf):
                c = tot[tot["run_dir"] == cf.iloc[0]["run_dir"]].set_index("place_id")
                c = c.reindex(ids)[col].to_numpy()
                for name, m in (("treated", treated), ("control", control), ("around", around)):
                    row[f"{name}_{col}"] = 100 * (v[m].sum() / max(c[m].sum(), 1e-9) - 1)
                # The arms differ by chance; the same arms without the trial remove that.
                base = c[treated].mean() / max(c[control].mean(), 1e-9)
                row[f"adj_{col}"] = 100 * ((1 + row[f"arms_{col}"] / 100) / base - 1)
        rows.append(row)
    return pd.DataFrame(rows)


LINES = [
    ("adj_crimes_recorded", "Trial's comparison: treated vs control arm, recorded crime"),
    ("adj_crimes_true", "Trial's comparison: treated vs control arm, true crime"),
    ("treated_crimes_true", "Treated places vs same places without the trial, true crime"),
    ("treated_crimes_recorded", "Treated places vs without the trial, recorded crime"),
    ("around_crimes_true", "Places around treated places (outside the trial), true crime"),
    ("control_crimes_true", "Control arm vs without the trial, true crime"),
]


def effects(res: pd.DataFrame) -> pd.DataFrame:
    """Mean over seeds with a 95% CI of each measure of :data:`LINES` the trial has.

    Returns:
        ``key, label, mean, low, high``.
    """
    rows = []
    for key, label in LINES:
        if key in res:
            m, lo, hi = mean_ci(res[key].to_numpy())
            rows.append({"key": key, "label": label, "mean": m, "low": lo, "high": hi})
    return pd.DataFrame(rows)
