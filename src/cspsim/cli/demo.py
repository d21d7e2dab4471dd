"""``cspsim-demo`` (``make demo``): every strategy on San Francisco 2012 over several seeds.

Runs the nine shipped strategies x N seeds in parallel (each run writes the output contract
into ``OUT/runs/<strategy>/seed_<seed>``; complete runs are reused), prints the comparison
table (differences from ``reactive`` with 95% CIs over paired seeds) and writes the report
of ``cspsim-report`` for exactly these runs: ``OUT/report.md``, ``OUT/report.html``,
``OUT/summary.csv`` and the figures under ``OUT/figures/``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from cspsim.analysis.runs import RunSet, collect_runs
from cspsim.analysis.tables import comparison_table
from cspsim.api import make_config
from cspsim.errors import CityDataError, ConfigError
from cspsim.output.runner import run_one
from cspsim.paths import strategy_names
from cspsim.report.build import ordered_summary, write_report

#: The strategy every other one is compared with.
BASELINE = "reactive"


def _run(strategy: str, seed: int, city: str, days: int, out: str, overrides: list[str]) -> dict:
    cfg = make_config(city=city, strategy=strategy, seed=seed, days=days, overrides=overrides)
    run_dir = Path(out) / "runs" / strategy / f"seed_{seed}"
    meta = run_one(cfg, run_dir, raise_errors=False)
    return {"strategy": strategy, "seed": seed, "run_dir": str(run_dir), **meta}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="cspsim-demo", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="results/demo", help="output directory")
    ap.add_argument("--city", default="sf2012", help="city config (default sf2012)")
    ap.add_argument("--seeds", type=int, default=5, help="seeds per strategy (default 5)")
    ap.add_argument("--days", type=int, default=365, help="days recorded after burn-in")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs")
    ap.add_argument("--strategies", default="all", help="comma-separated names or 'all'")
    ap.add_argument(
        "overrides", nargs="*", help="config overrides, e.g. city.residents_per_agent=40"
    )
    return ap.parse_args(argv)


def _check(args: argparse.Namespace, names: list[str]) -> str | None:
    """Why the options cannot run (None when they can): every config is validated first."""
    try:
        for name in names:
            make_config(
                city=args.city, strategy=name, seed=0, days=args.days, overrides=args.overrides
            )
    except (ConfigError, CityDataError) as exc:
        return str(exc)
    if args.seeds < 2:
        return "--seeds must be at least 2 for confidence intervals"
    return None


def run_all(args: argparse.Namespace, names: list[str], out: Path) -> list[dict]:
    """Every strategy x seed in parallel; the run.json of each (with its directory)."""
    jobs = [(n, s) for s in range(args.seeds) for n in names]
    results = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(_run, n, s, args.city, args.days, str(out), list(args.overrides))
            for n, s in jobs
        ]
        for fut in tqdm(as_completed(futures), total=len(futures), desc="runs", unit="run"):
            results.append(fut.result())
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[(r["strategy"], r["seed"])])


def intro(args: argparse.Namespace, summary: pd.DataFrame, elapsed: float) -> list[str]:
    """The demo report's opening paragraphs."""
    cost = summary.loc[summary["scenario"] == BASELINE, "cost"].mean()
    return [
        f"{summary['scenario'].nunique()} strategies x {args.seeds} seeds on **{args.city}**, "
        f"{args.days} days each after burn-in, at equal budget (the {BASELINE} baseline's "
        f"cost, ${cost / 1e6:.1f}M per year). Runs took {elapsed:.0f} s.",
        "Each difference is against the reactive baseline over paired seeds (common random "
        "numbers: the two runs of a seed differ only by what the strategy changed). *True* "
        "crime is what happened; *recorded* crime is what police know (reported or found by "
        "patrols), so a strategy that raises trust can raise recorded crime while true "
        "crime falls. Each run's tables are under `runs/`.",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write the report; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    names = strategy_names() if args.strategies == "all" else args.strategies.split(",")
    if BASELINE not in names:
        names = [BASELINE, *names]
    out = Path(args.out)
    problem = _check(args, names)
    if problem:
        print(f"cspsim-demo: error: {problem}", file=sys.stderr)
        return 2
    print(
        f"cspsim demo: {len(names)} strategies x {args.seeds} seeds on {args.city}, "
        f"{args.days} days each, {args.jobs} parallel jobs -> {out}"
    )
    start = time.perf_counter()
    results = run_all(args, names, out)
    elapsed = time.perf_counter() - start
    failed = [r for r in results if r.get("status") != "complete"]
    for r in failed:
        print(f"  FAILED {r['strategy']} seed {r['seed']}: {r.get('error')}", file=sys.stderr)
    # Exactly this invocation's runs (an earlier demo in OUT may have left other seeds, or
    # runs of other options, which are never overwritten: those are failures here).
    done = [Path(r["run_dir"]) for r in results if r.get("status") == "complete"]
    rs: RunSet = collect_runs(out / "runs", only=done)
    summary = ordered_summary(rs)
    if summary.empty:
        write_report(rs, out, f"strategy comparison on {args.city}", tool="cspsim-demo")
        print("cspsim-demo: error: no run completed", file=sys.stderr)
        return 1
    print(f"\nDifference from {BASELINE} (same budget, {args.seeds} paired seeds, 95% CI):")
    print(comparison_table(summary, BASELINE).to_string(index=False))
    md = write_report(
        rs,
        out,
        f"strategy comparison on {args.city}",
        intro(args, summary, elapsed),
        "cspsim-demo",
        summary,
    )
    print(f"\nReport: {md} and {md.with_suffix('.html')} (figures and summary.csv beside it)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
