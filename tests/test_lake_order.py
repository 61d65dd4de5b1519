"""lake/order.py: the lake's row order on integer keys equals sorting the strings, and
first-wins de-duplication on 64-bit hashes equals comparing the ids — hash collisions
included."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.lake.order import first_rows, lake_order, ranks

TEXT = st.text(alphabet=st.sampled_from("aAbé💥 _"), max_size=3)


@pytest.mark.parametrize("spread", [1, 2**61])  # 2**61: no packed key fits, polars sorts
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.integers(-3, 3), TEXT), max_size=40))
def test_lake_order_sorts_like_the_strings(
    spread: int, rows: list[tuple[str, str, int, str]]
) -> None:
    rows = [(n, u, a * spread, i) for n, u, a, i in rows]
    names, users, ats, ids = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 4
    name_rank = ranks(pa.array(names, pa.string()))[0]
    user_rank, dictionary, _ = ranks(pa.array(users, pa.string()))
    order = lake_order(
        name_rank, user_rank, len(dictionary), np.array(ats, np.int64), pa.array(ids, pa.string())
    )
    key = [(n.encode(), u.encode(), a, i.encode()) for n, u, a, i in rows]
    assert [key[i] for i in order] == sorted(key)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=30), st.integers(1, 3))
def test_first_rows_compares_ids_that_share_a_hash(ids: list[str], buckets: int) -> None:
    hashes = np.array([ord(i) % buckets for i in ids], np.uint64)  # forced collisions
    rows = np.arange(len(ids))
    got = first_rows(hashes, pa.array(ids, pa.string()), rows)
    want = [ids.index(x) == k for k, x in enumerate(ids)]
    assert got.tolist() == want
