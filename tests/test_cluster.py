"""Sweeps on a real SLURM: ``hydra/launcher=slurm`` against a single-node cluster.

The module starts its own cluster with ``tools/slurm-local.sh start`` (Debian's slurm-wlm,
installed when missing) in a fresh ``$SLURM_LOCAL_DIR`` on free ports, and stops it at the
end. Every sweep is the real command in a subprocess, on a tiny synthetic city, so a run takes
well under a second and the cost is Hydra's and each task's start-up. The tests:

* a sweep on SLURM (2 runs per array task) writes tables byte-identical to the same sweep on
  joblib (and so does ``hydra/launcher=ray`` on a local Ray, where it is installed);
* a run that fails inside a task does not stop the task's other runs; the sweep writes its
  report, lists the failure and exits 1;
* ``scancel`` of the whole sweep mid-way, then the same command again, finishes the missing
  runs and leaves the complete ones untouched.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TINY_CITY

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "slurm-local.sh"
RUN = [sys.executable, "-m", "cspsim.cli.run"]
#: The tiny city for ten days (the longer sweep of the cancel test: 1,500 days, ~2 s a run).
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=5"]
#: The batched launcher, polling often (a real site keeps the defaults: 5 s and 30 s).
SLURM = [
    "hydra/launcher=slurm",
    "hydra.launcher.poll_s=0.5",
    "hydra.launcher.scheduler_poll_s=1",
    "hydra.launcher.lost_grace_s=2",
]
NO_REPORT = "hydra.callbacks.report.enabled=false"


def _free_port_pair() -> int:
    """A port p with p and p + 1 free on the loopback (slurmctld and slurmd)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65000:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of ports")


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict[str, str]]:
    """A running single-node cluster; the environment that points SLURM's commands at it."""
    # Short path: munge's socket lives under it (unix socket paths are at most 107 bytes).
    local = Path(tempfile.mkdtemp(prefix="cspsim-slurm-", dir="/tmp"))
    env = {
        **os.environ,
        "SLURM_LOCAL_DIR": str(local),
        "SLURM_LOCAL_PORT": str(_free_port_pair()),
        "SLURM_CONF": str(local / "etc" / "slurm.conf"),
        "HYDRA_FULL_ERROR": "1",
    }

    def stop() -> None:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(local, ignore_errors=True)

    try:
        proc = subprocess.run(
            [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired:
        stop()
        pytest.fail("tools/slurm-local.sh start took more than 15 minutes")
    if proc.returncode != 0:
        stop()
        if shutil.which("slurmctld") is None or shutil.which("slurmd") is None:
            pytest.skip(f"SLURM could not be installed (apt-get): {proc.stderr.strip()[-500:]}")
        pytest.fail(f"the local cluster did not start:\n{proc.stderr[-3000:]}")
    try:
        yield env
    finally:
        stop()


def cspsim_run(
    env: dict[str, str], *args: str, expect: int = 0, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run ``cspsim-run`` with ``args``; fail the test unless it exits with ``expect``."""
    proc = subprocess.run([*RUN, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == expect, proc.stdout[-3000:] + proc.stderr[-5000:]
    return proc


def table_hashes(sweep: Path) -> dict[str, str]:
    """SHA-256 of every Parquet table of a sweep, by its path relative to the sweep."""
    return {
        str(p.relative_to(sweep)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(sweep.rglob("*.parquet"))
    }


def statuses(sweep: Path) -> dict[str, str]:
    """``status`` of every run.json of a sweep, by run directory (relative)."""
    out = {}
    for p in sweep.rglob("run.json"):
        try:
            out[str(p.parent.relative_to(sweep))] = json.loads(p.read_text())["status"]
        except (OSError, ValueError, KeyError):
            out[str(p.parent.relative_to(sweep))] = "unreadable"
    return out


def task_dirs(sweep: Path) -> list[Path]:
    """submitit's folders of the sweep's tasks (``<array>_<task>``, or ``<job>`` alone)."""
    return sorted(p.parent for p in (sweep / ".submitit").glob("*/*_log.out"))


#: The sweep of the identical-tables tests: 2 strategies x 3 seeds, ten days.
GRID = [*TINY, "sim.days=10", "strategy=reactive,hotspot", "seed=0,1,2"]


@pytest.fixture(scope="module")
def joblib_hashes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Table hashes of :data:`GRID` on the joblib launcher (2 workers)."""
    sweep = tmp_path_factory.mktemp("joblib") / "sweep"
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    cspsim_run(env, "-m", *GRID, "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={sweep}", NO_REPORT)
    hashes = table_hashes(sweep)
    assert len(hashes) == 24
    return hashes


def test_slurm_sweep_tables_identical_to_joblib(
    cluster: dict[str, str], joblib_hashes: dict[str, str], tmp_path: Path
) -> None:
    slurm = tmp_path / "slurm"
    proc = cspsim_run(
        cluster, "-m", *GRID, *SLURM, "hydra.launcher.runs_per_task=2",
        f"hydra.sweep.dir={slurm}", NO_REPORT,
    )  # fmt: skip
    # One array job of three tasks, two runs each, run one after the other.
    tasks = task_dirs(slurm)
    assert len(tasks) == 3 and len({t.name.split("_")[0] for t in tasks}) == 1, tasks
    for task in tasks:
        log = next(task.glob("*_log.out")).read_text()
        assert "run 1 of 2" in log and "run 2 of 2" in log, log[-2000:]
    assert "6 runs as 3 tasks of up to 2 runs" in proc.stdout + proc.stderr
    assert set(statuses(slurm).values()) == {"complete"} and len(statuses(slurm)) == 6
    manifest = json.loads((slurm / "sweep.json").read_text())
    assert len(manifest["jobs"]) == 6
    assert table_hashes(slurm) == joblib_hashes


@pytest.mark.skipif(
    importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is None,
    reason="hydra-ray-launcher is not installed (optional; see docs/cluster.md)",
)
def test_ray_sweep_tables_identical_to_joblib(
    joblib_hashes: dict[str, str], tmp_path: Path
) -> None:
    """``hydra/launcher=ray`` on a local Ray, where hydra-ray-launcher is installed.

    It is not a dependency (docs/cluster.md: it pins cloudpickle<3 and pulls in Ray and
    boto3); with ``pip install hydra-ray-launcher==1.2.2`` (Ray 2.60) this test runs.
    """
    sweep = tmp_path / "ray"
    env = {**os.environ, "HYDRA_FULL_ERROR": "1", "RAY_AUTH_MODE": "disabled"}
    cspsim_run(
        env, "-m", *GRID, "hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2",
        "+hydra.launcher.ray.init.include_dashboard=false", f"hydra.sweep.dir={sweep}",
        NO_REPORT,
    )  # fmt: skip
    assert table_hashes(sweep) == joblib_hashes


def test_failed_run_does_not_stop_its_task(cluster: dict[str, str], tmp_path: Path) -> None:
    sweep = tmp_path / "failing"
    # Three runs in one task; the second treats a neighbourhood the city does not have.
    proc = cspsim_run(
        cluster, "-m", *TINY, "sim.days=10", "strategy=hotspot",
        "modifiers.rollout.treated=[nb0],[nowhere],[nb1]", *SLURM,
        "hydra.launcher.runs_per_task=3", f"hydra.sweep.dir={sweep}", expect=1,
    )  # fmt: skip
    assert len(task_dirs(sweep)) == 1
    st = statuses(sweep)
    bad = next(k for k in st if "nowhere" in k)
    assert st.pop(bad) == "failed"
    assert list(st.values()) == ["complete", "complete"]
    meta = json.loads((sweep / bad / "run.json").read_text())
    assert "unknown neighbourhood 'nowhere'" in meta["error"]
    # The run after the failed one ran in the same task, after it.
    after = next(k for k in st if "nb1" in k)
    assert (sweep / after / "run.json").stat().st_mtime > (sweep / bad / "run.json").stat().st_mtime
    # The report first (the exit would have skipped it), then the failures, then status 1.
    assert (sweep / "report.md").exists() and "1 failed" in (sweep / "report.md").read_text()
    assert "1 of 3 runs failed" in proc.stderr
    assert bad in proc.stderr and "unknown neighbourhood 'nowhere'" in proc.stderr


def test_scancel_mid_way_then_the_same_command_resumes(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    sweep = tmp_path / "cancelled"
    args = [
        "-m", *TINY, "sim.days=1500", "seed=range(0,6)", *SLURM,
        "hydra.launcher.runs_per_task=2", f"hydra.sweep.dir={sweep}", NO_REPORT,
    ]  # fmt: skip
    proc = subprocess.Popen(
        [*RUN, *args], env=cluster, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.time() + 180
        while time.time() < deadline and proc.poll() is None:
            if list(statuses(sweep).values()).count("complete") >= 2:
                break
            time.sleep(0.1)
        jobs = subprocess.run(
            ["squeue", "-h", "-o", "%A"], env=cluster, capture_output=True, text=True, check=True
        ).stdout.split()
        assert jobs, "the sweep's array job should still be in the queue"
        subprocess.run(["scancel", *sorted(set(jobs))], env=cluster, check=True)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The command saw the cancelled tasks, listed their runs, and exited 1.
    assert proc.returncode == 1, out[-2000:] + err[-3000:]
    done = [k for k, v in statuses(sweep).items() if v == "complete"]
    assert 2 <= len(done) < 6
    assert f"{6 - len(done)} of 6 runs failed" in err, err[-3000:]
    stamps = {k: (sweep / k / "run.json").stat().st_mtime_ns for k in done}
    hashes = table_hashes(sweep)

    proc = cspsim_run(cluster, *args)
    st = statuses(sweep)
    assert len(st) == 6 and set(st.values()) == {"complete"}
    assert f"{len(done)} of 6 runs already complete (skipped)" in proc.stdout + proc.stderr
    for k, stamp in stamps.items():  # complete runs were neither rerun nor rewritten
        assert (sweep / k / "run.json").stat().st_mtime_ns == stamp
    after = table_hashes(sweep)
    for k in done:
        for name in ("timeseries", "places", "events", "survey"):
            key = f"{k}/{name}.parquet"
            assert after[key] == hashes[key]


def test_a_sweep_still_running_is_not_submitted_twice(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    # A job tagged as an earlier submission of this sweep (its command was killed hard).
    sweep = tmp_path / "twice"
    tag = "cspsim-sweep-" + hashlib.sha1(str(sweep.resolve()).encode()).hexdigest()[:12]
    out = subprocess.run(
        ["sbatch", "--parsable", f"--comment={tag}", "--wrap", "sleep 300"],
        env=cluster, capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout  # fmt: skip
    earlier = out.strip().split(";")[0]
    try:
        proc = cspsim_run(
            cluster, "-m", *TINY, "sim.days=10", "seed=0,1", *SLURM,
            f"hydra.sweep.dir={sweep}", NO_REPORT, expect=1,
        )  # fmt: skip
    finally:
        subprocess.run(["scancel", earlier], env=cluster, check=False)
    assert f"jobs {earlier} of an earlier submission of this sweep" in proc.stderr
    assert "2 of 2 runs failed" in proc.stderr
    assert not (sweep / ".submitit").exists()  # nothing was submitted


def test_local_batched_launcher_same_tables(joblib_hashes: dict[str, str], tmp_path: Path) -> None:
    """``hydra/launcher=cspsim_submitit_local``: the same batching without SLURM."""
    sweep = tmp_path / "local"
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    proc = cspsim_run(
        env, "-m", *GRID, "hydra/launcher=cspsim_submitit_local", "hydra.launcher.poll_s=0.2",
        f"hydra.sweep.dir={sweep}", NO_REPORT,
    )  # fmt: skip
    cores = os.cpu_count() or 1
    assert f"6 runs as {min(6, cores)} local tasks" in proc.stdout + proc.stderr
    assert table_hashes(sweep) == joblib_hashes
