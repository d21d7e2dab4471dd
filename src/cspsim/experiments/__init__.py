"""Experiments at scale: the sweep engine and the designs behind ``configs/experiment``.

* :mod:`~cspsim.experiments.sweep`: jobs, stable run directories, manifest, launching;
* :mod:`~cspsim.experiments.sensitivity`: Morris screening then Sobol indices (SALib);
* :mod:`~cspsim.experiments.calibrate`: Optuna fit of the baseline to the DESIGN.md bands
  (measures in :mod:`~cspsim.experiments.calibration_metrics`);
* :mod:`~cspsim.experiments.frontier`: budget splits between patrol, community policing and
  programs;
* :mod:`~cspsim.experiments.did`: difference-in-differences and event study estimators;
* :mod:`~cspsim.experiments.rollout`: evaluation of a staggered rollout with them;
* :mod:`~cspsim.experiments.trial`: the hot spots trial (Sherman & Weisburd 1995).
"""
