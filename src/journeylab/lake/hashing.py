"""The lake's ``user_key``: the first 8 bytes of the MD5 of the UTF-8 ``user_id``, read as a
little-endian signed 64-bit integer (docs/lake.md "User keys", ADR 0003).

:func:`user_key` is the plain-Python definition; :func:`user_keys` computes a column with
DuckDB's ``md5_number`` (its low 64 bits are the same 8 bytes, unsigned), on the distinct
values only.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["user_key", "user_keys"]

#: ``md5_number``'s low 64 bits are ``md5_number_upper``, in a fifth of the time (35 against
#: 170 ms for 500k ids: docs/performance.md "Ingest")
_KEYS = "SELECT (md5_number(u) & 18446744073709551615::UHUGEINT)::UBIGINT AS k FROM jl_user_ids"


def user_key(user_id: str) -> int:
    """The key of one id (plain Python; the definition :func:`user_keys` is held to)."""
    digest = hashlib.md5(user_id.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "little", signed=True)


def distinct_keys(con: Any, ids: pa.Array) -> np.ndarray:
    """``user_key`` of every (non-null, distinct or not) string of ``ids``, by DuckDB."""
    if not len(ids):
        return np.empty(0, np.int64)
    con.register("jl_user_ids", pa.table({"u": ids.cast(pa.large_string())}))
    try:
        got = con.sql(_KEYS).to_arrow_table()["k"].combine_chunks()
    finally:
        con.unregister("jl_user_ids")
    return got.to_numpy(zero_copy_only=False).astype(np.uint64).view(np.int64)


def user_keys(con: Any, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """``user_key`` of every string in ``ids`` (hashing each distinct id once)."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    encoded = pc.dictionary_encode(ids)
    keys = distinct_keys(con, encoded.dictionary)
    return keys[encoded.indices.to_numpy(zero_copy_only=False)]
