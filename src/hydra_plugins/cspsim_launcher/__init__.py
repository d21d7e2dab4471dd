"""Hydra launcher plugin of cspsim: several runs per cluster task (``hydra/launcher=slurm``)."""
