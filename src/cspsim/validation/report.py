"""Write the validation report: ``validation.csv``, ``validation.md`` and figures.

Files are written under temporary names and renamed into place, ``validation.csv`` last, so
a crashed or interrupted run never leaves a half-written table that looks complete.
"""

from __future__ import annotations

import csv
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from cspsim.validation import figures
from cspsim.validation.markdown import fmt_value, render
from cspsim.validation.suite import Row, Validation

CSV_COLUMNS = [
    "key",
    "label",
    "fact",
    "source",
    "metric",
    "low",
    "high",
    "value",
    "ci_low",
    "ci_high",
    "passed",
    "draws_mean",
    "draws_low",
    "draws_high",
    "draws_in_band",
    "depends",
    "label_reason",
]


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_csv(rows: list[Row], path: Path) -> None:
    """Write ``validation.csv`` (atomically)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in rows:
            f = r.fact
            w.writerow(
                [
                    f.key,
                    r.label.kind,
                    f.fact,
                    f.source,
                    f.metric,
                    f.low,
                    f.high,
                    fmt_value(r.value, 4),
                    fmt_value(r.ci_low, 4),
                    fmt_value(r.ci_high, 4),
                    r.passed,
                    *(fmt_value(x, 4) for x in r.with_parameters),
                    fmt_value(r.draws_in_band, 3),
                    " ".join(f.depends),
                    r.label.reason,
                ]
            )
    os.replace(tmp, path)


def write_report(result: Validation, out: Path, command: str) -> Path:
    """Write figures, ``validation.md`` and (last) ``validation.csv`` into ``out``."""
    out = Path(out)
    # A table from an earlier run must not sit next to half-written new files.
    (out / "validation.csv").unlink(missing_ok=True)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    for name, draw, arg in [
        ("sf_lorenz.png", figures.sf_lorenz, result.sf),
        ("columbus_map.png", figures.columbus_map, result.columbus),
        ("interventions.png", figures.interventions, result.rows),
    ]:
        tmp = fig_dir / f".{name}.tmp.png"
        draw(arg, tmp)
        os.replace(tmp, fig_dir / name)
    meta = {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git_commit(),
    }
    _write_atomic(out / "validation.md", render(result, meta, out))
    write_csv(result.rows, out / "validation.csv")
    return out / "validation.csv"
