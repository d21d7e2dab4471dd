"""The hot spots trial (Sherman & Weisburd 1995) in silico: analysis and report section.

Runs with ``strategy.patrol.trial_places`` > 0 randomize the top places by recorded crime
(at the end of burn-in) into a treated arm with ``trial_dosage`` times the random-patrol
presence and a control arm. A run with ``trial_dosage = 1`` draws the same arms (stream
``trial``) without extra patrol: it is the counterfactual of the same seed. Measured:

* the trial's own comparison: treated arm against control arm within the trial run;
* by common random numbers: treated places against the same places without the trial;
* the places around treated places (contiguous, outside the trial): displacement or
  diffusion; and the control arm (which gives up a little patrol to the treated arm).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cspsim.analysis.aggregate import place_totals  # noqa: E402
from cspsim.analysis.compare import mean_ci  # noqa: E402
from cspsim.analysis.places import CityCache  # noqa: E402
from cspsim.analysis.plots import save_png  # noqa: E402
from cspsim.analysis.runs import RunSet  # noqa: E402
from cspsim.analysis.tables import fmt_ci  # noqa: E402
from cspsim.report.document import Document  # noqa: E402

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


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The hot spots trial section (only for sweeps with trial runs)."""
    res = analyse(rs)
    if res is None or res.empty:
        return
    doc.h2("Hot spots trial (Sherman & Weisburd 1995, in silico)")
    first = res.iloc[0]
    pr = mean_ci(res["presence_ratio"].to_numpy())
    doc.p(
        f"Of the top places by recorded crime at the start, {int(first['treated'])} were "
        f"randomized to {first['dosage']:g}x random-patrol presence and "
        f"{int(first['control'])} "
        f"kept the usual patrol, for the recorded period. Patrol presence at treated places "
        f"was {pr[0]:.2f}x that at control places. Changes are in % over the period, "
        f"mean over {len(res)} seed(s) with 95% CI; 'without the trial' is the same seed "
        "with the same arms and no extra patrol (common random numbers). The trial's "
        "comparison divides treated by control arm, relative to the same ratio without the "
        "trial (the arms' levels differ by chance). Recorded crime includes offences "
        "patrols discover, so more patrol can raise it where true crime falls."
    )
    rows = []
    for key, label in LINES:
        if key in res:
            m, lo, hi = mean_ci(res[key].to_numpy())
            rows.append(
                {
                    "Measure": label,
                    "Change": fmt_ci("pct", m, lo, hi),
                    "_m": m,
                    "_lo": lo,
                    "_hi": hi,
                }
            )
    table = pd.DataFrame(rows)
    doc.table(table[["Measure", "Change"]])
    doc.p(
        "Reference: Sherman & Weisburd (1995) found 6-13% fewer calls for service at "
        "treated hot spots and about half as much observed disorder; reviews (Braga et al. "
        "2019) find -8% to -16% at treated places and no displacement on average."
    )
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(table) + 1.2))
    y = np.arange(len(table))
    err = np.nan_to_num(np.vstack([table["_m"] - table["_lo"], table["_hi"] - table["_m"]]))
    ax.errorbar(table["_m"], y, xerr=err, fmt="o", capsize=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.axvspan(-16, -8, color="tab:green", alpha=0.12, label="Braga et al. 2019 band")
    ax.set_yticks(
        y, [s.split(", ")[0][:58] + ", " + s.split(", ")[-1] for s in table["Measure"]], fontsize=8
    )
    ax.invert_yaxis()
    ax.set_xlabel("change (%), 95% CI over seeds")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_png(fig, figs / "hotspot_trial.png")
    doc.img(
        figs / "hotspot_trial.png",
        "Hot spots trial: effects at treated, control and surrounding places",
    )
