"""Which event ids an ingest has already landed: a compiled set of 64-bit hashes
(:class:`~.scan_seen.HashSet`, the scanner's ``idh`` function) of every id in the lake
(read once when the ingest starts) and of every chunk it commits.

A new chunk's hashes are probed against the set (no per-chunk rebuild, no Parquet re-read);
only the ids whose hash is present are checked exactly — against the lake's files and the
chunk still being written — so a hash collision can never drop an event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.scan import event_id_hashes
from journeylab.lake.scan_seen import HashSet

__all__ = ["SeenIds", "found_in_files"]

_LOAD = "SELECT event_id FROM read_parquet($files)"
#: which of some ids the files hold (constant SQL per column, bound parameters)
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


class SeenIds:
    """The ids already in the lake, for first-wins de-duplication across chunks. Used by
    one thread at a time (the commit's preparing stage)."""

    def __init__(self, con: Any, files: list[str]) -> None:
        self.con = con
        self.hashes = HashSet()
        #: ids of the chunk handed to the writer and maybe not in a file yet
        self.pending: pa.Array | None = None
        if files:
            reader = con.sql(_LOAD, params={"files": files}).to_arrow_reader(1 << 20)
            for batch in reader:
                self.hashes.add(event_id_hashes(batch.column(0)))

    def new_mask(
        self, ids: pa.Array, hashes: np.ndarray, files: list[str]
    ) -> pa.BooleanArray | None:
        """Which of ``ids`` (with their ``hashes``) are not in the lake yet (repeats get the
        same answer); None when all are new."""
        hit = self.hashes.contains(hashes)
        if not hit.any():
            return None
        candidates = ids.filter(pa.array(hit))
        found = [found_in_files(self.con, files, candidates, "event_id")]
        if self.pending is not None:
            found.append(candidates.filter(pc.is_in(candidates, value_set=self.pending)))
        found = [f for f in found if len(f)]
        if not found:
            return None
        known = pa.concat_arrays([f.cast(pa.string()) for f in found])
        return pc.invert(pc.is_in(ids, value_set=known))

    def add(self, hashes: np.ndarray) -> None:
        self.hashes.add(hashes)
