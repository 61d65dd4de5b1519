"""The lake's ``user_key`` for whole columns at once (numba, no per-row Python).

``user_key`` is the first 8 bytes of the MD5 of the UTF-8 ``user_id``, read as a
little-endian signed 64-bit integer (``int.from_bytes(hashlib.md5(uid).digest()[:8],
"little", signed=True)``). Integer keys make the funnel's joins and aggregations cheaper than
strings; the lake records whether its keys are collision-free (docs/lake.md, ADR 0003) and
queries fall back to the strings when not. The MD5 is the scanner's (:mod:`~.scan_md5`).
"""

from __future__ import annotations

import numba as nb
import numpy as np
import pyarrow as pa

from journeylab.lake.scan_md5 import md5_one, pad

__all__ = ["user_key", "user_keys"]


@nb.njit(cache=True, nogil=True)
def _keys(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    # one thread: callers run in threads and in forked workers (numba's parallel layers
    # are not fork-safe, and its fallback layer is not thread-safe)
    n = len(offsets) - 1
    longest = 0
    for i in range(n):
        longest = max(longest, offsets[i + 1] - offsets[i])
    buf = np.empty(longest + 72, np.uint8)  # a message and its padding
    keys = np.empty(n, np.int64)
    for i in range(n):
        size = offsets[i + 1] - offsets[i]
        buf[:size] = data[offsets[i] : offsets[i + 1]]
        a, b, _, _ = md5_one(buf, pad(buf, size))
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
