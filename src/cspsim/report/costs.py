"""Report section on money: what each scenario's money bought, its extra cost, per crime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cspsim.analysis.costs import (
    bought,
    cost_effects,
    fmt_interval,
    fmt_money,
    fmt_ratio,
    unit_costs,
)
from cspsim.analysis.runs import RunSet
from cspsim.report.document import Document


def bought_table(items: pd.DataFrame, scenarios: list[str], baseline: str) -> pd.DataFrame:
    """Rows: scenarios; columns: officer-hours moved and each component's spending (units)."""
    if items.empty:
        return pd.DataFrame()
    lines = [i for i in dict.fromkeys(items["item"]) if i != "officer_hours"]
    rows = []
    for name in scenarios:
        mine = items[items["scenario"] == name].set_index("item")
        row: dict[str, str] = {"Scenario": name}
        if name == baseline:
            row["Officer-hours vs baseline"] = "baseline"
        elif "officer_hours" in mine.index:
            h = mine.loc["officer_hours"]
            wide = np.isfinite(h["units_low"]) and h["units_high"] - h["units_low"] > 0.5
            ci = f" [{h['units_low']:+,.0f}, {h['units_high']:+,.0f}]" if wide else ""
            row["Officer-hours vs baseline"] = f"{h['units']:+,.0f}{ci} ({h['pct']:+.1f}%)"
        for item in lines:
            if item not in mine.index:
                row[item.replace("_", " ").capitalize()] = "-"
                continue
            r = mine.loc[item]
            units = f" = {r['units']:,.0f} {r['noun']}" if np.isfinite(r["units"]) else ""
            row[item.replace("_", " ").capitalize()] = f"{fmt_money(r['dollars'])}{units}"
        rows.append(row)
    return pd.DataFrame(rows)


def _per_crime(r: Any) -> str:
    text = fmt_ratio(r.per_crime, r.per_crime_low, r.per_crime_high)
    if not (np.isfinite(r.per_crime) and r.per_crime > 0):
        return text
    return f"{text} {'moved' if r.equal_budget else 'extra'}"


def effects_table(eff: pd.DataFrame) -> pd.DataFrame:
    """Extra cost, money moved, crimes averted and the cost per crime averted."""
    return pd.DataFrame(
        {
            "Scenario": eff["scenario"],
            "Budget": ["equal" if r.equal_budget else "on top" for r in eff.itertuples()],
            "Extra cost per year": [
                "none (equal budget)"
                if r.equal_budget
                else fmt_interval(r.extra, r.extra_low, r.extra_high)
                for r in eff.itertuples()
            ],
            "Moved from patrol per year": [
                fmt_interval(r.moved, r.moved_low, r.moved_high) for r in eff.itertuples()
            ],
            "True crimes averted per year": [
                f"{r.averted:+,.0f} [{r.averted_low:+,.0f}, {r.averted_high:+,.0f}]"
                if np.isfinite(r.averted_low)
                else f"{r.averted:+,.0f}"
                for r in eff.itertuples()
            ],
            "$ per crime averted": [_per_crime(r) for r in eff.itertuples()],
            "Seeds": eff["seeds"],
        }
    )


def cost_section(doc: Document, rs: RunSet, summary: pd.DataFrame, baseline: str) -> None:
    """The cost section of a comparison: purchases, then cost per crime averted."""
    scenarios = list(summary["scenario"].drop_duplicates())
    items = bought(summary, baseline, "scenario", unit_costs(rs.runs))
    eff = cost_effects(summary, baseline, "scenario")
    doc.h2("Cost: what the money bought")
    doc.p(
        "At equal budget (the default) a strategy's components are paid out of the "
        f"baseline's budget, so the money for programs, meetings or a watch comes out of "
        f"officer-hours: the table shows the officer-hours each scenario funds against "
        f"{baseline} (paired seeds, 95% CI) and, per component, the dollars per year and "
        "what they bought (program places held on average, meetings held, places covered "
        "by a watch all year, responder-hours, ...; the spending over the unit cost of "
        "the run's config where no column counts them)."
    )
    table = bought_table(items, scenarios, baseline)
    if not table.empty:
        doc.table(table)
    if eff.empty:
        return
    doc.p(
        "With `strategy.equal_budget=false` the components are paid on top: the *extra "
        "cost* is then the money a city must find, and the cost per true crime averted is "
        "that extra cost over the crimes averted; at equal budget it is the money moved "
        "from patrol per crime averted. Ratios of paired means over seeds with Fieller's "
        "95% interval, *unbounded* when the crimes averted are not clearly above zero."
    )
    doc.table(effects_table(eff))
