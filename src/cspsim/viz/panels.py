"""The page's panels: lesson card, KPI strip, place details, charts and comparison table."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np
import solara

from cspsim.paths import strategy_names
from cspsim.viz.charts import chart_svgs, rolling_mean, rolling_ratio
from cspsim.viz.layers import LAYERS, layer_values
from cspsim.viz.lessons import LESSONS, get_lesson
from cspsim.viz.models import TrainerModel

#: Cities offered in the app.
CITIES = ("sf2012", "columbus", "synthetic")
#: Modes of the page.
MODES = ("Lesson", "Side by side")


def rows(model: TrainerModel) -> dict[str, list]:
    """The model's daily time-series columns (live lists, not copies)."""
    return model.recorder.datacollector.model_vars


def kpis(model: TrainerModel) -> dict[str, str]:
    """Headline numbers: days run so far, then weekly means of daily counts and today's state."""
    r = rows(model)
    if not r.get("day"):
        return {"Day": str(model.day), "Status": "press Step or Play"}

    def week(key: str) -> float:
        return float(rolling_mean(np.asarray(r[key], dtype=float))[-1])

    rate = rolling_ratio(
        np.asarray(r["reports"], dtype=float), np.asarray(r["victimizations"], dtype=float), 30
    )[-1]
    return {
        "Day": str(model.day),
        "True crime / day": f"{week('crimes_true'):.0f}",
        "Recorded / day": f"{week('crimes_recorded'):.0f}",
        "Reporting rate": f"{100 * rate:.0f}%" if np.isfinite(rate) else "–",
        "Trust": f"{r['mean_trust'][-1]:.3f}",
        "Fear": f"{r['mean_fear'][-1]:.3f}",
        "Officers on duty": f"{int(r['officers_on_duty'][-1])}",
        "Spent": f"${sum(r['budget_spent']) / 1e6:.1f}M",
    }


@solara.component
def KpiStrip(model: TrainerModel, title: str = "", tick: int = 0) -> None:  # noqa: ARG001
    """Headline numbers in a row (``cspsim-kpi`` elements; ``tick`` changes after each step)."""
    items = kpis(model)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px", "align-items": "center"}):
        if title:
            solara.Text(title, style={"font-weight": "bold", "min-width": "120px"})
        for label, value in items.items():
            css = "cspsim-kpi cspsim-day" if label == "Day" else "cspsim-kpi"
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    f'<div style="font-size:11px;color:#555">{label}</div>'
                    f'<div style="font-size:20px;font-weight:bold">{value}</div>'
                ),
                classes=[css],
                style={
                    "padding": "2px 10px",
                    "border": "1px solid #ddd",
                    "border-radius": "4px",
                    "background": "#fafafa",
                },
            )


@solara.component
def LessonCard(settings: dict[str, object], on_change: Callable[[dict[str, object]], None]) -> None:
    """Mode, lesson, city and strategy pickers, and the lesson's text and finding."""
    lesson = get_lesson(str(settings["lesson"]))
    titles = {lsn.title: lsn.name for lsn in LESSONS}
    strategies = strategy_names()
    with solara.Card(margin=0, classes=["cspsim-lesson"]):
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px", "align-items": "center"}):
            solara.ToggleButtonsSingle(
                value=str(settings["mode"]),
                values=list(MODES),
                on_value=lambda v: on_change({"mode": v}),
            )
            solara.Select(
                "Lesson",
                value=lesson.title,
                values=list(titles),
                on_value=lambda t: on_change({"lesson": titles[t]}),
                style={"min-width": "360px"},
                classes=["cspsim-lesson-select"],
            )
            solara.Select(
                "City",
                value=str(settings["city"]),
                values=list(CITIES),
                on_value=lambda v: on_change({"city": v}),
                style={"max-width": "140px"},
            )
            label_a = "Strategy" if settings["mode"] == MODES[0] else "Strategy A"
            solara.Select(
                label_a,
                value=str(settings["strategy"]),
                values=strategies,
                on_value=lambda v: on_change({"strategy": v}),
                style={"max-width": "220px"},
            )
            if settings["mode"] == MODES[1]:
                solara.Select(
                    "Strategy B",
                    value=str(settings["strategy_b"]),
                    values=strategies,
                    on_value=lambda v: on_change({"strategy_b": v}),
                    style={"max-width": "220px"},
                )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<p style='margin: 8px 0 4px'><b>What to watch.</b> {escape(lesson.text)}</p>"
                f"<p style='margin: 0'><b>Finding.</b> {escape(lesson.finding)} "
                f"<i>{escape(lesson.citation)}</i> Play about {lesson.days} days; change the "
                "levers on the left, then press Reset.</p>"
            ),
            classes=["cspsim-lesson-text"],
        )


@solara.component
def LayerPicker(layer: str, on_layer: Callable[[str], None]) -> None:
    """Buttons choosing the map layer."""
    labels = {v.label: k for k, v in LAYERS.items()}
    solara.ToggleButtonsSingle(
        value=LAYERS[layer].label,
        values=list(labels),
        on_value=lambda v: on_layer(labels[v]),
        dense=True,
        classes=["cspsim-layers"],
    )


def place_details(model: TrainerModel, place: int) -> dict[str, str]:
    """Details of one place for the side panel."""
    city = model.city
    values = layer_values(model)
    neighbours = model.world.adjacency[place].indices
    out = {
        "Place": str(city.place_ids[place]),
        "Neighbourhood": str(city.neighbourhood_names[city.neighbourhood[place]]),
        "Residents": f"{int(city.population[place]):,}",
    }
    for key, layer in LAYERS.items():
        out[layer.label] = f"{values[key][place]:.{layer.digits + 1}f}"
    if len(neighbours):
        out["True crime at neighbours (mean)"] = f"{values['true_crime'][neighbours].mean():.2f}"
        now = values["true_crime"][neighbours].sum()
        start = model.crime.baseline_total[neighbours].sum()
        out["Neighbours vs their baseline"] = f"{100 * (now / max(start, 1e-9) - 1):+.0f}%"
    here = model.crime.recent[place] / max(model.crime.baseline_total[place], 1e-9)
    out["This place vs its baseline"] = f"{100 * (here - 1):+.0f}%"
    out["Officers here today"] = str(
        int((model.police.force.on_duty & (model.police.force.place == place)).sum())
    )
    orgs = [o.kind.replace("_", " ") for o in model.organizations if o.place == place]
    out["Organizations here"] = ", ".join(orgs) if orgs else "none"
    return out


@solara.component
def PlaceDetails(
    models: list[tuple[str, TrainerModel]],
    place: int,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """Table of a clicked place's details (one column per run; ``tick``: see KpiStrip)."""
    with solara.Card("Place details", margin=0, classes=["cspsim-details"]):
        if place < 0:
            solara.Text("Click a place on the map to pin its details here.")
            return
        cols = [(name, place_details(m, place)) for name, m in models]
        keys = list(cols[0][1])
        head = "".join(f"<th>{name}</th>" for name, _ in cols) if len(cols) > 1 else ""
        body = "".join(
            f"<tr><td>{k}</td>" + "".join(f"<td><b>{d[k]}</b></td>" for _, d in cols) + "</tr>"
            for k in keys
        )
        solara.HTML(
            tag="table",
            unsafe_innerHTML=f"<tr><th></th>{head}</tr>{body}",
            style={"font-size": "13px"},
        )


@solara.component
def Charts(
    runs: list[tuple[str, TrainerModel]],
    width: int = 420,
    height: int = 150,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """The six live charts (two runs overlaid in the side-by-side view)."""
    svgs = chart_svgs([(name, rows(m)) for name, m in runs], width=width, height=height)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}, classes=["cspsim-charts"]):
        for key, svg in svgs.items():
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=[f"cspsim-chart-{key}"])


def comparison(a: TrainerModel, b: TrainerModel) -> list[tuple[str, str, str, str]]:
    """Totals so far for two runs and their difference (B minus A, in % where it helps)."""
    ra, rb = rows(a), rows(b)
    out = []
    for label, key, how in (
        ("True crimes", "crimes_true", "sum"),
        ("Recorded crimes", "crimes_recorded", "sum"),
        ("Victimizations reported", "reports", "sum"),
        ("Negative contacts", "contacts_negative", "sum"),
        ("Arrests", "arrests", "sum"),
        ("Trust (mean, today)", "mean_trust", "last"),
        ("Fear (mean, today)", "mean_fear", "last"),
        ("Budget spent (USD)", "budget_spent", "sum"),
    ):
        va = ra.get(key, [])
        vb = rb.get(key, [])
        if not va:
            continue
        xa = float(sum(va)) if how == "sum" else float(va[-1])
        xb = float(sum(vb)) if how == "sum" else float(vb[-1])
        if how == "sum":
            diff = f"{100 * (xb / xa - 1):+.1f}%" if xa else "–"
            out.append((label, f"{xa:,.0f}", f"{xb:,.0f}", diff))
        else:
            out.append((label, f"{xa:.3f}", f"{xb:.3f}", f"{xb - xa:+.3f}"))
    return out


@solara.component
def ComparisonTable(
    a: TrainerModel,
    b: TrainerModel,
    name_a: str,
    name_b: str,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """Totals so far, A vs B: the difference only the strategy made (same seed)."""
    table = comparison(a, b)
    with solara.Card("Same seed, same city: what only the strategy changed", margin=0):
        if not table:
            solara.Text("Press Step or Play.")
            return
        head = f"<tr><th></th><th>A: {name_a}</th><th>B: {name_b}</th><th>B vs A</th></tr>"
        body = "".join(
            f"<tr><td>{lab}</td><td>{x}</td><td>{y}</td><td><b>{d}</b></td></tr>"
            for lab, x, y, d in table
        )
        solara.HTML(
            tag="table",
            unsafe_innerHTML=head + body,
            classes=["cspsim-compare"],
            style={"font-size": "13px"},
        )
