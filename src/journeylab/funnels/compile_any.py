"""order="any": per candidate start, the earliest event of each other step in the window.

One window pass over the per-(user, instant) table: for every instant, ``o{k}`` = the first
instant at or after it with a step-k event within ``within`` (RANGE [t, t + within]) and
``stop`` = the first excluded event strictly after it (ROWS 1 FOLLOWING ..). A step counts
when ``o{k} < stop``. reached = 1 + the number of counted steps; the chosen start is the
earliest start reaching the user's maximum. Times come back per step (t{k} = o{k}); the
result orders them.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_any", "any_instants"]


def any_instants(tagged: ir.Table, spec: FunnelSpec) -> ir.Table:
    aggs: dict[str, Any] = {
        f"h{k}": ibis.cases((tagged.k == k, 1), else_=0).max() for k in range(1, spec.n + 1)
    }
    if spec.exclude:
        xs = tagged.x0
        for i in range(1, len(spec.exclude)):
            xs = xs + tagged[f"x{i}"]
        aggs["cx"] = xs.sum()
    return tagged.group_by(["user_id", "t"]).agg(**aggs)


def compile_any(u: ir.Table, spec: FunnelSpec) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn (per-step times, unsorted), last_start."""
    n = spec.n
    win = ibis.window(group_by="user_id", order_by="t", range=(0, interval(spec.within)))
    cols: dict[str, Any] = {
        f"o{k}": ibis.cases((u[f"h{k}"] > 0, u.t)).min().over(win) for k in range(2, n + 1)
    }
    if spec.exclude:
        after = ibis.window(group_by="user_id", order_by="t", rows=(1, None))
        cols["stop"] = ibis.cases((u.cx > 0, u.t)).min().over(after)
    o = u.mutate(**cols).filter(ibis._.h1 > 0)
    valid: dict[str, Any] = {}
    for k in range(2, n + 1):
        ok = o[f"o{k}"].notnull()
        if spec.exclude:
            ok = ok & (o.stop.isnull() | (o[f"o{k}"] < o.stop))
        valid[f"t{k}"] = ibis.cases((ok, o[f"o{k}"]))
    starts = o.select("user_id", "t", **valid)
    m = ibis.literal(1)
    for k in range(2, n + 1):
        m = m + ibis.cases((starts[f"t{k}"].notnull(), 1), else_=0)
    starts = starts.mutate(m=m)
    best = starts.group_by("user_id").agg(reached=starts.m.max(), last_start=starts.t.max())
    cand = starts.join(best, "user_id").filter(ibis._.m == ibis._.reached)
    first = cand.group_by(uid=cand.user_id).agg(t1=cand.t.min())
    chosen = cand.join(first, [cand.user_id == first.uid, cand.t == first.t1])
    return chosen.select(
        "user_id", "reached", "last_start", "t1", *[f"t{k}" for k in range(2, n + 1)]
    )
