"""Shared assembly steps: connectivity, standardization, neighbourhoods and the final City."""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from cspsim.city.city import City
from cspsim.errors import CityDataError

log = logging.getLogger("cspsim.city")

#: Component sizes quoted in a "disconnected network" message before summarising.
_MAX_SIZES = 10


def adjacency(n: int, u: np.ndarray, v: np.ndarray) -> sp.csr_matrix:
    """Symmetric binary adjacency (CSR, float64) of ``n`` places from unique pairs ``u < v``."""
    data = np.ones(2 * u.size)
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n))


def select_component(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    mode: str,
    label: str,
    population: np.ndarray | None = None,
) -> tuple[np.ndarray | None, np.ndarray]:
    """Check that the network is connected, or keep its largest component.

    Args:
        n: Number of places.
        u: Edge sources (row indices).
        v: Edge targets (row indices).
        mode: ``error`` or ``largest`` (``city.disconnected``).
        label: Data source named in messages.
        population: Residents by place, if known: of components of the largest size, the
            most populous is kept (else, and among equals, the one with the lowest place).

    Returns:
        ``(keep, new_index)``: ``keep`` is ``None`` when the network is connected, else the
        sorted indices of the kept places; ``new_index`` maps old indices to new ones (-1
        for dropped places).

    Raises:
        CityDataError: The network is disconnected and ``mode`` is ``error``.
    """
    n_comp, labels = connected_components(adjacency(n, u, v), directed=False)
    if n_comp <= 1:
        return None, np.arange(n)
    sizes = np.bincount(labels)
    # Of the largest components the most populous (a tie once kept an empty one); then the
    # one holding the lowest place index (labels follow node order; argmax takes the first).
    largest = np.flatnonzero(sizes == sizes.max())
    if population is not None:
        people = np.bincount(labels, weights=population, minlength=n_comp)[largest]
        largest = largest[people == people.max()]
    biggest = int(largest[0])
    if mode != "largest":
        ordered = np.sort(sizes)[::-1]
        shown = ", ".join(str(s) for s in ordered[:_MAX_SIZES])
        if ordered.size > _MAX_SIZES:
            shown += f", ... ({ordered.size - _MAX_SIZES} more)"
        raise CityDataError(
            f"{label}: the network is disconnected: {n_comp} connected components of sizes "
            f"{shown} places; every place must be reachable from every other. Fix the edges, "
            "or set city.disconnected=largest to keep only the largest component."
        )
    keep = np.flatnonzero(labels == biggest)
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[keep] = np.arange(keep.size)
    log.warning(
        "%s: the network has %d connected components; kept the largest (%d places) and "
        "dropped %d places in %d other components",
        label,
        n_comp,
        keep.size,
        n - keep.size,
        n_comp - 1,
    )
    return keep, new_index


def reindex_edges(
    u: np.ndarray, v: np.ndarray, new_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Renumber edges after :func:`select_component`, dropping those touching removed places."""
    nu, nv = new_index[u], new_index[v]
    keep = (nu >= 0) & (nv >= 0)
    return nu[keep], nv[keep]


def zscore(values: np.ndarray) -> np.ndarray:
    """Standardize to mean 0 and (population) standard deviation 1; zeros if constant."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        sd = values.std()
    if not np.isfinite(sd) and values.size and np.isfinite(values).all():
        # Values near the float limit (1e308) overflow the variance: z-scores do not
        # depend on the scale, so take them of the values over the largest (once: zeros).
        values = values / np.abs(values).max()
        sd = values.std()
    if values.size == 0 or not np.isfinite(sd) or sd <= 1e-12 * max(1.0, abs(values.mean())):
        return np.zeros_like(values)
    return (values - values.mean()) / sd


def disadvantage_index(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Mean of the z-scores of ``columns``, re-standardized (zeros when no columns)."""
    if not columns:
        return np.zeros(n)
    return zscore(np.mean([zscore(c) for c in columns], axis=0))


def neighbourhoods(labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Index places by neighbourhood name; names sorted (numerically when all digits)."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(labels, dtype=str)), sort=False)
    names = [str(x) for x in uniques]
    if all(s.isdigit() for s in names):
        order = sorted(range(len(names)), key=lambda i: (int(names[i]), names[i]))
    else:
        order = sorted(range(len(names)), key=lambda i: names[i])
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return rank[codes], [names[i] for i in order]


def index_layout(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Place ``n`` places on a near-square lattice in index order: ``(column, row)``."""
    ncols = max(1, int(np.ceil(np.sqrt(n))))
    idx = np.arange(n)
    return (idx % ncols).astype(np.float64), (idx // ncols).astype(np.float64)


def make_city(
    *,
    name: str,
    label: str,
    place_ids: np.ndarray,
    population: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    neighbourhood_labels: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    disadvantage: np.ndarray,
    observed_crime: np.ndarray | None = None,
    extra: dict[str, np.ndarray] | None = None,
) -> City:
    """Assemble a :class:`City` with its attributed graph on nodes 0..P-1.

    Node attributes: ``place_id``, ``population``, ``neighbourhood`` (index),
    ``neighbourhood_name``, ``x``, ``y``, ``disadvantage``.

    Raises:
        CityDataError: The city's total population is not positive.
    """
    population = np.asarray(population, dtype=np.float64)
    if not population.sum() > 0:
        raise CityDataError(
            f"{label}: total population is {population.sum():g}; a city needs residents "
            "(places with zero population are allowed, but not all of them)"
        )
    nb, names = neighbourhoods(neighbourhood_labels)
    n = len(place_ids)
    graph = nx.Graph()
    cols = zip(
        np.asarray(place_ids, dtype=str).tolist(),
        population.tolist(),
        nb.tolist(),
        np.asarray(x, dtype=float).tolist(),
        np.asarray(y, dtype=float).tolist(),
        np.asarray(disadvantage, dtype=float).tolist(),
        strict=True,
    )
    graph.add_nodes_from(
        (
            i,
            {
                "place_id": p,
                "population": q,
                "neighbourhood": b,
                "neighbourhood_name": names[b],
                "x": xx,
                "y": yy,
                "disadvantage": d,
            },
        )
        for i, (p, q, b, xx, yy, d) in zip(range(n), cols, strict=True)
    )
    graph.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    return City(
        name=name,
        place_ids=np.asarray(place_ids, dtype=str),
        graph=graph,
        population=population,
        neighbourhood=nb,
        neighbourhood_names=names,
        x=np.asarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        disadvantage=np.asarray(disadvantage, dtype=np.float64),
        observed_crime=observed_crime,
        extra=dict(extra or {}),
    )
