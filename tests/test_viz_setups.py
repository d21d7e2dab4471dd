"""The trainer app off its lessons' presets: other strategies, levers at their ends, views.

Each test reproduces something a probe of every lever at its ends found wrong: "nan" on the
hot-spot lesson's card when strategy A had no hot spots, the comparison named "random patrol"
whatever it was, no notice when a strategy was changed, a program organization without a
place, a card row whose "before" equalled its "now", the lesson's chart squeezed to a strip
on short screens, a flat line's axis reading "69k" twice, a play loop that went on stepping
a run nobody saw, and the view switch that threw the run away.
"""

from __future__ import annotations

import re
import time

import ipywidgets
import numpy as np
import pytest
import solara

import cspsim.viz.app as app
from cspsim.api import make_config
from cspsim.model import CommunitySafetyModel
from cspsim.viz.card import what_changed
from cspsim.viz.charts import Series, line_chart
from cspsim.viz.handout import handout_html
from cspsim.viz.indicators import INDICATORS
from cspsim.viz.layout import INDICATOR_MIN_H, layout
from cspsim.viz.lessons import get_lesson
from cspsim.viz.mapview import marked_places
from cspsim.viz.models import SideBySideModel
from cspsim.viz.names import city_name, strategy_name

NAN = re.compile(r"(?<![A-Za-z])nan(?![A-Za-z])", re.IGNORECASE)


def run(pair: SideBySideModel, days: int) -> SideBySideModel:
    for _ in range(days):
        pair.step()
    return pair


def test_hot_spot_lesson_without_hot_spots_compares_the_places_a_patrol_would_treat() -> None:
    lesson = get_lesson("hot_spot")
    pair = run(SideBySideModel(lesson="hot_spot", city="columbus", patrol_mode="random"), 20)
    assert len(pair.a.hot_spots) == 0
    hot, ring = pair.zones()
    assert len(hot) > 0 and len(ring) > 0 and np.array_equal(hot, pair.top_places)
    saw = " ".join(INDICATORS["zones"].summary(pair))
    assert not NAN.search(saw), saw
    assert f"{len(hot)} places a hot-spot patrol would treat" in saw
    cells = {r.key: r.cells for r in what_changed(pair, lesson)}
    assert cells["zone_hot"][1] != "0" and float(cells["zone_hot"][1]) > 0
    assert not NAN.search(handout_html(pair, lesson))
    assert {kind for _, kind in marked_places(pair, lesson.marks)} >= {"hot"}
    # A's own hot spots are what "still hot spots" counts: none here, so no count
    assert all(np.isnan(pair.hot_kept))


def test_hot_spot_lesson_names_the_comparison_it_ran() -> None:
    pair = run(
        SideBySideModel(lesson="hot_spot", city="columbus", strategy_b="community_policing"), 5
    )
    saw = " ".join(INDICATORS["zones"].summary(pair))
    assert "vs community policing" in saw and "random patrol" not in saw
    assert "random patrol" not in INDICATORS["zones"].title


def test_a_changed_strategy_city_or_lever_is_named_as_off_the_preset() -> None:
    preset = SideBySideModel(lesson="hot_spot", city="columbus")
    assert preset.preset_changes() == [f"City: {city_name('sf2012')} → {city_name('columbus')}"]
    changed = SideBySideModel(
        lesson="hot_spot",
        city="sf2012",
        strategy_a="reactive",
        strategy_b="zero_tolerance",
        officers_pct=80,
    )
    got = changed.preset_changes()
    assert got[0] == f"Strategy: {strategy_name('hotspot')} → {strategy_name('reactive')}"
    assert got[1] == (
        f"Compared with: {strategy_name('reactive')} → {strategy_name('zero_tolerance')}"
    )
    assert got[2].startswith("Officers:") and len(got) == 3
    html = handout_html(changed, get_lesson("hot_spot"))
    assert "Changed from the lesson&#x27;s preset" in html or "Changed from the lesson's" in html
    assert "Strategy: Hot-spot patrol → Reactive policing" in html


def test_a_program_budget_that_buys_no_place_opens_no_organization() -> None:
    def orgs(share: float) -> list:
        cfg = make_config(
            city="columbus",
            strategy="root_causes",
            days=3,
            overrides=["sim.burn_in_days=0", f"strategy.programs.youth_jobs_share={share}",
                       "strategy.programs.job_training_share=0"],
        )  # fmt: skip
        m = CommunitySafetyModel(cfg)
        m.run(2)
        return m.component("programs").organizations

    assert orgs(1e-6) == []  # before: one organization with 0 places, a partner for nothing
    assert orgs(0.05) and all(o.capacity > 0 for o in orgs(0.05))
    pair = run(SideBySideModel(lesson="root_causes", city="columbus", program_share=0.001), 3)
    assert not pair.a.organizations
    assert "no program places" in " ".join(INDICATORS["cohort"].summary(pair))


def test_the_good_contacts_row_has_no_before_and_its_now_is_the_share_so_far() -> None:
    pair = run(SideBySideModel(lesson="bad_contact", city="columbus"), 15)
    row = next(
        r for r in what_changed(pair, get_lesson("bad_contact")) if r.key == "contacts_good_share"
    )
    ts = pair.a.recorder.timeseries()
    good, bad = ts["contacts_positive"].sum(), ts["contacts_negative"].sum()
    assert row.cells[0] == "–" and row.cells[1] == f"{100 * good / (good + bad):.1f}%"


@pytest.mark.parametrize("width", [1280, 1600, 1920, 2560])
@pytest.mark.parametrize("height", [600, 720, 789, 900, 937, 1080, 1440])
@pytest.mark.parametrize("presentation", [False, True])
def test_the_lessons_chart_keeps_a_readable_height(
    width: int, height: int, presentation: bool
) -> None:
    assert layout(width, height, presentation).indicator_h >= INDICATOR_MIN_H


def test_a_flat_line_has_two_different_axis_labels() -> None:
    svg = line_chart("budget", [Series("spent", "#000", np.array([69_000.0]))])
    labels = re.findall(r'text-anchor="end">([^<]*)<', svg)[:2]
    assert len(labels) == 2 and labels[0] != labels[1], labels


# ----- the page, headless ----------------------------------------------------------------
def _walk(widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    out = [widget]
    for child in getattr(widget, "children", None) or []:
        if isinstance(child, ipywidgets.Widget):
            out += _walk(child)
    return out


def _find(box: ipywidgets.Widget, klass: str) -> ipywidgets.Widget:
    for w in _walk(box):
        attributes = getattr(w, "attributes", None) or {}
        own = f"{getattr(w, 'class_', '') or ''} {attributes.get('class', '')}"
        if klass in own.split():
            return w
    raise LookupError(klass)


def _wait(check, timeout: float = 30.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_a_new_setup_stops_the_old_play_loop_and_the_view_switch_keeps_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[SideBySideModel] = []
    asked: list[dict] = []
    original = app.fresh_pair

    def recording(**kwargs: object) -> SideBySideModel:
        asked.append(kwargs)
        built.append(original(**kwargs))
        return built[-1]

    monkeypatch.setattr(app, "fresh_pair", recording)
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        _find(box, "cspsim-city-select").v_model = city_name("columbus")
        _wait(lambda: len(built) == 2)
        columbus = built[-1]
        _find(box, "cspsim-step").fire_event("click", {})
        _find(box, "cspsim-step").fire_event("click", {})
        _wait(lambda: columbus.day == 2)
        # the view is not the setup: switching it keeps this run and its day
        _find(box, "cspsim-mode").children[1].fire_event("click", {})
        time.sleep(0.3)
        assert len(built) == 2 and columbus.day == 2
        # Reset with the preset's levers asks for the setup's cached first build (a copy)
        _find(box, "cspsim-reset").fire_event("click", {})
        _wait(lambda: len(built) == 3)
        assert asked[-1] == asked[1] and built[-1].day == 0
        columbus = built[-1]
        # play, then change the lesson: the old run stops within a frame
        _find(box, "cspsim-play").fire_event("click", {})
        _wait(lambda: columbus.day > 3)
        _find(box, "cspsim-lesson-select").v_model = get_lesson("bad_contact").title
        _wait(lambda: len(built) == 4)
        time.sleep(0.5)
        stopped_at = columbus.day
        time.sleep(1.0)
        assert columbus.day == stopped_at
    finally:
        rc.close()


def test_a_long_run_does_not_draw_a_meeting_tick_per_day() -> None:
    events = [(d, "meeting") for d in range(3650)]
    values = np.linspace(0.0, 1.0, 3650)
    svg = line_chart("trust", [Series("trust", "#000", values)], width=420, events=events)
    ticks = svg.count("ev-meeting")
    assert 0 < ticks <= 420 and len(svg) < 80_000, (ticks, len(svg))


@pytest.mark.parametrize(
    ("lever", "value", "message"),
    [("officers_pct", 0, "officers_pct: expected 50 to 125"), ("seed", -1, "seed: expected")],
)
def test_levers_out_of_the_sliders_range_are_refused_by_name(
    lever: str, value: int, message: str
) -> None:
    """Code could pass 0 officers (run at the full baseline, labelled 0%) or seed -1."""
    with pytest.raises(ValueError, match=message):
        SideBySideModel(lesson="hot_spot", city="columbus", **{lever: value})
