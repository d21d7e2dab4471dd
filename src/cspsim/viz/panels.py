"""The page's panels: KPIs, lesson card, setup and levers, pause and end cards, charts.

Components here only read the models; what to do on a click comes in as a callback from
:mod:`cspsim.viz.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np
import solara

from cspsim.paths import strategy_names
from cspsim.viz.card import what_changed
from cspsim.viz.charts import RATE_WINDOW, chart_svgs, events_legend, rolling_mean, rolling_ratio
from cspsim.viz.handout import handout_html
from cspsim.viz.indicators import INDICATORS, indicator_svg
from cspsim.viz.layers import LAYERS, layer_values
from cspsim.viz.layout import Layout
from cspsim.viz.lessons import LESSONS, Lesson, get_lesson
from cspsim.viz.levers import LEVERS, PATROL_LABELS, Levers, changes
from cspsim.viz.mapview import MODEL_LOCK
from cspsim.viz.models import SideBySideModel, TrainerModel
from cspsim.viz.names import (
    CITY_NAMES,
    city_name,
    neighbourhood_names,
    org_name,
    place_names,
    strategy_name,
)
from cspsim.viz.readings import events, rows

#: Cities offered in the app (config names).
CITIES = ("sf2012", "columbus", "stl", "synthetic")
#: Modes of the page.
MODES = ("Lesson", "Side by side")
#: The KPI tiles, in order.
KPI_LABELS = (
    "True crime / day",
    "Recorded / day",
    "Victims reporting",
    "Trust",
    "Fear",
    "Officers on duty",
    "Spent so far",
)


def kpis(model: TrainerModel) -> dict[str, str]:
    """Headline numbers: weekly means of daily counts and today's state."""
    r = rows(model)
    if not r.get("day"):
        return dict.fromkeys(KPI_LABELS, "–")

    def week(key: str) -> float:
        return float(rolling_mean(np.asarray(r[key], dtype=float))[-1])

    rate = rolling_ratio(
        np.asarray(r["reports"], dtype=float),
        np.asarray(r["victimizations"], dtype=float),
        RATE_WINDOW,
    )[-1]
    return {
        "True crime / day": f"{week('crimes_true'):.0f}",
        "Recorded / day": f"{week('crimes_recorded'):.0f}",
        "Victims reporting": f"{100 * rate:.0f}%" if np.isfinite(rate) else "–",
        "Trust": f"{r['mean_trust'][-1]:.3f}",
        "Fear": f"{r['mean_fear'][-1]:.3f}",
        "Officers on duty": f"{int(r['officers_on_duty'][-1])}",
        "Spent so far": f"${sum(r['budget_spent']) / 1e6:.1f}M",
    }


@solara.component
def KpiStrip(model: TrainerModel, cols: int = 4, title: str = "", tick: int = 0) -> None:  # noqa: ARG001
    """Headline numbers as tiles (``cspsim-kpi``; ``tick`` changes after each step)."""
    with solara.use_context(MODEL_LOCK):
        items = kpis(model)
    tiles = "".join(
        f'<div class="cspsim-kpi"><div class="lab">{escape(k)}</div>'
        f'<div class="val">{escape(v)}</div></div>'
        for k, v in items.items()
    )
    head = f'<div class="cspsim-kpi-title">{escape(title)}</div>' if title else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=head
        + f'<div class="cspsim-kpis" style="grid-template-columns: repeat({cols}, 1fr)">'
        + tiles
        + "</div>",
        classes=["cspsim-kpi-strip"],
    )


@solara.component
def LessonCard(lesson: Lesson, pair: SideBySideModel, days_run: int) -> None:
    """What to watch, the pause points ahead, the finding; a notice off the preset."""
    changed = pair.preset_changes()
    upcoming = [p for p in lesson.pauses if p.day >= days_run]
    with solara.Card(margin=0, classes=["cspsim-lesson"]):
        solara.HTML(tag="h2", unsafe_innerHTML=escape(lesson.title), classes=["cspsim-h"])
        if changed:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    "<b>You changed the lesson's preset</b> ("
                    + escape("; ".join(changed))
                    + "). The text below describes the preset; this run may show otherwise."
                ),
                classes=["cspsim-notice", "cspsim-variant"],
            )
        stops = ", ".join(f"day {p.day}" for p in upcoming)
        plan = f"Pauses at {stops}; ends" if stops else "Ends"
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<p><b>What to watch.</b> {escape(lesson.text)}</p>"
                f"<p class='cspsim-plan'>{plan} at day {lesson.days}. Map opens on "
                f"<i>{escape(LAYERS[lesson.layer].label)}</i>; this lesson's chart is "
                f"<i>{escape(INDICATORS[lesson.indicator].title)}</i>.</p>"
                f"<p><b>Finding.</b> {escape(lesson.finding)} "
                f"<i>{escape(lesson.citation)}</i></p>"
            ),
            classes=["cspsim-lesson-text"],
        )


@solara.component
def SetupCard(
    settings: dict[str, object],
    on_change: Callable[[dict[str, object]], None],
    with_mode: bool = False,
) -> None:
    """City and strategies of the session (readable names); the view too when asked."""
    cities = {city_name(c): c for c in CITIES}
    strategies = {strategy_name(s): s for s in strategy_names()}
    side = settings["mode"] == MODES[1]
    with solara.Card(margin=0, classes=["cspsim-setup"]):
        if with_mode:
            solara.ToggleButtonsSingle(
                value=str(settings["mode"]),
                values=list(MODES),
                on_value=lambda v: on_change({"mode": v}),
                dense=True,
                classes=["cspsim-mode"],
            )
        solara.Select(
            "City",
            value=city_name(str(settings["city"])),
            values=list(cities),
            on_value=lambda v: on_change({"city": cities[v]}),
            classes=["cspsim-city-select"],
        )
        solara.Select(
            "Strategy A" if side else "Strategy",
            value=strategy_name(str(settings["strategy"])),
            values=list(strategies),
            on_value=lambda v: on_change({"strategy": strategies[v]}),
            classes=["cspsim-strategy-select"],
        )
        solara.Select(
            "Strategy B" if side else "Compared with (same seed)",
            value=strategy_name(str(settings["strategy_b"])),
            values=list(strategies),
            on_value=lambda v: on_change({"strategy_b": strategies[v]}),
            classes=["cspsim-compare-select"],
        )


@solara.component
def LeversCard(
    pending: Levers,
    current: Levers,
    on_lever: Callable[[str, object], None],
    on_reset: Callable[[], None],
    side_by_side: bool,
) -> None:
    """One control per lever with its value in words; a "press Reset" state when changed."""
    values = pending.as_dict()
    todo = changes(current, pending)
    with solara.Card(margin=0, classes=["cspsim-levers"]):
        solara.HTML(tag="h3", unsafe_innerHTML="Levers", classes=["cspsim-h"])
        scope = "strategy A" if side_by_side else "the lesson's strategy"
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"Officers and seed apply to both runs; the others to {scope}. "
                "Changes apply on Reset."
            ),
            classes=["cspsim-small"],
        )
        if todo:
            with solara.Div(classes=["cspsim-notice", "cspsim-pending"]):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="<b>Preset changed — press Reset</b><br>"
                    + "<br>".join(escape(t) for t in todo),
                )
                solara.Button(
                    "Reset now", on_click=on_reset, color="warning", small=True,
                    classes=["cspsim-reset-now"],
                )  # fmt: skip
        for spec in LEVERS:
            v = values[spec.key]
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<b>{escape(spec.label)}:</b> {escape(spec.show(v))}",
                classes=["cspsim-lever-value", f"cspsim-lever-{spec.key}"],
            )
            if spec.kind == "choice":
                labels = (
                    {PATROL_LABELS[c]: c for c in spec.choices}
                    if spec.key == "patrol_mode"
                    else {c: c for c in spec.choices}
                )
                current_label = next((k for k, c in labels.items() if c == v), str(v))
                solara.Select(
                    spec.label,
                    value=current_label,
                    values=list(labels),
                    on_value=lambda lab, k=spec.key, m=labels: on_lever(k, m[lab]),
                    dense=True,
                )
            elif spec.kind == "int":
                solara.SliderInt(
                    "",
                    value=int(v),
                    min=int(spec.low),
                    max=int(spec.high),
                    step=int(spec.step),
                    on_value=lambda x, k=spec.key: on_lever(k, int(x)),
                    thumb_label=False,
                )
            else:
                solara.SliderFloat(
                    "",
                    value=float(v),
                    min=spec.low,
                    max=spec.high,
                    step=spec.step,
                    on_value=lambda x, k=spec.key: on_lever(k, round(float(x), 3)),
                    thumb_label=False,
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
    """Details of one place for the side panel (readable names)."""
    city = model.city
    values = layer_values(model)
    neighbours = model.world.adjacency[place].indices
    out = {
        "Place": place_names(city)[place],
        "Neighbourhood": neighbourhood_names(city)[int(city.neighbourhood[place])],
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
    orgs = [org_name(o.kind) for o in model.organizations if o.place == place]
    out["Organizations here"] = ", ".join(orgs) if orgs else "none"
    return out


@solara.component
def PlaceDetails(
    models: list[tuple[str, TrainerModel]],
    place: int,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """Table of a clicked place's details (one column per run; ``tick``: see KpiStrip)."""
    lock = solara.use_context(MODEL_LOCK)
    if place < 0 or place >= models[0][1].n_places:
        return
    with lock:
        cols = [(name, place_details(m, place)) for name, m in models]
    with solara.Card("Place details", margin=0, classes=["cspsim-details"]):
        keys = list(cols[0][1])
        head = "".join(f"<th>{escape(name)}</th>" for name, _ in cols) if len(cols) > 1 else ""
        body = "".join(
            f"<tr><td>{escape(k)}</td>"
            + "".join(f"<td><b>{escape(d[k])}</b></td>" for _, d in cols)
            + "</tr>"
            for k in keys
        )
        solara.HTML(tag="table", unsafe_innerHTML=f"<tr><th></th>{head}</tr>{body}")


@solara.component
def Charts(
    pair: SideBySideModel,
    lesson: Lesson,
    lay: Layout,
    side_by_side: bool,
    pause_days: tuple[int, ...] = (),
    tick: int = 0,  # noqa: ARG001
) -> None:
    """The lesson's indicator chart and the standard charts (both runs when side by side)."""
    marks = [(d, "pause") for d in pause_days]
    runs = [("A", rows(pair.a)), ("B", rows(pair.b))] if side_by_side else [("", rows(pair.a))]
    with solara.use_context(MODEL_LOCK):
        evs = events(pair)
        ind = indicator_svg(
            pair, lesson, lay.indicator_w, lay.indicator_h, lay.font, extra_events=marks
        )
        svgs = (
            {}
            if lay.presentation
            else chart_svgs(runs, lay.chart_w, lay.chart_h, evs, lay.font, event_legend=False)
        )
    shared = events_legend(evs, lay.charts - 20, lay.font)
    with solara.Div(classes=["cspsim-charts"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=ind,
            classes=["cspsim-chart", "cspsim-chart-indicator", "cspsim-indicator"],
        )
        if side_by_side:
            ComparisonTable(pair, short=lay.charts < 500, tick=tick)
        if lay.presentation:
            return
        if shared:
            solara.HTML(
                tag="div", unsafe_innerHTML=shared, classes=["cspsim-chart", "cspsim-events"]
            )
        with solara.Div(
            classes=["cspsim-chart-grid"],
            style={"grid-template-columns": f"repeat({lay.chart_cols}, 1fr)"},
        ):
            for key, svg in svgs.items():
                solara.HTML(
                    tag="div", unsafe_innerHTML=svg, classes=["cspsim-chart", f"cspsim-chart-{key}"]
                )


def comparison(a: TrainerModel, b: TrainerModel) -> list[tuple[str, str, str, str]]:
    """Totals so far for two runs and their difference (B minus A, in % where it helps)."""
    ra, rb = rows(a), rows(b)
    out = []
    for label, key, how in (
        ("True crimes", "crimes_true", "sum"),
        ("Recorded crimes", "crimes_recorded", "sum"),
        ("Victimizations reported", "reports", "sum"),
        ("Bad police contacts", "contacts_negative", "sum"),
        ("Arrests", "arrests", "sum"),
        ("Complaints", "complaints", "sum"),
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
def ComparisonTable(pair: SideBySideModel, short: bool = False, tick: int = 0) -> None:  # noqa: ARG001
    """Totals so far, A vs B: the difference only the strategy made (same seed).

    ``short``: column heads A and B only (the maps carry the strategies' names).
    """
    a, b = pair.a, pair.b
    name_a, name_b = strategy_name(a.cfg.strategy.name), strategy_name(b.cfg.strategy.name)
    if short:
        name_a, name_b = "", ""
    with solara.use_context(MODEL_LOCK):
        table = comparison(a, b)
    with solara.Card(margin=0, classes=["cspsim-compare-card"]):
        solara.HTML(
            tag="h3",
            unsafe_innerHTML="Same seed, same city: what only the strategy changed",
            classes=["cspsim-h"],
        )
        if not table:
            solara.Text("Press Step or Play.")
            return
        head = (
            f"<tr><th></th><th>A{': ' + escape(name_a) if name_a else ''}</th>"
            f"<th>B{': ' + escape(name_b) if name_b else ''}</th><th>B vs A</th></tr>"
        )
        body = "".join(
            f"<tr><td>{lab}</td><td>{x}</td><td>{y}</td><td><b>{d}</b></td></tr>"
            for lab, x, y, d in table
        )
        solara.HTML(tag="table", unsafe_innerHTML=head + body, classes=["cspsim-compare"])


@solara.component
def PauseCard(lesson: Lesson, day: int, on_continue: Callable[[], None]) -> None:
    """The pause point's question for the room, over the map."""
    pause = next((p for p in lesson.pauses if p.day == day), None)
    if pause is None:
        return
    with solara.Card(margin=0, classes=["cspsim-overlay", "cspsim-pause"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<div class='cspsim-overlay-kicker'>Day {pause.day} · question for the room"
                f"</div><div class='cspsim-question'>{escape(pause.question)}</div>"
            ),
        )
        solara.Button("Continue ▶", on_click=on_continue, color="primary",
                      classes=["cspsim-continue"])  # fmt: skip


@solara.component
def EndCard(
    pair: SideBySideModel,
    lesson: Lesson,
    layer: str,
    on_close: Callable[[], None],
    on_play_on: Callable[[], None],
) -> None:
    """The "what changed" card: day 0 against now, and against the comparison strategy."""
    a, b = pair.a, pair.b
    name_b = strategy_name(b.cfg.strategy.name)
    with solara.use_context(MODEL_LOCK):
        table = what_changed(pair, lesson)
        saw = INDICATORS[lesson.indicator].summary(pair)
    head = (
        "<tr><th></th><th>day 0 / before</th><th>now</th><th>change</th>"
        f"<th>{escape(name_b)}</th><th>vs it</th></tr>"
    )
    body = "".join(
        f"<tr data-row='{r.key}'><td>{escape(r.label)}</td>"
        + "".join(f"<td>{escape(c)}</td>" for c in r.cells)
        + "</tr>"
        for r in table
    )
    changed = pair.preset_changes()
    note = (
        "<p class='cspsim-variant'>Changed from the lesson's preset: "
        + escape("; ".join(changed))
        + ".</p>"
        if changed
        else ""
    )
    with solara.Card(margin=0, classes=["cspsim-overlay", "cspsim-end"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<div class='cspsim-overlay-kicker'>Day {a.days_run} · what changed</div>"
                + "".join(f"<p class='cspsim-saw'>{escape(s)}</p>" for s in saw)
                + note
                + f"<table class='cspsim-end-table'>{head}{body}</table>"
                + f"<p class='cspsim-small'><b>Finding.</b> {escape(lesson.finding)} "
                f"<i>{escape(lesson.citation)}</i></p>"
            ),
        )
        with solara.Row(style={"gap": "8px", "flex-wrap": "wrap"}):
            solara.FileDownload(
                lambda: handout_html(pair, lesson, layer),
                filename=f"cspsim-{lesson.name}-day{a.days_run}.html",
                label="Handout",
                mime_type="text/html",
            )
            solara.Button("Play on", on_click=on_play_on, text=True, classes=["cspsim-play-on"])
            solara.Button("Close", on_click=on_close, text=True, classes=["cspsim-close"])


def lesson_titles() -> dict[str, str]:
    """Lesson picker labels -> lesson names."""
    return {lsn.title: lsn.name for lsn in LESSONS}


def cities_by_label() -> dict[str, str]:
    """City picker labels -> city config names."""
    return {CITY_NAMES.get(c, c): c for c in CITIES}


def lesson_of(name: str) -> Lesson:
    """The lesson called ``name`` (for callers that hold names)."""
    return get_lesson(name)
