"""Live charts as small inline SVG line charts (cheap to rebuild every day).

Each chart reads the recorder's daily rows (``Recorder.rows``) or a run's
tracked numbers, smooths daily counts over a week, and draws one polyline per series; a
comparison run is drawn dashed in the same colours. Charts of counts and money never go
below zero; events (the misconduct case, reviews, program cohorts, meetings) are marked on
the day axis. Text and axes use ``currentColor``, so a chart follows the page's light or
dark theme, and the legend wraps onto as many lines as it needs instead of being clipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

#: Most points drawn per series (longer runs are thinned evenly).
MAX_POINTS = 300
#: Days in the moving average of daily counts.
WINDOW = 7
#: Days in the moving window of rates (reporting rate, share recorded).
RATE_WINDOW = 30
#: Average glyph width as a share of the font size (sans-serif), for laying out legends.
GLYPH = 0.58
#: Width of a bold glyph relative to a regular one, for wrapping titles (1.1 let a title
#: overrun a 300 px chart in headless Chromium's sans-serif).
BOLD = 1.2
#: Line height of chart titles as a multiple of their font size.
TITLE_LEADING = 1.35

#: How each kind of event is marked: colour, dash pattern, label.
EVENT_STYLE: dict[str, tuple[str, str, str]] = {
    "misconduct": ("#d62728", "6,3", "misconduct case"),
    "funding_cut": ("#8c564b", "6,3", "funding cut"),
    "start": ("#7f7f7f", "2,2", "strategy starts"),
    "review": ("#7f7f7f", "3,3", "review"),
    "cohort_start": ("#2ca02c", "5,2", "program cohort starts"),
    "cohort_end": ("#2ca02c", "1,3", "program cohort ends"),
    "pause": ("#ff7f0e", "2,2", "pause point"),
}
#: Events drawn as short ticks along the day axis (too many for lines).
RUG_EVENTS = {"meeting": ("#1f77b4", "meetings")}


@dataclass(frozen=True)
class Series:
    """One line: label, colour, values by day, dashed or not."""

    label: str
    colour: str
    values: np.ndarray
    dashed: bool = False


def rolling_mean(values: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Trailing moving average (shorter at the start)."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return v
    c = np.cumsum(np.insert(np.nan_to_num(v), 0, 0.0))
    n = np.minimum(np.arange(1, len(v) + 1), window)
    return (c[1:] - c[np.arange(1, len(v) + 1) - n]) / n


def rolling_ratio(num: np.ndarray, den: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Ratio of trailing sums (e.g. reports / victimizations over a month)."""
    n = rolling_mean(num, window)
    d = rolling_mean(den, window)
    return np.divide(n, d, out=np.full(len(n), np.nan), where=d > 0)


def fmt(v: float) -> str:
    """A number short enough for an axis label (1.2M, 35k, 291, 4.5, 0.593)."""
    if not np.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def percent(v: float) -> str:
    """A 0-1 share as a percentage."""
    return f"{100 * v:.0f}%" if np.isfinite(v) else "–"


def text_width(text: str, size: float) -> float:
    """Approximate rendered width of ``text`` at font size ``size`` (pixels)."""
    return GLYPH * size * len(text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at font size ``size``."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _legend_rows(items: list[str], width: float, size: float, swatch: float) -> list[list[int]]:
    """Indices of legend items per row, wrapped to ``width``."""
    rows: list[list[int]] = [[]]
    x = 0.0
    for i, label in enumerate(items):
        w = swatch + 4 + text_width(label, size) + 14
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0.0
        rows[-1].append(i)
        x += w
    return rows


def _y_range(
    series: Sequence[Series], floor: float | None, min_span: float, fixed: tuple | None
) -> tuple[float, float]:
    if fixed is not None:
        return float(fixed[0]), float(fixed[1])
    finite = [s.values[np.isfinite(s.values)] for s in series if len(s.values)]
    finite = [f for f in finite if len(f)]
    if not finite:
        return (0.0 if floor is None else floor), 1.0
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    if hi - lo < max(min_span, 1e-9):
        # A flat line (day 1, a constant): a range of 5% of its value, wide enough that the
        # axis's two labels read differently ("67k" and "71k", not "69k" twice).
        mid, half = 0.5 * (lo + hi), 0.5 * max(min_span, 0.05 * max(abs(lo), abs(hi), 1e-3))
        lo, hi = mid - half, mid + half
    pad = 0.08 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if floor is not None and lo < floor:
        lo = floor
        hi = max(hi, floor + max(min_span, 1e-9))
    if floor == 0.0 and hi < 1e-6:
        hi = 1.0
    return lo, hi


def line_chart(
    title: str,
    series: Sequence[Series],
    width: int = 420,
    height: int = 170,
    percent_axis: bool = False,
    min_span: float = 0.0,
    floor: float | None = None,
    events: Sequence[tuple[int, str]] = (),
    fixed: tuple[float, float] | None = None,
    font: int = 13,
    key: str = "",
    zero_line: bool = False,
    start_day: int = 0,
    event_legend: bool = True,
    suffix: str = "",
) -> str:
    """An SVG line chart with a title, y range labels, a day axis, events and a legend.

    Args:
        title: Chart title.
        series: Lines to draw (one value per day from ``start_day``).
        width: Width in pixels.
        height: Height in pixels of the plot area plus title and axis (the legend adds
            rows below when it needs them).
        percent_axis: Show y labels as percentages of a 0-1 value.
        min_span: Smallest y range shown (so noise in a flat series does not look like a
            trend).
        floor: Lowest y shown (0 for counts and money: the axis never goes below it).
        events: ``(day, kind)`` marks (kinds: :data:`EVENT_STYLE`, :data:`RUG_EVENTS`).
        fixed: A fixed y range instead of one fitted to the data.
        font: Font size of labels in pixels (the title is 1 px larger).
        key: Identifier written on the SVG (``data-chart``) for the page and tests.
        zero_line: Draw a line at y = 0.
        start_day: Day of the first value.
        event_legend: Name the kinds of events in the legend (else see
            :func:`events_legend`, one legend for several charts).
        suffix: Unit written after every value (``%`` for values already in percent;
            signed when the chart has a zero line).
    """
    size = float(font)
    title_lines = wrap(title, width - 8, BOLD * (size + 1))  # bold glyphs are wider
    lead = round(TITLE_LEADING * (size + 1))
    first = round(1.5 * (size + 1))  # baseline of the first title line: room for ascenders
    top = first + lead * (len(title_lines) - 1) + 8
    left = max(44.0, text_width("00.000", size) + 8)
    axis = size + 8
    n = max((len(s.values) for s in series), default=0)
    frame = _Frame(
        left=left,
        top=top,
        width=width - left - 10.0,
        height=max(height - top - axis - (size + 8), 40.0),
        y_range=_y_range(series, floor, min_span, fixed),
        start_day=start_day,
        last_day=start_day + max(n - 1, 1),
    )
    fmt_y = _y_format(percent_axis, suffix, zero_line)
    labels = [f"{s.label} {_last_value(s.values, fmt_y)}" for s in series]
    kinds = event_kinds(events) if event_legend else []
    labels += [EVENT_STYLE[k][2] if k in EVENT_STYLE else RUG_EVENTS[k][1] for k in kinds]
    rows = _legend_rows(labels, width - 8, size, 18)
    line_h = size + 6
    total_h = int(np.ceil(top + frame.height + axis + len(rows) * line_h + 4))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
        f'viewBox="0 0 {width} {total_h}" class="cspsim-svg" data-chart="{escape(key)}" '
        f'font-family="sans-serif" font-size="{size:g}" fill="currentColor">',
        *(
            f'<text class="title" x="4" y="{first + lead * i:g}" '
            f'font-size="{size + 1:g}" font-weight="bold">{escape(part)}</text>'
            for i, part in enumerate(title_lines)
        ),
        *_axes(frame, fmt_y, size, n),
    ]
    lo, hi = frame.y_range
    if zero_line and lo < 0 < hi:
        y0 = float(frame.y_of(0.0))
        parts.append(
            f'<line x1="{left:.1f}" y1="{y0:.1f}" x2="{left + frame.width:.1f}" y2="{y0:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.45"/>'
        )
    parts += _event_marks(frame, events)
    parts += _polylines(frame, series)
    swatches = [(s.colour, s.dashed, "line") for s in series]
    swatches += [
        (EVENT_STYLE[k][0], True, "event") if k in EVENT_STYLE else (RUG_EVENTS[k][0], False, "rug")
        for k in kinds
    ]
    parts += _legend(rows, swatches, labels, top + frame.height + axis + size, size, line_h)
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class _Frame:
    """Where a line chart's plot area is, and the days and values it spans."""

    left: float
    top: float
    width: float
    height: float
    y_range: tuple[float, float]
    start_day: int
    last_day: int

    def x_of(self, day: float | np.ndarray) -> float | np.ndarray:
        """Horizontal pixel of a day."""
        span_days = max(self.last_day - self.start_day, 1)
        return self.left + (day - self.start_day) / span_days * self.width

    def y_of(self, v: np.ndarray | float) -> np.ndarray | float:
        """Vertical pixel of a value (inside the y range)."""
        lo, hi = self.y_range
        return self.top + (hi - np.asarray(v)) / (hi - lo) * self.height


def _y_format(percent_axis: bool, suffix: str, zero_line: bool) -> Callable[[float], str]:
    """How values are written on the axis and in the legend."""
    if percent_axis:
        return percent
    if suffix:
        sign = "+" if zero_line else ""
        # rounded first, so -0.3 reads "+0%", not "-0%"
        return lambda v: f"{round(v) + 0:{sign}d}{suffix}" if np.isfinite(v) else "–"
    return fmt


def _last_value(values: np.ndarray, fmt_y: Callable[[float], str]) -> str:
    """The last finite value of a series, written for its legend ("–" if none)."""
    last = values[np.isfinite(values)] if len(values) else np.array([])
    return fmt_y(float(last[-1])) if len(last) else "–"


def _axes(frame: _Frame, fmt_y: Callable[[float], str], size: float, n: int) -> list[str]:
    """The plot's box, the y range's two labels and the first and last day."""
    left, top, pw, plot_h = frame.left, frame.top, frame.width, frame.height
    lo, hi = frame.y_range
    bottom = top + plot_h + size + 3
    return [
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{pw:.1f}" height="{plot_h:.1f}" fill="none" '
        f'stroke="currentColor" stroke-opacity="0.3"/>',
        f'<text x="{left - 4:.1f}" y="{top + size * 0.8:.1f}" text-anchor="end">{fmt_y(hi)}</text>',
        f'<text x="{left - 4:.1f}" y="{top + plot_h:.1f}" text-anchor="end">{fmt_y(lo)}</text>',
        f'<text x="{left:.1f}" y="{bottom:.1f}">day {frame.start_day}</text>',
        f'<text x="{left + pw:.1f}" y="{bottom:.1f}" text-anchor="end">'
        f"day {frame.start_day + max(n - 1, 0)}</text>",
    ]


def _event_marks(frame: _Frame, events: Sequence[tuple[int, str]]) -> list[str]:
    """A tick on the day axis (:data:`RUG_EVENTS`) or a dashed line for each event shown."""
    top, bottom = frame.top, frame.top + frame.height
    parts = []
    ticked: set[tuple[str, int]] = set()  # one tick per kind and pixel column
    for day, kind in events:
        if not frame.start_day <= day <= frame.last_day:
            continue
        x = frame.x_of(day)
        if kind in RUG_EVENTS:
            # A long run has many days per pixel: ticks on one column would only repeat
            # (a chart of ten years once carried 3,650 of them).
            if (kind, round(x)) in ticked:
                continue
            ticked.add((kind, round(x)))
            parts.append(
                f'<line class="event ev-{kind}" x1="{x:.1f}" y1="{bottom - 5:.1f}" '
                f'x2="{x:.1f}" y2="{bottom:.1f}" stroke="{RUG_EVENTS[kind][0]}" '
                f'stroke-opacity="0.6"/>'
            )
        elif kind in EVENT_STYLE:
            colour, dash, _ = EVENT_STYLE[kind]
            parts.append(
                f'<line class="event ev-{kind}" data-day="{day}" x1="{x:.1f}" y1="{top:.1f}" '
                f'x2="{x:.1f}" y2="{bottom:.1f}" stroke="{colour}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}"/>'
            )
    return parts


def _polylines(frame: _Frame, series: Sequence[Series]) -> list[str]:
    """Each series as a polyline of at most :data:`MAX_POINTS` points (gaps skipped)."""
    lo, hi = frame.y_range
    parts = []
    for s in series:
        v = np.asarray(s.values, dtype=float)
        if len(v) == 0:
            continue
        idx = np.unique(np.linspace(0, len(v) - 1, min(len(v), MAX_POINTS)).astype(int))
        xs = frame.x_of(frame.start_day + idx)
        ys = frame.y_of(np.clip(v[idx], lo, hi))
        ok = np.isfinite(v[idx])
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[ok], ys[ok], strict=True))
        dash = ' stroke-dasharray="6,4"' if s.dashed else ""
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="2.2"{dash}/>'
        )
    return parts


def _legend(
    rows: list[list[int]],
    swatches: list[tuple[str, bool, str]],
    labels: list[str],
    y: float,
    size: float,
    line_h: float,
) -> list[str]:
    """The legend's rows from baseline ``y``: a swatch (line, dashed line or tick) and a label."""
    parts = []
    for row in rows:
        x = 4.0
        for i in row:
            colour, dashed, style = swatches[i]
            if style == "rug":
                parts.append(
                    f'<line x1="{x + 8:.1f}" y1="{y - size * 0.9:.1f}" x2="{x + 8:.1f}" '
                    f'y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
                )
            else:
                dash = ' stroke-dasharray="5,3"' if dashed else ""
                parts.append(
                    f'<line x1="{x:.1f}" y1="{y - size * 0.35:.1f}" x2="{x + 18:.1f}" '
                    f'y2="{y - size * 0.35:.1f}" stroke="{colour}" stroke-width="2.2"{dash}/>'
                )
            parts.append(
                f'<text class="legend" x="{x + 22:.1f}" y="{y:.1f}">{escape(labels[i])}</text>'
            )
            x += 18 + 4 + text_width(labels[i], size) + 14
        y += line_h
    return parts


def event_kinds(events: Sequence[tuple[int, str]]) -> list[str]:
    """Kinds of events present, in legend order."""
    present = {kind for _, kind in events}
    return [k for k in {**EVENT_STYLE, **RUG_EVENTS} if k in present]


def events_legend(events: Sequence[tuple[int, str]], width: int, font: int = 13) -> str:
    """One SVG legend line naming the kinds of events marked on several charts ("" if none)."""
    kinds = event_kinds(events)
    if not kinds:
        return ""
    size = float(font)
    labels = ["Marked on the charts:"] + [
        EVENT_STYLE[k][2] if k in EVENT_STYLE else RUG_EVENTS[k][1] for k in kinds
    ]
    rows = _legend_rows(labels, width - 8, size, 18)
    parts, y = [], size + 2
    for row in rows:
        x = 4.0
        for i in row:
            if i > 0:
                k = kinds[i - 1]
                if k in RUG_EVENTS:
                    parts.append(
                        f'<line x1="{x + 8:.1f}" y1="{y - size * 0.9:.1f}" x2="{x + 8:.1f}" '
                        f'y2="{y:.1f}" stroke="{RUG_EVENTS[k][0]}" stroke-width="2"/>'
                    )
                else:
                    colour, dash, _ = EVENT_STYLE[k]
                    parts.append(
                        f'<line x1="{x:.1f}" y1="{y - size * 0.35:.1f}" x2="{x + 18:.1f}" '
                        f'y2="{y - size * 0.35:.1f}" stroke="{colour}" stroke-width="2" '
                        f'stroke-dasharray="{dash}"/>'
                    )
                tx = x + 22
                x += 18 + 4 + text_width(labels[i], size) + 14
            else:
                tx = x
                x += text_width(labels[i], size) + 14
            parts.append(f'<text x="{tx:.1f}" y="{y:.1f}">{escape(labels[i])}</text>')
        y += size + 6
    h = int(y - size + 4)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" '
        f'viewBox="0 0 {width} {h}" class="cspsim-svg" data-chart="events" '
        f'font-family="sans-serif" font-size="{size:g}" fill="currentColor">'
        + "".join(parts)
        + "</svg>"
    )


def column(rows: dict[str, list], key: str) -> np.ndarray:
    """One daily column of the recorder's rows as an array (empty if absent)."""
    return np.asarray(rows.get(key, []), dtype=float)


#: The standard charts: key -> title.
CHART_TITLES: dict[str, str] = {
    "crime": "Crime per day: true vs recorded (7-day mean)",
    "trust": "Trust in police (mean, 0-1)",
    "reporting": "Victimizations reported (30 days)",
    "contacts": "Police contacts per day (7-day mean)",
    "fear": "Fear of crime (mean, 0-1)",
    "budget": "Budget spent so far (USD)",
}


def chart_svgs(
    runs: Sequence[tuple[str, dict[str, list]]],
    width: int = 420,
    height: int = 170,
    events: Sequence[tuple[int, str]] = (),
    font: int = 13,
    keys: Sequence[str] | None = None,
    event_legend: bool = True,
) -> dict[str, str]:
    """The app's standard charts for one run, or two runs (the second dashed).

    Args:
        runs: ``(name, rows)`` per run; ``rows`` maps a time-series column to its daily values.
        width: Chart width in pixels.
        height: Chart height in pixels (without extra legend rows).
        events: Events marked on every chart.
        font: Label font size in pixels.
        keys: Which charts (default: all of :data:`CHART_TITLES`, in order).
        event_legend: Name the events in each chart's legend (else one shared legend).
    """
    named = len(runs) > 1
    week = lambda rows, key: rolling_mean(column(rows, key))  # noqa: E731
    crime, trust, fear, reporting, contacts, budget = [], [], [], [], [], []
    for k, (name, rows) in enumerate(runs):
        dashed = k == 1
        tag = f" ({name})" if named else ""
        crime += [
            Series("true" + tag, "#d62728", week(rows, "crimes_true"), dashed),
            Series("recorded" + tag, "#1f77b4", week(rows, "crimes_recorded"), dashed),
        ]
        trust.append(Series("trust" + tag, "#1f77b4", column(rows, "mean_trust"), dashed))
        fear.append(Series("fear" + tag, "#9467bd", column(rows, "mean_fear"), dashed))
        reporting.append(
            Series(
                "reported" + tag,
                "#2ca02c",
                rolling_ratio(column(rows, "reports"), column(rows, "victimizations"), 30),
                dashed,
            )
        )
        contacts += [
            Series("good" + tag, "#2ca02c", week(rows, "contacts_positive"), dashed),
            Series("bad" + tag, "#d62728", week(rows, "contacts_negative"), dashed),
        ]
        budget.append(
            Series("spent" + tag, "#ff7f0e", np.cumsum(column(rows, "budget_spent")), dashed)
        )
    specs = {
        "crime": (crime, {"floor": 0.0}),
        "trust": (trust, {"min_span": 0.05}),
        "reporting": (reporting, {"percent_axis": True, "min_span": 0.1, "floor": 0.0}),
        "contacts": (contacts, {"floor": 0.0}),
        "fear": (fear, {"min_span": 0.05}),
        "budget": (budget, {"floor": 0.0}),
    }
    out = {}
    for key in keys or CHART_TITLES:
        series, opts = specs[key]
        out[key] = line_chart(
            CHART_TITLES[key],
            series,
            width,
            height,
            events=events,
            font=font,
            key=key,
            event_legend=event_legend,
            **opts,
        )
    return out
