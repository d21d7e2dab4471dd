"""Generated cities: a queen-contiguity grid or a Watts-Strogatz small world."""

from __future__ import annotations

import networkx as nx
import numpy as np

from cspsim.city.build import adjacency, make_city, select_component, zscore
from cspsim.city.city import City
from cspsim.city.inputs import canonical_edges
from cspsim.config.city import CityConfig

#: Resident agents per place when ``places`` is 0.
AGENTS_PER_PLACE = 200
#: Smallest generated city.
MIN_PLACES = 4
#: Spread (log scale) of the place population weights.
POPULATION_SIGMA = 0.4
#: Rounds of neighbour averaging applied to the disadvantage noise.
SMOOTHING_ROUNDS = 3
#: Watts-Strogatz ring degree and rewiring probability.
WS_K, WS_P = 6, 0.1


def n_places(cfg: CityConfig) -> int:
    """Number of places: ``cfg.places``, or one per 200 agents (at least 4)."""
    if cfg.places:
        return int(cfg.places)
    return max(MIN_PLACES, round(int(cfg.residents) / AGENTS_PER_PLACE))


def grid_edges(n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Queen (8-neighbour) edges of ``n`` places filling a near-square lattice row by row.

    Returns:
        ``(u, v, ncols)``; place ``i`` sits at column ``i % ncols``, row ``i // ncols``.
    """
    ncols = max(1, int(np.ceil(np.sqrt(n))))
    i = np.arange(n)
    col = i % ncols
    us, vs = [], []
    for step, ok in (
        (1, col < ncols - 1),  # east
        (ncols, np.ones(n, bool)),  # south
        (ncols + 1, col < ncols - 1),  # south-east
        (ncols - 1, col > 0),  # south-west
    ):
        j = i + step
        m = ok & (j < n)
        us.append(i[m])
        vs.append(j[m])
    u, v = canonical_edges(np.concatenate(us), np.concatenate(vs))
    return u, v, ncols


def _names(codes: np.ndarray) -> np.ndarray:
    """Compact neighbourhood codes to 0..N-1 and name them ``nb0001`` etc."""
    _, compact = np.unique(codes, return_inverse=True)
    width = len(str(max(int(compact.max()), 0))) if compact.size else 1
    return np.char.add("nb", np.char.zfill(compact.astype(str), width))


def load_synthetic(cfg: CityConfig, seed: int = 0) -> City:
    """Generate a city of ``cfg.residents`` agents of ``cfg.residents_per_agent`` people each.

    Population: each place's share of agents is a multinomial draw with lognormal weights
    (sigma 0.4), so places hold whole agents and the city holds exactly
    ``residents * residents_per_agent`` people. Disadvantage: Gaussian noise averaged a few
    times with the neighbours (spatially autocorrelated), re-standardized. Neighbourhoods:
    square tiles of about ``neighbourhood_size`` places on the grid, consecutive runs of
    ``neighbourhood_size`` places around the small-world ring.

    Args:
        cfg: City config (``residents``, ``residents_per_agent``, ``places``, ``topology``,
            ``neighbourhood_size``).
        seed: Run seed; all randomness comes from ``SeedSequence([seed, 7])``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    n = n_places(cfg)
    size = int(cfg.neighbourhood_size)
    idx = np.arange(n)
    if cfg.topology == "grid":
        u, v, ncols = grid_edges(n)
        x, y = (idx % ncols).astype(float), (idx // ncols).astype(float)
        side = max(1, round(np.sqrt(size)))
        tiles_across = -(-ncols // side)
        codes = (idx // ncols // side) * tiles_across + (idx % ncols) // side
    else:
        if n <= WS_K + 1:
            g = nx.complete_graph(n)
        else:
            g = nx.connected_watts_strogatz_graph(
                n, WS_K, WS_P, tries=1000, seed=int(rng.integers(2**31 - 1))
            )
        pairs = np.asarray(list(g.edges()), dtype=np.int64).reshape(-1, 2)
        u, v = canonical_edges(pairs[:, 0], pairs[:, 1])
        angle = 2 * np.pi * idx / n
        x, y = np.cos(angle), np.sin(angle)
        codes = idx // size
    # Generated networks are connected by construction; checked anyway.
    select_component(n, u, v, "error", f"synthetic {cfg.topology}")
    weights = rng.lognormal(0.0, POPULATION_SIGMA, n)
    agents = rng.multinomial(int(cfg.residents), weights / weights.sum())
    population = agents * float(cfg.residents_per_agent)
    adj = adjacency(n, u, v)
    degree = np.asarray(adj.sum(axis=1)).ravel()
    noise = rng.standard_normal(n)
    for _ in range(SMOOTHING_ROUNDS):
        noise = (noise + adj @ noise) / (1.0 + degree)
    return make_city(
        name="synthetic",
        label=f"synthetic {cfg.topology}",
        place_ids=idx.astype(str),
        population=population,
        u=u,
        v=v,
        neighbourhood_labels=_names(codes),
        x=x,
        y=y,
        disadvantage=zscore(noise),
        extra={"agents": agents.astype(np.int64)},
    )
