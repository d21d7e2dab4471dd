"""Generate the README's table of output columns from the declarations.

Writes, between ``<!-- columns:start -->`` and ``<!-- columns:end -->`` in ``README.md``:
the files of a run directory, every declared column of the four tables
(:data:`cspsim.model.measures.CATALOG` plus the components' own timeseries columns) with its
type, unit, meaning and how it aggregates, and the run-level outcomes of the run summaries
(:mod:`cspsim.analysis.outcomes`). A column or outcome declared in the code appears here
when this script runs; ``tests/test_columns_doc.py`` fails while the README is stale.

Usage::

    .venv/bin/python docs/gen_columns.py          # rewrite the table in README.md
    .venv/bin/python docs/gen_columns.py --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cspsim.analysis import outcomes as oc
from cspsim.model.measures import CATALOG, Measure, Outcome

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- columns:start -->", "<!-- columns:end -->"

#: What one row of each table is.
ROWS = {
    "timeseries": "day",
    "places": "place × month",
    "events": "offence",
    "survey": "respondent × wave",
}
RUN_JSON = (
    "| `run.json` | run | `status` (`complete` is written last, atomically; `failed` with the "
    "error), `seed`, `city`, `strategy`, resolved `config`, `tables` (SHA-256, bytes and rows "
    "of each table), `inputs` (path and SHA-256 of the city's data files and of user config "
    "files), `model` (code SHA-256 and result-determining package versions), package "
    "`versions` (with `numpy_simd`, the vector extensions NumPy used: see Reproducibility), "
    "`git_commit`, `git_dirty`, `estimate` (the run's own estimate before "
    "building: `memory_mb` beyond Python and the imports, `seconds`; also in a run refused as "
    "too large), `wall_seconds`, `step_seconds`, `residents`, `days` |"
)
#: How a timeseries column aggregates over a run, and a places column over months, in words.
OVER_DAYS = {
    "sum": "sum, per year",
    "mean": "mean",
    "last30": "mean of the last 30 days",
    "first": "first day",
    "none": "-",
}
OVER_MONTH = {"sum": "sum over the month", "last": "value at the month's end", "none": "-"}
OVER_PLACES = {"sum": "sum", "mean": "mean", "any": "any", "max": "max", "key": "key"}


def _cell(text: str) -> str:
    return text.replace("|", "/")


def declared(table: str) -> tuple[Measure, ...]:
    """Every declared column of one table (timeseries: the components' own ones too)."""
    return oc.timeseries_measures() if table == "timeseries" else CATALOG[table]


def _how(m: Measure) -> str:
    if m.table == "timeseries":
        return OVER_DAYS.get(m.over_days, m.over_days)
    if m.table == "places":
        month = OVER_MONTH.get(m.over_days, m.over_days)
        return f"{month}; over months: {OVER_PLACES.get(m.over_places, m.over_places)}"
    return "-"


def files_table() -> list[str]:
    """The files of a run directory, one row per file."""
    rows = ["| file | one row per | columns |", "|---|---|---|", RUN_JSON]
    for table, row in ROWS.items():
        names = ", ".join(f"`{m.name}`" for m in declared(table))
        rows.append(f"| `{table}.parquet` | {row} | {names} |")
    return rows


def columns_table(table: str) -> list[str]:
    """Every declared column of one table: name, type, unit, meaning and aggregation."""
    how = {"timeseries": "over a run", "places": "aggregation"}.get(table)
    head = "| column | type | unit | meaning |" + (f" {how} |" if how else "")
    rule = "|---|---|---|---|" + ("---|" if how else "")
    rows = [
        f"<details><summary><code>{table}.parquet</code>: one row per {ROWS[table]}, "
        f"{len(declared(table))} columns</summary>",
        "",
        head,
        rule,
    ]
    for m in declared(table):
        cells = [f"`{m.name}`", m.dtype, _cell(m.unit), _cell(m.label)]
        rows.append("| " + " | ".join(cells + ([_how(m)] if how else [])) + " |")
    return [*rows, "", "</details>"]


def _source(o: Outcome) -> str:
    if o.over_days == "ratio":
        return f"`timeseries.{o.column}` / `timeseries.{o.denominator}` (sums)"
    if o.over_days == "survey":
        return f"`survey.{o.column}`, mean of the last wave (also per group: `_a`, `_b`)"
    return f"`timeseries.{o.column}`, {OVER_DAYS.get(o.over_days, o.over_days)}"


def outcomes_table() -> list[str]:
    """The run-level outcomes and derived values of the run summaries."""
    rows = [
        "Run-level outcomes: one value per run in `summary.csv` (`cspsim-report`, "
        "`cspsim-demo`); the comparison tables show each against the baseline with its 95% CI.",
        "",
        "| outcome | from | unit | meaning | better |",
        "|---|---|---|---|---|",
    ]
    for o in oc.outcomes():
        rows.append(
            f"| `{o.name}` | {_source(o)} | {_cell(o.unit)} | {_cell(o.label)} | {o.better} |"
        )
    for d in oc.DERIVED:
        rows.append(
            f"| `{d.name}` | {_cell(d.formula)} | {_cell(d.unit)} | {_cell(d.label)} | {d.better} |"
        )
    return rows


def generate() -> str:
    """The whole generated block (between the markers)."""
    lines = files_table() + [""]
    for table in ROWS:
        lines += columns_table(table) + [""]
    return "\n".join(lines + outcomes_table())


def render(text: str) -> str:
    """``text`` with the block between the markers regenerated."""
    if START not in text or END not in text:
        raise SystemExit(f"README.md: markers {START} / {END} not found")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{generate()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table (or with ``--check`` report whether it is current)."""
    ap = argparse.ArgumentParser(description="Generate the README's output columns table.")
    ap.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    ap.add_argument("--readme", type=Path, default=README, help="file to update (README.md)")
    args = ap.parse_args(argv)
    old = args.readme.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        if new != old:
            print(f"{args.readme} is out of date: run docs/{Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.readme} is up to date")
        return 0
    if new != old:
        args.readme.write_text(new, encoding="utf-8")
        print(f"updated {args.readme}")
    else:
        print(f"{args.readme} already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
