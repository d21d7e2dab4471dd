"""The lesson's "what changed" card: each row from day 0 to now for run A, and against B.

A row (:class:`Metric`) is a measure with its periods (first week → last week, the 30 days
around the misconduct case, ...) and how its values and changes read in the room
(:func:`show`, :func:`change`). The rows are computed from :mod:`cspsim.viz.readings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cspsim.viz.charts import RATE_WINDOW, column, fmt
from cspsim.viz.lessons import Lesson
from cspsim.viz.models import SideBySideModel, TrainerModel
from cspsim.viz.readings import (
    WEEK,
    around_shock,
    days_run,
    ledger,
    rate_first_last,
    reporting_around_shock,
    rows,
    window_mean,
)


@dataclass(frozen=True)
class Metric:
    """One row of the "what changed" card.

    Attributes:
        key: Identifier (``Lesson.card``).
        label: What the row measures, with its periods.
        values: ``f(pair, model) -> (from, to)`` for run A or B (``from`` may be NaN when
            the row has no "before").
        kind: How values and changes read: ``count`` (change in %), ``share`` (values in %,
            change in points), ``level`` (0-1 values, change in points of 100),
            ``index`` (values in %, change in points), ``usd``, ``number``.
        own: The row exists only for the lesson's run (A): no comparison value.
    """

    key: str
    label: str
    values: Callable[[SideBySideModel, TrainerModel], tuple[float, float]]
    kind: str = "count"
    own: bool = False


def _first_last(col: str, window: int = WEEK) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        v = column(rows(m), col)
        n = len(v)
        return window_mean(v, 0, window), window_mean(v, n - window, n)

    return values


def _level(col: str) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        v = column(rows(m), col)
        return (float(v[0]), float(v[-1])) if len(v) else (np.nan, np.nan)

    return values


def _hot_share(k: int) -> Callable:
    """Share of the run's recorded (``k=0``) or true (``k=1``) crime at A's hot spots."""

    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        if not pair.hot_share:
            return np.nan, np.nan
        v = np.asarray(pair.hot_share)[:, 0 if m is pair.a else 1, k]
        return float(v[0]), float(v[-1])

    return values


def _tracked(name: str) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        v = m.track.series(name)
        return (float(v[0]), float(v[-1])) if len(v) else (np.nan, np.nan)

    return values


def _trust_gap(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    rest, low = m.track.series("trust_rest"), m.track.series("trust_low")
    if not len(low):
        return np.nan, np.nan
    return float(rest[0] - low[0]), float(rest[-1] - low[-1])


def _ledger_row(name: str) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        return 0.0, ledger(m)[name]

    return values


def _good_share(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    r = rows(m)
    good, bad = column(r, "contacts_positive"), column(r, "contacts_negative")
    total = good.sum() + bad.sum()
    return np.nan, float(good.sum() / total) if total else np.nan  # "so far": no before


def _cohort(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    if not pair.cohort_offending:
        return np.nan, np.nan
    k = 0 if m is pair.a else 1
    v = np.asarray(pair.cohort_offending, dtype=float)[:, k]
    return float(v[0]), float(v[-1])


def _participants_share(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    at_risk = len(m.world.at_risk_index)
    return np.nan, len(pair.cohort) / at_risk if at_risk else np.nan


def _zone(k: int) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        j = 0 if m is pair.a else 1
        n = max(days_run(m), 1)
        return np.nan, float(pair.hot_true[j, k] / n)

    return values


def _presence_hot(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    j = 0 if m is pair.a else 1
    n = max(days_run(m), 1)
    return np.nan, float(pair.hot_presence[j, 0] / n)


def _hot_kept(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    return float(len(pair.first_hot_spots)), pair.hot_kept[-1] if pair.hot_kept else np.nan


def _budget(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    spent = column(rows(m), "budget_spent")
    return np.nan, float(spent.mean()) if len(spent) else np.nan


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "crimes_true", "True crime per day (first week → last week)", _first_last("crimes_true")
        ),
        Metric(
            "crimes_recorded",
            "Recorded crime per day (first week → last week)",
            _first_last("crimes_recorded"),
        ),
        Metric(
            "violent_true",
            "True violent crime per day (first 30 days → last 30)",
            _first_last("crimes_true_violent", RATE_WINDOW),
        ),
        Metric("trust", "Trust in police (day 0 → now)", _level("mean_trust"), "level"),
        Metric(
            "belief",
            "Long-run belief in police (day 0 → now)",
            _level("mean_trust_belief"),
            "level",
        ),
        Metric(
            "reporting",
            "Victimizations reported (first 30 days → last 30)",
            rate_first_last("reports", "victimizations"),
            "share",
        ),
        Metric(
            "conc_recorded",
            "Share of recorded crime at the hot spots (day 0 → now)",
            _hot_share(0),
            "share",
        ),
        Metric(
            "conc_true",
            "Share of true crime at the hot spots (day 0 → now)",
            _hot_share(1),
            "share",
        ),
        Metric("hot_kept", "Hot spots of day 0 still hot spots", _hot_kept, "number", own=True),
        Metric(
            "found_by_patrol",
            "Recorded crime found by patrols (first 30 days → last 30)",
            rate_first_last("discovered", "crimes_recorded"),
            "share",
        ),
        Metric(
            "contacts_good_share",
            "Police contacts that were good ones (so far)",
            _good_share,
            "share",
        ),
        Metric(
            "trust_gained",
            "City trust gained from good contacts (points, so far)",
            _ledger_row("gained"),
            "number",
        ),
        Metric(
            "trust_lost",
            "City trust lost to bad contacts (points, so far)",
            _ledger_row("lost"),
            "number",
        ),
        Metric(
            "trust_low",
            "Trust, low-trust neighbourhoods (day 0 → now)",
            _tracked("trust_low"),
            "level",
        ),
        Metric(
            "trust_rest",
            "Trust, other neighbourhoods (day 0 → now)",
            _tracked("trust_rest"),
            "level",
        ),
        Metric("trust_gap", "Trust gap between them (day 0 → now)", _trust_gap, "level"),
        Metric(
            "belief_low",
            "Long-run belief, low-trust neighbourhoods (day 0 → now)",
            _tracked("belief_low"),
            "level",
        ),
        Metric(
            "cohort",
            "First cohort's violent offending, % of day 0 (B: same people, no program)",
            _cohort,
            "index",
        ),
        Metric(
            "participants_share",
            "First cohort, share of at-risk residents",
            _participants_share,
            "share",
            own=True,
        ),
        Metric("budget", "Spent per day (USD)", _budget, "usd"),
        Metric("zone_hot", "True crime per day at the hot spots", _zone(0)),
        Metric("zone_ring", "True crime per day around them (ring)", _zone(1)),
        Metric("zone_rest", "True crime per day, rest of the city", _zone(2)),
        Metric("presence_hot", "Officer-hours per day at the hot spots", _presence_hot),
        Metric(
            "month_reporting",
            "Victimizations reported (month before the case → month after)",
            around_shock("reports", "victimizations"),
            "share",
        ),
        Metric(
            "month_recorded",
            "Recorded crime per day (month before → month after)",
            around_shock("crimes_recorded", None),
        ),
        Metric(
            "month_true",
            "True crime per day (month before → month after)",
            around_shock("crimes_true", None),
        ),
        Metric(
            "recorded_share",
            "Share of true crime recorded (first 30 days → last 30)",
            rate_first_last("crimes_recorded", "crimes_true"),
            "share",
        ),
        Metric(
            "reporting_deficit",
            "Victimizations reported (month before the case → last 30 days)",
            reporting_around_shock,
            "share",
        ),
    )
}


def show(value: float, kind: str) -> str:
    """A card value as the room reads it."""
    if not np.isfinite(value):
        return "–"
    if kind in ("share", "index"):
        return f"{100 * value:.1f}%" if kind == "share" else f"{value:.0f}%"
    if kind == "level":
        return f"{value:.3f}"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "number":
        return f"{value:.2f}" if abs(value) < 10 and value != int(value) else f"{value:.0f}"
    return fmt(value)


def change(old: float, new: float, kind: str) -> str:
    """The change from ``old`` to ``new`` as the room reads it."""
    if not (np.isfinite(old) and np.isfinite(new)):
        return "–"
    if kind == "share":
        return f"{100 * (new - old):+.1f} pts"
    if kind == "index":
        return f"{new - old:+.0f} pts"
    if kind == "level":
        return f"{100 * (new - old):+.1f} pts"
    if kind == "number":
        d = new - old
        return f"{d:+.0f}" if d == int(d) or abs(d) >= 10 else f"{d:+.2f}"
    return f"{100 * (new / old - 1):+.1f}%" if old else "–"


@dataclass(frozen=True)
class CardRow:
    """One row of the "what changed" card, as numbers and as text."""

    key: str
    label: str
    kind: str
    start: float
    now: float
    other: float

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        """Day 0 (or before), now, change, comparison now, now vs comparison."""
        return (
            show(self.start, self.kind),
            show(self.now, self.kind),
            change(self.start, self.now, self.kind),
            show(self.other, self.kind),
            change(self.other, self.now, self.kind),
        )


def what_changed(pair: SideBySideModel, lesson: Lesson) -> list[CardRow]:
    """The lesson's "what changed" rows: run A from day 0 to now, and against run B."""
    out = []
    for key in lesson.card:
        metric = METRICS[key]
        start, now = metric.values(pair, pair.a)
        other = np.nan if metric.own else metric.values(pair, pair.b)[1]
        out.append(CardRow(key, metric.label, metric.kind, start, now, other))
    return out
