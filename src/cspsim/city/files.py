"""Loader for the user's own city: a nodes CSV plus an edges CSV, or one GraphML file.

Nodes CSV: one row per place; the columns are named by the config (``id_column``,
``population_column``, ...). Edges CSV: undirected pairs in ``source,target`` columns; if it
also has a 0/1 column named after ``city.contiguity`` (``queen``/``rook``, as in the shipped
data) only the rows flagged 1 are used. GraphML: node attributes play the role of the nodes
CSV columns; the place id is the ``id_column`` attribute when present, else the GraphML node
id. Relative paths are resolved against the current working directory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from cspsim.city.build import (
    disadvantage_index,
    index_layout,
    make_city,
    reindex_edges,
    select_component,
)
from cspsim.city.city import CRIME_TYPES, City
from cspsim.city.inputs import (
    canonical_edges,
    edge_indices,
    numeric_column,
    parse_ids,
    read_csv_table,
    require_columns,
    text_column,
)
from cspsim.config.city import CityConfig
from cspsim.errors import CityDataError

#: Key of ``City.extra`` holding the place names of ``city.name_column`` (``file`` and
#: ``gis`` cities), where the trainer app looks for them.
PLACE_NAME = "place_name"
#: Below this many places missing coordinates come from a spectral layout, above it from
#: the (cheap, deterministic) index lattice.
SPECTRAL_LAYOUT_MAX = 500


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _read_graphml(
    cfg: CityConfig,
) -> tuple[pd.DataFrame, str, np.ndarray, np.ndarray, np.ndarray]:
    path = Path(cfg.graphml).expanduser()
    label = str(cfg.graphml)
    if not path.exists():
        raise CityDataError(f"{label}: file not found (resolved to '{path.resolve()}')")
    if not path.is_file():
        raise CityDataError(f"{label}: expected a GraphML file, got a directory or special file")
    try:
        g = nx.read_graphml(path)
    except (ET.ParseError, nx.NetworkXError, ValueError, KeyError) as exc:
        raise CityDataError(f"{label}: cannot be read as GraphML: {exc}") from exc
    keys = list(g.nodes)
    frame = pd.DataFrame([data for _, data in g.nodes(data=True)], index=range(len(keys)))
    frame = frame.apply(lambda s: s.map(_cell)) if frame.shape[1] else frame
    if cfg.id_column not in frame.columns:
        frame[cfg.id_column] = [str(k) for k in keys]
    ids = parse_ids(frame, cfg.id_column, label, "node")
    position = {k: i for i, k in enumerate(keys)}
    pairs = np.asarray([(position[a], position[b]) for a, b in g.edges()], dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    u, v = canonical_edges(pairs[:, 0], pairs[:, 1])
    return frame, label, ids, u, v


def _read_csvs(cfg: CityConfig) -> tuple[pd.DataFrame, str, np.ndarray, np.ndarray, np.ndarray]:
    label = str(cfg.nodes)
    frame = read_csv_table(Path(cfg.nodes).expanduser(), label)
    ids = parse_ids(frame, cfg.id_column, label)
    edges_label = str(cfg.edges)
    edges = read_csv_table(Path(cfg.edges).expanduser(), edges_label)
    flag = cfg.contiguity if cfg.contiguity in edges.columns else None
    u, v = edge_indices(edges, ids, edges_label, Path(label).name, flag=flag)
    return frame, label, ids, u, v


def _layout(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic coordinates when the data has none."""
    if 2 < n <= SPECTRAL_LAYOUT_MAX:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
        pos = nx.spectral_layout(g)
        xy = np.array([pos[i] for i in range(n)], dtype=np.float64)
        return xy[:, 0], xy[:, 1]
    return index_layout(n)


def load_file(cfg: CityConfig) -> City:
    """Load a city from ``cfg.nodes`` + ``cfg.edges`` CSVs or from ``cfg.graphml``.

    Observed counts in ``crime_columns`` become per-day rates in the matching
    ``crime_types`` columns of ``observed_crime`` (other types NaN); the raw counts are kept
    in ``extra['observed_<column>']``, the raw disadvantage inputs in ``extra[<column>]`` and
    the place names of ``name_column`` in ``extra['place_name']``.
    """
    if cfg.graphml:
        frame, label, ids, u, v = _read_graphml(cfg)
        row_word = "node"
    else:
        frame, label, ids, u, v = _read_csvs(cfg)
        row_word = "row"
    dis_names = [c.strip() for c in cfg.disadvantage_columns]
    wanted = [cfg.population_column, *cfg.crime_columns, *[c.lstrip("-") for c in dis_names]]
    wanted += [
        c for c in (cfg.neighbourhood_column, cfg.name_column, cfg.x_column, cfg.y_column) if c
    ]
    require_columns(frame, wanted, label)

    def number(column: str, non_negative: bool) -> np.ndarray:
        return numeric_column(
            frame, column, label, ids, non_negative=non_negative, row_word=row_word
        )

    population = number(cfg.population_column, True)
    counts = {c: number(c, True) for c in cfg.crime_columns}
    raw_dis = {c.lstrip("-"): number(c.lstrip("-"), False) for c in dis_names}
    if cfg.neighbourhood_column:
        nb = text_column(frame, cfg.neighbourhood_column, label, ids, row_word)
    else:
        nb = ids
    names = text_column(frame, cfg.name_column, label, ids, row_word) if cfg.name_column else None
    has_xy = bool(cfg.x_column and cfg.y_column)
    x = number(cfg.x_column, False) if has_xy else None
    y = number(cfg.y_column, False) if has_xy else None

    keep, new_index = select_component(len(ids), u, v, cfg.disconnected, label, population)
    if keep is not None:
        ids, population, nb = ids[keep], population[keep], nb[keep]
        names = names[keep] if names is not None else None
        counts = {k: a[keep] for k, a in counts.items()}
        raw_dis = {k: a[keep] for k, a in raw_dis.items()}
        x, y = (x[keep], y[keep]) if has_xy else (None, None)
        u, v = reindex_edges(u, v, new_index)
    if x is None or y is None:
        x, y = _layout(len(ids), u, v)

    observed = None
    if counts:
        observed = np.full((len(ids), len(CRIME_TYPES)), np.nan)
        for column, kind in zip(cfg.crime_columns, cfg.crime_types, strict=True):
            observed[:, CRIME_TYPES.index(kind)] = counts[column] / float(cfg.crime_period_days)
    signed = [-raw_dis[c[1:]] if c.startswith("-") else raw_dis[c] for c in dis_names]
    extra = {f"observed_{k}": a for k, a in counts.items()} | raw_dis
    if names is not None:
        extra[PLACE_NAME] = names.astype(str)
    return make_city(
        name=Path(cfg.graphml or cfg.nodes).stem,
        label=label,
        place_ids=ids,
        population=population,
        u=u,
        v=v,
        neighbourhood_labels=nb,
        x=x,
        y=y,
        disadvantage=disadvantage_index(signed, len(ids)),
        observed_crime=observed,
        extra=extra,
    )
