"""Committing validated chunks: de-duplicate, order, check user keys, write — in two stages.

The *prepare* stage (one background thread; the only user of the ingest's DuckDB
connection, ``Engine.local_duckdb()``) drops repeats (first wins, within the chunk and against the lake), orders the
rows the lake's way, checks the user keys and builds the rejects table. The *write* stage
(a second thread) writes the chunk's events file, then its rejected file, each atomically.
Writes run in chunk order, at most one behind: while chunk N is written, chunk N+1 is
prepared, and its exact duplicate check sees chunk N's ids as well as the lake's files.
Without the fast path (``seen is None``) everything runs inline, as the reference.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.batch import Block
from journeylab.lake.layout import REJECTED_SCHEMA, Layout
from journeylab.lake.scan import event_id_hashes
from journeylab.lake.scan_order import lake_order
from journeylab.lake.seen import SeenIds, found_in_files
from journeylab.lake.userkeys import UserKeys

__all__ = ["Committer", "Tally"]


@dataclass
class Tally:
    records: int = 0
    accepted: int = 0
    duplicates: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    naive: int = 0
    unknown: int = 0
    first: int | None = None
    last: int | None = None
    files: int = 0


class Committer:
    """Commits chunks in input order: prepared on one background thread, written on
    another (see the module docstring); inline when ``seen`` is None."""

    def __init__(
        self,
        layout: Layout,
        con: Any,
        recv_us: int,
        tally: Tally,
        seen: SeenIds | None,
        users: UserKeys,
    ) -> None:
        self.layout, self.con, self.recv_us = layout, con, recv_us
        self.tally, self.seen, self.users = tally, seen, users
        staged = seen is not None
        self.pool = ThreadPoolExecutor(max_workers=1) if staged else None
        self.writer = ThreadPoolExecutor(max_workers=1) if staged else None
        self.running: Future[None] | None = None
        self.writing: Future[None] | None = None

    def submit(self, source: str, blocks: list[Block]) -> None:
        if not blocks:
            return
        if self.pool is None:
            self._write(self._prepare(source, blocks))
            return
        self._wait_prepare()
        self.running = self.pool.submit(self._stage, source, blocks)

    def _stage(self, source: str, blocks: list[Block]) -> None:
        """On the prepare thread: prepare, then hand the writes over once the previous
        chunk's are done (so at most one chunk is pending)."""
        job = self._prepare(source, blocks)
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()
        if self.seen is not None:
            self.seen.pending = job.ids
        assert self.writer is not None
        self.writing = self.writer.submit(self._write, job)

    def _wait_prepare(self) -> None:
        if self.running is not None:
            running, self.running = self.running, None
            running.result()

    def wait(self) -> None:
        self._wait_prepare()
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            for pool in (self.pool, self.writer):
                if pool is not None:
                    pool.shutdown(wait=True)

    # -- the two stages ----------------------------------------------------------------
    def _prepare(self, source: str, blocks: list[Block]) -> _Job:
        layout, tally, seen = self.layout, self.tally, self.seen
        tally.naive += sum(b.naive for b in blocks)
        tally.unknown += sum(b.unknown for b in blocks)
        tally.duplicates += sum(b.duplicates for b in blocks)
        job = _Job(layout)
        tables = [b.events for b in blocks if b.events.num_rows]
        if tables:
            events = pa.concat_tables(tables).combine_chunks()
            ids = events["event_id"].combine_chunks()
            hashes: np.ndarray | None = None
            if seen is None:
                keep = _new_mask(self.con, layout.event_files(), events, "event_id")
            else:  # every chunk, whichever path parsed it, is checked against the hashes
                fast = len(blocks) == 1 and blocks[0].chunk
                hashes = blocks[0].hashes if fast else None
                if hashes is None:
                    hashes = event_id_hashes(ids)
                first = blocks[0].first if fast else _first_mask(events["event_id"])
                keep = seen.new_mask(ids, hashes, layout.event_files())
                if first is not None:
                    keep = first if keep is None else pc.and_(first, keep)
            kept = len(events) if keep is None else pc.sum(keep).as_py() or 0
            tally.duplicates += len(events) - kept
            tally.accepted += kept
            if kept:
                order = lake_order(events)
                if keep is not None:  # drop the duplicates while sorting: one take
                    order = order.filter(keep.take(order))
                rows = None if keep is None else keep.to_numpy(zero_copy_only=False)
                ats = events["event_at"].combine_chunks().cast(pa.int64()).to_numpy()
                ats = ats if rows is None else ats[rows]
                lo, hi = int(ats.min()), int(ats.max())
                tally.first = lo if tally.first is None else min(tally.first, lo)
                tally.last = hi if tally.last is None else max(tally.last, hi)
                users = events.select(["user_id"])
                # a key collision is recorded before the file lands
                self.users.check(users if keep is None else users.filter(keep))
                job.events, job.order = events, order  # the writer takes the rows in order
                if seen is not None and hashes is not None:
                    kept_hashes = hashes if rows is None else hashes[rows]
                    seen.add(kept_hashes)
                    job.stem = _stem_of_hashes(kept_hashes)
                # the chunk's ids (repeats included: their first copies land or are landed)
                job.ids = ids
        rejects = [r for b in blocks for r in b.rejects]
        if rejects:
            for _, _, reason, _ in rejects:
                tally.reasons[reason] += 1
            table = _rejects_table(source, rejects, self.recv_us)
            keep = _new_mask(self.con, layout.rejected_files(), table, "reject_id")
            job.rejects = table if keep is None else table.filter(keep)
        return job

    def _write(self, job: _Job) -> None:
        """On the write thread (or inline): the events file, then the rejected file."""
        layout = self.layout
        if job.events is not None:
            events = job.events if job.order is None else job.events.take(job.order)
            stem = job.stem or _stem(events["event_id"])
            layout.write_parquet(events, layout.events_dir, stem)
            self.tally.files += 1
        if job.rejects is not None and len(job.rejects):
            layout.write_parquet(job.rejects, layout.rejected_dir, _stem(job.rejects["reject_id"]))
            self.tally.files += 1


@dataclass
class _Job:
    layout: Layout
    events: pa.Table | None = None
    order: pa.Array | None = None
    ids: pa.Array | None = None
    stem: str | None = None
    rejects: pa.Table | None = None


def _rejects_table(source: str, rejects: list[Any], recv_us: int) -> pa.Table:
    return pa.table(
        {
            "reject_id": [_reject_id(source, no, raw) for no, raw, _, _ in rejects],
            "source": [source] * len(rejects),
            "record": [no for no, _, _, _ in rejects],
            "raw": [raw for _, raw, _, _ in rejects],
            "reason": [r for _, _, r, _ in rejects],
            "detail": [d for _, _, _, d in rejects],
            "received_at": pa.array([recv_us] * len(rejects), pa.int64()).cast(
                pa.timestamp("us", tz="UTC")
            ),
        },
        schema=REJECTED_SCHEMA,
    )


def _new_mask(con: Any, files: list[str], batch: pa.Table, key: str) -> pa.BooleanArray | None:
    """Which rows of ``batch`` have a new ``key`` (first occurrence in the batch, absent from
    files); None when all of them do."""
    keep = _first_mask(batch[key])
    keys = batch[key].combine_chunks()
    found = found_in_files(con, files, keys if keep is None else keys.filter(keep), key)
    if not len(found):
        return keep
    new = pc.invert(pc.is_in(batch[key], value_set=found))
    return new if keep is None else pc.and_(keep, new)


def _first_mask(keys: pa.ChunkedArray) -> pa.BooleanArray | None:
    """First occurrence of each key (first wins); None when every key is distinct."""
    first = pl.from_arrow(keys).is_first_distinct()  # type: ignore[union-attr]
    return None if first.all() else first.to_arrow()


def _name(digest: Callable[[], str]) -> str:
    return f"part-{int(time.time() * 1000):013d}-{digest()}"


def _stem(ids: pa.ChunkedArray) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for chunk in ids.chunks:
        digest.update(chunk.buffers()[2] or b"")
    return _name(digest.hexdigest)


def _stem_of_hashes(hashes: np.ndarray) -> str:
    """A file name from the rows' id hashes (8 bytes a row instead of the ids' text)."""
    return _name(hashlib.blake2b(hashes.tobytes(), digest_size=10).hexdigest)


def _reject_id(source: str, record: int, raw: str) -> str:
    payload = f"{source}\x00{record}\x00{raw}".encode("utf-8", errors="backslashreplace")
    return hashlib.blake2b(payload, digest_size=16).hexdigest()
