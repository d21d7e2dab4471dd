"""Reading and checking tabular city data, with error messages that point at the bad cell.

Every table is read with all cells as stripped strings, so ids keep their leading zeros and
each value can be checked (and quoted back) before it is converted. Rows in messages are
1-based data rows (the header is not counted); GraphML nodes are counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.errors import CityDataError

#: How many offending rows a message quotes before summarising the rest.
_MAX_QUOTED = 1


def read_csv_table(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a CSV file with every cell as a stripped string ('' when empty).

    Args:
        path: File to read.
        label: Name used in messages (default: the path as given).

    Returns:
        The table, one string column per CSV column.

    Raises:
        CityDataError: The file does not exist, is not a file, or cannot be parsed as CSV.
    """
    label = label or str(path)
    if not path.exists():
        raise CityDataError(f"{label}: file not found (resolved to '{path.resolve()}')")
    if not path.is_file():
        raise CityDataError(f"{label}: expected a CSV file, got a directory or special file")
    try:
        # The header is read as a row: pandas would rename a repeated name ('x.1') and, for
        # rows with one field more than the header, take the first column as the index.
        raw = pd.read_csv(
            path,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
        )
    except pd.errors.EmptyDataError:
        raise CityDataError(f"{label}: the file is empty (expected a header row)") from None
    except UnicodeDecodeError as exc:
        raise CityDataError(
            f"{label}: cannot be read as CSV: not UTF-8 text ({exc.encoding}: {exc.reason}); "
            "save the file as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet)"
        ) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise CityDataError(f"{label}: cannot be read as CSV: {str(exc).strip()}") from exc
    # An empty header cell (a spreadsheet's trailing comma) is named as pandas names it.
    names = [str(c).strip() or f"Unnamed: {i}" for i, c in enumerate(raw.iloc[0])]
    for name in names:
        if names.count(name) > 1:
            raise CityDataError(
                f"{label}: column {name!r} appears {names.count(name)} times in the header "
                "(names are compared without surrounding spaces); each must be unique"
            )
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = names
    return frame.apply(lambda s: s.astype(str).str.strip()) if len(frame) else frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str], label: str) -> None:
    """Check that every named column is present.

    Raises:
        CityDataError: Naming the first missing column and listing the columns present.
    """
    present = list(frame.columns)
    for column in columns:
        if column not in present:
            other = [d for d in (";", "\t", "|") if len(present) == 1 and d in present[0]]
            hint = (
                f" (the header is one column holding {other[0]!r}: comma-separated files "
                "are expected; export the file as CSV with commas)"
                if other
                else ""
            )
            raise CityDataError(
                f"{label}: missing column '{column}'; columns present: "
                + ", ".join(repr(c) for c in present)
                + hint
            )


def _more(n_bad: int) -> str:
    extra = n_bad - _MAX_QUOTED
    return f" (and {extra} more row{'s' if extra > 1 else ''})" if extra > 0 else ""


def parse_ids(frame: pd.DataFrame, column: str, label: str, row_word: str = "row") -> np.ndarray:
    """Return the id column as strings, rejecting empty and duplicate ids.

    Raises:
        CityDataError: The table has no rows, or an id is empty or repeated (naming the row).
    """
    if len(frame) == 0:
        raise CityDataError(f"{label}: no places (the table has no rows); a city needs places")
    require_columns(frame, [column], label)
    ids = frame[column].to_numpy(dtype=object).astype(str)
    empty = np.flatnonzero(ids == "")
    if empty.size:
        raise CityDataError(
            f"{label}: column '{column}' {row_word} {empty[0] + 1}: "
            f"expected a place id, got an empty value{_more(empty.size)}"
        )
    dup = pd.Series(ids).duplicated(keep="first").to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(ids == ids[row])[0])
        raise CityDataError(
            f"{label}: column '{column}' {row_word} {row + 1} (id '{ids[row]}'): "
            f"duplicate id, already used in {row_word} {first + 1}; ids must be unique"
        )
    return ids


def numeric_column(
    frame: pd.DataFrame,
    column: str,
    label: str,
    ids: np.ndarray,
    *,
    non_negative: bool,
    row_word: str = "row",
) -> np.ndarray:
    """Convert a column to finite floats, rejecting empty, non-numeric (and negative) cells.

    Args:
        frame: Table read by :func:`read_csv_table` (string cells).
        column: Column to convert.
        label: File name used in messages.
        ids: Place id of each row (quoted in messages).
        non_negative: Also reject values below zero.
        row_word: ``row`` for CSV, ``node`` for GraphML.

    Returns:
        Float64 array, one value per row.

    Raises:
        CityDataError: Naming the column, the first bad row, its id and the value found.
    """
    require_columns(frame, [column], label)
    raw = frame[column].to_numpy(dtype=object).astype(str)
    values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(values)
    if non_negative:
        ok &= values >= 0
    bad = np.flatnonzero(~ok)
    if bad.size:
        row = int(bad[0])
        got = "an empty value" if raw[row] == "" else f"'{raw[row]}'"
        want = "a non-negative number" if non_negative else "a number"
        raise CityDataError(
            f"{label}: column '{column}' {row_word} {row + 1} (id '{ids[row]}'): "
            f"expected {want}, got {got}{_more(bad.size)}"
        )
    return values


def edge_indices(
    edges: pd.DataFrame,
    ids: np.ndarray,
    label: str,
    nodes_label: str,
    flag: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Map an edge table's ``source,target`` ids onto row indices of the nodes table.

    Self-loops are dropped and duplicate (including reversed) pairs kept once.

    Args:
        edges: Edge table with string cells and ``source``, ``target`` columns.
        ids: Place ids in node order.
        label: Edge file name used in messages.
        nodes_label: Nodes file name used in messages.
        flag: Optional 0/1 column selecting the edges to keep (e.g. ``queen``).

    Returns:
        Two int64 arrays ``(u, v)`` with ``u < v``, sorted and unique.

    Raises:
        CityDataError: A column is missing, a flag is not 0/1, or an edge names an unknown id.
    """
    require_columns(edges, ["source", "target"] + ([flag] if flag else []), label)
    rows = np.arange(len(edges))
    if flag:
        raw = edges[flag].to_numpy(dtype=object).astype(str)
        values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy()
        bad = np.flatnonzero(~np.isin(values, (0, 1)))
        if bad.size:
            r = int(bad[0])
            raise CityDataError(
                f"{label}: column '{flag}' row {r + 1}: expected 0 or 1, got '{raw[r]}'"
                f"{_more(bad.size)}"
            )
        rows = rows[values == 1]
    index = pd.Index(ids)
    ends = []
    for column in ("source", "target"):
        raw = edges[column].to_numpy(dtype=object).astype(str)[rows]
        pos = index.get_indexer(raw)
        bad = np.flatnonzero(pos < 0)
        if bad.size:
            r = int(bad[0])
            got = (
                "an empty value"
                if raw[r] == ""
                else f"id '{raw[r]}', which is not in {nodes_label}"
            )
            raise CityDataError(
                f"{label}: column '{column}' row {rows[r] + 1}: expected a place id, got {got}"
                f"{_more(bad.size)}"
            )
        ends.append(pos.astype(np.int64))
    return canonical_edges(ends[0], ends[1])


def canonical_edges(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop self-loops and duplicate undirected pairs; return sorted ``(u, v)`` with ``u < v``."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    lo, hi = np.minimum(u, v)[keep], np.maximum(u, v)[keep]
    if lo.size == 0:
        return lo, hi
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def text_column(
    frame: pd.DataFrame, column: str, label: str, ids: np.ndarray, row_word: str = "row"
) -> np.ndarray:
    """Return a column of non-empty strings (e.g. neighbourhood names).

    Raises:
        CityDataError: The column is missing or a cell is empty (naming the row and id).
    """
    require_columns(frame, [column], label)
    values = frame[column].to_numpy(dtype=object).astype(str)
    empty = np.flatnonzero(values == "")
    if empty.size:
        r = int(empty[0])
        raise CityDataError(
            f"{label}: column '{column}' {row_word} {r + 1} (id '{ids[r]}'): "
            f"expected a non-empty value, got an empty value{_more(empty.size)}"
        )
    return values
