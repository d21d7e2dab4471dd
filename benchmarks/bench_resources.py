"""Calibration of the run-size estimate (:mod:`cspsim.output.resources`): memory and time.

Each measurement runs in its own child process (so its peak memory is its own): a synthetic
city of N resident agents (one resident per agent) with T social ties per resident is built
and run for D days without burn-in, and the child reports

* the peak resident set size after the imports (the fixed cost of a run),
* the peak after building the model, and after running it (``ru_maxrss``),
* the build and step times, and the rows and in-memory bytes of the four output tables.

A least-squares fit over the sizes gives bytes per resident agent and per tie (build), the
step seconds per resident-day, and the bytes per offence (events table) and per recorded
day (timeseries); ``cspsim.output.resources`` records the constants with the date.

Usage::

    .venv/bin/python benchmarks/bench_resources.py            # prints the fit
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

#: (resident agents, ties per resident) of the measurements; 30 days each.
SIZES = ((20_000, 8), (100_000, 8), (200_000, 8), (100_000, 24), (200_000, 24))
DAYS = 30


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(agents: int, ties: int, days: int) -> dict:
    """Build and run one synthetic city (in a child process); sizes, times and peaks."""
    from cspsim.api import make_config
    from cspsim.model import CommunitySafetyModel
    from cspsim.output.results import collect, run_model

    cfg = make_config(
        city="synthetic",
        days=days,
        overrides=[
            f"city.residents={agents}",
            "city.residents_per_agent=1",
            "sim.burn_in_days=0",
            f"params.social.ties_per_resident={ties}",
        ],
    )
    base = _peak_mb()
    t0 = time.perf_counter()
    model = CommunitySafetyModel(cfg)
    built = _peak_mb()
    t1 = time.perf_counter()
    step = run_model(model)
    res = collect(model, 0.0, step)
    return {
        "agents": agents,
        "ties": ties,
        "days": days,
        "edges": int(model.world.ties.nnz) if hasattr(model.world, "ties") else None,
        "base_mb": base,
        "built_mb": built,
        "run_mb": _peak_mb(),
        "build_s": t1 - t0,
        "step_s": step,
        "events": len(res.events),
        "events_bytes": int(res.events.memory_usage(deep=True).sum()),
        "timeseries_bytes": int(res.timeseries.memory_usage(deep=True).sum()),
        "places_rows": len(res.places),
        "places_bytes": int(res.places.memory_usage(deep=True).sum()),
    }


def main() -> int:
    """Run every size in a child process and print the measurements and the fit."""
    import numpy as np

    rows = []
    for agents, ties in SIZES:
        code = (
            "import json,sys; sys.path.insert(0, 'benchmarks'); import bench_resources as b; "
            f"print(json.dumps(b.child({agents}, {ties}, {DAYS})))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(json.dumps(row))
    n = np.array([r["agents"] for r in rows], float)
    t = np.array([r["ties"] for r in rows], float)
    build = np.array([(r["built_mb"] - r["base_mb"]) * 2**20 for r in rows])
    coef, *_ = np.linalg.lstsq(np.c_[n, n * t, np.ones_like(n)], build, rcond=None)
    print(f"build bytes = {coef[0]:.0f} per agent + {coef[1]:.1f} per tie + {coef[2]:.3g}")
    per_rd = [r["step_s"] / (r["agents"] * r["days"]) for r in rows]
    print(f"step seconds per resident-day: {np.median(per_rd):.3g} (max {max(per_rd):.3g})")
    per_day = [r["step_s"] / r["days"] for r in rows]
    print(f"step seconds per day at the smallest size: {per_day[0]:.3g}")
    ev = [r["events_bytes"] / max(r["events"], 1) for r in rows]
    print(f"events bytes per offence: {np.median(ev):.1f}")
    print(f"timeseries bytes per day: {rows[0]['timeseries_bytes'] / DAYS:.0f}")
    print(f"import peak (fixed): {np.median([r['base_mb'] for r in rows]):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
