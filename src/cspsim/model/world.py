"""The world the processes act in: places, residents and their network, fixed at build time.

The world holds what does not change during a run (the city, the place network, who lives
where, the social ties, the at-risk pool) and the residents' state arrays, with the lookups
every process needs (a resident of a place, an at-risk resident near a place, place means).
Processes read the world; the resident arrays are written by the processes that own them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from cspsim.city import City
from cspsim.config import ModelParams
from cspsim.errors import ConfigError
from cspsim.model.kernels import (
    csr_row_products,
    pairwise_sum,
    pick_by_weight,
    range_sums,
    scatter_over_ties,
    slice_rows,
    sparse_times,
    tie_sums,
    tie_sums4,
)
from cspsim.model.residents import (
    ResidentState,
    build_residents,
    build_social_network,
    row_normalize,
)
from cspsim.model.rng import Streams

#: ``over_ties`` sums over the whole tie matrix when more than 1 in this many
#: residents have something to pass on (measured with the compiled loops on 100,000
#: synthetic residents: scattering the senders' ties costs 2.5 ms at 2% senders, 3.2 ms at
#: a third and 4.4 ms at half; the four-column pass over all ties 3.3-3.6 ms whatever the
#: share).
DENSE_SENDERS = 3

#: Mean residents per place of the calibration city (sf2012: 805,235 residents in 579 block
#: groups, ACS via the shipped data). Patrol's discovery of offences and its deterrence were
#: fitted and sized to officer-hours at places of this size; :attr:`World.presence_scale`
#: carries them to cities cut into larger or smaller places.
CALIBRATION_PLACE_RESIDENTS = 805_235.0 / 579


def concatenated_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[k], ..., starts[k] + lengths[k] - 1`` for each ``k``, concatenated (int64)."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


def presence_scale(population: float, n_places: int) -> float:
    """Officer-hours at a place in units of hours at a place of the calibration city's size.

    Officers are deployed per resident, so a city cut into places twice as large has twice
    the officer-hours at each place, spread over twice the people and ground: an hour there
    finds and deters half as much of what happens at the place. Patrol's discovery rate and
    the half-saturation of its deterrence are stated per officer-hour at a place of
    :data:`CALIBRATION_PLACE_RESIDENTS`; they act on ``hours * presence_scale``. Exactly 1
    for the calibration city, so its results are those it was calibrated with.

    Args:
        population: Residents of the city.
        n_places: Its places.
    """
    if population <= 0 or n_places == 0:
        return 1.0
    return CALIBRATION_PLACE_RESIDENTS / (population / n_places)


class World:
    """A city with its resident agents and their social network.

    Args:
        city: The city.
        params: Mechanism parameters.
        residents_per_agent: Real residents each resident agent stands for (k).
        streams: The run's named random streams (``init.residents``, ``init.network``).

    Attributes:
        city: The city.
        n_places: Number of places.
        adjacency: Binary place contiguity (P x P, CSR).
        place_w: Row-stochastic place adjacency (mean over neighbours).
        place_w_t: Its transpose (CSR): spreads a place's quantity to its neighbours.
        residents: Resident state arrays (sorted by home place).
        residents_per_agent: k.
        population: Real residents of the city.
        presence_scale: Officer-hours at a place in hours at a calibration-sized place
            (:func:`presence_scale`).
        place_count: Resident agents per place.
        place_start: Index of each place's first resident.
        populated_place: For each place, itself or its nearest place with residents.
        at_risk_index: Residents in the at-risk (offending) pool.
        ties: Resident social network (binary, symmetric, CSR).
        ties_w: Row-stochastic ties (mean over a resident's ties).
        tie_slices: ``ties_w`` laid out for the tie kernels (:func:`~.kernels.slice_rows`).
        degree: Number of ties of each resident.
        has_ties: Whether each resident has at least one tie.
        local_tie_share: Mean share of residents' ties within their own place, by place.
        everyone_has_ties: Whether all residents have a tie (then no resident is skipped).
        place_index: Home place of each resident (as ``np.intp``, for fast indexing).
        reference_trust: Mean trust at the start, before any modifier (reporting and survey
            response are calibrated at it).
    """

    def __init__(
        self, city: City, params: ModelParams, residents_per_agent: float, streams: Streams
    ) -> None:
        self.city = city
        self.params = params
        self.n_places = city.n_places
        self.residents_per_agent = float(residents_per_agent)
        self.population = float(city.population.sum())
        self.presence_scale = presence_scale(self.population, self.n_places)
        self.adjacency = city.adjacency()
        self.place_w = row_normalize(self.adjacency)
        self.place_w_t = sp.csr_matrix(self.place_w.T)
        self.residents: ResidentState = build_residents(
            city, params, self.residents_per_agent, streams.get("init.residents")
        )
        if not self.residents.at_risk.any():
            # Every offence needs an offender among the at-risk residents.
            raise ConfigError(
                f"city: none of the city's {self.residents.n} resident agents is at risk of "
                f"offending (params.crime.at_risk_share={params.crime.at_risk_share}); "
                f"use a smaller city.residents_per_agent (now {self.residents_per_agent:g}) "
                "or a larger city"
            )
        self.reference_trust = float(self.residents.trust.mean())

    def index_residents(self, streams: Streams) -> None:
        """Lookups by place and the social network (after modifiers changed starting state)."""
        r = self.residents
        # Home place as the platform's index type: bincount and fancy indexing would
        # otherwise convert the int32 array on every call.
        self.place_index = r.place.astype(np.intp)
        self.group_count = np.bincount(r.group, minlength=2)
        self.place_count = np.bincount(self.place_index, minlength=self.n_places)
        self.place_start = np.concatenate([[0], np.cumsum(self.place_count)[:-1]])
        # Places in order of size: summed four at a time, alike sizes leave short rests.
        self.places_by_size = np.argsort(self.place_count, kind="stable")
        self.populated_place = self._nearest_populated()
        self.at_risk_index = np.flatnonzero(r.at_risk)
        ar_place = r.place[self.at_risk_index]
        self.ar_count = np.bincount(ar_place, minlength=self.n_places)
        self.ar_start = np.concatenate([[0], np.cumsum(self.ar_count)[:-1]])
        nb = self.city.neighbourhood[ar_place]
        order = np.argsort(nb, kind="stable")
        self.ar_by_nbhd = self.at_risk_index[order]
        self.ar_nb_count = np.bincount(nb, minlength=self.city.n_neighbourhoods)
        self.ar_nb_start = np.concatenate([[0], np.cumsum(self.ar_nb_count)[:-1]])
        p = self.params.social
        self.set_ties(
            build_social_network(
                r.place,
                self.adjacency.tocsr(),
                p.ties_per_resident,
                p.share_ties_local,
                streams.get("init.network"),
            )
        )

    def set_ties(self, ties: sp.csr_matrix) -> None:
        """Use ``ties`` (binary, symmetric, float32 CSR) as the social network.

        Sets the matrix and everything derived from it: the row-stochastic copy, the row
        of each entry (the tie kernels loop over entries), degrees and local cohesion.
        """
        r = self.residents
        self.ties_w = row_normalize(ties)
        # The binary matrix with the entries in the order of the weighted one, so both are
        # summed over in one loop (the products' order of addition is the matrix's).
        w = self.ties_w
        self.ties = sp.csr_matrix(
            (np.ones(len(w.data), ties.dtype), w.indices.copy(), w.indptr.copy()),
            shape=ties.shape,
        )
        ties = self.ties
        self.tie_slices = slice_rows(w)
        self.degree = np.diff(ties.indptr).astype(np.float32)
        self.has_ties = self.degree > 0
        # Share of each place's residents' ties within the place (local cohesion).
        tie_rows = np.repeat(np.arange(r.n), np.diff(ties.indptr))
        same = r.place[ties.indices] == r.place[tie_rows]
        local = np.bincount(tie_rows, weights=same, minlength=r.n)
        self.local_tie_share = self.place_means(np.divide(local, np.maximum(self.degree, 1)))
        self.everyone_has_ties = bool(self.has_ties.all())
        self._place_ties: sp.csr_matrix | None = None  # place_tie_means, built on first use

    def _nearest_populated(self) -> np.ndarray:
        """Offences at places with no residents fall on the nearest populated place's."""
        populated = np.flatnonzero(self.place_count > 0)
        _, _, source = dijkstra(
            self.adjacency,
            indices=populated,
            min_only=True,
            return_predecessors=True,
            unweighted=True,
        )
        return np.where(source >= 0, source, populated[0]).astype(np.int64)

    # ----- lookups -------------------------------------------------------------------
    def pick_residents_at(self, places: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A uniformly chosen resident of each place (of the nearest populated place if empty)."""
        home = self.populated_place[places]
        return self.place_start[home] + np.minimum(
            (u * self.place_count[home]).astype(np.int64), self.place_count[home] - 1
        )

    def residents_at(self, places: np.ndarray) -> np.ndarray:
        """Residents living at the flagged places, ascending.

        Equal to ``np.flatnonzero(places[place_index])``; residents are sorted by place, so
        they are the places' ranges, at the cost of those residents rather than of all.
        """
        rows = np.flatnonzero(places)
        return concatenated_ranges(self.place_start[rows], self.place_count[rows])

    def pick_at_risk_near(self, places: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An at-risk resident of each place, else of its neighbourhood, else of the city."""
        out = np.empty(len(places), dtype=np.int64)
        if len(places) == 0 or len(self.at_risk_index) == 0:
            return out[:0]
        cnt = self.ar_count[places]
        local = cnt > 0
        out[local] = self.at_risk_index[
            self.ar_start[places[local]] + (u[local] * cnt[local]).astype(np.int64)
        ]
        nb = self.city.neighbourhood[places[~local]]
        nbc = self.ar_nb_count[nb]
        in_nb = nbc > 0
        idx = np.flatnonzero(~local)
        out[idx[in_nb]] = self.ar_by_nbhd[
            self.ar_nb_start[nb[in_nb]] + (u[idx[in_nb]] * nbc[in_nb]).astype(np.int64)
        ]
        rest = idx[~in_nb]
        out[rest] = self.at_risk_index[(u[rest] * len(self.at_risk_index)).astype(np.int64)]
        return out

    def pick_offender(
        self, places: np.ndarray, kinds: np.ndarray, u: np.ndarray, weights: np.ndarray
    ) -> np.ndarray:
        """The at-risk resident behind each offence, drawn by how much each offends.

        At each offence's place the offender is drawn among its at-risk residents with
        probability proportional to their offending of that type today (``weights``), so
        those who offend more are arrested more; where no local resident offends, an at-risk
        resident of the neighbourhood or the city (:meth:`pick_at_risk_near`).

        Args:
            places: Place of each offence.
            kinds: Crime type of each offence.
            u: One uniform number per offence.
            weights: Offending of each at-risk resident by type, (n_at_risk, 4), in
                ``at_risk_index`` order.
        """
        out = self.pick_at_risk_near(places, u)
        if len(places) == 0 or len(self.at_risk_index) == 0:
            return out
        pick_by_weight(
            weights, self.ar_start, self.ar_count, places, kinds, u, self.at_risk_index, out
        )
        return out

    def at_risk_in_neighbourhood(self, nb: int) -> np.ndarray:
        """At-risk residents living in neighbourhood ``nb``."""
        s = self.ar_nb_start[nb]
        return self.ar_by_nbhd[s : s + self.ar_nb_count[nb]]

    def place_tie_means(self, values: np.ndarray, places: np.ndarray | None = None) -> np.ndarray:
        """Mean by place of each resident's mean of ``values`` over their ties.

        ``place_means(ties_w @ values)`` through one (places x residents) matrix: a place's
        residents share many ties, so it has fewer entries than the tie matrix and 500 long
        rows instead of 100,000 short ones. Places with no residents get the city mean.

        Args:
            values: A resident array.
            places: Boolean mask of the places wanted (default: all); only their rows are
                summed, the others are NaN (a day's meetings need a few places' means).
        """
        matrix = self._place_tie_matrix()
        if places is None:
            out = matrix @ values.astype(np.float64)
        else:
            out = np.full(self.n_places, np.nan)
            rows = np.flatnonzero(places)
            # float32 values times float64 weights: the products of the float64 copy.
            out[rows] = csr_row_products(matrix.indptr, matrix.indices, matrix.data, rows, values)
        empty = self.place_count == 0
        if empty.any():
            out[empty] = pairwise_sum(values, 0, len(values), self._tie_column_share)
        return out

    def mean_place_tie_mean(self, values: np.ndarray) -> float:
        """Mean over places of :meth:`place_tie_means`, as one product with ``values``.

        The mean over places of a linear function of ``values`` is a fixed weight per
        resident (built with the matrix), so it needs no place's mean.
        """
        self._place_tie_matrix()
        # Not ``@``: a BLAS dot product of this length may start threads that spin on the
        # other core after the call. ``np.sum(weight * values)``, bit for bit, in one pass.
        return pairwise_sum(values, 0, len(values), self._place_tie_weight)

    def _place_tie_matrix(self) -> sp.csr_matrix:
        """The (places x residents) matrix of :meth:`place_tie_means`, built on first use."""
        if self._place_ties is None:
            n, count = self.residents.n, self.place_count
            share = np.divide(1.0, count, out=np.zeros(self.n_places), where=count > 0)
            members = sp.csr_matrix(
                (share[self.place_index], (self.place_index, np.arange(n))),
                shape=(self.n_places, n),
            )
            self._place_ties = (members @ self.ties_w.astype(np.float64)).tocsr()
            self._tie_column_share = np.asarray(self.ties_w.sum(axis=0)).ravel() / max(n, 1)
            empty = int((count == 0).sum())
            column_sums = np.asarray(self._place_ties.sum(axis=0)).ravel()
            self._place_tie_weight = (column_sums + empty * self._tie_column_share) / max(
                self.n_places, 1
            )
        return self._place_ties

    def over_ties(
        self,
        a: np.ndarray,
        b: np.ndarray,
        c: np.ndarray,
        d: np.ndarray,
        senders: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Means of ``a`` and ``b`` and sums of ``c`` and ``d`` over each resident's ties.

        All four are float32 resident arrays; ``c`` and ``d`` are mostly zero (today's
        police contacts). When few residents have a nonzero ``c`` or ``d``, only their
        rows are gathered for the sums (the matrix is symmetric: row i lists who hears from
        i; float64 sums), beside one pass for the means; when many do (a day of meetings),
        one pass over all ties gives all four (float32, as the matrices' products).

        Args:
            a: A resident array (its mean over ties is returned).
            b: Another (its mean over ties).
            c: A resident array, mostly zero (its sum over ties).
            d: Another (its sum over ties).
            senders: The residents with a nonzero ``c`` or ``d``, ascending (known to
                whoever wrote them, :meth:`.Legitimacy.tellers`: no pass over all).
        """
        n = self.residents.n
        out = [np.empty(n, np.float32) for _ in range(2)]
        if len(senders) > n // DENSE_SENDERS:
            out += [np.empty(n, np.float32) for _ in range(2)]
            tie_sums4(*self.tie_slices, a, b, c, d, *out)
            return tuple(out)
        tie_sums(*self.tie_slices, a, b, *out)
        if len(senders) == 0:
            return out[0], out[1], np.zeros(n, np.float32), np.zeros(n, np.float32)
        sum_c, sum_d = np.empty(n), np.empty(n)
        scatter_over_ties(self.ties.indptr, self.ties.indices, senders, c, d, sum_c, sum_d)
        return out[0], out[1], sum_c, sum_d

    def neighbour_means(self, values: np.ndarray) -> np.ndarray:
        """``place_w @ values``: mean over each place's neighbours (by place, or place x type)."""
        return sparse_times(self.place_w, values)

    def to_neighbours(self, values: np.ndarray) -> np.ndarray:
        """``place_w_t @ values``: each place's quantity shared out among its neighbours."""
        return sparse_times(self.place_w_t, values)

    def place_means(self, values: np.ndarray) -> np.ndarray:
        """Mean of a resident array by place (places with no residents get the city mean)."""
        return self.place_means_of(values)[0]

    def place_means_of(
        self, *columns: np.ndarray, places: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Means by place of several resident arrays of one dtype, in one compiled call.

        Sums accumulate in float64 in resident order (as ``np.bincount`` does,
        :func:`~.kernels.range_sums`); places with no residents get the column's city mean.

        Args:
            columns: Resident arrays of one dtype.
            places: Boolean mask of the places wanted (default: all); only their residents
                are summed (residents are sorted by place, so the sums are the same), the
                other places' means are NaN.
        """
        rows = self.places_by_size
        if places is None:
            totals = np.empty((len(columns), self.n_places))
        else:
            totals = np.full((len(columns), self.n_places), np.nan)
            rows = rows[places[rows]]
        totals[:, rows] = range_sums(self.place_start, self.place_count, rows, columns)
        count = self.place_count
        if count.all():
            return [total / count for total in totals]
        out = []
        for total, values in zip(totals, columns, strict=True):
            mean = float(values.mean()) if len(values) else 0.0
            out.append(np.divide(total, count, out=np.full(self.n_places, mean), where=count > 0))
        return out

    def neighbourhood_mask(
        self, names: list[str], share: float, rng: np.random.Generator | None, field: str
    ) -> np.ndarray:
        """Neighbourhoods named in ``names`` or, if none, a random ``share`` of them.

        Args:
            names: Neighbourhood names (validated).
            share: Share drawn at random (with ``rng``) when ``names`` is empty.
            rng: Generator for the random draw (only used when drawing).
            field: The setting named in error messages.

        Raises:
            ConfigError: A name is not a neighbourhood of the city.
        """
        known = {n: i for i, n in enumerate(self.city.neighbourhood_names)}
        mask = np.zeros(self.city.n_neighbourhoods, dtype=bool)
        for name in names:
            if str(name) not in known:
                raise ConfigError(
                    f"{field}: unknown neighbourhood {name!r}; expected one of "
                    f"{sorted(known)[:10]}{' ...' if len(known) > 10 else ''}"
                )
            mask[known[str(name)]] = True
        if not names and share > 0:
            order = rng.permutation(len(mask))
            mask[order[: max(1, int(round(share * len(mask))))]] = True
        return mask
