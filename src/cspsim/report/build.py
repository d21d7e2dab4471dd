"""Build the report of a run or sweep directory: report.md, report.html, summary.csv.

The sections depend on what the directory holds: an inventory always (complete, failed,
damaged, stale, missing, incomplete and duplicate runs); then, for each city (one section
per city when there are several: runs of different cities are never compared), a paired
comparison with the baseline when scenarios share seeds with it; a difference-in-differences
section for staggered rollouts; the hot spots trial; and the design's own section (budget
frontier, sensitivity, calibration).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis import uncertainty as unc
from cspsim.analysis.aggregate import monthly, place_totals, run_summaries, scenario_bands
from cspsim.analysis.places import CityCache, place_frame
from cspsim.analysis.plots import plot_bands, plot_change_map
from cspsim.analysis.runs import RunSet, collect_runs
from cspsim.analysis.tables import levels_table
from cspsim.report import (
    calibration,
    frontier,
    neighbourhoods,
    pilot,
    rollout,
    sensitivity,
    trial,
)
from cspsim.report.cities import city_dir, city_groups, paired_scenarios, unpaired_note
from cspsim.report.compare import add_comparison
from cspsim.report.document import Document
from cspsim.report.inventory import inventory

log = logging.getLogger("cspsim")

#: Designs whose runs are parameter samples, not scenarios to compare one by one.
SAMPLE_DESIGNS = ("sensitivity", "calibrate")


def _comparable(rs: RunSet, summary: pd.DataFrame) -> bool:
    if summary.empty or summary["scenario"].nunique() < 2 or rs.baseline is None:
        return False
    base_seeds = set(summary.loc[summary["scenario"] == rs.baseline, "seed"])
    others = summary[summary["scenario"] != rs.baseline]
    return bool(base_seeds & set(others["seed"]))


def _single(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """Levels, time series and the crime map when there is nothing to compare."""
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    doc.h2("Outcomes")
    doc.table(levels_table(summary))
    cols = list(oc.FIGURE_COLUMNS)
    bands = scenario_bands(monthly(rs, cols), rs.runs, cols)
    scen = list(summary["scenario"].drop_duplicates())[:6]
    plot_bands(bands, figs / "timeseries.png", scen)
    doc.img(figs / "timeseries.png", "Crime and trust by month (bands: 95% CI over seeds)")
    ptot = place_totals(rs, ["crimes_true"])
    cities = CityCache()
    places = place_frame(cities.get(rs.runs.iloc[0]["meta"]))
    level = ptot.merge(rs.runs[["run_dir", "scenario"]], on="run_dir")
    level = level.groupby(["scenario", "place_id"], as_index=False)["crimes_true"].mean()
    level = level.rename(columns={"crimes_true": "diff"})
    level["diff"] = level["diff"] - level["diff"].mean()
    plot_change_map(level, places, figs / "map.png", scen[:3], "True crime per place (minus mean)")
    doc.img(figs / "map.png", "True offences per place per year, relative to the mean place")


def _samples(doc: Document, summary: pd.DataFrame) -> None:
    doc.h2("Outcomes over the sampled runs")
    shown = [o for o in oc.outcomes() if o.name in summary]
    desc = summary[[o.name for o in shown]].describe(percentiles=[0.05, 0.5, 0.95]).T
    desc = desc[["count", "mean", "min", "5%", "50%", "95%", "max"]]
    desc.insert(0, "Unit", [o.unit for o in shown])
    desc.insert(0, "Measure", [o.label for o in shown])
    doc.table(desc.reset_index(drop=True))


#: The sections of the experiments' designs, each shown when the directory holds its runs.
DESIGN_SECTIONS = (rollout, trial, frontier, sensitivity, calibration, pilot)


def _sections(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path, design: str) -> None:
    """The outcome sections of the runs of one city (its comparison, or its levels)."""
    out.mkdir(parents=True, exist_ok=True)
    # An uncertainty ensemble's draws are compared among themselves, apart from the runs at
    # the default parameters (whose seeds the comparison's CIs are over); the comparison and
    # the neighbourhood section get both.
    summary, ensemble = unc.split(summary, unc.read_draws(rs.root))
    draw_rs = None
    if len(ensemble):
        in_draws = rs.runs["seed"].isin(ensemble["seed"])
        tags = ensemble[["run_dir", "draw"]]
        draw_rs = replace(rs, runs=rs.runs[in_draws].merge(tags, on="run_dir"))
        rs = replace(rs, runs=rs.runs[~in_draws])
    if design in SAMPLE_DESIGNS:
        _samples(doc, summary)
    elif _comparable(rs, summary):
        assert rs.baseline is not None
        paired, unpaired = paired_scenarios(summary, rs.baseline)
        if unpaired:
            doc.p(unpaired_note(unpaired, rs.baseline))
            doc.table(levels_table(summary[summary["scenario"].isin(unpaired)]))
        paired_rs = replace(rs, runs=rs.runs[rs.runs["scenario"].isin(paired["scenario"])])
        add_comparison(doc, paired_rs, paired, out, ensemble)
        neighbourhoods.report_section(doc, paired_rs, paired, out, draw_rs)
    else:
        _single(doc, rs, summary, out)
    for module in DESIGN_SECTIONS:
        module.report_section(doc, rs, summary, out)


def ordered_summary(rs: RunSet) -> pd.DataFrame:
    """The run summaries with the baseline's runs first, then the others by scenario."""
    summary = run_summaries(rs)
    if len(summary) and rs.baseline is not None:
        first = summary["scenario"] != rs.baseline
        summary = summary.assign(_k=first).sort_values(["_k", "scenario", "seed"], kind="stable")
        summary = summary.drop(columns="_k").reset_index(drop=True)
    return summary


def build_report(path: Path, out: Path | None = None) -> Path:
    """Write ``report.md``, ``report.html`` and ``summary.csv`` for a run or sweep directory.

    Args:
        path: A run directory or a sweep directory.
        out: Where to write (default: ``path``).

    Returns:
        Path of ``report.md``.
    """
    root = Path(path)
    rs = collect_runs(root)
    title = (rs.manifest or {}).get("experiment") or root.name
    return write_report(rs, Path(out) if out is not None else root, title)


def write_report(
    rs: RunSet,
    out: Path,
    title: str,
    intro: list[str] | None = None,
    tool: str = "cspsim-report",
    summary: pd.DataFrame | None = None,
) -> Path:
    """Write the report of the counted runs of ``rs`` into ``out``.

    Args:
        rs: The runs (from :func:`~cspsim.analysis.runs.collect_runs`).
        out: Output directory.
        title: What the report is about (after ``cspsim report:``).
        intro: Paragraphs after the title (default: city, scenarios, seeds, directory).
        tool: The command named at the end of the report.
        summary: The runs' :func:`ordered_summary`, when the caller has it already.

    Returns:
        Path of ``report.md``.
    """
    # Written into a staging directory, then moved in: a report that fails half-way (a
    # figure, a section) leaves the previous report, not a summary without its report.
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        _write(rs, staging, title, intro, tool, summary)
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "report.md"


def _publish(staging: Path, out: Path) -> None:
    """Move every file written in ``staging`` to the same place under ``out``."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = out / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def _write(
    rs: RunSet,
    out: Path,
    title: str,
    intro: list[str] | None,
    tool: str,
    summary: pd.DataFrame | None,
) -> None:
    tic = time.perf_counter()
    summary = ordered_summary(rs) if summary is None else summary
    design = (rs.manifest or {}).get("design", "grid")
    doc = Document()
    doc.h1(f"cspsim report: {title}")
    if intro is not None:
        for text in intro:
            doc.p(text)
    elif len(summary):
        cities = ", ".join(f"**{c}**" for c in summary["city_label"].drop_duplicates())
        doc.p(
            f"City {cities}, {summary['scenario'].nunique()} scenario(s), "
            f"{summary['seed'].nunique()} seed(s), {int(summary['days'].max())} days recorded "
            f"per run. Directory: `{rs.root}`."
        )
    inventory(doc, rs)
    if len(summary):
        summary.drop(columns=["run_dir"]).assign(run=summary["rel"]).to_csv(
            out / "summary.csv", index=False
        )
        groups = city_groups(rs, summary)
        if len(groups) > 1:
            doc.p(
                f"The runs are of {len(groups)} cities or settings: each has its own section, "
                "compared with its own baseline runs; runs of different cities, or of one "
                "strategy and seed in different settings, are never compared."
            )
        for label, city_rs, city_summary in groups:
            if len(groups) == 1:
                _sections(doc, city_rs, city_summary, out, design)
                continue
            doc.h2(f"City: {label}" if " · " not in label else f"City and setting: {label}")
            with doc.nested():
                _sections(doc, city_rs, city_summary, out / city_dir(label), design)
    else:
        pd.DataFrame().to_csv(out / "summary.csv", index=False)
        doc.p("No complete run to report yet.")
    doc.p(f"*Generated by `{tool}` in {time.perf_counter() - tic:.1f} s.*")
    (out / "report.md").write_text(doc.markdown(out))
    (out / "report.html").write_text(doc.html(f"cspsim report: {title}"))
