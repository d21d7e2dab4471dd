"""Global sensitivity analysis: Morris screening, then Sobol indices (SALib).

:func:`global_sensitivity` takes the model as a function ``evaluate(stage, X) -> Y`` (one
row of parameter values per run, one column per output), so the same code path serves the
simulator (each row is a run launched through Hydra's launcher by :func:`run_design`) and a
known test function (the Ishigami function in the tests). Stage 1 screens every parameter
with Morris elementary effects; stage 2 computes first-order and total Sobol indices for the
``top`` parameters by Morris mu* (all of them when ``top`` is 0), the others held at their
nominal values. The indices are computed by :mod:`cspsim.analysis.sensitivity`; the report
section is :mod:`cspsim.report.sensitivity`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from cspsim.analysis.aggregate import run_summaries
from cspsim.analysis.runs import collect_runs
from cspsim.analysis.sensitivity import OUT_DIR, morris_indices, select_top, sobol_indices
from cspsim.errors import ConfigError
from cspsim.experiments import options
from cspsim.experiments.context import Job, dirname, split_grid

if TYPE_CHECKING:
    from cspsim.experiments.context import SweepContext

Evaluate = Callable[[str, np.ndarray], np.ndarray]


@dataclass
class GSAResult:
    """Morris and Sobol results.

    Attributes:
        morris: ``output, parameter, mu, mu_star, mu_star_conf, sigma, mu_star_norm``.
        selected: Parameters carried to the Sobol stage.
        sobol: ``output, parameter, S1, S1_conf, ST, ST_conf``.
        runs: Model evaluations per stage.
    """

    morris: pd.DataFrame
    selected: list[str]
    sobol: pd.DataFrame
    runs: dict[str, int]


def declared_bounds(parameters: Any) -> dict[str, Any]:
    """``{name: [low, high]}`` of the parameters; a list of names takes declared ranges.

    A name without bounds gets its plausible range from its declaration (``docs/ODD.md``
    7.12), so the sensitivity analysis and the uncertainty ensemble vary parameters over the
    same ranges.

    Raises:
        ConfigError: A name is not a scalar parameter with a declared range.
    """
    from cspsim.config.evidence import by_key

    if isinstance(parameters, dict):
        return parameters
    table = by_key()
    out: dict[str, Any] = {}
    for name in parameters:
        d = table.get(str(name).removeprefix("params."))
        if d is None or not d.has_range or isinstance(d.low, (list, tuple)):
            raise ConfigError(
                f"hydra.sweeper.options.parameters: {name!r} is not a scalar parameter with a "
                "declared range; give its bounds as {name: [low, high]}"
            )
        out[d.path] = [d.low, d.high]
    return out


def make_problem(parameters: dict[str, Any]) -> dict[str, Any]:
    """A SALib problem from ``{name: [low, high]}`` (or ``{name: {bounds: [low, high]}}``)."""
    names = list(parameters)
    bounds = [list(map(float, _bounds(v))) for v in parameters.values()]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _bounds(spec: Any) -> list[float]:
    return list(spec["bounds"]) if isinstance(spec, dict) else list(spec)


def global_sensitivity(
    problem: dict[str, Any],
    evaluate: Evaluate,
    outputs: list[str],
    nominal: dict[str, float] | None = None,
    trajectories: int = 10,
    levels: int = 4,
    sobol_n: int = 64,
    top: int = 0,
    second_order: bool = False,
    seed: int = 0,
) -> GSAResult:
    """Morris screening over all parameters, then Sobol indices of the most influential.

    Args:
        problem: SALib problem (``names``, ``bounds``).
        evaluate: ``evaluate(stage, X)`` returns outputs, shape (len(X), len(outputs)).
        outputs: Names of the output columns.
        nominal: Values of parameters left out of the Sobol stage (default: midpoints).
        trajectories: Morris trajectories (runs: trajectories x (parameters + 1)).
        levels: Morris grid levels.
        sobol_n: Sobol base sample (a power of 2; runs: n x (k + 2), k selected).
        top: Parameters carried to Sobol, by the largest normalized mu* over outputs
            (0: all).
        second_order: Also compute second-order Sobol indices (more runs).
        seed: Seed of the samplers and the bootstrap CIs.
    """
    names = list(problem["names"])
    X = morris_sample.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    Y = np.asarray(evaluate("morris", X), dtype=np.float64).reshape(len(X), len(outputs))
    morris = morris_indices(problem, X, Y, outputs, levels, seed)
    selected = select_top(morris, names, top)

    sub = {
        "num_vars": len(selected),
        "names": selected,
        "bounds": [problem["bounds"][names.index(n)] for n in selected],
    }
    Xs = sobol_sample.sample(sub, N=sobol_n, calc_second_order=second_order, seed=seed)
    mid = {n: (b[0] + b[1]) / 2 for n, b in zip(names, problem["bounds"], strict=True)}
    base = {**mid, **(nominal or {})}
    Xfull = np.tile([base[n] for n in names], (len(Xs), 1)).astype(np.float64)
    for c, n in enumerate(selected):
        Xfull[:, names.index(n)] = Xs[:, c]
    Y2 = np.asarray(evaluate("sobol", Xfull), dtype=np.float64).reshape(len(Xs), len(outputs))
    sobol = sobol_indices(sub, Y2, outputs, second_order, seed)
    return GSAResult(morris, selected, sobol, {"morris": len(X), "sobol": len(Xs)})


def sweep_evaluator(
    ctx: SweepContext, names: list[str], outputs: list[str], ints: set[str]
) -> Evaluate:
    """``evaluate`` that runs each row as a simulation through the sweep's launcher.

    Each row is crossed with the sweep's grid (e.g. ``seed: range(0,2)``); the outputs of a
    row are the means over its grid points. Run directories: ``<stage>/<row>[/<grid point>]``.
    """
    _, varying = split_grid(ctx.grid)

    def evaluate(stage: str, X: np.ndarray) -> np.ndarray:
        jobs = []
        for i, row in enumerate(X):
            values = {
                n: (int(round(v)) if n in ints else float(v))
                for n, v in zip(names, row, strict=True)
            }
            lines = [f"{n}={v!r}" for n, v in values.items()]
            for point, vary in zip(ctx.grid, varying, strict=True):
                sub = ctx.subdir(stage, f"{i:05d}", *([dirname(vary)] if vary else []))
                jobs.append(Job(sub, [*point, *lines], stage=stage, point={**values, "row": i}))
        dirs = ctx.launch(jobs)
        summary = run_summaries(collect_runs(ctx.sweep_dir, only=dirs, dedup=False))
        row_of = {str(d): j.point["row"] for d, j in zip(dirs, jobs, strict=True)}
        y = np.full((len(X), len(outputs)), np.nan)
        if len(summary):
            summary["row"] = summary["run_dir"].map(row_of)
            means = summary.groupby("row")[outputs].mean()
            y[means.index.to_numpy(int)] = means.to_numpy()
        if np.isnan(y).any():
            raise RuntimeError(
                f"{int(np.isnan(y).any(axis=1).sum())} of {len(X)} {stage} runs failed or are "
                f"missing; see their run.json under {ctx.sweep_dir / stage}. Fix and rerun the "
                "same command: complete runs are kept."
            )
        return y

    return evaluate


def _outputs(values: Any) -> list[str]:
    """The outputs analysed: run summary columns with a declaration (checked before any run)."""
    from cspsim.analysis.outcomes import label_unit, outcomes

    out = [values] if isinstance(values, str) else [str(v) for v in values]
    for name in out:
        try:
            label_unit(name)
        except KeyError:
            raise ConfigError(
                f"{options.PREFIX}.outputs: {name!r} is not a column of the run summaries; "
                f"e.g. {[o.name for o in outcomes()]}"
            ) from None
    if not out:
        raise ConfigError(f"{options.PREFIX}.outputs: expected at least one output")
    return out


def run_design(ctx: SweepContext) -> None:
    """The ``sensitivity`` design: Morris then Sobol over ``options.parameters``."""
    from omegaconf import OmegaConf

    opts = ctx.options
    params = declared_bounds(opts["parameters"])
    problem = make_problem(params)
    ints = {n for n, v in params.items() if isinstance(v, dict) and v.get("int")}
    outputs = _outputs(opts.get("outputs", ["crimes_true", "trust"]))
    nominal = {}
    for n in problem["names"]:
        v = OmegaConf.select(ctx.config, n)
        if isinstance(v, (int, float)):
            nominal[n] = float(v)
    morris = opts.get("morris", {})
    sobol = opts.get("sobol", {})
    res = global_sensitivity(
        problem,
        sweep_evaluator(ctx, problem["names"], outputs, ints),
        outputs,
        nominal=nominal,
        trajectories=options.integer(morris, "trajectories", 10, 1, f"{options.PREFIX}.morris"),
        levels=options.integer(morris, "levels", 4, 2, f"{options.PREFIX}.morris"),
        sobol_n=options.integer(sobol, "n", 64, 1, f"{options.PREFIX}.sobol"),
        top=options.integer(sobol, "top", 0, 0, f"{options.PREFIX}.sobol"),
        second_order=options.flag(sobol, "second_order", False, f"{options.PREFIX}.sobol"),
        seed=options.integer(opts, "seed", 0),
    )
    out = ctx.sweep_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    res.morris.to_csv(out / "morris.csv", index=False)
    res.sobol.to_csv(out / "sobol.csv", index=False)
    ctx.notes["sensitivity"] = {"selected": res.selected, "runs": res.runs, "outputs": outputs}
    ctx.write_manifest()
