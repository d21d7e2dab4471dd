"""Sweeps through ``cspsim-run -m`` on a tiny city: launchers, resume, failures, the report.

Each test runs the real command in a subprocess (Hydra owns the process), on the tiny
synthetic city of ``conftest.py`` for a few weeks, so a run takes well under a second and
the cost is Hydra's start-up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import TINY_CITY, TINY_SIM

from cspsim.analysis.runs import collect_runs
from cspsim.output import TABLES
from cspsim.output.manifest import read_manifest

RUN = [sys.executable, "-m", "cspsim.cli.run"]
TINY = ["city=synthetic", "sim=short", *TINY_CITY, *TINY_SIM]


def cspsim_run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run ``cspsim-run`` with arguments; fail the test with its output on error."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    proc = subprocess.run([*RUN, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def run_dirs(sweep: Path) -> dict[str, Path]:
    """Run directories of a sweep by their path relative to it."""
    return {str(p.parent.relative_to(sweep)): p.parent for p in sweep.rglob("run.json")}


def complete(sweep: Path) -> list[Path]:
    """Run directories whose run.json says complete (read without the analysis code)."""
    out = []
    for d in run_dirs(sweep).values():
        try:
            if json.loads((d / "run.json").read_text()).get("status") == "complete":
                out.append(d)
        except (OSError, ValueError):
            pass
    return out


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 strategies x 2 seeds sweep on the joblib launcher, ending with its report."""
    sweep = tmp_path_factory.mktemp("sweep") / "joblib"
    cspsim_run(
        "-m", *TINY, "strategy=reactive,hotspot", "seed=0,1",
        f"hydra.sweep.dir={sweep}", "hydra.launcher.n_jobs=2",
    )  # fmt: skip
    return sweep


def test_joblib_multirun_writes_every_run_and_the_report(tiny_sweep: Path) -> None:
    dirs = run_dirs(tiny_sweep)
    assert len(dirs) == 4
    # Stable names: the fixed overrides once, then what varies.
    assert {Path(d).name for d in dirs} == {
        f"seed={s},strategy={n}" for s in (0, 1) for n in ("reactive", "hotspot")
    }
    for d in dirs.values():
        assert json.loads((d / "run.json").read_text())["status"] == "complete"
        assert all((d / f"{t}.parquet").exists() for t in TABLES)
    manifest = read_manifest(tiny_sweep)
    assert manifest is not None and len(manifest["jobs"]) == 4
    # Multirun ends by writing the report.
    for name in ("report.md", "report.html", "summary.csv"):
        assert (tiny_sweep / name).exists(), name
    assert len(pd.read_csv(tiny_sweep / "summary.csv")) == 4


@pytest.mark.slow  # submitit polls its jobs: about 15-30 s for four tiny runs
def test_submitit_local_gives_identical_results(tiny_sweep: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "submitit"
    cspsim_run(
        "-m", *TINY, "strategy=reactive,hotspot", "seed=0,1", "hydra/launcher=submitit_local",
        f"hydra.sweep.dir={sweep}", "hydra.callbacks.report.enabled=false",
    )  # fmt: skip
    a, b = run_dirs(tiny_sweep), run_dirs(sweep)
    assert set(a) == set(b)
    for rel in a:
        for table in TABLES:
            pd.testing.assert_frame_equal(
                pd.read_parquet(a[rel] / f"{table}.parquet"),
                pd.read_parquet(b[rel] / f"{table}.parquet"),
            )


def test_killed_sweep_resumes_with_the_same_command(tiny_sweep: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "killed"
    args = [
        "-m", *TINY, "seed=range(0,6)", "hydra.launcher.n_jobs=1",
        f"hydra.sweep.dir={sweep}", "hydra.callbacks.report.enabled=false",
    ]  # fmt: skip
    proc = subprocess.Popen(
        [*RUN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            if len(complete(sweep)) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = collect_runs(sweep)
    assert 2 <= len(before.runs) < 6, "the sweep should be killed halfway"
    assert len(before.missing) + len(before.incomplete) == 6 - len(before.runs)
    stamps = {d: Path(d, "run.json").stat().st_mtime_ns for d in before.runs["run_dir"]}

    cspsim_run(*args)
    after = collect_runs(sweep)
    assert len(after.runs) == 6 and not (after.missing or after.incomplete or after.failed)
    assert sorted(after.runs["seed"]) == list(range(6))
    for d, stamp in stamps.items():  # complete runs were not run again
        assert Path(d, "run.json").stat().st_mtime_ns == stamp
    # One worker here, two in the joblib sweep (and a kill in between): the same runs.
    two = run_dirs(tiny_sweep)
    one = run_dirs(sweep)
    for seed in (0, 1):
        a = next(v for k, v in two.items() if k.endswith(f"seed={seed},strategy=reactive"))
        b = next(v for k, v in one.items() if k.endswith(f"seed={seed}"))
        for table in TABLES:
            pd.testing.assert_frame_equal(
                pd.read_parquet(a / f"{table}.parquet"), pd.read_parquet(b / f"{table}.parquet")
            )


def test_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    sweep = tmp_path / "failing"
    proc = subprocess.run(
        [*RUN, "-m", *TINY, "strategy=neighbourhood_watch", "strategy.watch.coverage=0.5,7",
         "hydra.launcher.n_jobs=1", f"hydra.sweep.dir={sweep}"],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    # The sweep carries on, writes its report, then lists the failure and exits 1 (it
    # exited 0 with Hydra's launchers: a script could not tell).
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "1 run failed" in proc.stderr and "strategy.watch.coverage" in proc.stderr
    rs = collect_runs(sweep)
    assert len(rs.runs) == 1
    (rel, error), *_ = rs.failed.items()
    assert "strategy.watch.coverage=7" in rel and "strategy.watch.coverage" in error
    report = (sweep / "report.md").read_text()
    assert "1 failed" in report and "strategy.watch.coverage" in report


def test_report_of_a_small_sweep(tiny_sweep: Path, tmp_path: Path) -> None:
    from cspsim.report.build import build_report

    md = build_report(tiny_sweep, tmp_path)
    text = md.read_text()
    for section in (
        "What each scenario changes, against reactive",
        "Levels per scenario",
        "Crime by type",
        "Fairness",
        "Displacement around targeted places",
        "Cost",
        "Over time",
        "Where: change per place",
    ):
        assert section in text, section
    assert "| hotspot | 2 |" in text  # two paired seeds behind each difference
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == text.count("![")  # figures embedded
    assert "figures/" not in html
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert sorted(summary["scenario"]) == ["hotspot", "hotspot", "reactive", "reactive"]
    assert {"crimes_true", "trust", "negative_per_1000_b", "satisfaction", "cost"} <= set(
        summary.columns
    )


def test_uncertainty_design_runs_draws_and_seeds_and_reports_them(tmp_path: Path) -> None:
    """``experiment=uncertainty``: draws x strategies and seed replicates, through the launcher,
    then the report's intervals (the draws' table written before any run)."""
    sweep = tmp_path / "unc"
    cspsim_run(
        "-m", "experiment=uncertainty", *TINY, "strategy=reactive,hotspot",
        "hydra.sweeper.options.draws=3", "hydra.sweeper.options.seeds=2",
        f"hydra.sweep.dir={sweep}", "hydra.launcher.n_jobs=2",
    )  # fmt: skip
    draws = pd.read_csv(sweep / "uncertainty" / "draws.csv")
    assert list(draws["seed"]) == [1000, 1001, 1002]
    manifest = read_manifest(sweep)
    stages = pd.Series([j["stage"] for j in manifest["jobs"]]).value_counts().to_dict()
    assert stages == {"seeds": 4, "draws": 6}
    assert len(complete(sweep)) == 10
    iv = pd.read_csv(sweep / "uncertainty.csv")
    hot = iv[(iv["scenario"] == "hotspot") & (iv["outcome"] == "crimes_true")].iloc[0]
    assert hot["n"] == 3
    assert "## With parameter uncertainty" in (sweep / "report.md").read_text()
    # A draw's run really used its parameters.
    run = next(p for p in run_dirs(sweep).values() if "draws/0/hotspot" in str(p))
    cfg = json.loads((run / "run.json").read_text())["config"]
    assert cfg["params"]["crime"]["police_deterrence"] == pytest.approx(
        draws.loc[0, "params.crime.police_deterrence"]
    )


def test_a_baseline_that_is_none_of_the_sweeps_scenarios_is_refused() -> None:
    """A mistyped baseline once silently compared everything with reactive (or the first)."""
    from cspsim.errors import ConfigError
    from cspsim.experiments.sweep import Job, check_baseline

    jobs = [Job("a", ["strategy=reactive", "seed=0"]), Job("b", ["strategy=mine", "seed=0"])]
    check_baseline("mine", jobs)
    check_baseline(None, jobs)
    with pytest.raises(ConfigError, match=r"options.baseline: 'nosuch' .*\['mine', 'reactive'\]"):
        check_baseline("nosuch", jobs)
    check_baseline("counterfactual", [Job("x", [], arm="counterfactual"), Job("y", [], arm="n4")])


def test_a_refused_baseline_leaves_the_sweeps_manifest_as_it_was(tmp_path: Path) -> None:
    """The refusal came after ``sweep.json`` and ``multirun.yaml`` were written: a new sweep
    directory looked like an empty sweep, and a resumed one lost the list of its jobs."""
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    before = '{"design": "grid", "jobs": [{"subdir": "seed=0,strategy=reactive"}]}'
    (sweep / "sweep.json").write_text(before)
    proc = subprocess.run(
        [*RUN, "-m", *TINY, "experiment=compare_strategies", "strategy=reactive,hotspot",
         "seed=0", "hydra.sweeper.options.baseline=reactve", f"hydra.sweep.dir={sweep}"],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "'reactve' is not a scenario of this sweep" in proc.stderr
    assert (sweep / "sweep.json").read_text() == before
    assert sorted(p.name for p in sweep.iterdir()) == ["sweep.json"]


def test_a_report_that_fails_half_way_writes_nothing(
    tiny_sweep: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash in a section once left summary.csv and figures without report.md."""
    import cspsim.report.build as build

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a section failed")

    monkeypatch.setattr(build, "_sections", broken)
    out = tmp_path / "report"
    with pytest.raises(RuntimeError, match="a section failed"):
        build.build_report(tiny_sweep, out)
    assert list(out.iterdir()) == []  # no summary, no figures, no staging left
    monkeypatch.undo()
    md = build.build_report(tiny_sweep, out)
    assert md.is_file() and (out / "summary.csv").is_file() and (out / "report.html").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".report-")]
