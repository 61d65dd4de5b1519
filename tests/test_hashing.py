"""The scanner's numba MD5 equals hashlib's, on every padding boundary and on random bytes, and the
user keys are the documented first 8 digest bytes (little-endian, signed)."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.lake.hashing import user_key, user_keys
from journeylab.lake.scan_md5 import md5_one, pad


def _md5(data: bytes) -> bytes:
    buf = np.zeros(len(data) + 72, np.uint8)  # the message and room for its padding
    buf[: len(data)] = np.frombuffer(data, np.uint8)
    words = md5_one(buf, pad(buf, len(data)))
    return b"".join(int(w).to_bytes(4, "little") for w in words)


def test_md5_on_padding_boundaries() -> None:
    for n in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]:
        data = bytes(range(256)) * 4
        assert _md5(data[:n]) == hashlib.md5(data[:n]).digest(), n


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_md5_equals_hashlib(data: bytes) -> None:
    assert _md5(data) == hashlib.md5(data).digest()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=30), st.integers(0, 5))
def test_user_keys(ids: list[str], cut: int) -> None:
    want = [
        int.from_bytes(hashlib.md5(s.encode()).digest()[:8], "little", signed=True) for s in ids
    ]
    assert [user_key(s) for s in ids] == want
    arr = pa.array(ids, pa.string())
    assert user_keys(arr).tolist() == want
    assert user_keys(arr.slice(min(cut, len(ids)))).tolist() == want[min(cut, len(ids)) :]
    chunked = pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string())
    assert user_keys(chunked).tolist() == want
    assert user_keys(arr.cast(pa.string_view())).tolist() == want
