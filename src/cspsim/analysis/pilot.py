"""Power and bias of a pilot's evaluation (the ``pilot_power`` design's analysis).

Each replicate of a pilot sweep (:mod:`cspsim.experiments.pilot`) holds, for one seed, a run
per pilot size with the strategy in the treated neighbourhoods, and the run of the same seed
without the strategy (the counterfactual). For every pilot run and duration ``d`` (months
after the start) the evaluation the city would run is repeated on the first
``start + d`` months:

* **recorded crime**: the place-by-month two-way fixed-effects difference-in-differences of
  the treated against the control neighbourhoods (:func:`cspsim.analysis.did.did`, CIs
  clustered by neighbourhood): the effect *detected* when its 95% CI excludes zero;
* **the survey**: the respondent-level 2x2 DiD of each Likert answer
  (:func:`cspsim.analysis.did.did_2x2`), on the waves within the window;
* **the truth**, by common random numbers: the pilot run minus the counterfactual run at the
  treated places in the pilot months, for true crime (and recorded crime, and each survey
  answer); and the DiD on true crime (an evaluator who saw every offence);
* **a placebo**: the same evaluation, with the same treated and control neighbourhoods, of
  the counterfactual run (no strategy anywhere). Its rejection rate is the evaluation's
  false-positive rate for this design, at no extra run; cluster-robust intervals with few
  treated neighbourhoods are known to be too narrow (Conley & Taber 2011; MacKinnon & Webb
  2017), and the placebo shows by how much.

Survey waves up to the start day are pre waves; waves in the ``d`` months after it are post.

Over the replicates of a size and duration: **power** (the share of replicates whose
evaluation detects the effect in the direction of the true effect on true crime), the
rejection rate in any direction (the false-positive rate when there is no effect), the
share detected with the wrong sign, and the **bias** of the recorded-crime estimate against
the true effect (in percent of the treated places' counterfactual level; e.g. community
policing raises reporting, so recorded crime can rise while true crime falls). The
smallest pilot reaching 80% power is the one with the fewest neighbourhood-months.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from cspsim.analysis.aggregate import READ, connect, place_months, query
from cspsim.analysis.did import Estimate, did, did_2x2
from cspsim.analysis.rollout import survey_outcomes
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import mean_ci
from cspsim.model.measures import MONTH_DAYS

__all__ = [
    "COUNTERFACTUAL",
    "DESIGN",
    "MONTH_DAYS",
    "PILOT",
    "PilotSetup",
    "analyse",
    "arm_name",
    "power_table",
    "pre_period_crime",
    "replicate_estimates",
    "smallest_pilot",
]

#: Name of the design.
DESIGN = "pilot_power"
#: Arm (and stage) of the runs without the strategy.
COUNTERFACTUAL = "counterfactual"
#: Stage of the pilot runs.
PILOT = "pilot"
#: Power a pilot should reach.
TARGET_POWER = 0.8


def arm_name(size: int) -> str:
    """Arm of the pilots treating ``size`` neighbourhoods (``n5``)."""
    return f"n{size}"


def true_column(outcome: str) -> str:
    """The true-crime column of a recorded-crime column."""
    return outcome.replace("recorded", "true")


def pre_period_crime(run_dir: Path, start_month: int, column: str) -> dict[str, float] | None:
    """Recorded crime per place-month in each neighbourhood before ``start_month``.

    What a planner sees before the pilot (used to match treated and control
    neighbourhoods); None when the run has no complete places table.
    """
    path = Path(run_dir) / "places.parquet"
    if not path.exists():
        return None
    df = pd.read_parquet(path, columns=["neighbourhood", "month", column])
    df = df[df["month"] < start_month]
    if df.empty:
        return None
    return {str(k): float(v) for k, v in df.groupby("neighbourhood")[column].mean().items()}


@dataclass
class PilotSetup:
    """What the design ran (from the sweep manifest's notes).

    Attributes:
        strategy: Strategy piloted.
        sizes: Numbers of treated neighbourhoods.
        durations: Months after the start evaluated.
        selection: ``random``, ``list`` or ``matched``.
        outcome: Recorded-crime column estimated on.
        start_day: Day the pilot starts (after burn-in).
        neighbourhoods: Neighbourhoods of the city.
        replicates: Replicates (seeds) launched.
        parameter_draws: Parameters drawn per replicate (0: every replicate at the
            configured parameters).
    """

    strategy: str
    sizes: list[int]
    durations: list[int]
    selection: str
    outcome: str
    start_day: int
    neighbourhoods: int
    replicates: int
    parameter_draws: int = 0

    @property
    def start_month(self) -> int:
        """First month counted as treated."""
        return self.start_day // MONTH_DAYS

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any] | None) -> PilotSetup | None:
        """The setup of a pilot sweep; None for other sweeps."""
        notes = ((manifest or {}).get("notes") or {}).get("pilot")
        if (manifest or {}).get("design") != DESIGN or not notes:
            return None
        return cls(
            strategy=str(notes["strategy"]),
            sizes=[int(s) for s in notes["sizes"]],
            durations=[int(d) for d in notes["durations"]],
            selection=str(notes["selection"]),
            outcome=str(notes.get("outcome", "crimes_recorded")),
            start_day=int(notes["start_day"]),
            neighbourhoods=int(notes["neighbourhoods"]),
            replicates=int(notes["replicates"]),
            parameter_draws=int(notes.get("parameter_draws") or 0),
        )


def _survey(runs: list[str]) -> pd.DataFrame:
    """The survey answers of ``runs``: ``run_dir, day, place_id`` and the Likert answers."""
    files = [str(Path(d) / "survey.parquet") for d in runs]
    answers = ", ".join(f'"{m.name}"' for m in survey_outcomes())
    df = query(
        connect(),
        f"SELECT filename, day, CAST(place_id AS VARCHAR) AS place_id, {answers} FROM {READ}",
        files,
    )
    df.insert(0, "run_dir", df.pop("filename").map(dict(zip(files, runs, strict=True))))
    return df


def _detected(e: Estimate) -> bool:
    return bool(np.isfinite(e.ci_low) and (e.ci_low > 0 or e.ci_high < 0))


def _safe(fn: Callable[..., Estimate], *args: Any, **kwargs: Any) -> Estimate:
    """An estimate, or NaN when the window cannot identify it (no variation, one cluster)."""
    try:
        e = fn(*args, **kwargs)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0, 0)
    return e


def _pct(part: float, whole: float) -> float:
    return 100.0 * (part / whole - 1.0) if whole > 0 else float("nan")


def replicate_estimates(rs: RunSet) -> pd.DataFrame:
    """One row per pilot run and duration: the evaluation's estimates and the truth.

    Columns: ``size, seed, duration, run_dir``; for the recorded-crime DiD ``rec_coef,
    rec_low, rec_high, rec_pct, rec_detect``; for the DiD on true crime ``tdid_coef,
    tdid_low, tdid_high, tdid_pct, tdid_detect``; the placebo ``plc_coef, plc_low,
    plc_high``; the truth by common random numbers
    ``true_coef`` (offences per treated place-month), ``true_pct`` (true crime),
    ``true_rec_pct`` (recorded crime); ``bias_pct`` (``rec_pct - true_pct``); and per
    survey answer ``<answer>_coef, <answer>_low, <answer>_high, <answer>_detect,
    <answer>_true, <answer>_plc_low, <answer>_plc_high`` (Likert points).
    """
    setup = PilotSetup.from_manifest(rs.manifest)
    if setup is None or rs.runs.empty:
        return pd.DataFrame()
    jobs = {j["subdir"]: j for j in (rs.manifest or {}).get("jobs", [])}
    runs = rs.runs.assign(job=rs.runs["rel"].map(jobs))
    runs = runs[runs["job"].notna()]
    cf = {
        int(j["point"]["seed"]): d
        for d, j in zip(runs["run_dir"], runs["job"], strict=True)
        if j.get("stage") == COUNTERFACTUAL
    }
    pilots = [
        (d, j["point"])
        for d, j in zip(runs["run_dir"], runs["job"], strict=True)
        if j.get("stage") == PILOT and int(j["point"]["seed"]) in cf
    ]
    if not pilots:
        return pd.DataFrame()
    rec, tru = setup.outcome, true_column(setup.outcome)
    dirs = [d for d, _ in pilots] + sorted(set(cf.values()))
    panel = place_months(rs, [rec, tru], dirs)
    panel["neighbourhood"] = panel["neighbourhood"].astype(str)
    by_run = dict(tuple(panel.groupby("run_dir", sort=False)))
    survey = _survey(dirs)
    surveys = dict(tuple(survey.groupby("run_dir", sort=False)))
    answers = [m.name for m in survey_outcomes()]
    start, start_day = setup.start_month, setup.start_day
    rows = []
    for run_dir, point in pilots:
        p, c = by_run.get(run_dir), by_run.get(cf[int(point["seed"])])
        if p is None or c is None:
            continue
        treated, controls = set(point["treated"]), set(point["controls"])
        p = p[p["neighbourhood"].isin(treated | controls)].copy()
        p["treated"] = p["neighbourhood"].isin(treated)
        c = c[c["neighbourhood"].isin(treated | controls)].copy()
        c["treated"] = c["neighbourhood"].isin(treated)
        placebo = c
        c = c.set_index(["place_id", "month"])
        nb_of = dict(zip(p["place_id"], p["neighbourhood"], strict=False))
        sv = _survey_panel(surveys.get(run_dir), nb_of, treated, start_day)
        sv_cf = _survey_panel(surveys.get(cf[int(point["seed"])]), nb_of, treated, start_day)
        for d in setup.durations:
            sub = p[p["month"] < start + d]
            e_rec = _safe(did, sub, rec, start)
            e_tru = _safe(did, sub, tru, start)
            e_plc = _safe(did, placebo[placebo["month"] < start + d], rec, start)
            post = sub[sub["treated"] & (sub["month"] >= start)]
            base = c.reindex(pd.MultiIndex.from_frame(post[["place_id", "month"]]))
            level = post[rec].mean()
            row: dict[str, Any] = {
                "size": int(point["size"]),
                "seed": int(point["seed"]),
                "duration": d,
                "run_dir": run_dir,
                "rec_coef": e_rec.coef,
                "rec_low": e_rec.ci_low,
                "rec_high": e_rec.ci_high,
                "rec_pct": 100.0 * e_rec.coef / (level - e_rec.coef)
                if level - e_rec.coef > 0
                else np.nan,
                "rec_detect": _detected(e_rec),
                "tdid_coef": e_tru.coef,
                "tdid_low": e_tru.ci_low,
                "tdid_high": e_tru.ci_high,
                "tdid_pct": 100.0 * e_tru.coef / (post[tru].mean() - e_tru.coef)
                if post[tru].mean() - e_tru.coef > 0
                else np.nan,
                "tdid_detect": _detected(e_tru),
                "plc_coef": e_plc.coef,
                "plc_low": e_plc.ci_low,
                "plc_high": e_plc.ci_high,
                "true_coef": float((post[tru].to_numpy() - base[tru].to_numpy()).mean()),
                "true_pct": _pct(post[tru].sum(), base[tru].sum()),
                "true_rec_pct": _pct(post[rec].sum(), base[rec].sum()),
                "clusters": e_rec.clusters,
            }
            row["bias_pct"] = row["rec_pct"] - row["true_pct"]
            window = start_day + MONTH_DAYS * d
            for a in answers:
                row.update(_survey_effect(sv, sv_cf, a, window))
            rows.append(row)
    return pd.DataFrame(rows)


def _survey_panel(
    df: pd.DataFrame | None, nb_of: dict[str, str], treated: set[str], start_day: int
) -> pd.DataFrame | None:
    """Respondents in the evaluated neighbourhoods with ``treated``, ``post`` and cluster."""
    if df is None or df.empty:
        return None
    out = df.assign(neighbourhood=df["place_id"].map(nb_of))
    out = out[out["neighbourhood"].notna()].copy()
    out["treated"] = out["neighbourhood"].isin(treated)
    # A wave on the start day measures attitudes before any exposure: it is a pre wave.
    out["post"] = out["day"] > start_day
    return out


def _survey_effect(
    sv: pd.DataFrame | None, sv_cf: pd.DataFrame | None, answer: str, window: int
) -> dict[str, Any]:
    """The 2x2 DiD of one answer on the waves up to day ``window``, placebo and truth.

    The placebo is the same evaluation of the counterfactual run's survey (no strategy),
    the truth the mean answer of the treated neighbourhoods' post respondents in the pilot
    run minus that in the counterfactual run.
    """
    nan = float("nan")
    keys = ("coef", "low", "high", "true", "plc_low", "plc_high")
    out: dict[str, Any] = {f"{answer}_{k}": nan for k in keys}
    out[f"{answer}_detect"] = False
    if sv is None:
        return out
    sub = sv[sv["day"] <= window]
    if not (sub["post"].any() and (~sub["post"]).any()):
        return out
    e = _safe(did_2x2, sub, answer)
    out.update(
        {
            f"{answer}_coef": e.coef,
            f"{answer}_low": e.ci_low,
            f"{answer}_high": e.ci_high,
            f"{answer}_detect": _detected(e),
        }
    )
    if sv_cf is not None:
        cf = sv_cf[sv_cf["day"] <= window]
        plc = _safe(did_2x2, cf, answer)
        out[f"{answer}_plc_low"], out[f"{answer}_plc_high"] = plc.ci_low, plc.ci_high
        mine = sub[sub["treated"] & sub["post"]][answer]
        theirs = cf[cf["treated"] & cf["post"]][answer]
        if len(mine) and len(theirs):
            out[f"{answer}_true"] = float(mine.mean() - theirs.mean())
    return out


def _share(hits: np.ndarray) -> tuple[float, float, float]:
    n = len(hits)
    if n == 0:
        return (float("nan"),) * 3
    k = int(np.sum(hits))
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return k / n, float(lo), float(hi)


def _power_cols(
    prefix: str, coef: pd.Series, low: pd.Series, high: pd.Series, truth: float
) -> dict[str, float]:
    """Power (right direction), rejection and wrong-sign shares with Wilson intervals."""
    detect = (low > 0) | (high < 0)
    sign = float(np.sign(truth)) if np.isfinite(truth) else 0.0
    right = detect & (np.sign(coef) == sign) if sign else pd.Series(np.nan, index=coef.index)
    wrong = detect & (np.sign(coef) == -sign) if sign else pd.Series(False, index=coef.index)
    out: dict[str, float] = {}
    for name, hits in (("reject", detect), ("wrong", wrong)):
        out[f"{prefix}_{name}"], out[f"{prefix}_{name}_low"], out[f"{prefix}_{name}_high"] = _share(
            hits.to_numpy(bool)
        )
    if sign:
        out[f"{prefix}_power"], out[f"{prefix}_power_low"], out[f"{prefix}_power_high"] = _share(
            right.to_numpy(bool)
        )
    else:  # no true effect: nothing to detect; the rejection rate is the false positives
        out[f"{prefix}_power"] = out[f"{prefix}_power_low"] = out[f"{prefix}_power_high"] = np.nan
    return out


def _false_cols(prefix: str, low: pd.Series, high: pd.Series) -> dict[str, float]:
    """False-positive rate of the placebo evaluations (no strategy), Wilson interval."""
    ok = low.notna() & high.notna()
    hits = ((low[ok] > 0) | (high[ok] < 0)).to_numpy(bool)
    v, lo, hi = _share(hits)
    return {f"{prefix}_false": v, f"{prefix}_false_low": lo, f"{prefix}_false_high": hi}


def power_table(rep: pd.DataFrame) -> pd.DataFrame:
    """Per pilot size and duration: power, rejection, wrong sign, estimates and bias.

    Columns: ``size, duration, replicates, neighbourhood_months``; ``rec_*`` (recorded-crime
    DiD) and ``tdid_*`` (DiD on true crime) with ``_power``, ``_reject``, ``_wrong`` and
    their Wilson 95% intervals; ``rec_false`` (placebo rejections) with its interval;
    ``rec_pct``, ``tdid_pct``, ``true_pct``, ``true_rec_pct`` (means over replicates);
    ``bias_pct`` with ``bias_low``/``bias_high`` (t-CI); and per survey answer the same
    power and placebo columns, ``<answer>_coef`` and ``<answer>_true``.
    """
    if rep.empty:
        return pd.DataFrame()
    answers = [m.name for m in survey_outcomes() if f"{m.name}_coef" in rep]
    rows = []
    for (size, duration), g in rep.groupby(["size", "duration"], sort=True):
        truth = float(g["true_coef"].mean())
        row: dict[str, Any] = {
            "size": int(size),
            "duration": int(duration),
            "replicates": len(g),
            "neighbourhood_months": int(size) * int(duration),
        }
        row |= _power_cols("rec", g["rec_coef"], g["rec_low"], g["rec_high"], truth)
        row |= _power_cols("tdid", g["tdid_coef"], g["tdid_low"], g["tdid_high"], truth)
        row |= _false_cols("rec", g["plc_low"], g["plc_high"])
        for c in ("rec_pct", "tdid_pct", "true_pct", "true_rec_pct", "true_coef", "rec_coef"):
            row[c] = float(g[c].mean())
        row["bias_pct"], row["bias_low"], row["bias_high"] = mean_ci(g["bias_pct"].to_numpy())
        for a in answers:
            sub = g[g[f"{a}_coef"].notna()]
            row |= _power_cols(
                a, sub[f"{a}_coef"], sub[f"{a}_low"], sub[f"{a}_high"], sub[f"{a}_true"].mean()
            )
            row |= _false_cols(a, sub[f"{a}_plc_low"], sub[f"{a}_plc_high"])
            row[f"{a}_coef"] = float(sub[f"{a}_coef"].mean()) if len(sub) else np.nan
            row[f"{a}_true"] = float(sub[f"{a}_true"].mean()) if len(sub) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def smallest_pilot(
    power: pd.DataFrame, prefix: str = "rec", level: float = TARGET_POWER
) -> pd.Series | None:
    """The pilot with the fewest neighbourhood-months whose power reaches ``level``.

    Ties go to fewer neighbourhoods (a shorter pilot of more neighbourhoods costs as much
    but answers sooner, so it comes second only on equal neighbourhood-months).
    """
    col = f"{prefix}_power"
    if power.empty or col not in power:
        return None
    ok = power[power[col] >= level]
    if ok.empty:
        return None
    return ok.sort_values(["neighbourhood_months", "size", "duration"]).iloc[0]


def analyse(rs: RunSet) -> dict[str, Any] | None:
    """The pilot sweep's evaluation (None for other sweeps).

    Returns:
        ``setup`` (:class:`PilotSetup`), ``replicates`` (:func:`replicate_estimates`),
        ``power`` (:func:`power_table`), ``smallest`` (recorded crime), ``smallest_true``
        (the DiD on true crime) and ``smallest_survey`` (survey answer -> row) (rows of the
        power table, or None when no pilot of the grid reaches 80% power).
    """
    setup = PilotSetup.from_manifest(rs.manifest)
    if setup is None:
        return None
    rep = replicate_estimates(rs)
    power = power_table(rep)
    return {
        "setup": setup,
        "replicates": rep,
        "power": power,
        "smallest": smallest_pilot(power, "rec"),
        "smallest_true": smallest_pilot(power, "tdid"),
        "smallest_survey": {
            m.name: smallest_pilot(power, m.name)
            for m in survey_outcomes()
            if f"{m.name}_power" in power
        },
    }
