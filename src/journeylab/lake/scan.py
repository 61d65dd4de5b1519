"""JSON lines scanned by compiled code: the ingest fast path (docs/adr/0002-ingest-fast-path.md).

:func:`scan_lines` finds the lines of a block, scans them all in one parallel numba pass
(:mod:`~.scan_kernel`: the rules, the canonical ``data``, the UTC instant, the derived id
and the user key, per line, without Python) and gathers the taken lines' columns into
Arrow arrays in a second pass. The lines it cannot prove equal to
:class:`~.model.Validator`'s result are returned by index for the Python path, which names
the reason. tests/test_ingest_scan.py and tests/test_ingest_fast.py hold the two equal.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import pyarrow as pa

from journeylab.lake.scan_kernel import (
    AT,
    DL,
    DS,
    EL,
    ES,
    FLAG_AT,
    FLAG_NAIVE,
    FLAG_OK,
    H0,
    H1,
    IDH,
    NS,
    SPANS,
    UKEY,
    US,
    hex_id,
    scan_kernel,
)

__all__ = ["PARSED_SCHEMA", "line_offsets", "scan_block", "scan_lines"]

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
_PARTS = 64


@nb.njit(cache=True, nogil=True, parallel=True)
def _line_offsets(raw: Any) -> Any:
    """Start of every line plus the end of the last: newlines found on all cores."""
    size = len(raw)
    parts = max(1, min(_PARTS, size >> 16))
    counts = np.zeros(parts + 1, np.int64)
    for part in nb.prange(parts):
        c = 0
        for p in range(part * size // parts, (part + 1) * size // parts):
            c += raw[p] == 10
        counts[part + 1] = c
    for part in range(parts):
        counts[part + 1] += counts[part]
    lines = counts[parts] + (1 if size and raw[size - 1] != 10 else 0)
    offs = np.empty(lines + 1, np.int64)
    offs[0] = 0
    offs[lines] = size
    for part in nb.prange(parts):
        k = counts[part] + 1
        for p in range(part * size // parts, (part + 1) * size // parts):
            if raw[p] == 10:
                offs[k] = p + 1
                k += 1
    return offs


def line_offsets(block: bytes) -> np.ndarray:
    """Line offsets of ``block``: line i is ``block[offs[i]:offs[i + 1]]`` (with its
    newline; the last line may lack one)."""
    if not block:
        return np.zeros(1, np.int64)
    return _line_offsets(np.frombuffer(block, np.uint8))  # type: ignore[no-any-return]


@nb.njit(cache=True, nogil=True)
def _string_offsets(lens: Any, rows: Any) -> Any:
    offs = np.empty(len(rows) + 1, np.int64)
    offs[0] = 0
    for j in range(len(rows)):
        n = lens[rows[j]]
        offs[j + 1] = offs[j] + (n if n > 0 else 0)
    return offs


@nb.njit(cache=True, nogil=True, parallel=True)
def _gather(src: Any, spans: Any, col: int, rows: Any, offs: Any) -> Any:
    """``src[spans[r, col]:+spans[r, col + 1]]`` of every row r, one after another."""
    out = np.empty(offs[-1], np.uint8)
    n = len(rows)
    parts = max(1, min(_PARTS, n >> 10))
    for part in nb.prange(parts):
        for j in range(part * n // parts, (part + 1) * n // parts):
            r = rows[j]
            s, o = spans[r, col], offs[j]
            for t in range(offs[j + 1] - o):
                out[o + t] = src[s + t]
    return out


@nb.njit(cache=True, nogil=True, parallel=True)
def _gather_ids(buf: Any, spans: Any, hashes: Any, rows: Any, offs: Any) -> Any:
    """The event ids: as sent, or the hex of the derived MD5."""
    out = np.empty(offs[-1], np.uint8)
    n = len(rows)
    parts = max(1, min(_PARTS, n >> 10))
    for part in nb.prange(parts):
        for j in range(part * n // parts, (part + 1) * n // parts):
            r = rows[j]
            o = offs[j]
            if spans[r, EL] >= 0:
                s = spans[r, ES]
                for t in range(spans[r, EL]):
                    out[o + t] = buf[s + t]
            else:
                hex_id(hashes[r, H0], hashes[r, H1], out, o)
    return out


def _strings(offs: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    n = len(offs) - 1
    kind = pa.string()
    if offs[-1] < 2**31:
        offs = offs.astype(np.int32)
    else:  # only for blocks over 2 GiB
        kind = pa.large_string()
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    arr = pa.Array.from_buffers(kind, n, [bitmap, pa.py_buffer(offs), pa.py_buffer(data)])
    return arr if kind == pa.string() else arr.cast(pa.string())


def scan_block(block: bytes) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """:func:`scan_lines`, plus the line offsets of ``block``."""
    offs = line_offsets(block)
    n = len(offs) - 1
    raw = np.frombuffer(block, np.uint8)
    dbuf = np.empty(len(raw), np.uint8)
    flags = np.zeros(n, np.uint8)
    spans = np.empty((n, SPANS), np.int64)
    hashes = np.empty((n, 4), np.uint64)
    if n:
        scan_kernel(raw, offs, dbuf, flags, spans, hashes)
    taken = (flags & FLAG_OK) != 0
    rows = np.flatnonzero(taken)
    rest = np.flatnonzero(~taken)
    t = spans[rows]
    h = hashes[rows]
    f = flags[rows]

    def column(src: np.ndarray, col: int, valid: np.ndarray | None = None) -> pa.Array:
        offsets = _string_offsets(spans[:, col + 1], rows)
        return _strings(offsets, _gather(src, spans, col, rows, offsets), valid)

    id_lens = np.where(spans[:, EL] >= 0, spans[:, EL], 32)
    id_offs = _string_offsets(id_lens, rows)
    has_at = (f & FLAG_AT) != 0
    at_valid = None if has_at.all() else pa.py_buffer(np.packbits(has_at, bitorder="little"))
    table = pa.Table.from_arrays(
        [
            pa.array(rows.astype(np.int64)),
            _strings(id_offs, _gather_ids(raw, spans, hashes, rows, id_offs)),
            column(raw, US),
            column(raw, NS),
            pa.Array.from_buffers(
                pa.int64(), len(rows), [at_valid, pa.py_buffer(np.ascontiguousarray(t[:, AT]))]
            ),
            column(dbuf, DS, t[:, DL] >= 0),
            pa.array((f & FLAG_NAIVE) != 0),
            pa.array(np.ascontiguousarray(h[:, IDH])),
            pa.array(np.ascontiguousarray(h[:, UKEY]).view(np.int64)),
        ],
        schema=PARSED_SCHEMA,
    )
    return table, rest, offs


def scan_lines(block: bytes) -> tuple[pa.Table, np.ndarray]:
    """The lines of ``block`` the scanner takes — columns no (0-based line index),
    event_id, user_id, name, event_at (µs UTC, null when eventAt was absent), data
    (canonical text or null), naive, idh (a 64-bit hash of event_id) and user_key — in
    input order, and the indices of the lines left to the Validator."""
    table, rest, _ = scan_block(block)
    return table, rest
