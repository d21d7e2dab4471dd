"""``cspsim-report DIR``: the report of a run or sweep directory.

Writes ``report.md``, a self-contained ``report.html`` (figures embedded), ``summary.csv``
(one row per counted run) and the figures under ``figures/``, into DIR (or ``--out``).
Every run's tables are checked against the SHA-256 its ``run.json`` records: runs that failed,
are damaged (a table or ``run.json`` changed or truncated), stale (input files or the model
changed since), missing, incomplete or duplicated are listed and never counted; a bad run
directory never stops the report. Runs of different cities get a section each.

Examples:
    cspsim-report multirun/compare_strategies
    cspsim-report outputs/2026-11-24/10-00-00_reactive_seed0 --out /tmp/report
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from cspsim.output.dirs import OutputDirRefused, make_output_dir, out_dir


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        prog="cspsim-report", description=__doc__.splitlines()[0] if __doc__ else None
    )
    ap.add_argument("directory", type=Path, help="a run directory or a sweep directory")
    ap.add_argument("--out", type=out_dir, default=None, help="output directory (default: DIR)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the report; returns the exit code (2 when DIR holds no run at all)."""
    args = parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    logging.basicConfig(level=logging.WARNING)
    from cspsim.analysis.runs import collect_runs
    from cspsim.report.build import build_report

    if not args.directory.is_dir():
        print(f"cspsim-report: error: {args.directory} is not a directory", file=sys.stderr)
        return 2
    if args.out is not None:
        try:  # before reading the runs: a bad --out fails at once, nothing written
            make_output_dir(args.out, "--out")
        except OutputDirRefused as exc:
            print(f"cspsim-report: error: {exc}", file=sys.stderr)
            return 2
    rs = collect_runs(args.directory)
    listed = (rs.failed, rs.missing, rs.incomplete, rs.damaged, rs.stale, rs.other_config)
    if rs.runs.empty and not any(listed):
        print(f"cspsim-report: error: no run (run.json) under {args.directory}", file=sys.stderr)
        return 2
    md = build_report(args.directory, args.out)
    print(f"cspsim-report: {len(rs.runs)} complete run(s) counted", end="")
    for label, items in (
        ("failed", rs.failed),
        ("damaged", rs.damaged),
        ("stale", rs.stale),
        ("stale kept", rs.reused_stale),
        ("of another config", rs.other_config),
        ("missing", rs.missing),
        ("incomplete", rs.incomplete),
        ("duplicate", rs.duplicates),
        ("from an earlier sweep", rs.unlisted),
    ):
        if items:
            print(f", {len(items)} {label}", end="")
    print(f"\n  {md}\n  {md.with_suffix('.html')}\n  {md.parent / 'summary.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
