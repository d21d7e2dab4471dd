"""Command-line overrides checked before Hydra composes them (``cspsim.cli.overrides``).

Each case below reached the user as Hydra's own text first: ``strategy=true`` as a
``ValueError`` traceback, ``sim.dayz=10`` with advice to append the key, ``strategy=hotspto``
with Hydra's search path; and ``-m strategy=reactive,true`` ran one run and exited 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY

from cspsim.cli.overrides import problems

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=3"]

CASES = [
    (["strategy=true"], "strategy=true: expected the name of a strategy config"),
    (["strategy=1"], "1 is read as a number: quote a name like it, \"strategy='1'\""),
    (["strategy=hotspto"], "no such strategy config; did you mean hotspot?"),
    (["strategy=reactive,true"], "strategy=true: expected the name"),
    (["sim=shortt"], "sim=shortt: no such sim config; did you mean short?"),
    (["sim.dayz=10"], "sim.dayz: no such setting; did you mean sim.days?"),
    (["seeds=3"], "seeds: no such setting; did you mean seed?"),
    (["strategy.patrol.modee=x"], "did you mean strategy.patrol.mode?"),
    (["strategy.patrool.mode=x"], "patrool.mode: no such setting; did you mean strategy.patrol?"),
    (["sim.days=abc"], "sim.days=abc: expected an integer"),
    (["sim.days=5.5"], "sim.days=5.5: expected an integer"),
    (["sim.days=5,abc"], "sim.days=abc: expected an integer"),
    (["seed=x"], "seed=x: expected an integer"),
    (["sim.record_events=maybe"], "sim.record_events=maybe: expected true or false"),
    (["strategy.patrol=3"], "strategy.patrol=3: expected a group of settings"),
    (["params.crime.police_deterrence=high"], "expected a number"),
    # Hydra refused it with exit 1 ("Sweeping over Hydra's configuration is not supported").
    (["hydra.sweeper.params.strategy=reactive,hotspot"],
     "quote it: \"hydra.sweeper.params.strategy='reactive,hotspot'\""),
    # Quoted, it is a name: refused only because no strategy file is called so.
    (["strategy='true'"], "strategy=true: no such strategy config (one of:"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "expected"), CASES)
def test_bad_overrides_are_named_with_what_they_accept(overrides: list[str], expected: str) -> None:
    found = problems(overrides)
    assert len(found) == 1 and expected in found[0], found


GOOD = [
    "strategy=hotspot", "strategy=reactive,hotspot", "sim=short", "sim.days=30", "seed=0,1,2",
    "seed=range(0,3)", "experiment=compare_strategies", "experiment=null", "params=calibrated",
    "city=columbus", "+strategy.extra=1", "~modifiers", "hydra.run.dir=out", "hydra/launcher=basic",
    "strategy.patrol.mode=${strategy.name}", "strategy.patrol.mode=hotspot",
    "params.crime.police_deterrence=0.1", "sim.record_events=false",
    "hydra.sweeper.params.strategy='reactive,hotspot'",
]  # fmt: skip


@pytest.mark.parametrize("override", GOOD)
def test_good_overrides_pass(override: str) -> None:
    assert problems([override]) == []


def test_user_config_dir_options_count(tmp_path: Path) -> None:
    (tmp_path / "strategy").mkdir()
    (tmp_path / "strategy" / "mine.yaml").write_text("name: mine\n")
    assert problems(["strategy=mine"]) and not problems(["strategy=mine"], str(tmp_path))
    # Another search path may hold any option: names are left to Hydra then.
    assert not problems([f"hydra.searchpath=[file://{tmp_path}]", "strategy=other"])


def test_cli_refuses_a_boolean_strategy_without_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.run(
        [CSPSIM_RUN, *TINY, "strategy=true", f"hydra.run.dir={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "HYDRA_FULL_ERROR" not in proc.stderr
    assert "strategy=true: expected the name of a strategy config" in proc.stderr
    meta = json.loads((out / "run.json").read_text())
    assert meta["status"] == "failed" and "strategy=true" in meta["error"]
    assert not list(out.glob("*.parquet"))


def test_cli_sweep_with_a_misspelt_setting_runs_nothing(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [CSPSIM_RUN, "-m", *TINY, "strategy=reactive,hotspot", "sim.dayz=10",
         f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "sim.dayz: no such setting; did you mean sim.days?" in proc.stderr
    assert not sweep.exists()


def test_an_added_misspelt_setting_is_named_with_the_closest(tmp_path: Path) -> None:
    """``+sim.dayz=10`` composes (an addition), then the schema refuses the key."""
    out = tmp_path / "run"
    proc = subprocess.run(
        [CSPSIM_RUN, *TINY, "+sim.dayz=10", f"hydra.run.dir={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "sim.dayz: no such setting; did you mean sim.days?" in proc.stderr
    assert json.loads((out / "run.json").read_text())["status"] == "failed"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("sim.dayz=3", "sim.dayz: no such setting; did you mean sim.days?"),
        ("city.residents_per_agent=abc", "city.residents_per_agent: expected a number"),
        ("notanoverride", "'notanoverride': expected key=value of an existing setting"),
        ("+foo=1", "'+foo=1': expected key=value"),
    ],
)
def test_make_config_names_the_setting(override: str, expected: str) -> None:
    """cspsim-demo and cspsim-validate take overrides through make_config: OmegaConf's
    text (``Key 'nonsense' not in 'RunSchema'``) named no setting path."""
    from cspsim.api import make_config
    from cspsim.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        make_config(city="synthetic", overrides=[override])
    assert expected in str(info.value)


def test_make_config_takes_one_override_as_a_string() -> None:
    """A string was iterated as one-letter overrides (``'s': expected key=value``)."""
    from cspsim.api import make_config

    assert make_config(city="synthetic", overrides="sim.days=3").sim.days == 3


def test_make_config_reads_overrides_as_the_command_line_does() -> None:
    """A date format worked on the command line and was a YAML directive here
    (``yaml.scanner.ScannerError``); a list of values is a sweep, for ``cspsim-run -m``."""
    from cspsim.api import make_config
    from cspsim.errors import ConfigError

    cfg = make_config(city="gis", overrides=["city.incident_date_format=%d/%m/%Y %H:%M"])
    assert cfg.city.incident_date_format == "%d/%m/%Y %H:%M"
    assert make_config(city="synthetic", overrides=["strategy.name='a,b'"]).strategy.name == "a,b"
    with pytest.raises(ConfigError, match="seed=1,2: a list of values sweeps a setting"):
        make_config(city="synthetic", overrides=["seed=1,2"])
