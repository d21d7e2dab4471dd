"""The daily schedule, written down in one place: the stages of a day, in order.

Each stage is a core step of the model (a method of
:class:`~cspsim.model.model.CommunitySafetyModel` named ``_<stage>``), the hooks components
attached to it with :func:`~cspsim.model.components.on`, or both (core first). Strategy
components' hooks run only once the partnership has started; modifiers' from day one.

Besides the daily stages, components answer *queries* the core asks while building or
during a stage (see :data:`QUERIES`): e.g. the crime stage multiplies the guardianship
factors of every component that has one, in hook order.

``model.schedule.plan()`` lists the stages with their core step and component hooks (the
integration plan, as Starsim's ``Loop`` shows it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: The day, in order: (stage, core step?, what happens).
STAGES: tuple[tuple[str, bool, str], ...] = (
    ("events", False, "scenario events of the day (a misconduct incident)"),
    ("rebaseline", True, "day 0: offending is measured from here; the review counts restart"),
    ("start", True, "on its start day the strategy starts in its treated places"),
    ("begin_day", False, "components' daily preparation (officer training)"),
    ("budget", True, "the day's budget: funding, components' costs, officer-hours left"),
    ("crime", True, "offences from opportunity, offenders, near repeats and guardians"),
    ("reporting", True, "victims and witnesses report (more with trust)"),
    ("calls", True, "non-crime calls for service (responders take some)"),
    ("orders", True, "duty orders: problem-solving officers, community beats, patrol modes"),
    ("shifts", True, "officers on duty answer calls and patrol; presence at places"),
    ("discovery", True, "patrols find unreported offences"),
    ("arrests", True, "recorded offences may lead to an arrest"),
    ("contacts", True, "stops, calls, talks and arrests move the trust of those contacted"),
    ("complaints", True, "some who felt badly treated complain (fewer where cynicism is high)"),
    ("arrest_effects", True, "arrests jail and deter offenders and cost their ties' trust"),
    ("victimization", True, "victims fear more; unresolved reports cost trust"),
    ("word_of_mouth", True, "trust, fear and news of police contacts spread over ties"),
    ("legitimacy", True, "recent experience fades into belief; newcomers; legal cynicism"),
    ("enrolment", False, "organizations enrol residents in programs"),
    ("programs", True, "program effects ramp up for participants and fade for alumni"),
    ("jail", True, "jailed residents are released"),
    ("deterrence_decay", True, "specific deterrence of arrests wears off"),
    ("work", False, "partnership work: problem solving, responders, meetings, campaign"),
    ("partners", True, "partnership strength grows with joint work, decays without"),
    (
        "engagement",
        True,
        "engagement drifts back to residents' dispositions; households move (tenure)",
    ),
    ("efficacy", True, "collective efficacy moves toward its target"),
    ("records", True, "recorded offences enter the partnership's records"),
    ("review", True, "review days: priorities, hot spots and reports from measured data"),
    ("review_reset", True, "review days: the counts since the last review restart"),
    ("survey", True, "survey waves sample residents (non-response follows trust)"),
    ("record", True, "the day's measures go into the output tables"),
)

#: Questions the core asks components: (query, how answers combine, what it is).
QUERIES: tuple[tuple[str, str, str], ...] = (
    ("residents", "action at build", "change residents' starting state (historical tension)"),
    ("treated", "and of masks", "places where the strategy applies (rollout)"),
    ("start_day", "latest", "first day of the strategy (rollout)"),
    ("cost", "budget lines", "what a component wants to spend today"),
    ("funding", "chained", "the day's budget after modifiers (funding cut)"),
    ("guardianship", "product", "crime multipliers (P, 4) of guardians (watch, responders)"),
    ("opportunity", "one", "reduction of places' opportunity (problem solving)"),
    ("call_diversion", "one", "share of non-crime calls taken by others (responders)"),
    ("targeted", "or of masks", "places under place-focused treatment (for reports)"),
    ("activity", "sum", "shares of residents in shared activities (watch, events, volunteering)"),
    ("complaint_channel", "product", "complaints filed relative to without (feedback channel)"),
)


@dataclass
class Hook:
    """One component method attached to a stage or query."""

    stage: str
    order: int
    owner: str
    group: str
    fn: Callable[..., Any]


@dataclass
class Schedule:
    """The stages of a day with their core steps and component hooks, in order.

    Attributes:
        core: Core step by stage name.
        hooks: Component hooks by stage or query name, sorted by order.
    """

    core: dict[str, Callable[..., Any]]
    hooks: dict[str, list[Hook]] = field(default_factory=dict)
    _acting: dict[tuple[str, bool], list[Hook]] = field(default_factory=dict, repr=False)

    def attach(self, hooks: list[Hook]) -> None:
        """Attach component hooks (stable order: by ``order``, then registration)."""
        known = {s for s, _, _ in STAGES} | {q for q, _, _ in QUERIES}
        for h in hooks:
            if h.stage not in known:
                raise ValueError(f"{h.owner}: no stage or query named {h.stage!r}")
            self.hooks.setdefault(h.stage, []).append(h)
        for lst in self.hooks.values():
            lst.sort(key=lambda h: h.order)
        self._acting.clear()

    def acting(self, stage: str, started: bool) -> list[Hook]:
        """Hooks of a stage or query that act: strategy hooks only once it ``started``.

        Kept once worked out (about forty lookups a day; the hooks change only on attach).
        """
        key = (stage, started)
        hooks = self._acting.get(key)
        if hooks is None:
            every = self.hooks.get(stage, [])
            hooks = self._acting[key] = [h for h in every if started or h.group != "strategy"]
        return hooks

    def plan(self) -> pd.DataFrame:
        """The integration plan: one row per step of a day (stage, order, owner, function)."""
        return plan_table(self.hooks)


def plan_table(hooks: dict[str, list[Hook]]) -> pd.DataFrame:
    """One row per step of a day, in order: stage, order, owner, step, what happens.

    Args:
        hooks: Component hooks by stage (as :meth:`Schedule.attach` sorts them).
    """
    rows = []
    for stage, has_core, what in STAGES:
        if has_core:
            rows.append(
                {"stage": stage, "order": -1, "owner": "model", "step": f"_{stage}", "what": what}
            )
        for h in hooks.get(stage, []):
            rows.append(
                {
                    "stage": stage,
                    "order": h.order,
                    "owner": h.owner,
                    "step": h.fn.__name__,
                    "what": what,
                }
            )
        if not has_core and stage not in hooks:
            rows.append(
                {"stage": stage, "order": -1, "owner": "-", "step": "(no hooks)", "what": what}
            )
    return pd.DataFrame(rows)


def class_hooks(component_classes: list[type]) -> dict[str, list[Hook]]:
    """The hooks the given component classes would attach, sorted as a model sorts them."""
    schedule = Schedule(core={})
    schedule.attach(
        [
            Hook(stage, order, cls.key, cls.group, getattr(cls, name))
            for cls in component_classes
            for stage, order, name in cls.hooks()
        ]
    )
    return schedule.hooks
