"""Validation of the default model against published findings and real city data.

``cspsim-validate`` (:mod:`cspsim.validation.cli`) runs it; :mod:`~cspsim.validation.targets`
holds the facts, :mod:`~cspsim.analysis.concentration` the statistics,
:mod:`~cspsim.validation.trials` the in-silico trials and :mod:`~cspsim.validation.realdata`
the San Francisco and Columbus checks.
"""
