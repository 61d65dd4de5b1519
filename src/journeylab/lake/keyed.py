"""The events of a few names as plain arrays: ``user_key`` and ``event_at`` (µs), sorted
by (user_key, event_at) — what a one-pass funnel reads (docs/adr/0007).

Only the row groups whose ``name`` statistics admit a wanted name are read; a row group
holding that name alone (min = max, the usual case in a compacted lake) is read without its
``name`` column. A compacted lake is sorted by (name, user_key, event_at, event_id), so each
name's rows come out already in order; otherwise (files as ingest left them) they are
sorted here, after an O(n) check. Typed property columns (docs/adr/0009) of the same rows
can be read beside them, for a filtered step or a breakdown's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["KeyedFrame", "KeyedRows", "Want", "key_time_order", "keyed_read", "keyed_rows"]

#: (user_key int64, event_at int64 µs since the epoch), sorted by both
KeyedPair = tuple[np.ndarray, np.ndarray]
#: per name: its rows
KeyedRows = dict[str, KeyedPair]

_COLUMNS = ["user_key", "event_at"]
_TS = pa.timestamp("us", tz="UTC")


def keyed_rows(files: Sequence[str], names: Sequence[str]) -> KeyedRows | None:
    """``user_key`` and ``event_at`` (µs) of the events of each of ``names`` in ``files``
    (lake format 3 or later), each name's rows sorted by (user_key, event_at); None when a
    file has no ``user_key`` or stores times in another unit than µs (:func:`keyed_read`)."""
    wanted = sorted(set(names))
    got = keyed_read(files, [Want(n) for n in wanted])
    if got is None:
        return None
    return {n: (g[0], g[1]) for n, g in zip(wanted, got, strict=True) if g is not None}


@dataclass(frozen=True)
class Want:
    """The rows of one name, with ``columns`` of the same rows beside them (typed
    properties, docs/adr/0009; ``dictionary``: string columns read as categoricals)."""

    name: str
    columns: tuple[str, ...] = ()
    dictionary: tuple[str, ...] = ()


#: a want's rows: user_key, event_at (µs) sorted by both, and its columns in that order
KeyedFrame = tuple[np.ndarray, np.ndarray, pl.DataFrame]


def keyed_read(files: Sequence[str], wants: Sequence[Want]) -> list[KeyedFrame | None] | None:
    """Each want's rows (:class:`Want`), or None for a want with columns when a file lacks
    one of them or there are no files (no schema to check them against); None for all when
    a file has no ``user_key`` or stores times in another unit than µs. Each file's footer
    is read once for all wants.

    Each name's rows are copied, one row group at a time and in the files' order, into
    arrays allocated once: a group holding that name alone (a compacted lake's) counts all
    its rows, from the footer; a group holding several names is counted from its ``name``
    column first. Arrow's pool then reuses one group's buffers for the next, instead of
    holding every group until a final concatenation (on the 104M-event lake, 0.3 GB of
    peak memory instead of 0.6 GB, and fewer fresh pages: docs/performance.md).

    Arrow stays in compiled code here: no Python value becomes an Arrow array or scalar
    (pyarrow imports pandas for that, ~0.5 s of a cold CLI run)."""
    dictionary = sorted({c for w in wants for c in w.dictionary})
    wanted = sorted({w.name for w in wants})
    plan: dict[str, list[tuple[pq.ParquetFile, int, int | None]]] = {n: [] for n in wanted}
    readable = [not w.columns or bool(files) for w in wants]
    for path in files:
        try:
            pf = pq.ParquetFile(path, read_dictionary=["name", *dictionary])
        except KeyError:  # a file without one of them: its wants go to the engine below
            pf = pq.ParquetFile(path, read_dictionary=["name"])
        schema = pf.schema_arrow
        if "user_key" not in schema.names or schema.field("event_at").type != _TS:
            return None
        for i, w in enumerate(wants):
            readable[i] = readable[i] and all(c in schema.names for c in w.columns)
        _plan_file(pf, wanted, plan)
    return [
        _read(plan[w.name], w.name, w.columns) if ok else None
        for w, ok in zip(wants, readable, strict=True)
    ]


def _plan_file(
    pf: pq.ParquetFile,
    wanted: list[str],
    plan: dict[str, list[tuple[pq.ParquetFile, int, int | None]]],
) -> None:
    """Add to each name's plan the row groups of ``pf`` to read: (file, group, the name's
    rows, or None for all)."""
    meta = pf.metadata
    col = meta.schema.names.index("name")
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(col).statistics
        if stats is not None and stats.has_min_max and stats.min == stats.max:
            if stats.min in plan:  # the name alone: every row, no mask
                plan[stats.min].append((pf, g, None))
            continue
        admits = [
            n
            for n in wanted
            if stats is None or not stats.has_min_max or stats.min <= n <= stats.max
        ]
        if admits:  # several names (or no statistics): count each from the column
            names_col = pf.read_row_group(g, ["name"])
            for n in admits:
                count = int(_is(names_col, n).sum())
                if count:
                    plan[n].append((pf, g, count))


def _read(
    groups: list[tuple[pq.ParquetFile, int, int | None]], name: str, columns: tuple[str, ...]
) -> KeyedFrame:
    """One name's rows from ``groups`` (file, group, the name's rows or None for all), in
    order, sorted by (key, time) if they are not already; ``columns`` of the same rows in
    a frame (empty without them)."""
    total = sum(pf.metadata.row_group(g).num_rows if c is None else c for pf, g, c in groups)
    keys, at = np.empty(total, np.int64), np.empty(total, np.int64)
    parts: list[pl.DataFrame] = []
    done = 0
    for pf, g, count in groups:
        if count is None:
            table = pf.read_row_group(g, columns=[*_COLUMNS, *columns])
            _copy(_chunks(table["event_at"]), at, done)
            done = _copy(_chunks(table["user_key"]), keys, done)
            if columns:
                parts.append(_frame(table, columns))
        else:
            table = pf.read_row_group(g, columns=[*_COLUMNS, "name", *columns])
            keep = _is(table.select(["name"]), name)
            _copy([_int64(table["event_at"])[keep]], at, done)
            done = _copy([_int64(table["user_key"])[keep]], keys, done)
            if columns:
                parts.append(_frame(table, columns).filter(pl.Series(keep)))
        del table  # its buffers go back to Arrow's pool for the next group
    extra = pl.concat(parts) if parts else pl.DataFrame()
    order = key_time_order(keys, at)
    if order is not None:
        keys, at = keys[order], at[order]
        extra = extra[order] if columns else extra
    return np.ascontiguousarray(keys), np.ascontiguousarray(at), extra


def _frame(table: pa.Table, columns: tuple[str, ...]) -> pl.DataFrame:
    """``columns`` of a row group as a polars frame (Arrow's buffers, no conversion)."""
    frame = pl.from_arrow(table.select(list(columns)))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _copy(parts: list[np.ndarray], out: np.ndarray, start: int) -> int:
    """Copy ``parts`` into ``out`` from ``start``; the end position."""
    for part in parts:
        out[start : start + len(part)] = part
        start += len(part)
    return start


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
