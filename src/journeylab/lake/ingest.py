"""Ingest: sources → validated chunks → de-duplicated, sorted Parquet files, atomically.

Each chunk commits one events file and one rejected file by rename. A killed ingest leaves
only whole files; running it again skips what landed (event ids and reject ids are checked
against the lake), so the lake ends equal to a clean run's.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from journeylab.engine import Engine
from journeylab.errors import InputError
from journeylab.lake import sources as feed
from journeylab.lake.batch import Block
from journeylab.lake.layout import REJECTED_SCHEMA, Layout
from journeylab.lake.readers import detect_format
from journeylab.lake.scan_order import lake_order
from journeylab.lake.seen import SeenIds
from journeylab.lake.userkeys import UserKeys
from journeylab.times import from_us, to_us

__all__ = ["IngestReport", "ingest_paths", "CHUNK_ROWS"]

CHUNK_ROWS = 1_000_000
PROGRESS_MIN_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did. ``records == accepted + duplicates + rejected``."""

    records: int
    accepted: int
    duplicates: int
    rejected: int
    rejected_by_reason: dict[str, int]
    naive_timestamps: int
    unknown_fields: int
    first_event_at: datetime | None
    last_event_at: datetime | None
    sources: tuple[str, ...]
    files_written: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "naive_timestamps": self.naive_timestamps,
            "unknown_fields": self.unknown_fields,
            "first_event_at": _iso(self.first_event_at),
            "last_event_at": _iso(self.last_event_at),
            "sources": list(self.sources),
            "files_written": self.files_written,
            "seconds": round(self.seconds, 3),
        }

    def chart(self) -> Any:
        """Bar chart: accepted, duplicates and each rejection reason."""
        from journeylab.charts.ingest import ingest_chart

        return ingest_chart(self)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass
class _Tally:
    records: int = 0
    accepted: int = 0
    duplicates: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    naive: int = 0
    unknown: int = 0
    first: int | None = None
    last: int | None = None
    files: int = 0


def ingest_paths(
    layout: Layout,
    engine: Engine,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    received_at: datetime | None = None,
    progress: bool | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestReport:
    started = time.perf_counter()
    sources = [Path(p) for p in paths]
    formats = [detect_format(p, fmt) for p in sources]
    for p in sources:
        if not p.is_file():
            raise InputError(
                f"Invalid value for PATH: {str(p)!r} does not exist or is not a file. "
                "Nothing was ingested; check the path."
            )
    layout.check_ingest_version()
    recv = received_at or datetime.now(UTC)
    if recv.tzinfo is None:
        recv = recv.replace(tzinfo=UTC)
    recv_us = to_us(recv)
    total_bytes = sum(p.stat().st_size if p.is_file() else 0 for p in sources)
    show = (
        progress
        if progress is not None
        else (total_bytes >= PROGRESS_MIN_BYTES and sys.stderr.isatty())
    )
    tally = _Tally()
    bar = (
        Progress(
            *Progress.get_default_columns()[:1],
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        if show
        else None
    )
    jsonl_bytes = sum(
        p.stat().st_size for p, f in zip(sources, formats, strict=True) if f == "jsonl"
    )
    # the fast path parses on its own cursor while the previous chunk commits on ``con``
    con = engine.local_duckdb()  # the commit thread's: hashed ids, user keys
    parse_con = engine.local_duckdb(cursor=True) if feed.FAST else None
    parallel = not feed.FAST and feed.WORKERS > 1 and jsonl_bytes >= feed.PARALLEL_MIN_BYTES
    bulk = _bulk_malloc() if jsonl_bytes >= feed.PARALLEL_MIN_BYTES else contextlib.nullcontext()
    # the pool first: its workers must not inherit the lock's file descriptor
    with bulk, feed.worker_pool(parallel) as pool, layout.locked(), bar or contextlib.nullcontext():
        task = bar.add_task("ingest", total=total_bytes) if bar else None
        on_bytes: Callable[[int], None] = (
            (lambda n: bar.advance(task, n)) if bar and task is not None else (lambda n: None)
        )
        seen = SeenIds(con, layout.event_files()) if feed.FAST else None
        committer = _Committer(layout, engine, recv_us, tally, seen, UserKeys(con, layout))
        try:
            for path, form in zip(sources, formats, strict=True):
                _ingest_one(path, form, recv_us, on_bytes, chunk_rows, pool, parse_con, committer)
        finally:
            committer.close()
    return IngestReport(
        records=tally.records,
        accepted=tally.accepted,
        duplicates=tally.duplicates,
        rejected=sum(tally.reasons.values()),
        rejected_by_reason=dict(tally.reasons),
        naive_timestamps=tally.naive,
        unknown_fields=tally.unknown,
        first_event_at=_dt(tally.first),
        last_event_at=_dt(tally.last),
        sources=tuple(str(p) for p in sources),
        files_written=tally.files,
        seconds=time.perf_counter() - started,
    )


@contextlib.contextmanager
def _bulk_malloc() -> Iterator[None]:
    """glibc: keep freed memory for reuse during a big ingest instead of unmapping and
    faulting it in again for every chunk (a sixth of the wall time on the 10M benchmark);
    give it back at the end. A no-op where glibc is not the allocator."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        yield
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's maximum
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    try:
        yield
    finally:
        mallopt(_M_TRIM_THRESHOLD, 128 << 10)  # glibc's default
        trim(0)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _dt(us: int | None) -> datetime | None:
    return None if us is None else from_us(us)


def _ingest_one(
    path: Path,
    fmt: str,
    recv_us: int,
    on_bytes: Callable[[int], None],
    chunk_rows: int,
    pool: Any | None,
    con: Any | None,
    committer: _Committer,
) -> None:
    source = path.name
    pending: list[Block] = []
    size = 0
    for block in feed.blocks(path, fmt, recv_us, on_bytes, chunk_rows, pool, con):
        committer.tally.records += block.records
        if block.chunk:  # a whole chunk already (the fast path)
            committer.submit(source, [*pending, block])
            pending, size = [], 0
            continue
        pending.append(block)
        size += block.records
        if size >= chunk_rows:
            committer.submit(source, pending)
            pending, size = [], 0
    committer.submit(source, pending)


class _Committer:
    """Commits chunks one at a time, in input order, on a background thread: the next
    chunk is parsed (DuckDB, on its own cursor) while this one is sorted and written."""

    def __init__(
        self,
        layout: Layout,
        engine: Engine,
        recv_us: int,
        tally: _Tally,
        seen: SeenIds | None,
        users: UserKeys,
    ) -> None:
        self.layout, self.engine, self.recv_us = layout, engine, recv_us
        self.tally, self.seen, self.users = tally, seen, users
        self.pool = ThreadPoolExecutor(max_workers=1) if seen is not None else None
        self.running: Future[None] | None = None

    def submit(self, source: str, blocks: list[Block]) -> None:
        if not blocks:
            return
        args: tuple[Any, ...] = (self.layout, self.engine, source, blocks, self.recv_us)
        args += (self.tally, self.seen, self.users)
        if self.pool is None:
            _commit(*args)
            return
        self.wait()
        self.running = self.pool.submit(_commit, *args)

    def wait(self) -> None:
        if self.running is not None:
            running, self.running = self.running, None
            running.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)


def _commit(
    layout: Layout,
    engine: Engine,
    source: str,
    blocks: list[Block],
    recv_us: int,
    tally: _Tally,
    seen: SeenIds | None = None,
    users: UserKeys | None = None,
) -> None:
    """Land one chunk: its new events in one file, then its new rejects in one file."""
    tally.naive += sum(b.naive for b in blocks)
    tally.unknown += sum(b.unknown for b in blocks)
    tables = [b.events for b in blocks if b.events.num_rows]
    tally.duplicates += sum(b.duplicates for b in blocks)
    if tables:
        events = pa.concat_tables(tables).combine_chunks()
        if seen is None:
            keep = _new_mask(engine, layout.event_files(), events, "event_id", "events_existing")
        else:  # every chunk, whichever path parsed it, is checked against the hashed ids
            fast = len(blocks) == 1 and blocks[0].chunk
            first = blocks[0].first if fast else _first_mask(events["event_id"])
            keep = seen.new_mask(events["event_id"].combine_chunks(), layout.event_files())
            if first is not None:
                keep = first if keep is None else pc.and_(first, keep)
        kept = len(events) if keep is None else pc.sum(keep).as_py() or 0
        tally.duplicates += len(events) - kept
        tally.accepted += kept
        if kept:
            order = lake_order(events)
            if keep is not None:  # drop the duplicates while sorting: one take, no filter
                order = order.filter(keep.take(order))
            fresh = events.take(order)
            ats = fresh["event_at"].cast(pa.int64())
            lo, hi = pc.min(ats).as_py(), pc.max(ats).as_py()
            tally.first = lo if tally.first is None else min(tally.first, lo)
            tally.last = hi if tally.last is None else max(tally.last, hi)
            if users is not None:  # a key collision is recorded before the file lands
                users.check(fresh)
            layout.write_parquet(fresh, layout.events_dir, _stem(fresh["event_id"]))
            tally.files += 1
            if seen is not None:
                seen.add(fresh["event_id"])
    rejects = [r for b in blocks for r in b.rejects]
    if rejects:
        for _, _, reason, _ in rejects:
            tally.reasons[reason] += 1
        table = pa.table(
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
        fresh = _new_rows(engine, layout.rejected_files(), table, "reject_id", "rejected_existing")
        if len(fresh):
            layout.write_parquet(fresh, layout.rejected_dir, _stem(fresh["reject_id"]))
            tally.files += 1


def _new_rows(engine: Engine, files: list[str], batch: pa.Table, key: str, view: str) -> pa.Table:
    """Rows of ``batch`` whose ``key`` is new: first occurrence in the batch, absent from files."""
    keep = _new_mask(engine, files, batch, key, view)
    return batch if keep is None else batch.filter(keep)


def _new_mask(
    engine: Engine, files: list[str], batch: pa.Table, key: str, view: str
) -> pa.BooleanArray | None:
    """Which rows of ``batch`` have a new ``key`` (first occurrence in the batch, absent from
    files); None when all of them do."""
    keep = _first_mask(batch[key])
    if not files:
        return keep
    existing = engine.table(view, files, batch.schema)
    keys = batch.select([key])
    candidates = ibis.memtable(keys if keep is None else keys.filter(keep))
    hits = existing.select(key).semi_join(candidates, key).distinct()
    found = engine.to_polars(hits)[key].to_list()
    if not found:
        return keep
    new = pc.invert(pc.is_in(batch[key], value_set=pa.array(found, pa.string())))
    return new if keep is None else pc.and_(keep, new)


def _first_mask(keys: pa.ChunkedArray) -> pa.BooleanArray | None:
    """First occurrence of each key (first wins); None when every key is distinct."""
    first = pl.from_arrow(keys).is_first_distinct()  # type: ignore[union-attr]
    return None if first.all() else first.to_arrow()


def _stem(ids: pa.ChunkedArray) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for chunk in ids.chunks:
        digest.update(chunk.buffers()[2] or b"")
    return f"part-{int(time.time() * 1000):013d}-{digest.hexdigest()}"


def _reject_id(source: str, record: int, raw: str) -> str:
    payload = f"{source}\x00{record}\x00{raw}".encode("utf-8", errors="backslashreplace")
    return hashlib.blake2b(payload, digest_size=16).hexdigest()
