"""Schema of the ``strategy`` group: a name, how it is funded, and its components.

The components' settings (``strategy.patrol``, ``strategy.meetings``, ...) are declared by the
components themselves (:mod:`cspsim.model.components`) and added to this base class by
:func:`cspsim.model.schema.run_schema`; a component at its default setting is off, so a
strategy that sets nothing is exactly the ``reactive`` baseline (tested).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StrategyConfig:
    """A strategy: a name and how it is funded (components are added by the schema).

    Attributes:
        name: Strategy name (a file in ``configs/strategy``).
        equal_budget: Pay every component from the baseline budget (fewer patrol hours);
            false adds the components' cost on top.
    """

    name: str = "reactive"
    equal_budget: bool = True
