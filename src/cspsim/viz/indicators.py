"""Each lesson's own chart (its *indicator*) and the numbers of its "what changed" card.

An indicator is made for one lesson's point: the share of the city's crime at the hot spots
(the places outlined on the map), recorded vs true (the feedback loop); the trust moved by
good and bad contacts (Skogan's asymmetry); trust in the low-trust neighbourhoods vs the
rest; a program cohort's offending with and without the program; crime at the hot spots,
the ring around them and the rest; the share of crime police see; trust and long-run
belief after a scandal. Indicators and card rows are computed here from a
:class:`~cspsim.viz.models.SideBySideModel` (the lesson's run A and its comparison B), and
the lesson tests assert the lessons' claims on these same functions, so what the test
checks is what the room sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cspsim.viz.charts import (
    RATE_WINDOW,
    Series,
    column,
    fmt,
    line_chart,
    rolling_mean,
    rolling_ratio,
)
from cspsim.viz.lessons import Lesson
from cspsim.viz.models import SideBySideModel, TrainerModel
from cspsim.viz.names import strategy_name

#: Days averaged for "day 0" and "now" values of daily counts.
WEEK = 7
#: Colours of the lines of A (the lesson's strategy) and B (the comparison) where one
#: colour per run reads better than one per measure.
RUN_COLOURS = ("#2ca02c", "#7f7f7f")


def rows(model: TrainerModel) -> dict[str, list]:
    """The model's daily time-series columns (live lists, not copies)."""
    return model.recorder.datacollector.model_vars


def events(pair: SideBySideModel) -> list[tuple[int, str]]:
    """Events of the lesson's run (A) with the comparison's reviews left out."""
    return list(pair.a.track.events)


# ----- the numbers ------------------------------------------------------------------------
def window_mean(values: np.ndarray, start: int, stop: int) -> float:
    """Mean of ``values[start:stop]`` (NaN if empty)."""
    part = np.asarray(values, dtype=float)[max(start, 0) : max(stop, 0)]
    return float(np.nanmean(part)) if len(part) and np.isfinite(part).any() else float("nan")


def window_ratio(model: TrainerModel, num: str, den: str, start: int, stop: int) -> float:
    """``sum(num) / sum(den)`` over days ``start`` to ``stop - 1``."""
    r = rows(model)
    n = column(r, num)[max(start, 0) : max(stop, 0)].sum()
    d = column(r, den)[max(start, 0) : max(stop, 0)].sum()
    return float(n / d) if d > 0 else float("nan")


def days_run(model: TrainerModel) -> int:
    """Days recorded so far."""
    return len(column(rows(model), "day"))


def ledger(model: TrainerModel) -> dict[str, float]:
    """Trust moved by police contacts so far: totals, counts and per-contact effects."""
    t = model.track
    good = float(column(rows(model), "contacts_positive").sum())
    bad = float(column(rows(model), "contacts_negative").sum())
    gained = float(np.sum(t.trust_gained))
    lost = float(np.sum(t.trust_lost))
    per_good = gained / good if good else float("nan")
    per_bad = lost / bad if bad else float("nan")
    return {
        "good": good,
        "bad": bad,
        "good_share": good / (good + bad) if good + bad else float("nan"),
        "gained": gained,
        "lost": lost,
        "per_good": per_good,
        "per_bad": per_bad,
        "ratio": per_bad / per_good if per_good and np.isfinite(per_good) else float("nan"),
    }


def zone_change(pair: SideBySideModel) -> np.ndarray:
    """True crime so far at A's hot spots, ring and rest: A vs B, as a share (-0.13 = -13%)."""
    a, b = pair.hot_true
    return np.divide(a, b, out=np.full(3, np.nan), where=b > 0) - 1.0


def zone_presence(pair: SideBySideModel) -> np.ndarray:
    """Police presence so far at A's hot spots, ring and rest: A as a multiple of B."""
    a, b = pair.hot_presence
    return np.divide(a, b, out=np.full(3, np.nan), where=b > 0)


def shock_day(model: TrainerModel) -> int:
    """Day of the misconduct case (-1 if none)."""
    return int(model.cfg.modifiers.misconduct_shock.day)


# ----- card rows ----------------------------------------------------------------------------
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


def hot_share_series(pair: SideBySideModel, run: int, k: int) -> np.ndarray:
    """Daily share of a run's recorded or true crime at A's hot spots of the day.

    ``run``: 0 for A, 1 for B; ``k``: 0 for recorded, 1 for true crime (recent, smoothed).
    """
    v = np.asarray(pair.hot_share, dtype=float).reshape(-1, 2, 2)
    return v[:, run, k]


def _tracked(name: str) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        v = m.track.series(name)
        return (float(v[0]), float(v[-1])) if len(v) else (np.nan, np.nan)

    return values


def _ratio(num: str, den: str, window: int = RATE_WINDOW) -> Callable:
    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        n = days_run(m)
        return window_ratio(m, num, den, 0, window), window_ratio(m, num, den, n - window, n)

    return values


def _around_shock(num: str, den: str | None) -> Callable:
    """The 30 days before the misconduct case vs the 30 days after it."""

    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        day = shock_day(m)
        if day < 0:
            return np.nan, np.nan
        before, after = (day - RATE_WINDOW, day), (day + 1, day + 1 + RATE_WINDOW)
        if den is None:
            v = column(rows(m), num)
            return window_mean(v, *before), window_mean(v, *after)
        return window_ratio(m, num, den, *before), window_ratio(m, num, den, *after)

    return values


def _reporting_deficit(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    day = shock_day(m)
    n = days_run(m)
    if day < 0:
        return _ratio("reports", "victimizations")(pair, m)
    before = window_ratio(m, "reports", "victimizations", day - RATE_WINDOW, day)
    return before, window_ratio(m, "reports", "victimizations", n - RATE_WINDOW, n)


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
            _ratio("reports", "victimizations"),
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
            _ratio("discovered", "crimes_recorded"),
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
            _around_shock("reports", "victimizations"),
            "share",
        ),
        Metric(
            "month_recorded",
            "Recorded crime per day (month before → month after)",
            _around_shock("crimes_recorded", None),
        ),
        Metric(
            "month_true",
            "True crime per day (month before → month after)",
            _around_shock("crimes_true", None),
        ),
        Metric(
            "recorded_share",
            "Share of true crime recorded (first 30 days → last 30)",
            _ratio("crimes_recorded", "crimes_true"),
            "share",
        ),
        Metric(
            "reporting_deficit",
            "Victimizations reported (month before the case → last 30 days)",
            _reporting_deficit,
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


# ----- the indicators --------------------------------------------------------------------
@dataclass(frozen=True)
class Indicator:
    """A lesson's own chart.

    Attributes:
        key: Identifier (``Lesson.indicator``).
        title: Chart title.
        series: ``f(pair) -> (series, options)``: the lines and ``line_chart`` options.
        summary: ``f(pair) -> sentences`` with the numbers the chart shows (the end card
            and the handout).
    """

    key: str
    title: str
    series: Callable[[SideBySideModel], tuple[list[Series], dict]]
    summary: Callable[[SideBySideModel], list[str]]


def _names(pair: SideBySideModel) -> tuple[str, str]:
    return strategy_name(pair.a.cfg.strategy.name), strategy_name(pair.b.cfg.strategy.name)


def _concentration(pair: SideBySideModel) -> tuple[list[Series], dict]:
    out = []
    for run, dashed in ((0, False), (1, True)):
        tag = " (comparison)" if dashed else ""
        out += [
            Series("recorded" + tag, "#1f77b4", hot_share_series(pair, run, 0), dashed),
            Series("true" + tag, "#d62728", hot_share_series(pair, run, 1), dashed),
        ]
    return out, {"percent_axis": True, "min_span": 0.2, "floor": 0.0}


def _concentration_summary(pair: SideBySideModel) -> list[str]:
    rec, tru = hot_share_series(pair, 0, 0), hot_share_series(pair, 0, 1)
    if not len(rec):
        return []
    kept = pair.hot_kept[-1] if pair.hot_kept else np.nan
    rec_b, tru_b = hot_share_series(pair, 1, 0), hot_share_series(pair, 1, 1)
    lines = [
        f"The hot spots (outlined) held {rec[0]:.0%} of the city's recorded crime on day 0 and "
        f"{rec[-1]:.0%} now; their share of true crime went from {tru[0]:.0%} to {tru[-1]:.0%}.",
        f"The same places under {_names(pair)[1].split(' (')[0].lower()}: {rec_b[-1]:.0%} of "
        f"recorded crime and {tru_b[-1]:.0%} of true crime now.",
    ]
    if np.isfinite(kept):
        lines.append(
            f"{kept:.0f} of the {len(pair.first_hot_spots)} hot spots of day 0 are still hot spots."
        )
    return lines


def _ledger_series(pair: SideBySideModel) -> tuple[list[Series], dict]:
    out = []
    for m, dashed in ((pair.a, False), (pair.b, True)):
        tag = " (comparison)" if dashed else ""
        out += [
            Series("gained" + tag, "#2ca02c", np.cumsum(m.track.series("trust_gained")), dashed),
            Series("lost" + tag, "#d62728", np.cumsum(m.track.series("trust_lost")), dashed),
        ]
    return out, {"floor": 0.0}


def _ledger_summary(pair: SideBySideModel) -> list[str]:
    lg = ledger(pair.a)
    if not lg["good"]:
        return []
    return [
        f"{lg['good_share']:.0%} of police contacts were good ones "
        f"({lg['good']:,.0f} good, {lg['bad']:,.0f} bad).",
        f"Good contacts added {lg['gained']:.2f} points of city trust; bad ones took "
        f"{lg['lost']:.2f}.",
        f"Per contact, a bad one cost {lg['ratio']:.0f} times what a good one earned.",
    ]


def _low_trust(pair: SideBySideModel) -> tuple[list[Series], dict]:
    out = []
    for m, dashed in ((pair.a, False), (pair.b, True)):
        tag = " (comparison)" if dashed else ""
        out += [
            Series("low-trust areas" + tag, "#d62728", m.track.series("trust_low"), dashed),
            Series("the rest" + tag, "#1f77b4", m.track.series("trust_rest"), dashed),
        ]
    out.append(Series("long-run belief, low-trust", "#ff7f0e", pair.a.track.series("belief_low")))
    return out, {"min_span": 0.1, "floor": 0.0}


def _low_trust_summary(pair: SideBySideModel) -> list[str]:
    ta, tb = pair.a.track, pair.b.track
    low, rest = ta.series("trust_low"), ta.series("trust_rest")
    if not len(low):
        return []
    belief = ta.series("belief_low")
    return [
        f"Trust in the low-trust neighbourhoods: {low[0]:.3f} on day 0, {low[-1]:.3f} now "
        f"({tb.series('trust_low')[-1]:.3f} with the comparison).",
        f"Gap to the rest: {100 * (rest[0] - low[0]):.1f} points on day 0, "
        f"{100 * (rest[-1] - low[-1]):.1f} now.",
        f"Their long-run belief: {belief[0]:.3f} → {belief[-1]:.3f}.",
    ]


def _cohort_series(pair: SideBySideModel) -> tuple[list[Series], dict]:
    v = np.asarray(pair.cohort_offending, dtype=float).reshape(-1, 2)
    return [
        Series("with the program", "#2ca02c", v[:, 0]),
        Series("same people without it", "#7f7f7f", v[:, 1], True),
    ], {"floor": 0.0, "fixed": (0.0, 110.0), "suffix": "%"}


def _cohort_summary(pair: SideBySideModel) -> list[str]:
    v = np.asarray(pair.cohort_offending, dtype=float).reshape(-1, 2)
    if pair.day > 0 and not pair.a.organizations:
        return [
            "Strategy A opened no program places (it has no programs, or its program budget "
            "buys less than one place in this city), so there is no cohort to follow."
        ]
    if not len(v) or not np.isfinite(v[-1, 0]):
        return []
    low = int(np.nanargmin(v[:, 0]))
    people = len(pair.cohort) * pair.a.residents_per_agent
    return [
        f"The first cohort ({people:,.0f} people) offended at {v[low, 0]:.0f}% of day 0 at the "
        f"lowest (day {low}), against {v[low, 1]:.0f}% without the program.",
        f"Now: {v[-1, 0]:.0f}% with the program, {v[-1, 1]:.0f}% without.",
    ]


def _zones(pair: SideBySideModel) -> tuple[list[Series], dict]:
    h = np.asarray(pair.hot_history, dtype=float).reshape(-1, 2, 3)
    diff = np.divide(h[:, 0], h[:, 1], out=np.full(h[:, 0].shape, np.nan), where=h[:, 1] > 0)
    diff = 100.0 * (diff - 1.0)
    return [
        Series("hot spots", "#d62728", diff[:, 0]),
        Series("ring around them", "#ff7f0e", diff[:, 1]),
        Series("rest of the city", "#1f77b4", diff[:, 2]),
    ], {"min_span": 20.0, "zero_line": True, "suffix": "%"}


def _zones_summary(pair: SideBySideModel) -> list[str]:
    if not pair.hot_history:
        return []
    d = zone_change(pair)
    p = zone_presence(pair)
    hot, ring = pair.zones()
    spots = (
        f"{len(hot)} hot spots"
        if len(pair.a.hot_spots)
        else f"{len(hot)} places a hot-spot patrol would treat"
    )
    b = _names(pair)[1].split(" (")[0].lower()
    return [
        f"Police presence at the {spots}, as a multiple of {b}'s: {_times(p[0], 1)}; in the "
        f"ring of {len(ring)} places around them: {_times(p[1], 2)}.",
        f"True crime so far vs {b}: hot spots {_percent(d[0], 0)}, ring {_percent(d[1], 1)}, "
        f"rest of the city {_percent(d[2], 1)}.",
    ]


def _times(x: float, digits: int) -> str:
    """``2.1x``, or "–" when the comparison had none to compare with."""
    return f"{x:.{digits}f}x" if np.isfinite(x) else "–"


def _percent(x: float, digits: int) -> str:
    """``+12%``, or "–" when the comparison had none to compare with."""
    return f"{100 * x:+.{digits}f}%" if np.isfinite(x) else "–"


def _recorded_share(pair: SideBySideModel) -> tuple[list[Series], dict]:
    out = []
    for m, dashed in ((pair.a, False), (pair.b, True)):
        r = rows(m)
        tag = " (comparison)" if dashed else ""
        out += [
            Series(
                "victims reporting" + tag,
                "#2ca02c",
                rolling_ratio(column(r, "reports"), column(r, "victimizations"), RATE_WINDOW),
                dashed,
            ),
            Series(
                "crime recorded" + tag,
                "#1f77b4",
                rolling_ratio(column(r, "crimes_recorded"), column(r, "crimes_true"), RATE_WINDOW),
                dashed,
            ),
        ]
    return out, {"percent_axis": True, "min_span": 0.2, "floor": 0.0}


def _recorded_share_summary(pair: SideBySideModel) -> list[str]:
    m = pair.a
    day = shock_day(m)
    if day < 0 or days_run(m) < day + 1 + RATE_WINDOW:
        return []
    rep = _around_shock("reports", "victimizations")(pair, m)
    rec = _around_shock("crimes_recorded", None)(pair, m)
    tru = _around_shock("crimes_true", None)(pair, m)
    return [
        f"Month before the case → month after: victims reporting {rep[0]:.1%} → {rep[1]:.1%}; "
        f"recorded crime {rec[0]:.0f} → {rec[1]:.0f} a day ({100 * (rec[1] / rec[0] - 1):+.0f}%);"
        f" true crime {tru[0]:.0f} → {tru[1]:.0f} a day ({100 * (tru[1] / tru[0] - 1):+.0f}%).",
    ]


def _scar(pair: SideBySideModel) -> tuple[list[Series], dict]:
    out = []
    for m, colour in ((pair.a, RUN_COLOURS[0]), (pair.b, RUN_COLOURS[1])):
        name = strategy_name(m.cfg.strategy.name).split(" (")[0].lower()
        r = rows(m)
        out += [
            Series(f"trust, {name}", colour, column(r, "mean_trust")),
            Series(f"long-run belief, {name}", colour, column(r, "mean_trust_belief"), True),
        ]
    return out, {"min_span": 0.2, "floor": 0.0}


def _scar_summary(pair: SideBySideModel) -> list[str]:
    lines = []
    for m in (pair.a, pair.b):
        r = rows(m)
        trust, belief = column(r, "mean_trust"), column(r, "mean_trust_belief")
        day = shock_day(m)
        if day < 0 or len(trust) <= day + 1:
            return []
        before, after = _reporting_deficit(pair, m)
        lines.append(
            f"{strategy_name(m.cfg.strategy.name)}: trust {trust[day - 1]:.3f} before the case, "
            f"{trust[day]:.3f} after it, {trust[-1]:.3f} now; long-run belief "
            f"{belief[day - 1]:.3f} → {belief[-1]:.3f}; victims reporting {before:.1%} in the "
            f"month before, {after:.1%} in the last 30 days."
        )
    return lines


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator(
            "concentration",
            "Share of the city's crime at the hot spots: recorded vs true",
            _concentration,
            _concentration_summary,
        ),
        Indicator(
            "ledger",
            "Trust moved by police contacts (city points, so far)",
            _ledger_series,
            _ledger_summary,
        ),
        Indicator(
            "low_trust",
            "Trust: low-trust neighbourhoods vs the rest",
            _low_trust,
            _low_trust_summary,
        ),
        Indicator(
            "cohort",
            "First program cohort: violent offending (% of day 0)",
            _cohort_series,
            _cohort_summary,
        ),
        Indicator(
            "zones",
            "True crime vs the comparison run, same places (% so far)",
            _zones,
            _zones_summary,
        ),
        Indicator(
            "recorded_share",
            "What police see: victims reporting, crime recorded (30 days)",
            _recorded_share,
            _recorded_share_summary,
        ),
        Indicator(
            "scar",
            "Trust and long-run belief after the case",
            _scar,
            _scar_summary,
        ),
    )
}


def indicator_svg(
    pair: SideBySideModel,
    lesson: Lesson,
    width: int = 420,
    height: int = 200,
    font: int = 13,
    extra_events: list[tuple[int, str]] | None = None,
) -> str:
    """The lesson's indicator chart (SVG) for the pair's days so far."""
    ind = INDICATORS[lesson.indicator]
    series, opts = ind.series(pair)
    evs = events(pair) + list(extra_events or [])
    return line_chart(
        ind.title, series, width, height, events=evs, font=font, key="indicator", **opts
    )


def week_mean(values: np.ndarray) -> float:
    """Mean of the last week of a daily series."""
    v = rolling_mean(np.asarray(values, dtype=float))
    return float(v[-1]) if len(v) else float("nan")
