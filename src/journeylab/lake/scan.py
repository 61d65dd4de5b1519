"""JSON lines scanned by compiled code: the ingest fast path (docs/adr/0002-ingest-fast-path.md).

:func:`scan_lines` finds the lines of a block, scans them all in one parallel numba pass
(:mod:`~.scan_kernel`: the rules, the canonical ``data``, the UTC instant, the derived id
and the user key, per line, without Python) and gathers the taken lines' columns into
Arrow arrays in a second pass. The lines it cannot prove equal to
:class:`~.model.Validator`'s result are returned by index for the Python path, which names
the reason. tests/test_ingest_scan.py and tests/test_ingest_fast.py hold the two equal.
"""

from __future__ import annotations

import threading
from typing import Any

import numba as nb
import numpy as np
import pyarrow as pa

from journeylab.lake.scan_ids import event_id_hash, hex_id
from journeylab.lake.scan_kernel import (
    AT,
    DL,
    DS,
    EL,
    ES,
    FLAG_AT,
    FLAG_NAIVE,
    FLAG_OK,
    FLAG_RAW_DATA,
    H0,
    H1,
    IDH,
    NL,
    NS,
    SPANS,
    UKEY,
    UL,
    US,
    count_lines,
    new_pool,
    scan_kernel,
)
from journeylab.lake.scan_parse import copy

__all__ = [
    "PARSED_SCHEMA",
    "event_id_hashes",
    "line_offsets",
    "release_buffers",
    "repeated_rows",
    "scan_block",
    "scan_lines",
]

#: the columns of :func:`scan_lines`' table
PARSED_SCHEMA = pa.schema(
    [
        ("no", pa.int64()),
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("name", pa.string()),
        ("event_at", pa.int64()),
        ("data", pa.string()),
        ("naive", pa.bool_()),
        ("idh", pa.uint64()),
        ("user_key", pa.int64()),
    ]
)


@nb.njit(cache=True, nogil=True, parallel=True)
def _assemble(
    buf: Any, dbuf: Any, flags: Any, spans: Any, hashes: Any, first: Any, sums: Any
) -> Any:
    """The taken lines' columns, in input order: ``ints`` (no, event_at, user_key),
    ``idh``, ``bits`` (event_at valid, data valid, naive), string offsets (event_id,
    user_id, name, data) and bytes, and the indices of the other lines. The slices are
    the kernel's (lines ``first[k]`` to ``sums[k + 1, 5]``), with the totals it left in
    ``sums``."""
    n = len(flags)
    parts = len(first) - 1
    ends = sums[1:, 5].copy()
    sums[:, 5] = 0
    for part in range(parts):
        sums[part + 1] += sums[part]
    m = sums[parts, 0]
    ints = np.empty((3, m), np.int64)
    idh = np.empty(m, np.uint64)
    bits = np.empty((3, m), np.bool_)
    offs = np.empty((4, m + 1), np.int64)
    ids = np.empty(sums[parts, 1], np.uint8)
    users = np.empty(sums[parts, 2], np.uint8)
    names = np.empty(sums[parts, 3], np.uint8)
    datas = np.empty(sums[parts, 4], np.uint8)
    rest = np.empty(n - m, np.int64)
    for c in range(4):
        offs[c, m] = sums[parts, c + 1]
    for part in nb.prange(parts):
        j = sums[part, 0]
        o = sums[part, 1:].copy()
        for i in range(first[part], ends[part]):
            f = flags[i]
            if not f & FLAG_OK:
                rest[i - j] = i
                continue
            ints[0, j] = i
            ints[1, j] = spans[i, AT]
            ints[2, j] = np.int64(hashes[i, UKEY])
            idh[j] = hashes[i, IDH]
            bits[0, j] = f & FLAG_AT != 0
            bits[1, j] = spans[i, DL] >= 0
            bits[2, j] = f & FLAG_NAIVE != 0
            for c in range(4):
                offs[c, j] = o[c]
            if spans[i, EL] >= 0:
                copy(ids, o[0], buf, spans[i, ES], spans[i, EL])
                o[0] += spans[i, EL]
            else:
                hex_id(hashes[i, H0], hashes[i, H1], ids, o[0])
                o[0] += 32
            copy(users, o[1], buf, spans[i, US], spans[i, UL])
            o[1] += spans[i, UL]
            copy(names, o[2], buf, spans[i, NS], spans[i, NL])
            o[2] += spans[i, NL]
            if spans[i, DL] > 0:
                if f & FLAG_RAW_DATA:
                    copy(datas, o[3], buf, spans[i, DS], spans[i, DL])
                else:
                    copy(datas, o[3], dbuf, spans[i, DS], spans[i, DL])
                o[3] += spans[i, DL]
            j += 1
    return ints, idh, bits, offs, (ids, users, names, datas), rest


def _bitmap(valid: np.ndarray) -> pa.Buffer | None:
    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


def _strings(offs: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    kind = pa.string()
    if offs[-1] < 2**31:
        offs = offs.astype(np.int32)
    else:  # only for blocks over 2 GiB
        kind = pa.large_string()
    bitmap = None if valid is None else _bitmap(valid)
    arr = pa.Array.from_buffers(
        kind, len(offs) - 1, [bitmap, pa.py_buffer(offs), pa.py_buffer(data)]
    )
    return arr if kind == pa.string() else arr.cast(pa.string())


class _Buffers:
    """The scanner's per-line arrays and scratch space, kept between blocks (fresh pages
    for every block cost more than the scan) and grown when a block needs more."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.parts = 0
        self.pool: tuple[np.ndarray, ...] = ()
        self.lines = -1
        self.size = -1
        self.arrays: tuple[np.ndarray, ...] = ()

    def get(self, n: int, size: int) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        parts = 4 * nb.get_num_threads()
        if parts != self.parts:
            self.parts, self.pool = parts, new_pool(parts)
        if n > self.lines or size > self.size:
            self.lines = max(n, self.lines) + max(n, self.lines) // 4
            self.size = max(size, self.size) + max(size, self.size) // 4
            lines, size_ = self.lines, self.size
            self.arrays = (
                np.empty(lines + 1, np.int64),
                np.empty(lines, np.uint8),
                np.empty((lines, SPANS), np.int64),
                np.empty((lines, 4), np.uint64),
                np.empty(size_, np.uint8),
            )
        offs, flags, spans, hashes, dbuf = self.arrays
        return (offs[: n + 1], flags[:n], spans[:n], hashes[:n], dbuf[:size]), self.pool

    def release(self) -> None:
        with self.lock:
            self._clear()


_BUFFERS = _Buffers()


def release_buffers() -> None:
    """Free the scanner's kept buffers (about 240 bytes per line of the largest block)."""
    _BUFFERS.release()


def scan_block(block: bytes | memoryview) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """:func:`scan_lines`, plus the line offsets of ``block`` (line i is
    ``block[offs[i]:offs[i + 1]]``, with its newline; the last line may lack one)."""
    raw = np.frombuffer(block, np.uint8)
    with _BUFFERS.lock:
        bounds, first = count_lines(raw, 4 * nb.get_num_threads())
        n = int(first[-1]) + (1 if block and block[-1] != 10 else 0)
        out, pool = _BUFFERS.get(n, len(raw))
        sums = np.zeros((len(first), 6), np.int64)
        scan_kernel(raw, bounds, first, out, pool, sums)
        offs, flags, spans, hashes, dbuf = out
        offs = offs.copy()
        ints, idh, bits, soffs, (ids, users, names, datas), rest = _assemble(
            raw, dbuf, flags, spans, hashes, first, sums
        )
    m = len(idh)
    table = pa.Table.from_arrays(
        [
            pa.Array.from_buffers(pa.int64(), m, [None, pa.py_buffer(ints[0])]),
            _strings(soffs[0], ids),
            _strings(soffs[1], users),
            _strings(soffs[2], names),
            pa.Array.from_buffers(pa.int64(), m, [_bitmap(bits[0]), pa.py_buffer(ints[1])]),
            _strings(soffs[3], datas, bits[1]),
            pa.array(bits[2]),
            pa.Array.from_buffers(pa.uint64(), m, [None, pa.py_buffer(idh)]),
            pa.Array.from_buffers(pa.int64(), m, [None, pa.py_buffer(ints[2])]),
        ],
        schema=PARSED_SCHEMA,
    )
    return table, rest, offs


def line_offsets(block: bytes) -> np.ndarray:
    """Line offsets of ``block``: line i is ``block[offs[i]:offs[i + 1]]``."""
    return scan_block(block)[2]


@nb.njit(cache=True, nogil=True)
def repeated_rows(hashes: Any) -> Any:
    """The rows whose hash another row shares, ascending (one open-addressing table: a
    few ms for a million rows, against tens for sorting)."""
    n = len(hashes)
    bits = 4
    while (1 << bits) < 2 * n:
        bits += 1
    size = 1 << bits
    table = np.full(size, -1, np.int64)
    flag = np.zeros(n, np.bool_)
    for i in range(n):
        s = np.int64(hashes[i] & np.uint64(size - 1))
        while True:
            j = table[s]
            if j < 0:
                table[s] = i
                break
            if hashes[j] == hashes[i]:
                flag[j] = True
                flag[i] = True
                break
            s = (s + 1) & (size - 1)
    return np.flatnonzero(flag)


@nb.njit(cache=True, nogil=True, parallel=True)
def _id_hashes(offs: Any, data: Any) -> Any:
    n = len(offs) - 1
    out = np.empty(n, np.uint64)
    for i in nb.prange(n):
        out[i] = event_id_hash(data, offs[i], offs[i + 1] - offs[i])
    return out


def event_id_hashes(ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The scanner's 64-bit hash (``idh``) of every (non-null) id in ``ids``: the same
    function for ids from any path, so they can be compared with the fast path's."""
    if isinstance(ids, pa.ChunkedArray):
        parts = [event_id_hashes(c) for c in ids.chunks]
        return np.concatenate(parts) if parts else np.empty(0, np.uint64)
    if ids.type not in (pa.string(), pa.large_string()):
        ids = ids.cast(pa.large_string())
    if len(ids) == 0:
        return np.empty(0, np.uint64)
    _, off_buf, data_buf = ids.buffers()
    kind = np.int32 if ids.type == pa.string() else np.int64
    offs = np.frombuffer(off_buf, kind)[ids.offset : ids.offset + len(ids) + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(8, np.uint8)
    return _id_hashes(np.ascontiguousarray(offs), data)  # type: ignore[no-any-return]


def scan_lines(block: bytes) -> tuple[pa.Table, np.ndarray]:
    """The lines of ``block`` the scanner takes — columns no (0-based line index),
    event_id, user_id, name, event_at (µs UTC, null when eventAt was absent), data
    (canonical text or null), naive, idh (a 64-bit hash of event_id) and user_key — in
    input order, and the indices of the lines left to the Validator."""
    table, rest, _ = scan_block(block)
    return table, rest
