"""The trainer app: Mesa's SolaraViz with the city map, live charts and lessons.

``solara run cspsim.viz.app`` (or ``cspsim-viz``) serves :func:`Page`. Every browser session
renders its own ``Page`` and so builds its own model: nothing here is created at module
level. SolaraViz supplies Step, Play and Reset and the lever controls (applied on Reset);
the lesson card above the map rebuilds the model at once when the lesson, mode, city or
strategy changes.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from cspsim.viz.lessons import DEFAULT_LESSON, get_lesson
from cspsim.viz.levers import base_config, default_levers, model_params
from cspsim.viz.mapview import CityMap
from cspsim.viz.models import SideBySideModel, TrainerModel
from cspsim.viz.panels import (
    MODES,
    Charts,
    ComparisonTable,
    KpiStrip,
    LayerPicker,
    LessonCard,
    PlaceDetails,
)

#: Milliseconds between days while playing (SolaraViz's Play interval slider starts here).
PLAY_INTERVAL_MS = 100


def initial_settings(lesson: str = DEFAULT_LESSON) -> dict[str, object]:
    """The page's setup for a lesson: mode, lesson, city and the two strategies."""
    spec = get_lesson(lesson)
    return {
        "mode": MODES[0],
        "lesson": lesson,
        "city": spec.city,
        "strategy": spec.strategy,
        "strategy_b": spec.compare,
    }


def build(settings: dict[str, object]) -> TrainerModel | SideBySideModel:
    """A fresh model for the page's setup (lesson mode or side by side)."""
    s = {k: str(v) for k, v in settings.items()}
    if s["mode"] == MODES[0]:
        return TrainerModel(lesson=s["lesson"], city=s["city"], strategy=s["strategy"])
    return SideBySideModel(
        lesson=s["lesson"], city=s["city"], strategy_a=s["strategy"], strategy_b=s["strategy_b"]
    )


def viz_params(settings: dict[str, object]) -> dict[str, object]:
    """SolaraViz ``model_params`` for the setup: fixed choices plus the lever controls."""
    s = {k: str(v) for k, v in settings.items()}
    if s["mode"] == MODES[0]:
        cfg = base_config(get_lesson(s["lesson"]), s["city"], s["strategy"])
        fixed = {"lesson": s["lesson"], "city": s["city"], "strategy": s["strategy"]}
        return model_params(default_levers(cfg), fixed)
    seed = {"type": "SliderInt", "label": "Seed", "value": 0, "min": 0, "max": 99, "step": 1}
    return {
        "lesson": s["lesson"],
        "city": s["city"],
        "strategy_a": s["strategy"],
        "strategy_b": s["strategy_b"],
        "seed": seed,
    }


@solara.component
def Dashboard(
    model: TrainerModel | SideBySideModel,
    layer: str,
    on_layer,
    picked: int,
    on_pick,
) -> None:
    """Map(s), KPIs, details and charts; re-rendered after every step."""
    tick = update_counter.get()  # SolaraViz bumps this after each step
    if isinstance(model, SideBySideModel):
        a, b = model.a, model.b
        name_a, name_b = a.cfg.strategy.name, b.cfg.strategy.name
        KpiStrip(a, title=f"A: {name_a}", tick=tick)
        KpiStrip(b, title=f"B: {name_b}", tick=tick)
        LayerPicker(layer, on_layer)
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
            for tag, m in (("A", a), ("B", b)):
                with solara.Column(gap="2px", classes=[f"cspsim-map-{tag}"]):
                    solara.Text(f"{tag}: {m.cfg.strategy.name}", style={"font-weight": "bold"})
                    CityMap(m, layer, picked, on_pick, width=460, tick=tick)
            with solara.Column(style={"min-width": "320px"}):
                ComparisonTable(a, b, name_a, name_b, tick=tick)
                PlaceDetails([(f"A: {name_a}", a), (f"B: {name_b}", b)], picked, tick=tick)
        Charts([("A", a), ("B", b)], width=440, tick=tick)
        return
    KpiStrip(model, tick=tick)
    LayerPicker(layer, on_layer)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "12px", "align-items": "flex-start"}):
        with solara.Column(gap="4px", classes=["cspsim-map"]):
            CityMap(model, layer, picked, on_pick, width=560, tick=tick)
            PlaceDetails([("", model)], picked, tick=tick)
        with solara.Column(style={"width": "410px"}):
            Charts([("", model)], width=400, tick=tick)


@solara.component
def Session(settings: dict[str, object], layer: str, on_layer, picked: int, on_pick) -> None:
    """The model of one setup with its SolaraViz controls and dashboard.

    The page mounts a new ``Session`` (a new key) whenever the setup changes, so the model,
    the lever controls and the Step/Play/Reset state always belong to the same setup.
    """
    first = solara.use_memo(lambda: build(settings), [])
    model = solara.use_reactive(first)
    params = solara.use_memo(lambda: viz_params(settings), [])
    lesson = get_lesson(str(settings["lesson"]))
    SolaraViz(
        model,
        components=[],
        model_params=params,
        name=f"cspsim trainer · {lesson.title}",
        play_interval=PLAY_INTERVAL_MS,
    )
    Dashboard(model.value, layer, on_layer, picked, on_pick)


@solara.component
def Page() -> None:
    """One browser session: its own setup, model, layer and pinned place."""
    settings = solara.use_reactive(initial_settings())
    layer = solara.use_reactive(get_lesson(DEFAULT_LESSON).layer)
    picked = solara.use_reactive(-1)

    def change(update: dict[str, object]) -> None:
        new = {**settings.value, **update}
        if "lesson" in update:
            new = {**initial_settings(str(update["lesson"])), "mode": new["mode"]}
            layer.set(get_lesson(str(update["lesson"])).layer)
        if new != settings.value:
            picked.set(-1)
            settings.set(new)

    solara.Title("cspsim trainer")
    with solara.Column(style={"padding": "4px 8px"}):
        LessonCard(settings.value, change)
        Session(settings.value, layer.value, layer.set, picked.value, picked.set).key(
            f"session-{sorted(settings.value.items())}"
        )
