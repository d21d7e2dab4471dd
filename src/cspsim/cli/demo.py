"""``cspsim-demo`` (``make demo``): every strategy on San Francisco 2012, with uncertainty.

Runs the nine shipped strategies x N seeds at the default parameters and x D parameter draws
(an uncertainty ensemble: sourced and assumed parameters drawn from their plausible ranges,
each draw with its own seed; :mod:`cspsim.config.draws`) in parallel. Each run writes the
output contract into ``OUT/runs/<strategy>/seed_<seed>`` or ``.../draw_<i>`` (complete runs
are reused); the draws are listed in ``OUT/runs/uncertainty/draws.csv``. Prints the
comparison table (differences from ``reactive`` with 95% CIs over paired seeds) and the
effects with parameter uncertainty, and writes the report of ``cspsim-report`` for exactly
these runs: ``OUT/report.md``, ``OUT/report.html``, ``OUT/summary.csv``,
``OUT/uncertainty.csv`` and the figures under ``OUT/figures/``.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from cspsim.analysis.runs import RunSet, collect_runs
from cspsim.analysis.tables import comparison_table
from cspsim.analysis.uncertainty import DRAWS_FILE, split
from cspsim.api import make_config
from cspsim.config.checks import check_config
from cspsim.config.draws import Draws, draw, load_shipped_posterior
from cspsim.errors import CityDataError, ConfigError
from cspsim.output.dirs import OutputDirRefused, make_output_dir, out_dir
from cspsim.output.runner import run_one
from cspsim.paths import strategy_names
from cspsim.report.build import ordered_summary, write_report
from cspsim.report.uncertainty import tables as uncertainty_tables

#: The strategy every other one is compared with.
BASELINE = "reactive"


#: Seed of the hypercube that draws the demo's parameter sets.
DRAW_SEED = 2026


def _run(
    strategy: str, seed: int, city: str, days: int, run_dir: str, overrides: list[str]
) -> dict:
    cfg = make_config(city=city, strategy=strategy, seed=seed, days=days, overrides=overrides)
    meta = run_one(cfg, Path(run_dir), raise_errors=False)
    return {"strategy": strategy, "seed": seed, "run_dir": run_dir, **meta}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="cspsim-demo", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=out_dir, default="results/demo", help="output directory")
    ap.add_argument("--city", default="sf2012", help="city config (default sf2012)")
    ap.add_argument(
        "--seeds", type=int, default=3, help="seeds per strategy at the default parameters (3)"
    )
    ap.add_argument(
        "--draws",
        type=int,
        default=6,
        help="parameter draws of the uncertainty ensemble, each its own seed (default 6, so "
        "that make demo stays within 5 minutes on 2 cores; 0: none)",
    )
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
            check_config(
                make_config(
                    city=args.city, strategy=name, seed=0, days=args.days, overrides=args.overrides
                )
            )
    except (ConfigError, CityDataError) as exc:
        return str(exc)
    if args.jobs < 1:
        return f"--jobs: expected an integer >= 1, got {args.jobs}"
    if args.seeds < 2:
        return "--seeds must be at least 2 for confidence intervals"
    if args.draws < 0 or args.draws == 1:
        return f"--draws: expected 0 (no ensemble) or an integer >= 2, got {args.draws}"
    try:
        make_output_dir(Path(args.out), "--out")
    except OutputDirRefused as exc:
        return str(exc)
    return None


def ensemble(args: argparse.Namespace, out: Path) -> Draws | None:
    """The ensemble's parameter draws, written to ``OUT/runs/uncertainty/draws.csv``.

    Parameters the user sets on the command line are not drawn.
    """
    if args.draws == 0:
        return None
    posterior = load_shipped_posterior()
    draws = draw(args.draws, DRAW_SEED, posterior=posterior)
    fixed = {o.partition("=")[0].lstrip("+~") for o in args.overrides}
    draws = draws.without(fixed)
    path = out / "runs" / DRAWS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    draws.table.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return draws


def run_all(
    args: argparse.Namespace, names: list[str], out: Path, draws: Draws | None = None
) -> list[dict]:
    """Every strategy x seed, then x draw, in parallel; the run.json of each."""
    user = list(args.overrides)
    jobs = [
        (n, s, str(out / "runs" / n / f"seed_{s}"), user) for s in range(args.seeds) for n in names
    ]
    if draws is not None:
        jobs += [
            (n, draws.seed(i), str(out / "runs" / n / f"draw_{i}"), draws.overrides(i) + user)
            for i in range(len(draws.table))
            for n in names
        ]
    results = []
    # Workers start from a fork server, not by forking this process: it may hold threads
    # (numba, DuckDB, tqdm's monitor) whose locks a forked child would inherit locked.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs), mp_context=context) as pool:
        futures = [
            pool.submit(_run, n, s, args.city, args.days, run_dir, over)
            for n, s, run_dir, over in jobs
        ]
        for fut in tqdm(as_completed(futures), total=len(futures), desc="runs", unit="run"):
            results.append(fut.result())
    order = {job[2]: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r["run_dir"]])


def draws_done(draw_runs: pd.DataFrame) -> int:
    """Parameter draws with a complete run of every strategy."""
    per_draw = draw_runs.groupby("draw")["scenario"].nunique()
    return int((per_draw == draw_runs["scenario"].nunique()).sum())


def intro(args: argparse.Namespace, summary: pd.DataFrame, elapsed: float) -> list[str]:
    """The demo report's opening paragraphs."""
    cost = summary.loc[summary["scenario"] == BASELINE, "cost"].mean()
    ensemble = f" and under {args.draws} parameter draws (each its own seed)" if args.draws else ""
    return [
        f"{summary['scenario'].nunique()} strategies x {args.seeds} seeds on **{args.city}** at "
        f"the default parameters{ensemble}, {args.days} days each after burn-in, at equal "
        f"budget (the {BASELINE} baseline's cost, ${cost / 1e6:.1f}M per year). Runs took "
        f"{elapsed:.0f} s.",
        "Each difference is against the reactive baseline over paired seeds (common random "
        "numbers: the two runs of a seed differ only by what the strategy changed); these "
        "CIs are simulation noise at the default parameters only. The section *With parameter "
        "uncertainty* gives the intervals a decision should use. *True* crime is what "
        "happened; *recorded* crime is what police know (reported or found by patrols), so a "
        "strategy that raises trust can raise recorded crime while true crime falls. Each "
        "run's tables are under `runs/`.",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write the report; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    names = strategy_names() if args.strategies == "all" else args.strategies.split(",")
    # Once each (a name twice made two jobs race for one run directory), baseline first.
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if BASELINE not in names:
        names = [BASELINE, *names]
    out = Path(args.out)
    problem = _check(args, names)
    if problem:
        print(f"cspsim-demo: error: {problem}", file=sys.stderr)
        return 2
    print(
        f"cspsim demo: {len(names)} strategies x ({args.seeds} seeds + {args.draws} parameter "
        f"draws) on {args.city}, {args.days} days each, {args.jobs} parallel jobs -> {out}"
    )
    start = time.perf_counter()
    draws = ensemble(args, out)
    results = run_all(args, names, out, draws)
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
        why = f"{len(rs.stale)} stale (the model changed while it ran), " if rs.stale else ""
        why += f"{len(rs.damaged)} damaged, {len(rs.failed)} failed"
        print(
            f"cspsim-demo: error: no run counted ({why}; see {out / 'report.md'})", file=sys.stderr
        )
        return 1
    replicates, draw_runs = split(summary, None if draws is None else draws.table)
    if len(names) > 1:  # --strategies reactive alone: nothing to compare with
        print(f"\nDifference from {BASELINE} (same budget, {args.seeds} paired seeds, 95% CI):")
        print(comparison_table(replicates, BASELINE).to_string(index=False))
    if len(draw_runs) and len(names) > 1:
        _, effects, best = uncertainty_tables(replicates, draw_runs, BASELINE)
        print(
            f"\nWith parameter uncertainty ({draws_done(draw_runs)} parameter draws, each its own "
            "seed; mean and 95% prediction interval):"
        )
        print(effects.to_string(index=False))
        print(best.to_string(index=False))
    md = write_report(
        rs,
        out,
        f"strategy comparison on {args.city}",
        intro(args, summary, elapsed),
        "cspsim-demo",
        summary,
    )
    print(
        f"\nReport: {md} and {md.with_suffix('.html')} (figures, summary.csv and "
        "uncertainty.csv beside it)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
