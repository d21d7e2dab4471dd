"""Run the whole validation: all runs over seeds (in parallel), then every fact's row.

Runs are independent functions of their spec, farmed out with joblib; results are put back
in spec order, so the table does not depend on the number of workers.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from cspsim.analysis.aggregate import summarize_tables
from cspsim.analysis.uncertainty import prediction_interval
from cspsim.config.draws import Draws
from cspsim.validation import realdata, trials
from cspsim.validation.labels import Label, label
from cspsim.validation.runs import RunSpec, Trace, run
from cspsim.validation.targets import FACTS, Fact

log = logging.getLogger("cspsim.validation")

#: The run every trial is compared with (common random numbers: the same seed).
BASELINE = "baseline"


@dataclass
class Row:
    """One fact's result (a row of ``validation.csv``)."""

    fact: Fact
    value: float
    ci_low: float
    ci_high: float
    draws: tuple[float, ...] = ()

    @property
    def with_parameters(self) -> tuple[float, float, float]:
        """Mean and 95% prediction interval over the parameter draws (NaN without draws)."""
        return prediction_interval(np.array(self.draws))

    @property
    def draws_in_band(self) -> float:
        """Share of the parameter draws whose value lies in the fact's band (NaN: none)."""
        x = np.array(self.draws, dtype=float)
        x = x[np.isfinite(x)]
        if len(x) == 0:
            return float("nan")
        return float(np.mean((x >= self.fact.low) & (x <= self.fact.high)))

    @property
    def passed(self) -> bool:
        """Whether the value (and its CI) meets the fact's band."""
        return self.fact.passes(self.value, self.ci_low, self.ci_high)

    @property
    def label(self) -> Label:
        """Fitted, echo or predicted (derived from the declarations)."""
        return label(self.fact)


@dataclass
class Validation:
    """Everything the report needs.

    Attributes:
        rows: One per fact, in :data:`FACTS` order.
        seeds: Seeds run.
        days: Recorded days of the one-year runs.
        sf: San Francisco comparison.
        columbus: Columbus comparison.
        effects: Trial effects summarized over seeds (fact keys and context keys).
        seconds: Wall time.
        overrides: Config overrides applied to every sf2012 run.
        summary: Run summaries of the San Francisco runs over their first year (one row
            per run: ``scenario`` is the trial's name, ``baseline`` for the baseline).
        draws: The parameter draws of the uncertainty ensemble (empty without one).
    """

    rows: list[Row]
    seeds: list[int]
    days: int
    sf: realdata.SFResult
    columbus: realdata.ColumbusResult
    effects: dict[str, tuple[float, float, float]]
    seconds: float
    overrides: tuple[str, ...] = field(default_factory=tuple)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    draws: pd.DataFrame = field(default_factory=pd.DataFrame)


def run_all(specs: list[RunSpec], n_jobs: int) -> list[Trace]:
    """Run specs (longest first for load balance) and return traces in spec order."""
    order = sorted(range(len(specs)), key=lambda i: -specs[i].days * (specs[i].city == "sf2012"))
    if n_jobs == 1:
        done = [run(specs[i]) for i in order]
    else:
        done = Parallel(n_jobs=n_jobs, verbose=0)(delayed(run)(specs[i]) for i in order)
    out: list[Trace | None] = [None] * len(specs)
    for i, tr in zip(order, done, strict=True):
        out[i] = tr
    return out  # type: ignore[return-value]


def values_of_runs(group: dict[str, Trace], days: int) -> dict[str, float]:
    """Every fact's value from the runs of one seed (or one parameter draw)."""
    base = group["baseline"]
    values = {k: v[0] for k, v in realdata.calibration_values([base]).items()}
    values |= {k: v[0] for k, v in realdata.sf_check([base]).values.items()}
    columbus = realdata.columbus_check([group["columbus"]])
    values["columbus_spearman"] = columbus.value[0]
    values["columbus_beyond_input"] = columbus.beyond[0]
    return values | trials.seed_effects(group, days)


def validate(
    seeds: list[int],
    days: int = 365,
    n_jobs: int = 2,
    overrides: tuple[str, ...] = (),
    draws: Draws | None = None,
) -> Validation:
    """Run the default model over ``seeds`` (and parameter draws) and evaluate every fact.

    Args:
        seeds: Root seeds (each runs the baseline, every trial and Columbus).
        days: Recorded days of a one-year run (the summer-jobs trial runs two years).
        n_jobs: Parallel worker processes.
        overrides: Config overrides for the San Francisco runs (e.g. a coarser scale).
        draws: An uncertainty ensemble: every run again under each parameter draw (on the
            draw's seed), giving each fact an interval with parameter uncertainty.
    """
    start = time.perf_counter()
    specs = [s for seed in seeds for s in trials.specs_for_seed(seed, days, overrides)]
    n_draws = 0 if draws is None else len(draws.table)
    for i in range(n_draws):
        specs += trials.specs_for_seed(draws.seed(i), days, overrides, draws.overrides(i))
    log.info(
        "validation: %d runs over %d seeds and %d parameter draws, %d days, %d jobs",
        len(specs),
        len(seeds),
        n_draws,
        days,
        n_jobs,
    )
    traces = run_all(specs, n_jobs)
    by_seed: dict[int, dict[str, Trace]] = {}
    for spec, tr in zip(specs, traces, strict=True):
        by_seed.setdefault(spec.seed, {})[spec.name] = tr
    baselines = [by_seed[s]["baseline"] for s in seeds]
    values = realdata.calibration_values(baselines)
    sf = realdata.sf_check(baselines)
    values |= sf.values
    columbus = realdata.columbus_check([by_seed[s]["columbus"] for s in seeds])
    values["columbus_spearman"] = columbus.value
    values["columbus_beyond_input"] = columbus.beyond
    effects = trials.summarize([trials.seed_effects(by_seed[s], days) for s in seeds])
    values |= effects
    per_draw = [values_of_runs(by_seed[draws.seed(i)], days) for i in range(n_draws)]
    nan = (float("nan"),) * 3
    rows = [
        Row(f, *values.get(f.key, nan), tuple(d.get(f.key, float("nan")) for d in per_draw))
        for f in FACTS
    ]
    return Validation(
        rows,
        list(seeds),
        days,
        sf,
        columbus,
        effects,
        time.perf_counter() - start,
        tuple(overrides),
        summarize(
            [
                t
                for spec, t in zip(specs, traces, strict=True)
                if spec.city == "sf2012" and spec.seed in seeds
            ]
        ),
        pd.DataFrame() if draws is None else draws.table,
    )


def summarize(traces: list[Trace]) -> pd.DataFrame:
    """Run summaries of the traces' first year (the analysis layer's, from tables in memory)."""
    keys = [f"{t.spec.name}/seed={t.spec.seed}" for t in traces]
    runs = pd.DataFrame(
        [
            {"run_dir": k, "scenario": t.spec.name, "seed": t.spec.seed, **t.identity}
            for k, t in zip(keys, traces, strict=True)
        ]
    )
    ts = pd.concat([t.timeseries.assign(run_dir=k) for k, t in zip(keys, traces, strict=True)])
    sv = pd.concat([t.survey.assign(run_dir=k) for k, t in zip(keys, traces, strict=True)])
    return summarize_tables(runs, ts, sv)


def fact_values(result: Validation) -> dict[str, float]:
    """Fact key -> point value (for tests and quick looks)."""
    return {r.fact.key: r.value for r in result.rows}


def passed_share(result: Validation) -> float:
    """Share of facts passed."""
    return float(np.mean([r.passed for r in result.rows]))


def tally(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """Label -> (passed, total): only the predictions count as evidence."""
    out: dict[str, tuple[int, int]] = {}
    for r in rows:
        passed, total = out.get(r.label.kind, (0, 0))
        out[r.label.kind] = (passed + int(r.passed), total + 1)
    return out
