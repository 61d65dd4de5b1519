"""SeenIds: the hashes of a lake's ids, probed by each chunk an ingest commits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.lake.seen import SeenIds

hashes = st.lists(st.integers(0, 40), max_size=12).map(lambda xs: np.array(xs, np.uint64))


def test_empty_runs_hold_nothing() -> None:
    """An empty chunk (or a lake whose files hold no rows) leaves no run to index."""
    seen = SeenIds(None, [], 0)
    seen.add(np.array([], np.uint64))
    assert seen.runs == []
    seen.runs.append(np.array([], np.uint64))  # the lake's own run, of empty files
    probe = np.array([1, 2], np.uint64)
    assert not seen._hits(probe).any()
    seen.add(np.array([2], np.uint64))
    assert seen._hits(probe).tolist() == [False, True]
    assert seen._hits(np.array([], np.uint64)).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(hashes, max_size=30), hashes)
def test_hits_equal_a_set(chunks: list[np.ndarray], probe: np.ndarray) -> None:
    """Whatever the merging, a probe hits exactly the hashes added; the runs stay few."""
    seen = SeenIds(None, [], 0)
    added: set[int] = set()
    for chunk in chunks:
        seen.add(chunk)
        added |= set(chunk.tolist())
        assert all(len(r) for r in seen.runs)
        assert all((np.diff(r.astype(np.int64)) >= 0).all() for r in seen.runs)
    assert seen._hits(probe).tolist() == [int(h) in added for h in probe.tolist()]
    total = sum(len(r) for r in seen.runs)
    assert len(seen.runs) <= 2 + max(total, 1).bit_length()
