"""Ordered/strict funnels where a name stands at several steps: a DP over blocks.

A chain fills steps with distinct events at non-decreasing times, so the steps it fills at
one instant are consecutive: a *block* ``k..m``, possible when distinct events of that
instant can fill them (:func:`journeylab.funnels.repeats.hall`). On the per-(user, instant)
table of predicate counts:

1. Backward DP. ``g{k}_{j}`` at an instant = the earliest time a chain whose block starts
   with step k there can reach step j: the instant itself if the block can run to j, else
   the least, over the block ends m it can reach, of ``n{m+1}_{j}``. ``n{s}_{j}`` = the least
   ``g{s}_{j}`` over the strictly later instants a chain may go to from step s-1 (a running
   MIN over ``ROWS 1 FOLLOWING ..`` or ``RANGE (0, max_gap]``; strict: the user's next
   instant only; exclusions active on the transition partition the window by segment).
2. A start instant ``s`` reaches j iff ``g1_j <= s + within``; the chosen start is the
   earliest reaching the user's furthest step.
3. Forward recovery, one join per step: step k stays at the previous step's instant when
   the block can take it and still finish, else goes to the earliest valid later instant
   that can finish (``g{k}_{reached} <= t1 + within``) - each step at its earliest event.

Costs as compile_dp: n-1 window passes and n-1 joins over the step instants, no per-start
self-join; the SQL grows with n² (a column per (k, j)) and with the blocks' conditions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.repeats import Layout, any_pred, count_col, hall, pred_sets
from journeylab.funnels.spec import FunnelSpec

__all__ = ["block_instants", "compile_blocks"]

_US = ibis.interval(microseconds=1)


def _least_all(values: list[Any]) -> Any:
    """The least non-null value (LEAST skips nulls on DuckDB and Spark)."""
    return values[0] if len(values) == 1 else ibis.least(*values)


def block_instants(tagged: ir.Table, lay: Layout, strict: bool = False) -> ir.Table:
    """One row per (user, instant) with a step event: the counts the blocks' conditions read
    (:func:`repeats.count_col`), seg0..segE (excluded events at or before the instant), for
    strict the neighbouring instants of any event (prv, nxt), and f{b}_{m} (distinct events
    of the instant can fill steps b..m)."""
    spec = lay.spec
    sets: set[frozenset[int]] = set()
    for g in lay.groups:
        sets |= {q for q, _ in pred_sets(lay, g)}
    aggs: dict[str, Any] = {
        count_col(q): ibis.cases((any_pred(lay, tagged, q), 1), else_=0).sum()
        for q in sorted(sets, key=sorted)
    }
    for i in range(len(spec.exclude)):
        aggs[f"c{i}"] = tagged[f"x{i}"].sum()
    u = tagged.group_by(["user_id", "t"]).agg(**aggs)
    if spec.exclude or strict:
        w = ibis.window(group_by="user_id", order_by="t")
        cum = ibis.window(group_by="user_id", order_by="t", rows=(None, 0))
        extra: dict[str, Any] = {
            f"seg{i}": u[f"c{i}"].sum().over(cum) for i in range(len(spec.exclude))
        }
        if strict:
            extra["prv"] = u.t.lag().over(w)
            extra["nxt"] = u.t.lead().over(w)
        u = u.mutate(**extra)
    has = [u[count_col(frozenset({lay.pred(k)}))] > 0 for k in range(1, spec.n + 1)]
    anyp = has[0]
    for h in has[1:]:
        anyp = anyp | h
    u = u.filter(anyp)
    u = u.select(*[c for c in u.columns if not (c[0] == "c" and c[1:].isdigit())])
    # f{b}_{m}: distinct events of this instant can fill steps b..m (a block)
    n = spec.n
    blocks = {f"f{b}_{m}": hall(lay, u, b, m) for b in range(1, n + 1) for m in range(b, n + 1)}
    return u.mutate(**blocks)


def _fin(lay: Layout, u: ir.Table, b: int, k: int, j: int) -> Any:
    """With a block from step b at this instant already holding steps b..k-1: the earliest
    time it can reach step j when it takes step k too (null if it cannot; every option
    needs the block to take step k)."""
    opts = []
    for m in range(k, j + 1):
        ok = u[f"f{b}_{m}"]
        opts.append(ibis.cases((ok, u.t if m == j else u[f"n{m + 1}_{j}"])))
    return _least_all(opts)


def _g(lay: Layout, u: ir.Table, k: int) -> dict[str, Any]:
    """g{k}_{j} for j >= k (null where the instant has no step-k event)."""
    return {f"g{k}_{j}": _fin(lay, u, k, k, j) for j in range(k, lay.spec.n + 1)}


def _backward(u: ir.Table, lay: Layout) -> ir.Table:
    """g and n columns for steps 2..n (step 1's g columns only on the starts)."""
    spec = lay.spec
    n = spec.n
    for k in range(n, 1, -1):
        u = u.mutate(**_g(lay, u, k))
        # n{k}_{j}: the best g{k}_{j} of the instants a chain may go to from step k-1
        keys = ["user_id", *[f"seg{i}" for i in spec.active_exclusions(k - 1)]]
        gap = spec.gap(k - 1)
        cols: dict[str, Any] = {}
        if spec.order == "strict":
            w = ibis.window(group_by=keys, order_by="t")
            lt = u.t.lead().over(w)
            ok = lt == u.nxt
            if gap is not None:
                ok = ok & (lt <= u.t + interval(gap))
            for j in range(k, n + 1):
                cols[f"n{k}_{j}"] = ibis.cases((ok, u[f"g{k}_{j}"].lead().over(w)))
        elif gap is not None and gap < timedelta(microseconds=1):
            for j in range(k, n + 1):  # no later instant is that close
                cols[f"n{k}_{j}"] = ibis.null(u.t.type())
        else:
            if gap is None:
                w = ibis.window(group_by=keys, order_by="t", rows=(1, None))
            else:
                w = ibis.window(group_by=keys, order_by="t", range=(_US, interval(gap)))
            for j in range(k, n + 1):
                cols[f"n{k}_{j}"] = u[f"g{k}_{j}"].min().over(w)
        u = u.mutate(**cols)
    return u


def compile_blocks(u: ir.Table, spec: FunnelSpec, lay: Layout) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn, last_start (``u``: block_instants)."""
    n = spec.n
    win = interval(spec.within)
    g = _backward(u, lay)
    starts = g.filter(g.f1_1)
    starts = starts.mutate(**_g(lay, starts, 1))
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
    chain = chain.mutate(b=ibis.literal(1).cast("int16"))
    for k in range(2, n + 1):
        rows = g.filter(g[f"f{k}_{k}"])
        j = rows.join(chain, "user_id")
        prev = j[f"t{k - 1}"]
        # stay: the block (from step b at the previous step's instant) takes step k too
        stay = []
        for b in range(1, k):
            for r in range(k, n + 1):
                fin = _fin(lay, j, b, k, r)
                stay.append((j.b == b) & (j.reached == r) & (fin <= j.t1 + win).fill_null(False))
        stay_ok = stay[0]
        for s in stay[1:]:
            stay_ok = stay_ok | s
        # move: a later instant, a valid transition from step k-1, a block from k that finishes
        g_sel = ibis.cases(*[(j.reached == r, j[f"g{k}_{r}"]) for r in range(k, n + 1)])
        move = (j.t > prev) & (g_sel <= j.t1 + win)
        gap = spec.gap(k - 1)
        if gap is not None:
            move = move & (j.t <= prev + interval(gap))
        if spec.order == "strict":
            move = move & (j.prv == prev)
        for i in spec.active_exclusions(k - 1):
            move = move & (j[f"seg{i}"] == j[f"seg{i}_right"])
        cond = (j.reached >= k) & (((j.t == prev) & stay_ok) | move.fill_null(False))
        hit = j.filter(cond)
        step = hit.group_by(uid=hit.user_id).agg(
            **{f"t{k}": hit.t.min()}, **{f"n{s}": hit[s].min() for s in segs}
        )
        chain = chain.left_join(step, chain.user_id == step.uid)
        moved = chain[f"t{k}"] > chain[f"t{k - 1}"]
        chain = chain.mutate(
            **{s: chain[f"n{s}"] for s in segs},
            b=ibis.cases((moved.fill_null(False), k), else_=chain.b).cast("int16"),
        )
        drop = {"uid", *[f"n{s}" for s in segs]}
        chain = chain.select(*[c for c in chain.columns if c not in drop])
    return chain.select(*[c for c in chain.columns if c not in segs and c != "b"])
