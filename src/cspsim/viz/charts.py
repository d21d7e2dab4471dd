"""Live charts as small inline SVG line charts (cheap to rebuild every day).

Each chart reads the recorder's daily rows (``Recorder.datacollector.model_vars``), smooths
daily counts over a week, and draws one polyline per series; a second run (side by side) is
drawn dashed in the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

#: Most points drawn per series (longer runs are thinned evenly).
MAX_POINTS = 300
#: Days in the moving average of daily counts.
WINDOW = 7


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
    """Ratio of trailing sums (e.g. reports / victimizations over a week)."""
    n = rolling_mean(num, window)
    d = rolling_mean(den, window)
    return np.divide(n, d, out=np.full(len(n), np.nan), where=d > 0)


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return "–"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 1:
        return f"{v:.1f}"
    return f"{v:.3f}"


def line_chart(
    title: str,
    series: list[Series],
    width: int = 420,
    height: int = 170,
    percent: bool = False,
    min_span: float = 0.0,
) -> str:
    """An SVG line chart with a title, y range labels, day axis and a legend.

    Args:
        title: Chart title.
        series: Lines to draw (all the same length: one value per day).
        width: Width in pixels.
        height: Height in pixels.
        percent: Show y labels as percentages.
        min_span: Smallest y range shown (so noise in a flat 0-1 series does not look like
            a trend).
    """
    left, right, top, bottom = 44, 8, 22, 34
    pw, ph = width - left - right, height - top - bottom
    n = max((len(s.values) for s in series), default=0)
    finite = [s.values[np.isfinite(s.values)] for s in series if len(s.values)]
    finite = [f for f in finite if len(f)]
    lo = min((float(f.min()) for f in finite), default=0.0)
    hi = max((float(f.max()) for f in finite), default=1.0)
    if hi - lo < max(min_span, 1e-9):
        mid, half = 0.5 * (lo + hi), 0.5 * max(min_span, 1e-3 * max(abs(lo), abs(hi), 1e-3))
        lo, hi = mid - half, mid + half
    pad = 0.08 * (hi - lo) if finite else 0.0
    lo, hi = lo - pad, hi + pad
    fmt = (lambda v: f"{100 * v:.0f}%" if np.isfinite(v) else "–") if percent else _fmt
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="font-family: sans-serif; font-size: 11px; '
        f'background: #fff">',
        f'<text x="{left}" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{fmt(hi)}</text>',
        f'<text x="{left - 4}" y="{top + ph}" text-anchor="end">{fmt(lo)}</text>',
        f'<text x="{left}" y="{top + ph + 12}">day 0</text>',
        f'<text x="{left + pw}" y="{top + ph + 12}" text-anchor="end">day {max(n - 1, 0)}</text>',
    ]
    for s in series:
        v = np.asarray(s.values, dtype=float)
        if len(v) == 0:
            continue
        idx = np.unique(np.linspace(0, len(v) - 1, min(len(v), MAX_POINTS)).astype(int))
        xs = left + (idx / max(n - 1, 1)) * pw
        ys = top + (hi - v[idx]) / (hi - lo) * ph
        ok = np.isfinite(ys)
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[ok], ys[ok], strict=True))
        dash = ' stroke-dasharray="5,3"' if s.dashed else ""
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>'
        )
    x = left
    for s in series:
        last = s.values[-1] if len(s.values) else np.nan
        label = f"{s.label} {fmt(float(last))}"
        dash = ' stroke-dasharray="5,3"' if s.dashed else ""
        y = height - 8
        parts.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" stroke="{s.colour}" '
            f'stroke-width="2"{dash}/><text x="{x + 19}" y="{y}">{escape(label)}</text>'
        )
        x += 26 + 6.2 * len(label)
    parts.append("</svg>")
    return "".join(parts)


def _col(rows: dict[str, list], key: str) -> np.ndarray:
    return np.asarray(rows.get(key, []), dtype=float)


def chart_svgs(
    runs: list[tuple[str, dict[str, list]]], width: int = 420, height: int = 150
) -> dict[str, str]:
    """The app's six charts for one run, or two runs (the second dashed).

    Args:
        runs: ``(name, rows)`` per run; ``rows`` maps a time-series column to its daily values.
        width: Chart width in pixels.
        height: Chart height in pixels.
    """
    named = len(runs) > 1

    def week(rows: dict[str, list], key: str) -> np.ndarray:
        return rolling_mean(_col(rows, key))

    crime, trust, fear, reporting, contacts, budget = [], [], [], [], [], []
    for k, (name, rows) in enumerate(runs):
        dashed = k == 1
        tag = f" ({name})" if named else ""
        crime += [
            Series("true" + tag, "#d62728", week(rows, "crimes_true"), dashed),
            Series("recorded" + tag, "#1f77b4", week(rows, "crimes_recorded"), dashed),
        ]
        trust.append(Series("trust" + tag, "#1f77b4", _col(rows, "mean_trust"), dashed))
        fear.append(Series("fear" + tag, "#9467bd", _col(rows, "mean_fear"), dashed))
        reporting.append(
            Series(
                "reported" + tag,
                "#2ca02c",
                rolling_ratio(_col(rows, "reports"), _col(rows, "victimizations"), 30),
                dashed,
            )
        )
        contacts += [
            Series("positive" + tag, "#2ca02c", week(rows, "contacts_positive"), dashed),
            Series("negative" + tag, "#d62728", week(rows, "contacts_negative"), dashed),
        ]
        budget.append(
            Series("spent USD" + tag, "#ff7f0e", np.cumsum(_col(rows, "budget_spent")), dashed)
        )
    return {
        "crime": line_chart("Crime per day: true vs recorded (7-day mean)", crime, width, height),
        "trust": line_chart("Trust in police (mean, 0-1)", trust, width, height, min_span=0.05),
        "fear": line_chart("Fear of crime (mean, 0-1)", fear, width, height, min_span=0.05),
        "reporting": line_chart(
            "Reporting rate (victimizations reported, 30 days)",
            reporting,
            width,
            height,
            percent=True,
            min_span=0.1,
        ),
        "contacts": line_chart(
            "Police contacts per day: positive vs negative", contacts, width, height
        ),
        "budget": line_chart("Budget spent so far", budget, width, height),
    }
