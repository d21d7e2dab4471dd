"""Schema of the ``sim`` group (run length, recording) and the base of scenario modifiers."""

from __future__ import annotations

from dataclasses import dataclass

from cspsim.config.declare import setting


@dataclass
class SimConfig:
    """How long to run and what to record."""

    days: int = setting(365, "days", "days simulated after burn-in (one step = one day)", low=1)
    burn_in_days: int = setting(
        60,
        "days",
        "days run before recording starts, so near-repeat boosts, trust and collective "
        "efficacy settle; the strategy starts on day 0 after burn-in",
        low=0,
    )
    review_period_days: int = setting(
        90, "days", "days between partnership reviews of KPIs (allocation updates)", low=1
    )
    survey_period_days: int = setting(90, "days", "days between survey waves", low=1)
    record_events: bool = setting(True, "flag", "write one row per offence (events.parquet)")
    daily_budget: float = setting(
        0.0,
        "USD per day",
        "daily budget; 0 = the baseline's cost (officer-hours of the reactive strategy), so "
        "strategies compare at equal budget",
        low=0,
    )
    allow_large: bool = setting(
        False,
        "flag",
        "run even when the estimated memory exceeds what the machine has (big machines); "
        "changes no output",
    )
    progress: bool | None = setting(
        None,
        "flag",
        "progress bar with ETA on standard error (default: when it is a terminal, single "
        "runs only); changes no output",
    )


#: ``sim`` settings that change how a run is carried out, never its results: they are left
#: out of a run's identity (resuming, duplicates), like ``city.cache`` and ``city.progress``.
NOT_IN_IDENTITY = ("sim.allow_large", "sim.progress", "city.cache", "city.progress")


@dataclass
class Modifiers:
    """Scenario modifiers applied on top of any strategy.

    The modifiers (``historical_tension``, ``misconduct_shock``, ``funding_cut``,
    ``rollout``) are components (:mod:`cspsim.model.components`) that declare their own
    settings; :func:`cspsim.model.schema.run_schema` adds them to this base class.
    """
