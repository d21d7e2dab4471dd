"""The strategy's main levers as the app shows them, and how they become a run config.

The levers are what a trainer changes on the projector: officers on the force, patrol mode,
meetings per month, program places (budget share of youth jobs and job training),
procedural-justice training level, the budget split (new components paid from the patrol
budget, or added on top) and the seed. Their defaults are the lesson's own strategy values,
so a lesson with untouched levers runs exactly its preset.

The officers and the seed set the scenario, so they apply to both runs of a lesson (its
strategy and the comparison); the other levers tune the lesson's own strategy (strategy A).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from cspsim.api import make_config
from cspsim.city import City, load_city
from cspsim.config import RunConfig
from cspsim.model.components.patrol import PATROL_MODES
from cspsim.viz.lessons import Lesson

#: The budget split choices (label -> ``strategy.equal_budget``).
BUDGET_SPLITS = {"from patrol budget": True, "added on top": False}
#: Patrol modes as the room reads them.
PATROL_LABELS = {
    "random": "random patrol",
    "hotspot": "hot spots",
    "community": "community beats (on foot)",
}
#: Days the app's models may run (a class never needs more; memory stays small).
APP_DAYS = 3650
#: Burn-in days run when a model is (re)built, before day 0 is shown.
APP_BURN_IN = 60
#: Cities kept built in memory (sessions share them; models only read a city).
CITY_CACHE_SIZE = 6


@dataclass(frozen=True)
class Levers:
    """Lever values (one control each in the app's "Levers" card).

    Attributes:
        officers_pct: Police budget, as % of the baseline force (50-125; the reserve caps it).
        patrol_mode: ``random``, ``hotspot`` or ``community``.
        meetings_per_month: Community meetings per neighbourhood per month.
        program_share: Budget share of program places (youth jobs + job training).
        pj_skill: Procedural-justice training target skill (0 = none).
        budget_split: A key of :data:`BUDGET_SPLITS`.
        seed: Root seed.
    """

    officers_pct: int = 100
    patrol_mode: str = "random"
    meetings_per_month: float = 0.0
    program_share: float = 0.0
    pj_skill: float = 0.0
    budget_split: str = "from patrol budget"
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        """The levers as keyword arguments."""
        return asdict(self)


@dataclass(frozen=True)
class LeverSpec:
    """How one lever is shown.

    Attributes:
        key: Field of :class:`Levers`.
        label: What the room reads.
        kind: ``int``, ``float`` or ``choice``.
        low: Smallest value (sliders).
        high: Largest value (sliders).
        step: Slider step.
        choices: Values of a choice.
        show: The value as the room reads it (``100`` -> ``100% of today's force``).
        scenario: Applies to both runs (scenario) rather than the lesson's strategy only.
    """

    key: str
    label: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    choices: tuple[str, ...] = ()
    show: Callable[[Any], str] = str
    scenario: bool = False


LEVERS: tuple[LeverSpec, ...] = (
    LeverSpec(
        "officers_pct",
        "Officers",
        "int",
        50,
        125,
        5,
        show=lambda v: f"{int(v)}% of today's force",
        scenario=True,
    ),
    LeverSpec(
        "patrol_mode",
        "Patrol",
        "choice",
        choices=PATROL_MODES,
        show=lambda v: PATROL_LABELS.get(str(v), str(v)),
    ),
    LeverSpec(
        "meetings_per_month",
        "Community meetings",
        "float",
        0.0,
        4.0,
        0.5,
        show=lambda v: "none" if float(v) == 0 else f"{float(v):g} a month per neighbourhood",
    ),
    LeverSpec(
        "program_share",
        "Program places",
        "float",
        0.0,
        0.3,
        0.01,
        show=lambda v: "none" if float(v) == 0 else f"{100 * float(v):.0f}% of the budget",
    ),
    LeverSpec(
        "pj_skill",
        "Procedural-justice training",
        "float",
        0.0,
        1.0,
        0.1,
        show=lambda v: "none" if float(v) == 0 else f"level {float(v):.1f} of 1",
    ),
    LeverSpec(
        "budget_split",
        "New work paid",
        "choice",
        choices=tuple(BUDGET_SPLITS),
        show=str,
    ),
    LeverSpec("seed", "Seed", "int", 0, 99, 1, show=lambda v: str(int(v)), scenario=True),
)
#: Lever specs by key.
LEVERS_BY_KEY: dict[str, LeverSpec] = {spec.key: spec for spec in LEVERS}


def describe(levers: Levers) -> dict[str, str]:
    """Each lever's label and value as the room reads them."""
    values = levers.as_dict()
    return {spec.label: spec.show(values[spec.key]) for spec in LEVERS}


def changes(old: Levers, new: Levers) -> list[str]:
    """The levers that differ, as ``Officers: 100% -> 80% of today's force`` lines."""
    a, b = old.as_dict(), new.as_dict()
    return [
        f"{spec.label}: {spec.show(a[spec.key])} → {spec.show(b[spec.key])}"
        for spec in LEVERS
        if a[spec.key] != b[spec.key]
    ]


def base_config(
    lesson: Lesson, city: str | None = None, strategy: str | None = None, seed: int = 0
) -> RunConfig:
    """The lesson's preset config, optionally with another city or strategy.

    The lesson's ``strategy.*`` overrides tune its own strategy only: with another strategy
    they are left out, while city, sim and modifier overrides (the scenario) are kept.
    """
    strategy = strategy or lesson.strategy
    own = strategy == lesson.strategy
    return make_config(
        city=city or lesson.city,
        strategy=strategy,
        seed=seed,
        days=APP_DAYS,
        overrides=[
            f"sim.burn_in_days={APP_BURN_IN}",
            "sim.record_events=false",
            *(o for o in lesson.overrides if own or not o.startswith("strategy.")),
        ],
    )


def default_levers(cfg: RunConfig, seed: int = 0) -> Levers:
    """Lever values that reproduce ``cfg``'s strategy exactly."""
    s = cfg.strategy
    return Levers(
        officers_pct=100,
        patrol_mode=s.patrol.mode,
        meetings_per_month=float(s.meetings.per_month),
        program_share=round(s.programs.youth_jobs_share + s.programs.job_training_share, 3),
        pj_skill=float(s.procedural_justice.skill),
        budget_split=next(k for k, v in BUDGET_SPLITS.items() if v == s.equal_budget),
        seed=seed,
    )


_CITIES: dict[str, City] = {}


def city_key(cfg: RunConfig) -> str:
    """What identifies a built city: the whole city config, plus the seed when it matters.

    Two GIS cities share ``city.kind`` (``gis``) but not their files or columns, so the key
    is every field of the city config; a synthetic city is drawn from the seed.
    """
    fields = asdict(cfg.city)
    seed = cfg.seed if cfg.city.kind == "synthetic" else 0
    return json.dumps({"city": fields, "seed": seed}, sort_keys=True, default=str)


def city_for(cfg: RunConfig) -> City:
    """The (cached) city of ``cfg``; models only read it, so sessions may share it."""
    key = city_key(cfg)
    if key not in _CITIES:
        if len(_CITIES) >= CITY_CACHE_SIZE:
            _CITIES.pop(next(iter(_CITIES)))
        seed = cfg.seed if cfg.city.kind == "synthetic" else 0
        _CITIES[key] = load_city(cfg.city, seed=seed)
    return _CITIES[key]


def check_seed(seed: int) -> None:
    """Refuse a seed the model cannot take, naming the lever."""
    if int(seed) < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")


def apply_levers(cfg: RunConfig, levers: Levers, city: City, strategy: bool = True) -> RunConfig:
    """Return ``cfg`` with the levers applied (``cfg`` itself is changed and returned).

    Args:
        cfg: The run config.
        levers: Lever values.
        city: The run's city (the officers lever scales the budget by its population).
        strategy: Apply the strategy levers too (False: only the scenario's, officers and
            seed; for the comparison run).

    Raises:
        ValueError: A lever out of range (the message names it).
    """
    for spec in LEVERS:
        value = getattr(levers, spec.key)
        if spec.kind != "choice" and not spec.low <= value <= spec.high:
            # the sliders' range (code can pass anything: 0 officers read as the baseline)
            raise ValueError(
                f"{spec.key}: expected {spec.low:g} to {spec.high:g} ({spec.label}), got {value!r}"
            )
    check_seed(levers.seed)
    if levers.patrol_mode not in PATROL_MODES:
        raise ValueError(f"patrol_mode: expected one of {PATROL_MODES}, got {levers.patrol_mode!r}")
    if levers.budget_split not in BUDGET_SPLITS:
        raise ValueError(f"budget_split: expected one of {list(BUDGET_SPLITS)}")
    cfg.seed = int(levers.seed)
    if levers.officers_pct != 100:
        p = cfg.params
        baseline = p.police.officer_hours_per_1000 * city.population.sum() / 1000.0
        cfg.sim.daily_budget = float(levers.officers_pct) / 100.0 * baseline * p.costs.officer_hour
    if not strategy:
        return cfg
    s = cfg.strategy
    s.patrol.mode = levers.patrol_mode
    s.meetings.per_month = float(levers.meetings_per_month)
    s.procedural_justice.skill = float(levers.pj_skill)
    s.equal_budget = BUDGET_SPLITS[levers.budget_split]
    total = s.programs.youth_jobs_share + s.programs.job_training_share
    youth = s.programs.youth_jobs_share / total if total > 0 else 2.0 / 3.0
    s.programs.youth_jobs_share = float(levers.program_share) * youth
    s.programs.job_training_share = float(levers.program_share) * (1.0 - youth)
    return cfg
