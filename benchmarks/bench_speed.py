"""Speed benchmark: resident-days per second of cspsim, against Mesa's Epstein example.

Runs every measurement in its own child process (so each one's peak memory is its own
``ru_maxrss`` and no run warms the caches of the next), one after the other:

* cspsim on synthetic cities of 10k, 100k and 1M resident agents (``residents_per_agent=1``,
  no burn-in, the reactive baseline), 365 days each: build time (city, residents, network,
  Mesa agents) separately from step time; resident-days/s = residents x days / step time;
* Mesa's shipped Epstein civil violence example at about 10k agents (a 114 x 114 torus):
  agent-steps/s = agents x steps / step time;
* the ratio of the two, measured in the same run on the same machine.

Bars (from the issue): >= 5,000,000 resident-days/s at 100k residents; 1M residents x 365
days (build + run) in <= 180 s with peak memory <= 4 GB.

Usage::

    make bench                                   # all sizes, writes benchmarks/results/
    .venv/bin/python benchmarks/bench_speed.py --sizes 10000 --days 30 --no-write   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
#: Bars from the performance issue.
BAR_RATE_100K = 5_000_000.0
BAR_1M_SECONDS = 180.0
BAR_1M_MEMORY_GB = 4.0
#: Epstein example: 114 x 114 cells x (0.7 citizens + 0.074 cops) = about 10,060 agents.
EPSTEIN_SIDE = 114
EPSTEIN_STEPS = 50
#: STACK.md's earlier measurement of the Epstein example at 10k agents (agent-steps/s).
STACK_EPSTEIN_RATE = 23_600.0


def _peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports ru_maxrss in KB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024.0 if sys.platform != "darwin" else rss / 1024.0**2


def child_cspsim(residents: int, days: int, seed: int) -> dict:
    """Build and run one synthetic city; return timings (runs in a child process)."""
    t0 = time.perf_counter()
    from cspsim.api import make_config
    from cspsim.model import CommunitySafetyModel

    t_import = time.perf_counter() - t0
    cfg = make_config(
        city="synthetic",
        seed=seed,
        days=days,
        overrides=[f"city.residents={residents}", "sim.burn_in_days=0"],
    )
    t1 = time.perf_counter()
    model = CommunitySafetyModel(cfg)
    t2 = time.perf_counter()
    model.run()
    t3 = time.perf_counter()
    n = int(model.residents.n)
    run_s = t3 - t2
    return {
        "benchmark": "cspsim",
        "residents": n,
        "places": int(model.n_places),
        "officers": len(model.officer_list),
        "days": days,
        "import_s": t_import,
        "build_s": t2 - t1,
        "run_s": run_s,
        "total_s": t3 - t1,
        "ms_per_day": 1000.0 * run_s / days,
        "resident_days_per_s": n * days / run_s,
        "peak_rss_mb": _peak_rss_mb(),
    }


def child_epstein(side: int, steps: int) -> dict:
    """Run Mesa's Epstein civil violence example; return agent-steps per second."""
    import mesa
    from mesa.examples import EpsteinCivilViolence

    t1 = time.perf_counter()
    model = EpsteinCivilViolence(width=side, height=side)
    t2 = time.perf_counter()
    agent_steps = 0
    for _ in range(steps):
        agent_steps += len(model.agents)
        model.step()
    t3 = time.perf_counter()
    run_s = t3 - t2
    return {
        "benchmark": "mesa_epstein",
        "mesa_version": mesa.__version__,
        "grid": f"{side}x{side}",
        "agents": len(model.agents),
        "steps": steps,
        "build_s": t2 - t1,
        "run_s": run_s,
        "ms_per_step": 1000.0 * run_s / steps,
        "agent_steps_per_s": agent_steps / run_s,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _spawn(args: list[str]) -> dict:
    """Run this script as a child with ``args``; return the JSON it prints last."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=_child_env())
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = time.perf_counter() - start
    return result


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Single-threaded numerics: the model is written for one core; BLAS threads would only
    # fight the other processes on a shared machine.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def _versions() -> dict[str, str]:
    import mesa
    import numpy
    import scipy

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "git_commit": commit,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def markdown(report: dict) -> str:
    """The results as a markdown page."""
    m = report["machine"]
    lines = [
        "# cspsim speed benchmark",
        "",
        f"Measured {report['date']} with `make bench` (`benchmarks/bench_speed.py`), "
        f"git {report['versions']['git_commit']}, Python {report['versions']['python']}, "
        f"Mesa {report['versions']['mesa']}, NumPy {report['versions']['numpy']}.",
        "",
        f"Machine: {m['cpu']}, {m['cpus']} cores, load average {m['load_before'][0]:.2f} "
        f"before and {m['load_after'][0]:.2f} after the run. {report['note']}",
        "",
        "## cspsim: synthetic city, reactive baseline, no burn-in",
        "",
        "| residents | places | days | build (s) | run (s) | build + run (s) | ms/day "
        "| resident-days/s | peak memory (MB) | x Mesa Epstein |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["cspsim"]:
        lines.append(
            f"| {_fmt_int(r['residents'])} | {_fmt_int(r['places'])} | {r['days']} "
            f"| {r['build_s']:.1f} | {r['run_s']:.1f} | {r['total_s']:.1f} | {r['ms_per_day']:.1f} "
            f"| {_fmt_int(r['resident_days_per_s'])} | {_fmt_int(r['peak_rss_mb'])} "
            f"| {r['ratio_to_mesa']:.0f}x |"
        )
    e = report["mesa_epstein"]
    runs = ", ".join(
        f"{x['when']}: {x['ms_per_step']:.0f} ms/step = {_fmt_int(x['agent_steps_per_s'])}"
        for x in report["mesa_epstein_runs"]
    )
    r100 = next((r for r in report["cspsim"] if r["residents"] == 100_000), None)
    vs_stack = (
        f" Against STACK.md's {_fmt_int(STACK_EPSTEIN_RATE)} agent-steps/s the 100k rate would "
        f"be {r100['resident_days_per_s'] / STACK_EPSTEIN_RATE:.0f}x."
        if r100
        else ""
    )
    lines += [
        "",
        "## Reference: Mesa's Epstein civil violence example (`mesa.examples`)",
        "",
        f"{e['grid']} torus, {_fmt_int(e['agents'])} agents, {e['steps']} steps, run before and "
        f"after the cspsim runs ({runs} agent-steps/s); the faster is the reference: "
        f"**{_fmt_int(e['agent_steps_per_s'])} agent-steps/s** (STACK.md measured "
        f"{_fmt_int(STACK_EPSTEIN_RATE)} on this kind of machine).{vs_stack}",
        "",
        "## Bars",
        "",
        "| bar | target | measured | met |",
        "|---|---|---|---|",
    ]
    for b in report["bars"]:
        met = "yes" if b["met"] else "NO"
        lines.append(f"| {b['bar']} | {b['target']} | {b['measured']} | {met} |")
    lines += [
        "",
        "Resident-days/s = resident agents x days / time in `model.run()` (all nine daily",
        "processes and the recorder; build excluded). Agent-steps/s = agents x steps / time in",
        "`model.step()`. Each size runs in its own process; peak memory is that process's",
        "`ru_maxrss` (build + run). The ratio divides cspsim's resident-days/s by Mesa's",
        "agent-steps/s measured in the same run. A resident-day is one resident agent",
        "simulated for one day; an Epstein agent-step is one agent's move-and-decide step, so",
        "the ratio compares throughput, not identical work.",
        "",
    ]
    return "\n".join(lines)


def _bars(report: dict) -> list[dict]:
    by_n = {r["residents"]: r for r in report["cspsim"]}
    bars = []
    r100 = by_n.get(100_000)
    if r100:
        rate = r100["resident_days_per_s"]
        bars.append(
            {
                "bar": "resident-days/s at 100k residents",
                "target": f">= {_fmt_int(BAR_RATE_100K)}",
                "measured": f"{_fmt_int(rate)} ({r100['ratio_to_mesa']:.0f}x Mesa Epstein)",
                "met": rate >= BAR_RATE_100K,
            }
        )
    r1m = by_n.get(1_000_000)
    if r1m and r1m["days"] >= 365:
        bars.append(
            {
                "bar": "1M residents x 365 days, build + run",
                "target": f"<= {BAR_1M_SECONDS:.0f} s",
                "measured": f"{r1m['total_s']:.1f} s",
                "met": r1m["total_s"] <= BAR_1M_SECONDS,
            }
        )
        gb = r1m["peak_rss_mb"] / 1024.0
        bars.append(
            {
                "bar": "1M residents, peak memory",
                "target": f"<= {BAR_1M_MEMORY_GB:.0f} GB",
                "measured": f"{gb:.2f} GB",
                "met": gb <= BAR_1M_MEMORY_GB,
            }
        )
    return bars


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--child``, one measurement)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    ap.add_argument("--days", type=int, default=365, help="days per cspsim run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epstein-side", type=int, default=EPSTEIN_SIDE)
    ap.add_argument("--epstein-steps", type=int, default=EPSTEIN_STEPS)
    ap.add_argument(
        "--epstein-repeats", type=int, default=2, help="Mesa reference runs (before/after)"
    )
    ap.add_argument("--note", default="", help="free text for the results page")
    ap.add_argument("--no-write", action="store_true", help="print only; keep results/ as is")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--kind", choices=["cspsim", "epstein"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        if args.kind == "epstein":
            res = child_epstein(args.epstein_side, args.epstein_steps)
        else:
            res = child_cspsim(args.sizes[0], args.days, args.seed)
        print(json.dumps(res))
        return 0

    load_before = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    print(f"load average before: {load_before[0]:.2f} on {os.cpu_count()} cores", flush=True)
    epstein_args = [
        "--kind", "epstein",
        "--epstein-side", str(args.epstein_side),
        "--epstein-steps", str(args.epstein_steps),
    ]  # fmt: skip

    def run_epstein(when: str) -> dict:
        print(f"Mesa Epstein civil violence, {args.epstein_side}x{args.epstein_side} ({when}) ...",
              flush=True)  # fmt: skip
        e = _spawn(epstein_args)
        e["when"] = when
        print(
            f"  {e['agents']:,} agents, {e['ms_per_step']:.0f} ms/step, "
            f"{e['agent_steps_per_s']:,.0f} agent-steps/s",
            flush=True,
        )
        return e

    # The reference runs before and after the cspsim runs; the faster of the two is used, so
    # a burst of load from other users on a shared machine does not inflate the ratio.
    epstein_runs = [run_epstein("before")]
    runs = []
    for n in args.sizes:
        print(f"cspsim synthetic, {n:,} residents x {args.days} days ...", flush=True)
        r = _spawn(["--kind", "cspsim", "--sizes", str(n), "--days", str(args.days),
                    "--seed", str(args.seed)])  # fmt: skip
        runs.append(r)
        print(
            f"  build {r['build_s']:.1f} s, run {r['run_s']:.1f} s, "
            f"{r['resident_days_per_s']:,.0f} resident-days/s, peak {r['peak_rss_mb']:,.0f} MB",
            flush=True,
        )
    if args.epstein_repeats > 1:
        epstein_runs.append(run_epstein("after"))
    epstein = max(epstein_runs, key=lambda e: e["agent_steps_per_s"])
    mesa_rate = epstein["agent_steps_per_s"]
    for r in runs:
        r["ratio_to_mesa"] = r["resident_days_per_s"] / mesa_rate
    load_after = os.getloadavg()
    cpus = os.cpu_count() or 1
    # This benchmark keeps one core busy itself (load ~1); more than that is someone else.
    shared = load_before[0] > 0.5 or load_after[1] > 1.5
    auto = (
        f"The machine ({cpus} cores) was shared with other users' jobs during the run, so "
        "timings are noisy and probably pessimistic."
        if shared
        else "The machine was otherwise idle."
    )
    note = f"{args.note} {auto}".strip()
    report = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpu": _cpu_model(),
            "cpus": cpus,
            "load_before": list(load_before),
            "load_after": list(load_after),
            "platform": platform.platform(),
        },
        "note": note,
        "versions": _versions(),
        "mesa_epstein": epstein,
        "mesa_epstein_runs": epstein_runs,
        "cspsim": runs,
    }
    report["bars"] = _bars(report)

    print()
    hdr = (
        f"{'residents':>10} {'days':>5} {'build s':>8} {'run s':>8} {'total s':>8} "
        f"{'resident-days/s':>16} {'peak MB':>8} {'x Mesa':>7}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in runs:
        print(
            f"{r['residents']:>10,} {r['days']:>5} {r['build_s']:>8.1f} {r['run_s']:>8.1f} "
            f"{r['total_s']:>8.1f} {r['resident_days_per_s']:>16,.0f} {r['peak_rss_mb']:>8,.0f} "
            f"{r['ratio_to_mesa']:>6.0f}x"
        )
    print(f"Mesa Epstein ({epstein['agents']:,} agents): {mesa_rate:,.0f} agent-steps/s")
    for b in report["bars"]:
        print(f"bar: {b['bar']}: {b['measured']} (target {b['target']}): "
              f"{'met' if b['met'] else 'NOT MET'}")  # fmt: skip
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "speed.json").write_text(json.dumps(report, indent=2) + "\n")
        (RESULTS / "speed.md").write_text(markdown(report))
        print(f"wrote {RESULTS / 'speed.json'} and {RESULTS / 'speed.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
