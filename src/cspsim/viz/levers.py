"""The strategy's main levers as the app shows them, and how they become a run config.

The levers are what a trainer changes on the projector: officers on the force, patrol mode,
meetings per month, program places (budget share of youth jobs and job training),
procedural-justice training level and the budget split (new components paid from the patrol
budget, or added on top). Their defaults are the lesson's own strategy values, so a lesson
with untouched levers runs exactly its preset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from cspsim.api import make_config
from cspsim.city import City, load_city
from cspsim.config import RunConfig
from cspsim.model.components.patrol import PATROL_MODES
from cspsim.viz.lessons import Lesson

#: The budget split choices (label -> ``strategy.equal_budget``).
BUDGET_SPLITS = {"from patrol budget": True, "added on top": False}
#: Days the app's models may run (a class never needs more; memory stays small).
APP_DAYS = 3650
#: Burn-in days run when a model is (re)built, before day 0 is shown.
APP_BURN_IN = 60


@dataclass(frozen=True)
class Levers:
    """Lever values (one per control in the app's "Model parameters" card).

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


@lru_cache(maxsize=8)
def _city(kind: str, seed: int) -> City:
    cfg = make_config(city=kind, seed=seed)
    return load_city(cfg.city, seed=seed)


def city_for(cfg: RunConfig) -> City:
    """The (cached) city of ``cfg``; models only read it, so sessions may share it."""
    seed = cfg.seed if cfg.city.kind == "synthetic" else 0
    return _city(cfg.city.kind, seed)


def apply_levers(cfg: RunConfig, levers: Levers, city: City) -> RunConfig:
    """Return ``cfg`` with the levers applied (``cfg`` itself is changed and returned).

    Raises:
        ValueError: A lever out of range (the message names it).
    """
    if levers.patrol_mode not in PATROL_MODES:
        raise ValueError(f"patrol_mode: expected one of {PATROL_MODES}, got {levers.patrol_mode!r}")
    if levers.budget_split not in BUDGET_SPLITS:
        raise ValueError(f"budget_split: expected one of {list(BUDGET_SPLITS)}")
    s = cfg.strategy
    cfg.seed = int(levers.seed)
    s.patrol.mode = levers.patrol_mode
    s.meetings.per_month = float(levers.meetings_per_month)
    s.procedural_justice.skill = float(levers.pj_skill)
    s.equal_budget = BUDGET_SPLITS[levers.budget_split]
    total = s.programs.youth_jobs_share + s.programs.job_training_share
    youth = s.programs.youth_jobs_share / total if total > 0 else 2.0 / 3.0
    s.programs.youth_jobs_share = float(levers.program_share) * youth
    s.programs.job_training_share = float(levers.program_share) * (1.0 - youth)
    if levers.officers_pct != 100:
        p = cfg.params
        baseline = p.police.officer_hours_per_1000 * city.population.sum() / 1000.0
        cfg.sim.daily_budget = float(levers.officers_pct) / 100.0 * baseline * p.costs.officer_hour
    return cfg


def model_params(levers: Levers, fixed: dict[str, object]) -> dict[str, object]:
    """SolaraViz ``model_params``: one control per lever plus fixed values.

    Args:
        levers: The values the controls start at.
        fixed: Parameters passed through unchanged on Reset (lesson, city, strategy).
    """
    return {
        **fixed,
        "officers_pct": {
            "type": "SliderInt",
            "label": "Officers (% of today's force)",
            "value": levers.officers_pct,
            "min": 50,
            "max": 125,
            "step": 5,
        },
        "patrol_mode": {
            "type": "Select",
            "label": "Patrol mode",
            "value": levers.patrol_mode,
            "values": list(PATROL_MODES),
        },
        "meetings_per_month": {
            "type": "SliderFloat",
            "label": "Meetings per month",
            "value": levers.meetings_per_month,
            "min": 0.0,
            "max": 4.0,
            "step": 0.5,
        },
        "program_share": {
            "type": "SliderFloat",
            "label": "Program places (budget share)",
            "value": levers.program_share,
            "min": 0.0,
            "max": 0.3,
            "step": 0.01,
        },
        "pj_skill": {
            "type": "SliderFloat",
            "label": "Procedural-justice level",
            "value": levers.pj_skill,
            "min": 0.0,
            "max": 1.0,
            "step": 0.1,
        },
        "budget_split": {
            "type": "Select",
            "label": "Budget split",
            "value": levers.budget_split,
            "values": list(BUDGET_SPLITS),
        },
        "seed": {
            "type": "SliderInt",
            "label": "Seed",
            "value": levers.seed,
            "min": 0,
            "max": 99,
            "step": 1,
        },
    }
