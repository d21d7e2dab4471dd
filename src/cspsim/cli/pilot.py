r"""``cspsim-pilot``: how big and how long must a pilot of a strategy be to be detected?

Wraps ``cspsim-run -m experiment=pilot_power`` (the design is
:mod:`cspsim.experiments.pilot`): runs the sweep (resuming a killed one), then prints the
power of the city's evaluation by pilot size and duration, the bias of the recorded-crime
estimate and the smallest pilot with 80% power; the report (``report.md``, ``report.html``,
``pilot_power.csv``, the figure) is in the output directory.

Example:
    cspsim-pilot --strategy community_policing --city columbus --sizes 4,8,16 \
        --durations 3,6,12 --replicates 20 --selection matched
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from cspsim.analysis.pilot import analyse
from cspsim.analysis.runs import collect_runs
from cspsim.errors import ConfigError
from cspsim.experiments.pilot import OUTCOMES, SELECTIONS, check_start, list_override
from cspsim.output.dirs import OutputDirRefused, make_output_dir, out_dir
from cspsim.paths import CONFIG_DIR, strategy_names
from cspsim.report.pilot import bias_table, false_alarms, power_grid, smallest_sentences

RUN = [sys.executable, "-m", "cspsim.cli.run"]


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in re.split(r"[,\s]+", text.strip()) if v]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected integers like 2,5,10, got {text!r}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected integers >= 1, got {text!r}")
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        prog="cspsim-pilot",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Config overrides (city.*, params.*, strategy.*) go after the options.",
    )
    ap.add_argument("--strategy", default="community_policing", help="strategy piloted")
    ap.add_argument("--city", default="sf2012", help="city config (default sf2012)")
    ap.add_argument("--sizes", type=_ints, default=[2, 5, 10], help="treated neighbourhoods")
    ap.add_argument("--durations", type=_ints, default=[3, 6, 12], help="months evaluated")
    ap.add_argument("--replicates", type=int, default=20, help="replicates (seeds 0..N-1)")
    ap.add_argument("--selection", choices=SELECTIONS, default="random")
    ap.add_argument(
        "--treated", nargs="+", default=[], metavar="NAME", help="the planner's list (in order)"
    )
    ap.add_argument("--start-day", type=int, default=180, help="day the pilot starts")
    ap.add_argument(
        "--outcome", default="crimes_recorded", help=f"recorded-crime column: {', '.join(OUTCOMES)}"
    )
    ap.add_argument("--out", type=out_dir, default=None, help="sweep directory")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs")
    ap.add_argument("overrides", nargs="*", help="config overrides, e.g. sim.burn_in_days=30")
    args = ap.parse_args(argv)
    if args.strategy not in strategy_names():
        ap.error(f"--strategy: expected one of {strategy_names()}, got {args.strategy!r}")
    if not (CONFIG_DIR / "city" / f"{args.city}.yaml").exists():
        cities = sorted(p.stem for p in (CONFIG_DIR / "city").glob("*.yaml"))
        ap.error(f"--city: expected one of {cities}, got {args.city!r}")
    if args.replicates < 2:
        ap.error("--replicates: at least 2 (power is a share of replicates)")
    if args.selection == "list" and not args.treated:
        ap.error("--selection list needs --treated NAME [NAME ...]")
    swallowed = [name for name in args.treated if "=" in name]
    if swallowed:  # --treated takes every word after it
        ap.error(
            f"--treated: {swallowed} look like config overrides, not neighbourhoods; put "
            "overrides before --treated, or end its list with --"
        )
    if args.outcome not in OUTCOMES:
        ap.error(f"--outcome: expected one of {list(OUTCOMES)}, got {args.outcome!r}")
    if args.jobs < 1:
        ap.error(f"--jobs: at least 1, got {args.jobs}")
    try:  # here, not in the sweep (whose error would come after Hydra's start-up)
        check_start(args.start_day, max(args.durations))
    except ConfigError as exc:
        ap.error(f"--start-day: {exc}")
    if args.out is None:
        args.out = Path("multirun") / f"pilot_{args.strategy}_{args.city}"
    try:
        make_output_dir(args.out, "--out")
    except OutputDirRefused as exc:
        ap.error(str(exc))
    return args


def command(args: argparse.Namespace) -> list[str]:
    """The ``cspsim-run -m experiment=pilot_power`` command of the options."""
    opts = "hydra.sweeper.options"
    lines = [
        "-m",
        "experiment=pilot_power",
        f"strategy={args.strategy}",
        f"city={args.city}",
        f"{opts}.sizes=[{','.join(map(str, args.sizes))}]",
        f"{opts}.durations=[{','.join(map(str, args.durations))}]",
        f"{opts}.selection={args.selection}",
        f"{opts}.outcome={args.outcome}",
        f"hydra.sweeper.params.seed='range(0,{args.replicates})'",
        f"modifiers.rollout.start_day={args.start_day}",
        f"hydra.sweep.dir={args.out}",
        f"hydra.launcher.n_jobs={args.jobs}",
    ]
    if args.treated:
        lines.append(list_override(f"{opts}.treated", args.treated))
    return [*lines, *args.overrides]


def main(argv: list[str] | None = None) -> int:
    """Run the pilot sweep and print its answer; returns the exit code."""
    args = parse_args(argv)
    cmd = [*RUN, *command(args)]
    print(
        f"cspsim-pilot: {args.strategy} on {args.city}, {len(args.sizes)} sizes x "
        f"{args.replicates} replicates (+ counterfactual) -> {args.out}"
    )
    proc = subprocess.run(cmd, check=False)
    if proc.returncode != 0:
        print(f"cspsim-pilot: error: the sweep failed (status {proc.returncode})", file=sys.stderr)
        return proc.returncode
    res = analyse(collect_runs(args.out))
    if res is None or res["power"].empty:
        print("cspsim-pilot: error: no complete pilot replicate to analyse", file=sys.stderr)
        return 1
    power = res["power"]
    strip = re.compile(r"\*\*")
    print("\nPower of the DiD on recorded crime (Wilson 95% CI):")
    print(power_grid(power, "rec").to_string(index=False))
    for answer in res["smallest_survey"]:
        print(f"\nPower of the survey DiD ({answer}):")
        print(power_grid(power, answer).to_string(index=False))
    print("\nFalse positives of the recorded-crime evaluation (placebo: no strategy):")
    print(power_grid(power, "rec", "false").to_string(index=False))
    alarm = false_alarms(power)
    if alarm:
        print(strip.sub("", alarm))
    print("\nEstimate against truth:")
    print(bias_table(power).to_string(index=False))
    print()
    for line in smallest_sentences(res):
        print(strip.sub("", line))
    print(f"\nReport: {args.out / 'report.md'} (figures/pilot_power.png, pilot_power.csv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
