"""The batched launcher's own logic, without SLURM (issue 14).

``tests/test_cluster.py`` drives ``hydra/launcher=slurm`` end to end on a real (local)
cluster; these tests check the pieces it relies on, fast and anywhere: how runs are cut
into tasks (``split_runs``, ``runs_per_task``), a task's time limit (``task_minutes``), how
``squeue``'s output is read (``SlurmBackend.ended`` and ``earlier_jobs``, with canned
output), how the runs of a task that ended without its result are judged from their run
directories (``_judge_from_disk``: a ``run.json`` older than the task's submission is an
earlier attempt's, not this one's), and the end-of-sweep list of failures.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import tiny_config
from hydra.core.utils import JobStatus
from omegaconf import OmegaConf

from cspsim.output.runner import run_one
from hydra_plugins.cspsim_launcher import _batch
from hydra_plugins.cspsim_launcher._batch import (
    STARTUP_MIN,
    FailureExit,
    SlurmBackend,
    _judge_from_disk,
    runs_per_task,
    split_runs,
    task_minutes,
)


def launcher(tmp_path: Path, cluster: str = "slurm", **params: Any) -> Any:
    """What the helpers read of a launcher: its options, kind and sweep directory."""
    return SimpleNamespace(params=params, cluster=cluster, sweep_dir=tmp_path / "sweep")


# ----- grouping runs into tasks -------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 5, 16, 17, 31, 33, 100, 257])
@pytest.mark.parametrize("per_task", [1, 2, 3, 4, 16, 1000])
def test_split_runs_near_equal_groups_in_order_every_run_once(n: int, per_task: int) -> None:
    runs = [f"run{i}" for i in range(n)]
    groups = split_runs(runs, per_task)
    assert [r for g in groups for r in g] == runs  # order kept, every run exactly once
    assert len(groups) == math.ceil(n / per_task)  # as few tasks as the limit allows
    sizes = [len(g) for g in groups]
    assert all(1 <= s <= per_task for s in sizes)
    assert not sizes or max(sizes) - min(sizes) <= 1  # near-equal, not 16 + 16 + 1


def test_split_runs_examples() -> None:
    assert [len(g) for g in split_runs(list(range(33)), 16)] == [11, 11, 11]
    assert [len(g) for g in split_runs(list(range(10)), 4)] == [4, 3, 3]
    assert split_runs(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert split_runs((1, 2, 3), 0) == [[1], [2], [3]]  # never a task without runs
    assert split_runs([], 16) == []


def test_runs_per_task_option_or_one_task_per_core(tmp_path: Path) -> None:
    assert runs_per_task(launcher(tmp_path, runs_per_task=16), 100) == 16
    cores = os.cpu_count() or 1
    local = launcher(tmp_path, cluster="local", runs_per_task=None)
    assert runs_per_task(local, 10 * cores) == 10
    assert runs_per_task(local, 1) == 1
    assert (
        len(split_runs(list(range(10 * cores + 1)), runs_per_task(local, 10 * cores + 1))) <= cores
    )
    with pytest.raises(ValueError, match="runs_per_task must be >= 1"):
        runs_per_task(launcher(tmp_path, runs_per_task=0), 5)


def test_task_minutes_from_runs_or_timeout(tmp_path: Path) -> None:
    # the default: 16 runs x 3 minutes + start-up (the "limit 53 min" of docs/cluster.md)
    assert task_minutes(launcher(tmp_path, minutes_per_run=3.0), 16) == 16 * 3 + STARTUP_MIN
    assert STARTUP_MIN == 5
    # fractional minutes round up, so a task is never cut short by rounding
    assert task_minutes(launcher(tmp_path, minutes_per_run=0.5), 3) == 2 + STARTUP_MIN
    assert task_minutes(launcher(tmp_path, minutes_per_run=0.25), 1) == 1 + STARTUP_MIN
    # a larger task gets a longer limit
    lim = launcher(tmp_path, minutes_per_run=2.0)
    assert task_minutes(lim, 11) > task_minutes(lim, 10)
    # timeout_min wins over minutes_per_run (None or 0: unset)
    assert task_minutes(launcher(tmp_path, minutes_per_run=3.0, timeout_min=20), 16) == 20
    assert task_minutes(launcher(tmp_path, minutes_per_run=3.0, timeout_min=None), 2) == 11
    assert task_minutes(launcher(tmp_path, minutes_per_run=3.0, timeout_min=0), 2) == 11


# ----- squeue, with canned output -----------------------------------------------------------


class FakeSqueue:
    """Stands for ``_batch._squeue``: records its arguments, answers with canned output."""

    def __init__(self, stdout: str = "", returncode: int = 0, stderr: str = "") -> None:
        self.calls: list[list[str]] = []
        self.answer: subprocess.CompletedProcess | None = subprocess.CompletedProcess(
            ["squeue"], returncode, stdout, stderr
        )

    def __call__(self, args: list[str]) -> subprocess.CompletedProcess | None:
        self.calls.append(list(args))
        return self.answer


def jobs(*ids: str) -> list[Any]:
    return [SimpleNamespace(job_id=i) for i in ids]


@pytest.fixture
def backend(tmp_path: Path) -> SlurmBackend:
    return SlurmBackend(launcher(tmp_path, poll_s=1, scheduler_poll_s=1, lost_grace_s=1))


def test_ended_reads_squeue_states(backend, monkeypatch: pytest.MonkeyPatch) -> None:
    js = jobs("101_0", "101_1", "101_2", "101_3", "101_4", "101_5", "102_0", "102_1")
    squeue = FakeSqueue(
        "101_0|COMPLETED\n"
        "101_1|RUNNING\n"
        "101_2|CANCELLED by 1000\n"
        "101_3|TIMEOUT\n"
        "101_4|PENDING\n"
        " 102_0|OUT_OF_MEMORY \n"
        "102_1|COMPLETING\n"
        # 101_5 missing: purged from the controller's memory
    )
    monkeypatch.setattr(_batch, "_squeue", squeue)
    ended = backend.ended(js, set(range(len(js))))
    assert ended == {
        0: "COMPLETED",
        2: "CANCELLED",
        3: "TIMEOUT",
        5: "no longer in the queue",
        6: "OUT_OF_MEMORY",
    }
    # one squeue call for both arrays, every task of them (-r), finished ones too (-t all)
    (args,) = squeue.calls
    assert args[args.index("-j") + 1] == "101,102"
    assert "-r" in args and args[args.index("-t") + 1] == "all"
    assert args[args.index("-o") + 1] == "%i|%T"


def test_ended_asks_only_about_pending_tasks(backend, monkeypatch) -> None:
    js = jobs("101_0", "102_0", "103_0")
    squeue = FakeSqueue("102_0|FAILED\n")
    monkeypatch.setattr(_batch, "_squeue", squeue)
    assert backend.ended(js, {1}) == {1: "FAILED"}
    assert squeue.calls[0][squeue.calls[0].index("-j") + 1] == "102"


def test_ended_when_squeue_fails_or_forgot_the_jobs(backend, monkeypatch) -> None:
    js = jobs("7_0", "7_1")
    # every job purged: squeue says "Invalid job id specified" and exits 1 -> all ended
    monkeypatch.setattr(
        _batch,
        "_squeue",
        FakeSqueue(returncode=1, stderr="slurm_load_jobs error: Invalid job id specified"),
    )
    assert backend.ended(js, {0, 1}) == {0: "no longer in the queue", 1: "no longer in the queue"}
    # the controller does not answer: nothing is declared ended (retried later)
    monkeypatch.setattr(
        _batch, "_squeue", FakeSqueue(returncode=1, stderr="Unable to contact slurm controller")
    )
    assert backend.ended(js, {0, 1}) == {}
    # squeue could not even run
    none = FakeSqueue()
    none.answer = None
    monkeypatch.setattr(_batch, "_squeue", none)
    assert backend.ended(js, {0, 1}) == {}


def test_earlier_jobs_are_this_sweeps_tag_not_this_process(backend, monkeypatch) -> None:
    other = "cspsim-sweep-000000000000"
    assert backend.tag.startswith("cspsim-sweep-") and backend.tag != other
    squeue = FakeSqueue(
        f"300|{backend.tag}\n301|{other}\n302|{backend.tag}\n303|\n304|{backend.tag}\n"
    )
    monkeypatch.setattr(_batch, "_squeue", squeue)
    monkeypatch.setitem(_batch._OWN_JOBS, backend.tag, {"304"})  # submitted by this process
    assert backend.earlier_jobs() == ["300", "302"]
    monkeypatch.setattr(_batch, "_squeue", FakeSqueue(returncode=1, stderr="down"))
    assert backend.earlier_jobs() == []  # cannot tell: does not block the sweep


def test_the_tag_is_the_sweep_directory(tmp_path: Path) -> None:
    a = SlurmBackend(launcher(tmp_path / "a"))
    assert a.tag == SlurmBackend(launcher(tmp_path / "a")).tag
    assert a.tag != SlurmBackend(launcher(tmp_path / "b")).tag


# ----- judging a task's runs from disk ------------------------------------------------------


@pytest.fixture(scope="module")
def complete_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete run directory of the tiny city (real tables and hashes)."""
    run_dir = tmp_path_factory.mktemp("judge") / "complete"
    assert run_one(tiny_config(), run_dir)["status"] == "complete"
    return run_dir


def _judge(tmp_path, monkeypatch, dirs: dict[str, Path | Exception], since: float | None):
    """``_judge_from_disk`` on runs named by one override each, mapped to ``dirs``."""

    def run_dir_of(_launcher: Any, overrides: list[str]) -> Path:
        target = dirs[overrides[0]]
        if isinstance(target, Exception):
            raise target
        return target

    monkeypatch.setattr(_batch, "run_dir_of", run_dir_of)
    chunk = [([name], i) for i, name in enumerate(dirs)]
    out = _judge_from_disk(launcher(tmp_path), chunk, "task 5_0 ended (CANCELLED)", since)
    return {ret.overrides[0]: ret for ret in out}


def _error(ret: Any) -> str:
    return str(ret._return_value)


def test_judge_from_disk_trusts_run_json_written_after_submission(
    complete_run: Path, tmp_path: Path, monkeypatch
) -> None:
    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / "run.json").write_text(json.dumps({"status": "failed", "error": "Boom: bad"}))
    mtime = (complete_run / "run.json").stat().st_mtime
    dirs = {"a=complete": complete_run, "a=failed": failed, "a=never": tmp_path / "none"}
    for since in (None, mtime - 60, min(mtime, (failed / "run.json").stat().st_mtime) - 1):
        out = _judge(tmp_path, monkeypatch, dirs, since)
        assert out["a=complete"].status == JobStatus.COMPLETED
        assert out["a=failed"].status == JobStatus.FAILED
        assert _error(out["a=failed"]) == "Boom: bad"
        assert out["a=never"].status == JobStatus.FAILED
        assert "task 5_0 ended (CANCELLED) before this run finished" in _error(out["a=never"])


def test_judge_from_disk_ignores_run_json_older_than_the_submission(
    complete_run: Path, tmp_path: Path, monkeypatch
) -> None:
    """A run.json from before the task was submitted is an earlier attempt's outcome: a
    complete run of an earlier sweep is not this task's success, an old failure not its error."""
    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / "run.json").write_text(json.dumps({"status": "failed", "error": "Old: error"}))
    newest = max((p / "run.json").stat().st_mtime for p in (complete_run, failed))
    out = _judge(
        tmp_path, monkeypatch, {"a=complete": complete_run, "a=failed": failed}, newest + 30
    )
    for name in ("a=complete", "a=failed"):
        assert out[name].status == JobStatus.FAILED, name
        assert _error(out[name]) == "task 5_0 ended (CANCELLED) before this run finished"


def test_judge_from_disk_running_damaged_and_bad_override(
    complete_run: Path, tmp_path: Path, monkeypatch
) -> None:
    running = tmp_path / "running"
    running.mkdir()
    (running / "run.json").write_text(json.dumps({"status": "running"}))
    damaged = Path(shutil.copytree(complete_run, tmp_path / "damaged"))
    events = damaged / "events.parquet"
    events.write_bytes(events.read_bytes()[:100])
    out = _judge(
        tmp_path,
        monkeypatch,
        {
            "a=running": running,
            "a=damaged": damaged,
            "a=bad": ValueError("could not compose: no such option"),
        },
        since=None,
    )
    assert out["a=running"].status == JobStatus.FAILED  # killed while running
    assert "before this run finished" in _error(out["a=running"])
    assert out["a=damaged"].status == JobStatus.FAILED
    assert "events.parquet" in _error(out["a=damaged"])  # the integrity check's reason
    assert out["a=bad"].status == JobStatus.FAILED
    assert _error(out["a=bad"]) == "ValueError: could not compose: no such option"
    assert list(out) == ["a=running", "a=damaged", "a=bad"]  # one return per run, in order


# ----- the end of a sweep -------------------------------------------------------------------


def test_failure_exit_lists_failures_and_exits_1(capsys) -> None:
    cfg = {"hydra": {"sweep": {"dir": "multirun/x"}}}
    cb = FailureExit(enabled=True)
    cb.on_multirun_end(OmegaConf.create(cfg))  # nothing failed: no output, no exit
    assert capsys.readouterr().err == ""
    cb.runs = 3
    cb.failures = [("seed=1", "ConfigError: modifiers: unknown\n  neighbourhood 'nowhere'")]
    with pytest.raises(SystemExit) as info:
        cb.on_multirun_end(OmegaConf.create(cfg))
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "1 of 3 runs failed in multirun/x" in err
    assert "seed=1: ConfigError: modifiers: unknown neighbourhood 'nowhere'" in err  # one line
    off = FailureExit(enabled=False)  # fail_exit=false: listed, exit status 0
    off.runs, off.failures = 60, [(f"seed={i}", "Boom") for i in range(_batch.MAX_LISTED + 5)]
    off.on_multirun_end(OmegaConf.create(cfg))
    err = capsys.readouterr().err
    assert f"{_batch.MAX_LISTED + 5} of 60 runs failed" in err and "and 5 more" in err
