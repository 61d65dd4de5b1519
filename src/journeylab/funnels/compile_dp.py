"""General ordered/strict funnel: a backward DP over instants, then a forward recovery.

On the per-(user, instant) table (see compile_common.instants):

1. Backward DP, one window pass per step k = n-1 .. 1. ``g{k}_{j}`` at an instant with a
   step-k event is the earliest time at which a valid chain starting with step k there can
   reach step j (null if none). Step k+1 may be at the same instant (distinct events) or
   later: a running MIN over ``RANGE [t, t + max_gap]`` (or unbounded); strict takes the
   same instant or the user's next event instant only (LEAD, compared with ``nxt``).
   Exclusions active on the transition partition the window by segment (the count of
   excluded events at or before the instant) so a chain cannot cross one.
2. A step-1 instant ``s`` reaches step j iff ``g1_j <= s + within`` (earliest finish is
   optimal since the window is anchored at the start). reached = max j over the user's
   candidate starts; the chosen start = the earliest reaching it.
3. Forward recovery, one join per step: step k is the earliest instant that continues the
   chosen chain validly and can still finish step ``reached`` in the window
   (``g{k}_{reached} <= s* + within``) - "each step at its earliest qualifying event".

Costs: n-1 window passes + n-1 joins over the step rows. No per-start self-join.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_dp"]


def _least(a: Any, b: Any) -> Any:
    return ibis.cases((a.isnull(), b), (b.isnull(), a), (a <= b, a), else_=b)


def _backward(u: ir.Table, spec: FunnelSpec) -> ir.Table:
    n = spec.n
    u = u.mutate(**{f"g{n}_{n}": ibis.cases((u[f"h{n}"] > 0, u.t))})
    for k in range(n - 1, 0, -1):
        keys = ["user_id", *[f"seg{i}" for i in spec.active_exclusions(k)]]
        gap = spec.gap(k)
        cols: dict[str, Any] = {}
        has = u[f"h{k}"] > 0
        if spec.order == "strict":
            w = ibis.window(group_by=keys, order_by="t")
            lt = u.t.lead().over(w)
            ok = lt == u.nxt
            if gap is not None:
                ok = ok & (lt <= u.t + interval(gap))
            for j in range(k + 1, n + 1):
                nxt_g = ibis.cases((ok, u[f"g{k + 1}_{j}"].lead().over(w)))
                cols[f"g{k}_{j}"] = ibis.cases((has, _least(u[f"g{k + 1}_{j}"], nxt_g)))
        else:
            hi = None if gap is None else interval(gap)
            w = ibis.window(group_by=keys, order_by="t", range=(0, hi))
            for j in range(k + 1, n + 1):
                cols[f"g{k}_{j}"] = ibis.cases((has, u[f"g{k + 1}_{j}"].min().over(w)))
        cols[f"g{k}_{k}"] = ibis.cases((has, u.t))
        u = u.mutate(**cols)
    return u


def compile_dp(u: ir.Table, spec: FunnelSpec) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn, last_start."""
    n = spec.n
    win = interval(spec.within)
    g = _backward(u, spec)
    starts = g.filter(g.h1 > 0)
    reach = ibis.cases(
        *[((starts[f"g1_{j}"] <= starts.t + win), j) for j in range(n, 1, -1)], else_=1
    )
    segs = [f"seg{i}" for i in range(len(spec.exclude))]
    starts = starts.select("user_id", "t", *segs, m=reach)
    best = starts.group_by("user_id").agg(reached=starts.m.max(), last_start=starts.t.max())
    cand = starts.join(best, "user_id").filter(ibis._.m == ibis._.reached)
    chain = cand.group_by("user_id").agg(
        reached=cand.reached.max(),
        last_start=cand.last_start.max(),
        t1=cand.t.min(),
        **{s: cand[s].min() for s in segs},
    )
    for k in range(2, n + 1):
        rows = g.filter(g[f"h{k}"] > 0)
        j = rows.join(chain, "user_id")
        prev = j[f"t{k - 1}"]
        g_sel = ibis.cases(*[(j.reached == m, j[f"g{k}_{m}"]) for m in range(k, n + 1)])
        cond = (j.reached >= k) & (j.t >= prev) & (g_sel <= j.t1 + win)
        gap = spec.gap(k - 1)
        if gap is not None:
            cond = cond & (j.t <= prev + interval(gap))
        if spec.order == "strict":
            cond = cond & ((j.t == prev) | (j.prv == prev))
        for i in spec.active_exclusions(k - 1):
            cond = cond & (j[f"seg{i}"] == j[f"seg{i}_right"])
        hit = j.filter(cond)
        step = hit.group_by(uid=hit.user_id).agg(
            **{f"t{k}": hit.t.min()}, **{f"n{s}": hit[s].min() for s in segs}
        )
        chain = chain.left_join(step, chain.user_id == step.uid)
        chain = chain.mutate(**{s: chain[f"n{s}"] for s in segs})
        drop = {"uid", *[f"n{s}" for s in segs]}
        chain = chain.select(*[c for c in chain.columns if c not in drop])
    return chain.select(*[c for c in chain.columns if c not in segs])
