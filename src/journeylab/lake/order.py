"""The lake's row order (:data:`~.layout.LAKE_ORDER`: name, user_id, event_at, event_id)
and first-wins de-duplication within a chunk, both on integer keys.

``name`` and ``user_id`` become their ranks among the chunk's distinct values (Arrow's
dictionary encoding and string sort, byte-wise like the strings themselves), so numpy sorts
integers, not strings — one packed key when (name, user_id) and event_at fit in 64 bits
together; rows equal on (name, user_id, event_at) — re-sent events with other ids, or
events of one user in the same microsecond — are then put in event_id order, all in one
sort. tests/test_lake_order.py holds :func:`lake_order` equal to sorting the strings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["first_rows", "lake_order", "ranks"]


def ranks(values: pa.Array) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """Each value's rank among the sorted distinct values, the distinct values (the
    dictionary) and each value's index into them (nulls: index 0, never used)."""
    encoded = pc.dictionary_encode(values)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order) or 1, np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    indices = pc.fill_null(encoded.indices, 0).to_numpy().astype(np.int64)
    return rank[indices], encoded.dictionary, indices


def lake_order(
    names: np.ndarray, users: np.ndarray, user_count: int, at: np.ndarray, ids: pa.Array
) -> np.ndarray:
    """Positions sorting rows by (name rank, user rank, event_at, event_id) — ``ids``
    aligned with the other arrays."""
    if not len(at):
        return np.empty(0, np.int64)
    group = names * max(user_count, 1) + users
    low = int(at.min())
    shift = (int(at.max()) - low).bit_length()
    if int(group.max()).bit_length() + shift <= 64:
        # (group, event_at) packed in one unsigned key: numpy sorts it in a third of the
        # time polars sorts the two columns; the order of equal keys is settled below
        key = (group.astype(np.uint64) << np.uint64(shift)) | (at - low).astype(np.uint64)
        idx = np.argsort(key).astype(np.int64)
    else:  # (group, event_at) do not fit in 64 bits together
        import polars as pl

        keys = pl.DataFrame({"g": group, "a": at})
        idx = keys.select(pl.arg_sort_by(["g", "a"])).to_series().to_numpy().astype(np.int64)
    g, a = group[idx], at[idx]
    same = (g[1:] == g[:-1]) & (a[1:] == a[:-1])
    if same.any():  # ties on (name, user_id, event_at): order them by event_id, in one
        # sort of the tied rows by (group, event_id) — a sort per group took 90 ms for the
        # 2.5k groups of a 500k-row chunk (docs/performance.md "Ingest")
        group = np.cumsum(np.r_[True, ~same])  # each sorted row's group of equal keys
        tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        rows = idx[tied]
        keys = pa.table({"g": group[tied], "id": ids.take(pa.array(rows))})
        by = pc.sort_indices(keys, sort_keys=[("g", "ascending"), ("id", "ascending")])
        idx[tied] = rows[by.to_numpy()]
    return idx


def first_rows(hashes: np.ndarray, ids: pa.Array, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (in input order) hold the first occurrence of their id;
    ids are told apart by a 64-bit hash, and rows sharing a hash are compared exactly.
    Sharing is found by sorting the hashes (numpy's unstable sort of integers: a fifth of
    the time of hashing them again, docs/performance.md "Ingest")."""
    h = hashes[rows]
    keep = np.ones(len(h), bool)
    if len(h) < 2:
        return keep
    order = np.argsort(h)
    ordered = h[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    if not len(same):
        return keep
    # rows whose hash occurs more than once, in input order: the first of each exact id wins
    shared = np.unique(np.concatenate([order[same], order[same + 1]]))
    seen: set[str] = set()
    values = ids.take(pa.array(rows[shared])).to_pylist()
    for pos, event_id in zip(shared.tolist(), values, strict=True):
        keep[pos] = event_id not in seen
        seen.add(event_id)
    return keep
