"""Process 5: trust that is earned and lost.

A resident's trust in the police is the sum of three parts (clipped to 0-1):

    trust = belief + recent + peer

* ``belief`` (``trust_belief``): the long-run belief about the police;
* ``recent`` (``trust_recent``): what recent experiences added or took away: police contacts
  (bad ones count ``asymmetry`` times more; Skogan 2006), how a report or call was handled,
  meetings and events, and **vicarious** experience: ties hear of a resident's police
  contacts and are moved by a share of them (Rosenbaum et al. 2005), bad news more where
  legal cynicism is high;
* ``peer`` (``trust_peer``): word of mouth, a pull toward the mean of one's ties (Friedkin &
  Johnsen 1990).

Each day the recent and peer parts fade (half-life ``recent_half_life_days``) and the belief
**learns** from recent experience, faster from bad than from good: a share
``permanent_share_bad`` of a bad experience is written into the belief, good experience over
years (``good_learning_half_life_days``). So sustained good practice raises long-run trust, a
shock leaves a scar that fades only with later good experience, and historical tension
persists unless something changes. Word of mouth moves trust but not the belief.

**Stationary baseline.** The baseline's police contacts are, on balance, bad experience
(bad ones count more), yet trust in a city is stable for years when nothing changes (Gallup's
series). Whatever sustains it in the real city is outside the model, so the model measures
the baseline's net experience by place, group and at-risk status during the burn-in and adds
its opposite every day from day 0 (``background``): under the baseline's policing trust stays
put; what a strategy changes, and shocks, move it.

**Newcomers** replace residents (``mobility_per_year``): people like the first residents,
whose belief the neighbourhood's frame shifts by as much as its cynicism has changed (Kirk &
Papachristos 2011: the frame shapes newcomers); a neighbourhood's **legal cynicism** follows its
residents' distrust ``1 - belief`` over a decade (Sampson & Bartusch 1998; Kirk & Papachristos
2011): a shared memory that outlasts the experiences that formed it.

Everything is vectorized: one sparse product of the tie matrix carries word of mouth, news of
contacts and fear for everyone at once (:mod:`cspsim.model.processes.social`); the passes over
residents are compiled loops (:mod:`cspsim.model.processes.trust_passes`).
"""

from __future__ import annotations

import math

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.kernels import count_at
from cspsim.model.processes.trust_passes import add_experience, hear_and_talk, settle_residents
from cspsim.model.world import World

LN2 = math.log(2.0)
#: Above one teller in this many residents, today's tellers are found by a pass over the news
#: arrays rather than by sorting who told (both give the same residents).
MANY_TELLERS = 32


class Legitimacy:
    """Trust dynamics of residents and legal cynicism of neighbourhoods.

    Args:
        world: The world (residents, ties, neighbourhoods).
        params: Mechanism parameters.

    Attributes:
        cynicism: Legal cynicism of each neighbourhood, 0-1.
        bad: Today's negative police contacts of each resident agent (cleared daily).
        good: Today's positive police contacts of each resident agent (cleared daily).
    """

    def __init__(self, world: World, params: ModelParams) -> None:
        lp = params.legitimacy
        self.world = world
        self.params = params
        self.fade = LN2 / lp.recent_half_life_days
        q = lp.permanent_share_bad
        # Recent bad experience fades at `fade` and moves into the belief at `learn_bad`:
        # the share written into the belief is learn_bad / (fade + learn_bad) = q.
        self.learn_bad = self.fade * q / (1.0 - q)
        self.learn_good = LN2 / lp.good_learning_half_life_days
        self.cynicism_rate = LN2 / lp.cynicism_half_life_days
        self.newcomers = lp.mobility_per_year / 365.0
        r = world.residents
        self.resident_nbhd = world.city.neighbourhood[world.place_index]
        self.nbhd_count = np.bincount(
            self.resident_nbhd, minlength=world.city.n_neighbourhoods
        ).astype(np.float64)
        self.cynicism = self.distrust_by_neighbourhood()
        self.cynicism0 = self.cynicism.copy()
        self.reference_cynicism = float(np.average(self.cynicism, weights=self.nbhd_count))
        # What a newcomer of the resident's kind would believe before the frame (start draw).
        self.own_belief = r.trust_belief.copy()
        # Today's police news each resident tells their ties (bad and good), and who has
        # any: written only through :meth:`tell` and :meth:`contacts`.
        self.bad = np.zeros(r.n, np.float32)
        self.good = np.zeros(r.n, np.float32)
        self._tellers: list[np.ndarray] = []
        self._teller_places: list[np.ndarray] = []  # places whose residents all told
        # Baseline experience by cell (place x at risk x group), measured during burn-in.
        self.cell_in_place = (r.at_risk.astype(np.int8) * 2 + r.group).astype(np.int8)
        cell = world.place_index * 4 + self.cell_in_place
        self.cell_count = np.bincount(cell, minlength=4 * world.n_places).astype(np.float64)
        self.flow_sum = np.zeros(4 * world.n_places)
        self.flow_days = 0
        self.background_cell = np.zeros(4 * world.n_places)
        self.rebaselined = False
        self._recent_before = np.zeros(r.n, np.float32)
        self.start_word_of_mouth_at_rest()

    def start_word_of_mouth_at_rest(self, tolerance: float = 1e-5) -> None:
        """Start the word-of-mouth part at its steady state for the starting beliefs.

        Word of mouth between groups and places settles over months (the network's slow
        modes), longer than a burn-in: start it where it would settle, so the baseline does
        not drift (as the near-repeat boosts start at theirs). Solves
        ``((s + fade) I - s W) P = s (W - I) A`` by Jacobi iterations (one sparse product
        each; the matrix is diagonally dominant, so they converge).
        """
        w = self.world
        r = w.residents
        s = self.params.social.influence_rate
        if s <= 0 or r.n == 0:
            return
        belief = r.trust_belief.astype(np.float64)
        rhs = s * (w.ties_w @ belief - belief)
        if not w.everyone_has_ties:
            rhs = np.where(w.has_ties, rhs, 0.0)
        peer = np.zeros(r.n)
        scale = 1.0 / (s + self.fade)
        for _ in range(500):
            spread = w.ties_w @ peer
            if not w.everyone_has_ties:
                spread = np.where(w.has_ties, spread, peer)
            new = scale * (s * spread + rhs)
            done = np.abs(new - peer).max() < tolerance
            peer = new
            if done:
                break
        r.trust_peer[:] = peer
        np.clip(belief + peer, 0.0, 1.0, out=r.trust, casting="unsafe")

    # ----- what the neighbourhood believes ---------------------------------------------
    def distrust_by_neighbourhood(self) -> np.ndarray:
        """``1 - mean belief`` of each neighbourhood's residents (city mean where empty)."""
        r = self.world.residents
        total = np.bincount(
            self.resident_nbhd, weights=r.trust_belief, minlength=len(self.nbhd_count)
        )
        return self._distrust(total)

    def _distrust(self, belief_sums: np.ndarray) -> np.ndarray:
        """``1 - mean belief`` by neighbourhood from the sums of belief (city mean where empty)."""
        count = self.nbhd_count
        if count.all():
            return 1.0 - belief_sums / count
        mean_all = float(self.world.residents.trust_belief.mean())
        mean = np.divide(belief_sums, count, out=np.full(len(count), mean_all), where=count > 0)
        return 1.0 - mean

    def resident_cynicism(self, residents: np.ndarray | None = None) -> np.ndarray:
        """Legal cynicism of the neighbourhood of each (given) resident."""
        nb = self.resident_nbhd if residents is None else self.resident_nbhd[residents]
        return self.cynicism[nb]

    def place_cynicism(self) -> np.ndarray:
        """Legal cynicism of each place's neighbourhood."""
        return self.cynicism[self.world.city.neighbourhood]

    # ----- experiences ------------------------------------------------------------------
    def experience(self, residents: np.ndarray, delta: np.ndarray) -> None:
        """Recent experience changes trust by ``delta`` (repeats add up)."""
        r = self.world.residents
        residents = np.asarray(residents)
        if residents.dtype == bool:
            residents = np.flatnonzero(residents)
        delta = np.asarray(delta, dtype=np.float32)
        if delta.shape != residents.shape:  # one change for all (broadcast_to costs 5 us)
            delta = np.full(residents.shape, delta, np.float32)
        add_experience(r.trust_recent, r.trust, residents.astype(np.int64, copy=False), delta)

    def lose(self, residents: np.ndarray, share: float | np.ndarray) -> None:
        """A bad experience: each resident loses ``share`` of their trust (1/k of it per event).

        ``share`` is the full effect on one person; the agent stands for k people.
        """
        k = self.world.residents_per_agent
        self.experience(residents, -(np.asarray(share) / k) * self.world.residents.trust[residents])

    def gain(self, residents: np.ndarray, share: float | np.ndarray) -> None:
        """A good experience: each resident gains ``share`` of ``1 - trust`` (1/k of it)."""
        k = self.world.residents_per_agent
        t = self.world.residents.trust[residents]
        self.experience(residents, (np.asarray(share) / k) * (1.0 - t))

    def contacts(self, residents: np.ndarray, negative: np.ndarray) -> None:
        """Police contacts move trust; ties will hear of them today.

        Bad ones cost a share of trust, good ones gain a smaller share of ``1 - trust``
        (Skogan 2006).
        """
        contact_pars = self.params.contacts
        k = self.world.residents_per_agent
        t = self.world.residents.trust[residents]
        loss = contact_pars.negative_trust_loss / k
        gain = contact_pars.negative_trust_loss / contact_pars.asymmetry / k
        self.experience(residents, np.where(negative, -loss * t, gain * (1.0 - t)))
        count_at(self.bad, residents[negative])
        count_at(self.good, residents[~negative])
        self._tellers.append(residents)

    def tell(
        self, residents: np.ndarray, good: np.ndarray | None = None, bad: np.ndarray | None = None
    ) -> None:
        """Residents (distinct) will tell their ties of good and bad police news today.

        Args:
            residents: Distinct resident indices (or a boolean mask over residents).
            good: Good news of each (contacts' worth, float32), or None.
            bad: Bad news of each, or None.
        """
        residents = np.asarray(residents)
        if residents.dtype == bool:
            residents = np.flatnonzero(residents)
        if good is not None:
            self.good[residents] += good
        if bad is not None:
            self.bad[residents] += bad
        self.told_by(residents)

    def told_by(self, residents: np.ndarray) -> None:
        """Residents (distinct, indices) whose news of today is already in ``good``/``bad``.

        For callers that write the news themselves (:meth:`tell`; a gathering's compiled
        pass writes its attendees' and uses :meth:`told_at`): they will be found among
        today's tellers (:meth:`tellers`) and their news reset at the day's end.
        """
        self._tellers.append(residents)

    def told_at(self, places: np.ndarray) -> None:
        """:meth:`told_by` of all residents of the flagged places (a gathering's attendees).

        Kept as places: their residents are listed only if today's tellers are few.
        """
        self._teller_places.append(places)

    def tellers(self) -> np.ndarray:
        """Residents with news to tell today, ascending (those whose news is not zero).

        From the residents who told (:meth:`tell`, :meth:`contacts`) when they are few (a
        day of police contacts); when many told (meetings, events) a pass over the news
        arrays is cheaper than sorting their names.
        """
        told = self._told()
        if told is None:
            return np.flatnonzero((self.bad != 0) | (self.good != 0))
        told = np.unique(told)
        return told[(self.bad[told] != 0) | (self.good[told] != 0)]

    def _told(self) -> np.ndarray | None:
        """Everyone who told today (repeats kept), or None when that is many residents."""
        if self._many_told():
            return None
        told = self._tellers + [self.world.residents_at(p) for p in self._teller_places]
        return np.concatenate(told) if told else np.empty(0, np.int64)

    def _many_told(self) -> bool:
        count = self.world.place_count
        told = sum(len(t) for t in self._tellers)
        told += sum(int(count[places].sum()) for places in self._teller_places)
        return told > len(self.bad) // MANY_TELLERS

    def shock(self, share: np.ndarray) -> None:
        """Every resident loses ``share`` (per resident, 0-1) of their trust at once."""
        r = self.world.residents
        drop = (-np.asarray(share) * r.trust).astype(np.float32)
        r.trust_recent += drop
        r.trust += drop
        np.clip(r.trust, 0.0, 1.0, out=r.trust)

    def rebaseline(self) -> None:
        """End of burn-in: offset the baseline's mean daily experience by cell from now on."""
        self.rebaselined = True
        if self.flow_days == 0:
            return
        mean = np.divide(
            self.flow_sum,
            self.cell_count * self.flow_days,
            out=np.zeros_like(self.flow_sum),
            where=self.cell_count > 0,
        )
        self.background_cell = -mean

    # ----- the day ----------------------------------------------------------------------
    def spread(self, peer_mean: np.ndarray, heard_bad: np.ndarray, heard_good: np.ndarray) -> None:
        """Vicarious experience and word of mouth, from the day's tie products.

        Args:
            peer_mean: Mean trust of each resident's ties.
            heard_bad: Bad police contacts of each resident's ties today.
            heard_good: Good police contacts of each resident's ties today.
        """
        w = self.world
        r = w.residents
        lp = self.params.legitimacy
        contact_pars = self.params.contacts
        weight = lp.vicarious_weight * lp.vicarious_share_heard / w.residents_per_agent
        loss = contact_pars.negative_trust_loss * weight
        gain = contact_pars.negative_trust_loss / contact_pars.asymmetry * weight
        # The news terms in the heard arrays' own precision, as NumPy would compute them.
        precision = heard_good.dtype.type
        hear_and_talk(
            r.trust,
            r.trust_recent,
            r.trust_peer,
            peer_mean,
            w.has_ties,
            heard_bad,
            heard_good,
            self.cynicism,
            w.city.neighbourhood,
            w.place_start,
            w.place_count,
            precision(gain),
            loss,
            lp.cynicism_amplification,
            np.float32(self.params.social.influence_rate),
        )

    def settle(self, crime_ratio: np.ndarray) -> None:
        """A day of fading, learning and renewal; legal cynicism follows belief.

        Today's experience not yet counted is added first: is my area getting safer, and
        the background that holds the baseline still (both by place x group x at-risk
        cell). Then recent experience fades and part of it is written into the belief, more
        if bad; newcomers (a share ``newcomers`` of each agent's people every day) are
        people like the first residents, shifted by how much their neighbourhood's
        cynicism has changed, with no experience yet. One pass over the residents
        (:func:`.trust_passes.settle_residents`).

        Args:
            crime_ratio: Recent crime around each place relative to its start (residents
                judge police effectiveness a little by whether their area is getting safer;
                Sunshine & Tyler 2003: less than by how they are treated).
        """
        w = self.world
        r = w.residents
        lp = self.params.legitimacy
        safer = lp.area_safety_effect * (1.0 - np.clip(crime_ratio, 0.0, 3.0))
        drift = (self.background_cell + np.repeat(safer, 4)).astype(np.float32)
        shift = -lp.newcomer_frame_weight * (self.cynicism - self.cynicism0)
        mu = np.float32(self.newcomers)
        belief_sums = settle_residents(
            r.trust_recent,
            r.trust_belief,
            r.trust_peer,
            r.trust,
            self._recent_before,
            self.cell_in_place,
            drift,
            w.city.neighbourhood,
            w.place_start,
            w.place_count,
            shift.astype(np.float32),
            self.own_belief,
            np.float32(self.learn_bad),
            np.float32(self.learn_good),
            np.float32(self.fade),
            mu,
            np.float32((1.0 - self.fade) * (1.0 - self.newcomers)),
            not self.rebaselined,
            self.flow_sum,
            len(self.cynicism),
        )
        if not self.rebaselined:
            self.flow_days += 1
        self.cynicism += self.cynicism_rate * (self._distrust(belief_sums) - self.cynicism)
        # Today's news is told: reset (only those who had any, when they are few).
        told = self._told()
        if told is None:
            self.bad[:] = 0.0
            self.good[:] = 0.0
        else:
            self.bad[told] = 0.0
            self.good[told] = 0.0
        self._tellers = []
        self._teller_places = []
