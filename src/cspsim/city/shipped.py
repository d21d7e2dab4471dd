"""Loaders for the cities shipped in ``cspsim/data/cities`` (see its README for provenance)."""

from __future__ import annotations

from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from cspsim.city.build import (
    adjacency,
    disadvantage_index,
    make_city,
    reindex_edges,
    select_component,
    zscore,
)
from cspsim.city.city import CRIME_TYPES, City
from cspsim.city.inputs import (
    edge_indices,
    numeric_column,
    parse_ids,
    read_csv_table,
    text_column,
)
from cspsim.config.city import CityConfig

SF_NODES = "sf_blockgroups_2012_nodes.csv"
SF_EDGES = "sf_blockgroups_2012_edges.csv"
#: Days covered by the SF counts: 1 July to 31 December 2012.
SF_PERIOD_DAYS = 184.0
#: SFPD incident category feeding each model crime type, in ``CRIME_TYPES`` order.
SF_CRIME_COLUMNS = {
    "violent": "Robbery",
    "property": "CarTheft",
    "disorder": "Vandalism",
    "drugs": "Drugs",
}
COLUMBUS_NODES = "columbus_nodes.csv"
COLUMBUS_EDGES = "columbus_edges.csv"
#: Assumed residents of every Columbus neighbourhood. The data set has no population (CRIME
#: is a rate per 1,000 households), so every neighbourhood gets the same population: 4,000 is
#: the Census Bureau's optimum census-tract size, and the 49 planning neighbourhoods are of
#: tract scale (196,000 residents in all). Equal populations are used rather than ones
#: proportional to AREA because the large outer neighbourhoods are the least dense, so an
#: area rule would put most people where fewest live.
COLUMBUS_POPULATION_PER_PLACE = 4_000.0


def _data_dir(stack: ExitStack, data_dir: Path | None) -> Path:
    if data_dir is not None:
        return Path(data_dir)
    return stack.enter_context(as_file(files("cspsim") / "data" / "cities"))


def robbery_proxy(
    robbery: np.ndarray, population: np.ndarray, adj: sp.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """SF disadvantage proxy: z-score of log(1 + smoothed robberies per 1,000 residents).

    The SF data has no socioeconomic columns; of its four incident types, robbery is the one
    most consistently tied to concentrated disadvantage in the neighbourhood-effects
    literature, so its rate (per 1,000 residents over the 184 days) stands in for it. Raw rates
    explode in commercial block groups with a handful of residents, so the rate is smoothed
    twice: (1) a spatial rate pooling the counts and populations of the place and its queen
    neighbours, then (2) Marshall's global empirical-Bayes shrinkage of each pooled rate
    toward the city rate, weighted by the pooled population. Caveat: the index is built from
    observed robbery, so SF crime is not an out-of-sample check of it (Columbus is).

    Args:
        robbery: Robbery counts per place.
        population: Residents per place.
        adj: Binary queen adjacency (P x P).

    Returns:
        ``(index, rate_per_1000)``: the standardized index and the smoothed rate.
    """
    pool = adj + sp.identity(adj.shape[0], format="csr")
    counts = pool @ robbery
    people = pool @ population
    total = people.sum()
    city_rate = counts.sum() / total if total > 0 else 0.0
    if city_rate <= 0:
        return np.zeros(len(robbery)), np.zeros(len(robbery))
    has = people > 0
    raw = np.where(has, counts / np.where(has, people, 1.0), city_rate)
    spread = np.sum(people * (raw - city_rate) ** 2) / total
    prior_var = max(spread - city_rate / people.mean(), 0.0)
    weight = np.where(has, prior_var / (prior_var + city_rate / np.where(has, people, 1.0)), 0.0)
    rate = 1000.0 * (weight * raw + (1.0 - weight) * city_rate)
    return zscore(np.log1p(rate)), rate


def load_sf2012(cfg: CityConfig, data_dir: Path | None = None) -> City:
    """Load San Francisco's 579 block groups (2012 SFPD counts, 2010 Census population).

    Args:
        cfg: City config (uses ``contiguity`` and ``disconnected``).
        data_dir: Directory holding the CSVs (default: the shipped data; for tests).
    """
    with ExitStack() as stack:
        d = _data_dir(stack, data_dir)
        nodes = read_csv_table(d / SF_NODES, SF_NODES)
        edges = read_csv_table(d / SF_EDGES, SF_EDGES)
    ids = parse_ids(nodes, "GEOID", SF_NODES)
    num = {
        c: numeric_column(nodes, c, SF_NODES, ids, non_negative=nonneg)
        for c, nonneg in [
            ("Population", True),
            ("area_sqmi", True),
            ("Vandalism", True),
            ("Robbery", True),
            ("Drugs", True),
            ("CarTheft", True),
            ("total4", True),
            ("rate_per_1000", True),
            ("lon", False),
            ("lat", False),
        ]
    }
    u, v = edge_indices(edges, ids, SF_EDGES, SF_NODES, flag=cfg.contiguity)
    qu, qv = edge_indices(edges, ids, SF_EDGES, SF_NODES, flag="queen")
    label = f"{SF_NODES}/{SF_EDGES} ({cfg.contiguity})"
    keep, new_index = select_component(len(ids), u, v, cfg.disconnected, label)
    tract = text_column(nodes, "TRACT", SF_NODES, ids)
    if keep is not None:
        ids, tract = ids[keep], tract[keep]
        num = {k: a[keep] for k, a in num.items()}
        u, v = reindex_edges(u, v, new_index)
        qu, qv = reindex_edges(qu, qv, new_index)
    pop = num["Population"]
    index, rate = robbery_proxy(num["Robbery"], pop, adjacency(len(ids), qu, qv))
    observed = np.column_stack([num[SF_CRIME_COLUMNS[t]] for t in CRIME_TYPES]) / SF_PERIOD_DAYS
    extra = {f"observed_{c}": num[c] for c in ("Vandalism", "Robbery", "Drugs", "CarTheft")}
    extra |= {
        "observed_total4": num["total4"],
        "rate_per_1000": num["rate_per_1000"],
        "area_sqmi": num["area_sqmi"],
        "robbery_per_1000_smoothed": rate,
    }
    return make_city(
        name="sf2012",
        label=SF_NODES,
        place_ids=ids,
        population=pop,
        u=u,
        v=v,
        neighbourhood_labels=tract,
        x=num["lon"],
        y=num["lat"],
        disadvantage=index,
        observed_crime=observed,
        extra=extra,
    )


def load_columbus(cfg: CityConfig, data_dir: Path | None = None) -> City:
    """Load Columbus, Ohio's 49 neighbourhoods (1980; Anselin 1988).

    Disadvantage is the re-standardized mean of the z-scores of -INC and -HOVAL only; the
    CRIME column is held out (kept in ``extra``) for out-of-sample validation. Population is
    the documented assumption :data:`COLUMBUS_POPULATION_PER_PLACE` per neighbourhood.

    Args:
        cfg: City config (uses ``contiguity`` and ``disconnected``).
        data_dir: Directory holding the CSVs (default: the shipped data; for tests).
    """
    with ExitStack() as stack:
        d = _data_dir(stack, data_dir)
        nodes = read_csv_table(d / COLUMBUS_NODES, COLUMBUS_NODES)
        edges = read_csv_table(d / COLUMBUS_EDGES, COLUMBUS_EDGES)
    ids = parse_ids(nodes, "POLYID", COLUMBUS_NODES)
    cols = ["CRIME", "INC", "HOVAL", "OPEN", "PLUMB", "DISCBD", "AREA", "NEIG", "X", "Y"]
    num = {c: numeric_column(nodes, c, COLUMBUS_NODES, ids, non_negative=False) for c in cols}
    u, v = edge_indices(edges, ids, COLUMBUS_EDGES, COLUMBUS_NODES, flag=cfg.contiguity)
    label = f"{COLUMBUS_NODES}/{COLUMBUS_EDGES} ({cfg.contiguity})"
    keep, new_index = select_component(len(ids), u, v, cfg.disconnected, label)
    if keep is not None:
        ids = ids[keep]
        num = {k: a[keep] for k, a in num.items()}
        u, v = reindex_edges(u, v, new_index)
    return make_city(
        name="columbus",
        label=COLUMBUS_NODES,
        place_ids=ids,
        population=np.full(len(ids), COLUMBUS_POPULATION_PER_PLACE),
        u=u,
        v=v,
        neighbourhood_labels=ids,
        x=num["X"],
        y=num["Y"],
        disadvantage=disadvantage_index([-num["INC"], -num["HOVAL"]], len(ids)),
        observed_crime=None,
        extra=dict(num),
    )
