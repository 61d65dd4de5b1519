"""Fast path for plain ordered funnels (no max_gap, exclusions only from step 1).

Without gaps, and with exclusions anchored at step 1, taking each step at its earliest
event at or after the previous one is optimal for every candidate start (earlier never
hurts the window or an exclusion), and greedy times grow with the start. So:

- Each step's rows are read straight from the events (``name = ...``, no tagging pass, no
  shared step table, event times kept as stored: no per-row cast).
- Step 2 is a left join of the starts with that step's events of the same user inside
  ``[t1, t1 + within]`` and one aggregation per user over those pairs: earliest start,
  last start, earliest ``t2``. A user whose starts are all at one instant (one signup each,
  the usual case) has their whole step-2 chain there. Only the users with starts at
  several instants take a second, small join and a ``MIN`` per start (user, t1), and give
  their earliest start reaching step 2 (``_level2``). This saves a 2.4M-group aggregation
  on the benchmark (docs/performance.md).
- Steps 3.. are inner joins of the starts still alive with the next step's events inside
  ``[t(j-1), t1 + within]``, a ``MIN`` per start, and a small per-user ``MIN`` of the
  chain times (the earliest start reaching level j has the smallest time at every step).
- The per-user levels are left-joined; a user's chain is the one of the furthest level.

A start's first excluded event strictly after it (and inside its window) is found the same
way and bounds its later steps. Hash joins and aggregations only: no sort, no window.

With ``key="user_key"`` (lakes whose integer keys are exact, docs/adr/0003) every join and
grouping is on the 64-bit key instead of the string id, and the per-user table holds keys:
:func:`id_lookup` maps them back to ids when a caller needs them (docs/adr/0003).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import interval
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_greedy", "id_lookup"]


def _literal(value: datetime, like: ir.TimestampValue) -> Any:
    """``value`` as a literal of the event-time column's own type (no cast of the column)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return ibis.literal(value.astimezone(UTC), type=like.type())


def _rows(events: ir.Table, cond: Any, as_of: datetime | None, key: str) -> ir.Table:
    """Columns ru (the user ``key``), rt: the events matching ``cond`` (and at or before
    ``as_of``)."""
    if as_of is not None:
        cond = cond & (events.event_at <= _literal(as_of, events.event_at))
    f = events.filter(cond)
    return f.select(ru=f[key], rt=f.event_at)


def _step(
    starts: ir.Table, rows: ir.Table, conds: Any, carry: list[str], name: str, left: bool
) -> ir.Table:
    """Join ``rows`` to ``starts`` (user and ``conds``); ``name`` = MIN(rt) per start (user_id,
    t1), carrying ``carry``."""
    on = [starts.uk == rows.ru, *conds]
    j = starts.left_join(rows, on) if left else starts.join(rows, on)
    return j.group_by(["uk", "t1"]).agg(**{c: j[c].min() for c in carry}, **{name: j.rt.min()})


def _conds(se: ir.Table, rows: ir.Table, j: int, spec: FunnelSpec) -> list[Any]:
    """Join conditions of step ``j``'s rows with the chains in ``se`` (columns t(j-1), end,
    stop<i>): at or after the previous step, inside the start's window, before the first
    excluded event that bounds step ``j``."""
    conds = [rows.rt >= se[f"t{j - 1}"], rows.rt <= se.end]
    for i, x in enumerate(spec.exclude):
        if x.last >= j:
            stop = se[f"stop{i}"]
            conds.append(stop.isnull() | (rows.rt < stop))
    return conds


def _level2(
    starts: ir.Table, rows: ir.Table, spec: FunnelSpec, carry: list[str]
) -> tuple[ir.Table, ir.Table, ir.Table]:
    """Step 2. Returns (per-user table uk, l1_1, last_start, l2_2; the multi-instant users'
    level-2 start u2, m2_1; the chains alive after step 2: uk, t1, carry..., t2).

    One aggregation per user over the start × step-2 pairs gives the earliest start, the last
    start and the earliest step-2 time. For a user whose starts are all at one instant (in
    practice most users: one signup each) that is their whole step-2 chain. Only users with
    starts at several instants need the per-start ``MIN``: a second join, over their starts
    alone."""
    on = [starts.uk == rows.ru, *_conds(starts, rows, 2, spec)]
    pairs = starts.left_join(rows, on)
    per = pairs.group_by("uk").agg(
        l1_1=pairs.t1.min(),
        last_start=pairs.t1.max(),
        l2_2=pairs.rt.min(),
        **{c: pairs[c].min() for c in carry},
    )
    one = per.filter((per.l1_1 == per.last_start) & per.l2_2.notnull())
    alive_one = one.select("uk", t1=one.l1_1, **{c: one[c] for c in carry}, t2=one.l2_2)
    many = per.filter(per.l1_1 != per.last_start).select(mk=per.uk)
    # their starts, grouped before the join with the step-2 rows: without the grouping
    # DuckDB joined all starts with those rows first and filtered after (+0.4 s at 100M)
    mine = starts.semi_join(many, starts.uk == many.mk)
    mine = mine.group_by(["uk", "t1"]).agg(end=mine.end.min(), **{c: mine[c].min() for c in carry})
    alive_many = _step(mine, rows, _conds(mine, rows, 2, spec), carry, "t2", left=False)
    lv2 = alive_many.group_by(u2=alive_many.uk).agg(m2_1=alive_many.t1.min())
    return per.select("uk", "l1_1", "last_start", "l2_2"), lv2, alive_one.union(alive_many)


def compile_greedy(
    events: ir.Table, spec: FunnelSpec, as_of: datetime | None, key: str = "user_id"
) -> ir.Table:
    """Per-user table: user_id (or user_key, with ``key="user_key"``), reached, last_start,
    t1..tn (times in the events' type). ``spec.n >= 2`` (the spec guarantees it). ``key``:
    the column users are joined and grouped on (``user_id``, or ``user_key`` when the
    lake's keys are exact)."""
    n = spec.n
    win = interval(spec.within)
    first = spec.steps[0].expr(events)
    if spec.start is not None:
        first = first & (events.event_at >= _literal(spec.start, events.event_at))
    if spec.end is not None:
        first = first & (events.event_at < _literal(spec.end, events.event_at))
    r1 = _rows(events, first, as_of, key)
    starts = r1.select(uk=r1.ru, t1=r1.rt)
    carry: list[str] = []
    for i, x in enumerate(spec.exclude):
        xs = _rows(events, x.step.expr(events), as_of, key)
        se = starts.mutate(end=starts.t1 + win)
        starts = _step(se, xs, [xs.rt > se.t1, xs.rt <= se.end], carry, f"stop{i}", left=True)
        carry.append(f"stop{i}")
    rows = _rows(events, spec.steps[1].expr(events), as_of, key)
    per, lv2, alive = _level2(starts.mutate(end=starts.t1 + win), rows, spec, carry)
    carry.append("t2")
    per = per.left_join(lv2, per.uk == lv2.u2)
    for j in range(3, n + 1):
        rows = _rows(events, spec.steps[j - 1].expr(events), as_of, key)
        se = alive.mutate(end=alive.t1 + win)
        alive = _step(se, rows, _conds(se, rows, j, spec), carry, f"t{j}", left=False)
        carry.append(f"t{j}")
        lv = alive.group_by(**{f"u{j}": alive.uk}).agg(
            **{f"l{j}_{i}": alive[f"t{i}"].min() for i in range(1, j + 1)}
        )
        per = per.left_join(lv, per.uk == lv[f"u{j}"])
    reached: Any = 1 + ibis.cases((per.l2_2.notnull(), 1), else_=0)
    for j in range(3, n + 1):
        reached = reached + ibis.cases((per[f"u{j}"].notnull(), 1), else_=0)
    # the furthest level's chain: levels are nested, so the first non-null from the top
    # (level 2's start: m2_1 for users with starts at several instants, else l1_1)
    below3 = {1: [per.m2_1, per.l1_1], 2: [per.l2_2]}
    out: dict[str, Any] = {}
    for i in range(1, n + 1):
        srcs = [per[f"l{level}_{i}"] for level in range(n, max(i, 3) - 1, -1)]
        srcs += below3.get(i, [])
        out[f"t{i}"] = ibis.coalesce(*srcs) if len(srcs) > 1 else srcs[0]
    ident = per.uk.name("user_id" if key == "user_id" else "user_key")
    return per.select(ident, reached=reached, last_start=per.last_start, **out)


def id_lookup(events: ir.Table, spec: FunnelSpec) -> ir.Table:
    """user_key → user_id for every user with a step-1 event (each entrant has one), with
    ``ids`` = the number of distinct ids per key (1 while the lake's keys are exact)."""
    rows = events.filter(events.name == spec.steps[0].name)
    return rows.group_by(user_key=rows.user_key).agg(
        user_id=rows.user_id.min(), ids=rows.user_id.nunique()
    )
