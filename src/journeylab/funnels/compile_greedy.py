"""Fast path for plain ordered funnels (no max_gap, exclusions only from step 1).

Without gaps, and with exclusions anchored at step 1, taking each step at its earliest
event at or after the previous one is optimal for every candidate start (earlier never
hurts the window or an exclusion). Each step is one hash join of the starts with that
step's events of the same user inside ``[previous step, start + within]`` and one
aggregation per start (``MIN``); a start's first excluded event strictly after it is found
the same way. A final aggregation per user gives the furthest level and, since greedy times
grow with the start, the earliest start's chain at every level (``t_j = MIN(t_j)`` over the
starts reaching it). Hash joins and aggregations only: no sort.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_greedy"]


def _next(starts: ir.Table, rows: ir.Table, cond: Any, name: str, carry: list[str]) -> ir.Table:
    """Left-join ``rows`` (columns ru, rt) to ``starts`` on the user and ``cond``; add
    ``name`` = MIN(rt) per start (user_id, t1), carrying ``carry``."""
    j = starts.left_join(rows, [starts.user_id == rows.ru, *cond(starts, rows)])
    return j.group_by(["user_id", "t1"]).agg(**{c: j[c].min() for c in carry}, **{name: j.rt.min()})


def compile_greedy(tagged: ir.Table, spec: FunnelSpec) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn, last_start."""
    n = spec.n
    win = interval(spec.within)
    st = tagged.filter(tagged.k == 1)
    # repeated starts at one instant are merged by the first per-start aggregation below
    starts = st.select("user_id", t1=st.t)
    carry: list[str] = []
    for i in range(len(spec.exclude)):
        xs = tagged.filter(tagged[f"x{i}"] > 0).select(ru="user_id", rt="t")
        starts = _next(starts, xs, lambda s, r: [r.rt > s.t1], f"stop{i}", carry)
        carry.append(f"stop{i}")
    for j in range(2, n + 1):
        rows = tagged.filter(tagged.k == j).select(ru="user_id", rt="t")
        prev = f"t{j - 1}"

        def cond(s: ir.Table, r: ir.Table, prev: str = prev, j: int = j) -> list[Any]:
            out = [r.rt >= s[prev], r.rt <= s.t1 + win]
            for i, x in enumerate(spec.exclude):
                if x.last >= j:
                    stop = s[f"stop{i}"]
                    out.append(stop.isnull() | (r.rt < stop))
            return out

        starts = _next(starts, rows, cond, f"t{j}", [*carry])
        carry.append(f"t{j}")
    m: Any = ibis.literal(1)
    for j in range(2, n + 1):
        m = m + ibis.cases((starts[f"t{j}"].notnull(), 1), else_=0)
    starts = starts.mutate(m=m)
    aggs: dict[str, Any] = {"reached": starts.m.max(), "last_start": starts.t1.max()}
    for level in range(1, n + 1):
        for j in range(1, level + 1):
            aggs[f"l{level}_{j}"] = ibis.cases((starts.m >= level, starts[f"t{j}"])).min()
    per = starts.group_by("user_id").agg(**aggs)
    out: dict[str, Any] = {}
    for j in range(1, n + 1):
        out[f"t{j}"] = ibis.cases(
            *[(per.reached == level, per[f"l{level}_{j}"]) for level in range(j, n + 1)]
        )
    return per.select("user_id", "reached", "last_start", **out)
