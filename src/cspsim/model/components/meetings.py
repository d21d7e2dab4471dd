"""Community (beat) meetings: who comes, what they raise, whether anyone acts, and reports.

Attendance is selective (Skogan & Hartnett 1997; Skogan 2006): the engaged, the trusting and
long-time residents come more, about 25 residents of a beat's ~10,000 per meeting. Attendees
raise the problems they perceive at their places: their own and their ties' recent
victimization, the disorder they see and their fear, never crime they cannot see. With
``voice`` > 0 those concerns steer officer-hours (across beats) and program sites. At the
next meeting the partnership is judged on them: a problem acted on (police presence there
up, or a place-focused treatment begun) raises attendees' trust, an ignored one costs it
(Skogan 2006: what builds trust is visible responsiveness); attendees tell their ties. They
also judge whether it got better: acting while the perceived problem (the concern level the
problem was raised from) did not fall earns only ``voice.unimproved_credit`` of the gain.
A transparency report at each review publishes the problems raised and what was done, the
complaints filed and whether they were reviewed, and the KPIs (recorded crime) and survey
with the places they single out; its trust effect follows whether the partnership acted on
what it published, never the sign of recorded crime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components._gatherings import attend, hear_judgement, shares
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.kernels import _jit

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

#: Problems a meeting raises at most (the places its attendees perceive as worst).
PROBLEMS_PER_MEETING = 3
#: Memory of police presence per place used to judge whether a problem was acted on.
PRESENCE_MEMORY = 0.05
#: Tenure (years) below which attendance no longer falls with it (newcomers' log tenure).
MIN_TENURE_YEARS = 0.05
#: Share of active places a transparency report singles out by its KPIs (recorded crime since
#: the last report) and, once there is a survey wave, by surveyed distrust (each).
REPORT_PLACES = 0.1


@dataclass
class MeetingsSettings:
    """Community meetings and transparency reports."""

    per_month: float = setting(
        0.0, "meetings per neighbourhood per month", "how often beats meet (0 = none)", low=0
    )
    voice: float = setting(
        0.5,
        "0-1",
        "how much residents' concerns steer where officers and programs go",
        low=0,
        high=1,
    )
    transparency: bool = setting(
        False, "flag", "publish what was raised and what was done at every review"
    )


@register
class Meetings(Component):
    """Beat meetings: selective attendance, concerns, responsiveness, transparency."""

    key = "meetings"
    Params = MeetingsSettings
    order = 30
    example = {"per_month": 2.0, "transparency": True}

    def __init__(self, model: CommunitySafetyModel, params: MeetingsSettings) -> None:
        super().__init__(model, params)
        n = model.world.n_places
        self.presence_recent = np.zeros(n)
        self.raised = np.zeros(n, dtype=bool)  # raised and not yet judged
        self.presence_at_raise = np.zeros(n)
        self.level_at_raise = np.zeros(n)
        self.judged_since_report = 0
        self.acted_since_report = 0
        self.improved_since_report = 0
        self.complaints_at_report = np.empty(0, np.int64)  # set when the strategy starts
        self.priority_at_report = np.ones(n)
        self.reviewed_at_report = 0
        self.reports: list[dict[str, float]] = []

    # ----- start -----------------------------------------------------------------------
    @on("start", order=5)
    def listening_round(self, day: Day) -> None:
        """Concerns are heard before anything else starts, so targeting has them from day 0."""
        if self.params.per_month <= 0:
            return
        m = self.model
        ps = m.partnership
        ps.voice = self.params.voice
        ps.concern = np.where(ps.active_places, self.concern_level(), 0.0)
        self.presence_recent = m.police.presence.copy()

    @on("start", order=6)
    def open_books(self, day: Day) -> None:
        """Transparency reports count complaints and priorities from the start."""
        self._close_books()

    def _close_books(self) -> None:
        m = self.model
        self.judged_since_report = self.acted_since_report = self.improved_since_report = 0
        self.complaints_at_report = m.police.force.complaints.copy()
        self.priority_at_report = m.partnership.priority.copy()
        self.reviewed_at_report = getattr(m.components.get("feedback_channel"), "reviewed", 0)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Meetings in the active neighbourhoods."""
        c = self.params
        if c.per_month <= 0:
            return {}
        unit = self.model.params.costs.meeting
        return {"meetings": c.per_month / 30.0 * self.model.partnership.active_beats.sum() * unit}

    # ----- the meetings -----------------------------------------------------------------
    @on("work")
    def hold(self, day: Day) -> None:
        """Meetings today (each active neighbourhood meets at ``per_month`` / 30 a day)."""
        c = self.params
        if c.per_month <= 0:
            return
        m = self.model
        self.presence_recent += PRESENCE_MEMORY * (day.presence - self.presence_recent)
        u = m.streams.get("meetings", day.day).random(m.world.city.n_neighbourhoods)
        # Under a funding cut only the funded share of the meetings is held (budget.py).
        rate = c.per_month / 30.0 * day.funded_share(self.key)
        meets = m.partnership.active_beats & (u < rate)
        held = self.meet(meets, c.voice, day)
        day.meetings_held += held

    def attendance(self, residents: np.ndarray) -> np.ndarray:
        """Share of each resident agent's people at a meeting of their neighbourhood.

        Selective: log-odds rise with engagement, trust and log tenure, and the mean share
        is the sourced attendance (:meth:`_attendance_weights`).
        """
        weight, mean_weight = self._attendance_weights()
        attendance = np.float32(self.model.params.voice.attendance)
        return shares(np.asarray(residents, np.int64), weight, mean_weight, attendance)

    def _attendance_weights(self) -> tuple[np.ndarray, np.float32]:
        """Every resident's attendance weight and their mean (float32).

        A resident's share is ``min(attendance * weight / mean weight, 1)``. Dividing by the
        mean weight makes each resident's weight relative to the city, so any constant in
        the score cancels: engagement and trust are centred on their means only to keep
        ``exp`` in range, and tenure is taken in years (a median would cancel the same way
        and cost a sort a day).
        """
        m = self.model
        r = m.residents
        vp = m.params.voice
        # log and exp by NumPy (its vectorized float32 functions), the sums in one pass:
        # the numbers of the expression ``e (eng - mean) + t (trust - mean) + u log(tenure)``.
        weight = np.log(_at_least(r.tenure, np.float32(MIN_TENURE_YEARS)))
        _attendance_score(
            r.engagement,
            r.trust,
            weight,
            r.engagement.mean(),
            r.trust.mean(),
            np.float32(vp.attendance_engagement_effect),
            np.float32(vp.attendance_trust_effect),
            np.float32(vp.attendance_tenure_effect),
        )
        np.exp(weight, out=weight)
        return weight, weight.mean()

    def meet(self, meeting_nbhd: np.ndarray, voice: float, day: Day | None = None) -> int:
        """Meetings in the flagged neighbourhoods; returns how many were held.

        Attendees' trust and engagement rise; the problems raised last time are judged; new
        problems are raised and steer the partnership as far as ``voice`` lets them. What
        happens to each attendee is one compiled pass (:mod:`._gatherings`): the numbers of
        ``Legitimacy.gain``, ``lose`` and ``tell`` and of engagement's rise over the
        attendees, without a dozen passes over them.
        """
        if not meeting_nbhd.any():
            return 0
        m = self.model
        vp = m.params.voice
        r = m.residents
        lg = m.legitimacy
        w = m.world
        place_meets = meeting_nbhd[w.city.neighbourhood]
        rows = np.flatnonzero(place_meets)  # the attendees: these places' residents
        weight, mean_weight = self._attendance_weights()
        k = np.float32(w.residents_per_agent)
        share, attended = attend(
            rows,
            w.place_start,
            w.place_count,
            weight,
            mean_weight,
            np.float32(vp.attendance),
            w.n_places,
            r.trust_recent,
            r.trust,
            r.engagement,
            lg.good,
            (np.float32(vp.meeting_trust_gain), k),
            np.float32(vp.meeting_engagement_gain),
            k,
        )
        lg.told_at(place_meets)  # attendees tell their ties
        m.partners.work_in(meeting_nbhd)
        level = self.concern_level(place_meets)  # what attendees perceive (judged, raised)
        self._judge(place_meets, rows, share, level, day)
        self._raise(place_meets, attended > 0, level, voice, day)
        return int(meeting_nbhd.sum())

    def concern_level(self, places: np.ndarray | None = None) -> np.ndarray:
        """Perceived problems by place (0-1): what residents see and live, relative to the city.

        Own and ties' recent victimization, visible disorder around them and fear, each
        relative to its city mean; 0.5 is a typical place.

        Args:
            places: Boolean mask of the places wanted (default: all); the others are NaN
                (the city means are over all places either way).
        """
        m = self.model
        r = m.residents
        w = m.world
        own, fear = w.place_means_of(r.victim_memory, r.fear)
        victim = own + w.place_tie_means(r.victim_memory, places)
        victim_mean = own.mean() + w.mean_place_tie_mean(r.victim_memory)
        disorder = m.crime.visible_disorder_ratio()
        level = (victim / max(victim_mean, 1e-9) + fear / max(fear.mean(), 1e-9) + disorder) / 3.0
        return np.clip(level / 2.0, 0.0, 1.0)

    def _raise(
        self,
        place_meets: np.ndarray,
        present: np.ndarray,
        level: np.ndarray,
        voice: float,
        day: Day | None,
    ) -> None:
        """Attendees (``present``: places with any) raise the worst places they perceive.

        Concerns steer by ``voice``.
        """
        m = self.model
        ps = m.partnership
        ps.concern = np.where(place_meets, (1 - voice) * ps.concern + voice * level, ps.concern)
        city = m.world.city
        candidates = np.flatnonzero(place_meets & present & (level > 0.5) & ~self.raised)
        if len(candidates) == 0:
            return
        nb = city.neighbourhood[candidates]
        # Rank of each candidate within its neighbourhood, worst perceived first.
        order = np.lexsort((-level[candidates], nb))
        nb_sorted = nb[order]
        first_of_nb = np.empty(len(order), bool)
        first_of_nb[:1] = True
        first_of_nb[1:] = nb_sorted[1:] != nb_sorted[:-1]
        position = np.arange(len(order))
        rank = np.empty(len(order), np.int64)
        rank[order] = position - np.maximum.accumulate(np.where(first_of_nb, position, 0))
        new = candidates[rank < PROBLEMS_PER_MEETING]
        self.raised[new] = True
        self.presence_at_raise[new] = self.presence_recent[new]
        self.level_at_raise[new] = level[new]
        if day is not None:
            day.raised_places = np.concatenate([day.raised_places, new])

    def _judge(
        self,
        place_meets: np.ndarray,
        rows: np.ndarray,
        share: np.ndarray,
        level: np.ndarray,
        day: Day | None,
    ) -> None:
        """The problems raised at the last meeting: acted on, or ignored; attendees react.

        Acted on: police presence up by ``acted_presence_ratio`` or a place-focused treatment.
        Whether it got better: the perceived problem (:meth:`concern_level`, the signals it
        was raised from) fell since it was raised. An acted-on problem that did not get
        better earns ``unimproved_credit`` of the responsiveness gain. The attendees are
        the residents of the meeting places ``rows`` (``place_meets``' indices), ``share``
        their shares of attendance.
        """
        m = self.model
        vp = m.params.voice
        due = self.raised & place_meets
        if not due.any():
            return
        treated = m.targeted_places()
        acted = due & (
            (self.presence_recent >= vp.acted_presence_ratio * self.presence_at_raise) | treated
        )
        better = level < self.level_at_raise
        credit = np.where(better, 1.0, vp.unimproved_credit)
        ignored = due & ~acted
        self.raised[due] = False
        self.judged_since_report += int(due.sum())
        self.acted_since_report += int(acted.sum())
        self.improved_since_report += int((acted & better).sum())
        if day is not None:
            day.acted_places = np.concatenate([day.acted_places, np.flatnonzero(acted)])
            day.improved_places = np.concatenate(
                [day.improved_places, np.flatnonzero(acted & better)]
            )
        # Each attendee hears the judgement of the problems raised in their neighbourhood.
        nb = m.world.city.neighbourhood
        n_nb = m.world.city.n_neighbourhoods
        r = m.residents
        lg = m.legitimacy
        w = m.world
        hear_judgement(
            rows,
            w.place_start,
            w.place_count,
            share,
            nb,
            # float64 even when nothing was acted on (bincount then gives int64 zeros).
            np.bincount(nb[acted], weights=credit[acted], minlength=n_nb).astype(np.float64),
            np.bincount(nb[ignored], minlength=n_nb),
            r.trust_recent,
            r.trust,
            lg.good,
            lg.bad,
            m.world.residents_per_agent,
            np.float32(vp.responsiveness_trust_gain),
            np.float32(vp.ignored_trust_loss),
        )
        lg.told_at(place_meets)

    # ----- transparency -----------------------------------------------------------------
    @on("review", order=80)
    def publish(self, day: Day) -> None:
        """A transparency report: trust among engaged residents follows what was acted on.

        The report publishes three records, each with the share the partnership acted on:
        the problems judged since the last report (share acted on); the complaints filed
        against officers of the active beats (share reviewed by the ``feedback_channel``);
        the KPIs and the survey, i.e. the :data:`REPORT_PLACES` share of active places with
        the most recorded crime since the last report and, once there is a wave, the least
        surveyed trust (share under place-focused treatment or whose priority rose since
        the last report). With ``d`` the mean over the records present of
        ``2 · acted share - 1``, residents of active places gain (``d`` > 0) or lose
        ``transparency_trust_gain · |d| · engagement`` of trust. Whether recorded crime rose
        or fell never enters: only what was done about what was published.
        """
        if not self.params.transparency:
            return
        m = self.model
        ps = m.partnership
        report = self._report()
        self.reports.append({"day": float(day.day), **report})
        self._close_books()
        records = [
            report[f"{name}_acted"] / report[name]
            for name in ("problems", "complaints", "kpi_places")
            if report[name] > 0
        ]
        if not records:
            return
        direction = float(np.mean([2.0 * a - 1.0 for a in records]))
        self.reports[-1]["direction"] = direction
        if direction == 0:
            return
        r = m.residents
        who = m.world.residents_at(ps.active_places)
        size = m.params.accountability.transparency_trust_gain * abs(direction)
        effect = size * r.engagement[who] * m.world.residents_per_agent
        if direction > 0:
            m.legitimacy.gain(who, effect)
        else:
            m.legitimacy.lose(who, effect)

    def _report(self) -> dict[str, float]:
        """What the report publishes: counts, and how many of each were acted on."""
        m = self.model
        ps = m.partnership
        force = m.police.force
        # Complaints against officers of the active beats since the last report.
        before = self.complaints_at_report
        if len(before) != len(force.complaints):
            before = np.zeros_like(force.complaints)
        filed = int((force.complaints - before)[ps.active_beats[force.beat]].sum())
        fc = m.components.get("feedback_channel")
        reviewed = getattr(fc, "reviewed", 0) - self.reviewed_at_report
        # KPIs and survey: the places they single out, and whether anything was done there.
        n_active = int(ps.active_places.sum())
        n = max(1, int(round(REPORT_PLACES * n_active))) if n_active else 0
        flagged = np.zeros(m.world.n_places, dtype=bool)
        recorded = ps.recorded_since_review.sum(axis=1)
        if n and recorded[ps.active_places].sum() > 0:
            flagged[ps.top_places(recorded, n)] = True
        if n and m.survey.has_wave:
            flagged[ps.top_places(1.0 - m.survey.trust_by_place(), n)] = True
        acted_there = m.targeted_places() | (ps.priority > self.priority_at_report)
        return {
            "problems": float(self.judged_since_report),
            "problems_acted": float(self.acted_since_report),
            "problems_improved": float(self.improved_since_report),
            "complaints": float(filed),
            "complaints_acted": float(min(max(reviewed, 0), filed)),
            "kpi_places": float(flagged.sum()),
            "kpi_places_acted": float((flagged & acted_there).sum()),
            "recorded": float(recorded[ps.active_places].sum()),
            "direction": 0.0,
        }


@_jit
def _attendance_score(
    engagement: np.ndarray,
    trust: np.ndarray,
    log_tenure: np.ndarray,
    mean_engagement: np.float32,
    mean_trust: np.float32,
    e: np.float32,
    t: np.float32,
    u: np.float32,
) -> None:  # pragma: no cover - compiled
    """Turn ``log_tenure`` into the attendance score, in one pass.

    Float32 in the NumPy expression's order: ``(e (eng - mean) + t (trust - mean)) + u
    log_tenure``.
    """
    for i in range(len(engagement)):
        linear = e * (engagement[i] - mean_engagement) + t * (trust[i] - mean_trust)
        log_tenure[i] = linear + u * log_tenure[i]


@_jit
def _at_least(values: np.ndarray, floor: np.float32) -> np.ndarray:  # pragma: no cover
    """``np.maximum(values, floor)`` for float32 values without NaN, in a new array.

    A quarter of NumPy's time: its ``maximum`` with a scalar takes about 0.4 ns an element.
    """
    out = np.empty_like(values)
    for i in range(len(values)):
        out[i] = values[i] if values[i] > floor else floor
    return out
