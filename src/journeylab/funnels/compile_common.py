"""Shared pieces of the funnel compilers: step rows, the per-instant table, attribution.

Everything is portable Ibis (filters, CASE, window functions, joins, aggregations) so the
same expression runs on DuckDB and on Spark. Times stay timestamps; durations are Ibis
intervals. Where step names are distinct an event matches at most one step and all chain
constraints depend on instants only: the compilers work on one row per (user, instant) and
return to events only to pick the attributed event. A name at several steps needs counts of
events per instant (journeylab.funnels.repeats).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.spec import FunnelSpec
from journeylab.steps import Step
from journeylab.where import json_number, json_string

__all__ = [
    "interval",
    "is_derived",
    "named",
    "tagged_events",
    "instants",
    "finish_users",
    "ts_literal",
]


def interval(td: timedelta) -> Any:
    us = round(td.total_seconds() * 1_000_000)
    if us % 1_000_000 == 0:
        return ibis.interval(seconds=us // 1_000_000)
    return ibis.interval(microseconds=us)


def ts_literal(value: datetime) -> ir.TimestampScalar:
    return ibis.literal(value.replace(tzinfo=None), type="timestamp(6)")


def _ts(col: ir.TimestampValue) -> ir.TimestampValue:
    """Event times without the time zone tag (UTC already), so literals compare cleanly."""
    return col.cast("timestamp(6)")


def tagged_events(
    events: ir.Table, spec: FunnelSpec, as_of: datetime | None, all_events: bool = False
) -> ir.Table:
    """Rows: user_id, t, k (step number or 0), x0..xE (1 if excluded event), and with a
    breakdown event_id and the raw value (vs, vn). Reads only the named events unless
    ``all_events``."""
    ev = events if all_events else events.filter(named(events, spec))
    if as_of is not None:
        ev = ev.filter(_ts(ev.event_at) <= ts_literal(as_of))
    t = _ts(ev.event_at)
    branches = []
    for k, st in enumerate(spec.steps, start=1):
        cond = st.expr(ev)
        if k == 1 and spec.start is not None:
            cond = cond & (t >= ts_literal(spec.start))
        if k == 1 and spec.end is not None:
            cond = cond & (t < ts_literal(spec.end))
        branches.append((cond, k))
    cols: dict[str, Any] = {
        "user_id": ev.user_id,
        "t": t,
        "k": ibis.cases(*branches, else_=0).cast("int16"),
    }
    for i, x in enumerate(spec.exclude):
        cols[f"x{i}"] = ibis.cases((x.step.expr(ev), 1), else_=0).cast("int32")
    if spec.by is not None:  # only a breakdown needs the event itself
        cols["event_id"] = ev.event_id
        cols["vs"] = json_string(ev.data, spec.by)
        cols["vn"] = json_number(ev.data, spec.by)
    out = ev.select(**cols)
    if not all_events:
        keep = out.k > 0
        for i in range(len(spec.exclude)):
            keep = keep | (out[f"x{i}"] > 0)
        out = out.filter(keep)
    return out


def named(events: ir.Table, spec: FunnelSpec) -> ir.BooleanValue:
    """The rows a funnel reads: its steps' and exclusions' names (the lake is sorted by
    name), and the derived rows (name NULL) of derived steps such as ``jl.returned``."""
    steps = [*spec.steps, *[x.step for x in spec.exclude]]
    plain = sorted({s.name for s in steps if not is_derived(s)})
    cond = events.name.isin(plain)
    return cond | events.name.isnull() if any(is_derived(s) for s in steps) else cond


def is_derived(step: Step) -> bool:
    """A step whose events are derived moments (name NULL), not events an app fired."""
    return getattr(step, "derived", False)


def instants(tagged: ir.Table, spec: FunnelSpec, strict: bool = False) -> ir.Table:
    """One row per (user, instant) with a step event: h1..hn (0/1), seg0..segE (excluded
    events at or before the instant), and for strict the neighbouring instants of any
    event (prv, nxt)."""
    aggs: dict[str, Any] = {
        f"h{k}": ibis.cases((tagged.k == k, 1), else_=0).max() for k in range(1, spec.n + 1)
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
    anyh = u.h1 > 0
    for k in range(2, spec.n + 1):
        anyh = anyh | (u[f"h{k}"] > 0)
    u = u.filter(anyh)
    # explicit column lists (not drop): Ibis orders a multi-column drop nondeterministically
    return u.select(*[c for c in u.columns if not (c[0] == "c" and c[1:].isdigit())])


def finish_users(
    users: ir.Table,
    tagged: ir.Table,
    spec: FunnelSpec,
    as_of: datetime,
    match: Callable[[ir.Table, Any], ir.BooleanValue] | None = None,
) -> ir.Table:
    """Add matured (every candidate start's window closed by as-of), in_progress (not at
    the last step and not matured) and the attributed breakdown value to a per-user table
    with columns user_id, reached, t1..tn (per-step times, with or without a time zone:
    the greedy path keeps the events' own type), last_start. ``match(rows, ak)``: whether
    a tagged row matches step ``ak`` (default: its step number ``k`` equals ``ak``)."""
    # last_start + within > as_of, with the constant side folded: no per-row interval sum
    edge = as_of - spec.within
    if users.last_start.type().timezone is None:
        cut: Any = ts_literal(edge)
    else:
        aware = edge if edge.tzinfo is not None else edge.replace(tzinfo=UTC)
        cut = ibis.literal(aware.astimezone(UTC), type=users.last_start.type())
    open_ = users.last_start > cut
    users = users.mutate(matured=~open_, in_progress=(users.reached < spec.n) & open_)
    if spec.by is None:
        return users
    n = spec.n
    if spec.attribution == "first_touch":
        att_k: Any = ibis.literal(1).cast("int16")
    elif spec.attribution == "last_touch":
        att_k = _last_touch(users, spec)
    else:
        sn = spec.attribution_step or 1
        att_k = ibis.cases((users[f"t{sn}"].notnull(), sn)).cast("int16")
    tk = [users[f"t{k}"] for k in range(1, n + 1)]
    if users.t1.type().timezone is not None:  # the tagged rows' t has none
        tk = [_ts(c) for c in tk]
    att_t = ibis.cases(*[(att_k == k, tk[k - 1]) for k in range(1, n + 1)])
    att = users.select("user_id", ak=att_k, at=att_t).filter(ibis._.ak.notnull())
    if match is None:
        hits = tagged.join(
            att,
            [tagged.user_id == att.user_id, tagged.k == att.ak, tagged.t == att.at],
        )
    else:  # a repeated name: an event may match several steps
        hits = tagged.join(att, [tagged.user_id == att.user_id, tagged.t == att.at])
        hits = hits.filter(match(hits, hits.ak))
    first_id = hits.group_by(hits.user_id).agg(eid=hits.event_id.min())
    vals = tagged.join(
        first_id, [tagged.user_id == first_id.user_id, tagged.event_id == first_id.eid]
    ).select(vu=tagged.user_id, vs=tagged.vs, vn=tagged.vn)
    joined = users.left_join(vals, users.user_id == vals.vu)
    return joined.select(*[c for c in joined.columns if c != "vu"])


def _last_touch(users: ir.Table, spec: FunnelSpec) -> Any:
    """The step of the latest time on the chain; ties -> the earliest step in funnel order
    (for ordered/strict this is the furthest step reached)."""
    n = spec.n
    latest = ibis.greatest(*[users[f"t{k}"].coalesce(users.t1) for k in range(1, n + 1)])
    if spec.order != "any":
        return users.reached.cast("int16")
    return ibis.cases(*[(users[f"t{k}"] == latest, k) for k in range(1, n + 1)]).cast("int16")
