"""SeenIds: the hashes of a lake's ids, probed by each chunk an ingest commits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.lake.seen import BUCKET_BITS, SeenIds

#: small values (one bucket, many repeats) and any 64-bit value (every bucket)
values = st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1))
hashes = st.lists(values, max_size=12).map(lambda xs: np.array(xs, np.uint64))


def test_empty_runs_hold_nothing() -> None:
    """An empty chunk leaves no run to index; an empty probe hits nothing."""
    seen = SeenIds(None, [], 0)
    seen.add(np.array([], np.uint64))
    assert seen.runs == []
    probe = np.array([1, 2, 2**63], np.uint64)
    assert not seen._hits(probe).any()
    seen.add(np.array([2, 2**63], np.uint64))
    assert seen._hits(probe).tolist() == [False, True, True]
    assert [len(runs) for runs in seen.buckets if runs] == [1, 1]  # two buckets
    assert seen._hits(np.array([], np.uint64)).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(hashes, max_size=30), hashes)
def test_hits_equal_a_set(chunks: list[np.ndarray], probe: np.ndarray) -> None:
    """Whatever the merging, a probe hits exactly the hashes added; the runs of each bucket
    stay few, sorted, non-empty, and hold only their bucket's hashes."""
    seen = SeenIds(None, [], 0)
    added: set[int] = set()
    for chunk in chunks:
        seen.add(chunk)
        added |= set(chunk.tolist())
        assert all(len(r) for r in seen.runs)
        assert all((r[1:] >= r[:-1]).all() for r in seen.runs)
    assert seen._hits(probe).tolist() == [int(h) in added for h in probe.tolist()]
    for b, runs in enumerate(seen.buckets):
        assert all(int(h) >> (64 - BUCKET_BITS) == b for run in runs for h in run.tolist())
        total = sum(len(r) for r in runs)
        assert len(runs) <= 2 + max(total, 1).bit_length()
