"""Reports of runs and sweeps: ``cspsim-report DIR`` -> report.md, report.html, summary.csv."""
