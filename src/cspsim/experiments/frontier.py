"""Budget frontier: one budget split between patrol, community policing and programs.

Each split ``(patrol, community, programs)`` of the baseline budget, in steps, is an arm:

* ``programs`` goes to partner organizations (youth jobs, job training, mental-health
  responders, mixed as ``programs_mix``);
* the rest pays officers; after calls, a share ``community / (patrol + community)`` of the
  proactive officers walk community beats with monthly beat meetings, the others patrol at
  random (or in the base strategy's mode).

All splits run on the same seeds (common random numbers) and are compared with the
all-patrol split (the reactive baseline): crime averted, trust gained, and the money moved
out of patrol per crime averted. The splits that no other split beats on both crime and
trust form the frontier (:mod:`cspsim.analysis.frontier`; report section
:mod:`cspsim.report.frontier`). The design records each arm's split in the manifest's notes.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING

from cspsim.experiments import options

if TYPE_CHECKING:
    from cspsim.experiments.context import SweepContext

DEFAULT_MIX = {"youth_jobs": 0.5, "job_training": 0.25, "mental_health": 0.25}
#: The strategy setting that funds each kind of program (mental-health responders are their
#: own component since the model's components were split).
PROGRAM_KEYS = {
    "youth_jobs": "strategy.programs.youth_jobs_share",
    "job_training": "strategy.programs.job_training_share",
    "mental_health": "strategy.responders.budget_share",
}


def splits(step: float, max_programs: float) -> list[tuple[float, float, float]]:
    """Budget splits (patrol, community, programs) on a simplex grid of ``step``."""
    n = int(round(1.0 / step))
    out = []
    for c, g in product(range(n + 1), repeat=2):
        p = n - c - g
        if p >= 0 and g * step <= max_programs + 1e-9:
            out.append((round(p * step, 6), round(c * step, 6), round(g * step, 6)))
    return sorted(out, key=lambda s: (s[2], s[1]))


def arm_name(split: tuple[float, float, float]) -> str:
    """``p50_c25_g25``: percentages of the budget on patrol, community policing, programs."""
    p, c, g = (int(round(100 * x)) for x in split)
    return f"p{p}_c{c}_g{g}"


def arm_overrides(split: tuple[float, float, float], mix: dict[str, float]) -> list[str]:
    """Strategy overrides of one split."""
    p, c, g = split
    total = sum(mix.values()) or 1.0
    lines = [f"strategy.name={arm_name(split)}"]
    for kind, key in PROGRAM_KEYS.items():
        lines.append(f"{key}={g * mix.get(kind, 0.0) / total:.6g}")
    officers = p + c
    lines.append(f"strategy.patrol.community_share={(c / officers if officers else 0.0):.6g}")
    lines.append(f"strategy.meetings.per_month={1 if c > 0 else 0}")
    return lines


def run_design(ctx: SweepContext) -> None:
    """The ``frontier`` design: every split is an arm, crossed with the grid (seeds)."""
    opts = ctx.options
    mix = dict(opts.get("programs_mix", DEFAULT_MIX))
    step = options.number(opts, "step", 0.25, 0.0, 1.0, above_low=True)
    grid = splits(step, options.number(opts, "max_programs", 0.5, 0.0, 1.0))
    ctx.arms = {arm_name(s): arm_overrides(s, mix) for s in grid}
    ctx.options.setdefault("baseline", arm_name((1.0, 0.0, 0.0)))
    ctx.notes["frontier"] = {arm_name(s): list(s) for s in grid}
    ctx.write_manifest()
    ctx.launch(ctx.grid_jobs(stage="frontier"))
