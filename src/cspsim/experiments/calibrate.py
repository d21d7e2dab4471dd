"""Calibration of the baseline's free parameters to the docs/design.md bands: point fit, posterior.

**Point fit** (``trials`` > 0): each trial is a baseline run launched through Hydra's
launcher (``trials/<number>``), in batches of ``batch`` trials asked of a seeded Optuna TPE
sampler; the loss is the weighted sum of squared distances of the run's measures from the
band centres, in band half-widths (0 at every centre, 1 per target at a band's edge). The best
trial is rerun on ``confirm_seeds`` new seeds (``confirm/seed=<k>``); the fitted values go
into ``output`` (default ``configs/params/calibrated.yaml``, the config every run uses by
default), keeping its other keys, under a header with the fit report (target, band, achieved).

**Posterior** (``posterior.draws`` > 0): a weighted sample of the same parameters given the
same bands, by adaptive importance sampling (:mod:`cspsim.analysis.posterior`,
``docs/calibration.md``): ``posterior.populations`` populations of baseline runs
(``posterior/<population>/<draw>``), each draw with its own seed, launched through the
launcher one population at a time. It writes ``calibration/posterior.csv`` (parameter paths
and weights), ``posterior_sample.csv`` (resampled), ``draws.csv`` (every draw's measures,
likelihood and weight), ``posterior_summary.csv``, ``predictive.csv`` and
``populations.csv``, and copies the weighted sample to ``posterior.output`` (default
``configs/params/posterior.csv``, what the uncertainty ensemble draws from).

The measures and the loss are the analysis layer's (:mod:`cspsim.analysis.calibration`); the
report section is :mod:`cspsim.report.calibration`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from cspsim.analysis import posterior as ps
from cspsim.analysis.calibration import OUT_DIR, TARGETS, calibration_metrics, fit_table, loss
from cspsim.analysis.runs import collect_runs
from cspsim.config.draws import merge_elements
from cspsim.errors import ConfigError
from cspsim.experiments import options
from cspsim.experiments.context import Job
from cspsim.output.provenance import git_commit
from cspsim.paths import CONFIG_DIR

if TYPE_CHECKING:
    from cspsim.experiments.context import SweepContext

log = logging.getLogger("cspsim")


def parameter_overrides(values: dict[str, float], config: Any) -> list[str]:
    """Overrides for fitted values; list elements (``a.b.0``) become one whole-list override."""
    merged = merge_elements(
        values, lambda head: OmegaConf.to_container(OmegaConf.select(config, head))
    )
    return [
        f"{k}=[{','.join(repr(float(x)) for x in v)}]"
        if isinstance(v, list)
        else f"{k}={float(v)!r}"
        for k, v in merged.items()
    ]


def _evaluate(ctx: SweepContext, jobs: list) -> pd.DataFrame:
    dirs = ctx.launch(jobs)
    rs = collect_runs(ctx.sweep_dir, only=dirs, dedup=False)
    m = calibration_metrics(rs)
    return pd.DataFrame({"run_dir": [str(d) for d in dirs]}).merge(m, on="run_dir", how="left")


def run_design(ctx: SweepContext) -> None:
    """The ``calibrate`` design: the point fit (``trials`` > 0), then the posterior (optional)."""
    opts = ctx.options
    trials = options.integer(opts, "trials", 40, minimum=0)
    post = posterior_options(opts.get("posterior") or {})  # checked before any run
    check_shipped_outputs(str(OmegaConf.select(ctx.config, "city.kind")), trials, opts, post)
    params = {k: tuple(map(float, v)) for k, v in opts["parameters"].items()}
    targets = {k: tuple(map(float, v)) for k, v in (opts.get("targets") or TARGETS).items()}
    point = ctx.grid[0] if ctx.grid else []
    base = [line for line in point if not line.startswith("seed=")]
    unfitted = declared_fitted_elsewhere(params)
    if unfitted:
        log.warning("declared fitted in params.py but not fitted here: %s", ", ".join(unfitted))
        ctx.notes["declared_fitted_not_calibrated"] = unfitted
    values = {n: OmegaConf.select(ctx.config, n) for n in params}
    current = {n: float(v) for n, v in values.items() if isinstance(v, (int, float))}
    fitted = current
    if trials > 0:
        fitted = run_point_fit(ctx, params, targets, base, current)
    if post["draws"] > 0:
        run_posterior(ctx, params, targets, base, fitted, post)
    ctx.write_manifest()


#: The city the shipped calibration is fitted on (its targets are this city's).
CALIBRATION_CITY = "sf2012"


def check_shipped_outputs(
    city: str, trials: int, opts: dict[str, Any], post: dict[str, Any]
) -> None:
    """Refuse to overwrite the shipped calibration with a fit on another city.

    The targets are San Francisco's (``docs/design.md``), and ``configs/params/`` is what
    every run uses by default: a fit on another city written there would change every
    later run's parameters. Another city's fit goes to a file the user names.

    Raises:
        ConfigError: ``city`` is not :data:`CALIBRATION_CITY` and a fit would be written to
            the shipped ``calibrated.yaml`` or ``posterior.csv``.
    """
    if city == CALIBRATION_CITY:
        return
    shipped = []
    if trials > 0 and not opts.get("output"):
        shipped.append(f"{options.PREFIX}.output")
    if post["draws"] > 0 and post["output"] is None:
        shipped.append(f"{options.PREFIX}.posterior.output")
    if shipped:
        raise ConfigError(
            f"{', '.join(shipped)}: a calibration on city {city!r} would overwrite the shipped "
            f"{CALIBRATION_CITY} calibration in configs/params/ that every run uses; give "
            "a file to write to (posterior.output=false: nowhere)"
        )


def declared_fitted_elsewhere(params: dict[str, Any]) -> list[str]:
    """Parameters declared ``kind="fitted"`` in params.py that ``parameters`` does not fit."""
    from cspsim.config.evidence import declarations

    searched = {n.rpartition(".")[0] if n.rpartition(".")[2].isdigit() else n for n in params}
    return sorted(d.path for d in declarations() if d.kind == "fitted" and d.path not in searched)


def run_point_fit(
    ctx: SweepContext,
    params: dict[str, tuple[float, float]],
    targets: dict[str, tuple[float, float, float]],
    base: list[str],
    current: dict[str, float],
) -> dict[str, float]:
    """TPE trials in batches, confirmation on new seeds, the fitted config; the best values."""
    import optuna

    opts = ctx.options
    seed = options.integer(opts, "seed", 0)
    n_trials = options.integer(opts, "trials", 40, minimum=0)
    batch = options.integer(opts, "batch", 4, minimum=1)
    confirm_seeds = options.integer(opts, "confirm_seeds", 3, minimum=1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(
        seed=seed, multivariate=True, n_startup_trials=max(4, n_trials // 4)
    )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if (
        options.flag(opts, "start_from_current", True)
        and len(current) == len(params)
        and all(lo <= current[n] <= hi for n, (lo, hi) in params.items())
    ):
        study.enqueue_trial(dict(current))
    records, asked = [], 0
    while asked < n_trials:
        trials = [study.ask() for _ in range(min(batch, n_trials - asked))]
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
    seeds = [seed + 1 + i for i in range(confirm_seeds)]
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
    return {k: float(v) for k, v in best.params.items()}


def posterior_options(raw: dict[str, Any]) -> dict[str, Any]:
    """The posterior's options (``hydra.sweeper.options.posterior``), checked, defaults set.

    Raises:
        ConfigError: Naming the option and what it expects.
    """
    at = f"{options.PREFIX}.posterior"
    return {
        "draws": options.integer(raw, "draws", 0, minimum=0, prefix=at),
        "seed": options.integer(raw, "seed", 0, prefix=at),
        "populations": options.integer(raw, "populations", 3, minimum=1, prefix=at),
        "sd_fraction": options.number(raw, "sd_fraction", 0.5, 0.0, above_low=True, prefix=at),
        "inflation": options.number(raw, "inflation", 1.3, 0.0, above_low=True, prefix=at),
        "defensive": options.number(raw, "defensive", 0.1, 0.0, 1.0, prefix=at),
        "output": raw.get("output"),
    }


def run_posterior(
    ctx: SweepContext,
    params: dict[str, tuple[float, float]],
    targets: dict[str, tuple[float, float, float]],
    base: list[str],
    point: dict[str, float],
    opts: dict[str, Any],
) -> ps.PosteriorResult | None:
    """The posterior sample (:func:`cspsim.analysis.posterior.sequential_importance`).

    Options (``hydra.sweeper.options.posterior``, read by :func:`posterior_options`):
    ``draws`` (total runs), ``seed`` (of the
    Latin hypercube, the proposals and the runs' seeds), ``populations`` (default 3),
    ``sd_fraction`` (a band's sd as a share of its half-width, default 0.5), ``inflation``
    (default 1.3), ``defensive`` (default 0.1), ``output`` (where the weighted sample is
    copied; null: ``configs/params/posterior.csv``; false: nowhere).

    Returns:
        The weighted sample, or None when no draw had a likelihood (every run failed).
    """
    draws, seed, populations = opts["draws"], opts["seed"], opts["populations"]
    sd_fraction, inflation, defensive = opts["sd_fraction"], opts["inflation"], opts["defensive"]
    prior = ps.Prior.from_bounds(params)

    def simulate(t: int, x: pd.DataFrame, seeds: np.ndarray) -> pd.DataFrame:
        jobs = []
        for i, (row, s) in enumerate(zip(x.to_dict("records"), seeds, strict=True)):
            values = {k: float(v) for k, v in row.items()}
            jobs.append(
                Job(
                    ctx.subdir("posterior", str(t), f"{i:04d}"),
                    [*base, f"seed={int(s)}", *parameter_overrides(values, ctx.config)],
                    stage="posterior",
                    point={**values, "seed": int(s), "population": t},
                )
            )
        log.info("posterior population %d: %d runs", t, len(jobs))
        m = _evaluate(ctx, jobs)
        return m[["run_dir", *targets]]

    out = ctx.sweep_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    tic = time.perf_counter()
    try:
        res = ps.sequential_importance(
            simulate,
            targets,
            prior,
            draws,
            np.random.default_rng(seed),
            populations=populations,
            sd_fraction=sd_fraction,
            inflation=inflation,
            defensive=defensive,
        )
    except ValueError as exc:  # every run failed: nothing to weight
        log.error("posterior: %s", exc)
        ctx.notes["posterior"] = {"error": str(exc), "draws": draws, "seed": seed}
        ctx.write_manifest()
        return None
    seconds = time.perf_counter() - tic
    res.draws.to_csv(out / "draws.csv", index=False)
    res.populations.to_csv(out / "populations.csv", index=False)
    summary = ps.summarize(res.sample, res.weights, prior, point)
    summary.to_csv(out / "posterior_summary.csv", index=False)
    ps.predictive_check(res.draws, res.weights, targets).to_csv(out / "predictive.csv", index=False)
    header = posterior_header(ctx, res, targets, seed, sd_fraction, populations)
    ps.write_posterior(out / ps.POSTERIOR_FILE, res.sample, res.weights, header)
    resampled = res.sample.iloc[
        ps.resample_indices(res.weights, draws, np.random.default_rng([seed, 1]))
    ]
    ps.write_posterior(
        out / "posterior_sample.csv",
        resampled,
        np.full(len(resampled), 1.0 / len(resampled)),
        {**header, "resampled": f"{draws} rows, systematic resampling by weight"},
    )
    dest = opts.get("output")
    shipped = None
    if dest is not False:
        shipped = Path(dest or ps.DEFAULT_PATH)
        ps.write_posterior(shipped, res.sample, res.weights, header)
    ctx.notes["posterior"] = {
        "draws": draws,
        "populations": populations,
        "seed": seed,
        "ess": res.ess,
        "max_weight": res.max_weight,
        "sd_fraction": sd_fraction,
        "inflation": inflation,
        "defensive": defensive,
        "method": ps.METHOD,
        "output": str(shipped) if shipped else None,
        "seconds": round(seconds, 1),
    }
    if res.ess < ps.MIN_ESS:
        log.warning(
            "posterior: effective sample size %.1f < %.0f; run more draws", res.ess, ps.MIN_ESS
        )
    log.info("posterior: %d draws, ESS %.1f, largest weight %.3f", draws, res.ess, res.max_weight)
    ctx.write_manifest()
    return res


def posterior_header(
    ctx: SweepContext,
    res: ps.PosteriorResult,
    targets: dict[str, tuple[float, float, float]],
    seed: int,
    sd_fraction: float,
    populations: int,
) -> dict[str, object]:
    """The manifest lines of a posterior file."""
    prior = res.prior
    return {
        "cspsim posterior": "weighted sample of the fitted parameters (columns: paths, weight)",
        "method": ps.METHOD,
        "city": OmegaConf.select(ctx.config, "city.kind"),
        "prior": "uniform; "
        + "; ".join(
            f"{n}=[{lo:g}, {hi:g}]"
            for n, lo, hi in zip(prior.names, prior.low, prior.high, strict=True)
        ),
        "targets": "; ".join(f"{k}=[{lo:g}, {hi:g}] w={w:g}" for k, (lo, hi, w) in targets.items()),
        "likelihood": f"Gaussian at each band centre, sd = {sd_fraction:g} x half-width / "
        "sqrt(weight); one run per draw with its own seed (seed noise included)",
        "draws": f"{len(res.draws)} in {populations} population(s): "
        + ", ".join(str(int(n)) for n in res.populations["draws"]),
        "ess": f"{res.ess:.1f}",
        "max_weight": f"{res.max_weight:.4f}",
        "seed": seed,
        "date": dt.date.today().isoformat(),
        "git_commit": git_commit(),
        "sweep": str(ctx.sweep_dir),
        "regenerate": "cspsim-run -m experiment=calibrate hydra.sweeper.options.trials=0 "
        f"hydra.sweeper.options.posterior.draws={len(res.draws)}",
    }


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
        '# Targets and bands: docs/design.md "Calibration targets"; regenerate with',
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
