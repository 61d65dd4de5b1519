"""Which event ids a lake already holds, for first-wins de-duplication across ingests.

The ids are kept as their 64-bit DuckDB ``hash`` in sorted numpy runs, bucketed by their
top bits (8 bytes an event: the lake's ids read once when an ingest starts, then each
chunk it commits). A chunk's ids are probed against them; only the ids whose hash is found
are checked exactly against the files, so a hash collision can never drop an event.

Each events file's hashes are kept beside it, sorted, in its generation's ``_ids/`` folder
(:mod:`.sidecars`), so an ingest starts by reading 8 bytes an event instead of
hashing every id of the lake again. A sidecar is a cache: it is used only when whole (its
row count is the file's, its checksum holds) and written by this DuckDB's hash (a
fingerprint of the function); otherwise the file's ids are hashed again and the sidecar is
rewritten (the writer lock is held). Files that compaction wrote get theirs at the next
ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.sidecars import map_ids, read_ids, write_ids

if TYPE_CHECKING:
    from journeylab.lake.layout import Layout

__all__ = ["SeenIds", "found_in_files", "id_hashes"]

_LOAD = "SELECT hash(event_id) AS h FROM read_parquet($files)"
_HASH = "SELECT hash(event_id) AS h FROM jl_ids"
#: DuckDB's hash of a fixed text: a sidecar written by another hash function is not used
_FINGERPRINT = "SELECT hash('journeylab: the hash of the seen ids, sidecar 1')"
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

    def __init__(
        self, con: Any, layout: Layout | None, files: Sequence[str], rows: Sequence[int]
    ) -> None:
        """``files`` hold ``rows`` events each (from their footers): their hashes, from
        their sidecars (or, without a usable one, hashed again and the sidecar rewritten
        when ``layout`` is given), fill one array sorted in place (8 bytes an event, no
        other copy); each bucket's first run is a view of it, never merged."""
        self.con, self.layout = con, layout
        self._fingerprint: int | None = None
        #: the rows of each events file known to this ingest (its sidecar must hold as many)
        self.rows: dict[str, int] = dict(zip(files, rows, strict=True))
        self.buckets: list[list[np.ndarray]] = [[] for _ in range(BUCKETS)]
        hashes = np.empty(sum(rows), np.uint64)
        lo = 0
        missing: list[tuple[str, np.ndarray]] = []
        for path, n in zip(files, rows, strict=True):
            part = hashes[lo : lo + n]
            if not read_ids(path, self.fingerprint, part):
                missing.append((path, part))
            lo += n
        for path, part in missing:
            self._hash_file(path, part)
            part.sort()
            if layout is not None:
                write_ids(layout, path, part, self.fingerprint)
        hashes.sort()
        for runs, piece in zip(self.buckets, _split(hashes), strict=True):
            if len(piece):
                runs.append(piece)

    @property
    def fingerprint(self) -> int:
        """This DuckDB's hash of a fixed text: sidecars record the hash they were made by."""
        if self._fingerprint is None:
            self._fingerprint = int(self.con.execute(_FINGERPRINT).fetchall()[0][0])
        return self._fingerprint

    def _hash_file(self, path: str, out: np.ndarray) -> None:
        """Hash ``path``'s ids into ``out`` (streamed: no other copy)."""
        filled = 0
        reader = self.con.sql(_LOAD, params={"files": [path]}).to_arrow_reader(1 << 20)
        for batch in reader:
            part = batch.column(0).to_numpy(zero_copy_only=False)
            out[filled : filled + len(part)] = part
            filled += len(part)
        if filled != len(out):
            raise RuntimeError(f"{path}: {filled} ids read, its footer says {len(out)}")

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
                found[lo:hi] |= _held(run, part)
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
        files = self._holding(files, np.unique(hashes[rows[hit]]))
        found = found_in_files(self.con, files, wanted, "event_id")
        hit[hit] = pc.is_in(wanted, value_set=found).to_numpy(zero_copy_only=False)
        return hit

    def _holding(self, files: list[str], wanted: np.ndarray) -> list[str]:
        """Of ``files``, those whose sidecar holds one of the ``wanted`` hashes, or that
        have no usable sidecar of their known row count: the exact check reads only them,
        not the whole lake. The sidecars are mapped, not read: a few pages each."""
        out = []
        for path in files:
            body = map_ids(path, self.fingerprint, self.rows.get(path))
            if body is None:
                out.append(path)
            elif _held(body, wanted).any():
                out.append(path)
        return out

    def add(self, hashes: np.ndarray, events_file: str | Path | None = None) -> None:
        """Remember the hashes of ids just committed (each bucket's part a new run), and
        write the sidecar of the ``events_file`` that holds them."""
        if not len(hashes):
            return
        ordered = np.sort(hashes)
        if events_file is not None and self.layout is not None:
            self.rows[str(events_file)] = len(ordered)
            write_ids(self.layout, events_file, ordered, self.fingerprint)
        for runs, part in zip(self.buckets, _split(ordered), strict=True):
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


def _held(run: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which ``values`` the sorted ``run`` holds (one binary search each)."""
    if not len(run):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(run, values), len(run) - 1)
    return np.asarray(run[at] == values)


def _split(ordered: np.ndarray) -> list[np.ndarray]:
    """Sorted ``ordered`` hashes cut into their buckets (views)."""
    return np.split(ordered, np.searchsorted(ordered, _EDGES))
