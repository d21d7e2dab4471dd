"""The analysis layer: which runs to count, their summaries, paired comparisons, estimators.

* :mod:`~cspsim.analysis.runs`: the runs of a directory (:class:`RunSet`, :func:`collect_runs`);
* :mod:`~cspsim.analysis.outcomes`: what a run summary holds, from the declarations;
* :mod:`~cspsim.analysis.aggregate`: the DuckDB summaries per run, month and place;
* :mod:`~cspsim.analysis.stats`: confidence intervals and paired differences;
* :mod:`~cspsim.analysis.tables`: the comparison table and the levels table;
* :mod:`~cspsim.analysis.places`: change per place, displacement, neighbourhood rates;
* :mod:`~cspsim.analysis.did`, :mod:`~cspsim.analysis.rollout`: difference-in-differences;
* :mod:`~cspsim.analysis.trial`, :mod:`~cspsim.analysis.frontier`,
  :mod:`~cspsim.analysis.sensitivity`, :mod:`~cspsim.analysis.calibration`: the analysis of
  the experiments' designs;
* :mod:`~cspsim.analysis.plots`: the figures.
"""

from cspsim.analysis.aggregate import run_summaries
from cspsim.analysis.runs import RunSet, collect_runs
from cspsim.analysis.stats import mean_ci, paired_differences
from cspsim.analysis.tables import comparison_table

__all__ = [
    "RunSet",
    "collect_runs",
    "comparison_table",
    "mean_ci",
    "paired_differences",
    "run_summaries",
]
