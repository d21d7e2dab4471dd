"""Schema of the ``sim`` group (run length, recording) and of scenario modifiers."""

from __future__ import annotations

from dataclasses import dataclass, field


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
class HistoricalTension:
    """Lower starting trust in some neighbourhoods (e.g. after past abuses)."""

    neighbourhoods: list[str] = field(default_factory=list)
    share: float = 0.0
    trust_drop: float = 0.2


@dataclass
class MisconductShock:
    """A publicized misconduct incident: trust falls city-wide on one day."""

    day: int = -1
    trust_drop: float = 0.1
    neighbourhoods: list[str] = field(default_factory=list)


@dataclass
class FundingCut:
    """From ``day`` on, the daily budget is multiplied by ``1 - fraction``."""

    day: int = -1
    fraction: float = 0.0


@dataclass
class Rollout:
    """Staggered rollout: the strategy runs only in treated neighbourhoods from ``start_day``.

    Attributes:
        start_day: First day (after burn-in) the strategy is active; before it, and in
            control neighbourhoods always, the baseline (reactive) runs.
        treated: Neighbourhood names treated; empty with ``treated_share`` > 0 draws them.
        treated_share: Share of neighbourhoods drawn at random (stream ``rollout``) when
            ``treated`` is empty; 0 with an empty list means citywide (no rollout).
    """

    start_day: int = 0
    treated: list[str] = field(default_factory=list)
    treated_share: float = 0.0


@dataclass
class Modifiers:
    """Scenario modifiers applied on top of any strategy."""

    historical_tension: HistoricalTension = field(default_factory=HistoricalTension)
    misconduct_shock: MisconductShock = field(default_factory=MisconductShock)
    funding_cut: FundingCut = field(default_factory=FundingCut)
    rollout: Rollout = field(default_factory=Rollout)
