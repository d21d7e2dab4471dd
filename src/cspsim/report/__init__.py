"""The report layer: documents of runs and sweeps, rendered to Markdown and HTML.

* :mod:`~cspsim.report.document`: the one renderer (:class:`Document`), used by
  ``cspsim-report``, ``cspsim-demo`` and ``cspsim-validate``;
* :mod:`~cspsim.report.build`: the report of a run or sweep directory
  (``cspsim-report DIR`` -> report.md, report.html, summary.csv);
* :mod:`~cspsim.report.compare`: the sections comparing scenarios with a baseline;
* :mod:`~cspsim.report.neighbourhoods`: maps of the effects by neighbourhood, the least
  helped neighbourhoods and fairness by group; :mod:`~cspsim.report.costs`: what the money
  bought and the cost per crime averted;
* :mod:`~cspsim.report.rollout`, :mod:`~cspsim.report.trial`,
  :mod:`~cspsim.report.frontier`, :mod:`~cspsim.report.sensitivity`,
  :mod:`~cspsim.report.calibration`, :mod:`~cspsim.report.pilot`: the sections of the
  experiments' designs.

Numbers come from the analysis layer (:mod:`cspsim.analysis`); this layer formats and draws.
"""
