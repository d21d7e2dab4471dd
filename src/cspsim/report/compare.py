"""Report sections comparing scenarios (strategies or arms) with a baseline on paired seeds.

The differences are the one comparison table (:func:`cspsim.analysis.tables.comparison_table`),
the levels of every declared outcome (:func:`cspsim.analysis.tables.levels_table`); fairness,
displacement, cost and the figures follow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.aggregate import monthly, place_totals, scenario_bands
from cspsim.analysis.places import (
    RATE_COLUMNS,
    CityCache,
    displacement,
    fairness_by_neighbourhood,
    neighbourhood_rates,
    place_changes,
    place_frame,
)
from cspsim.analysis.plots import plot_bands, plot_change_map, plot_effects, plot_groups
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import paired_differences
from cspsim.analysis.tables import comparison_table, fmt_ci, levels_table, outcome_legend
from cspsim.city import CRIME_TYPES
from cspsim.report import uncertainty
from cspsim.report.cities import pairing_sentence
from cspsim.report.costs import cost_section
from cspsim.report.document import Document
from cspsim.report.neighbourhoods import fairness_tables


def by_type_table(summary: pd.DataFrame) -> pd.DataFrame:
    """True and recorded crime by type per scenario: ``true (recorded)`` per year."""
    g = summary.groupby("scenario", sort=False).mean(numeric_only=True)
    out = pd.DataFrame(index=g.index)
    for t in CRIME_TYPES:
        out[t.capitalize()] = [
            f"{a:,.0f} ({b:,.0f})"
            for a, b in zip(g[f"crimes_true_{t}"], g[f"crimes_recorded_{t}"], strict=True)
        ]
    return out.reset_index().rename(columns={"scenario": "Scenario"})


def key_findings(
    summary: pd.DataFrame, baseline: str, uncertain: pd.DataFrame | None = None
) -> list[str]:
    """One plain sentence per scenario: crime, trust, negative contacts, money moved.

    Args:
        summary: Run summaries at the default parameters.
        baseline: The scenario compared with.
        uncertain: Intervals with parameter uncertainty
            (:func:`cspsim.analysis.uncertainty.intervals`, with ``p_best``); when given,
            crime and trust are stated with them, and how often the scenario is best.
    """
    d = paired_differences(
        summary, ["crimes_true", "trust", "contacts_negative", "reallocated"], baseline, "scenario"
    ).set_index(["strategy", "measure"])
    if uncertain is not None:
        return _findings_with_uncertainty(d, summary, baseline, uncertain)
    lines = []
    for name in summary["scenario"].drop_duplicates():
        if name == baseline:
            continue
        c, t, n, r = (
            d.loc[(name, m)] for m in ("crimes_true", "trust", "contacts_negative", "reallocated")
        )
        sure = np.isfinite(c["ci_low"]) and (c["ci_high"] < 0 or c["ci_low"] > 0)
        verdict = ("fewer" if c["diff"] < 0 else "more") if sure else "no clear change in"
        text = (
            f"**{name}**: {verdict} offences "
            f"({fmt_ci('pct', c['pct'], c['pct_low'], c['pct_high'])}, "
            f"{abs(c['diff']):,.0f} a year), trust "
            f"{fmt_ci('pts', t['diff'], t['ci_low'], t['ci_high'])} points, "
            f"negative police contacts {n['pct']:+.0f}%"
        )
        if r["value"] > 1:
            averted = sure and c["diff"] < 0
            per = f", ${r['value'] / -c['diff']:,.0f} per offence averted" if averted else ""
            text += f"; ${r['value'] / 1e6:,.1f}M a year moved from patrol{per}"
        lines.append(text + ".")
    return lines


def _findings_with_uncertainty(
    d: pd.DataFrame, summary: pd.DataFrame, baseline: str, iv: pd.DataFrame
) -> list[str]:
    """:func:`key_findings` stated with the intervals that include parameter uncertainty."""
    iv = iv.set_index(["scenario", "outcome"])
    lines = []
    for name in summary["scenario"].drop_duplicates():
        if name == baseline or (name, "crimes_true") not in iv.index:
            continue
        c, t = iv.loc[(name, "crimes_true")], iv.loc[(name, "trust")]
        n, r = d.loc[(name, "contacts_negative")], d.loc[(name, "reallocated")]
        sure = np.isfinite(c["low"]) and (c["high"] < 0 or c["low"] > 0)
        verdict = ("fewer" if c["mean"] < 0 else "more") if sure else "no clear change in"
        best = c.get("p_best", float("nan"))
        text = (
            f"**{name}**: {verdict} offences ({fmt_ci('pct', c['mean'], c['low'], c['high'])}), "
            f"trust {fmt_ci('pts', t['mean'], t['low'], t['high'])} points, negative police "
            f"contacts {n['pct']:+.0f}%"
        )
        if np.isfinite(best):
            text += f"; fewest offences in {best:.0%} of the parameter draws"
        if r["value"] > 1:
            text += f"; ${r['value'] / 1e6:,.1f}M a year moved from patrol"
        lines.append(text + ".")
    return lines


def add_comparison(
    doc: Document,
    rs: RunSet,
    summary: pd.DataFrame,
    out: Path,
    ensemble: pd.DataFrame | None = None,
) -> None:
    """The comparison sections: differences, levels, fairness, displacement, cost, figures.

    Args:
        doc: The report.
        rs: The runs at the default parameters.
        summary: Their summaries.
        out: Output directory (figures, CSV tables).
        ensemble: Summaries of an uncertainty ensemble's runs (tagged ``draw``), or None:
            then the key findings carry the intervals with parameter uncertainty and the
            uncertainty section follows them.
    """
    base = rs.baseline
    assert base is not None
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    scenarios = list(summary["scenario"].drop_duplicates())
    others = [s for s in scenarios if s != base]
    _in_short(doc, summary, base, out, ensemble)
    _differences(doc, summary, base, figs)
    _levels(doc, summary)
    cities = CityCache()
    ptot = place_totals(rs, list(RATE_COLUMNS))
    _fairness(doc, rs, summary, base, scenarios, ptot, cities, out)
    _displacement(doc, rs, base, ptot, cities)
    cost_section(doc, rs, summary, base)
    _over_time(doc, rs, base, others, figs)
    _where(doc, rs, base, others, ptot, cities, figs)


def _in_short(
    doc: Document,
    summary: pd.DataFrame,
    base: str,
    out: Path,
    ensemble: pd.DataFrame | None,
) -> None:
    """Key findings, with parameter uncertainty when there is an ensemble."""
    doc.h2("In short")
    if ensemble is not None and len(ensemble):
        iv, effects, best = uncertainty.tables(summary, ensemble, base)
        p_best = uncertainty.best_crime(ensemble, base)
        iv = iv.merge(p_best, on=["scenario", "outcome"], how="left")
        doc.p(
            f"Against **{base}**, at the same budget, under {ensemble['draw'].nunique()} "
            "parameter draws (each its own seed); brackets: 95% intervals that include what "
            "we do not know about the parameters. *Clear* means the interval excludes zero. "
            "The tables below also give the narrower seeds-only CIs at the default parameters."
        )
        doc.items(key_findings(summary, base, iv))
        uncertainty.add_section(doc, iv, effects, best, ensemble["draw"].nunique(), base)
        iv.to_csv(out / "uncertainty.csv", index=False)
    else:
        doc.p(
            f"Against **{base}**, at the same budget, over {pairing_sentence(summary, base)}; "
            "brackets: 95% confidence intervals. *Clear* means the interval excludes zero."
        )
        doc.items(key_findings(summary, base))


def _differences(doc: Document, summary: pd.DataFrame, base: str, figs: Path) -> None:
    """Each scenario's paired differences from the baseline, the legend and the figure."""
    doc.h2(f"What each scenario changes, against {base}")
    doc.p(
        f"Each cell is the mean difference from **{base}** over paired seeds (common random "
        "numbers: the two runs of a seed share every random draw the scenario does not "
        "change), with its 95% confidence interval in brackets. *True* crime is what "
        "happened; *recorded* crime is what the police know. Percentages are changes in "
        "yearly totals; *pts* are points on a 0-100 scale; satisfaction is the last survey "
        "wave's mean answer (1-5)."
    )
    doc.table(comparison_table(summary, base, "scenario"))
    doc.p("What the columns measure (from the declarations of the outcomes):")
    doc.table(outcome_legend())
    plot_effects(summary, figs / "effects.png", base, "scenario")
    doc.img(figs / "effects.png", f"Effects against {base} with 95% CIs over paired seeds")


def _levels(doc: Document, summary: pd.DataFrame) -> None:
    """Means over seeds per scenario, and crime by type."""
    doc.h2("Levels per scenario")
    doc.p("Means over seeds, at real population scale; totals are per year.")
    doc.table(levels_table(summary))
    doc.h3("Crime by type: true (recorded) per year")
    doc.table(by_type_table(summary))


def _fairness(
    doc: Document,
    rs: RunSet,
    summary: pd.DataFrame,
    base: str,
    scenarios: list[str],
    ptot: pd.DataFrame,
    cities: CityCache,
    out: Path,
) -> None:
    """Who is stopped and arrested: by group, and by neighbourhood."""
    runs = rs.runs
    figs = out / "figures"
    doc.h2("Fairness: who is stopped and arrested")
    fairness_tables(doc, rs, summary, base)
    plot_groups(summary, figs / "groups.png", scenarios)
    doc.img(figs / "groups.png", "Negative contacts and arrests per 1,000 residents by group")
    rates = neighbourhood_rates(ptot, runs, cities)
    if len(rates):
        rates.to_csv(out / "neighbourhoods.csv", index=False)
        doc.p(
            "By neighbourhood (residents' home neighbourhood): population-weighted mean and "
            "90th percentile of the neighbourhoods' rates per 1,000, and the rate in the most "
            "disadvantaged fifth of neighbourhoods over the least disadvantaged fifth (1 = "
            "even). Every neighbourhood's rates are in `neighbourhoods.csv`."
        )
        fair = fairness_by_neighbourhood(rates)
        fair = (
            fair.set_index("scenario")
            .reindex(scenarios)
            .reset_index()
            .rename(
                columns={
                    "scenario": "Scenario",
                    "negative_mean": "Neg. contacts mean",
                    "negative_p90": "Neg. contacts p90",
                    "ratio_negative": "Neg. ratio Q5/Q1",
                    "arrests_mean": "Arrests mean",
                    "arrests_p90": "Arrests p90",
                    "ratio_arrests": "Arrest ratio Q5/Q1",
                }
            )
        )
        doc.table(fair)


def _displacement(
    doc: Document, rs: RunSet, base: str, ptot: pd.DataFrame, cities: CityCache
) -> None:
    """Crime at targeted places and at their never-targeted neighbours."""
    runs = rs.runs
    disp = displacement(ptot, runs, base, cities)
    doc.h2("Displacement around targeted places")
    if disp.empty:
        doc.p("No scenario here targets particular places, so there is nothing to displace.")
    else:
        doc.p(
            "True crime at the places a scenario targets (hot spots, problem-solving places, "
            "watch areas, treated trial places) and at their never-targeted neighbours, "
            f"against the same places under {base} on the same seed. A rise around the "
            "targets would be displacement; a fall, diffusion of benefits."
        )
        rows = [
            {
                "Scenario": r.scenario,
                "Targeted places": f"{r.targeted_places:.0f}",
                "At targets": fmt_ci("pct", r.targeted_pct, r.targeted_low, r.targeted_high),
                "Around places": f"{r.surrounding_places:.0f}",
                "Around targets": fmt_ci(
                    "pct", r.surrounding_pct, r.surrounding_low, r.surrounding_high
                ),
                "Seeds": r.seeds,
            }
            for r in disp.itertuples()
        ]
        doc.table(pd.DataFrame(rows))


def _over_time(doc: Document, rs: RunSet, base: str, others: list[str], figs: Path) -> None:
    """Monthly crime and trust with bands over seeds."""
    runs = rs.runs
    doc.h2("Over time")
    cols = list(oc.FIGURE_COLUMNS)
    bands = scenario_bands(monthly(rs, cols), runs, cols)
    shown = [base, *others][:6]
    plot_bands(bands, figs / "timeseries.png", shown)
    doc.img(figs / "timeseries.png", "Crime and trust by month, with 95% bands over seeds")


def _where(
    doc: Document,
    rs: RunSet,
    base: str,
    others: list[str],
    ptot: pd.DataFrame,
    cities: CityCache,
    figs: Path,
) -> None:
    """The map of change per place."""
    runs = rs.runs
    doc.h2("Where: change per place")
    meta0 = runs[runs["scenario"] == base].iloc[0]["meta"]
    places = place_frame(cities.get(meta0))
    changes = place_changes(ptot, runs, base)
    plot_change_map(
        changes,
        places,
        figs / "map.png",
        others[:9],
        f"Change in true crime per place against {base} (mean over paired seeds)",
    )
    doc.img(figs / "map.png", "Map: change in true offences per place per year (blue: fewer)")
