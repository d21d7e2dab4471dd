"""The component interface: strategy components and scenario modifiers as plug-in modules.

A component is one class that declares, in one place:

* ``key`` and ``group``: its config key (``strategy.<key>`` or ``modifiers.<key>``) and its
  registry entry (the :func:`register` decorator);
* ``Params``: its typed settings (a dataclass whose fields are declared with
  :func:`cspsim.config.declare.setting`, defaults meaning "off"); the run schema adds it to
  the Hydra schema, the range checker and the docs read its declarations;
* ``example``: settings that switch it on (the every-parameter test runs them);
* ``measures``: extra timeseries columns it reports (:class:`cspsim.model.measures.Measure`);
* its behaviour as methods marked with :func:`on`: each names the stage of the daily schedule
  (:mod:`cspsim.model.schedule`) it takes part in, and its order within the stage.

Hooks of strategy components run only once the partnership has started (from
``modifiers.rollout.start_day``, in the treated places); modifiers' hooks run from day one.
A component whose settings are at their defaults must do nothing and draw no random numbers,
so a strategy that sets nothing reproduces the baseline exactly (common random numbers).

Adding a component: write one module in this package (it is imported automatically), give
a strategy YAML its settings, and test it. See ``docs/architecture.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from cspsim.config.checks import check_settings
from cspsim.errors import ConfigError
from cspsim.model.budget import MAX_BUDGET_SHARE

if TYPE_CHECKING:
    from cspsim.model.measures import Measure
    from cspsim.model.model import CommunitySafetyModel

#: Registered components by group, then key, in registration order.
REGISTRY: dict[str, dict[str, type[Component]]] = {"strategy": {}, "modifiers": {}}
#: Bumped on every registration, so cached schemas know to rebuild.
_VERSION = [0]

_HOOK = "_cspsim_hook"
#: Unit of settings that are shares of the daily budget: together at most
#: :data:`MAX_BUDGET_SHARE` (the rest pays for officers).
BUDGET_SHARE = "share of the daily budget"


def on(stage: str, order: int | None = None) -> Callable[[Callable], Callable]:
    """Mark a component method as taking part in a schedule stage.

    Args:
        stage: Name of the stage (see :data:`cspsim.model.schedule.STAGES`).
        order: Position within the stage (lower runs first); default: the component's
            ``order``.
    """

    def mark(fn: Callable) -> Callable:
        setattr(fn, _HOOK, (stage, order))
        return fn

    return mark


@dataclasses.dataclass
class NoParams:
    """Settings of a component that has none."""


class Component:
    """Base class of strategy components and scenario modifiers.

    Args:
        model: The model the component acts on.
        params: Its settings (an instance of ``Params``).
    """

    key: ClassVar[str] = ""
    group: ClassVar[str] = "strategy"
    Params: ClassVar[type] = NoParams
    order: ClassVar[int] = 100
    example: ClassVar[dict[str, Any]] = {}
    measures: ClassVar[tuple[Measure, ...]] = ()

    def __init__(self, model: CommunitySafetyModel, params: Any) -> None:
        self.model = model
        self.params = params

    @classmethod
    def check(cls, params: Any) -> None:
        """Reject settings outside their declared ranges (override to add cross-field rules).

        Raises:
            ConfigError: Naming the setting and the allowed values.
        """
        check_settings(params, f"{cls.group}.{cls.key}")

    @classmethod
    def hooks(cls) -> list[tuple[str, int, str]]:
        """``(stage, order, method name)`` of every method marked with :func:`on`."""
        out = []
        for name in dir(cls):
            mark = getattr(getattr(cls, name, None), _HOOK, None)
            if mark is not None:
                stage, order = mark
                out.append((stage, cls.order if order is None else order, name))
        return out


def register(cls: type[Component]) -> type[Component]:
    """Class decorator: add a component to :data:`REGISTRY` under its group and key."""
    if not cls.key or cls.group not in REGISTRY:
        raise ConfigError(f"{cls.__name__}: a component needs a key and a group in {REGISTRY}")
    if not dataclasses.is_dataclass(cls.Params):
        raise ConfigError(f"{cls.__name__}.Params must be a dataclass")
    REGISTRY[cls.group][cls.key] = cls
    _VERSION[0] += 1
    return cls


def unregister(cls: type[Component]) -> None:
    """Remove a component from the registry (e.g. one a test or notebook registered)."""
    if REGISTRY[cls.group].get(cls.key) is cls:
        del REGISTRY[cls.group][cls.key]
        _VERSION[0] += 1


def registry_version() -> int:
    """A number that changes whenever a component is registered."""
    return _VERSION[0]


def components(group: str | None = None) -> list[type[Component]]:
    """Registered component classes (of one group, or strategy then modifiers)."""
    groups = [group] if group else ["strategy", "modifiers"]
    return [cls for g in groups for cls in REGISTRY[g].values()]


#: Units of settings that are days of the run (a day at or after its end never comes).
DAY_UNITS = frozenset({"day", "day after burn-in"})


def days_after_the_run(component: Component, days: int) -> list[str]:
    """The component's day settings at or after the run's last day, as ``key=value``.

    A rollout that starts on day 100 of a 10-day run, or a misconduct case on day 500,
    never takes effect: the run is the baseline under the strategy's name.
    """
    params = component.params
    return [
        f"{component.group}.{component.key}.{f.name}={getattr(params, f.name)}"
        for f in dataclasses.fields(params)
        if f.metadata.get("unit") in DAY_UNITS and getattr(params, f.name) >= days
    ]


def check_group(settings: Any, group: str) -> None:
    """Check every component's settings in a ``strategy`` or ``modifiers`` config.

    Each component checks its own ranges; budget shares of all strategy components together
    must leave at least a tenth of the budget.

    Raises:
        ConfigError: Naming the setting and the allowed values.
    """
    shares: dict[str, float] = {}
    for cls in components(group):
        params = getattr(settings, cls.key)
        cls.check(params)
        for f in dataclasses.fields(params):
            if f.metadata.get("unit") == BUDGET_SHARE:
                shares[f"{group}.{cls.key}.{f.name}"] = float(getattr(params, f.name))
    if sum(shares.values()) > MAX_BUDGET_SHARE:
        listed = ", ".join(f"{k}={v:g}" for k, v in shares.items() if v > 0)
        raise ConfigError(
            f"{group}: budget shares must sum to at most {MAX_BUDGET_SHARE:g}, got {listed}"
        )
