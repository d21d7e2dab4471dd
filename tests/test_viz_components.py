"""Unit tests of the trainer app's parts that need no browser: CLI, charts, map, page render."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cspsim.viz.charts import Series, chart_svgs, line_chart, rolling_mean, rolling_ratio
from cspsim.viz.cli import command, parse_args, server_env
from cspsim.viz.layers import LAYERS, colours, layer_range, layer_values
from cspsim.viz.lessons import get_lesson
from cspsim.viz.levers import Levers, apply_levers, base_config, city_for
from cspsim.viz.mapview import map_props
from cspsim.viz.models import SideBySideModel, TrainerModel


@pytest.fixture(scope="module")
def model() -> TrainerModel:
    m = TrainerModel(lesson="hot_spot")
    for _ in range(3):
        m.step()
    return m


def test_cli_defaults_to_localhost_and_keeps_caches_out_of_home() -> None:
    args = parse_args([])
    assert args.host == "127.0.0.1" and args.port == 8765
    cmd = command(parse_args(["--port", "9001"]))
    assert cmd[2:5] == ["solara", "run", "cspsim.viz.app"]
    assert "--production" in cmd and cmd[cmd.index("--port") + 1] == "9001"
    env = server_env({"HOME": "/home/x"})
    for var in ("SOLARA_HOME", "MPLCONFIGDIR", "IPYTHONDIR"):
        assert not env[var].startswith("/home/x")
    assert server_env({"SOLARA_HOME": "/mine"})["SOLARA_HOME"] == "/mine"


def test_rolling_helpers() -> None:
    assert rolling_mean(np.array([1.0, 3.0, 5.0]), 2).tolist() == [1.0, 2.0, 4.0]
    r = rolling_ratio(np.array([1.0, 1.0]), np.array([0.0, 4.0]), 7)
    assert np.isnan(r[0]) and r[-1] == pytest.approx(0.5)


def test_line_chart_is_svg_with_legend_and_range() -> None:
    svg = line_chart("T <x>", [Series("a", "#000", np.array([0.5942, 0.5938]))], min_span=0.05)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "T &lt;x&gt;" in svg and "<polyline" in svg
    assert "0.623" in svg  # flat series shown on at least the minimum span
    assert "<polyline" not in line_chart("empty", [])


def test_map_props_and_charts(model: TrainerModel) -> None:
    props = map_props(model, "true_crime", width=500)
    assert props["width"] == 500
    points = json.loads(props["points"])
    assert len(points) == model.n_places == len(props["colors"].split(","))
    assert all(0 <= x <= 500 and 0 <= y <= props["height"] for x, y, _ in points)
    assert len(json.loads(props["details"])[0]) == len(LAYERS)
    assert len(json.loads(props["officers"])) == int(model.police.force.on_duty.sum())
    svgs = chart_svgs([("A", model.recorder.datacollector.model_vars)] * 2)
    assert set(svgs) == {"crime", "trust", "fear", "reporting", "contacts", "budget"}
    assert "stroke-dasharray" in svgs["crime"]  # the second run is dashed


def test_every_layer_has_values_and_range(model: TrainerModel) -> None:
    values = layer_values(model)
    for key, layer in LAYERS.items():
        v = values[key]
        assert v.shape == (model.n_places,) and np.isfinite(v).all(), key
        low, high = layer_range(model, key)
        assert high > low
        assert len(colours(v, low, high, layer.cmap)) == model.n_places


def test_levers_budget_and_programs() -> None:
    cfg = base_config(get_lesson("root_causes"))
    city = city_for(cfg)
    out = apply_levers(cfg, Levers(officers_pct=80, program_share=0.3, seed=3), city)
    assert out.seed == 3 and out.sim.daily_budget > 0
    p = out.strategy.programs
    assert p.youth_jobs_share + p.job_training_share == pytest.approx(0.3)
    assert p.youth_jobs_share == pytest.approx(2 * p.job_training_share)
    with pytest.raises(ValueError, match="patrol_mode"):
        apply_levers(base_config(get_lesson("hot_spot")), Levers(patrol_mode="x"), city)


def test_page_renders_without_a_browser() -> None:
    """The page builds its own model per render (no model at module level)."""
    import solara

    import cspsim.viz.app as app

    assert not any(isinstance(v, TrainerModel) for v in vars(app).values())
    import ipywidgets

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
    found = classes(box)
    assert sum("cspsim-day" in c for c in found) == 1
    for name in ("cspsim-lesson", "cspsim-map", "cspsim-charts", "cspsim-layers"):
        assert any(name in c for c in found), name
    rc.close()


@pytest.mark.parametrize("city", ["columbus", "synthetic"])
def test_side_by_side_on_other_cities(city: str) -> None:
    pair = SideBySideModel(lesson="hot_spot", city=city, seed=2)
    for _ in range(3):
        pair.step()
    assert pair.a.day == pair.b.day == 3
    assert pair.a.cfg.seed == pair.b.cfg.seed == 2
    assert pair.a.cfg.strategy.name == "hotspot" and pair.b.cfg.strategy.name == "reactive"
    for m in (pair.a, pair.b):
        props = map_props(m, "trust")
        assert len(json.loads(props["points"])) == m.n_places
