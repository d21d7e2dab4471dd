"""The model layer: world, daily schedule, processes, components and measures.

``CommunitySafetyModel`` runs one day per step; :func:`run_schema` is the run config class
with every registered component's settings (the Hydra schema).
"""

from cspsim.model.model import CommunitySafetyModel
from cspsim.model.schema import default_config, run_schema

__all__ = ["CommunitySafetyModel", "default_config", "run_schema"]
