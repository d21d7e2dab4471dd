"""The trainer app's parts that need no browser: CLI, names, levers, layout, charts, map.

Also: the page renders headless, the trainer model steps exactly like the model, the
handout is one self-contained HTML page, colour scales never saturate at watched places.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import file_city_overrides, gis_city_overrides, tiny_config

from cspsim.api import make_config
from cspsim.city import gis as gis_module
from cspsim.city import load_city
from cspsim.city.files import PLACE_NAME
from cspsim.errors import CityDataError
from cspsim.model import CommunitySafetyModel
from cspsim.viz.app import SPEEDS, advance, initial_settings, stop_reason
from cspsim.viz.card import change, show, what_changed
from cspsim.viz.charts import (
    Series,
    chart_svgs,
    line_chart,
    rolling_mean,
    rolling_ratio,
    text_width,
    wrap,
)
from cspsim.viz.cli import command, parse_args, server_env
from cspsim.viz.geometry import geometry, is_lonlat
from cspsim.viz.handout import handout_html
from cspsim.viz.indicators import INDICATORS, indicator_svg
from cspsim.viz.layers import LAYERS, colours, layer_range, layer_values, nice_ceil, saturated
from cspsim.viz.layout import layout
from cspsim.viz.lessons import LESSONS, get_lesson
from cspsim.viz.levers import (
    LEVERS,
    Levers,
    apply_levers,
    base_config,
    changes,
    city_for,
    city_key,
    describe,
)
from cspsim.viz.mapview import legend_svg, map_props, marked_places, place_titles
from cspsim.viz.models import SideBySideModel, TrainerModel, top_share
from cspsim.viz.names import neighbourhood_names, place_names, strategy_name


@pytest.fixture(scope="module")
def pair() -> SideBySideModel:
    p = SideBySideModel(lesson="hot_spot")
    for _ in range(5):
        p.step()
    return p


# ----- command line ---------------------------------------------------------------------
def test_cli_defaults_to_localhost_keeps_caches_out_of_home_and_hides_the_badge() -> None:
    args = parse_args([])
    assert args.host == "127.0.0.1" and args.port == 8765
    cmd = command(parse_args(["--port", "9001"]))
    assert cmd[2:5] == ["solara", "run", "cspsim.viz.app"]
    assert "--production" in cmd and cmd[cmd.index("--port") + 1] == "9001"
    env = server_env({"HOME": "/home/x"})
    for var in ("SOLARA_HOME", "MPLCONFIGDIR", "IPYTHONDIR"):
        assert not env[var].startswith("/home/x")
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert server_env({"SOLARA_HOME": "/mine"})["SOLARA_HOME"] == "/mine"


# ----- names ------------------------------------------------------------------------------
def test_readable_names(pair: SideBySideModel) -> None:
    city = pair.a.city
    places = place_names(city)
    assert places[0].startswith("Tract ") and "block group" in places[0]
    assert not any(re.fullmatch(r"\d{12}", p) for p in places)
    nbs = neighbourhood_names(city)
    assert nbs[0] == "Tract 101" and len(set(nbs)) == len(nbs)
    assert strategy_name("hotspot") == "Hot-spot patrol"
    assert strategy_name("my_new_plan") == "My new plan"


def test_a_city_name_column_wins() -> None:
    city = city_for(base_config(get_lesson("hot_spot"), city="columbus"))
    named = replace(city, extra={**city.extra, "name": np.array([f"N{i}" for i in range(49)])})
    assert place_names(named)[3] == "N3"
    assert neighbourhood_names(city)[0] == "Neighbourhood 1"


def test_city_name_column_names_places(gis_files, city_files, tmp_path, monkeypatch) -> None:
    """``city.name_column`` of a GIS or file city is what the app names places by."""
    pytest.importorskip("geopandas")
    monkeypatch.setenv("CSPSIM_CACHE", str(tmp_path / "cache"))
    gis = gis_city_overrides(gis_files)
    plain = load_city(tiny_config(overrides=gis).city)
    assert PLACE_NAME not in plain.extra and place_names(plain)[0] == "Place r0c0"
    hits = gis_module.STATS["cache_hits"]
    for cache in ("false", "true", "true"):  # built, built and cached, read from the cache
        cfg = tiny_config(overrides=[*gis, "city.name_column=code", f"city.cache={cache}"])
        city = load_city(cfg.city)
        assert place_names(city) == [f"P{k + 1:02d}" for k in range(16)]
        title = json.loads(place_titles(SimpleNamespace(city=city)))[0]
        assert title.startswith("P01 · r0c0 · ")  # name, neighbourhood (its id), residents
    assert gis_module.STATS["cache_hits"] == hits + 1
    cfg = tiny_config(overrides=[*gis, "city.name_column=no_such_column"])
    with pytest.raises(CityDataError, match="no_such_column"):
        load_city(cfg.city)
    # a file city: the nodes CSV's column, kept through city.disconnected=largest
    files = file_city_overrides(city_files)
    cfg = tiny_config(overrides=[*files, "city.name_column=code"])
    assert place_names(load_city(cfg.city))[:3] == ["101", "102", "103"]
    island = [*files, f"city.nodes={city_files['nodes_island']}", "city.disconnected=largest"]
    city = load_city(tiny_config(overrides=[*island, "city.name_column=code"]).city)
    assert len(place_names(city)) == city.n_places == 9 and "110" not in place_names(city)


# ----- levers -----------------------------------------------------------------------------
def test_levers_budget_programs_and_comparison_run() -> None:
    cfg = base_config(get_lesson("root_causes"))
    city = city_for(cfg)
    out = apply_levers(cfg, Levers(officers_pct=80, program_share=0.3, seed=3), city)
    assert out.seed == 3 and out.sim.daily_budget > 0
    p = out.strategy.programs
    assert p.youth_jobs_share + p.job_training_share == pytest.approx(0.3)
    assert p.youth_jobs_share == pytest.approx(2 * p.job_training_share)
    scenario = apply_levers(
        base_config(get_lesson("root_causes")), Levers(officers_pct=80, patrol_mode="hotspot"),
        city, strategy=False,
    )  # fmt: skip
    assert scenario.sim.daily_budget == out.sim.daily_budget
    assert scenario.strategy.patrol.mode == "random"  # the comparison keeps its strategy
    with pytest.raises(ValueError, match="patrol_mode"):
        apply_levers(base_config(get_lesson("hot_spot")), Levers(patrol_mode="x"), city)


def test_levers_read_as_words_and_changes_are_listed() -> None:
    words = describe(Levers())
    assert words["Officers"] == "100% of today's force"
    assert words["Community meetings"] == "none"
    assert words["Patrol"] == "random patrol"
    assert len(words) == len(LEVERS)
    diff = changes(Levers(), Levers(officers_pct=80, meetings_per_month=2.0))
    assert diff == [
        "Officers: 100% of today's force → 80% of today's force",
        "Community meetings: none → 2 a month per neighbourhood",
    ]


def test_cities_are_cached_by_their_whole_config() -> None:
    sf = base_config(get_lesson("hot_spot"))
    other = base_config(get_lesson("hot_spot"))
    other.city.residents_per_agent = 40.0
    gis_a = make_config(city="gis", overrides=["city.areas=a.gpkg"])
    gis_b = make_config(city="gis", overrides=["city.areas=b.gpkg"])
    assert city_key(sf) != city_key(other)
    assert gis_a.city.kind == gis_b.city.kind == "gis"
    assert city_key(gis_a) != city_key(gis_b)
    assert city_for(sf) is city_for(base_config(get_lesson("hot_spot")))


# ----- geometry ---------------------------------------------------------------------------
def test_lonlat_cities_are_not_stretched() -> None:
    sf = city_for(base_config(get_lesson("hot_spot")))
    assert is_lonlat(sf)
    g = geometry(sf, 1000, 5000)
    lat = np.radians(sf.y.mean())
    span_x = np.ptp(sf.x) * np.cos(lat)
    assert g.height / g.width == pytest.approx(np.ptp(sf.y) / span_x, rel=0.05)
    gis = replace(sf, name="my_gis_city", geometry=[[np.array([[x, y], [x + 1e-3, y],
                  [x, y + 1e-3]])] for x, y in zip(sf.x, sf.y, strict=True)])  # fmt: skip
    assert is_lonlat(gis)
    g2 = geometry(gis, 1000, 5000)
    assert g2.paths is not None and g2.paths[0].startswith("M")
    assert g2.height / g2.width == pytest.approx(g.height / g.width, rel=0.05)
    grid = city_for(base_config(get_lesson("hot_spot"), city="synthetic"))
    assert not is_lonlat(grid)


# ----- layout -----------------------------------------------------------------------------
def test_layout_for_projectors() -> None:
    big = layout(1920, 1080)
    assert big.map_w >= 900 and big.side and big.chart_cols == 2
    assert big.font >= 13 and big.text >= 15
    small = layout(1280, 720)
    assert small.map_w >= 560 and small.indicator_w <= small.charts
    present = layout(1920, 1080, presentation=True)
    assert present.side == 0 and present.map_w > big.map_w and present.font >= 16
    assert present.text >= 16
    two = layout(1920, 1080, side_by_side=True)
    assert two.map_w * 2 < big.map_w + 20
    assert layout(900, 700).stacked


# ----- charts -----------------------------------------------------------------------------
def test_rolling_helpers() -> None:
    assert rolling_mean(np.array([1.0, 3.0, 5.0]), 2).tolist() == [1.0, 2.0, 4.0]
    r = rolling_ratio(np.array([1.0, 1.0]), np.array([0.0, 4.0]), 7)
    assert np.isnan(r[0]) and r[-1] == pytest.approx(0.5)


def test_line_chart_is_svg_with_legend_range_and_events() -> None:
    svg = line_chart("T <x>", [Series("a", "#000", np.array([0.5942, 0.5938]))], min_span=0.05)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "T &lt;x&gt;" in svg and "<polyline" in svg
    assert "0.623" in svg  # flat series shown on at least the minimum span
    assert "<polyline" not in line_chart("empty", [])
    ev = line_chart("e", [Series("a", "#000", np.arange(40.0))], events=[(30, "misconduct")])
    assert 'class="event ev-misconduct"' in ev and "misconduct case" in ev


def test_signed_percent_labels_have_no_negative_zero() -> None:
    ring = Series("ring", "#ff7f0e", np.array([3.0, -0.3]))
    svg = line_chart("t", [ring], zero_line=True, suffix="%", min_span=20.0)
    assert "ring +0%" in svg and "-0%" not in svg


def test_counts_and_money_never_go_below_zero() -> None:
    flat = line_chart("c", [Series("n", "#000", np.array([0.0, 0.0, 1.0]))], floor=0.0)
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', flat)
    assert "0" in labels and not any(lab.startswith("-") for lab in labels)
    money = line_chart("b", [Series("$", "#000", np.cumsum(np.full(50, 3e5)))], floor=0.0)
    assert not re.search(r'text-anchor="end">-', money)


def test_long_titles_and_legends_wrap_instead_of_clipping() -> None:
    assert wrap("one two three four", text_width("three four", 13) + 1, 13) == [
        "one two",
        "three four",
    ]
    many = [Series(f"series number {i} (comparison)", "#000", np.ones(5)) for i in range(4)]
    svg = line_chart("A title much longer than the chart is wide, twice over", many, 300, 200)
    height = int(re.search(r'height="(\d+)"', svg).group(1))
    assert height > 200  # legend rows added below, not clipped
    xs = [float(x) for x in re.findall(r'<text class="legend" x="([\d.]+)"', svg)]
    assert all(x < 300 for x in xs)
    assert len(re.findall(r'class="title"', svg)) == 2


def test_standard_charts(pair: SideBySideModel) -> None:
    rows = pair.a.recorder.rows
    svgs = chart_svgs([("A", rows), ("B", pair.b.recorder.rows)])
    assert set(svgs) == {"crime", "trust", "reporting", "contacts", "fear", "budget"}
    assert "stroke-dasharray" in svgs["crime"]  # the second run is dashed


# ----- the map ----------------------------------------------------------------------------
def test_map_props(pair: SideBySideModel) -> None:
    props = map_props(pair.a, "true_crime", width=500, height=500)
    assert props["width"] <= 500 and props["height"] <= 500
    points = json.loads(props["shapes"])["points"]
    assert len(points) == pair.a.n_places == len(props["colors"].split(","))
    assert all(0 <= x <= 500 and 0 <= y <= props["height"] for x, y, _ in points)
    assert len(json.loads(props["details"])[0]) == len(LAYERS)
    assert len(json.loads(props["officers"])) == int(pair.a.police.force.on_duty.sum())
    assert props["legend_svg"].startswith("<svg") and "True crime" in props["legend_svg"]


def test_every_layer_has_values_and_range(pair: SideBySideModel) -> None:
    values = layer_values(pair.a)
    for key, layer in LAYERS.items():
        v = values[key]
        assert v.shape == (pair.a.n_places,) and np.isfinite(v).all(), key
        low, high = layer_range(pair.a, key)
        assert high > low
        assert len(colours(v, low, high, layer.cmap, layer.scale)) == pair.a.n_places


def test_scales_widen_for_watched_places_and_never_shrink(pair: SideBySideModel) -> None:
    a = pair.a
    hot, ring = pair.zones()
    watched = np.concatenate([hot, ring])
    for key in ("true_crime", "recorded_crime", "patrol", "trust_change"):
        v = layer_values(a)[key].copy()
        v[hot[0]] = 50 * max(abs(v).max(), 1e-3)  # a watched place far off the scale
        low, high = layer_range(a, key, v, watched)
        assert not saturated(v[watched], low, high, LAYERS[key].scale).any(), key
        again = layer_range(a, key, layer_values(a)[key], watched)
        assert again == (low, high)  # never shrinks back
    assert nice_ceil(3.2) == 4.0 and nice_ceil(0.031) == pytest.approx(0.04)


def test_outlines_and_legend(pair: SideBySideModel) -> None:
    marks = marked_places(pair, ("hot_spots", "ring"))
    kinds = {k for _, k in marks}
    assert kinds == {"hot", "ring"}
    assert sum(k == "hot" for _, k in marks) == len(pair.a.hot_spots) > 0
    svg = legend_svg(pair.a, "true_crime", 400, 13, ("hot", "ring"))
    assert "hot spot" in svg and "around a hot spot" in svg
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width == 400


# ----- the models -------------------------------------------------------------------------
def test_trainer_model_steps_exactly_like_the_model() -> None:
    """Stepping stage by stage (to see the contacts stage) changes nothing."""
    m = TrainerModel(lesson="bad_contact")
    ref = CommunitySafetyModel(m.cfg, city=m.city)
    ref.run(6)
    for _ in range(6):
        m.step()
    a = m.recorder.timeseries()
    b = ref.recorder.timeseries()
    assert a.equals(b)
    assert len(m.track.trust_lost) == 6 and sum(m.track.trust_lost) > 0


def test_top_share() -> None:
    assert top_share(np.array([10.0] + [0.0] * 19)) == 1.0
    assert top_share(np.ones(20)) == pytest.approx(0.05)


@pytest.mark.parametrize("city", ["columbus", "synthetic"])
def test_side_by_side_on_other_cities(city: str) -> None:
    p = SideBySideModel(lesson="hot_spot", city=city, seed=2, officers_pct=90)
    for _ in range(3):
        p.step()
    assert p.a.day == p.b.day == 3
    assert p.a.cfg.seed == p.b.cfg.seed == 2
    assert p.a.cfg.sim.daily_budget == p.b.cfg.sim.daily_budget > 0
    assert p.a.cfg.strategy.name == "hotspot" and p.b.cfg.strategy.name == "reactive"
    for m in (p.a, p.b):
        props = map_props(m, "trust")
        assert len(json.loads(props["shapes"])["points"]) == m.n_places


# ----- lessons in the app -------------------------------------------------------------------
def test_play_stops_at_pause_points(pair: SideBySideModel) -> None:
    lesson = get_lesson("misconduct")
    p = SideBySideModel(lesson="misconduct", city="columbus")
    seen: set[str] = set()
    assert advance(p, lesson, seen, 100) == "pause:30" and p.day == 30
    assert stop_reason(p, lesson, seen) == ""  # seen: playing on does not stop again
    assert SPEEDS["Slow"][0] > SPEEDS["Normal"][0] > SPEEDS["Fast"][0]
    assert initial_settings("scar")["strategy_b"] == "reactive"


def test_card_and_indicator_for_every_lesson_on_a_small_city() -> None:
    for lesson in LESSONS:
        p = SideBySideModel(lesson=lesson.name, city="columbus")
        for _ in range(12):
            p.step()
        rows = what_changed(p, lesson)
        assert [r.key for r in rows] == list(lesson.card)
        assert all(len(r.cells) == 5 and all(isinstance(c, str) for c in r.cells) for r in rows)
        svg = indicator_svg(p, lesson, 400, 200)
        assert svg.startswith("<svg") and 'data-chart="indicator"' in svg
        first_word = INDICATORS[lesson.indicator].title.split()[0]
        assert f">{first_word}" in svg


def test_programs_at_one_place_stand_side_by_side() -> None:
    """Lesson 4 names both programs' squares (green, purple): both must show on the map."""
    p = SideBySideModel(lesson="root_causes", city="columbus")
    p.step()
    places = [o.place for o in p.a.organizations]
    assert len(places) == 2 and len(set(places)) == 1  # both open in the same place
    orgs = map_props(p.a, "true_crime", width=500, height=500)["orgs"]
    assert {c for _, _, c in orgs} == {"#2ca02c", "#9467bd"}
    assert abs(orgs[0][0] - orgs[1][0]) >= 10 and orgs[0][1] == orgs[1][1]  # 10 px squares
    html = handout_html(p, get_lesson("root_causes"))
    assert html.count('fill="#2ca02c"') >= 2 and html.count('fill="#9467bd"') >= 2  # map, legend


def test_card_formats() -> None:
    assert show(0.355, "share") == "35.5%" and change(0.355, 0.312, "share") == "-4.3 pts"
    assert show(0.5925, "level") == "0.593" and change(0.59, 0.58, "level") == "-1.0 pts"
    assert change(100.0, 93.0, "count") == "-7.0%"
    assert show(29.0, "number") == "29" and change(29.0, 27.0, "number") == "-2"


def test_handout_is_one_self_contained_page(pair: SideBySideModel) -> None:
    lesson = get_lesson("hot_spot")
    html = handout_html(pair, lesson)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert lesson.title in html and lesson.citation.split(",")[0] in html
    for p in lesson.pauses:
        assert p.question.split()[0] in html
    assert html.count("<svg") >= 3  # map, legend, charts inline
    assert "src=" not in html and "<link" not in html  # nothing to fetch


def test_page_renders_without_a_browser() -> None:
    """The page builds its own model per render (no model at module level)."""
    import ipywidgets
    import solara

    import cspsim.viz.app as app

    assert not any(isinstance(v, (TrainerModel, SideBySideModel)) for v in vars(app).values())

    def classes(widget: ipywidgets.Widget) -> list[str]:
        own = (
            f"{getattr(widget, 'class_', '')} {getattr(widget, 'attributes', {}).get('class', '')}"
        )
        found = [own]
        for child in getattr(widget, "children", None) or []:
            if isinstance(child, ipywidgets.Widget):
                found += classes(child)
        return found

    box, rc = solara.render(app.Page(), handle_error=False)
    found = " ".join(classes(box))
    for name in (
        "cspsim-topbar",
        "cspsim-lesson",
        "cspsim-levers",
        "cspsim-map",
        "cspsim-charts",
        "cspsim-layers",
        "cspsim-indicator",
        "cspsim-speed",
        "cspsim-step",
    ):
        assert name in found, name
    rc.close()


def test_a_fresh_pair_is_a_copy_that_runs_like_a_build() -> None:
    from cspsim.viz.models import fresh_pair

    built = SideBySideModel(lesson="bad_contact", city="columbus")
    first = fresh_pair(lesson="bad_contact", city="columbus")
    second = fresh_pair(lesson="bad_contact", city="columbus")
    assert first is not second and first.a.city is second.a.city
    assert first.a.world is not second.a.world
    for p in (built, first, second):
        for _ in range(8):
            p.step()
    for col in ("crimes_true", "mean_trust", "contacts_negative"):
        assert built.a.recorder.timeseries()[col].equals(second.a.recorder.timeseries()[col])
        assert built.b.recorder.timeseries()[col].equals(first.b.recorder.timeseries()[col])


def test_cli_refuses_a_bad_port_or_one_in_use(capsys) -> None:
    """A port out of range or in use gave the server's OverflowError / OSError traceback."""
    import socket

    from cspsim.viz.cli import address_problem, main

    for bad in ("-1", "70000", "abc"):
        with pytest.raises(SystemExit) as exc:
            parse_args(["--port", bad])
        assert exc.value.code == 2
        assert "expected a port number 1-65535" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert address_problem("127.0.0.1", port).endswith("try another --port")
        with pytest.raises(SystemExit) as exc:
            main(["--port", str(port)])  # stops before replacing this process
        assert exc.value.code == 2
        assert f"--port {port}: cannot listen there" in capsys.readouterr().err
    # An address of no interface here: the host is wrong, not the port.
    assert address_problem("192.0.2.1", 8765).endswith("try another --host")
    assert address_problem("no.such.host.invalid", 8765).startswith("--host")
