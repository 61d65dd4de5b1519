"""Which event ids an ingest has already landed: a DuckDB temp table of 64-bit hashes of
every id in the lake (read once when the ingest starts) and of every chunk it commits.

A new chunk is probed against the hashes (an in-memory hash join, no Parquet re-read per
chunk); only the ids whose hash is present are checked exactly against the lake's files,
so a hash collision can never drop an event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["SeenIds"]

_CREATE = "CREATE OR REPLACE TEMP TABLE jl_seen (h UBIGINT)"
_LOAD = "INSERT INTO jl_seen SELECT hash(event_id) FROM read_parquet($files)"
_PROBE = "SELECT i FROM jl_ids WHERE hash(event_id) IN (SELECT h FROM jl_seen)"
_EXACT = (
    "SELECT DISTINCT event_id FROM read_parquet($files) "
    "WHERE event_id IN (SELECT event_id FROM jl_ids)"
)
_ADD = "INSERT INTO jl_seen SELECT hash(event_id) FROM jl_ids"


class SeenIds:
    """The ids already in the lake, for first-wins de-duplication across chunks."""

    def __init__(self, con: Any, files: list[str]) -> None:
        self.con = con
        con.execute(_CREATE)
        if files:
            con.execute(_LOAD, {"files": files})

    def new_mask(self, ids: pa.Array, files: list[str]) -> pa.BooleanArray | None:
        """Which of ``ids`` are not in the lake yet (repeats get the same answer); None when
        all are new."""
        table = pa.table({"i": pa.array(np.arange(len(ids), dtype=np.int64)), "event_id": ids})
        with self._registered(table):
            hits = self.con.sql(_PROBE).to_arrow_table()["i"]
        if not len(hits) or not files:
            return None
        candidates = pa.table({"event_id": ids.take(hits)})
        with self._registered(candidates):
            found = self.con.sql(_EXACT, params={"files": files}).to_arrow_table()["event_id"]
        if not len(found):
            return None
        return pc.invert(pc.is_in(ids, value_set=found.combine_chunks()))

    def add(self, ids: pa.Array) -> None:
        with self._registered(pa.table({"event_id": ids})):
            self.con.execute(_ADD)

    def _registered(self, table: pa.Table) -> Any:
        return _Registered(self.con, table)


class _Registered:
    def __init__(self, con: Any, table: pa.Table) -> None:
        self.con, self.table = con, table

    def __enter__(self) -> None:
        self.con.register("jl_ids", self.table)

    def __exit__(self, *exc: object) -> None:
        self.con.unregister("jl_ids")
