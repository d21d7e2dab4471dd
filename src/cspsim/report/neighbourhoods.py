"""Report sections by neighbourhood and by group: choropleth maps, least helped, fairness.

The maps draw each neighbourhood's paired effect (against the baseline on the same seeds) on
true crime and on trust: with the city's polygons when it has them (``city=gis``), else with
cells around the places' points (Voronoi cells clipped near the points), dissolved into
neighbourhoods. When the directory holds an uncertainty ensemble, the effects are also
computed over its parameter draws
(:func:`~cspsim.analysis.neighbourhoods.neighbourhood_draw_effects`): the least-helped table
gives the 95% prediction interval beside the seeds-only CI, and the maps draw the mean over
the draws, outlined where the prediction interval excludes zero. Everything is drawn locally
with geopandas and matplotlib (no tiles, no network).
"""

from __future__ import annotations

import math
from functools import reduce
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import MultiPoint, Polygon

from cspsim.analysis.neighbourhoods import (
    MIN_SEEDS,
    clear,
    group_fairness,
    hit_rates,
    least_helped,
    neighbourhood_draw_effects,
    neighbourhood_effects,
    neighbourhood_panel,
    with_draws,
)
from cspsim.analysis.places import CityCache
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.analysis.tables import fmt_ci
from cspsim.city import City
from cspsim.report.document import Document

#: Most strategies drawn in one map figure.
MAX_PANELS = 9


# ----------------------------------------------------------------- shapes


def _geographic(x: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90))


def _x_scale(city: City) -> float:
    """Longitude squeeze so that a degree east is as long as one north on the map."""
    if _geographic(city.x, city.y):
        return math.cos(math.radians(float(np.mean(city.y))))
    return 1.0


def _even_odd(rings: list[np.ndarray], sx: float) -> shapely.Geometry:
    """One place's outline from its rings (holes are rings too: the even-odd rule)."""
    polys = [shapely.make_valid(Polygon(np.column_stack([r[:, 0] * sx, r[:, 1]]))) for r in rings]
    return reduce(lambda a, b: a.symmetric_difference(b), polys)


def _cells(city: City, sx: float) -> list[shapely.Geometry]:
    """Voronoi cells of the places' points, clipped to the points' surroundings."""
    pts = np.column_stack([city.x * sx, city.y]).astype(float)
    if len(pts) == 1:
        return [shapely.Point(pts[0]).buffer(1.0)]
    # Coincident points would share a cell: nudge them apart.
    _, first = np.unique(pts, axis=0, return_index=True)
    dup = np.setdiff1d(np.arange(len(pts)), first)
    span = float(np.ptp(pts, axis=0).max()) or 1.0
    pts[dup] += 1e-6 * span * (1 + np.arange(len(dup)))[:, None]
    near = cKDTree(pts).query(pts, k=2)[0][:, 1]
    reach = 2.0 * float(np.median(near))
    hull = MultiPoint(pts).convex_hull.buffer(reach)
    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=hull, ordered=True)
    out = []
    for p, cell in zip(pts, cells.geoms, strict=True):
        out.append(cell.intersection(hull).intersection(shapely.Point(p).buffer(2.5 * reach)))
    return out


def neighbourhood_shapes(city: City) -> gpd.GeoDataFrame:
    """One shape per neighbourhood: its places' polygons (or point cells), dissolved.

    Returns:
        ``neighbourhood`` (name) and ``geometry``, in the map's coordinates (longitude
        squeezed by the cosine of the latitude for geographic cities).
    """
    sx = _x_scale(city)
    if city.geometry is not None:
        shapes = [_even_odd(rings, sx) for rings in city.geometry]
    else:
        shapes = _cells(city, sx)
    names = np.asarray(city.neighbourhood_names, dtype=object)[city.neighbourhood]
    places = gpd.GeoDataFrame({"neighbourhood": names}, geometry=shapes)
    out = places.dissolve(by="neighbourhood", as_index=False)
    out["neighbourhood"] = out["neighbourhood"].astype(str)
    return out


def plot_choropleth(
    values: pd.DataFrame,
    shapes: gpd.GeoDataFrame,
    path: Path,
    scenarios: list[str],
    title: str,
    legend: str,
    better: str = "lower",
) -> None:
    """One map panel per scenario: each neighbourhood coloured by its effect.

    Args:
        values: ``scenario, neighbourhood, value, clear`` (``clear``: CI excludes zero;
            drawn with a black outline).
        shapes: :func:`neighbourhood_shapes`.
        path: PNG to write.
        scenarios: Panels, in order (at most :data:`MAX_PANELS`).
        title: Figure title.
        legend: Colour bar label.
        better: ``lower`` or ``higher`` values are better (better is blue).
    """
    scenarios = scenarios[:MAX_PANELS]
    n = max(len(scenarios), 1)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.4 * cols + 1.2, 4.0 * rows), squeeze=False, layout="constrained"
    )
    v = values[values["scenario"].isin(scenarios)]["value"].to_numpy(float)
    v = v[np.isfinite(v)]
    lim = float(np.quantile(np.abs(v), 0.95)) if len(v) else 1.0
    lim = lim if lim > 0 else 1.0
    cmap = "RdBu_r" if better == "lower" else "RdBu"
    for ax, name in zip(axes.flat, scenarios, strict=False):
        d = shapes.merge(values[values["scenario"] == name], on="neighbourhood", how="left")
        d.plot(
            column="value",
            ax=ax,
            cmap=cmap,
            vmin=-lim,
            vmax=lim,
            edgecolor="white",
            linewidth=0.3,
            missing_kwds={"color": "lightgrey"},
        )
        clear = d[d["clear"].fillna(False).astype(bool)]
        if len(clear):
            clear.boundary.plot(ax=ax, color="black", linewidth=0.9)
        ax.set_title(name, fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(-lim, lim))
    fig.colorbar(sm, ax=axes, shrink=0.8, label=legend)
    fig.suptitle(title, fontsize=10)
    save_png(fig, path)


# ----------------------------------------------------------------- tables


def _comparable(rs: RunSet, summary: pd.DataFrame) -> bool:
    base = rs.baseline
    if base is None or summary.empty or summary["scenario"].nunique() < 2:
        return False
    seeds = set(summary.loc[summary["scenario"] == base, "seed"])
    return bool(seeds & set(summary.loc[summary["scenario"] != base, "seed"]))


def least_helped_table(effects: pd.DataFrame) -> pd.DataFrame:
    """The neighbourhoods each scenario helps least or harms, formatted.

    With an ensemble's columns (:func:`~cspsim.analysis.neighbourhoods.with_draws`), each
    change over seeds (95% CI) has the change over the parameter draws (95% prediction
    interval) beside it.
    """
    rows = least_helped(effects)
    crime = [
        fmt_ci("pct", r.crime_pct, r.crime_pct_low, r.crime_pct_high) for r in rows.itertuples()
    ]
    trust = [fmt_ci("pts", r.trust_diff, r.trust_low, r.trust_high) for r in rows.itertuples()]
    head = {
        "Scenario": rows["scenario"],
        "Neighbourhood": rows["neighbourhood"],
        "Residents": rows["population"].map(lambda v: f"{v:,.0f}"),
        "True crime/yr (baseline)": rows["base_crime"].map(lambda v: f"{v:,.0f}"),
    }
    if "pi_crime_pct" not in rows:
        return pd.DataFrame(
            {
                **head,
                "Change in true crime": crime,
                "Change in trust, pts": trust,
                "Verdict": rows["verdict"],
                "Seeds": rows["seeds"],
            }
        )
    return pd.DataFrame(
        {
            **head,
            "Change in true crime (seeds, CI)": crime,
            "With parameter uncertainty (PI)": [
                fmt_ci("pct", r.pi_crime_pct, r.pi_crime_low, r.pi_crime_high)
                for r in rows.itertuples()
            ],
            "Change in trust, pts (seeds, CI)": trust,
            "Trust with parameter uncertainty (PI)": [
                fmt_ci("pts", r.pi_trust_diff, r.pi_trust_low, r.pi_trust_high)
                for r in rows.itertuples()
            ],
            "Verdict (seeds)": rows["verdict"],
            "Verdict with parameter uncertainty": rows["verdict_draws"].fillna("no draws"),
            "Seeds": rows["seeds"],
            "Draws": rows["draws"].map(lambda v: f"{v:.0f}" if np.isfinite(v) else "0"),
        }
    )


def _level(v: float, unit: str) -> str:
    if not np.isfinite(v):
        return "n/a"
    if "Likert" in unit:
        return f"{v:.2f}"
    if "per 1,000" in unit:
        return f"{v:,.1f}"
    return f"{v:.3f}"


def _change(v: float, lo: float, hi: float, unit: str) -> str:
    if not np.isfinite(v):
        return "-"
    digits = 2 if "Likert" in unit else (1 if "per 1,000" in unit else 3)
    core = f"{v:+.{digits}f}"
    return f"{core} [{lo:+.{digits}f}, {hi:+.{digits}f}]" if np.isfinite(lo) else core


def fairness_tables(doc: Document, rs: RunSet, summary: pd.DataFrame, baseline: str) -> None:
    """One table per measure declared by group: both groups, their contrast, the changes."""
    hits = hit_rates(rs)
    data = summary.merge(hits, on="run_dir", how="left") if len(hits) else summary
    fair = group_fairness(data, baseline)
    if fair.empty:
        return
    doc.p(
        "Every measure recorded for both demographic groups: rates per 1,000 residents of the "
        "group per year (compared as a ratio B/A, 1 = even), trust over the last 30 days, the "
        "last survey wave's answers and the share of stops that found something (compared "
        "as a gap B - A; a lower hit rate for a group means its members are stopped on "
        "weaker grounds, the outcome test of Knowles, Persico & Todd 2001). Means over "
        f"seeds; brackets: 95% CIs over seeds; changes are paired against {baseline}."
    )
    for measure, g in fair.groupby("measure", sort=False):
        unit, contrast = g["unit"].iloc[0], g["contrast"].iloc[0]
        sym = "B/A" if contrast == "ratio" else "B - A"
        doc.h3(f"{measure} ({unit})")
        doc.table(
            pd.DataFrame(
                {
                    "Scenario": g["scenario"],
                    "Group A": [_level(v, unit) for v in g["a"]],
                    "Group B": [_level(v, unit) for v in g["b"]],
                    sym: [
                        _change(r.contrast_mean, r.contrast_low, r.contrast_high, "ratio")
                        if contrast == "ratio"
                        else _change(r.contrast_mean, r.contrast_low, r.contrast_high, unit)
                        for r in g.itertuples()
                    ],
                    "Change A": [
                        _change(r.change_a, r.change_a_low, r.change_a_high, unit)
                        for r in g.itertuples()
                    ],
                    "Change B": [
                        _change(r.change_b, r.change_b_low, r.change_b_high, unit)
                        for r in g.itertuples()
                    ],
                }
            )
        )


def draw_effects(
    rs: RunSet, draws: RunSet, baseline: str, cities: CityCache, seed_panel: pd.DataFrame
) -> pd.DataFrame:
    """Effects by neighbourhood over the ensemble's draws (``draws.runs`` has ``draw``)."""
    panel = neighbourhood_panel(draws, cities)
    if panel.empty:
        return panel
    return neighbourhood_draw_effects(panel, draws.runs, baseline, seed_panel, rs.runs)


def _map_values(effects: pd.DataFrame, over_draws: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The maps' values: over seeds (CI), or over the draws (prediction interval)."""
    if not over_draws:
        crime = effects.assign(
            value=effects["crime_pct"],
            clear=[clear(r.crime_low, r.crime_high, r.seeds) for r in effects.itertuples()],
        )
        trust = effects.assign(
            value=100 * effects["trust_diff"],
            clear=[clear(r.trust_low, r.trust_high, r.seeds) for r in effects.itertuples()],
        )
        return crime, trust
    n = effects["draws"].fillna(0).astype(int)
    crime = effects.assign(
        value=effects["pi_crime_pct"],
        clear=[
            clear(lo, hi, k)
            for lo, hi, k in zip(effects["pi_crime_low"], effects["pi_crime_high"], n, strict=True)
        ],
    )
    trust = effects.assign(
        value=100 * effects["pi_trust_diff"],
        clear=[
            clear(lo, hi, k)
            for lo, hi, k in zip(effects["pi_trust_low"], effects["pi_trust_high"], n, strict=True)
        ],
    )
    return crime, trust


def report_section(
    doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path, draws: RunSet | None = None
) -> None:
    """Effects by neighbourhood: two choropleth maps and the least-helped table.

    Args:
        doc: The report.
        rs: The runs at the default parameters (paired by seed).
        summary: Their summaries.
        out: Output directory.
        draws: The runs of an uncertainty ensemble (``runs`` with a ``draw`` column), or
            None: then every effect is over seeds only, as without an ensemble.
    """
    if not _comparable(rs, summary):
        return
    base = rs.baseline
    assert base is not None
    cities = CityCache()
    panel = neighbourhood_panel(rs, cities)
    effects = neighbourhood_effects(panel, rs.runs, base)
    if effects.empty:
        return
    n_draws = 0
    if draws is not None and len(draws.runs):
        by_draw = draw_effects(rs, draws, base, cities, panel)
        if len(by_draw):
            effects = with_draws(effects, by_draw)
            n_draws = int(draws.runs["draw"].nunique())
    effects.to_csv(out / "neighbourhood_effects.csv", index=False)
    scenarios = [s for s in summary["scenario"].drop_duplicates() if s != base]
    doc.h2("By neighbourhood: where each scenario helps, and where it harms")
    doc.p(
        f"Each neighbourhood's change against **{base}** on the same seeds (common random "
        "numbers), averaged over seeds: true crime in percent of the neighbourhood's "
        "baseline, and residents' trust at the end of the run in points of 100. A black "
        f"outline marks a change whose 95% CI excludes zero (with at least {MIN_SEEDS} "
        "seeds); blue is better. With few seeds or few offences per neighbourhood most "
        "intervals are wide, and with many neighbourhoods about one in twenty shows a clear "
        "change by chance alone. Every neighbourhood's effects are in "
        "`neighbourhood_effects.csv`."
    )
    if n_draws:
        doc.p(
            f"**With parameter uncertainty.** The same effects were also computed over the "
            f"uncertainty ensemble's {n_draws} parameter draws, each scenario's run of a draw "
            f"paired with {base}'s run of the same draw: the maps draw the mean over the "
            "draws and outline a change whose 95% prediction interval (where the effect may "
            "lie under a new draw: what we do not know about the parameters and simulation "
            "noise together) excludes zero; the table gives that interval beside the "
            "seeds-only CI at the default parameters, and lists a neighbourhood as harmed "
            "when either shows it. The parameters' share of each effect's variance is in "
            "the CSV (`parameter_share_crime`, `parameter_share_trust`)."
        )
    city = cities.get(rs.runs[rs.runs["scenario"] == base].iloc[0]["meta"])
    shapes = neighbourhood_shapes(city)
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    crime, trust = _map_values(effects, bool(n_draws))
    kind = "polygons" if city.geometry is not None else "cells around the places"
    over = f", mean over {n_draws} parameter draws" if n_draws else ""
    plot_choropleth(
        crime,
        shapes,
        figs / "neighbourhoods_crime.png",
        scenarios,
        f"Change in true crime by neighbourhood against {base} ({kind}{over})",
        "change in true crime, % (blue: fewer)",
        "lower",
    )
    doc.img(figs / "neighbourhoods_crime.png", "Change in true crime by neighbourhood")
    plot_choropleth(
        trust,
        shapes,
        figs / "neighbourhoods_trust.png",
        scenarios,
        f"Change in trust by neighbourhood against {base} ({kind}{over})",
        "change in trust, points of 100 (blue: more)",
        "higher",
    )
    doc.img(figs / "neighbourhoods_trust.png", "Change in trust by neighbourhood")
    doc.h3("Where each scenario helps least or harms")
    if n_draws:
        doc.p(
            "Per scenario, every neighbourhood where crime clearly rises or trust clearly "
            "falls (over seeds, or over the parameter draws), and the five with the highest "
            "mean change in true crime over the draws (the least helped)."
        )
    else:
        doc.p(
            "Per scenario, every neighbourhood where crime clearly rises or trust clearly "
            "falls, and the five with the highest change in true crime (the least helped)."
        )
    doc.table(least_helped_table(effects))
