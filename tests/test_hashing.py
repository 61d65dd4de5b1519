"""``user_key`` (ADR 0003): DuckDB's MD5 (the column the lake stores) equals the documented
definition — the first 8 bytes of the MD5 of the UTF-8 id, little-endian, signed."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.lake.hashing import user_key, user_keys


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=30), st.integers(0, 5))
def test_user_keys(ids: list[str], cut: int) -> None:
    want = [
        int.from_bytes(hashlib.md5(s.encode()).digest()[:8], "little", signed=True) for s in ids
    ]
    assert [user_key(s) for s in ids] == want
    con = duckdb.connect()
    arr = pa.array(ids, pa.string())
    assert user_keys(con, arr).tolist() == want
    assert user_keys(con, arr.slice(min(cut, len(ids)))).tolist() == want[min(cut, len(ids)) :]
    chunked = pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string())
    assert user_keys(con, chunked).tolist() == want
    assert user_keys(con, arr.cast(pa.large_string())).tolist() == want
