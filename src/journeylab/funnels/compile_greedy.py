"""Fast path for plain ordered funnels (no max_gap, exclusions only from step 1).

Without gaps, and with exclusions anchored at step 1, taking each step at its earliest
event at or after the previous one is optimal for every candidate start (earlier never
hurts the window or an exclusion). So:

1. ONE window pass over the step rows (partition user, order time): at every event,
   ``nx{j}`` = the first step-j instant at or after it (RANGE [t, +inf)) and ``stop{i}`` =
   the first excluded event of exclusion i strictly after it (RANGE [t + 1us, +inf)).
2. Each start s takes ``t2 = nx2(s)``; step j >= 3 is looked up with a hash join on
   (user, t_{j-1}) into the step-(j-1) rows' ``nx{j}``. A step counts while it is within
   ``s + within`` and before the start's first excluded event.
3. ONE group-by per user: reached = max over starts; since the greedy times are monotone in
   the start, the chosen (earliest) start reaching level L has ``t_j = min(t_j)`` over the
   starts reaching L, so every level's chain comes out of the same aggregation.

This is the benchmark path: one sort, n-2 hash joins, one hash aggregation.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_greedy"]


def compile_greedy(tagged: ir.Table, spec: FunnelSpec) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn, last_start."""
    n = spec.n
    win = interval(spec.within)
    # RANGE [t, +inf) written as a cumulative frame over descending time (peers included):
    # engines stream a running aggregate instead of evaluating every frame.
    w = ibis.window(group_by="user_id", order_by=ibis.desc("t"), range=(None, 0))
    cols: dict[str, Any] = {
        f"nx{j}": ibis.cases((tagged.k == j, tagged.t)).min().over(w) for j in range(2, n + 1)
    }
    if spec.exclude:
        after = ibis.window(
            group_by="user_id", order_by="t", range=(ibis.interval(microseconds=1), None)
        )
        for i in range(len(spec.exclude)):
            cols[f"stop{i}"] = ibis.cases((tagged[f"x{i}"] > 0, tagged.t)).min().over(after)
    rows = tagged.mutate(**cols)

    def ok(t: Any, s: Any, table: ir.Table, j: int) -> Any:
        cond = t.notnull() & (t <= s + win)
        for i, x in enumerate(spec.exclude):
            if x.last >= j:
                stop = table[f"stop{i}"]
                cond = cond & (stop.isnull() | (t < stop))
        return cond

    st = rows.filter(rows.k == 1)
    starts = st.select(
        "user_id",
        t1=st.t,
        **{f"stop{i}": st[f"stop{i}"] for i in range(len(spec.exclude))},
        t2=ibis.cases((ok(st.nx2, st.t, st, 2), st.nx2)),
    )
    for j in range(3, n + 1):
        prev = rows.filter(rows.k == j - 1)
        # no DISTINCT: a repeated (user, instant) only duplicates a start row, which the
        # final MIN/MAX aggregation absorbs
        look = prev.select(lu=prev.user_id, lt=prev.t, nxt=prev[f"nx{j}"])
        joined = starts.left_join(look, [starts.user_id == look.lu, starts[f"t{j - 1}"] == look.lt])
        tj = joined.nxt
        starts = joined.mutate(**{f"t{j}": ibis.cases((ok(tj, joined.t1, joined, j), tj))}).drop(
            "lu", "lt", "nxt"
        )
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
