"""Design options (``hydra.sweeper.options.*``) are checked before any run.

A bad option made the sweep fail with a traceback and exit 1, some only after their runs
(sensitivity's outputs were looked up in the summaries at the end; a frontier step of 0
divided by zero; calibration's posterior options were read after the point fit's trials;
``trials=-1`` ran as 0). Now each names the option, exit 2, before anything runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY

from cspsim.errors import ConfigError
from cspsim.experiments import options
from cspsim.experiments.calibrate import posterior_options

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))


def test_integer_and_number_options():
    assert options.integer({}, "n", 4) == 4
    assert options.integer({"n": None}, "n", 4) == 4  # null: the default
    assert options.integer({"n": 0}, "n", 4, minimum=0) == 0
    with pytest.raises(ConfigError, match=r"hydra\.sweeper\.options\.n: expected an integer >= 1"):
        options.integer({"n": 0}, "n", 4, minimum=1)
    for bad in (1.5, "3", True):
        with pytest.raises(ConfigError, match="expected an integer, got"):
            options.integer({"n": bad}, "n", 4)
    assert options.number({"x": 1}, "x", 0.5, 0.0, 1.0) == 1.0
    with pytest.raises(ConfigError, match=r"expected a number in \(0, 1\], got 0"):
        options.number({"x": 0}, "x", 0.5, 0.0, 1.0, above_low=True)
    with pytest.raises(ConfigError, match=r"options\.p\.x: expected a number in \[0, 1\]"):
        options.number({"x": 2}, "x", 0.5, 0.0, 1.0, prefix="hydra.sweeper.options.p")
    assert options.names(["a"], "k", ["a", "b"]) == ["a"]
    with pytest.raises(ConfigError, match=r"got \['c'\]"):
        options.names(["a", "c"], "k", ["a", "b"])
    with pytest.raises(ConfigError, match="got none"):
        options.names([], "k", ["a"])


def test_posterior_options_are_checked_together():
    assert posterior_options({}) == {
        "draws": 0, "seed": 0, "populations": 3, "sd_fraction": 0.5, "inflation": 1.3,
        "defensive": 0.1, "output": None,
    }  # fmt: skip
    with pytest.raises(ConfigError, match=r"options\.posterior\.draws: expected an integer"):
        posterior_options({"draws": "abc"})
    with pytest.raises(ConfigError, match=r"options\.posterior\.sd_fraction"):
        posterior_options({"draws": 8, "sd_fraction": 0})


TINY = ["city=synthetic", *TINY_CITY, "sim.days=20", "sim.burn_in_days=5"]


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (["experiment=sensitivity", "hydra.sweeper.options.outputs=[bogus]"],
         ["options.outputs", "'bogus'"]),
        (["experiment=budget_frontier", "hydra.sweeper.options.step=0"],
         ["options.step", "(0, 1]"]),
        (["experiment=calibrate", "hydra.sweeper.options.trials=2"],
         ["options.output", "would overwrite the shipped sf2012 calibration"]),
    ],
)  # fmt: skip
def test_a_bad_option_stops_the_sweep_before_any_run(overrides, words, tmp_path):
    """End to end for three designs (the others read their options with the same checks)."""
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [CSPSIM_RUN, "-m", *overrides, *TINY, "hydra/launcher=basic", f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "HYDRA_FULL_ERROR": "0"},
    )  # fmt: skip
    message = proc.stderr + proc.stdout
    assert proc.returncode == 2, message
    assert "Traceback" not in message, message
    for word in words:
        assert word in message, message
    assert not list(sweep.rglob("run.json"))  # nothing ran


def test_a_fit_on_another_city_never_overwrites_the_shipped_calibration():
    """A trial of experiment=calibrate on a synthetic city rewrote configs/params/
    calibrated.yaml (every run's defaults) with a fit to San Francisco's targets."""
    from cspsim.experiments.calibrate import check_shipped_outputs

    post = posterior_options({})
    check_shipped_outputs("sf2012", 40, {}, post)  # the shipped calibration's own city
    check_shipped_outputs("synthetic", 40, {"output": "mine.yaml"}, post)
    check_shipped_outputs("synthetic", 0, {}, post)  # nothing fitted, nothing written
    with pytest.raises(ConfigError, match=r"options\.output: a calibration on city 'synthetic'"):
        check_shipped_outputs("synthetic", 40, {}, post)
    drawn = posterior_options({"draws": 8})
    with pytest.raises(ConfigError, match=r"options\.posterior\.output"):
        check_shipped_outputs("columbus", 0, {}, drawn)
    check_shipped_outputs("columbus", 0, {}, posterior_options({"draws": 8, "output": False}))
