"""Issue 9, defect 1: user config files are data, not code.

A shared strategy file beginning ``# @package _global_`` could set
``hydra.callbacks.<x>._target_`` to any callable; Hydra instantiated it before the run and the
run ended ``complete``. Every route a user has to pass a file of their own is tried here with
a payload that would create a marker file: the run is refused by name (``UserConfigRefused``,
a :class:`~cspsim.errors.ConfigError`), exits non-zero, and the payload never runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY

from cspsim.cli import guard
from cspsim.errors import ConfigError, UnsafeConfigError

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=5"]


def cspsim_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    return subprocess.run(
        [CSPSIM_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def callback_attack(marker: Path, name: str = "evil") -> str:
    """The issue's file: a global package that installs a Hydra callback running code."""
    return f"""# @package _global_
strategy:
  name: {name}
hydra:
  callbacks:
    pwn:
      _target_: pathlib.Path.touch
      self: {marker}
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def assert_refused(proc: subprocess.CompletedProcess, marker: Path, words: list[str]) -> None:
    message = proc.stdout + proc.stderr
    assert proc.returncode != 0, message
    assert "UserConfigRefused" in message, message
    for word in words:
        assert word in message, f"{word!r} not in:\n{message}"
    assert not marker.exists(), "the file's code ran"
    assert "Traceback" not in message, message


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "PWNED"


def test_config_dir_global_callback_attack_is_refused(tmp_path: Path, marker: Path) -> None:
    """The issue's route: --config-dir with a _global_ strategy setting a callback."""
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/evil.yaml", callback_attack(marker))
    out = tmp_path / "run"
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "strategy=evil", f"hydra.run.dir={out}"], tmp_path
    )
    assert_refused(proc, marker, ["strategy/evil.yaml", "_global_"])
    assert not out.exists()  # nothing ran, so no run directory


def test_searchpath_override_attack_is_refused(tmp_path: Path, marker: Path) -> None:
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/evil.yaml", callback_attack(marker))
    proc = cspsim_run(
        [
            *TINY,
            f"hydra.searchpath=[file://{cfgs}]",
            "strategy=evil",
            f"hydra.run.dir={tmp_path}/r",
        ],
        tmp_path,
    )
    assert_refused(proc, marker, ["strategy/evil.yaml"])


def test_user_primary_config_is_refused(tmp_path: Path, marker: Path) -> None:
    """--config-path/--config-name make a user file the primary config: refused."""
    cfgs = tmp_path / "cfgs"
    write(
        cfgs,
        "mine.yaml",
        "defaults:\n  - run_schema\n  - _self_\nhydra:\n  callbacks:\n    pwn:\n"
        f"      _target_: pathlib.Path.touch\n      self: {marker}\n",
    )
    proc = cspsim_run(["--config-path", str(cfgs), "--config-name", "mine", *TINY], tmp_path)
    assert_refused(proc, marker, ["primary config"])


def test_multirun_with_a_refused_file_runs_nothing(tmp_path: Path, marker: Path) -> None:
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/evil.yaml", callback_attack(marker))
    sweep = tmp_path / "sweep"
    proc = cspsim_run(
        ["--config-dir", str(cfgs), "-m", *TINY, "strategy=reactive,evil",
         f"hydra.sweep.dir={sweep}"],
        tmp_path,
    )  # fmt: skip
    assert_refused(proc, marker, ["strategy/evil.yaml"])
    assert not list(sweep.rglob("*.parquet"))


def test_user_hydra_group_file_selected_on_the_command_line_is_refused(
    tmp_path: Path, marker: Path
) -> None:
    """A user file in a hydra/ group (here a callback) is refused even when asked for."""
    cfgs = tmp_path / "cfgs"
    write(
        cfgs,
        "hydra/callbacks/pwn.yaml",
        f"pwn:\n  _target_: pathlib.Path.touch\n  self: {marker}\n",
    )
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "+hydra/callbacks=pwn", f"hydra.run.dir={tmp_path}/r"],
        tmp_path,
    )
    assert_refused(proc, marker, ["hydra/callbacks/pwn.yaml"])


def test_user_file_named_like_a_shipped_one_never_runs_code(tmp_path: Path, marker: Path) -> None:
    """A user hotspot.yaml beside the shipped one: whichever Hydra loads, no code runs."""
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/hotspot.yaml", callback_attack(marker, "hotspot"))
    out = tmp_path / "r"
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "strategy=hotspot", f"hydra.run.dir={out}"], tmp_path
    )
    assert not marker.exists()
    if proc.returncode == 0:  # the shipped file was loaded (it comes first)
        assert (
            "config:strategy/hotspot.yaml"
            not in json.loads((out / "run.json").read_text())["inputs"]
        )
    else:
        assert "UserConfigRefused" in proc.stderr + proc.stdout


def test_absolute_path_as_an_option_runs_nothing(tmp_path: Path, marker: Path) -> None:
    path = write(tmp_path / "cfgs", "strategy/evil.yaml", callback_attack(marker))
    proc = cspsim_run(
        [*TINY, f"strategy={path.with_suffix('')}", f"hydra.run.dir={tmp_path}/r"], tmp_path
    )
    assert proc.returncode != 0
    assert not marker.exists()


def test_benign_user_strategy_runs_and_is_recorded(tmp_path: Path) -> None:
    """A user file that only sets values of its group runs; run.json hashes it."""
    cfgs = tmp_path / "cfgs"
    path = write(cfgs, "strategy/mine.yaml", "name: mine\npatrol:\n  mode: hotspot\n")
    out = tmp_path / "run"
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "strategy=mine", f"hydra.run.dir={out}"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "run.json").read_text())
    assert meta["status"] == "complete" and meta["strategy"] == "mine"
    rec = meta["inputs"]["config:strategy/mine.yaml"]
    assert rec["path"] == str(path.resolve())
    import hashlib

    assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


# ----- the rules, file by file (no subprocess) -------------------------------------------

#: 9 levels of 10 aliases each (about 460 bytes): 10**9 values once expanded.
LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)

RULES = {
    "global package": ("strategy/x", "# @package _global_\nname: x\n", "_global_"),
    "other package": ("strategy/x", "# @package hydra\nname: x\n", "hydra"),
    "hydra key": ("city/x", "kind: synthetic\nhydra:\n  job:\n    chdir: true\n", "hydra"),
    "nested target": (
        "strategy/x",
        "name: x\npatrol:\n  mode:\n    _target_: os.system\n    _args_: [id]\n",
        "_target_",
    ),
    "target in a list": (
        "params/x",
        "crime:\n  incapacitation_days:\n    - _target_: os.getcwd\n",
        "_target_",
    ),
    "partial": ("sim/x", "days:\n  _partial_: true\n", "_partial_"),
    "resolver": ("strategy/x", "name: ${oc.env:HOME}\n", "resolver"),
    "defaults override": (
        "strategy/x",
        "defaults:\n  - override /hydra/launcher: basic\n  - _self_\nname: x\n",
        "defaults",
    ),
    "defaults outside the group": (
        "strategy/x",
        "defaults:\n  - /hydra/callbacks: pwn\n  - _self_\nname: x\n",
        "defaults",
    ),
    "defaults into another package": (
        "strategy/x",
        "defaults:\n  - hotspot@_global_\n  - _self_\nname: x\n",
        "defaults",
    ),
    "experiment with a global package": (
        "experiment/x",
        "# @package _global_\nhydra:\n  sweeper:\n    params:\n      seed: range(0,2)\n",
        "_global_",
    ),
    "resolver built from an interpolation": (
        "strategy/x",
        "name: oc.env\nprograms:\n  targeting: ${${strategy.name}:HOME}\n",
        "resolver",
    ),
    # 9 levels of 10 aliases each: 464 bytes that Hydra's loader would expand for hours
    "billion laughs": ("strategy/x", "name: x\n" + LAUGHS, "aliases expand"),
    "python tag": ("strategy/x", "name: !!python/object/apply:os.getcwd []\n", "YAML tag"),
    "repeated key": ("strategy/x", "name: x\nwatch: {}\nwatch: {}\n", "appears twice"),
    "yaml syntax": ("strategy/x", "name: x\nmeetings: [\n", "not valid YAML"),
    "deep nesting": ("strategy/x", "name: x\nk: " + "[" * 60 + "]" * 60 + "\n", "deeper than"),
    "includes itself": ("strategy/x", "defaults:\n  - x\n  - _self_\nname: x\n", "itself"),
    "empty strategy": ("strategy/x", "", "empty"),
    "strategy without a name": ("strategy/x", "patrol:\n  mode: hotspot\n", "name"),
}


def load_through_hydra(root: Path, rel: str) -> object:
    """Load ``root/<rel>.yaml`` through Hydra's config repository (the guard's hook)."""
    from hydra._internal.config_repository import ConfigRepository
    from hydra._internal.config_search_path_impl import ConfigSearchPathImpl
    from hydra.core.plugins import Plugins

    Plugins.instance()  # registers the file:// and pkg:// config sources
    guard.install()
    search = ConfigSearchPathImpl()
    search.append("user", f"file://{root}")
    return ConfigRepository(search).load_config(rel)


@pytest.mark.parametrize("case", sorted(RULES))
def test_user_file_rules(case: str, tmp_path: Path) -> None:
    rel, text, word = RULES[case]
    write(tmp_path, f"{rel}.yaml", text)
    with pytest.raises(UnsafeConfigError, match=word) as info:
        load_through_hydra(tmp_path, rel)
    assert isinstance(info.value, ConfigError)
    assert str(tmp_path / f"{rel}.yaml") in str(info.value)


def test_plain_user_files_pass(tmp_path: Path) -> None:
    for rel, text in (
        ("strategy/ok", "defaults:\n  - hot\n  - _self_\nname: ok\nmeetings:\n  per_month: 2\n"),
        ("city/ok", "kind: file\nnodes: ${city.edges}\nedges: e.csv\n"),
        ("sim/ok", "days: 30\n"),
    ):
        write(tmp_path, f"{rel}.yaml", text)
        assert load_through_hydra(tmp_path, rel) is not None
    assert set(guard.user_files()) >= {"config:sim/ok.yaml"}


def test_shipped_configs_pass_the_data_rules() -> None:
    """Every shipped strategy file names its strategy; shipped files are trusted otherwise."""
    from omegaconf import OmegaConf

    from cspsim.paths import CONFIG_DIR

    assert guard.is_shipped(f"file://{CONFIG_DIR}")
    for path in sorted((CONFIG_DIR / "strategy").glob("*.yaml")):
        assert guard.strategy_problem(OmegaConf.load(path)) is None, path
    for group in ("city", "sim", "params"):
        for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
            rel = f"{group}/{path.stem}"
            assert guard.user_file_problem(rel, {}, OmegaConf.load(path), []) is None, path


def test_experimental_rerun_of_a_pickle_is_refused(tmp_path: Path, marker: Path) -> None:
    """Hydra's --experimental-rerun unpickles a file: a pickle can run code."""
    import pickle

    class Payload:
        def __reduce__(self):  # unpickling calls Path.touch(marker)
            return (Path.touch, (marker,))

    pkl = tmp_path / "config.pickle"
    pkl.write_bytes(pickle.dumps(Payload()))
    proc = cspsim_run(["--experimental-rerun", str(pkl)], tmp_path)
    assert_refused(proc, marker, ["--experimental-rerun"])


def test_a_cycle_of_includes_is_refused(tmp_path: Path) -> None:
    """a includes b includes a: Hydra recursed until a RecursionError thousands of lines long."""
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/b.yaml", "defaults:\n  - a\n  - _self_\nname: b\n")
    write(cfgs, "strategy/a.yaml", "defaults:\n  - b\n  - _self_\nname: a\n")
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "strategy=a", f"hydra.run.dir={tmp_path / 'r'}"],
        tmp_path,
    )
    out = proc.stderr + proc.stdout
    assert proc.returncode == 2 and "includes itself" in out and "Traceback" not in out


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "strategy" / "x.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(UnsafeConfigError, match="not UTF-8 text") as info:
        load_through_hydra(tmp_path, "strategy/x")
    assert str(path) in str(info.value)


def test_a_user_file_shadowed_by_a_shipped_one_is_refused(tmp_path: Path) -> None:
    """Hydra searches the package first: the user's hotspot.yaml was silently passed over."""
    cfgs = tmp_path / "cfgs"
    write(cfgs, "strategy/hotspot.yaml", "name: hotspot\npatrol:\n  mode: community\n")
    proc = cspsim_run(
        ["--config-dir", str(cfgs), *TINY, "strategy=hotspot", f"hydra.run.dir={tmp_path / 'r'}"],
        tmp_path,
    )
    assert proc.returncode == 2 and "has the name of a shipped config" in proc.stderr + proc.stdout
    assert not (tmp_path / "r" / "run.json").exists()


def test_a_config_dir_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    """Hydra exits 1 (the run failed) on it; it is bad input: 2, naming the flag."""
    proc = cspsim_run(["--config-dir", str(tmp_path / "nope"), *TINY], tmp_path)
    assert (
        proc.returncode == 2
        and "--config-dir" in proc.stderr
        and "no such directory" in proc.stderr
    )
