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
from cspsim.validation.suite import Row, Validation

CSV_COLUMNS = ["fact", "source", "metric", "low", "high", "value", "ci_low", "ci_high", "passed"]

#: What a failure of a fact would most likely mean in the model (shown only when it fails).
WHY: dict[str, str] = {
    "hotspot_treated": "the effect scales with the dosage at hot spots (configs/strategy/"
    "hotspot.yaml) and with params.crime.police_deterrence",
    "cp_trust": "trust moves little per contact (Skogan's asymmetry) and relaxes to each "
    "resident's disposition; foot-patrol informal contacts "
    "(params.contacts.foot_informal_contacts_per_hour) and meetings carry the effect",
    "summer_jobs_year1": "set by params.programs.youth_jobs_effect (maximum) averaged over "
    "ramp-up and fade-out (params.programs.ramp_days, fade_half_life_days)",
    "mh_serious": "fewer low-level arrests mean less incapacitation of at-risk residents, "
    "which can raise serious crime a little at covered places",
}


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def _band(r: Row) -> str:
    f = r.fact
    if f.rule == "ci_overlap" and f.low <= -1.0:
        return f"CI reaches <= {f.high:g}"
    if f.high >= 1.0 and f.rule == "within_sig":
        return f">= {f.low:g}, CI > 0"
    if f.high >= 1.0:
        return f">= {f.low:g}"
    return f"{f.low:g} to {f.high:g}"


def reason(r: Row) -> str:
    """Why a fact failed, in words."""
    f = r.fact
    if r.value != r.value:
        return "not measured (no treated places or participants in the run)"
    if f.rule == "within_sig" and f.low <= r.value <= f.high:
        text = "the 95% CI includes 0"
    elif f.rule == "ci_overlap":
        text = f"the 95% CI ({_fmt(r.ci_low)} to {_fmt(r.ci_high)}) lies above {f.high:g}"
    else:
        side = "below" if r.value < f.low else "above"
        text = f"{_fmt(r.value)} is {side} the band ({_band(r)})"
    if f.key in WHY:
        text += f"; {WHY[f.key]}"
    return text


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


def table_markdown(rows: list[Row]) -> str:
    """The facts table in Markdown (also the README's Validation table)."""
    lines = [
        "| fact | source | band | model (95% CI) | passed |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        ci = f"{_fmt(r.value)} ({_fmt(r.ci_low)} to {_fmt(r.ci_high)})"
        lines.append(
            f"| {r.fact.fact} | {r.fact.source} | {_band(r)} | {ci} | "
            f"{'yes' if r.passed else '**no**'} |"
        )
    return "\n".join(lines)


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
                    f.fact,
                    f.source,
                    f.metric,
                    f.low,
                    f.high,
                    _fmt(r.value, 4),
                    _fmt(r.ci_low, 4),
                    _fmt(r.ci_high, 4),
                    r.passed,
                ]
            )
    os.replace(tmp, path)


def write_report(result: Validation, out: Path, command: str) -> Path:
    """Write figures, ``validation.md`` and (last) ``validation.csv`` into ``out``."""
    from cspsim.validation.markdown import render

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
    _write_atomic(out / "validation.md", render(result, meta))
    write_csv(result.rows, out / "validation.csv")
    return out / "validation.csv"
