"""``cspsim-validate``: hold the default model against the published findings and real data.

Runs the default calibration over N seeds (San Francisco 2012 baseline, one in-silico trial
per intervention on common random numbers, Columbus 1980 out of sample) and writes
``OUT/validation.csv``, ``OUT/validation.md`` and ``OUT/figures/*.png``.

Exit status: 0 when the report was written, whatever facts failed (they are findings, listed
with reasons in ``validation.md``); 1 on an error (a failed run); 2 on bad input (an option
the parser refuses, a bad override or city, an ``--out`` that cannot be a directory), found
before anything is written.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from cspsim.api import make_config
from cspsim.errors import CityDataError, ConfigError
from cspsim.output.dirs import OutputDirRefused, make_output_dir, out_dir

log = logging.getLogger("cspsim.validation")

#: The reference run's size (the options' defaults).
DEFAULTS = {"seeds": 5, "days": 365, "draws": 8}
#: ``--quick``: a smoke run for development (not the reference numbers).
QUICK = {"seeds": 2, "days": 180, "draws": 2, "overrides": ("city.residents_per_agent=40",)}
#: Seed of the Latin hypercube of the validation's parameter draws.
DRAW_SEED = 2026


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="cspsim-validate", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=None, help="number of seeds, 1..N (default 5)")
    ap.add_argument("--first-seed", type=int, default=1, help="first seed (default 1)")
    ap.add_argument(
        "--out",
        type=out_dir,
        default=Path("results/validation"),
        help="output directory (default results/validation)",
    )
    ap.add_argument(
        "--days",
        type=int,
        default=None,
        help="recorded days of a one-year run (default 365; summer jobs run two)",
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel worker processes (default 2)")
    ap.add_argument(
        "--draws",
        type=int,
        default=None,
        help="parameter draws (each its own seed) for intervals with parameter uncertainty "
        "(default 8; 0: none)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="2 seeds, 180 days, 2 draws, 1 agent per 40 residents: a smoke run only "
        "(--seeds, --days, --draws given too are kept)",
    )
    ap.add_argument(
        "--city",
        default=None,
        help="only the held-back periods test of a city: a config name (stl) or overrides "
        "('city=gis city.areas=...'); see cspsim.validation.heldout",
    )
    ap.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="config overrides for the San Francisco runs, e.g. "
        "params.crime.police_deterrence=0.15",
    )
    args = ap.parse_args(argv)
    # What the user gave wins (--quick --draws 1 once ran with 2, --draws unchecked).
    given_days = args.days is not None
    defaults = QUICK if args.quick else DEFAULTS
    for name in ("seeds", "days", "draws"):
        if getattr(args, name) is None:
            setattr(args, name, defaults[name])
    if args.quick:
        args.overrides = [*QUICK["overrides"], *args.overrides]
    if args.draws < 0 or args.draws == 1:
        ap.error(f"--draws: expected 0 or an integer >= 2, got {args.draws}")
    for name in ("seeds", "days", "jobs"):
        if getattr(args, name) < 1:
            ap.error(f"--{name}: expected an integer >= 1, got {getattr(args, name)}")
    if args.first_seed < 0:
        ap.error(f"--first-seed: expected an integer >= 0, got {args.first_seed}")
    if args.days < 184 and given_days:
        log.warning("--days %d < 184: the SF comparison uses only %d days", args.days, args.days)
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``cspsim-validate``."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    from cspsim.config.draws import draw, load_shipped_posterior
    from cspsim.validation.report import write_report
    from cspsim.validation.suite import tally, validate

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    command = "cspsim-validate " + " ".join(sys.argv[1:] if argv is None else argv)
    try:  # before anything is written: bad overrides, then a bad --out
        if args.city is None:
            make_config(overrides=list(args.overrides))
        make_output_dir(Path(args.out), "--out")
    except (ConfigError, OutputDirRefused) as exc:
        print(f"cspsim-validate: error: {exc}", file=sys.stderr)
        return 2
    if args.city is not None:
        from cspsim.validation.heldout import run_cli

        return run_cli(args.city, list(args.overrides), seeds, args.jobs, args.out, command)
    start = time.perf_counter()
    try:
        draws = None
        if args.draws:
            fixed = {o.partition("=")[0].lstrip("+~") for o in args.overrides}
            draws = draw(args.draws, DRAW_SEED, posterior=load_shipped_posterior()).without(fixed)
        result = validate(seeds, args.days, args.jobs, tuple(args.overrides), draws)
        path = write_report(result, args.out, command.strip())
    except (ConfigError, CityDataError) as exc:
        print(f"cspsim-validate: error: {exc}", file=sys.stderr)
        return 2
    counts = tally(result.rows)
    p_ok, p_n = counts.get("predicted", (0, 0))
    print(
        f"{p_ok} of {p_n} predictions passed ({time.perf_counter() - start:.0f} s); not "
        "evidence: "
        + ", ".join(f"{k} {ok} of {n} met" for k, (ok, n) in counts.items() if k != "predicted")
    )
    for r in result.rows:
        if not r.passed:
            print(
                f"  failed ({r.label.kind}): {r.fact.key}: {r.value:.3f} "
                f"(band {r.fact.low:g} to {r.fact.high:g})"
            )
    print(f"wrote {path} and {path.with_name('validation.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
