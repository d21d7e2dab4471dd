"""The trainer app: a Mesa model in a Solara page with the city map, charts and lessons.

``solara run cspsim.viz.app`` (or ``cspsim-viz``) serves :func:`Page`. Every browser
session renders its own ``Page`` and so builds its own model: nothing here is created at
module level.

The page follows Mesa's visualization protocol (a ``mesa.Model`` stepped by Step and Play,
rebuilt on Reset from the keyword values of its controls, the dashboard re-rendered through
Mesa's ``update_counter``), with its own controls instead of SolaraViz's sidebar: a lesson
has to stop by itself at its pause points and its last day, and a trainer needs a plain
speed (slow, normal, fast), not Mesa's play and render intervals. The page is laid out for
the browser's viewport (:mod:`cspsim.viz.layout`); Space, → and R play, step and reset
from the keyboard, P toggles presentation mode.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from cspsim.viz.handout import handout_html
from cspsim.viz.layout import Layout as Sizes
from cspsim.viz.layout import layout
from cspsim.viz.lessons import DEFAULT_LESSON, LESSONS, Lesson, get_lesson
from cspsim.viz.levers import Levers
from cspsim.viz.mapview import MODEL_LOCK, CityMap, marked_places
from cspsim.viz.models import SideBySideModel, fresh_pair
from cspsim.viz.names import strategy_name
from cspsim.viz.panels import (
    MODES,
    Charts,
    EndCard,
    KpiStrip,
    LayerPicker,
    LessonCard,
    LeversCard,
    PauseCard,
    PlaceDetails,
    SetupCard,
)
from cspsim.viz.style import CSS

#: Play speeds: label -> (seconds per frame at least, days per frame).
SPEEDS: dict[str, tuple[float, int]] = {
    "Slow": (0.6, 1),
    "Normal": (0.15, 1),
    "Fast": (0.0, 7),
}
#: Speed the page starts at.
DEFAULT_SPEED = "Normal"
#: Viewport assumed until the browser reports its own.
DEFAULT_VIEWPORT = (1920, 1080)


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


def build(settings: dict[str, object], levers: Levers | None = None) -> SideBySideModel:
    """A fresh lesson run and its comparison for the page's setup (and levers)."""
    s = {k: str(v) for k, v in settings.items()}
    kwargs = levers.as_dict() if levers is not None else {}
    return fresh_pair(
        lesson=s["lesson"],
        city=s["city"],
        strategy_a=s["strategy"],
        strategy_b=s["strategy_b"],
        **kwargs,
    )


def stop_reason(pair: SideBySideModel, lesson: Lesson, seen: set[str]) -> str:
    """Why playing stops after the day just run: ``pause:<day>``, ``end`` or ``""``."""
    day = pair.day
    for p in lesson.pauses:
        if p.day == day and f"pause:{day}" not in seen:
            return f"pause:{day}"
    if day == lesson.days and "end" not in seen:
        return "end"
    return ""


def advance(pair: SideBySideModel, lesson: Lesson, seen: set[str], days: int) -> str:
    """Step up to ``days`` days; stop early at a pause point or the lesson's end."""
    for _ in range(days):
        if not pair.running:
            return ""
        pair.step()
        reason = stop_reason(pair, lesson, seen)
        if reason:
            seen.add(reason)
            return reason
    return ""


@solara.component_vue("client.vue", vuetify=True)
def Client(
    title: str = "",
    filename: str = "cspsim.png",
    large: bool = False,
    label: str = "PNG",
    event_viewport: Callable[[dict], None] | None = None,
    event_key: Callable[[str], None] | None = None,
) -> None:
    """Browser side: reports the viewport, listens to keys, exports the PNG picture."""


@solara.component
def ModeToggle(settings: dict[str, object], on_change: Callable[[dict[str, object]], None]) -> None:
    """Lesson view or side by side."""
    solara.ToggleButtonsSingle(
        value=str(settings["mode"]),
        values=list(MODES),
        on_value=lambda v: on_change({"mode": v}),
        dense=True,
        classes=["cspsim-mode"],
    )


@solara.component
def DayCounter(pair: SideBySideModel, lesson: Lesson) -> None:
    """The day counter with a progress bar (re-rendered after every step)."""
    update_counter.get()
    day = pair.day
    share = min(day / max(lesson.days, 1), 1.0)
    total = f"of {lesson.days}" if day <= lesson.days else f"· played on past day {lesson.days}"
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<span class="cspsim-day">Day {day}</span>'
            f'<span class="cspsim-day-total"> {total}</span>'
            f'<div class="cspsim-progress"><div style="width:{100 * share:.1f}%"></div></div>'
        ),
        classes=["cspsim-daybox"],
    )


@solara.component
def TopBar(
    settings: dict[str, object],
    on_change: Callable[[dict[str, object]], None],
    pair: SideBySideModel,
    lesson: Lesson,
    lay: Sizes,
    playing: bool,
    pending_changed: bool,
    speed: solara.Reactive[str],
    actions: dict[str, Callable[[], None]],
    on_key: Callable[[str], None],
    on_viewport: Callable[[dict], None],
    show_card: bool,
    layer: str,
) -> None:
    """One row: lesson and mode, Reset / Play / Step, speed, day, presentation, export."""
    titles = {lsn.title: lsn.name for lsn in LESSONS}
    with solara.Div(classes=["cspsim-topbar"]):
        if lay.width >= 1500 and not lay.presentation:
            solara.HTML(tag="div", unsafe_innerHTML="cspsim trainer", classes=["cspsim-brand"])
        if lay.presentation:
            if lay.width >= 1600:
                solara.HTML(tag="div", unsafe_innerHTML=lesson.title, classes=["cspsim-brand"])
        else:
            solara.Select(
                "Lesson",
                value=lesson.title,
                values=list(titles),
                on_value=lambda t: on_change({"lesson": titles[t]}),
                classes=["cspsim-lesson-select"],
            )
            if lay.width >= 1600:
                ModeToggle(settings, on_change)
        with solara.Div(classes=["cspsim-controls"]):
            solara.Button(
                "Reset",
                icon_name="mdi-restart",
                on_click=actions["reset"],
                color="warning" if pending_changed else None,
                outlined=not pending_changed,
                classes=["cspsim-reset"] + (["cspsim-reset-needed"] if pending_changed else []),
                attributes={"title": "Rebuild the run with the levers (R)"},
            )
            solara.Button(
                "❚❚ Pause" if playing else "▶ Play",
                on_click=actions["play"],
                color="primary",
                disabled=not pair.running,
                classes=["cspsim-play"],
                attributes={"title": "Play or pause (Space)"},
            )
            solara.Button(
                "Step",
                icon_name="mdi-step-forward",
                on_click=actions["step"],
                outlined=True,
                disabled=playing or not pair.running,
                classes=["cspsim-step"],
                attributes={"title": "One day (→)"},
            )
            solara.ToggleButtonsSingle(
                value=speed.value,
                values=list(SPEEDS),
                on_value=speed.set,
                dense=True,
                classes=["cspsim-speed"],
            )
        DayCounter(pair, lesson)
        if pending_changed:
            solara.HTML(
                tag="div",
                unsafe_innerHTML="Preset changed — press Reset",
                classes=["cspsim-chip", "cspsim-pending-chip"],
            )
        with solara.Div(classes=["cspsim-tools"]):
            if show_card:
                solara.Button(
                    "What changed", on_click=actions["card"], text=True,
                    classes=["cspsim-show-card"],
                )  # fmt: skip
            compact = lay.width < 1600
            solara.Button(
                None if compact else ("Exit presentation" if lay.presentation else "Present"),
                icon_name="mdi-projector-screen",
                on_click=actions["presentation"],
                text=True,
                classes=["cspsim-present-toggle"],
                attributes={"title": "Presentation mode: big fonts, big map (P)"},
            )
            Client(
                title=f"{lesson.title} · day {pair.day}",
                filename=f"cspsim-{lesson.name}-day{pair.day}.png",
                large=lay.presentation,
                label="" if compact else "PNG",
                event_viewport=on_viewport,
                event_key=on_key,
            )
            with solara.FileDownload(
                lambda: handout_html(pair, lesson, layer),
                filename=f"cspsim-{lesson.name}-day{pair.day}.html",
                mime_type="text/html",
            ):
                solara.Button(
                    None if compact else "Handout",
                    icon_name="mdi-file-document-outline",
                    text=True,
                    classes=["cspsim-handout"],
                    attributes={"title": "One-page handout of the lesson (HTML)"},
                )
            solara.lab.ThemeToggle(enable_auto=False)


@solara.component
def MapColumn(
    pair: SideBySideModel,
    lesson: Lesson,
    lay: Sizes,
    layer: solara.Reactive[str],
    picked: solara.Reactive[int],
    side_by_side: bool,
    dark: bool,
    stop: str,
    actions: dict[str, Callable[[], None]],
) -> None:
    """Layer picker, the map (or two), the pause or end card over them, place details."""
    tick = update_counter.get()
    with solara.use_context(MODEL_LOCK):
        outlines = marked_places(pair, lesson.marks)
    with solara.Div(classes=["cspsim-mapcol"]):
        if not lay.presentation:
            LayerPicker(layer.value, layer.set)
        with solara.Div(classes=["cspsim-maps"]):
            if lay.presentation:  # over the map: the map gets the screen's height
                with solara.Div(classes=["cspsim-layers-overlay"]):
                    LayerPicker(layer.value, layer.set)
            runs = [("A", pair.a), ("B", pair.b)] if side_by_side else [("", pair.a)]
            for tag, m in runs:
                with solara.Div(classes=["cspsim-map"] + ([f"cspsim-map-{tag}"] if tag else [])):
                    if tag:
                        solara.HTML(
                            tag="div",
                            unsafe_innerHTML=f"{tag}: {strategy_name(m.cfg.strategy.name)}",
                            classes=["cspsim-map-title"],
                        )
                    CityMap(
                        m,
                        layer.value,
                        picked.value,
                        picked.set,
                        width=lay.map_w,
                        height=lay.map_h - (28 if tag else 0),
                        outlines=outlines,
                        font=lay.font,
                        dark=dark,
                        tick=tick,
                    )
            if stop.startswith("pause:"):  # over the map, below the layer buttons
                PauseCard(lesson, int(stop.split(":")[1]), actions["continue"])
        if stop == "end":  # over the whole column (its table needs the room); Close hides it
            EndCard(pair, lesson, layer.value, actions["close"], actions["play_on"])
        if not lay.presentation:
            PlaceDetails(
                [("A", pair.a), ("B", pair.b)] if side_by_side else [("", pair.a)],
                picked.value,
                tick=tick,
            )


@solara.component
def ChartsColumn(pair: SideBySideModel, lesson: Lesson, lay: Sizes, side_by_side: bool) -> None:
    """KPIs (or the A vs B table) and the charts, the lesson's indicator first."""
    tick = update_counter.get()
    passed = tuple(p.day for p in lesson.pauses if p.day <= pair.day)
    with solara.Div(classes=["cspsim-chartcol"]):
        if lay.presentation and lay.width < 1600:  # not in the top bar: no room there
            solara.HTML(tag="div", unsafe_innerHTML=lesson.title, classes=["cspsim-brand"])
        if not side_by_side:
            KpiStrip(pair.a, cols=lay.kpi_cols, tick=tick)
        Charts(pair, lesson, lay, side_by_side, passed, tick=tick)


@solara.component
def Session(
    settings: dict[str, object],
    on_change: Callable[[dict[str, object]], None],
    viewport: tuple[int, int],
    on_viewport: Callable[[dict], None],
    presentation: solara.Reactive[bool],
    speed: solara.Reactive[str],
) -> None:
    """One setup's model, its controls and dashboard.

    The page mounts a new ``Session`` (a new key) whenever the setup changes, so the
    model, the levers and the play state always belong to the same setup. The view (the
    lesson or side by side) is not part of the setup: switching it keeps the run. An
    unmounted session's play loop ends at its next frame.
    """
    lesson = get_lesson(str(settings["lesson"]))
    first = solara.use_memo(lambda: build(settings), [])
    pair = solara.use_reactive(first)
    pending = solara.use_reactive(first.levers)
    playing = solara.use_reactive(False)
    stop = solara.use_reactive("")
    layer = solara.use_reactive(lesson.layer)
    picked = solara.use_reactive(-1)
    seen = solara.use_memo(set, [])
    lock = solara.use_memo(threading.RLock, [])
    generation = solara.use_memo(lambda: [0], [])
    dark = solara.lab.use_dark_effective()
    MODEL_LOCK.provide(lock)
    side_by_side = settings["mode"] == MODES[1]
    lay = layout(viewport[0], viewport[1], presentation.value, side_by_side)

    def loop() -> None:
        generation[0] += 1
        mine = generation[0]
        while playing.value and generation[0] == mine:
            started = time.perf_counter()
            interval, per_frame = SPEEDS.get(speed.value, SPEEDS[DEFAULT_SPEED])
            with lock:
                reason = advance(pair.value, lesson, seen, per_frame)
            force_update()  # the day on screen first, then the pause or end card
            if reason or not pair.value.running:
                playing.value = False
                stop.value = reason
            rest = interval - (time.perf_counter() - started)
            if rest > 0 and playing.value:
                time.sleep(rest)

    solara.lab.use_task(loop, dependencies=[playing.value], prefer_threaded=True)

    def end_loop_on_unmount() -> Callable[[], None]:
        def cleanup() -> None:
            generation[0] += 1  # a playing loop sees another generation and returns

        return cleanup

    solara.use_effect(end_loop_on_unmount, [])

    def step_once() -> None:
        if playing.value:
            return
        with lock:
            reason = advance(pair.value, lesson, seen, 1)
        force_update()
        stop.value = reason

    def toggle_play() -> None:
        if playing.value:
            playing.value = False
        elif pair.value.running:
            stop.value = ""
            playing.value = True

    def reset() -> None:
        playing.value = False
        with lock:
            # The preset's levers: the cached copy of the setup's first build (a copy, not
            # a second 1-2 s build with the same levers under another cache key).
            levers = None if pending.value == first.levers else pending.value
            pair.value = build(settings, levers)
            seen.clear()
        stop.value = ""
        picked.value = -1
        force_update()

    def close() -> None:
        if stop.value:
            stop.value = ""
        elif presentation.value:
            presentation.value = False

    def play_on() -> None:
        stop.value = ""
        playing.value = True

    actions = {
        "reset": reset,
        "play": toggle_play,
        "step": step_once,
        "continue": play_on,
        "play_on": play_on,
        "close": close,
        "card": lambda: stop.set("end"),
        "presentation": lambda: presentation.set(not presentation.value),
    }

    def on_key(action: str) -> None:
        fn = actions.get(action)
        if fn is not None:
            fn()

    def on_lever(key: str, value: object) -> None:
        pending.value = replace(pending.value, **{key: value})

    changed = pending.value != pair.value.levers
    root = ["cspsim-page"] + (["cspsim-present"] if lay.presentation else [])
    root += ["cspsim-stacked"] if lay.stacked else []
    root += ["cspsim-narrow"] if lay.width < 1600 and not lay.presentation else []
    # what the page shows, for tests: the viewport it is laid out for, lesson, city and view
    root.append(f"cspsim-vp-{viewport[0]}x{viewport[1]}")
    root += [f"cspsim-on-{lesson.name}", f"cspsim-city-{settings['city']}"]
    root.append("cspsim-view-side" if side_by_side else "cspsim-view-lesson")
    with solara.Div(classes=root, style={"--cspsim-text": f"{lay.text}px"}):
        TopBar(
            settings,
            on_change,
            pair.value,
            lesson,
            lay,
            playing.value,
            changed,
            speed,
            actions,
            on_key,
            on_viewport,
            "end" in seen and stop.value != "end",
            layer.value,
        )
        with solara.Div(
            classes=["cspsim-main", "cspsim-dashboard"],
            style={"grid-template-columns": lay.grid_columns},
        ):
            if lay.side:
                with solara.Div(classes=["cspsim-side"]):
                    LessonCard(lesson, pair.value, pair.value.day)
                    SetupCard(settings, on_change, with_mode=lay.width < 1600)
                    LeversCard(pending.value, pair.value.levers, on_lever, reset, side_by_side)
            MapColumn(
                pair.value, lesson, lay, layer, picked, side_by_side, dark, stop.value, actions
            )
            ChartsColumn(pair.value, lesson, lay, side_by_side)


@solara.component
def Page() -> None:
    """One browser session: its own setup, model, viewport, speed and presentation mode."""
    settings = solara.use_reactive(initial_settings())
    viewport = solara.use_reactive(DEFAULT_VIEWPORT)
    presentation = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)

    def change(update: dict[str, object]) -> None:
        new = {**settings.value, **update}
        if "lesson" in update:
            # another lesson: its preset, in the same view (and on a city the trainer chose)
            old = settings.value
            chosen = old["city"] != get_lesson(str(old["lesson"])).city
            new = {**initial_settings(str(update["lesson"])), "mode": new["mode"]}
            if chosen:
                new["city"] = old["city"]
        if new != settings.value:
            settings.set(new)

    def on_viewport(size: dict) -> None:
        new = (int(size.get("width", 0)), int(size.get("height", 0)))
        if new != viewport.value and new[0] > 0:
            viewport.set(new)

    solara.Title("cspsim trainer")
    solara.Style(CSS)
    setup = sorted((k, v) for k, v in settings.value.items() if k != "mode")
    Session(settings.value, change, viewport.value, on_viewport, presentation, speed).key(
        f"session-{setup}"
    )


@solara.component
def Layout(children: list | None = None) -> None:  # noqa: D417
    """The page without Solara's app bar and side drawer (the page has its own)."""
    solara.Column(children=children or [], style={"padding": "0", "margin": "0"}, gap="0")
