"""Where ingest's blocks come from: JSON lines in blocks (validated in-process or by worker
processes, results in input order) and the other formats record by record."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from journeylab.lake.batch import Block, Reject, events_table, validate_block
from journeylab.lake.fast import fast_block, line_chunks
from journeylab.lake.model import Rejection, Validator
from journeylab.lake.readers import open_input, raw_text, read_records

__all__ = [
    "BLOCK_BYTES",
    "BLOCK_ROWS",
    "FAST",
    "FAST_MIN_BYTES",
    "PARALLEL_MIN_BYTES",
    "WORKERS",
    "blocks",
    "worker_pool",
]

#: Records validated together (one task for a worker process) when chunks are small ...
BLOCK_ROWS = 50_000
#: ... and bytes read at once otherwise (about 60k typical events).
BLOCK_BYTES = 8 * 1024 * 1024
#: JSONL inputs at least this large are validated by worker processes.
PARALLEL_MIN_BYTES = int(os.environ.get("JOURNEYLAB_INGEST_PARALLEL_MIN_BYTES", 64 * 1024 * 1024))
#: Worker processes (JOURNEYLAB_INGEST_WORKERS; 0 or 1 = validate in-process).
WORKERS = int(os.environ.get("JOURNEYLAB_INGEST_WORKERS", min(2, os.cpu_count() or 1)))
#: JSON lines through the compiled scanner, chunks committed in two stages (lake/fast.py,
#: lake/commit.py; JOURNEYLAB_INGEST_FAST=0 turns it off) ...
FAST = os.environ.get("JOURNEYLAB_INGEST_FAST", "1") != "0"
#: ... for ingests of at least this many input bytes: numba compiles the scanner once
#: (about 25 s, then cached on disk), which a small input would not earn back.
FAST_MIN_BYTES = int(os.environ.get("JOURNEYLAB_INGEST_FAST_MIN_BYTES", 32 * 1024 * 1024))
#: Blocks in flight per worker: workers keep validating while the main process writes.
IN_FLIGHT = 4


@contextlib.contextmanager
def worker_pool(parallel: bool) -> Iterator[Any]:
    """Worker processes for big JSONL inputs (fork: they inherit the loaded modules)."""
    if not parallel:
        yield None
        return
    pool = multiprocessing.get_context("fork").Pool(WORKERS)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def _record_blocks(
    path: Path, fmt: str, recv_us: int, on_bytes: Callable[[int], None], block_rows: int
) -> Iterator[Block]:
    """Non-JSONL formats: records one by one through the Validator, grouped in blocks."""
    val, records = Validator(recv_us), 0
    rejects: list[Reject] = []

    def flush() -> Block:
        table = events_table(val.event_id, val.user_id, val.name, val.event_at, recv_us, val.data)
        return Block(table, rejects, records, val.naive_timestamps, val.unknown_fields)

    for no, raw, obj in read_records(path, fmt, on_bytes):
        records += 1
        try:
            if isinstance(obj, Rejection):
                raise obj
            val.add(obj)
        except Rejection as rej:
            rejects.append((no, raw_text(raw), rej.reason, rej.detail))
        if records >= block_rows:
            yield flush()
            val, rejects, records = Validator(recv_us), [], 0
    yield flush()


def _line_blocks(
    path: Path, block_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[tuple[bytes, int]]:
    """JSONL: (block of whole lines, number of its first line).

    Small chunks (tests, the crash test) cut blocks at ``block_rows`` lines; big ones read
    BLOCK_BYTES at a time and cut at the last newline, which costs nothing per line.
    """
    with open_input(path, 0 if block_rows >= BLOCK_ROWS else 1 << 20) as fh:
        first = 1
        if block_rows < BLOCK_ROWS:
            while lines := list(islice(fh, block_rows)):
                block = b"".join(lines)
                if not block.endswith(b"\n"):
                    block += b"\n"
                on_bytes(len(block))
                yield block, first
                first += len(lines)
            return
        rest = b""
        while True:
            data = fh.read(BLOCK_BYTES)
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a block: keep reading
                rest = data
                continue
            block, rest = data[:cut], data[cut:]
            on_bytes(len(block))
            yield block, first
            first += block.count(b"\n")
        if rest:
            on_bytes(len(rest))
            yield rest + b"\n", first


def _jsonl_blocks(
    path: Path,
    recv_us: int,
    on_bytes: Callable[[int], None],
    block_rows: int,
    pool: Any | None,
) -> Iterator[Block]:
    if pool is not None and block_rows >= BLOCK_ROWS and _plain_file(path):
        yield from _range_blocks(path, recv_us, on_bytes, pool)
        return
    blocks = _line_blocks(path, block_rows, on_bytes)
    if pool is None:
        for block, first in blocks:
            yield validate_block(block, first, recv_us)
        return
    # at most a few blocks in flight: bounded memory, results in input order
    pending: deque[Any] = deque()
    for block, first in blocks:
        pending.append(pool.apply_async(validate_block, (block, first, recv_us)))
        if len(pending) > IN_FLIGHT * WORKERS:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _plain_file(path: Path) -> bool:
    with open_input(path) as fh:
        return isinstance(fh, io.BufferedReader)  # not decompressed: byte ranges can be read


def _range_blocks(
    path: Path, recv_us: int, on_bytes: Callable[[int], None], pool: Any
) -> Iterator[Block]:
    """Big plain JSONL files: each worker reads its own byte range (the main process neither
    reads nor ships the bytes) and numbers its lines from 1; the main process shifts the
    record numbers of the rejects by the lines of the ranges before, in input order."""
    size = path.stat().st_size
    pending: deque[Any] = deque()
    first = 1

    def take() -> Block:
        nonlocal first
        block, newlines, nbytes = pending.popleft().get()
        if first != 1:
            block.rejects = [(no + first - 1, *rest) for no, *rest in block.rejects]
        first += newlines
        on_bytes(nbytes)
        return block

    for start in range(0, size, BLOCK_BYTES):
        end = min(start + BLOCK_BYTES, size)
        pending.append(pool.apply_async(validate_range, (str(path), start, end, recv_us)))
        if len(pending) > IN_FLIGHT * WORKERS:
            yield take()
    while pending:
        yield take()


def validate_range(path: str, start: int, end: int, recv_us: int) -> tuple[Block, int, int]:
    """Validate the lines that start in bytes ``[start, end)`` of ``path`` (a line belongs
    to the range it starts in), numbered from 1. Returns the block, the number of newlines
    and of bytes read."""
    with open(path, "rb", buffering=0) as fh:
        pos = start
        if start > 0:  # skip the tail of a line that started in an earlier range
            fh.seek(start - 1)
            pos = start - 1 + len(_readline(fh))
        if pos >= end:
            return Block(events_table([], [], [], [], recv_us, [])), 0, 0
        fh.seek(pos)
        data = fh.read(end - pos)
        if not data.endswith(b"\n"):  # complete the last line
            data += _readline(fh)
    return validate_block(data, 1, recv_us), data.count(b"\n"), len(data)


def _readline(fh: Any) -> bytes:
    """The rest of the current line including its newline (unbuffered file: read in steps)."""
    parts = []
    while chunk := fh.read(1 << 16):
        cut = chunk.find(b"\n")
        if cut >= 0:
            parts.append(chunk[: cut + 1])
            break
        parts.append(chunk)
    return b"".join(parts)


def _fast_blocks(
    path: Path, recv_us: int, on_bytes: Callable[[int], None], chunk_rows: int
) -> Iterator[Block]:
    """JSON lines through the compiled scanner, one block per chunk of ``chunk_rows``
    lines."""
    first = 1
    with open_input(path, 0) as fh:
        for block in line_chunks(fh, chunk_rows, on_bytes):
            out = fast_block(block, first, recv_us)
            first += out.lines
            yield out


def blocks(
    path: Path,
    fmt: str,
    recv_us: int,
    on_bytes: Callable[[int], None],
    chunk_rows: int,
    pool: Any | None,
    fast: bool = False,
) -> Iterator[Block]:
    """The validated blocks of one input file, in input order. With ``fast``, JSON lines
    take the compiled scanner (whole chunks)."""
    block_rows = min(chunk_rows, BLOCK_ROWS)
    if fmt == "jsonl" and fast:
        return _fast_blocks(path, recv_us, on_bytes, chunk_rows)
    if fmt == "jsonl":
        return _jsonl_blocks(path, recv_us, on_bytes, block_rows, pool)
    return _record_blocks(path, fmt, recv_us, on_bytes, block_rows)
