"""The events of a few names as plain arrays: ``user_key`` and ``event_at`` (µs), sorted
by (user_key, event_at) — what a one-pass funnel reads (docs/adr/0007).

Only the row groups whose ``name`` statistics admit a wanted name are read; a row group
holding that name alone (min = max, the usual case in a compacted lake) is read without its
``name`` column. A compacted lake is sorted by (name, user_key, event_at, event_id), so each
name's rows come out already in order; otherwise (files as ingest left them) they are
sorted here, after an O(n) check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["KeyedRows", "key_time_order", "keyed_rows"]

#: per name: (user_key int64, event_at int64 µs since the epoch), sorted by both
KeyedRows = dict[str, tuple[np.ndarray, np.ndarray]]

_COLUMNS = ["user_key", "event_at"]
_TS = pa.timestamp("us", tz="UTC")


def keyed_rows(files: Sequence[str], names: Sequence[str]) -> KeyedRows | None:
    """``user_key`` and ``event_at`` (µs) of the events of each of ``names`` in ``files``
    (lake format 3 or later), each name's rows sorted by (user_key, event_at); None when a
    file has no ``user_key`` or stores times in another unit than µs.

    Arrow stays in compiled code here: no Python value becomes an Arrow array or scalar
    (pyarrow imports pandas for that, ~0.5 s of a cold CLI run)."""
    wanted = sorted(set(names))
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {n: [] for n in wanted}
    for path in files:
        pf = pq.ParquetFile(path, read_dictionary=["name"])
        schema = pf.schema_arrow
        if "user_key" not in schema.names or schema.field("event_at").type != _TS:
            return None
        meta = pf.metadata
        col = meta.schema.names.index("name")
        for name in wanted:
            groups: list[int] = []  # in file order (a compacted file is sorted already)
            mixed: list[int] = []  # those that hold other names too (or no statistics)
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(col).statistics
                if stats is None or not stats.has_min_max or stats.min != stats.max:
                    if stats is None or not stats.has_min_max or stats.min <= name <= stats.max:
                        groups.append(g)
                        mixed.append(g)
                elif stats.min == name:
                    groups.append(g)
            if not groups:
                continue
            table = pf.read_row_groups(groups, columns=_COLUMNS)
            if not mixed:  # views of Arrow's buffers: one copy in all, in _sorted
                parts[name].extend(
                    zip(_chunks(table["user_key"]), _chunks(table["event_at"]), strict=True)
                )
                continue
            keys, at = _int64(table["user_key"]), _int64(table["event_at"])
            # this name's rows of the mixed groups (their name column only)
            keep = np.ones(len(keys), bool)
            offset = 0
            for g in groups:
                rows = meta.row_group(g).num_rows
                if g in mixed:
                    keep[offset : offset + rows] = _is(pf.read_row_group(g, ["name"]), name)
                offset += rows
            keys, at = keys[keep], at[keep]
            parts[name].append((keys, at))
    return {n: _sorted(parts[n]) for n in wanted}


def _is(table: pa.Table, name: str) -> np.ndarray:
    """Rows of a one-column table of dictionary-encoded names equal to ``name``."""
    out = []
    for chunk in table.column(0).chunks:
        values = chunk.dictionary.to_pylist()
        hit = values.index(name) if name in values else -1
        out.append(_values(chunk.indices, np.dtype(chunk.indices.type.to_pandas_dtype())) == hit)
    return np.concatenate(out) if out else np.zeros(0, bool)


def _chunks(column: pa.ChunkedArray) -> list[np.ndarray]:
    """The chunks of a column of 64-bit values without nulls (``user_key``, ``event_at``
    as stored: µs) as int64 views."""
    return [_values(c, np.dtype(np.int64)) for c in column.chunks]


def _int64(column: pa.ChunkedArray) -> np.ndarray:
    """Such a column as one int64 array."""
    parts = _chunks(column)
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def _values(chunk: pa.Array, dtype: np.dtype) -> np.ndarray:
    """The values buffer of a fixed-width array as numpy, without Arrow's conversion layer
    (which imports pandas). Lake columns read here have no nulls (the schema's rule)."""
    if chunk.null_count:
        raise ValueError("unexpected nulls in a lake key column")
    buf = chunk.buffers()[1]
    return np.frombuffer(buf, dtype=dtype, count=chunk.offset + len(chunk))[chunk.offset :]


def _sorted(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys = np.concatenate([k for k, _ in parts]).astype(np.int64, copy=False)
    at = np.concatenate([t for _, t in parts]).astype(np.int64, copy=False)
    order = key_time_order(keys, at)
    if order is not None:
        keys, at = keys[order], at[order]
    return np.ascontiguousarray(keys), np.ascontiguousarray(at)


def key_time_order(keys: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """The positions sorting rows by (key, time), ties kept in their order (a stable sort);
    None when they are in that order already (an O(n) check: a compacted lake's rows)."""
    if len(keys) < 2:
        return None
    # comparisons, not np.diff: keys span all of int64 (a diff overflows); boolean
    # temporaries only (a fresh page costs more than the comparison: docs/performance.md)
    if not (keys[1:] < keys[:-1]).any():
        later = at[1:] < at[:-1]
        later &= keys[1:] == keys[:-1]
        if not later.any():
            return None
    return np.lexsort((at, keys))
