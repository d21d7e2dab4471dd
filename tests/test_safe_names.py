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
