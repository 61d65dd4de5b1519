"""Plain ordered funnels in one pass over key-sorted step rows (docs/adr/0007).

For an ordered funnel without gaps or exclusions, with step filters or not, with no
breakdown or one by first touch, on a lake whose integer user keys are exact, each step is
two arrays sorted by (user_key, event_at) (:mod:`journeylab.funnels.one_pass_rows`: a
filtered step through the engine, the others by :func:`journeylab.lake.keyed.keyed_rows`).
Every start (a step-1 event) takes, at each next step, the earliest event of the same user
at or after the previous step and inside the start's window — the greedy chain
``compile_greedy`` computes with joins (earliest is optimal, and greedy times grow with the
start). Here it is one vectorised search per step:
each alive chain's user is found in the step's keys (``searchsorted``) and, inside that
user's rows, the first time at or after the previous one by a bisection run on all chains
at once (as many rounds as the longest user's rows take: log2 of it). No join, no hash
table, no aggregation over the whole step.

A user's chain is the earliest start reaching the furthest level (the same chain the Ibis
paths pick); ``last_start`` is the user's latest start, for ``in_progress``; a breakdown's
value is the chain's start's. The result is the per-user frame
:func:`journeylab.funnels.build_result` takes, keyed by ``user_key``.
``tests/test_funnel_one_pass.py`` holds it equal to the reference and to the Ibis paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from journeylab.funnels.spec import FunnelSpec

__all__ = ["fits_one_pass", "one_pass_frame"]

_US = timedelta(microseconds=1)
#: linear probes before bisecting (most chains find their row at the first or second)
_PROBES = 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(value: datetime) -> int:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _US


def fits_one_pass(spec: FunnelSpec) -> bool:
    """Whether ``spec`` can run here: ordered, no gaps, no exclusions, named steps (with or
    without ``where``), no breakdown or one by first touch (derived moments take the Ibis
    paths)."""
    from journeylab.steps import Step

    return (
        spec.simple
        and not spec.exclude
        and (spec.by is None or spec.attribution == "first_touch")
        and all(type(s) is Step for s in spec.steps)
    )


def _first_at_or_after(
    keys: np.ndarray, times: np.ndarray, users: np.ndarray, after: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each (user, time) query: the position of that user's first row at or after the
    time in (keys, times) sorted by both, and whether there is one.

    The user's rows start at ``searchsorted`` and end where the key changes (one O(n) pass
    over the step, not a second search). Most users have the wanted row first or close to
    it: a few linear probes settle them, and a bisection the rest."""
    n = len(keys)
    lo = np.searchsorted(keys, users)
    bounds = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    ends = np.r_[bounds, n]
    seg_end = np.repeat(ends, np.diff(np.r_[0, ends]))
    safe = np.minimum(lo, n - 1)
    hi = np.where(keys[safe] == users, seg_end[safe], lo)  # lo == n: keys[n-1] < user
    pos = lo
    todo = np.flatnonzero(pos < hi)
    for _ in range(_PROBES):
        if not len(todo):
            break
        todo = todo[times[pos[todo]] < after[todo]]
        pos[todo] += 1
        todo = todo[pos[todo] < hi[todo]]
    if len(todo):  # users with many rows before the wanted one
        a, b, want = pos[todo], hi[todo], after[todo]
        active = a < b
        while active.any():
            mid = (a + b) >> 1
            right = active & (times[np.minimum(mid, n - 1)] < want)
            a = np.where(right, mid + 1, a)
            b = np.where(active & ~right, mid, b)
            active = a < b
        pos[todo] = a
    return pos, pos < hi


def one_pass_frame(
    spec: FunnelSpec,
    rows: Sequence[tuple[np.ndarray, np.ndarray]],
    as_of: datetime,
    filter_as_of: bool,
    values: pl.DataFrame | None = None,
) -> pl.DataFrame | None:
    """Per-user frame: user_key, reached, t1..tn (UTC µs), last_start, matured,
    in_progress, and with a breakdown vs, vn. ``rows``: each step's (user_key, event_at
    µs), sorted by both; ``values``: the breakdown's vs, vn of the start step's rows.

    None when a breakdown's start is ambiguous: the chosen start shares its user and time
    with another start event, and the SQL paths take the one with the smallest event_id,
    which these rows do not hold (the caller runs the funnel as SQL)."""
    n = spec.n
    cut = _us(as_of)
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    for k in range(n):
        keys, times = rows[k]
        keep = times <= cut if filter_as_of else None
        if k == 0 and spec.start is not None:
            lo = times >= _us(spec.start)
            keep = lo if keep is None else keep & lo
        if k == 0 and spec.end is not None:
            hi = times < _us(spec.end)
            keep = hi if keep is None else keep & hi
        if keep is not None and keep.all():  # the usual case: no copy
            keep = None
        steps.append((keys, times) if keep is None else (keys[keep], times[keep]))
        if k == 0 and keep is not None and values is not None:
            values = values.filter(pl.Series(keep))
    u1, t1 = steps[0]
    end = t1 + spec.within // _US
    level = np.ones(len(u1), np.int64)
    at = [t1] + [np.zeros(len(u1), np.int64) for _ in range(n - 1)]
    alive: np.ndarray | None = None  # the chains still going (None: every start)
    prev = t1
    for j in range(1, n):
        keys, times = steps[j]
        if (alive is not None and not len(alive)) or not len(keys):
            break
        users, ends = (u1, end) if alive is None else (u1[alive], end[alive])
        pos, found = _first_at_or_after(keys, times, users, prev)
        tj = times[np.minimum(pos, len(times) - 1)]
        found &= tj <= ends
        alive = np.flatnonzero(found) if alive is None else alive[found]
        prev = tj[found]
        level[alive] = j + 1
        at[j][alive] = prev
    return _per_user(spec, u1, t1, level, at, cut, values)


def _per_user(
    spec: FunnelSpec,
    u1: np.ndarray,
    t1: np.ndarray,
    level: np.ndarray,
    at: list[np.ndarray],
    cut: int,
    values: pl.DataFrame | None = None,
) -> pl.DataFrame | None:
    """One row per user: the earliest start at the user's furthest level, and the latest."""
    n = spec.n
    ts = pl.Datetime("us", "UTC")
    if not len(u1):
        return pl.DataFrame(
            schema={
                "user_key": pl.Int64,
                "reached": pl.Int64,
                **{f"t{k}": ts for k in range(1, n + 1)},
                "last_start": ts,
                "matured": pl.Boolean,
                "in_progress": pl.Boolean,
                **({} if values is None else {"vs": pl.String, "vn": pl.Float64}),
            }
        )
    new_user = u1[1:] != u1[:-1]
    if new_user.all():  # one start per user (a signup, say): each start is its user's
        reached, last_start, chosen, users = level, t1, at, u1
        chosen_values = values
    else:
        first = np.flatnonzero(np.r_[True, new_user])
        last = np.r_[first[1:], len(u1)] - 1
        reached = np.maximum.reduceat(level, first)
        # starts are in time order within a user: the first start at the user's best level
        at_best = level == np.repeat(reached, last - first + 1)
        best = np.minimum.reduceat(np.where(at_best, np.arange(len(u1)), len(u1)), first)
        last_start = t1[last]
        if values is not None:
            nxt = np.minimum(best + 1, len(u1) - 1)
            if ((nxt > best) & (u1[nxt] == u1[best]) & (t1[nxt] == t1[best])).any():
                return None  # a tie at a chosen start: the SQL paths pick by event_id
        chosen, users = [t[best] for t in at], u1[first]
        chosen_values = None if values is None else values[best]
    open_ = last_start > cut - spec.within // _US
    frame = pl.DataFrame(
        {
            "user_key": users,
            "reached": reached,
            **{f"t{k}": chosen[k - 1] for k in range(1, n + 1)},
            "last_start": last_start,
            "matured": ~open_,
            "in_progress": (reached < n) & open_,
        }
    )
    if chosen_values is not None:
        frame = frame.with_columns(chosen_values.get_columns())
    return frame.with_columns(
        [
            pl.when(pl.col("reached") >= k).then(pl.col(f"t{k}")).cast(ts).alias(f"t{k}")
            for k in range(1, n + 1)
        ]
        + [pl.col("last_start").cast(ts)]
    )
