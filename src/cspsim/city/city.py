"""The City: places on a contiguity network, grouped into neighbourhoods."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp

#: Model crime types, in the column order used by every (places x types) array.
CRIME_TYPES: tuple[str, ...] = ("violent", "property", "disorder", "drugs")


@dataclass
class HeldOutPeriod:
    """Observed counts of a period the city was not built from (kept for validation).

    Attributes:
        counts: Incidents per place and type, shape (P, 4) in ``CRIME_TYPES`` order; NaN
            columns where the data has no such type.
        days: Days the period covers.
    """

    counts: np.ndarray
    days: float


@dataclass
class City:
    """A city ready for simulation. Places are indexed 0..P-1 in every array.

    Attributes:
        name: Short name (``sf2012``, ``columbus``, ``synthetic``, or the file stem).
        place_ids: Original place ids as strings (GEOIDs keep their leading zeros).
        graph: Undirected contiguity graph on integer nodes 0..P-1; node attributes
            ``place_id``, ``population``, ``neighbourhood``, ``x``, ``y``, ``disadvantage``.
        population: Real residents per place (float, >= 0).
        neighbourhood: Neighbourhood index of each place (int, into ``neighbourhood_names``).
        neighbourhood_names: Name of each neighbourhood (e.g. SF census tract).
        x: Map x coordinate (longitude for SF) of each place.
        y: Map y coordinate (latitude for SF) of each place.
        disadvantage: Concentrated-disadvantage index of each place, standardized to mean 0
            and standard deviation 1 over places (weighted equally).
        observed_crime: Observed recorded incidents per place per day, shape (P, 4) in
            ``CRIME_TYPES`` order; NaN columns where the data has no such type; ``None`` when
            the city has no crime data (synthetic, Columbus: rates come from disadvantage).
        extra: Other observed per-place columns kept for validation (e.g. Columbus CRIME).
        commercial: Commercial land-use share of each place in [0, 1] (GIS cities with a
            commercial column; ``None`` otherwise).
        geometry: Polygon outline of each place for maps (GIS cities; ``None`` otherwise):
            per place a list of rings, each an (n, 2) array of longitude/latitude; holes are
            rings too, so draw them with the even-odd fill rule.
        heldout: Observed counts of the periods (years) held back from building the city,
            by period name (GIS cities with several periods; empty otherwise).
    """

    name: str
    place_ids: np.ndarray
    graph: nx.Graph
    population: np.ndarray
    neighbourhood: np.ndarray
    neighbourhood_names: list[str]
    x: np.ndarray
    y: np.ndarray
    disadvantage: np.ndarray
    observed_crime: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    commercial: np.ndarray | None = None
    geometry: list[list[np.ndarray]] | None = None
    heldout: dict[str, HeldOutPeriod] = field(default_factory=dict)

    @property
    def n_places(self) -> int:
        """Number of places."""
        return len(self.place_ids)

    @property
    def n_neighbourhoods(self) -> int:
        """Number of neighbourhoods."""
        return len(self.neighbourhood_names)

    def adjacency(self) -> sp.csr_matrix:
        """Binary symmetric adjacency matrix (P x P, CSR, float64, zero diagonal)."""
        a = nx.to_scipy_sparse_array(
            self.graph, nodelist=range(self.n_places), weight=None, format="csr"
        )
        a = sp.csr_matrix(a, dtype=np.float64)
        a.setdiag(0)
        a.eliminate_zeros()
        a.data[:] = 1.0
        return a
