"""The output layer: a run's tables, its run directory (Parquet + ``run.json``), the runner.

Re-exports what readers of run directories need.
"""

from cspsim.output.integrity import RunState, inspect_run, is_complete
from cspsim.output.manifest import MANIFEST, read_manifest
from cspsim.output.results import Results, collect
from cspsim.output.rundir import (
    RUN_JSON,
    TABLES,
    read_run_json,
    write_failure,
    write_json_atomic,
    write_results,
)

__all__ = [
    "MANIFEST",
    "RUN_JSON",
    "TABLES",
    "Results",
    "RunState",
    "collect",
    "inspect_run",
    "is_complete",
    "read_manifest",
    "read_run_json",
    "write_failure",
    "write_json_atomic",
    "write_results",
]
