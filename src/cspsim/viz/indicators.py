"""Each lesson's own chart (its *indicator*), with the sentences that read its numbers.

An indicator is made for one lesson's point: the share of the city's crime at the hot spots
(the places outlined on the map), recorded vs true (the feedback loop); the trust moved by
good and bad contacts (Skogan's asymmetry); trust in the low-trust neighbourhoods vs the
rest; a program cohort's offending with and without the program; crime at the hot spots,
the ring around them and the rest; the share of crime police see; trust and long-run
belief after a scandal. Indicators are computed here from a
:class:`~cspsim.viz.models.SideBySideModel` (the lesson's run A and its comparison B) through
:mod:`cspsim.viz.readings`, and the lesson tests assert the lessons' claims on these same
functions, so what the test checks is what the room sees. The "what changed" card is
:mod:`cspsim.viz.card`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cspsim.viz.charts import RATE_WINDOW, Series, column, line_chart, rolling_ratio
from cspsim.viz.lessons import Lesson
from cspsim.viz.models import SideBySideModel
from cspsim.viz.names import strategy_name
from cspsim.viz.readings import (
    around_shock,
    days_run,
    events,
    hot_share_series,
    ledger,
    reporting_around_shock,
    rows,
    shock_day,
    zone_change,
    zone_presence,
)

#: Colours of the lines of A (the lesson's strategy) and B (the comparison) where one
#: colour per run reads better than one per measure.
RUN_COLOURS = ("#2ca02c", "#7f7f7f")


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
    rep = around_shock("reports", "victimizations")(pair, m)
    rec = around_shock("crimes_recorded", None)(pair, m)
    tru = around_shock("crimes_true", None)(pair, m)
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
        before, after = reporting_around_shock(pair, m)
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
