"""Fast path for plain ordered funnels (no max_gap, exclusions only from step 1).

Without gaps, and with exclusions anchored at step 1, taking each step at its earliest
event at or after the previous one is optimal for every candidate start (earlier never
hurts the window or an exclusion), so one window pass per step suffices: start rows keyed
by their current step time are unioned with the step-k instants and ``MIN`` over
``RANGE [key, +inf)`` gives the next step's earliest instant. This is the benchmark path.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_greedy"]

_TS = "timestamp(6)"


def compile_greedy(tagged: ir.Table, spec: FunnelSpec) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn, last_start."""
    n = spec.n
    win = interval(spec.within)
    steps = tagged.filter(tagged.k > 0).select("user_id", "t", "k").distinct()
    starts = steps.filter(steps.k == 1).select("user_id", t1=steps.t)
    if spec.exclude:
        starts = _next_exclusions(starts, tagged, spec)
    cur = starts.mutate(alive=ibis.literal(True))
    for k in range(2, n + 1):
        prev = cur[f"t{k - 1}"]
        tk = steps.filter(steps.k == k).select("user_id", key="t")
        a = cur.mutate(key=ibis.cases((cur.alive, prev)), st=ibis.literal(True))
        extra = [c for c in a.columns if c not in ("user_id", "key", "st")]
        b = tk.mutate(st=ibis.literal(False), **{c: ibis.null().cast(a[c].type()) for c in extra})
        both = a.union(b.select(*a.columns))
        w = ibis.window(group_by="user_id", order_by="key", range=(0, None))
        nxt = ibis.cases((~both.st, both.key)).min().over(w)
        both = both.mutate(nk=nxt).filter(ibis._.st)
        ok = both.alive & both.nk.notnull() & (both.nk <= both.t1 + win)
        for i, x in enumerate(spec.exclude):
            if x.last >= k:
                stop = both[f"stop{i}"]
                ok = ok & (stop.isnull() | (both.nk < stop))
        cur = both.mutate(**{f"t{k}": ibis.cases((ok, both.nk))}, alive=ok).drop("key", "st", "nk")
    m: Any = ibis.literal(1)
    for k in range(2, n + 1):
        m = m + ibis.cases((cur[f"t{k}"].notnull(), 1), else_=0)
    cur = cur.mutate(m=m)
    best = cur.group_by("user_id").agg(reached=cur.m.max(), last_start=cur.t1.max())
    cand = cur.join(best, "user_id").filter(ibis._.m == ibis._.reached)
    first = cand.group_by(uid=cand.user_id).agg(s=cand.t1.min())
    chosen = cand.join(first, [cand.user_id == first.uid, cand.t1 == first.s])
    return chosen.select("user_id", "reached", "last_start", *[f"t{k}" for k in range(1, n + 1)])


def _next_exclusions(starts: ir.Table, tagged: ir.Table, spec: FunnelSpec) -> ir.Table:
    """stop{i}: the first excluded event of exclusion i strictly after each start."""
    for i in range(len(spec.exclude)):
        xi = tagged.filter(tagged[f"x{i}"] > 0).select("user_id", key="t").distinct()
        a = starts.mutate(key=starts.t1, st=ibis.literal(True))
        extra = [c for c in a.columns if c not in ("user_id", "key", "st")]
        b = xi.mutate(st=ibis.literal(False), **{c: ibis.null().cast(a[c].type()) for c in extra})
        both = a.union(b.select(*a.columns))
        # excluded rows at a start's instant sort before it (False < True): not "after"
        w = ibis.window(group_by="user_id", order_by=["key", "st"], rows=(1, None))
        nxt = ibis.cases((~both.st, both.key)).min().over(w)
        starts = both.mutate(**{f"stop{i}": nxt}).filter(ibis._.st).drop("key", "st")
    return starts
