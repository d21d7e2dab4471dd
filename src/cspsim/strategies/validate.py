"""Checks of a strategy's typed parameters: bad values fail early, naming the field."""

from __future__ import annotations

from cspsim.config.strategy import PATROL_MODES, TARGETING, StrategyConfig
from cspsim.errors import ConfigError


def validate(cfg: StrategyConfig) -> None:
    """Reject values outside their allowed range, naming the field."""
    if cfg.patrol.mode not in PATROL_MODES:
        raise ConfigError(
            f"strategy.patrol.mode: expected one of {list(PATROL_MODES)}, got {cfg.patrol.mode!r}"
        )
    if cfg.programs.targeting not in TARGETING:
        raise ConfigError(
            f"strategy.programs.targeting: expected one of {list(TARGETING)}, "
            f"got {cfg.programs.targeting!r}"
        )
    shares = {
        "strategy.patrol.hotspot_share": cfg.patrol.hotspot_share,
        "strategy.patrol.hotspot_places": cfg.patrol.hotspot_places,
        "strategy.problem_solving.places": cfg.problem_solving.places,
        "strategy.problem_solving.max_reduction": cfg.problem_solving.max_reduction,
        "strategy.procedural_justice.skill": cfg.procedural_justice.skill,
        "strategy.watch.coverage": cfg.watch.coverage,
        "strategy.education.intensity": cfg.education.intensity,
        "strategy.review.rate": cfg.review.rate,
        "strategy.meetings.voice": cfg.meetings.voice,
        "strategy.patrol.community_share": cfg.patrol.community_share,
        "strategy.patrol.trial_treated_share": cfg.patrol.trial_treated_share,
    }
    for name, value in shares.items():
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name}: expected a number in [0, 1], got {value}")
    prog = cfg.programs
    total = prog.youth_jobs_share + prog.job_training_share + prog.mental_health_share
    if (
        min(prog.youth_jobs_share, prog.job_training_share, prog.mental_health_share) < 0
        or total > 0.9
    ):
        raise ConfigError(
            "strategy.programs: budget shares must be >= 0 and sum to at most 0.9, got "
            f"youth_jobs_share={prog.youth_jobs_share}, "
            f"job_training_share={prog.job_training_share}, "
            f"mental_health_share={prog.mental_health_share}"
        )
    for name, value in {
        "strategy.meetings.per_month": cfg.meetings.per_month,
        "strategy.problem_solving.hours_per_place": cfg.problem_solving.hours_per_place,
        "strategy.problem_solving.ramp_days": cfg.problem_solving.ramp_days,
        "strategy.procedural_justice.training_hours": cfg.procedural_justice.training_hours,
        "strategy.patrol.stop_multiplier": cfg.patrol.stop_multiplier,
        "strategy.patrol.negative_multiplier": cfg.patrol.negative_multiplier,
        "strategy.patrol.disorder_discovery_multiplier": cfg.patrol.disorder_discovery_multiplier,
        "strategy.patrol.trial_places": cfg.patrol.trial_places,
        "strategy.patrol.trial_dosage": cfg.patrol.trial_dosage,
        "strategy.patrol.foot_negative_multiplier": cfg.patrol.foot_negative_multiplier,
        "strategy.patrol.foot_stop_multiplier": cfg.patrol.foot_stop_multiplier,
    }.items():
        if value < 0:
            raise ConfigError(f"{name}: expected a number >= 0, got {value}")
    if cfg.problem_solving.ramp_days <= 0:
        raise ConfigError(
            f"strategy.problem_solving.ramp_days: expected a number > 0, "
            f"got {cfg.problem_solving.ramp_days}"
        )
