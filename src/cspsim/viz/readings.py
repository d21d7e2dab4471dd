"""What the trainer's cards and lesson charts read from a pair of runs (A and its comparison B).

Daily columns as the recorder holds them (live, not copied), means and ratios over windows
of days, the trust ledger of police contacts, crime and police presence at A's hot spots,
and the day of the misconduct case. :mod:`cspsim.viz.card` and :mod:`cspsim.viz.indicators`
compute their rows and lines from these, and the lesson tests assert the lessons' claims on
the same functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cspsim.viz.charts import RATE_WINDOW, column
from cspsim.viz.models import SideBySideModel, TrainerModel

#: Days averaged for "day 0" and "now" values of daily counts.
WEEK = 7


def rows(model: TrainerModel) -> dict[str, list]:
    """The model's daily time-series columns (live lists, not copies)."""
    return model.recorder.rows


def events(pair: SideBySideModel) -> list[tuple[int, str]]:
    """Events of the lesson's run (A) with the comparison's reviews left out."""
    return list(pair.a.track.events)


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


def hot_share_series(pair: SideBySideModel, run: int, k: int) -> np.ndarray:
    """Daily share of a run's recorded or true crime at A's hot spots of the day.

    ``run``: 0 for A, 1 for B; ``k``: 0 for recorded, 1 for true crime (recent, smoothed).
    """
    v = np.asarray(pair.hot_share, dtype=float).reshape(-1, 2, 2)
    return v[:, run, k]


def rate_first_last(num: str, den: str, window: int = RATE_WINDOW) -> Callable:
    """``f(pair, model) -> (first, last)``: ``num / den`` over the first and last windows."""

    def values(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
        n = days_run(m)
        return window_ratio(m, num, den, 0, window), window_ratio(m, num, den, n - window, n)

    return values


def around_shock(num: str, den: str | None) -> Callable:
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


def reporting_around_shock(pair: SideBySideModel, m: TrainerModel) -> tuple[float, float]:
    """Victims reporting in the month before the misconduct case and in the last 30 days."""
    day = shock_day(m)
    n = days_run(m)
    if day < 0:
        return rate_first_last("reports", "victimizations")(pair, m)
    before = window_ratio(m, "reports", "victimizations", day - RATE_WINDOW, day)
    return before, window_ratio(m, "reports", "victimizations", n - RATE_WINDOW, n)
