"""Issue 9, defect 8 (path traversal): names from configs become safe path components.

``strategy.name=/../../../x`` and an experiment arm's name used to write outside the output
directory. Strategy names, arm names and override lists now pass through
:func:`cspsim.paths.safe_component`: no separator, ``..``, leading dot or control character,
length-limited, and two different names never share a directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from cspsim.errors import ConfigError
from cspsim.experiments.context import SweepContext, arm_dir, dirname
from cspsim.paths import MAX_COMPONENT, safe_component
from cspsim.report.cities import city_dir

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=5"]
HOSTILE = ["/../../../x", "..", ".", "a/b", "a\\b", "x\x00y", "tab\there", "$(id)", "'q'", ""]


def is_safe(name: str, max_len: int = MAX_COMPONENT) -> bool:
    return (
        bool(name)
        and not set(name) & set("/\\'\"$`")  # separators, quotes, shell characters
        and ".." not in name
        and not name.startswith(".")
        and name.isprintable()
        and len(name.encode()) <= max_len
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_safe_component_is_always_one_safe_component(name: str) -> None:
    out = safe_component(name)
    assert is_safe(out), repr(out)
    assert safe_component(name) == out  # stable
    if is_safe(name):
        assert out == name  # a safe name is kept as it is


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_different_names_never_share_a_directory(a: str, b: str) -> None:
    if a != b:
        assert safe_component(a) != safe_component(b)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names(name: str) -> None:
    out = safe_component(name)
    assert is_safe(out)
    assert Path("/base", out).resolve().parent == Path("/base")


def test_collisions_and_long_names_get_a_hash() -> None:
    assert safe_component("a/b") != safe_component("a_b") == "a_b"
    long = "x" * 500
    assert len(safe_component(long)) <= MAX_COMPONENT and safe_component(long) != safe_component(
        long + "y"
    )


def test_override_dirnames_are_safe_and_apart() -> None:
    a, b = dirname(["strategy.name=a/b"]), dirname(["strategy.name=a_b"])
    assert is_safe(a, 120) and is_safe(b, 120) and a != b
    assert dirname(["strategy.name=../../x"]).count("/") == 0
    assert dirname(["seed=3", "strategy=hotspot"]) == "seed=3,strategy=hotspot"  # unchanged


def _context(arms: dict[str, list[str]], grid: list[list[str]]) -> SweepContext:
    ctx = SweepContext.__new__(SweepContext)
    ctx.arms = arms
    ctx.grid = grid
    ctx.config = OmegaConf.create(
        {"hydra": {"job": {"config": {"override_dirname": {"exclude_keys": []}}}}}
    )
    return ctx


def test_arm_names_stay_inside_the_sweep_directory() -> None:
    arms = {name: [f"seed={i}"] for i, name in enumerate(["../../evil", "a/b", "a_b", ".x"])}
    ctx = _context(arms, [["strategy=hotspot"], ["strategy=reactive"]])
    jobs = ctx.grid_jobs()
    root = Path("/sweep")
    subdirs = [j.subdir for j in jobs]
    assert len(set(subdirs)) == len(subdirs) == 8
    for sub in subdirs:
        assert (root / sub).resolve().is_relative_to(root), sub
        assert all(is_safe(part, 120) for part in sub.split("/")), sub
    assert arm_dir("../../evil") != arm_dir("__/__/evil")


def test_city_report_directories_are_safe() -> None:
    for label in ("file ../../nodes.csv", "synthetic (1,000 agents, 16 places)", "a/b"):
        rel = city_dir(label)
        assert rel.startswith("cities/") and is_safe(rel.split("/", 1)[1])


def test_api_refuses_names_outside_the_configs() -> None:
    from cspsim.api import make_config

    with pytest.raises(ConfigError, match="unknown option"):
        make_config(strategy="../../configs/strategy/hotspot")


def test_strategy_name_cannot_leave_the_output_directory(tmp_path: Path) -> None:
    work = tmp_path / "a" / "b" / "c" / "work"
    work.mkdir(parents=True)
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    proc = subprocess.run(
        [CSPSIM_RUN, *TINY, "strategy.name=/../../../x"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    (run_json,) = list(tmp_path.rglob("run.json"))
    assert run_json.resolve().is_relative_to(work / "outputs")
    assert json.loads(run_json.read_text())["strategy"] == "/../../../x"  # the label is kept
    outside = [p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to(work)]
    assert all(p.is_dir() for p in outside), outside  # nothing written above the work dir


# ----- sweeps: every route from a config name to a run directory stays inside the sweep -----
SWEEP_TINY = [*TINY, "hydra.callbacks.report.enabled=false", "hydra.sweep.dir=sw"]


def _sweep(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    return subprocess.run(
        [CSPSIM_RUN, "-m", *args, *SWEEP_TINY],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _nothing_outside(top: Path, work: Path) -> None:
    outside = [p for p in top.rglob("*") if not p.resolve().is_relative_to(work)]
    assert all(p.is_dir() for p in outside), outside  # nothing written above the work dir


def test_sweep_subdir_parts_are_safe_components() -> None:
    ctx = _context({}, [["seed=0"], ["seed=1"]])  # no fixed overrides: no variant directory
    ctx.sweep_dir = Path("/sweep")
    sub = ctx.subdir("seeds", "0", "../../../../../x")
    assert (ctx.sweep_dir / sub).resolve().is_relative_to(ctx.sweep_dir), sub
    assert all(is_safe(part, 120) for part in sub.split("/")), sub
    # Safe parts are kept as they are (run directories of existing sweeps do not move).
    assert ctx.subdir("seeds", "3", "hotspot") == "seeds/3/hotspot"
    assert ctx.subdir("trials", "0007") == "trials/0007"
    long_safe = "k" * 110  # longer than safe_component's default, within MAX_NAME
    assert ctx.subdir(long_safe) == long_safe
    fixed = _context({}, [["city=columbus", "seed=0"], ["city=columbus", "seed=1"]])
    assert fixed.subdir("seeds", "3", "hotspot") == "city=columbus/seeds/3/hotspot"


class _Loader:
    """A config loader that fails like a missing config group option."""

    def __init__(self) -> None:
        self.calls = 0

    def load_sweep_config(self, config: object, lines: list[str]) -> object:
        self.calls += 1
        raise ValueError("Could not find 'strategy/../../x'")


def test_no_run_directory_outside_the_sweep_is_written(tmp_path: Path) -> None:
    """A design that bypassed ``subdir``: the job is refused, not even its failure written."""
    from types import SimpleNamespace

    sweep = tmp_path / "a" / "b" / "sweep"
    sweep.mkdir(parents=True)
    ctx = _context({}, [[]])
    ctx.sweep_dir = sweep
    ctx.notes = {}
    ctx._cannot_start = 0
    loader = _Loader()
    ctx.sweeper = SimpleNamespace(hydra_context=SimpleNamespace(config_loader=loader))
    for sub in ("../../x", "../sweep2/run", "ok/../../../y", "."):
        assert ctx._complete(["strategy=../../x", f"hydra.sweep.subdir='{sub}'"]) is True
    assert loader.calls == 0  # refused before composing
    assert ctx._cannot_start == 4 and len(ctx.notes["outside"]) == 4
    assert not list(tmp_path.rglob("run.json"))
    # A job inside the sweep that cannot compose records its failure where it belongs.
    assert ctx._complete(["strategy=../../x", "hydra.sweep.subdir='seeds/0/x'"]) is True
    (run_json,) = list(tmp_path.rglob("run.json"))
    assert run_json.parent == sweep / "seeds" / "0" / "x"
    assert json.loads(run_json.read_text())["status"] == "failed"


def test_uncertainty_strategy_name_cannot_leave_the_sweep(tmp_path: Path) -> None:
    """``hydra.sweeper.params.strategy=../../../../../x`` wrote run.json above the sweep."""
    work = tmp_path / "a" / "b" / "c" / "d" / "work"
    work.mkdir(parents=True)
    proc = _sweep(
        work,
        "experiment=uncertainty",
        "hydra.sweeper.params.strategy=../../../../../x",
        "hydra.sweeper.options.draws=1",
        "hydra.sweeper.options.seeds=1",
    )
    assert "2 of 2 runs cannot start" in proc.stderr + proc.stdout, proc.stderr
    runs = list(tmp_path.rglob("run.json"))
    assert len(runs) == 2  # seeds/0/<name> and draws/0/<name>, each recording its failure
    for run_json in runs:
        assert run_json.resolve().is_relative_to(work / "sw"), run_json
        assert json.loads(run_json.read_text())["status"] == "failed"
    _nothing_outside(tmp_path, work)


def test_override_dirname_is_safe_and_unchanged_when_safe() -> None:
    from cspsim.paths import MAX_DIRNAME, register_resolvers, safe_dirname

    register_resolvers()
    for name in ("seed=3,strategy=hotspot", "a" * MAX_DIRNAME, "x=1.5,y=[1,2]"):
        assert safe_dirname(name) == name  # Hydra's names of ordinary overrides are kept
    assert safe_dirname("") == ""  # no overrides: the sweep directory itself, as in Hydra
    cfg = OmegaConf.create({"d": "strategy.name=/../../../x", "sub": "${safe_dirname:${d}}"})
    assert is_safe(cfg.sub) and cfg.sub.startswith("strategy.name=")
    shipped = OmegaConf.load(Path(__file__).parents[1] / "configs" / "config.yaml")
    assert "safe_dirname" in OmegaConf.to_container(shipped)["hydra"]["sweep"]["subdir"]


def test_basic_sweeper_override_dirname_stays_inside(tmp_path: Path) -> None:
    """Hydra's basic sweeper names runs by ``hydra.job.override_dirname`` (config.yaml)."""
    work = tmp_path / "a" / "b" / "c" / "work"
    work.mkdir(parents=True)
    proc = _sweep(work, "hydra/sweeper=basic", "strategy.name=/../../../x")  # joblib workers
    assert proc.returncode == 0, proc.stderr
    (run_json,) = list(tmp_path.rglob("run.json"))
    assert run_json.resolve().is_relative_to(work / "sw"), run_json
    assert run_json.parent.parent == work / "sw"  # one component below the sweep dir
    meta = json.loads(run_json.read_text())
    assert meta["status"] == "complete" and meta["strategy"] == "/../../../x"
    _nothing_outside(tmp_path, work)
