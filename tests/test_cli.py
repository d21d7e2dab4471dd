"""End to end: ``cspsim-run`` in a subprocess writes a run directory that meets the contract.

Output contract: ``run.json`` (``status`` "complete" written last, atomically, with seed,
city, strategy, resolved config, versions, git commit, timings, residents, days) and four
Parquet tables (timeseries, places, events, survey) with the documented columns. Bad
overrides exit non-zero, name the offending field and leave no complete run behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TABLES, TINY_CITY, TINY_SIM, gis_city_overrides

from cspsim.api import make_config, simulate
from cspsim.city import CRIME_TYPES
from cspsim.output.rundir import config_dict

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
ARGS = ["city=synthetic", "sim=short", *TINY_CITY, *TINY_SIM, "sim.days=35"]


def cspsim_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [CSPSIM_RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def assert_columns(frame: pd.DataFrame, kinds: dict[str, str], table: str) -> None:
    """Each column exists with the kind of dtype: i(nteger), f(loat), b(ool), s(tring)."""
    for col, kind in kinds.items():
        assert col in frame.columns, f"{table}: missing column {col!r}"
        s = frame[col]
        ok = {
            "i": pd.api.types.is_integer_dtype(s),
            "f": pd.api.types.is_float_dtype(s),
            "n": pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s),
            "b": pd.api.types.is_bool_dtype(s),
            "s": pd.api.types.is_string_dtype(s)
            or pd.api.types.is_object_dtype(s)
            or isinstance(s.dtype, pd.CategoricalDtype),
        }[kind]
        assert ok, f"{table}.{col}: dtype {s.dtype} is not of kind {kind!r}"


TIMESERIES = {
    "day": "i",
    "crimes_true": "i",
    "crimes_recorded": "i",
    **{f"crimes_true_{t}": "i" for t in CRIME_TYPES},
    **{f"crimes_recorded_{t}": "i" for t in CRIME_TYPES},
    "reports": "i",
    "arrests": "i",
    "contacts_positive": "i",
    "contacts_negative": "i",
    "mean_trust": "f",
    "mean_fear": "f",
    "reporting_rate": "f",
    "patrol_hours": "n",
    "program_enrolled": "n",
    "budget_spent": "f",
}
PLACES = {
    "place_id": "s",
    "neighbourhood": "s",
    "month": "i",
    "crimes_true": "i",
    "crimes_recorded": "i",
    "patrol_hours": "f",
    "mean_trust": "f",
    **{f"crimes_true_{t}": "i" for t in CRIME_TYPES},
    **{f"crimes_recorded_{t}": "i" for t in CRIME_TYPES},
}
EVENTS = {
    "day": "i",
    "place_id": "s",
    "crime_type": "s",
    "reported": "b",
    "recorded": "b",
    "discovered": "b",
    "arrest": "b",
}
SURVEY = {
    "day": "i",
    "place_id": "s",
    "group": "s",
    "trust": "i",
    "safety": "i",
    "satisfaction": "i",
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    out = tmp / "run"
    proc = cspsim_run([*ARGS, "strategy=hotspot", "seed=3", f"hydra.run.dir={out}"], tmp)
    assert proc.returncode == 0, proc.stderr
    return out


def test_run_json_contract(run_dir):
    assert not list(run_dir.glob("*.tmp")), "temporary files left behind"
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["status"] == "complete"
    assert meta["seed"] == 3
    assert meta["city"] == "synthetic"
    assert meta["strategy"] == "hotspot"
    assert meta["days"] == 35
    assert meta["residents"] == 1000
    for key in ("wall_seconds", "step_seconds"):
        assert isinstance(meta[key], (int, float)) and meta[key] >= 0, key
    assert meta["step_seconds"] <= meta["wall_seconds"] + 1e-3
    assert "git_commit" in meta and (meta["git_commit"] is None or len(meta["git_commit"]) == 40)
    versions = meta["versions"]
    for pkg in ("python", "cspsim", "mesa", "numpy", "scipy", "pandas", "hydra-core"):
        assert versions.get(pkg), pkg
    # The resolved config is the whole config, the same the Python API builds.
    expected = make_config(
        city="synthetic", strategy="hotspot", seed=3, sim="short", overrides=ARGS[2:]
    )
    assert meta["config"] == json.loads(json.dumps(config_dict(expected), default=str))
    # run.json is the last file written.
    newest_table = max((run_dir / f"{t}.parquet").stat().st_mtime_ns for t in TABLES)
    assert (run_dir / "run.json").stat().st_mtime_ns >= newest_table


def test_tables_contract(run_dir):
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert_columns(ts, TIMESERIES, "timeseries")
    assert ts["day"].tolist() == list(range(35))  # one row per day
    places = pd.read_parquet(run_dir / "places.parquet")
    assert_columns(places, PLACES, "places")
    assert len(places) == 16 * 2 and sorted(places["month"].unique()) == [0, 1]
    assert not places.duplicated(["place_id", "month"]).any()
    events = pd.read_parquet(run_dir / "events.parquet")
    assert_columns(events, EVENTS, "events")
    assert set(events["crime_type"].astype(str)) <= set(CRIME_TYPES)
    assert len(events) == ts["crimes_true"].sum()
    assert set(events["place_id"]) <= set(places["place_id"])
    survey = pd.read_parquet(run_dir / "survey.parquet")
    assert_columns(survey, SURVEY, "survey")
    assert len(survey) > 0
    for col in ("trust", "safety", "satisfaction"):
        assert survey[col].between(1, 5).all(), col
    assert set(survey["day"]) <= {0, 15, 30}


def test_cli_tables_equal_the_python_api(run_dir):
    cfg = make_config(city="synthetic", strategy="hotspot", seed=3, sim="short", overrides=ARGS[2:])
    res = simulate(cfg)
    for name in TABLES:
        disk = pd.read_parquet(run_dir / f"{name}.parquet")
        mem = getattr(res, name).reset_index(drop=True)
        assert list(disk.columns) == list(mem.columns), name
        for col in disk.columns:
            a, b = disk[col], mem[col]
            if isinstance(b.dtype, pd.CategoricalDtype):
                a, b = a.astype(str), b.astype(str)
            np.testing.assert_array_equal(a.to_numpy(), b.to_numpy(), err_msg=f"{name}.{col}")


BAD = {
    "unknown_strategy": (["strategy=nope"], ["strategy", "nope"]),
    "bad_int": (["sim.days=abc"], ["sim.days"]),
    "bad_patrol_mode": (["strategy.patrol.mode=foo"], ["strategy.patrol.mode", "foo"]),
    "unknown_key": (["sim.foo=1"], ["sim.foo"]),
    "appended_unknown_key": (["+sim.foo=1"], ["sim.foo"]),
    "missing_city_file": (
        ["city=file", "city.nodes=no_such_nodes.csv", "city.edges=no_such_edges.csv"],
        ["no_such_nodes.csv"],
    ),
    "negative_seed": (["seed=-1"], ["seed"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_override_fails_naming_the_field(case, tmp_path):
    overrides, words = BAD[case]
    out = tmp_path / "run"
    proc = cspsim_run([*ARGS, *overrides, f"hydra.run.dir={out}"], tmp_path)
    message = proc.stderr + proc.stdout
    assert proc.returncode != 0, message
    for word in words:
        assert word in message, f"{word!r} not in:\n{message}"
    assert "Traceback" not in message, message  # a message for the user, not a crash
    meta = out / "run.json"
    if meta.exists():
        assert json.loads(meta.read_text())["status"] == "failed"
    assert not list(out.glob("*.parquet"))


@pytest.mark.parametrize(
    ("setting", "where", "words"),
    [
        ("hydra.run.dir", "a_file", ["hydra.run.dir", "exists and is not a directory"]),
        ("hydra.run.dir", "a_file/run", ["hydra.run.dir", "lies under a file"]),
        ("hydra.sweep.dir", "a_file", ["hydra.sweep.dir", "exists and is not a directory"]),
    ],
)
def test_output_dir_that_is_a_file_is_bad_input(setting, where, words, tmp_path):
    """A run or sweep directory that is a file: exit 2 and a message naming the setting
    (Hydra's own mkdir printed a FileExistsError traceback and exited 1), nothing written."""
    (tmp_path / "a_file").write_text("not a directory")
    sweep = ["-m", "seed=0,1"] if setting == "hydra.sweep.dir" else []
    proc = cspsim_run([*sweep, *ARGS, f"{setting}={tmp_path / where}"], tmp_path)
    message = proc.stderr + proc.stdout
    assert proc.returncode == 2, message
    for word in words:
        assert word in message, f"{word!r} not in:\n{message}"
    assert "Traceback" not in message, message
    assert (tmp_path / "a_file").read_text() == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_bad_gis_input_fails_naming_the_file(gis_files, tmp_path):
    """``city=gis`` with a shapefile that declares no CRS (no ``.prj``, no ``city.crs``):
    a non-zero exit, a message naming the file and the fix, no table written."""
    nocrs = gis_files["areas_nocrs"]
    out = tmp_path / "run"
    args = [
        "city=gis",
        "sim=short",
        *TINY_SIM,
        *gis_city_overrides(gis_files),
        f"city.areas={nocrs}",
        "city.layer=null",
        f"hydra.run.dir={out}",
    ]
    proc = cspsim_run(args, tmp_path)
    message = proc.stderr + proc.stdout
    assert proc.returncode != 0, message
    assert nocrs.name in message, message
    assert "CRS" in message and "city.crs" in message, message
    assert "Traceback" not in message, message
    meta = out / "run.json"
    if meta.exists():
        assert json.loads(meta.read_text())["status"] == "failed"
    assert not list(out.glob("*.parquet"))
    # The same files with city.crs set: the run completes (the error was the CRS alone).
    proc = cspsim_run([*args, "city.crs=EPSG:32610", "sim.days=5"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(meta.read_text())["status"] == "complete"
    assert sorted(p.stem for p in out.glob("*.parquet")) == sorted(TABLES)


def test_multirun_sweep_over_seeds(tmp_path):
    sweep = tmp_path / "sweep"
    proc = cspsim_run(
        [
            "-m",
            *ARGS,
            "sim.days=10",
            "seed=0,1",
            "hydra/launcher=basic",
            "hydra.callbacks.report.enabled=false",  # the sweep report has its own tests
            f"hydra.sweep.dir={sweep}",
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    metas = [json.loads(p.read_text()) for p in sorted(sweep.rglob("run.json"))]
    assert len(metas) == 2
    assert all(m["status"] == "complete" for m in metas)
    assert sorted(m["seed"] for m in metas) == [0, 1]
    tables = [pd.read_parquet(p) for p in sorted(sweep.rglob("timeseries.parquet"))]
    assert len(tables) == 2 and not tables[0].equals(tables[1])
    assert all(len(t) == 10 for t in tables)


@pytest.mark.parametrize("command", ["demo", "validate", "pilot", "report"])
def test_out_that_is_a_file_fails_before_any_run(command, tmp_path, capsys):
    """``--out`` naming a file: exit 2 at once, naming ``--out`` (cspsim-validate ran all
    its runs, then failed writing the report with a NotADirectoryError traceback;
    cspsim-demo and cspsim-report stopped with a FileExistsError traceback)."""
    from cspsim.cli import demo, pilot
    from cspsim.report import cli as report
    from cspsim.validation import cli as validate

    target = tmp_path / "a_file"
    target.write_text("not a directory")
    argv = ["--out", str(target)]
    if command == "report":
        (tmp_path / "runs").mkdir()
        code = report.main([str(tmp_path / "runs"), *argv])
        (tmp_path / "runs").rmdir()  # still empty: nothing was written
    elif command == "pilot":
        with pytest.raises(SystemExit) as exc:
            pilot.parse_args(argv)
        code = exc.value.code
    else:
        code = {"demo": demo.main, "validate": validate.main}[command](argv)
    assert code == 2
    message = capsys.readouterr().err
    assert "--out" in message and "exists and is not a directory" in message, message
    assert target.read_text() == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


@pytest.mark.parametrize(
    ("command", "argv", "words"),
    [
        ("demo", ["--days", "0"], ["sim.days", "got 0"]),
        ("demo", ["--jobs", "0"], ["--jobs", "got 0"]),
        ("pilot", ["--start-day", "10"], ["--start-day", "at least one month"]),
        ("pilot", ["--selection", "list", "--treated", "nb0", "sim.days=9"], ["end its list"]),
        ("pilot", ["--out", ""], ["--out", "empty path"]),
        ("demo", ["--out", ""], ["--out", "empty path"]),
        # Exit 1, after the output directory was made; --quick once overrode --draws 1.
        ("validate", ["--quick", "nonsense.key=1"], ["nonsense: no such setting"]),
        ("validate", ["--quick", "--draws", "1"], ["--draws", "got 1"]),
    ],
)
def test_bad_options_fail_before_any_run(command, argv, words, tmp_path, capsys):
    """cspsim-demo --days 0 started 81 runs that each failed (exit 1); --jobs 0 ran; a
    pilot starting on day 10 failed inside the sweep. Now each stops at once, exit 2."""
    from cspsim.cli import demo, pilot
    from cspsim.validation import cli as validate

    out = tmp_path / "out"
    argv = [*argv, "--out", str(out)]
    if command == "pilot":
        with pytest.raises(SystemExit) as exc:
            pilot.parse_args(argv)
        code = exc.value.code
    else:
        try:
            code = {"demo": demo.main, "validate": validate.main}[command](argv)
        except SystemExit as exc:  # the parser's refusals
            code = exc.code
    assert code == 2
    message = capsys.readouterr().err
    for word in words:
        assert word in message, message
    assert not out.exists()


def test_bad_design_option_is_bad_input(tmp_path):
    """A pilot larger than the city: the sweep's ConfigError came out as a traceback with
    exit 1 ("a run failed"); now its message and exit 2, like any bad setting."""
    sweep = tmp_path / "sweep"
    proc = cspsim_run(
        ["-m", "experiment=pilot_power", *ARGS[:-1], "sim.days=60", "sim.burn_in_days=5",
         "modifiers.rollout.start_day=30", "hydra.sweeper.options.sizes=[50]",
         "hydra.sweeper.options.durations=[1]", "hydra.sweeper.params.seed='range(0,2)'",
         "hydra/launcher=basic", f"hydra.sweep.dir={sweep}"],
        tmp_path,
    )  # fmt: skip
    message = proc.stderr + proc.stdout
    assert proc.returncode == 2, message
    assert "hydra.sweeper.options.sizes" in message and "at most" in message, message
    assert "Traceback" not in message, message
