"""Fast path for plain ordered funnels (no max_gap, exclusions only from step 1).

Without gaps, and with exclusions anchored at step 1, taking each step at its earliest
event at or after the previous one is optimal for every candidate start (earlier never
hurts the window or an exclusion), and greedy times grow with the start. So:

- Each step's rows are read straight from the events (``name = ...``, no tagging pass, no
  shared step table, event times kept as stored: no per-row cast).
- Step 2 is a left join of the starts with that step's events of the same user inside
  ``[t1, t1 + within]`` and a ``MIN`` per start (user, t1). One aggregation per user over
  that table gives the step-1 level (earliest start, last start) and the step-2 level
  (earliest start reaching step 2 and its ``t2``).
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


def _rows(
    events: ir.Table, cond: Any, names: list[str], as_of: datetime | None, key: str
) -> ir.Table:
    """Columns ru (the user ``key``), rt: the events matching ``cond`` (and at or before
    ``as_of``)."""
    cond = events.name.isin(names) & cond
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


def compile_greedy(
    events: ir.Table, spec: FunnelSpec, as_of: datetime | None, key: str = "user_id"
) -> ir.Table:
    """Per-user table: user_id (or user_key, with ``key="user_key"``), reached, last_start,
    t1..tn (times in the events' type). ``spec.n >= 2`` (the spec guarantees it). ``key``:
    the column users are joined and grouped on (``user_id``, or ``user_key`` when the
    lake's keys are exact)."""
    n = spec.n
    win = interval(spec.within)
    names = sorted({s.name for s in spec.steps} | {x.step.name for x in spec.exclude})
    first = spec.steps[0].expr(events)
    if spec.start is not None:
        first = first & (events.event_at >= _literal(spec.start, events.event_at))
    if spec.end is not None:
        first = first & (events.event_at < _literal(spec.end, events.event_at))
    r1 = _rows(events, first, names, as_of, key)
    starts = r1.select(uk=r1.ru, t1=r1.rt)
    carry: list[str] = []
    for i, x in enumerate(spec.exclude):
        xs = _rows(events, x.step.expr(events), names, as_of, key)
        se = starts.mutate(end=starts.t1 + win)
        starts = _step(se, xs, [xs.rt > se.t1, xs.rt <= se.end], carry, f"stop{i}", left=True)
        carry.append(f"stop{i}")
    levels: list[ir.Table] = []
    for j in range(2, n + 1):
        rows = _rows(events, spec.steps[j - 1].expr(events), names, as_of, key)
        se = starts.mutate(end=starts.t1 + win)
        conds = [rows.rt >= se[f"t{j - 1}"], rows.rt <= se.end]
        for i, x in enumerate(spec.exclude):
            if x.last >= j:
                stop = se[f"stop{i}"]
                conds.append(stop.isnull() | (rows.rt < stop))
        starts = _step(se, rows, conds, carry, f"t{j}", left=j == 2)
        carry.append(f"t{j}")
        s = starts
        if j == 2:  # every start is still here: the step-1 and step-2 levels at once
            levels.append(
                s.group_by("uk").agg(
                    l1_1=s.t1.min(),
                    last_start=s.t1.max(),
                    l2_1=s.t1.min(where=s.t2.notnull()),
                    l2_2=s.t2.min(),
                )
            )
            starts = s.filter(s.t2.notnull())
        else:
            lv = s.group_by("uk").agg(**{f"l{j}_{i}": s[f"t{i}"].min() for i in range(1, j + 1)})
            levels.append(lv.rename(**{f"u{j}": "uk"}))
    per = levels[0]
    for j in range(3, n + 1):
        lv = levels[j - 2]
        per = per.left_join(lv, per.uk == lv[f"u{j}"])
    reached: Any = 1 + ibis.cases((per.l2_2.notnull(), 1), else_=0)
    for j in range(3, n + 1):
        reached = reached + ibis.cases((per[f"u{j}"].notnull(), 1), else_=0)
    out: dict[str, Any] = {}
    for i in range(1, n + 1):
        # the furthest level's chain: levels are nested, so the first non-null from the top
        srcs = [per[f"l{level}_{i}"] for level in range(n, i - 1, -1)]
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
