"""JSON lines through the compiled scanner: the ingest fast path (docs/adr/0002-ingest-fast-path.md).

A chunk of lines is scanned by :func:`~.scan.scan_block` (numba, all cores, no per-line
Python), which takes only the lines whose result it can prove equal to
:class:`~.model.Validator`'s (the rules are in :mod:`~.scan_kernel`). Every other line
goes to the Python path (msgspec's typed decode, then the record-by-record Validator,
which names the reason). The two paths are held equal by tests/test_ingest_scan.py and
tests/test_ingest_fast.py.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
from collections.abc import Callable, Iterator
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.batch import Block, validate_lines
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.lake.scan import repeated_rows, scan_block

__all__ = ["fast_block", "line_chunks"]

#: chunks of at least this many rows are cut by bytes
BYTES_FROM_ROWS = 50_000
_TS = pa.timestamp("us", tz="UTC")


def line_chunks(
    fh: BinaryIO, lines: int, on_bytes: Callable[[int], None]
) -> Iterator[bytes | memoryview]:
    """Blocks of whole lines (the last may lack its newline): exactly ``lines`` lines each
    when that is small (tests), else about ``lines`` typical (128-byte) lines, cut at the
    last newline of a read — no per-line work."""
    if lines >= BYTES_FROM_ROWS:
        size = lines * 128
        mapped = _mapped(fh)
        if mapped is not None:  # a plain file: views of its pages, no copies
            yield from _mapped_chunks(mapped, size, on_bytes)
            return
        rest = b""
        while data := fh.read(size):
            data = rest + data if rest else data
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a read: keep reading
                rest = data
                continue
            rest = data[cut:]
            on_bytes(cut)
            yield data[:cut] if rest else data
        if rest:
            on_bytes(len(rest))
            yield rest
        return
    pieces: list[bytes] = []
    count = 0
    while data := fh.read(max(1 << 16, lines * 256)):
        pieces.append(data)
        count += data.count(b"\n")
        if count < lines:
            continue
        buf = b"".join(pieces)
        ends = np.flatnonzero(np.frombuffer(buf, np.uint8) == 10)
        start, idx = 0, lines - 1
        while idx < len(ends):
            cut = int(ends[idx]) + 1
            on_bytes(cut - start)
            yield buf[start:cut]
            start, idx = cut, idx + lines
        pieces, count = [buf[start:]], len(ends) - (idx - lines + 1)
    tail = b"".join(pieces)
    if tail:
        on_bytes(len(tail))
        yield tail


def _mapped(fh: BinaryIO) -> mmap.mmap | None:
    """The file behind ``fh`` mapped read-only, when it is a plain, non-empty file (not a
    decompressing stream)."""
    if not isinstance(fh, io.FileIO | io.BufferedReader):
        return None
    try:
        if not os.fstat(fh.fileno()).st_size:
            return None
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


def _mapped_chunks(
    mapped: mmap.mmap, size: int, on_bytes: Callable[[int], None]
) -> Iterator[memoryview]:
    """Blocks of whole lines of about ``size`` bytes, as views of the mapping (the reads
    ``line_chunks`` does otherwise copy each block twice)."""
    view, total, pos = memoryview(mapped), len(mapped), 0
    try:
        while pos < total:
            end = min(pos + size, total)
            cut = total if end == total else mapped.rfind(b"\n", pos, end) + 1
            if cut <= pos:  # one line longer than a block: up to its end
                nxt = mapped.find(b"\n", end)
                cut = total if nxt < 0 else nxt + 1
            on_bytes(cut - pos)
            yield view[pos:cut]
            # the block is done: drop its pages from this process (they stay cached)
            start = pos - pos % mmap.PAGESIZE
            with contextlib.suppress(OSError, ValueError, AttributeError):
                mapped.madvise(mmap.MADV_DONTNEED, start, cut - start)
            pos = cut
    finally:
        view.release()
        with contextlib.suppress(BufferError):  # a caller may still hold a block
            mapped.close()


def fast_block(block: bytes | memoryview, first_no: int, recv_us: int) -> Block:
    """Validate the JSON lines of ``block`` (first line: record ``first_no``): the compiled
    scanner for the lines it provably handles, the Python path for the rest (msgspec's
    typed decode, then the record-by-record Validator, which names the reason). Events come
    out in input order; ``first`` marks the first occurrence of each id."""
    fast, rest, offsets = scan_block(block)
    out = Block(
        EVENT_SCHEMA.empty_table(), records=fast.num_rows, chunk=True, lines=len(offsets) - 1
    )
    out.naive = int(pc.sum(fast["naive"]).as_py() or 0)
    slow_nos: list[int] = []
    if len(rest):  # the Python path (typed decode, then the Validator) on the other lines
        sub = b"".join(
            bytes(block[offsets[i] : offsets[i + 1]]).removesuffix(b"\n") + b"\n" for i in rest
        )
        slow, at = validate_lines(sub, recv_us)
        out.records += slow.records
        out.naive += slow.naive
        out.unknown += slow.unknown
        out.rejects = [
            (first_no + int(rest[no - 1]), raw, reason, detail)
            for no, raw, reason, detail in slow.rejects
        ]
        slow_nos = rest[at].tolist()
    recv = pa.scalar(recv_us, pa.int64())
    nos = fast["no"]
    columns = {
        "event_id": fast["event_id"],
        "user_id": fast["user_id"],
        "name": fast["name"],
        "event_at": fast["event_at"].fill_null(recv).cast(_TS),
        "received_at": pa.nulls(fast.num_rows, pa.int64()).fill_null(recv).cast(_TS),
        "data": fast["data"],
        "user_key": fast["user_key"],
    }
    table = pa.Table.from_arrays([columns[f.name] for f in EVENT_SCHEMA], schema=EVENT_SCHEMA)
    if slow_nos:  # rare: merge the Python path's events back in input order
        table = pa.concat_tables([table, slow.events])
        nos = pa.concat_arrays([nos.combine_chunks(), pa.array(slow_nos, pa.int64())])
        table = table.take(pc.sort_indices(nos))
        first = pl.from_arrow(table["event_id"]).is_first_distinct()  # type: ignore[union-attr]
        out.first = None if first.all() else first.to_arrow()
    else:
        out.hashes = fast["idh"].to_numpy()
        out.first = _first_mask(table["event_id"], out.hashes)
    out.events = table  # repeats stay until the commit drops them in its one take
    return out


def _first_mask(ids: pa.ChunkedArray, hashes: np.ndarray) -> pa.BooleanArray | None:
    """Which rows hold the first occurrence of their id (rows in input order); None when
    all do. Rows are told apart by a 64-bit hash; rows sharing a hash compare exactly."""
    rows = repeated_rows(np.ascontiguousarray(hashes, np.uint64))  # ascending: input order
    if not len(rows):
        return None
    keep = np.ones(len(hashes), bool)
    seen: set[str] = set()
    for row, event_id in zip(rows.tolist(), ids.take(pa.array(rows)).to_pylist(), strict=True):
        if event_id in seen:
            keep[row] = False
        seen.add(event_id)
    return pa.array(keep)
