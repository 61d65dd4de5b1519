"""MD5 compiled with numba, for whole columns at once (no per-row Python).

- :func:`md5_into` is callable from other numba code (the ingest scanner derives event ids
  with it) and from Python.
- :func:`user_keys` gives the lake's ``user_key`` column: the first 8 bytes of the MD5 of
  the UTF-8 ``user_id``, read as a little-endian signed 64-bit integer (so
  ``int.from_bytes(hashlib.md5(uid).digest()[:8], "little", signed=True)``). Integer keys
  make the funnel's joins and aggregations cheaper than strings; the lake records whether
  its keys are collision-free (docs/lake.md, ADR 0003) and queries fall back to the strings
  when not.
"""

from __future__ import annotations

import math
from typing import Any

import numba as nb
import numpy as np
import pyarrow as pa

__all__ = ["md5_into", "md5_words", "user_key", "user_keys"]

_MASK = 0xFFFFFFFF
_S = np.array(
    [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4, np.uint64
)
_K = np.array([int(abs(math.sin(i + 1)) * 2**32) & _MASK for i in range(64)], np.uint64)


@nb.njit(cache=True, nogil=True)
def md5_words(
    buf: np.ndarray, start: int, n: int, tail: np.ndarray, m: np.ndarray
) -> tuple[Any, Any, Any, Any]:
    """The MD5 of ``buf[start:start + n]`` as its four little-endian 32-bit words.
    ``tail`` (128 uint8) and ``m`` (16 uint64) are scratch space, reused across calls."""
    s, k = _S, _K
    mask = np.uint64(_MASK)
    a0, b0, c0, d0 = (
        np.uint64(0x67452301),
        np.uint64(0xEFCDAB89),
        np.uint64(0x98BADCFE),
        np.uint64(0x10325476),
    )
    whole = n // 64 * 64  # bytes read straight from buf; the rest is padded in `tail`
    rest = n - whole
    tail_len = 64 if rest < 56 else 128
    for q in range(rest):
        tail[q] = buf[start + whole + q]
    tail[rest] = 0x80
    for q in range(rest + 1, tail_len - 8):
        tail[q] = 0
    nbits = n * 8
    for q in range(8):
        tail[tail_len - 8 + q] = (nbits >> (8 * q)) & 0xFF
    for blk in range(0, whole + tail_len, 64):
        src, p0 = (buf, start + blk) if blk < whole else (tail, blk - whole)
        for w in range(16):
            p = p0 + 4 * w
            m[w] = (
                np.uint64(src[p])
                | (np.uint64(src[p + 1]) << np.uint64(8))
                | (np.uint64(src[p + 2]) << np.uint64(16))
                | (np.uint64(src[p + 3]) << np.uint64(24))
            )
        a, b, c, d = a0, b0, c0, d0
        for i in range(64):
            if i < 16:
                f = (b & c) | ((~b & mask) & d)
                g = i
            elif i < 32:
                f = (d & b) | ((~d & mask) & c)
                g = (5 * i + 1) % 16
            elif i < 48:
                f = b ^ c ^ d
                g = (3 * i + 5) % 16
            else:
                f = c ^ (b | (~d & mask))
                g = (7 * i) % 16
            f = (f + a + k[i] + m[g]) & mask
            a, d, c = d, c, b
            sh = s[i]
            b = (b + (((f << sh) | (f >> (np.uint64(32) - sh))) & mask)) & mask
        a0 = (a0 + a) & mask
        b0 = (b0 + b) & mask
        c0 = (c0 + c) & mask
        d0 = (d0 + d) & mask
    return a0, b0, c0, d0


@nb.njit(cache=True, nogil=True)
def md5_into(buf: np.ndarray, start: int, n: int, out: np.ndarray, at: int) -> None:
    """Write the 16-byte MD5 of ``buf[start:start + n]`` into ``out[at:at + 16]``."""
    words = md5_words(buf, start, n, np.empty(128, np.uint8), np.empty(16, np.uint64))
    for j in range(4):
        for q in range(4):
            out[at + 4 * j + q] = np.uint8((words[j] >> np.uint64(8 * q)) & np.uint64(0xFF))


@nb.njit(cache=True, nogil=True)
def _keys(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    # one thread: callers run in threads and in forked workers (numba's parallel layers
    # are not fork-safe, and its fallback layer is not thread-safe)
    n = len(offsets) - 1
    keys = np.empty(n, np.int64)
    tail = np.empty(128, np.uint8)
    m = np.empty(16, np.uint64)
    for i in range(n):
        a, b, _, _ = md5_words(data, offsets[i], offsets[i + 1] - offsets[i], tail, m)
        keys[i] = np.int64(a | (b << np.uint64(32)))
    return keys


def user_key(user_id: str) -> int:
    """The key of one id (plain Python; the reference for :func:`user_keys`)."""
    import hashlib

    return int.from_bytes(hashlib.md5(user_id.encode("utf-8")).digest()[:8], "little", signed=True)


def user_keys(ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """``user_key`` of every (non-null) string in ``ids``, as int64."""
    if isinstance(ids, pa.ChunkedArray):
        if ids.num_chunks == 0:
            return np.empty(0, np.int64)
        parts = [user_keys(c) for c in ids.chunks]
        return np.concatenate(parts) if len(parts) > 1 else parts[0]
    if ids.type != pa.large_string():
        ids = ids.cast(pa.large_string())
    if len(ids) == 0:
        return np.empty(0, np.int64)
    _, off_buf, data_buf = ids.buffers()
    offsets = np.frombuffer(off_buf, np.int64)[ids.offset : ids.offset + len(ids) + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.empty(0, np.uint8)
    return _keys(np.ascontiguousarray(offsets), data)
