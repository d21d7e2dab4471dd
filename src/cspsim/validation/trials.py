"""In-silico trials: each intervention against the baseline on common random numbers.

Every trial runs the strategy and the reactive baseline on the same seed; the effect is
measured per seed on the place-days (or residents) the strategy treated, comparing the
same place-days (residents) in the baseline run, and summarized across seeds with a
t-based 95% CI of the paired differences. Crime is *true* crime (what happened, not what
police recorded: recording changes with patrol and trust) of the victim types (violent,
property, disorder) unless the fact names other types; drug offences are nearly all found
by police, so their true count says more about the model's assumptions than about crime.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cspsim.analysis.concentration import relative_change
from cspsim.analysis.stats import mean_ci
from cspsim.model.types import DISORDER, DRUGS, PROPERTY, VIOLENT
from cspsim.validation.runs import RunSpec, Trace

VICTIM = (VIOLENT, PROPERTY, DISORDER)
#: Extra days run after two years so every first-cycle participant has two full years.
FOLLOW_UP_SLACK = 60

#: Trial name -> (strategy file, overrides, two-year run, keep the youth-jobs participants).
TRIALS: dict[str, tuple[str, tuple[str, ...], bool, bool]] = {
    "hotspot": ("hotspot", (), False, False),
    "community_policing": ("community_policing", (), False, False),
    "problem_oriented": ("problem_oriented", (), False, False),
    "neighbourhood_watch": ("neighbourhood_watch", (), False, False),
    # The root-causes strategy with one component at a time, so each effect is its own.
    "summer_jobs": (
        "root_causes",
        ("strategy.programs.job_training_share=0", "strategy.responders.budget_share=0"),
        True,
        True,
    ),
    "responders": (
        "root_causes",
        ("strategy.programs.youth_jobs_share=0", "strategy.programs.job_training_share=0"),
        False,
        False,
    ),
    # Wood, Tyler & Papachristos 2020 followed complaints for two years.
    "procedural_justice": ("procedural_justice", (), True, False),
}


def specs_for_seed(
    seed: int, days: int, overrides: tuple[str, ...] = (), params: Sequence[str] = ()
) -> list[RunSpec]:
    """All runs of one seed: the (two-year) baseline, every trial, and Columbus.

    Args:
        seed: Root seed.
        days: Recorded days of a one-year run.
        overrides: Overrides of the San Francisco runs (e.g. a coarser scale).
        params: Parameter overrides of every run, Columbus included (a parameter draw).
    """
    long = 2 * days + FOLLOW_UP_SLACK
    overrides = (*overrides, *params)
    specs = [RunSpec("baseline", "reactive", seed, long, days, overrides=overrides)]
    for name, (strategy, extra, two_years, participants) in TRIALS.items():
        specs.append(
            RunSpec(
                name,
                strategy,
                seed,
                long if two_years else days,
                days,
                overrides=overrides + extra,
                participants=participants,
            )
        )
    specs.append(
        RunSpec("columbus", "reactive", seed, days, days, city="columbus", overrides=tuple(params))
    )
    return specs


def _masked_change(
    treat: Trace, base: Trace, mask: np.ndarray, types: tuple[int, ...], days: int
) -> float:
    """Relative change of true crime of ``types`` over the masked place-days."""
    m = mask[:days]
    t = treat.true[:days][:, :, list(types)].sum(axis=-1, dtype=np.int64)[m].sum()
    b = base.true[:days][:, :, list(types)].sum(axis=-1, dtype=np.int64)[m].sum()
    return float(relative_change(np.array([t]), np.array([b]))[0])


def _participant_effects(
    treat: Trace, base: Trace, year: int, arrests: bool = False
) -> tuple[float, float]:
    """Participants' violent offences vs the same residents in the baseline, years 1 and 2.

    Participants are the resident agents enrolled in summer jobs early enough to be followed
    for two full years after enrolment; each is compared with themself in the baseline run
    on the same seed (the CRN counterfactual of a lottery loser). Offences are attributed to
    offenders when they happen (:meth:`cspsim.model.world.World.pick_offender`).

    Args:
        treat: The summer-jobs run.
        base: The baseline run of the same seed.
        year: Days in a year.
        arrests: Count violent-crime arrests instead (what Heller 2014 measured).
    """
    n_days = treat.presence.shape[0]
    keep = treat.enrolled + 2 * year <= n_days
    who, since = treat.participants[keep], treat.enrolled[keep]
    if len(who) == 0:
        return float("nan"), float("nan")
    size = 1 + int(
        max(who.max(), treat.offences[:, 1].max(initial=0), base.offences[:, 1].max(initial=0))
    )
    start = np.full(size, -1, np.int64)
    start[who] = since
    out = []
    for y in (0, 1):
        counts = []
        for tr in (treat, base):
            o = tr.offences[tr.offences[:, 2] == VIOLENT]
            if arrests:
                o = o[o[:, 3] == 1]
            s0 = start[o[:, 1]]
            inside = (s0 >= 0) & (o[:, 0] >= s0 + y * year) & (o[:, 0] < s0 + (y + 1) * year)
            counts.append(int(inside.sum()))
        t, b = counts
        out.append(t / b - 1.0 if b > 0 else float("nan"))
    return out[0], out[1]


def seed_effects(traces: dict[str, Trace], days: int) -> dict[str, float]:
    """Effects of every trial for one seed (keys are fact keys)."""
    base = traces["baseline"]
    out: dict[str, float] = {}
    hs = traces["hotspot"]
    out["hotspot_treated"] = _masked_change(hs, base, hs.mask, VICTIM, days)
    out["hotspot_surrounding"] = _masked_change(hs, base, hs.surround, VICTIM, days)
    community = traces["community_policing"]
    out["cp_trust"] = community.scalars["end_high_confidence"] - base.scalars["end_high_confidence"]
    out["cp_satisfaction"] = community.scalars["end_satisfied"] - base.scalars["end_satisfied"]
    everywhere = np.ones(community.true.shape[:2], dtype=bool)
    out["cp_crime"] = _masked_change(community, base, everywhere, VICTIM, days)
    pop = traces["problem_oriented"]
    out["pop_targeted"] = _masked_change(pop, base, pop.mask, VICTIM, days)
    nw = traces["neighbourhood_watch"]
    out["watch_covered"] = _masked_change(nw, base, nw.mask, VICTIM, days)
    y1, y2 = _participant_effects(traces["summer_jobs"], base, days)
    out["summer_jobs_year1"] = y1
    out["summer_jobs_year2"] = y2
    out["summer_jobs_fade"] = y2 / y1 if y1 < 0 else float("nan")
    a1, a2 = _participant_effects(traces["summer_jobs"], base, days, arrests=True)
    out["summer_jobs_arrests_year1"] = a1
    out["summer_jobs_arrests_year2"] = a2
    pj = traces["procedural_justice"]
    out["pj_complaints"] = pj.scalars["complaints_2y"] / max(base.scalars["complaints_2y"], 1) - 1
    out["pj_negative_contacts"] = (
        pj.scalars["negative_contacts_2y"] / max(base.scalars["negative_contacts_2y"], 1) - 1
    )
    mh = traces["responders"]
    out["mh_low_level"] = _masked_change(mh, base, mh.mask, (DISORDER, DRUGS), days)
    out["mh_serious"] = _masked_change(mh, base, mh.mask, (VIOLENT, PROPERTY), days)
    # Context for the report (not facts): city-wide changes and treated place counts.
    for name in ("hotspot", "problem_oriented", "neighbourhood_watch", "responders"):
        tr = traces[name]
        out[f"{name}_city"] = _masked_change(tr, base, everywhere, VICTIM, days)
        out[f"{name}_places"] = float(tr.mask[1:days].sum(axis=1).mean())
        m = tr.mask[1:days]
        out[f"{name}_dose"] = float(tr.presence[1:days][m].mean() / base.presence[1:days][m].mean())
    return out


def summarize(per_seed: list[dict[str, float]]) -> dict[str, tuple[float, float, float]]:
    """Mean and t-based 95% CI across seeds of every effect."""
    keys = per_seed[0].keys()
    return {k: mean_ci(np.array([d[k] for d in per_seed])) for k in keys}
