"""Schema of the ``sim`` group (run length, recording) and the base of scenario modifiers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SimConfig:
    """How long to run and what to record.

    Attributes:
        days: Days simulated after burn-in (one step = one day).
        burn_in_days: Days run before recording starts, so near-repeat boosts, trust and
            collective efficacy settle; the strategy starts on day 0 after burn-in.
        review_period_days: Days between partnership reviews of KPIs (allocation updates).
        survey_period_days: Days between survey waves.
        record_events: Write one row per offence (``events.parquet``).
        daily_budget: Daily budget in USD; 0 = the baseline's cost (officer-hours of the
            reactive strategy), so strategies compare at equal budget.
    """

    days: int = 365
    burn_in_days: int = 60
    review_period_days: int = 90
    survey_period_days: int = 90
    record_events: bool = True
    daily_budget: float = 0.0


@dataclass
class Modifiers:
    """Scenario modifiers applied on top of any strategy.

    The modifiers (``historical_tension``, ``misconduct_shock``, ``funding_cut``,
    ``rollout``) are components (:mod:`cspsim.model.components`) that declare their own
    settings; :func:`cspsim.model.schema.run_schema` adds them to this base class.
    """
