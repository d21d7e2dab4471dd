"""What a fact can count as: *fitted*, a *calibrated echo*, or a *prediction*.

Derived from the declarations (:mod:`cspsim.config.evidence`), never typed by hand:

* **fitted**: a fitted parameter names the fact as one of its calibration targets
  (``p(..., kind="fitted", targets=(...))``). Meeting it shows the fit worked, not that the
  model is right.
* **echo**: something the fact's value runs through (its ``depends``) cites one of the
  fact's own studies, or is fitted to a fact that does: the result restates an input taken
  from the evidence it is compared with. Not counted.
* **predicted**: neither. Only predictions count as evidence.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cspsim.config.evidence import Declared, citations, fitted_targets
from cspsim.config.evidence import declared as declared_param
from cspsim.model.components import REGISTRY
from cspsim.validation.targets import FACTS_BY_KEY, Fact

LABELS = ("fitted", "echo", "predicted")


@dataclass(frozen=True)
class Label:
    """A fact's label and why.

    Attributes:
        kind: One of :data:`LABELS`.
        reason: Why, in words (which parameter is fitted to it or echoes which study).
        depends: The declarations the fact's value runs through.
    """

    kind: str
    reason: str
    depends: tuple[Declared, ...]

    @property
    def counted(self) -> bool:
        """Whether the fact counts as evidence (only predictions do)."""
        return self.kind == "predicted"


def setting_declared(path: str) -> Declared:
    """A strategy component's setting (``strategy.<component>.<name>``) as declared."""
    _, comp, name = path.split(".", 2)
    registry = REGISTRY["strategy"]
    if comp not in registry:
        raise KeyError(f"{path}: no strategy component {comp!r}")
    fields = {f.name: f for f in dataclasses.fields(registry[comp].Params)}
    if name not in fields:
        raise KeyError(f"{path}: component {comp!r} has no setting {name!r}")
    f = fields[name]
    source = str(f.metadata.get("source", ""))
    return Declared(
        path=path,
        default=f.default,
        kind="sourced" if source else None,
        low=None,
        high=None,
        source=source,
        unit=str(f.metadata.get("unit", "")),
        targets=(),
        studies=citations(source),
    )


def declared(path: str) -> Declared:
    """What a fact depends on, as declared.

    Args:
        path: A parameter (``crime.police_deterrence``), a city input (``city.<name>``) or a
            strategy setting (``strategy.<component>.<setting>``, whose ``source`` names the
            study it comes from).
    """
    if path.startswith("strategy."):
        return setting_declared(path)
    return declared_param(path)


def studies_behind(d: Declared) -> tuple[str, ...]:
    """Studies a declaration rests on: those it cites and, if fitted, its targets' studies."""
    out = list(d.studies)
    for target in d.targets:
        fact = FACTS_BY_KEY.get(target)
        if fact is not None:
            out += [s for s in citations(fact.source) if s not in out]
    return tuple(out)


def label(fact: Fact) -> Label:
    """Label a fact from the declarations of what it depends on."""
    depends = tuple(declared(path) for path in fact.depends)
    fitted = fitted_targets().get(fact.key, ())
    if fitted:
        return Label("fitted", f"fitted: {', '.join(fitted)} fitted to it", depends)
    own = set(citations(fact.source))
    echoes = [
        f"{d.key} ({', '.join(s for s in studies_behind(d) if s in own)})"
        for d in depends
        if own & set(studies_behind(d))
    ]
    if echoes:
        return Label("echo", "echo: " + "; ".join(echoes) + " cite the fact's own study", depends)
    return Label("predicted", "predicted: nothing it runs through cites its studies", depends)


def labels() -> dict[str, Label]:
    """Every fact's label, by fact key."""
    return {key: label(fact) for key, fact in FACTS_BY_KEY.items()}
