"""Experiments at scale: the sweep engine and the designs behind ``configs/experiment``.

Experiments choose points and launch runs; what the runs show is the analysis layer's
(:mod:`cspsim.analysis`) and the report layer's (:mod:`cspsim.report`).

* :mod:`~cspsim.experiments.sweep`: the designs by name and the sweeper's entry point;
* :mod:`~cspsim.experiments.context`: jobs, stable run directories, manifest, launching;
* :mod:`~cspsim.experiments.sensitivity`: Morris screening then Sobol indices (SALib
  samples; indices in :mod:`cspsim.analysis.sensitivity`);
* :mod:`~cspsim.experiments.calibrate`: Optuna fit of the baseline to the docs/design.md bands
  (measures and loss in :mod:`cspsim.analysis.calibration`);
* :mod:`~cspsim.experiments.frontier`: budget splits between patrol, community policing and
  programs (the frontier in :mod:`cspsim.analysis.frontier`).

Staggered rollouts and the hot spots trial are plain grids of overrides; their estimators
are :mod:`cspsim.analysis.rollout` (with :mod:`cspsim.analysis.did`) and
:mod:`cspsim.analysis.trial`.
"""
