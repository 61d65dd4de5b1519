"""Ingest: sources → validated chunks → de-duplicated, sorted Parquet files, atomically.

Each chunk commits one events file and one rejected file by rename. A killed ingest leaves
only whole files; running it again skips what landed (event ids and reject ids are checked
against the lake), so the lake ends equal to a clean run's.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from journeylab.engine import Engine
from journeylab.errors import InputError
from journeylab.lake import sources as feed
from journeylab.lake.batch import Block
from journeylab.lake.commit import Committer, Tally
from journeylab.lake.layout import Layout
from journeylab.lake.readers import detect_format
from journeylab.lake.scan import release_buffers
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
    tally = Tally()
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
    con = engine.local_duckdb()  # the commit's (one thread at a time): duplicates, user keys
    # the compiled scanner and the two-stage commit, for inputs worth the one-time compile
    compiled = feed.FAST and total_bytes >= feed.FAST_MIN_BYTES
    parallel = not compiled and feed.WORKERS > 1 and jsonl_bytes >= feed.PARALLEL_MIN_BYTES
    bulk = _bulk_malloc() if jsonl_bytes >= feed.PARALLEL_MIN_BYTES else contextlib.nullcontext()
    # the pool first: its workers must not inherit the lock's file descriptor
    with bulk, feed.worker_pool(parallel) as pool, layout.locked(), bar or contextlib.nullcontext():
        task = bar.add_task("ingest", total=total_bytes) if bar else None
        on_bytes: Callable[[int], None] = (
            (lambda n: bar.advance(task, n)) if bar and task is not None else (lambda n: None)
        )
        seen = SeenIds(con, layout.event_files()) if compiled else None
        committer = Committer(layout, con, recv_us, tally, seen, UserKeys(con, layout))
        try:
            for path, form in zip(sources, formats, strict=True):
                _ingest_one(path, form, recv_us, on_bytes, chunk_rows, pool, compiled, committer)
        finally:
            committer.close()
            release_buffers()  # the scanner's reusable buffers (~240 bytes per line)
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
    fast: bool,
    committer: Committer,
) -> None:
    source = path.name
    pending: list[Block] = []
    size = 0
    for block in feed.blocks(path, fmt, recv_us, on_bytes, chunk_rows, pool, fast):
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
