"""Which event ids a lake already holds, for first-wins de-duplication across ingests.

The ids are kept as their 64-bit DuckDB ``hash`` in sorted numpy runs, bucketed by their
top bits (8 bytes an event: the lake's ids read once when an ingest starts, then each
chunk it commits). A chunk's ids are probed against them; only the ids whose hash is found
are checked exactly against the files, so a hash collision can never drop an event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["SeenIds", "found_in_files", "id_hashes"]

_LOAD = "SELECT hash(event_id) AS h FROM read_parquet($files)"
_HASH = "SELECT hash(event_id) AS h FROM jl_ids"
#: which of some keys the files hold (constant SQL per column, bound parameters)
_FOUND = {
    "event_id": "SELECT DISTINCT event_id FROM read_parquet($files) "
    "WHERE event_id IN (SELECT event_id FROM jl_keys_wanted)",
    "reject_id": "SELECT DISTINCT reject_id FROM read_parquet($files) "
    "WHERE reject_id IN (SELECT reject_id FROM jl_keys_wanted)",
}


def found_in_files(con: Any, files: list[str], keys: pa.Array, column: str) -> pa.Array:
    """The values of ``keys`` that the Parquet ``files`` hold in ``column`` (event_id or
    reject_id), each once, as strings."""
    if not files or not len(keys):
        return pa.array([], pa.string())
    con.register("jl_keys_wanted", pa.table({column: keys}))
    try:
        got = con.sql(_FOUND[column], params={"files": files}).to_arrow_table()[column]
    finally:
        con.unregister("jl_keys_wanted")
    return got.combine_chunks().cast(pa.string())


def id_hashes(con: Any, ids: pa.Array) -> np.ndarray:
    """DuckDB's 64-bit hash of each id."""
    con.register("jl_ids", pa.table({"event_id": ids}))
    try:
        got = con.sql(_HASH).to_arrow_table()["h"].combine_chunks()
    finally:
        con.unregister("jl_ids")
    return got.to_numpy(zero_copy_only=False).astype(np.uint64)


class SeenIds:
    """The ids of a lake, as hashes (one thread uses it: the commit's).

    The hashes are split by their top bits into :data:`BUCKETS` buckets, each a few sorted
    runs merged like a binary counter (a run is merged into the one before while that is
    no larger), so an ingest probes a few runs per bucket whatever its size, and a merge
    copies one bucket, never the whole set: memory stays 8 bytes an id, with no transient
    copy of it (at 100M ids, merging whole runs briefly held three copies of the biggest).
    """

    def __init__(self, con: Any, files: list[str], rows: int) -> None:
        """``files`` hold ``rows`` events (from their footers): their hashes are streamed
        into one array sorted in place (8 bytes an event, no other copy); each bucket's
        first run is a view of it, never merged (the lake's own run is left alone)."""
        self.con = con
        self.buckets: list[list[np.ndarray]] = [[] for _ in range(BUCKETS)]
        if files:
            hashes = np.empty(rows, np.uint64)
            filled = 0
            reader = con.sql(_LOAD, params={"files": files}).to_arrow_reader(1 << 20)
            for batch in reader:
                part = batch.column(0).to_numpy(zero_copy_only=False)
                hashes[filled : filled + len(part)] = part
                filled += len(part)
            hashes = hashes[:filled]
            hashes.sort()
            for runs, part in zip(self.buckets, _split(hashes), strict=True):
                if len(part):
                    runs.append(part)

    @property
    def runs(self) -> list[np.ndarray]:
        """Every run of every bucket (for tests and introspection)."""
        return [run for runs in self.buckets for run in runs]

    def _hits(self, hashes: np.ndarray) -> np.ndarray:
        """Which ``hashes`` some run holds (probed in sorted order: cache-friendly)."""
        order = np.argsort(hashes)
        probes = hashes[order]
        hit = np.zeros(len(hashes), bool)
        found = np.zeros(len(hashes), bool)
        lo = 0
        for runs, part in zip(self.buckets, _split(probes), strict=True):
            hi = lo + len(part)
            for run in runs:
                at = np.minimum(np.searchsorted(run, part), len(run) - 1)
                found[lo:hi] |= run[at] == part
            lo = hi
        hit[order] = found
        return hit

    def known(
        self, ids: pa.Array, hashes: np.ndarray, rows: np.ndarray, files: list[str]
    ) -> np.ndarray:
        """Which of ``rows`` (of ``ids``, with their ``hashes``) the lake's ``files``
        hold."""
        hit = self._hits(hashes[rows])
        if not hit.any():
            return hit
        wanted = ids.take(pa.array(rows[hit]))
        found = found_in_files(self.con, files, wanted, "event_id")
        hit[hit] = pc.is_in(wanted, value_set=found).to_numpy(zero_copy_only=False)
        return hit

    def add(self, hashes: np.ndarray) -> None:
        """Remember the hashes of ids just committed (each bucket's part a new run)."""
        if not len(hashes):
            return
        for runs, part in zip(self.buckets, _split(np.sort(hashes)), strict=True):
            if not len(part):
                continue
            run = part.copy()  # not a view: the chunk's array is freed
            while len(runs) > 1 and len(runs[-1]) <= len(run):
                run = np.concatenate((runs.pop(), run))
                run.sort(kind="stable")  # two sorted runs: a linear merge
            runs.append(run)


#: buckets of hashes, by their top bits
BUCKET_BITS = 8
BUCKETS = 1 << BUCKET_BITS
_EDGES = np.arange(1, BUCKETS, dtype=np.uint64) << np.uint64(64 - BUCKET_BITS)


def _split(ordered: np.ndarray) -> list[np.ndarray]:
    """Sorted ``ordered`` hashes cut into their buckets (views)."""
    return np.split(ordered, np.searchsorted(ordered, _EDGES))
