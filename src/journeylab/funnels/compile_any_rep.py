"""order="any" where a name stands at several steps: occurrences counted with rank joins.

For a start at instant ``s`` the window holds the events in ``[s, s + within]`` before the
first excluded event strictly after ``s``. A name's steps count by occurrence: its i-th
step counts at the earliest time T by which distinct events of ``[s, T]`` can fill i of its
steps (step 1 only with an event at ``s``). By Hall's theorem (the deficiency form) that is
the latest, over every set S of the group's steps, of the time the events matching S reach
``i - |S_group| + |S|`` (minus, when S holds step 1, the events at ``s`` that only step 1
takes): one equi-join per (set, count) on the rank of those events — linear, no join of a
start with its window. A name at one step keeps compile_any's window MIN.

Per start: reached = the steps counted; the chosen start is the earliest reaching the
user's maximum; t{k} are per step (unsorted) and the result sorts them.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.repeats import Layout, any_pred, count_col
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_any_rep"]

# (has step 1, the other steps' predicates) -> the largest set size with that key
Key = tuple[bool, frozenset[int]]


def _keys(lay: Layout, g: tuple[int, ...]) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for r in range(1, len(g) + 1):
        for s in combinations(g, r):
            rest = frozenset(lay.pred(k) for k in s if k != 1)
            if not rest:
                continue  # {step 1} alone: its event at s always exists
            key = (1 in s, rest)
            out[key] = max(out.get(key, 0), r)
    return out


def _only1(lay: Layout, tagged: ir.Table, rest: frozenset[int]) -> Any:
    """Events that match step 1's predicate and none of ``rest``."""
    return (tagged[f"p{lay.pred(1)}"] > 0) & ~any_pred(lay, tagged, rest)


def compile_any_rep(tagged: ir.Table, spec: FunnelSpec, lay: Layout) -> ir.Table:
    """Per-user table: user_id, reached, t1..tn (per step, unsorted), last_start."""
    n = spec.n
    multi = [g for g in lay.groups if len(g) > 1]
    keys = {g: _keys(lay, g) for g in multi}
    sets = sorted({rest for ks in keys.values() for _, rest in ks}, key=sorted)
    only1 = sorted({rest for ks in keys.values() for has1, rest in ks if has1}, key=sorted)
    single = [g[0] for g in lay.groups if len(g) == 1 and g[0] != 1]
    aggs: dict[str, Any] = {"h1": tagged[f"p{lay.pred(1)}"].max()}
    for k in single:
        aggs[f"h{k}"] = tagged[f"p{lay.pred(k)}"].max()
    for q in sets:
        aggs[count_col(q)] = ibis.cases((any_pred(lay, tagged, q), 1), else_=0).sum()
    for q in only1:
        aggs["a" + count_col(q)] = ibis.cases((_only1(lay, tagged, q), 1), else_=0).sum()
    if spec.exclude:
        xs = tagged.x0
        for i in range(1, len(spec.exclude)):
            xs = xs + tagged[f"x{i}"]
        aggs["cx"] = xs.sum()
    u = tagged.group_by(["user_id", "t"]).agg(**aggs)

    rng = ibis.window(group_by="user_id", order_by="t", range=(0, interval(spec.within)))
    before = ibis.window(group_by="user_id", order_by="t", rows=(None, -1))
    cols: dict[str, Any] = {
        f"o{k}": ibis.cases((u[f"h{k}"] > 0, u.t)).min().over(rng) for k in single
    }
    for q in sets:
        cols["b" + count_col(q)] = u[count_col(q)].sum().over(before).fill_null(0)
    if spec.exclude:
        after = ibis.window(group_by="user_id", order_by="t", rows=(1, None))
        cols["stop"] = ibis.cases((u.cx > 0, u.t)).min().over(after)
    starts = u.mutate(**cols).filter(ibis._.h1 > 0)

    # rank joins: the time the events matching `rest` reach `base + q` from the start
    ranked: dict[frozenset[int], ir.Table] = {}
    for q in sets:
        e = tagged.filter(any_pred(lay, tagged, q))
        e = e.select(eu=e.user_id, et=e.t)
        rank = ibis.row_number().over(ibis.window(group_by="eu", order_by="et")) + 1
        ranked[q] = e.mutate(er=rank)
    slots: dict[int, list[str]] = {}  # step -> the joined times it waits for
    made: dict[tuple[bool, frozenset[int], int], str] = {}
    for g in multi:
        for i in range(2 if 1 in g else 1, len(g) + 1):
            need_cols = []
            for (has1, rest), size in keys[g].items():
                need = i - len(g) + size
                if need < 1:
                    continue
                name = made.get((has1, rest, need))
                if name is None:
                    name = f"T{len(made)}"
                    made[(has1, rest, need)] = name
                    off: Any = ibis.literal(need)
                    if has1:
                        off = off - starts["a" + count_col(rest)]
                    starts = starts.mutate(**{"q" + name: off})
                    key = starts["b" + count_col(rest)] + starts["q" + name]
                    e = ranked[rest]
                    j = starts.left_join(e, [starts.user_id == e.eu, key == e.er])
                    starts = j.select(*starts.columns, **{name: j.et})
                need_cols.append(name)
            slots[g[i - 1]] = need_cols
    tcols: dict[str, Any] = {"t1": starts.t}
    win_end = starts.t + interval(spec.within)
    for k in range(2, n + 1):
        if k in single:
            tk: Any = starts[f"o{k}"]
        else:
            parts = [
                ibis.cases((starts["q" + c] <= 0, starts.t), else_=starts[c]) for c in slots[k]
            ]
            anynull = parts[0].isnull()
            for p in parts[1:]:
                anynull = anynull | p.isnull()
            late = ibis.greatest(*parts) if len(parts) > 1 else parts[0]
            tk = ibis.cases((anynull, ibis.null("timestamp(6)")), else_=late)
            tk = ibis.cases((tk <= win_end, tk))
        ok = tk.notnull()
        if spec.exclude:
            ok = ok & (starts.stop.isnull() | (tk < starts.stop))
        tcols[f"t{k}"] = ibis.cases((ok, tk))
    s2 = starts.select("user_id", "t", **{c: v for c, v in tcols.items() if c != "t1"})
    m = ibis.literal(1)
    for k in range(2, n + 1):
        m = m + ibis.cases((s2[f"t{k}"].notnull(), 1), else_=0)
    s2 = s2.mutate(m=m)
    best = s2.group_by("user_id").agg(reached=s2.m.max(), last_start=s2.t.max())
    cand = s2.join(best, "user_id").filter(ibis._.m == ibis._.reached)
    first = cand.group_by(uid=cand.user_id).agg(t1=cand.t.min())
    chosen = cand.join(first, [cand.user_id == first.uid, cand.t == first.t1])
    return chosen.select(
        "user_id", "reached", "last_start", "t1", *[f"t{k}" for k in range(2, n + 1)]
    )
