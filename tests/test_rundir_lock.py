"""Issue 9, defect 5: good results are never deleted; a run directory has one writer.

A rerun with a typo into a complete run directory deleted its tables and marked it failed;
two writers shared one ``*.parquet.tmp`` name and one's failure handler deleted the other's
tables; a killed sweep's joblib workers went on finishing runs. Now: an atomic lock file
(O_EXCL, pid and host, stale-lock detection), temporary files per writer, a failure removes
only its own files, a complete run is refused to a later run of another config, and a
killed sweep's workers stop.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TABLES, TINY_CITY, tiny_config

from cspsim.cli import watchdog
from cspsim.errors import RunDirError
from cspsim.output import lock as lockmod
from cspsim.output import rundir
from cspsim.output.integrity import inspect_run
from cspsim.output.lock import LOCK, RunDirBusy, RunLock
from cspsim.output.runner import RunDirConflict, run_one

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=5"]


def digest(run_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a run directory (its run.json and tables)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(run_dir.iterdir())
        if p.is_file() and (p.suffix == ".parquet" or p.name == "run.json")
    }


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def clean_env() -> dict[str, str]:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    return env


# ----- the lock ---------------------------------------------------------------------------


def test_second_writer_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    with RunLock(tmp_path / "run") as held:
        info = json.loads(held.path.read_text())
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        with pytest.raises(RunDirBusy, match=f"pid {os.getpid()}") as err:
            RunLock(tmp_path / "run")
        assert isinstance(err.value, RunDirError)
    assert not (tmp_path / "run" / LOCK).exists()  # released
    RunLock(tmp_path / "run").release()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    stale = {"pid": dead_pid(), "host": socket.gethostname(), "token": "dead-beef"}
    (run_dir / LOCK).write_text(json.dumps(stale))
    (run_dir / "events.parquet.dead-beef.tmp").write_text("half a table")
    (run_dir / "events.parquet.other-1234.tmp").write_text("someone else's")
    meta = run_one(tiny_config(), run_dir)
    assert meta["status"] == "complete"
    assert not (run_dir / "events.parquet.dead-beef.tmp").exists()  # the dead writer's temp
    assert (run_dir / "events.parquet.other-1234.tmp").exists()  # not this writer's to delete


def test_lock_from_another_host_is_stale_only_without_heartbeat(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    path = run_dir / LOCK
    path.write_text(json.dumps({"pid": 1, "host": "elsewhere", "token": "t"}))
    with pytest.raises(RunDirBusy, match="elsewhere"):
        RunLock(run_dir)
    old = time.time() - lockmod.STALE_S - 5
    os.utime(path, (old, old))  # its writer stopped refreshing it
    held = RunLock(run_dir)
    assert held.previous and held.previous["host"] == "elsewhere"
    held.release()


def test_heartbeat_refreshes_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lockmod, "HEARTBEAT_S", 0.05)
    held = RunLock(tmp_path / "run")
    old = time.time() - 1000
    os.utime(held.path, (old, old))
    time.sleep(0.3)
    assert time.time() - held.path.stat().st_mtime < 5
    held.release()


def test_temporary_files_are_the_writers_own(tmp_path: Path) -> None:
    a = RunLock(tmp_path / "a")
    b = RunLock(tmp_path / "b")
    assert a.token != b.token
    assert a.tmp("events.parquet").name != b.tmp("events.parquet").name.replace(b.token, "")
    assert a.token in a.tmp("events.parquet").name
    a.release()
    b.release()


# ----- failures delete only their own files; complete runs are never replaced -------------


def test_failure_removes_only_what_its_writer_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    foreign = run_dir / "survey.parquet"  # left by an earlier, killed attempt
    foreign.write_text("not this writer's")
    original = rundir._write_table

    def failing(frame, final, tmp, created):  # the second table fails mid-way
        if final.name == "places.parquet":
            created.append(tmp)
            tmp.write_text("partial")
            raise OSError("disk full")
        original(frame, final, tmp, created)

    monkeypatch.setattr(rundir, "_write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        run_one(tiny_config(), run_dir)
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["status"] == "failed" and "disk full" in meta["error"]
    assert not (run_dir / "timeseries.parquet").exists()  # its own table: removed
    assert not list(run_dir.glob("*.tmp"))
    assert foreign.read_text() == "not this writer's"  # another's file: kept


@pytest.mark.parametrize(
    ("override", "code", "word"),
    [
        ("strategy.patrol.mode=hotspt", 2, "strategy.patrol.mode"),  # the typo of the issue
        ("sim.days=abc", 2, "sim.days"),  # a wrong type
        ("seed=5", 3, "holds a complete run of another config"),
    ],
)
def test_a_later_run_never_touches_a_complete_run(
    override: str, code: int, word: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    first = subprocess.run(
        [CSPSIM_RUN, *TINY, f"hydra.run.dir={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env=clean_env(),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = digest(out)
    proc = subprocess.run(
        [CSPSIM_RUN, *TINY, override, f"hydra.run.dir={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env=clean_env(),
    )  # fmt: skip
    assert proc.returncode == code, proc.stderr
    assert word in proc.stderr
    assert digest(out) == before
    assert inspect_run(out).status == "complete"


def test_run_one_refuses_another_config_and_writes_nothing(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_one(tiny_config(), run_dir)
    before = digest(run_dir)
    with pytest.raises(RunDirConflict, match="never overwritten"):
        run_one(tiny_config(seed=1), run_dir)
    assert run_one(tiny_config(seed=1), run_dir, raise_errors=False)["status"] == "failed"
    assert digest(run_dir) == before


# ----- two processes on one run directory ---------------------------------------------------

WRITER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {tests!r})
    from conftest import tiny_config
    from cspsim.errors import RunDirError
    from cspsim.output.runner import run_one
    cfg = tiny_config(overrides=["sim.days=300"])
    try:
        meta = run_one(cfg, {run_dir!r})
        print(json.dumps({{"outcome": "skipped" if meta.get("skipped") else "wrote"}}))
    except RunDirError as exc:
        print(json.dumps({{"outcome": "busy", "error": str(exc)}}))
    """
)


def test_two_writers_on_one_run_directory(tmp_path: Path) -> None:
    """The second process finds the lock and writes nothing; the run is intact."""
    run_dir = tmp_path / "run"
    code = WRITER.format(tests=str(Path(__file__).parent), run_dir=str(run_dir))
    first = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (run_dir / LOCK).exists() and time.time() < deadline:
        time.sleep(0.01)
    assert (run_dir / LOCK).exists(), "the first writer never took the lock"
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    out_first, _ = first.communicate(timeout=120)
    outcomes = [json.loads(out_first.splitlines()[-1]), json.loads(second.stdout.splitlines()[-1])]
    assert outcomes[0]["outcome"] == "wrote"
    assert outcomes[1]["outcome"] in ("busy", "skipped"), outcomes
    if outcomes[1]["outcome"] == "busy":
        assert f"pid {first.pid}" in outcomes[1]["error"]
    state = inspect_run(run_dir)
    assert state.status == "complete", state.reason
    assert all((run_dir / f"{t}.parquet").exists() for t in TABLES)
    assert not list(run_dir.glob("*.tmp")) and not (run_dir / LOCK).exists()


# ----- a killed sweep stops its workers -----------------------------------------------------


def test_kill_descendants(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.pid in watchdog.descendants(os.getpid())
        assert child.pid in watchdog.kill_descendants(signal.SIGTERM)
        assert child.wait(timeout=10) != 0
    finally:
        child.kill()


def _statuses(sweep: Path) -> dict[str, str]:
    out = {}
    for path in sweep.rglob("run.json"):
        try:
            out[str(path.parent)] = json.loads(path.read_text())["status"]
        except (OSError, ValueError):
            continue
    return out


@pytest.mark.slow  # joblib's workers take 10-30 s to start on 2 shared cores
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_sweep_stops_its_workers(sig: int, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    cmd = [CSPSIM_RUN, "-m", *TINY, "sim.days=3000", "seed=0,1,2,3", "hydra.launcher.n_jobs=2",
           "hydra.callbacks.report.enabled=false", f"hydra.sweep.dir={sweep}"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 180
    while time.time() < deadline and "running" not in _statuses(sweep).values():
        time.sleep(0.2)
    assert "running" in _statuses(sweep).values(), "no run started"
    workers = watchdog.descendants(proc.pid)
    assert workers
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    time.sleep(3)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and _not_zombie(pid)]
    assert not alive, f"workers still running after the sweep was killed: {alive}"
    done = {d for d, s in _statuses(sweep).items() if s == "complete"}
    time.sleep(5)
    assert {d for d, s in _statuses(sweep).items() if s == "complete"} == done


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_a_resumed_sweep_never_overwrites_runs_of_another_config(tmp_path: Path) -> None:
    """Same run directories, another config (sim.days left out of the names): refused,
    listed in the report, the runs untouched."""
    sweep = tmp_path / "sweep"
    names = "hydra.job.config.override_dirname.exclude_keys=[hydra.sweep.dir,sim.days]"
    base = [CSPSIM_RUN, "-m", *TINY, "seed=0,1", names, "hydra/launcher=basic",
            f"hydra.sweep.dir={sweep}"]  # fmt: skip
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 300}
    first = subprocess.run([*base, "hydra.callbacks.report.enabled=false"], **run, env=clean_env())
    assert first.returncode == 0, first.stderr
    dirs = sorted(p.parent for p in sweep.rglob("run.json"))
    before = {d: digest(d) for d in dirs}
    second = subprocess.run([*base[:-1], "sim.days=6", base[-1]], **run, env=clean_env())
    assert "another config" in second.stdout + second.stderr
    assert {d: digest(d) for d in dirs} == before
    report = (sweep / "report.md").read_text()
    assert "**2 of another config**" in report and "0 complete run(s) counted" in report
