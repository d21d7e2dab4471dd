"""Hydra sweeper plugin of cspsim (``hydra/sweeper=cspsim``, the default of ``cspsim-run``)."""
