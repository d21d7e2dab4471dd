"""Reading run directories and comparing strategies (paired, common random numbers)."""

from cspsim.analysis.compare import paired_differences
from cspsim.analysis.summary import find_runs, summarize_run, summarize_runs

__all__ = ["find_runs", "paired_differences", "summarize_run", "summarize_runs"]
