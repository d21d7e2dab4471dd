"""The uncertainty ensemble as a sweep: every strategy under parameter draws and seed replicates.

``cspsim-run -m experiment=uncertainty`` launches, through any Hydra launcher (local
processes, joblib, SLURM):

* ``draws`` parameter sets (:func:`cspsim.config.draws.draw`: the sourced and assumed
  parameters from their declared ranges by a seeded Latin hypercube, the fitted ones from
  the shipped posterior when there is one), each with its own seed, every strategy of the
  grid on it (common random numbers): ``draws/<i>/<strategy>``;
* ``seeds`` replicates at the default parameters, every strategy on each seed:
  ``seeds/<seed>/<strategy>`` (they measure what the seeds alone contribute).

The draws are written to ``uncertainty/draws.csv`` before anything runs, so ``cspsim-report``
on the sweep directory reports effects with 95% prediction intervals over the draws, the
parameters' share of the variance, and each strategy's probability of being best
(:mod:`cspsim.analysis.uncertainty`, :mod:`cspsim.report.uncertainty`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cspsim.analysis.uncertainty import DRAWS_FILE
from cspsim.config.declare import KINDS
from cspsim.config.draws import Draws, draw, load_shipped_posterior
from cspsim.experiments import options
from cspsim.experiments.context import Job, override_key

if TYPE_CHECKING:
    from cspsim.experiments.context import SweepContext


def strategies(ctx: SweepContext) -> list[tuple[str, list[str]]]:
    """The grid's points without their seed: ``(name, overrides)`` of each strategy."""
    out = []
    for point in ctx.grid or [[]]:
        lines = [o for o in point if override_key(o) != "seed"]
        name = next((o.partition("=")[2] for o in lines if override_key(o) == "strategy"), "")
        if (name, lines) not in out:
            out.append((name or "default", lines))
    return out


def posterior_option(value: object) -> pd.DataFrame | None:
    """The posterior sample the option names: ``shipped`` (default), ``null``, or a path."""
    if value is None or value is False:
        return None
    if value in ("shipped", True):
        return load_shipped_posterior()
    return pd.read_csv(Path(str(value)), comment="#")


def write_draws(draws: Draws, root: Path) -> Path:
    """Write the draws table (atomically) where the report looks for it."""
    path = root / DRAWS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    draws.table.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def run_design(ctx: SweepContext) -> None:
    """The ``uncertainty`` design: draws x strategies, and seed replicates x strategies."""
    opts = ctx.options
    fixed = {override_key(o) for o in ctx.arguments}
    replicates = options.integer(opts, "seeds", 5, minimum=0)
    kinds = options.names(opts.get("kinds", ("sourced", "assumed")), "kinds", KINDS)
    draws = draw(
        options.integer(opts, "draws", 64, minimum=1),
        options.integer(opts, "seed", 2026),
        kinds=tuple(kinds),
        posterior=posterior_option(opts.get("posterior", "shipped")),
        first_seed=options.integer(opts, "first_seed", 1000),
    ).without(fixed)
    write_draws(draws, ctx.sweep_dir)
    ctx.options.setdefault("baseline", "reactive")
    ctx.notes["uncertainty"] = {
        "draws": len(draws.table),
        "parameters": len(draws.parameters),
        "posterior": draws.posterior,
        "kinds": list(draws.kinds),
    }
    jobs = []
    for name, lines in strategies(ctx):
        for seed in range(replicates):
            jobs.append(
                Job(ctx.subdir("seeds", str(seed), name), [*lines, f"seed={seed}"], "seeds", name)
            )
        for i in range(len(draws.table)):
            jobs.append(
                Job(
                    ctx.subdir("draws", str(i), name),
                    [*lines, *draws.overrides(i), f"seed={draws.seed(i)}"],
                    "draws",
                    name,
                    {"draw": i},
                )
            )
    ctx.launch(jobs)
    ctx.write_manifest()
