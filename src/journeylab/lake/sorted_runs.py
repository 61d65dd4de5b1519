"""Membership in sorted runs of integers (the seen ids' kernels, :mod:`.seen`): which of
some sorted, distinct values a sorted run holds, by a merge of the two when their sizes are
close, else by binary searches of the fewer in the other — numpy only."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = [
    "MERGE_RATIO",
    "common",
    "distinct",
    "find",
    "first_of_runs",
    "held",
    "mark",
    "mark_blocks",
]

#: sorted hashes and the sorted probes are merged when neither is more than this many times
#: the other, else the fewer searched in the other (the two cost the same near 20-30x:
#: docs/performance.md "Ingest")
MERGE_RATIO = 16


def held(run: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which ``values`` the sorted ``run`` holds (one binary search each)."""
    if not len(run):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(run, values), len(run) - 1)
    return np.asarray(run[at] == values)


def mark(block: np.ndarray, probes: np.ndarray, lo: int, hi: int, found: np.ndarray) -> bool:
    """Mark in ``found`` the ``probes[lo:hi]`` (distinct) the sorted ``block`` holds;
    whether it holds one."""
    got = np.zeros(hi - lo, bool)
    find(block, probes[lo:hi], got)
    found[lo:hi] |= got
    return bool(got.any())


def mark_blocks(blocks: Iterable[np.ndarray], probes: np.ndarray, found: np.ndarray) -> bool:
    """Mark in ``found`` the sorted, distinct ``probes`` that the sorted, non-empty
    ``blocks`` of one run hold, each block searched for the probes in its range; whether
    they hold one."""
    holds = False
    for block in blocks:
        lo = int(np.searchsorted(probes, block[0]))
        hi = int(np.searchsorted(probes, block[-1], "right"))
        if lo < hi:
            holds = mark(block, probes, lo, hi, found) or holds
    return holds


def find(run: np.ndarray, distinct: np.ndarray, got: np.ndarray) -> None:
    """Mark in ``got`` the sorted, ``distinct`` values the sorted ``run`` holds: of sizes
    within :data:`MERGE_RATIO` of each other, the two merged (:func:`common`); otherwise
    the fewer searched in the other."""
    if len(run) > MERGE_RATIO * len(distinct):
        got |= held(run, distinct)
    elif len(distinct) > MERGE_RATIO * len(run):
        at = np.minimum(np.searchsorted(distinct, run), len(distinct) - 1)
        got[at[distinct[at] == run]] = True
    else:
        common(run, distinct, got)


def common(run: np.ndarray, distinct: np.ndarray, got: np.ndarray) -> None:
    """Mark in ``got`` the sorted, ``distinct`` values the sorted ``run`` holds: the two
    merged (a stable sort of two sorted runs is one linear merge), a value twice in a row
    is held — checked against ``distinct``, since a run may hold a value twice. Below
    :data:`MERGE_RATIO` a third to a half of the time of a binary search of each value."""
    both = np.concatenate((run, distinct))
    both.sort(kind="stable")
    twice = both[1:][both[1:] == both[:-1]]
    if len(twice):
        at = np.minimum(np.searchsorted(distinct, twice), len(distinct) - 1)
        got[at[distinct[at] == twice]] = True


def first_of_runs(ordered: np.ndarray) -> np.ndarray:
    """Of sorted values, which are the first of their run of equal ones."""
    return np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.ones(0, bool)


def distinct(ordered: np.ndarray) -> np.ndarray:
    """Sorted values, repeats dropped (np.unique hashes them: 134 ms for 500k hashes, the
    sort 10)."""
    return ordered[first_of_runs(ordered)]
