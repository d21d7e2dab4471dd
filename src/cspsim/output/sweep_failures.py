"""The list of a sweep's runs that failed or could not start, kept in the sweep directory.

A sweep carries on past a run that fails (its ``run.json`` records the error) and past a
job the sweeper could not start (its overrides do not compose, its directory lies outside
the sweep or holds another config's run). Each appends one JSON line here, from whichever
process saw it; at the end of the sweep the command lists them and exits 1
(:class:`cspsim.cli.failures.SweepFailures`, and the batch launchers'
``FailureExit``), so a script or CI job can tell that the sweep is incomplete.
"""

from __future__ import annotations

import json
from pathlib import Path

#: The sweep's failed runs, one JSON line each (written as they fail, read at the end).
FAILED_FILE = ".cspsim-failed.jsonl"
#: Stage of a failure: the run started and failed.
RUN = "run"
#: Stage of a failure: the sweeper could not start the run (nothing was simulated).
START = "start"


def record(sweep_dir: Path, run_dir: Path, error: BaseException | str, stage: str = RUN) -> None:
    """Add one failed run (one line per call: appends from parallel runs do not mix).

    Args:
        sweep_dir: The sweep's directory (exists).
        run_dir: The run's directory (need not exist).
        error: The exception, or a reason in words.
        stage: :data:`RUN` or :data:`START`.
    """
    if isinstance(error, BaseException):
        error = f"{type(error).__name__}: {error}"
    text = " ".join(str(error).split())[:300]
    line = json.dumps({"run": str(run_dir), "error": text, "stage": stage})
    with open(Path(sweep_dir) / FAILED_FILE, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def read(sweep_dir: Path, stage: str | None = None) -> list[dict[str, str]]:
    """The failures recorded so far (of one ``stage``, or all), in the order recorded."""
    path = Path(sweep_dir) / FAILED_FILE
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if stage is None or r.get("stage", RUN) == stage]


def clear(sweep_dir: Path) -> None:
    """Forget earlier failures: a new (or resumed) sweep starts with none."""
    (Path(sweep_dir) / FAILED_FILE).unlink(missing_ok=True)


def describe(entry: dict[str, str]) -> str:
    """One line for the end-of-sweep list: the run, whether it started, the error."""
    start = " (cannot start)" if entry.get("stage") == START else ""
    return f"{entry['run']}{start}: {entry['error']}"
