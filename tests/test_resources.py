"""Issue 9, defect 7: no limits. A run estimates its memory and time before building,
refuses what the machine cannot hold (``sim.allow_large=true`` overrides), and long runs
show progress with an ETA."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY, run_results, tiny_config

from cspsim.errors import ConfigError, ResourceError
from cspsim.model import CommunitySafetyModel
from cspsim.output import resources
from cspsim.output.results import run_model, show_progress
from cspsim.output.runner import run_one

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=5"]


def cspsim_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    return subprocess.run(
        [CSPSIM_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def test_estimate_grows_with_agents_ties_and_days() -> None:
    base = resources.estimate_config(tiny_config())
    assert base is not None and base.agents == 1000
    more = {
        "agents": tiny_config(overrides=["city.residents=4000"]),
        "ties": tiny_config(overrides=["params.social.ties_per_resident=80"]),
        "days": tiny_config(overrides=["sim.days=4000"]),
    }
    for what, cfg in more.items():
        est = resources.estimate_config(cfg)
        assert est is not None
        assert est.memory_bytes > base.memory_bytes, what
        assert est.seconds > base.seconds, what


def test_estimate_covers_a_measured_run() -> None:
    """The estimate errs high: above the memory the tables of a tiny run really take."""
    cfg = tiny_config()
    est = resources.estimate_config(cfg)
    res = run_results(cfg)
    tables = sum(
        getattr(res, t).memory_usage(deep=True).sum()
        for t in ("timeseries", "places", "events", "survey")
    )
    assert est is not None and est.memory_bytes > tables
    assert est.offences > 0.3 * len(res.events)


def test_loaded_city_estimate_uses_its_population() -> None:
    from cspsim.city import load_city

    cfg = tiny_config(overrides=["city.kind=columbus", "city.residents_per_agent=50"])
    est = resources.estimate_city(load_city(cfg.city), cfg)
    assert est.agents == round(49 * 4000 / 50)
    assert est.places == 49


@pytest.mark.parametrize(
    "override",
    [
        "city.residents=1000000000",
        "params.social.ties_per_resident=1000000",
        "sim.days=10000000",
    ],
)
def test_too_large_runs_are_refused_before_building(override: str, tmp_path: Path) -> None:
    cfg = tiny_config(overrides=[override])
    with pytest.raises(ResourceError, match="sim.allow_large=true") as info:
        run_one(cfg, tmp_path / "run")
    assert isinstance(info.value, ConfigError)
    assert "of memory" in str(info.value) and "available" in str(info.value)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta["status"] == "failed" and "run too large" in meta["error"]
    assert not list((tmp_path / "run").glob("*.parquet"))


def test_allow_large_skips_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine 'with 1 MB free' refuses even a tiny run, unless sim.allow_large=true."""
    monkeypatch.setattr(resources, "available_memory", lambda: 1e6)
    with pytest.raises(ResourceError):
        run_one(tiny_config(), tmp_path / "refused")
    cfg = tiny_config(overrides=["sim.allow_large=true"])
    assert run_one(cfg, tmp_path / "allowed")["status"] == "complete"


def test_available_memory_is_known_here() -> None:
    free = resources.available_memory()
    assert free is not None and free > 100e6


def test_cli_refuses_a_billion_residents(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = cspsim_run([*TINY, "city.residents=1000000000", f"hydra.run.dir={out}"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "run too large for this machine" in proc.stderr
    assert "1,000,000,000 resident agents" in proc.stderr
    assert json.loads((out / "run.json").read_text())["status"] == "failed"


def test_progress_bar_with_eta(capsys: pytest.CaptureFixture[str]) -> None:
    cfg = copy.deepcopy(tiny_config())
    run_model(CommunitySafetyModel(cfg), progress=True)
    err = capsys.readouterr().err
    total = cfg.sim.days + cfg.sim.burn_in_days
    assert f"{total}/{total}" in err and "day" in err
    assert "<" in err  # tqdm's elapsed<remaining (the ETA)


def test_progress_only_when_asked_or_on_a_terminal() -> None:
    assert show_progress(True, interactive=False)
    assert not show_progress(False)
    assert not show_progress(None)  # pytest's stderr is not a terminal
    assert not show_progress(None, interactive=False)


def test_cli_progress_when_asked(tmp_path: Path) -> None:
    proc = cspsim_run([*TINY, "sim.progress=true", f"hydra.run.dir={tmp_path}/run"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "7/7" in proc.stderr and "day" in proc.stderr


def test_a_run_too_large_because_of_its_crime_counts_says_so() -> None:
    """A crime count of 1e12 in one row once read as 'make the city smaller' (35 TB)."""
    from cspsim.output.resources import RunEstimate, check_fits

    crime = RunEstimate(410, 800, 4, 10, 5e11, 6.4e13, 1.0)
    with pytest.raises(
        ResourceError, match="500,000,000,000 offences expected, from the city's crime"
    ):
        check_fits(crime, allow_large=False, available=1e9)
    agents = RunEstimate(50_000_000, 10**9, 4, 10, 1e3, 6.4e13, 1.0)
    with pytest.raises(ResourceError) as err:
        check_fits(agents, allow_large=False, available=1e9)
    assert "crime counts" not in str(err.value)
