"""Speed of this checkout against an earlier git revision, measured in one run.

On a shared machine a run's speed varies by 1.5-2x from hour to hour, so two benchmarks taken
at different times cannot tell a 10% change. This one runs both trees in the same minutes,
alternating (base, this checkout, base, ...), each run in its own process, and reports each
tree's fastest run and their ratio: load from other users only ever slows a run down, so the
fastest of a few is the closest to each tree's own speed. Bursts of load last seconds, shorter
than a run, so each run is also timed in blocks of 20 days and the fastest block (after the
first) is a second, steadier reading.

The base revision is checked out with ``git worktree`` into a temporary directory and run
with this checkout's virtual environment (its compiled loops are compiled once first, in a
warm-up run that is not counted).

Usage::

    .venv/bin/python benchmarks/bench_compare.py --base b718dc1
    .venv/bin/python benchmarks/bench_compare.py --base HEAD~5 --residents 10000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STRATEGIES = ("reactive", "full_partnership")

#: Days per timed block within a run (the fastest block is the second reading).
BLOCK_DAYS = 20

_CHILD = """
import json, sys, time
from cspsim.api import make_config
from cspsim.model import CommunitySafetyModel
strategy, n, days, seed, block = (sys.argv[1], *map(int, sys.argv[2:6]))
cfg = make_config(city="synthetic", strategy=strategy, seed=seed, days=days,
                  overrides=[f"city.residents={n}", "sim.burn_in_days=0"])
model = CommunitySafetyModel(cfg)
blocks = []
t0 = time.perf_counter()
for start in range(0, days, block):
    t = time.perf_counter()
    model.run(min(block, days - start))
    blocks.append((time.perf_counter() - t) / min(block, days - start))
print(json.dumps({"run_s": time.perf_counter() - t0, "best_day_s": min(blocks[1:] or blocks)}))
"""


def run_once(src: Path, strategy: str, residents: int, days: int, seed: int) -> tuple[float, float]:
    """Resident-days/s of one run of the tree under ``src``: whole run, fastest block.

    The first block (compiled loops loaded, matrices built on first use) is left out of
    the fastest-block reading.
    """
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, strategy, str(residents), str(days), str(seed),
         str(BLOCK_DAYS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return residents * days / res["run_s"], residents / res["best_day_s"]


def compare(
    trees: dict[str, Path], residents: int, days: int, seed: int, repeats: int
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Rates (whole run, fastest block) of every run, by strategy and tree (no warm-ups)."""
    rates: dict[str, dict[str, list[tuple[float, float]]]] = {
        s: {t: [] for t in trees} for s in STRATEGIES
    }
    for strategy in STRATEGIES:
        for src in trees.values():  # compiles and caches the tree's loops
            run_once(src, strategy, residents, min(days, 5), seed)
    for r in range(repeats):
        for strategy in STRATEGIES:
            for name, src in trees.items():
                whole, block = run_once(src, strategy, residents, days, seed)
                rates[strategy][name].append((whole, block))
                print(f"  run {r + 1}: {strategy:<17} {name:<14} {whole:>12,.0f} resident-days/s"
                      f" (fastest {BLOCK_DAYS}-day block {block:,.0f})", flush=True)  # fmt: skip
    return rates


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print each tree's fastest rate and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="git revision to compare against")
    ap.add_argument("--residents", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3, help="measured runs per tree and strategy")
    args = ap.parse_args(argv)

    base_rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="cspsim-base-") as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(worktree), base_rev],
            check=True,
        )
        try:
            trees = {f"base {base_rev}": worktree / "src", "this checkout": ROOT / "src"}
            print(f"{args.residents:,} residents x {args.days} days, {args.repeats} runs each, "
                  f"alternating ({time.strftime('%Y-%m-%d %H:%M')}, load "
                  f"{os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip
            rates = compare(trees, args.residents, args.days, args.seed, args.repeats)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                check=False,
            )
    base_name, head_name = list(rates[STRATEGIES[0]])
    print()
    print("resident-days/s, fastest of the runs: whole run | fastest block of days")
    print(f"{'strategy':<17} {'base':>12} {'this':>12} {'ratio':>6} | {'base':>12} {'this':>12} "
          f"{'ratio':>6}")  # fmt: skip
    for strategy in STRATEGIES:
        base, head = rates[strategy][base_name], rates[strategy][head_name]
        cells = []
        for k in (0, 1):
            b, h = max(x[k] for x in base), max(x[k] for x in head)
            cells.append(f"{b:>12,.0f} {h:>12,.0f} {h / b:>5.2f}x")
        print(f"{strategy:<17} {cells[0]} | {cells[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
