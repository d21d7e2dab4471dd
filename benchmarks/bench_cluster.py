"""Cluster benchmark: scheduling overhead of SLURM (batched tasks) against joblib.

Starts a single-node SLURM with ``tools/slurm-local.sh`` (its own ``$SLURM_LOCAL_DIR`` and
ports; stopped at the end) and runs the same San Francisco sweeps twice: on the joblib
launcher with 2 workers, and through ``hydra/launcher=slurm`` (cspsim's batched launcher) on
the local cluster, whose partition has the same 2 cores. Reports are off in both, so the
difference is scheduling: submission, the scheduler's latency, each task's Python start-up,
unpickling, and the polling of the submitting command.

Overhead per run = (SLURM wall time - joblib wall time) x cores / runs, as a share of the mean
run time (``wall_seconds`` in run.json). Cases:

* ``short``: 8 runs of ``sim.days=120``, 4 runs per task (one task per core), and the same
  with 1 run per task (what Hydra's submitit launcher does: one task per run);
* ``default``: 32 default runs (a year), 16 runs per task (the launcher's default).

Then the peak resident memory of single runs (``cspsim-run``, the whole process) for the
memory rule of docs/cluster.md.

Usage::

    .venv/bin/python benchmarks/bench_cluster.py            # writes benchmarks/results/
    .venv/bin/python benchmarks/bench_cluster.py --cases short --no-memory --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SCRIPT = ROOT / "tools" / "slurm-local.sh"
PY = sys.executable
RUN = [PY, "-m", "cspsim.cli.run"]
CORES = 2

#: name -> (runs, overrides of each run, runs_per_task values to try)
CASES = {
    "short": (8, ["sim.days=120"], [4, 1]),
    "default": (32, [], [16]),
}
#: name -> overrides of a single run whose peak memory is measured
MEMORY = {
    "sf2012, 365 days (default run)": [],
    "sf2012, 730 days": ["sim.days=730"],
    "synthetic 100k residents (1 per agent), 365 days": [
        "city=synthetic", "city.residents=100000", "city.residents_per_agent=1",
    ],
    "synthetic 300k residents (1 per agent), 365 days": [
        "city=synthetic", "city.residents=300000", "city.residents_per_agent=1",
    ],
}  # fmt: skip


def free_port() -> int:
    """A port p with p and p + 1 free on the loopback."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000:
            try:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                pass
    raise RuntimeError("no free ports")


def sweep(env: dict, sweep_dir: Path, runs: int, overrides: list[str], launcher: list[str]) -> dict:
    """Wall time of one sweep and the mean run time its runs recorded."""
    cmd = [
        *RUN, "-m", f"seed=range(0,{runs})", *overrides, *launcher,
        f"hydra.sweep.dir={sweep_dir}", "hydra.callbacks.report.enabled=false",
    ]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=sweep_dir.parent)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"sweep failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    metas = [json.loads(p.read_text()) for p in sweep_dir.rglob("run.json")]
    secs = [m["wall_seconds"] for m in metas if m.get("status") == "complete"]
    assert len(secs) == runs, f"{len(secs)} of {runs} runs complete in {sweep_dir}"
    return {
        "wall_seconds": wall,
        "mean_run_seconds": sum(secs) / len(secs),
        "runs": runs,
        # core-seconds of the sweep not spent inside a run, per run (start-up, scheduling)
        "outside_runs_seconds_per_run": (wall * CORES - sum(secs)) / runs,
    }


def best_of(
    repeats: int,
    work: Path,
    tag: str,
    env: dict,
    runs: int,
    overrides: list[str],
    launcher: list[str],
) -> dict:
    """The fastest of ``repeats`` identical sweeps (the machine is shared)."""
    tries = []
    for i in range(repeats):
        d = work / f"{tag}-{i}"
        tries.append(sweep(env, d, runs, overrides, launcher))
        shutil.rmtree(d, ignore_errors=True)
    best = min(tries, key=lambda r: r["wall_seconds"])
    return {**best, "wall_seconds_all": [r["wall_seconds"] for r in tries]}


def bench_case(env: dict, work: Path, name: str, repeats: int) -> dict:
    """joblib, then SLURM with each runs_per_task, on the same runs (best of ``repeats``)."""
    runs, overrides, rpts = CASES[name]
    res: dict = {"runs": runs, "overrides": overrides}
    res["joblib"] = best_of(
        repeats, work, f"{name}-joblib", env, runs, overrides, [f"hydra.launcher.n_jobs={CORES}"]
    )
    base = res["joblib"]["wall_seconds"]
    for rpt in rpts:
        launcher = [
            "hydra/launcher=slurm", f"hydra.launcher.runs_per_task={rpt}",
            "hydra.launcher.poll_s=1", "hydra.launcher.scheduler_poll_s=5",
        ]  # fmt: skip
        r = best_of(repeats, work, f"{name}-slurm-{rpt}", env, runs, overrides, launcher)
        mean = (r["mean_run_seconds"] + res["joblib"]["mean_run_seconds"]) / 2
        per_run = (r["wall_seconds"] - base) * CORES / runs
        r.update(
            runs_per_task=rpt,
            tasks=-(-runs // rpt),
            overhead_seconds_per_run=per_run,
            overhead_pct_of_run=100.0 * per_run / mean,
        )
        res[f"slurm_{rpt}"] = r
    return res


def child_rss(cmd: list[str]) -> None:
    """Run ``cmd``; print its peak resident memory in MB (child process of this one)."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rc": proc.returncode, "peak_rss_mb": rss, "err": proc.stderr[-2000:]}))


def bench_memory(env: dict, work: Path) -> dict:
    """Peak RSS of single runs, each in a fresh process."""
    out = {}
    for i, (name, overrides) in enumerate(MEMORY.items()):
        run_dir = work / f"mem{i}"
        cmd = [*RUN, *overrides, f"hydra.run.dir={run_dir}"]
        t0 = time.perf_counter()
        proc = subprocess.run(
            [PY, __file__, "--child-rss", "--", *cmd], capture_output=True, text=True, env=env
        )
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        if res["rc"] != 0:
            raise RuntimeError(f"{name}: {res['err']}")
        meta = json.loads((run_dir / "run.json").read_text())
        out[name] = {
            "peak_rss_mb": res["peak_rss_mb"],
            "wall_seconds_process": time.perf_counter() - t0,
            "run_seconds": meta["wall_seconds"],
            "resident_agents": meta["residents"],
            "population": meta["population"],
            "days": meta["days"] + meta["burn_in_days"],
        }
        shutil.rmtree(run_dir, ignore_errors=True)
    return out


def per_task_seconds(cases: dict) -> float | None:
    """Core-seconds one more task costs, from the ``short`` case's 4- and 1-per-task sweeps.

    The same 8 runs as 2 tasks and as 8 tasks: the difference of their wall times times the
    cores, over the 6 extra tasks (Python's start-up and imports in a task, unpickling, the
    scheduler's latency). None when the ``short`` case did not run both.
    """
    short = cases.get("short", {})
    if "slurm_1" not in short or "slurm_4" not in short:
        return None
    a, b = short["slurm_4"], short["slurm_1"]
    return (b["wall_seconds"] - a["wall_seconds"]) * CORES / (b["tasks"] - a["tasks"])


def render(res: dict) -> str:
    """The Markdown results page."""
    lines = [
        "# Cluster benchmark",
        "",
        f"`benchmarks/bench_cluster.py`, {res['date']}, {res['cpus']} cores shared with other",
        f"developers' work (load average {res['load_average_at_start']:.1f} at the start),",
        f"Python {res['python']}, SLURM {res['slurm_version']} on this machine",
        "(`tools/slurm-local.sh`: one node, 2 CPUs). Same runs on joblib (2 workers) and through",
        "`hydra/launcher=slurm` (cspsim's batched launcher); reports off. Overhead per run =",
        "(SLURM wall - joblib wall) x 2 cores / runs, as a share of the mean run time. Each",
        f"wall time is the fastest of {res['repeats']} sweeps. 'Outside runs' is each sweep's",
        "core-seconds not spent inside a run, per run (Hydra's and the workers' start-up,",
        "scheduling, idle cores at the end), as a share of the mean run time.",
        "",
        "| case | runs | runs per task | tasks | joblib wall | SLURM wall | mean run | "
        "SLURM overhead per run | of run time | outside runs: joblib / SLURM |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, case in res["cases"].items():
        j = case["joblib"]
        for key, r in case.items():
            if not key.startswith("slurm_"):
                continue
            lines.append(
                f"| {name} ({' '.join(case['overrides']) or 'default year'}) | {case['runs']} | "
                f"{r['runs_per_task']} | {r['tasks']} | {j['wall_seconds']:.1f} s | "
                f"{r['wall_seconds']:.1f} s | {r['mean_run_seconds']:.2f} s | "
                f"{r['overhead_seconds_per_run']:.2f} s | **{r['overhead_pct_of_run']:.0f}%** | "
                f"{100 * j['outside_runs_seconds_per_run'] / j['mean_run_seconds']:.0f}% / "
                f"{100 * r['outside_runs_seconds_per_run'] / r['mean_run_seconds']:.0f}% |"
            )
    short, default = res["cases"].get("short", {}), res["cases"].get("default", {})
    per_task = per_task_seconds(res["cases"])
    if per_task is not None:
        a, b = short["slurm_4"], short["slurm_1"]
        mean = default.get("slurm_16", {}).get("mean_run_seconds", a["mean_run_seconds"])
        batched = [r for c in res["cases"].values() for k, r in c.items()
                   if k.startswith("slurm_") and r["runs_per_task"] > 1]  # fmt: skip
        if batched and all(r["overhead_seconds_per_run"] < 0 for r in batched):
            versus = (
                "within the noise of this shared machine (negative: the SLURM sweeps were the "
                "faster ones)."
            )
        else:
            worst = max((r["overhead_pct_of_run"] for r in batched), default=float("nan"))
            versus = f"at most {worst:.0f}% of the run time in the batched rows above."
        lines += [
            "",
            f"One more task costs about **{per_task:.1f} core-seconds** (from the two `short`",
            "rows: Python's start-up and imports in the task, unpickling, the scheduler's",
            "latency). With one run per task (Hydra's submitit launcher) that is",
            f"{100 * per_task / b['mean_run_seconds']:.0f}% of a {b['mean_run_seconds']:.1f} s "
            f"run; with 16 default runs per task ({mean:.1f} s each here) it is",
            f"**{100 * per_task / (16 * mean):.1f}%** of the run time. Against joblib, whose",
            "workers pay the same start-up once, the batched launcher's overhead is",
            versus,
        ]
    if res.get("memory"):
        lines += [
            "",
            "## Peak memory of one run",
            "",
            "`cspsim-run` of one run in a fresh process (its whole peak resident memory, about",
            "220 MB of it the imports):",
            "",
            "| run | resident agents | days (with burn-in) | run time | peak RSS |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, m in res["memory"].items():
            lines.append(
                f"| {name} | {m['resident_agents']:,} | {m['days']} | {m['run_seconds']:.1f} s | "
                f"{m['peak_rss_mb']:.0f} MB |"
            )
    if res.get("note"):
        lines += ["", res["note"]]
    return "\n".join(lines) + "\n"


def measure(cases: list[str], repeats: int, memory: bool = True, note: str = "") -> dict:
    """Start a local cluster, run ``cases`` on joblib and SLURM (and the memory runs), stop it.

    Also what ``benchmarks/bench_experiments.py --slurm`` runs.

    Args:
        cases: Names in :data:`CASES`.
        repeats: Sweeps per setting (the fastest is kept).
        memory: Also measure the peak memory of single runs (:data:`MEMORY`).
        note: Free text for the results page.

    Returns:
        The results (what ``results/cluster.json`` holds).
    """
    res: dict = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg()[0],
        "note": note,
        "repeats": repeats,
        "cases": {},
    }
    git = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    res["git_commit"] = git.stdout.strip() or None
    local = Path(tempfile.mkdtemp(prefix="cspsim-slurm-bench-", dir="/tmp"))
    env = {
        **os.environ,
        "SLURM_LOCAL_DIR": str(local),
        "SLURM_LOCAL_PORT": str(free_port()),
        "SLURM_CONF": str(local / "etc" / "slurm.conf"),
        "OMP_NUM_THREADS": "1",
    }
    subprocess.run([str(SCRIPT), "start"], env=env, check=True)
    try:
        version = subprocess.run(["sinfo", "--version"], capture_output=True, text=True, env=env)
        res["slurm_version"] = version.stdout.split()[-1] if version.stdout else "?"
        with tempfile.TemporaryDirectory(prefix="cspsim-bench-cluster-") as tmp:
            for name in cases:
                res["cases"][name] = bench_case(env, Path(tmp), name, repeats)
                print(json.dumps({name: res["cases"][name]}, indent=2), flush=True)
            if memory:
                res["memory"] = bench_memory(env, Path(tmp))
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, check=False)
        shutil.rmtree(local, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--repeats", type=int, default=3, help="sweeps per setting (fastest kept)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    ap.add_argument("--note", default="", help="free text for the results page")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--render", action="store_true", help="rewrite cluster.md from cluster.json")
    ap.add_argument("--child-rss", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("cmd", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_rss:
        child_rss(args.cmd)
        return 0
    if args.render:  # the page again from the committed JSON
        res = json.loads((RESULTS / "cluster.json").read_text())
        (RESULTS / "cluster.md").write_text(render(res))
        return 0
    res = measure(args.cases, args.repeats, memory=not args.no_memory, note=args.note)
    print(json.dumps(res, indent=2))
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "cluster.json").write_text(json.dumps(res, indent=2))
        (RESULTS / "cluster.md").write_text(render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
