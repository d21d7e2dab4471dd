"""Where a day's time goes: milliseconds per day by stage of the schedule and by component hook.

Builds a synthetic city, runs a few days to warm up (compiled loops load on first use), then
times every core step and every component hook of :data:`cspsim.model.schedule.STAGES` over
the measured days, and prints them with their share of the day, largest first. Shares are
measured in one run, so they compare stages with each other; the absolute times move with
the machine's load.

Usage::

    .venv/bin/python benchmarks/bench_stages.py                          # reactive, 100k, 120 days
    .venv/bin/python benchmarks/bench_stages.py --strategy full_partnership --residents 20000
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the model is written for

from cspsim.api import make_config  # noqa: E402
from cspsim.model import CommunitySafetyModel  # noqa: E402

WARM_UP_DAYS = 5


def _timed(fn: Callable[..., Any], name: str, totals: Counter) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        t0 = time.perf_counter()
        out = fn(*args)
        totals[name] += time.perf_counter() - t0
        return out

    return run


def stage_times(strategy: str, residents: int, days: int, seed: int) -> tuple[Counter, float]:
    """Seconds spent in each core step and hook over ``days`` days, and the total."""
    cfg = make_config(
        city="synthetic",
        strategy=strategy,
        seed=seed,
        days=days + WARM_UP_DAYS,
        overrides=[f"city.residents={residents}", "sim.burn_in_days=0"],
    )
    model = CommunitySafetyModel(cfg)
    model.run(WARM_UP_DAYS)
    totals: Counter = Counter()
    schedule = model.schedule
    for stage, fn in list(schedule.core.items()):
        schedule.core[stage] = _timed(fn, f"{stage} (core)", totals)
    for stage, hooks in schedule.hooks.items():
        for hook in hooks:
            hook.fn = _timed(hook.fn, f"{stage}: {hook.owner}.{hook.fn.__name__}", totals)
    t0 = time.perf_counter()
    model.run(days)
    return totals, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    """Print milliseconds per day by stage and hook, largest first."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strategy", default="reactive")
    ap.add_argument("--residents", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top", type=int, default=25, help="rows to print")
    args = ap.parse_args(argv)
    totals, total = stage_times(args.strategy, args.residents, args.days, args.seed)
    per_day = 1000.0 / args.days
    print(
        f"{args.strategy}, {args.residents:,} residents, {args.days} days: "
        f"{total * per_day:.2f} ms/day, {args.residents * args.days / total:,.0f} "
        "resident-days/s"
    )
    # Queries (guardianship, activity, ...) run inside stages: their time is also in the
    # stage that asked, so shares need not sum to 100%.
    for name, seconds in totals.most_common(args.top):
        print(f"  {name:55s} {seconds * per_day:7.2f} ms/day  {seconds / total:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
