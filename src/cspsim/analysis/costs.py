"""What a strategy's money buys, what it costs extra, and what each averted crime costs.

Every run records what each costed component spends per day (``spent_<key>``, declared by
:func:`cspsim.analysis.outcomes.spending_measures`) beside the officer-hours funded, the
program participants and the meetings held. From the run summaries:

* **at equal budget** (the default) the components are paid out of the baseline budget, so
  the question is what the money *bought*: officer-hours moved out of patrol (paired
  against the baseline on the same seed) and, per component, dollars per year and the units
  they bought (program places, meetings, watch places, responder-hours, ...: a column that
  counts them, else the spending over the unit cost of the run's config, :data:`PURCHASES`);
* **with** ``strategy.equal_budget=false`` the components are paid on top: the extra cost
  per year and the extra cost per crime averted.

Costs per crime averted are ratios of paired means over seeds with Fieller's interval
(:func:`cspsim.analysis.stats.ratio_ci`), unbounded when the crimes averted are not clearly
above zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.stats import mean_ci, paired_differences, ratio_ci

#: An extra cost below this share of the baseline's cost counts as equal budget.
EQUAL_BUDGET_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Purchase:
    """What a component's spending buys, in units a planner reads.

    Attributes:
        key: Component key (its spending column is ``spent_<key>``).
        noun: Unit bought, plural (``program places``).
        column: A summary column that counts the units (per year, or a mean level), if any.
        cost: Otherwise the unit cost: a field of ``params.costs`` in the run's config.
        per: Unit cost periods in one unit per year (12 for a monthly cost of a place
            covered all year).
    """

    key: str
    noun: str
    column: str | None = None
    cost: str | None = None
    per: float = 1.0


#: The units each component's money buys.
PURCHASES: tuple[Purchase, ...] = (
    Purchase("programs", "program places", column="program_enrolled"),
    Purchase("meetings", "meetings", column="meetings"),
    Purchase("watch", "watch places", cost="watch_place_month", per=12.0),
    Purchase("responders", "responder-hours", cost="mental_health_hour"),
    Purchase("procedural_justice", "training hours", cost="procedural_justice_training_hour"),
    Purchase("education", "campaign days", cost="education_day"),
    Purchase("rights_education", "campaign days", cost="education_day"),
    Purchase("feedback_channel", "channel days", cost="feedback_channel_day"),
    Purchase("community_events", "events", cost="community_event"),
    Purchase("business_partnership", "partner-days", cost="partnership_day"),
    Purchase("volunteering", "partner-days", cost="partnership_day"),
)


def purchase(key: str) -> Purchase:
    """The purchase of a component (dollars only when none is declared)."""
    for p in PURCHASES:
        if p.key == key:
            return p
    return Purchase(key, "")


def spending_columns(summary: pd.DataFrame) -> list[str]:
    """The declared ``spent_<key>`` columns present in the summary."""
    return [m.name for m in oc.spending_measures() if m.name in summary]


def unit_costs(runs: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Unit costs of each run's config (``params.costs``), by run directory."""
    if "meta" not in runs:
        return {}
    return {
        str(d): dict((m or {}).get("config", {}).get("params", {}).get("costs", {}))
        for d, m in zip(runs["run_dir"], runs["meta"], strict=True)
    }


def _units(row: pd.Series, p: Purchase, costs: dict[str, float] | None) -> float:
    if p.column is not None and p.column in row:
        return float(row[p.column])
    if p.cost is not None and costs and costs.get(p.cost):
        return float(row[f"spent_{p.key}"]) / (float(costs[p.cost]) * p.per)
    return float("nan")


def bought(
    summary: pd.DataFrame,
    baseline: str,
    label: str = "scenario",
    costs: dict[str, dict[str, float]] | None = None,
) -> pd.DataFrame:
    """What the money bought per year, per scenario (means over its runs).

    Args:
        summary: Run summaries.
        baseline: The scenario compared with (officer-hours moved are paired against it).
        label: Column naming the scenarios.
        costs: Unit costs by run directory (:func:`unit_costs`); without them only the
            purchases with a counting column get units.

    Returns:
        Long table: ``<label>, item, noun, dollars, units`` with the item ``officer_hours``
        (dollars and units are the change against the baseline, paired by seed) and one
        item per component that spent money.
    """
    hours = paired_differences(summary, ["officer_hours"], baseline, label).set_index("strategy")
    rows = []
    for name, g in summary.groupby(label, sort=False):
        hour_cost = float(g["officer_hour_cost"].mean()) if "officer_hour_cost" in g else 0.0
        d = hours.loc[name]
        rows.append(
            {
                label: name,
                "item": "officer_hours",
                "noun": "officer-hours",
                "dollars": float(d["diff"]) * hour_cost,
                "units": float(d["diff"]),
                "units_low": float(d["ci_low"]),
                "units_high": float(d["ci_high"]),
                "pct": float(d["pct"]),
            }
        )
        for col in spending_columns(g):
            spent = float(g[col].mean())
            if not spent > 0:
                continue
            p = purchase(col.removeprefix("spent_"))
            per_run = [
                _units(r, p, (costs or {}).get(str(r.get("run_dir")))) for _, r in g.iterrows()
            ]
            rows.append(
                {
                    label: name,
                    "item": p.key,
                    "noun": p.noun,
                    "dollars": spent,
                    "units": float(np.nanmean(per_run)) if np.isfinite(per_run).any() else np.nan,
                }
            )
    return pd.DataFrame(rows)


def cost_effects(summary: pd.DataFrame, baseline: str, label: str = "scenario") -> pd.DataFrame:
    """Extra cost, money moved, crimes averted and the cost of each averted crime.

    Returns:
        One row per scenario other than the baseline: ``<label>, seeds, equal_budget``;
        ``extra, extra_low, extra_high`` (USD per year, paired); ``moved, moved_low,
        moved_high`` (spending on anything but officer-hours); ``averted, averted_low,
        averted_high`` (true crimes per year); ``per_crime, per_crime_low, per_crime_high``
        (extra cost per crime averted, Fieller; at equal budget the money moved per crime
        averted) and ``per_crime_of`` (``extra`` or ``moved``).
    """
    wanted = ["cost", "crimes_true", "reallocated"]
    base = summary[summary[label] == baseline].set_index("seed")
    base_cost = float(base["cost"].mean()) if len(base) else float("nan")
    rows = []
    for name, g in summary.groupby(label, sort=False):
        if name == baseline:
            continue
        g = g.set_index("seed")
        seeds = g.index.intersection(base.index)
        d = {
            c: g.loc[seeds, c].to_numpy(float) - base.loc[seeds, c].to_numpy(float) for c in wanted
        }
        averted = -d["crimes_true"]
        row: dict[str, Any] = {label: name, "seeds": len(seeds)}
        for key, values in (
            ("extra", d["cost"]),
            ("moved", d["reallocated"]),
            ("averted", averted),
        ):
            m, lo, hi = mean_ci(values)
            row |= {key: m, f"{key}_low": lo, f"{key}_high": hi}
        equal = abs(row["extra"]) <= EQUAL_BUDGET_TOLERANCE * abs(base_cost)
        row["equal_budget"] = bool(equal)
        of = "moved" if equal else "extra"
        ratio = ratio_ci(d["cost"] if of == "extra" else d["reallocated"], averted)
        row |= {
            "per_crime": ratio[0],
            "per_crime_low": ratio[1],
            "per_crime_high": ratio[2],
            "per_crime_of": of,
        }
        rows.append(row)
    return pd.DataFrame(rows)


def fmt_money(v: float) -> str:
    """Dollars in a short form: $1.2M, $350k, $900."""
    if not np.isfinite(v):
        return "n/a"
    a = abs(v)
    sign = "-" if v < 0 else ""
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.2f}M"
    if a >= 1e4:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def fmt_interval(v: float, lo: float, hi: float) -> str:
    """A signed amount of dollars with its CI: ``+$1.20M [+$1.10M, +$1.30M]``.

    The interval is left out when it has no width (the same amount on every seed).
    """
    if not np.isfinite(v):
        return "n/a"

    def signed(x: float) -> str:
        return ("+" if x >= 0 else "") + fmt_money(x)

    core = signed(v)
    if not np.isfinite(lo) or abs(hi - lo) <= 1e-9 * max(abs(v), 1.0):
        return core  # one seed, or the same on every seed
    return f"{core} [{signed(lo)}, {signed(hi)}]"


def fmt_ratio(v: float, lo: float, hi: float) -> str:
    """A cost per crime averted with its Fieller interval ("n/a" when none is averted)."""
    if not np.isfinite(v) or v <= 0:
        return "n/a (no crime averted)"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"{fmt_money(v)} [unbounded]"
    return f"{fmt_money(v)} [{fmt_money(lo)}, {fmt_money(hi)}]"


def bought_text(items: pd.DataFrame, limit: int = 3) -> str:
    """One scenario's purchases in words: hours moved, then the largest spending lines."""
    parts = []
    hours = items[items["item"] == "officer_hours"]
    if len(hours) and abs(float(hours["units"].iloc[0])) >= 1:
        h = hours.iloc[0]
        parts.append(f"{h['units']:+,.0f} officer-hours ({h['pct']:+.1f}%)")
    lines = items[items["item"] != "officer_hours"].sort_values("dollars", ascending=False)
    for r in lines.head(limit).itertuples():
        unit = f" ({r.units:,.0f} {r.noun})" if np.isfinite(r.units) and r.noun else ""
        parts.append(f"{fmt_money(r.dollars)} {r.item.replace('_', ' ')}{unit}")
    if len(lines) > limit:
        parts.append(f"+{len(lines) - limit} more")
    return "; ".join(parts) if parts else "nothing (the baseline's spending)"


def cost_cells(
    summary: pd.DataFrame, baseline: str, label: str = "scenario", runs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The comparison table's cost columns, one row per scenario other than the baseline.

    ``Extra cost per year`` (paired, with CI; "equal budget" when it is zero), ``What the money
    bought, per year`` (officer-hours moved and the largest spending lines with their
    units) and ``$ per crime averted`` (Fieller CI; of the extra cost, or at equal budget of
    the money moved from patrol).
    """
    eff = cost_effects(summary, baseline, label)
    if eff.empty:
        return pd.DataFrame(columns=[label.capitalize()])
    items = bought(summary, baseline, label, unit_costs(runs) if runs is not None else None)
    rows = []
    for r in eff.itertuples():
        name = getattr(r, label)
        extra = (
            "equal budget" if r.equal_budget else fmt_interval(r.extra, r.extra_low, r.extra_high)
        )
        per = fmt_ratio(r.per_crime, r.per_crime_low, r.per_crime_high)
        if r.equal_budget and np.isfinite(r.per_crime) and r.per_crime > 0:
            per = f"{per} moved"
        rows.append(
            {
                label.capitalize(): name,
                "Extra cost per year": extra,
                "What the money bought, per year": bought_text(items[items[label] == name]),
                "$ per crime averted": per,
            }
        )
    return pd.DataFrame(rows)
