"""Which event ids a lake already holds, for first-wins de-duplication across ingests.

The ids are kept as 40-bit fingerprints of their 64-bit DuckDB ``hash``: the top bits pick
one of :data:`BUCKETS` buckets and the low 32 bits are stored, in sorted numpy runs (4 bytes
an event: the lake's ids read once when an ingest starts, then each chunk it commits). A
chunk's ids are probed against them; only the ids whose fingerprint is found are checked
further — against the full hashes of the files' sidecars, then exactly against the ids of
the files that hold one — so neither a fingerprint nor a hash collision can drop an event.
At 100M ids a probe finds another id's fingerprint once in 11,000 (about 45 ids of a
500k-record chunk), which costs a look into the sidecars (mapped, a few pages each).
Fingerprints are held up to a budget (:data:`IDS_MEMORY`, smallest files first); the files
past it are probed chunk by chunk in their sidecars, read block by block, so memory stays
bounded at any lake size (each chunk then reads 8 bytes an event of those files, and
searches its ids in each of the lake's: compaction, which makes few large files, keeps that
cheap; the files this writer lands past the budget are searched in a few merged runs,
:mod:`.overflow`).

Each events file's hashes are kept beside it, sorted, in its generation's ``_ids/`` folder
(:mod:`.sidecars`), so an ingest starts by reading 8 bytes an event instead of
hashing every id of the lake again. A sidecar is a cache: it is used only when whole (its
row count is the file's, its checksum holds) and written by this DuckDB's hash (a
fingerprint of the function); otherwise the file's ids are hashed again and the sidecar is
rewritten (the writer lock is held). Compaction writes the sidecars of the files it
writes (:mod:`.compact`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.overflow import Overflow
from journeylab.lake.sidecars import (
    IDS_BLOCK,
    ids_blocks,
    ids_whole,
    map_ids,
    read_ids,
    write_ids,
)
from journeylab.lake.sorted_runs import distinct, find, first_of_runs, held, mark_blocks

if TYPE_CHECKING:
    from journeylab.lake.layout import Layout

__all__ = ["IDS_MEMORY", "SeenIds", "found_in_files", "hash_fingerprint", "id_hashes"]

#: bytes of fingerprints an ingest holds (4 an id: 67M ids); beyond, the ids are probed in
#: the sidecars on disk (docs/lake.md, "Id sidecars")
IDS_MEMORY = 256 << 20

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


def hash_fingerprint(con: Any) -> int:
    """This DuckDB's hash of a fixed text: sidecars record the hash they were made by."""
    return int(con.execute(_FINGERPRINT).fetchall()[0][0])


def id_hashes(con: Any, ids: pa.Array) -> np.ndarray:
    """DuckDB's 64-bit hash of each id."""
    con.register("jl_ids", pa.table({"event_id": ids}))
    try:
        got = con.sql(_HASH).to_arrow_table()["h"].combine_chunks()
    finally:
        con.unregister("jl_ids")
    return got.to_numpy(zero_copy_only=False).astype(np.uint64)


class SeenIds:
    """The ids of a lake, as fingerprints of their hashes (one thread uses it: the commit's).

    The fingerprints are split by their hashes' top bits into :data:`BUCKETS` buckets, each
    a few sorted runs of the hashes' low 32 bits (:func:`fingerprints`), merged like a
    binary counter (a run is merged into the one before while that is no larger), so an
    ingest probes a few runs per bucket whatever its size, and a merge copies one bucket,
    never the whole set: memory stays 4 bytes an id, with no transient copy of it — up to
    its budget (``memory``); the ids of the files past it are probed on disk.
    """

    def __init__(
        self,
        con: Any,
        layout: Layout | None,
        files: Sequence[str],
        rows: Sequence[int],
        memory: int | None = None,
    ) -> None:
        """``files`` hold ``rows`` events each (from their footers): their hashes, from
        their sidecars (or, without a usable one, hashed again and the sidecar rewritten
        when ``layout`` is given), one file at a time, their fingerprints gathered per
        bucket; each bucket then becomes one sorted run (4 bytes an event, no other copy
        but one file's hashes and one bucket's merge).

        Fingerprints are held up to ``memory`` bytes (None: :data:`IDS_MEMORY`); the files
        past it (when ``layout`` is given) have their sidecars checked whole instead, and
        each chunk's hashes are probed in them, read block by block (:meth:`on_disk`):
        memory stays bounded at any lake size, and a chunk reads 8 bytes an event of the
        lake past the budget."""
        self.con, self.layout = con, layout
        self.memory = IDS_MEMORY if memory is None else memory
        self._fingerprint: int | None = None
        #: the rows of each events file known to this ingest (its sidecar must hold as many)
        self.rows: dict[str, int] = dict(zip(files, rows, strict=True))
        self.buckets: list[list[np.ndarray]] = [[] for _ in range(BUCKETS)]
        self.held = 0  # fingerprints held
        self.in_memory: set[str] = set()  # the files whose fingerprints are held
        #: the lake's files past the budget when the ingest started (they never change
        #: while it holds the writer lock: :meth:`lake_on_disk` may search them early)
        self.started_on_disk: list[str] = []
        #: the files this writer lands past the budget, their hashes merged in a few runs
        self.overflow = Overflow(layout.tmp_dir) if layout is not None else None
        pieces: list[list[np.ndarray]] = [[] for _ in range(BUCKETS)]
        buf = np.empty(0, np.uint64)
        # the smallest files held first: a file on disk costs a search per chunk id
        # whatever its size, so the budget is best spent on many small files
        for n, path in sorted(zip(rows, files, strict=True)):
            disk = layout is not None and 4 * (self.held + n) > self.memory
            if disk and len(buf) < IDS_BLOCK:
                buf = np.empty(IDS_BLOCK, np.uint64)
            if disk and ids_whole(path, self.fingerprint, n, buf):
                self.started_on_disk.append(path)
                continue
            part = np.empty(n, np.uint64)
            if disk or not read_ids(path, self.fingerprint, part):
                self._hash_file(path, part)
                part.sort()
                if layout is not None:
                    write_ids(layout, path, part, self.fingerprint)
            if disk:
                self.started_on_disk.append(path)
                continue
            self.held += n
            self.in_memory.add(path)
            for bucket, piece in zip(pieces, _split(part), strict=True):
                if len(piece):
                    bucket.append(_low(piece))
        for runs, bucket in zip(self.buckets, pieces, strict=True):
            if bucket:
                run = np.concatenate(bucket) if len(bucket) > 1 else bucket[0]
                bucket.clear()
                run.sort()
                runs.append(run)

    @property
    def fingerprint(self) -> int:
        """This DuckDB's hash of a fixed text: sidecars record the hash they were made by."""
        if self._fingerprint is None:
            self._fingerprint = hash_fingerprint(self.con)
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
        """Which ``hashes`` have their fingerprint in some run (a superset of those the
        lake holds; probed in sorted order: cache-friendly)."""
        keys = fingerprints(hashes)
        order = np.argsort(keys)
        probes = keys[order]
        hit = np.zeros(len(hashes), bool)
        found = np.zeros(len(hashes), bool)
        lo = 0
        cuts = np.searchsorted(probes, _KEY_EDGES)
        for runs, part in zip(self.buckets, np.split(probes, cuts), strict=True):
            hi = lo + len(part)
            if runs and len(part):
                low = part.astype(np.uint32)  # the fingerprints (the bucket dropped)
                first = first_of_runs(low)  # sorted: repeats dropped
                values = low[first]
                got = np.zeros(len(values), bool)
                for run in runs:
                    find(run, values, got)
                found[lo:hi] = got[np.cumsum(first) - 1]
            lo = hi
        hit[order] = found
        return hit

    def lake_on_disk(self, probe: np.ndarray) -> tuple[np.ndarray, list[str]] | None:
        """:meth:`on_disk` over the lake's files past the budget when the ingest started
        (None: there are none). Those files do not change while the ingest runs, so a
        chunk is searched in them as soon as its ids are known, on another thread than
        the commit's (:meth:`~journeylab.lake.commit.Committer.prepare`); :meth:`known`
        then takes the answer as ``early``."""
        if not self.started_on_disk:
            return None
        return self.on_disk(probe, self.started_on_disk)

    def known(
        self,
        ids: pa.Array,
        hashes: np.ndarray,
        rows: np.ndarray,
        files: list[str],
        early: tuple[np.ndarray, list[str]] | None = None,
    ) -> np.ndarray:
        """Which of ``rows`` (of ``ids``, with their ``hashes``) the lake's ``files``
        hold: those whose fingerprint is found, narrowed by the full hashes in the files'
        sidecars, and those whose hash a sidecar on disk holds (:meth:`on_disk`; for the
        lake's files past the budget, ``early`` when given: :meth:`lake_on_disk` of the
        same rows), then checked exactly against the files that hold one."""
        probe = hashes[rows]
        on_disk = [f for f in files if f in self.rows and f not in self.in_memory]
        if early is not None:
            searched = set(self.started_on_disk)
            on_disk = [f for f in on_disk if f not in searched]
        overflow = self.overflow  # the files this writer landed past the budget: its runs
        if overflow is not None and overflow.files.issubset(files):
            on_disk = [f for f in on_disk if f not in overflow.files]
        else:  # (a file of them left the lake: another writer compacted) each searched
            overflow = None
        others = [f for f in files if f not in self.rows or f in self.in_memory]
        hit = self._hits(probe) if self.held else np.zeros(len(probe), bool)
        holding = self._holding(others, distinct(np.sort(probe[hit]))) if hit.any() else []
        if early is not None:
            hit |= early[0]
            holding += early[1]
        if on_disk:
            found_on_disk, holding_on_disk = self.on_disk(probe, on_disk)
            hit |= found_on_disk
            holding += holding_on_disk
        if overflow is not None and overflow.runs:
            found_spilled, holding_spilled = self.spilled(overflow, probe)
            hit |= found_spilled
            holding += holding_spilled
        if not hit.any():
            return hit
        wanted = ids.take(pa.array(rows[hit]))
        found = found_in_files(self.con, holding, wanted, "event_id")
        hit[hit] = pc.is_in(wanted, value_set=found).to_numpy(zero_copy_only=False)
        return hit

    def on_disk(self, hashes: np.ndarray, files: list[str]) -> tuple[np.ndarray, list[str]]:
        """Which ``hashes`` some file's sidecar holds, and the files the exact check reads:
        those whose sidecar holds one, and those without a usable sidecar (then every hash
        is a candidate). Each sidecar is read once, block by block (:data:`IDS_BLOCK`
        hashes of memory), and each block searched for the chunk's hashes in its range."""
        order, first, probes = _distinct_order(hashes)
        found = np.zeros(len(probes), bool)
        holding, blind = [], False
        buf = np.empty(IDS_BLOCK, np.uint64)
        for path in files:
            blocks = ids_blocks(path, self.fingerprint, self.rows.get(path), buf)
            if blocks is None:
                holding.append(path)
                blind = True
                continue
            if mark_blocks(blocks, probes, found):
                holding.append(path)
        if blind:
            return np.ones(len(hashes), bool), holding
        return _per_hash(order, first, found), holding

    def spilled(self, overflow: Overflow, hashes: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """:meth:`on_disk` over the files this writer landed past the budget, searched in
        their merged runs (``overflow``): which ``hashes`` they hold, and the files the
        exact check reads (those whose sidecar holds one of the hashes found)."""
        order, first, probes = _distinct_order(hashes)
        found = overflow.search(probes)
        holding = self._holding(sorted(overflow.files), probes[found]) if found.any() else []
        return _per_hash(order, first, found), holding

    def _holding(self, files: list[str], wanted: np.ndarray) -> list[str]:
        """Of ``files``, those whose sidecar holds one of the ``wanted`` hashes, or that
        have no usable sidecar of their known row count: the exact check reads only them,
        not the whole lake. The sidecars are mapped, not read: a few pages each."""
        out = []
        for path in files:
            body = map_ids(path, self.fingerprint, self.rows.get(path))
            if body is None:
                out.append(path)
            elif held(body, wanted).any():
                out.append(path)
        return out

    def close(self) -> None:
        """Free the disk space of the runs of the files landed past the budget."""
        if self.overflow is not None:
            self.overflow.close()

    def add(self, hashes: np.ndarray, events_file: str | Path | None = None) -> None:
        """Remember the hashes of ids just committed (each bucket's part a new run), and
        write the sidecar of the ``events_file`` that holds them."""
        if not len(hashes):
            return
        ordered = np.sort(hashes)
        if events_file is not None and self.layout is not None:
            self.rows[str(events_file)] = len(ordered)
            write_ids(self.layout, events_file, ordered, self.fingerprint)
            if 4 * (self.held + len(ordered)) > self.memory:  # past the budget: on disk
                if self.overflow is not None:
                    self.overflow.add(str(events_file), ordered)
                return
            self.in_memory.add(str(events_file))
        self.held += len(ordered)
        for runs, part in zip(self.buckets, _split(ordered), strict=True):
            if not len(part):
                continue
            run = np.sort(_low(part))  # a new array: the chunk's is freed
            while len(runs) > 1 and len(runs[-1]) <= len(run):
                run = np.concatenate((runs.pop(), run))
                run.sort(kind="stable")  # two sorted runs: a linear merge
            runs.append(run)


def _distinct_order(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``hashes`` sorted (their order), which are the first of their repeats, and the
    sorted distinct values (np.unique's hashing took 30x longer); the order and the firsts
    give each hash its place among the distinct ones (searching each hash again took 170 ms
    a chunk)."""
    order = np.argsort(hashes)
    ordered = hashes[order]
    first = first_of_runs(ordered)
    return order, first, ordered[first]


def _per_hash(order: np.ndarray, first: np.ndarray, found: np.ndarray) -> np.ndarray:
    """``found`` of the distinct hashes (:func:`_distinct_order`), given to each hash."""
    out = np.empty(len(order), bool)
    out[order] = found[np.cumsum(first) - 1]
    return out


#: buckets of hashes, by their top bits
BUCKET_BITS = 8
BUCKETS = 1 << BUCKET_BITS
_EDGES = np.arange(1, BUCKETS, dtype=np.uint64) << np.uint64(64 - BUCKET_BITS)
#: a fingerprint keeps the hash's low bits under this mask (tests narrow it to force
#: collisions), beside its bucket
FINGERPRINT_MASK = 0xFFFFFFFF
_KEY_EDGES = np.arange(1, BUCKETS, dtype=np.uint64) << np.uint64(32)


def fingerprints(hashes: np.ndarray) -> np.ndarray:
    """Each hash's bucket (its top bits) above its fingerprint (its low 32 bits, masked):
    sorting these sorts by bucket, then by the fingerprint a run holds."""
    top = hashes >> np.uint64(64 - BUCKET_BITS)
    return (top << np.uint64(32)) | (hashes & np.uint64(FINGERPRINT_MASK))


def _low(hashes: np.ndarray) -> np.ndarray:
    """The fingerprints runs hold: the hashes' low 32 bits, masked."""
    return (hashes & np.uint64(FINGERPRINT_MASK)).astype(np.uint32)


def _split(ordered: np.ndarray) -> list[np.ndarray]:
    """Sorted ``ordered`` hashes cut into their buckets (views)."""
    return np.split(ordered, np.searchsorted(ordered, _EDGES))
