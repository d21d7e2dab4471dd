"""cspsim: an agent-based simulator of community safety partnerships.

Police, residents and community organizations on a real city's neighbourhood network; see
``docs/ODD.md`` for the model and ``README.md`` for the commands.
"""

from cspsim.api import Results, build_model, make_config, simulate
from cspsim.config import RunConfig
from cspsim.model import CommunitySafetyModel
from cspsim.paths import register_resolvers

register_resolvers()  # ${safe:...} in the Hydra configs, before anything composes them

__version__ = "0.1.0"

__all__ = ["CommunitySafetyModel", "Results", "RunConfig", "build_model", "make_config", "simulate"]
