"""ActivationSpec → Ibis expressions (portable: DuckDB and PySpark through Ibis).

``per_user_expr`` gives one row per started user: ``user_id``, ``channel``, ``start_at``,
``matured`` (window closed at as-of) and, for definition *i*, ``act_i`` (earliest
activation moment in the window, or NULL) and ``sec_i`` (seconds from start to it).
The aggregates (:func:`definitions_expr`, :func:`overlap_expr`, :func:`channel_expr`) take
that table, materialized or not, so the same code computes the numbers and prints the SQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir

from journeylab import dialects
from journeylab.activation.spec import UNKNOWN_CHANNEL, ActivationSpec, Definition
from journeylab.steps import Step
from journeylab.where import json_string

__all__ = [
    "act_col",
    "sec_col",
    "start_bounds",
    "per_user_expr",
    "definitions_expr",
    "overlap_expr",
    "channel_expr",
]


def act_col(i: int) -> str:
    return f"act_{i}"


def sec_col(i: int) -> str:
    return f"sec_{i}"


def epoch_micros(t: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since the epoch as int64 (exact; lowered per engine by
    :func:`journeylab.dialects.epoch_us`)."""
    return dialects.epoch_us(t)


def _micros(td: timedelta) -> int:
    return (td.days * 86_400 + td.seconds) * 1_000_000 + td.microseconds


def start_bounds(spec: ActivationSpec) -> tuple[datetime | None, datetime | None]:
    """Half-open UTC bounds on the first start time (naive datetimes, as the events')."""
    lo, hi = spec.start_at, spec.end_at
    return (
        None if lo is None else lo.replace(tzinfo=None),
        None if hi is None else hi.replace(tzinfo=None),
    )


def _candidates(defn: Definition, events: ir.Table, starts: ir.Table) -> ir.Table:
    """(user_id, activated_at) rows of one definition's moments."""
    src = defn.source
    if isinstance(src, Step):
        hits = events.filter(src.expr(events))
        return hits.select(user_id=hits.user_id, activated_at=hits.event_at)
    out = src.activation_events(events, starts)
    return out.select(user_id=out.user_id, activated_at=out.activated_at)


def _in_window(cand: ir.Table, starts: ir.Table, within_us: int) -> ir.Table:
    """Candidate moments joined to their user's start, kept when inside the window."""
    j = cand.join(starts, cand.user_id == starts.user_id).select(
        *[cand[c] for c in cand.columns if c != "user_id"],
        user_id=cand.user_id,
        start_at=starts.start_at,
        start_us=starts.start_us,
    )
    gap = epoch_micros(j.activated_at) - j.start_us
    return j.filter((gap >= 0) & (gap <= within_us))


def per_user_expr(
    events: ir.Table,
    spec: ActivationSpec,
    as_of: datetime,
    channels: ir.Table | None = None,
) -> ir.Table:
    """One row per started user with their earliest in-window activation per definition.

    Only events at or before ``as_of`` are seen. A user's start is their first start event
    (ties by ``event_id``); a moment counts when ``start_at <= activated_at`` and
    ``activated_at - start_at <= within`` (inclusive edge). ``channels`` (user_id,
    channel) overrides the start event's ``data`` field; missing channels are 'unknown'.
    """
    as_of_lit = ibis.literal(as_of.replace(tzinfo=None), type="timestamp")
    ev = events.filter(events.event_at <= as_of_lit)
    s = ev.filter(spec.start.expr(ev))
    s = s.mutate(_rn=ibis.row_number().over(group_by=s.user_id, order_by=[s.event_at, s.event_id]))
    first = s.filter(s._rn == 0)
    first = first.select(
        user_id=first.user_id,
        start_at=first.event_at,
        channel=json_string(first.data, spec.channel),
    )
    lo, hi = start_bounds(spec)
    if lo is not None:
        first = first.filter(first.start_at >= ibis.literal(lo, type="timestamp"))
    if hi is not None:
        first = first.filter(first.start_at < ibis.literal(hi, type="timestamp"))
    if channels is not None:
        ch = channels.select(_uid=channels.user_id, _ch=channels.channel)
        first = first.left_join(ch, first.user_id == ch._uid).select(
            user_id=first.user_id, start_at=first.start_at, channel=ch._ch
        )
    cutoff = ibis.literal((as_of - spec.within).replace(tzinfo=None), type="timestamp")
    base = first.select(
        user_id=first.user_id,
        channel=first.channel.fill_null(UNKNOWN_CHANNEL),
        start_at=first.start_at,
        matured=first.start_at <= cutoff,
    )
    starts = base.select(
        user_id=base.user_id,
        start_at=base.start_at,
        start_us=epoch_micros(base.start_at),
    )
    within_us = _micros(spec.within)
    # (table keyed by _u, {definition index: its earliest-moment column}) joined once each
    parts: list[tuple[ir.Table, dict[int, str]]] = []
    # steps: one pass over their events, one join with the starts, one conditional min each
    steps = [(i, d.source) for i, d in enumerate(spec.definitions) if isinstance(d.source, Step)]
    if steps:
        hits = ev.filter(ibis.or_(*(s.expr(ev) for _, s in steps)))
        hits = hits.select(
            user_id=hits.user_id,
            activated_at=hits.event_at,
            **{f"_m{i}": s.expr(hits) for i, s in steps},
        )
        grouped = _in_window(hits, starts, within_us).group_by(_u=ibis._.user_id)
        agg = grouped.aggregate(
            **{f"_a{i}": ibis._.activated_at.min(where=ibis._[f"_m{i}"]) for i, _ in steps}
        )
        parts.append((agg, {i: f"_a{i}" for i, _ in steps}))
    for i, defn in enumerate(spec.definitions):
        if not isinstance(defn.source, Step):
            j = _in_window(_candidates(defn, ev, starts), starts, within_us)
            parts.append((j.group_by(_u=j.user_id).aggregate(_a=j.activated_at.min()), {i: "_a"}))
    out = base
    for table, cols in parts:
        joined = out.left_join(table, out.user_id == table._u)
        out = joined.select(
            *[out[c] for c in out.columns], **{act_col(i): table[c] for i, c in cols.items()}
        )
    out = out.select(
        *[c for c in base.columns], *[act_col(i) for i in range(len(spec.definitions))]
    )
    start_us = epoch_micros(out.start_at)
    secs = {
        sec_col(i): (epoch_micros(out[act_col(i)]) - start_us).cast("float64") / 1e6
        for i in range(len(spec.definitions))
    }
    return out.mutate(**secs)


def definitions_expr(per_user: ir.Table, spec: ActivationSpec) -> ir.Table:
    """One row per definition: counts over everyone and over matured users; time quantiles."""
    parts = []
    for i, defn in enumerate(spec.definitions):
        act = per_user[act_col(i)].notnull()
        sec = per_user[sec_col(i)]
        mat = per_user.matured
        uid = per_user.user_id
        agg = per_user.aggregate(
            started=ibis._.count(),
            activated=uid.count(where=act),
            matured=uid.count(where=mat),
            activated_matured=uid.count(where=act & mat),
            in_progress=uid.count(where=~act & ~mat),
            median_seconds=sec.quantile(0.5),
            p75_seconds=sec.quantile(0.75),
        )
        parts.append(
            agg.mutate(
                ord=ibis.literal(i, type="int64"),
                definition=ibis.literal(defn.label, type="string"),
            )
        )
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def overlap_expr(per_user: ir.Table, spec: ActivationSpec) -> ir.Table | None:
    """One row per pair (a before b in definition order): both, only_a, only_b, neither."""
    parts = []
    n = len(spec.definitions)
    for i in range(n):
        for k in range(i + 1, n):
            a = per_user[act_col(i)].notnull()
            b = per_user[act_col(k)].notnull()
            uid = per_user.user_id
            agg = per_user.aggregate(
                both=uid.count(where=a & b),
                only_a=uid.count(where=a & ~b),
                only_b=uid.count(where=~a & b),
                neither=uid.count(where=~a & ~b),
            )
            parts.append(
                agg.mutate(
                    ord_a=ibis.literal(i, type="int64"),
                    ord_b=ibis.literal(k, type="int64"),
                    a=ibis.literal(spec.definitions[i].label, type="string"),
                    b=ibis.literal(spec.definitions[k].label, type="string"),
                )
            )
    if not parts:
        return None
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def channel_expr(per_user: ir.Table, spec: ActivationSpec) -> ir.Table:
    """Per (channel, definition): started, activated, matured, activated_matured, in_progress."""
    parts = []
    uid = per_user.user_id
    mat = per_user.matured
    for i, defn in enumerate(spec.definitions):
        act = per_user[act_col(i)].notnull()
        agg = per_user.group_by("channel").aggregate(
            started=ibis._.count(),
            activated=uid.count(where=act),
            matured=uid.count(where=mat),
            activated_matured=uid.count(where=act & mat),
            in_progress=uid.count(where=~act & ~mat),
        )
        parts.append(
            agg.mutate(
                ord=ibis.literal(i, type="int64"),
                definition=ibis.literal(defn.label, type="string"),
            )
        )
    return ibis.union(*parts) if len(parts) > 1 else parts[0]
