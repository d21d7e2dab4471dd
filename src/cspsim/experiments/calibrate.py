"""Calibration of the baseline's free parameters to the DESIGN.md bands, with Optuna (TPE).

Each trial is a baseline run launched through Hydra's launcher (``trials/<number>``), in
batches of ``batch`` trials asked of a seeded TPE sampler; the loss is the weighted sum of
squared distances of the run's measures from the band centres, in band half-widths (0 at
every centre, 1 per target at a band's edge). The best trial is rerun on ``confirm_seeds``
new seeds (``confirm/seed=<k>``); the fitted values go into ``output`` (default
``configs/params/calibrated.yaml``, the config every run uses by default), keeping its other
keys, under a header with the fit report (target, band, achieved). The measures and the
loss are the analysis layer's (:mod:`cspsim.analysis.calibration`); the report section is
:mod:`cspsim.report.calibration`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from cspsim.analysis.calibration import OUT_DIR, TARGETS, calibration_metrics, fit_table, loss
from cspsim.analysis.runs import collect_runs
from cspsim.experiments.context import Job
from cspsim.paths import CONFIG_DIR

if TYPE_CHECKING:
    from cspsim.experiments.context import SweepContext


def parameter_overrides(values: dict[str, float], config: Any) -> list[str]:
    """Overrides for fitted values; list elements (``a.b.0``) become one whole-list override."""
    lists: dict[str, list] = {}
    lines = []
    for name, v in values.items():
        head, _, idx = name.rpartition(".")
        if idx.isdigit():
            if head not in lists:
                lists[head] = list(OmegaConf.to_container(OmegaConf.select(config, head)))
            lists[head][int(idx)] = float(v)
        else:
            lines.append(f"{name}={float(v)!r}")
    lines += [f"{k}=[{','.join(repr(float(x)) for x in v)}]" for k, v in lists.items()]
    return lines


def _evaluate(ctx: SweepContext, jobs: list) -> pd.DataFrame:
    dirs = ctx.launch(jobs)
    rs = collect_runs(ctx.sweep_dir, only=dirs, dedup=False)
    m = calibration_metrics(rs)
    return pd.DataFrame({"run_dir": [str(d) for d in dirs]}).merge(m, on="run_dir", how="left")


def run_design(ctx: SweepContext) -> None:
    """The ``calibrate`` design: TPE trials in batches, confirmation, fitted config."""
    import optuna

    opts = ctx.options
    params = {k: tuple(map(float, v)) for k, v in opts["parameters"].items()}
    targets = {k: tuple(map(float, v)) for k, v in (opts.get("targets") or TARGETS).items()}
    seed = int(opts.get("seed", 0))
    n_trials, batch = int(opts.get("trials", 40)), int(opts.get("batch", 4))
    point = ctx.grid[0] if ctx.grid else []
    base = [line for line in point if not line.startswith("seed=")]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(
        seed=seed, multivariate=True, n_startup_trials=max(4, n_trials // 4)
    )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    current = {n: OmegaConf.select(ctx.config, n) for n in params}
    if bool(opts.get("start_from_current", True)) and all(
        isinstance(v, (int, float)) and lo <= v <= hi
        for v, (lo, hi) in zip(current.values(), params.values(), strict=True)
    ):
        study.enqueue_trial({n: float(v) for n, v in current.items()})
    records, asked = [], 0
    while asked < n_trials:
        trials = [study.ask() for _ in range(min(max(batch, 1), n_trials - asked))]
        asked += len(trials)
        values = [{n: t.suggest_float(n, lo, hi) for n, (lo, hi) in params.items()} for t in trials]
        jobs = [
            Job(
                ctx.subdir("trials", f"{t.number:04d}"),
                [*base, f"seed={seed}", *parameter_overrides(v, ctx.config)],
                stage="trials",
                point=v,
            )
            for t, v in zip(trials, values, strict=True)
        ]
        res = _evaluate(ctx, jobs)
        for t, v, (_, m) in zip(trials, values, res.iterrows(), strict=True):
            value = loss(m.to_dict(), targets)
            study.tell(
                t,
                value if np.isfinite(value) else None,
                state=None if np.isfinite(value) else optuna.trial.TrialState.FAIL,
            )
            records.append({"trial": t.number, **v, **m.drop("run_dir").to_dict(), "loss": value})
    best = study.best_trial
    seeds = [seed + 1 + i for i in range(int(opts.get("confirm_seeds", 3)))]
    jobs = [
        Job(
            ctx.subdir("confirm", f"seed={s}"),
            [*base, f"seed={s}", *parameter_overrides(best.params, ctx.config)],
            stage="confirm",
            point=best.params,
        )
        for s in seeds
    ]
    conf = _evaluate(ctx, jobs)
    fit = fit_table(conf, targets)
    out = ctx.sweep_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(records).to_csv(out / "trials.csv", index=False)
    fit.to_csv(out / "fit.csv", index=False)
    target = Path(opts.get("output") or CONFIG_DIR / "params" / "calibrated.yaml")
    write_params(target, best.params, fit, ctx, len(study.trials), seed, seeds)
    ctx.notes["calibrate"] = {
        "best": best.params,
        "loss": best.value,
        "trial": best.number,
        "output": str(target),
        "trials": len(study.trials),
    }
    ctx.write_manifest()


def write_params(
    path: Path,
    best: dict[str, float],
    fit: pd.DataFrame,
    ctx: SweepContext,
    trials: int,
    seed: int,
    seeds: list[int],
) -> None:
    """Write the fitted values into a params config, keeping its other keys."""
    cfg = OmegaConf.load(path) if path.exists() else OmegaConf.create({})
    for line in parameter_overrides(best, ctx.config):
        key, _, value = line.partition("=")
        OmegaConf.update(
            cfg, key.removeprefix("params."), OmegaConf.create(f"v: {value}").v, force_add=True
        )
    city = OmegaConf.select(ctx.config, "city.kind")
    head = [
        "# Fitted values of the baseline's free parameters (the default calibration).",
        '# Targets and bands: DESIGN.md "Calibration targets"; regenerate with',
        "#   cspsim-run -m experiment=calibrate",
        f"# Fitted {dt.date.today()} on {city} by Optuna TPE ({trials} trials, seed {seed});",
        f"# achieved = mean over confirmation seeds {seeds}:",
        f"#   {'target':24s} {'band':13s} achieved",
    ]
    for r in fit.itertuples():
        head.append(
            f"#   {r.target:24s} {r.low:.2f}-{r.high:.2f}     {r.achieved:.3f}"
            f"{'' if r.inside else '  (outside)'}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head) + "\n" + OmegaConf.to_yaml(cfg))
