"""Conditions as Ibis columns: every leaf evaluated at every decision row with window functions.

Rows are one user's relevant events ordered by ``(tu, event_id)`` (``tu`` = time on the
program's basis in epoch microseconds). A leaf's value at row k is a cumulative (ROWS) sum
of an indicator over rows ≤ k, minus a RANGE sum for rolling windows, so no row ever sees a
later one (no look-ahead, ties broken by event_id). Optional per-user columns bound the
counted rows (``b_tu``/``b_eid``: strictly after that row; ``b_time``: strictly after that
time) and anchor enrolment windows (``a_tu``). Mirrors :mod:`journeylab.conditions.replay`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.conditions.model import (
    All,
    Any_,
    Condition,
    Event,
    Not,
    Returned,
    Sequence,
    walk,
)
from journeylab.where import json_number, parse_where, where_expr

__all__ = [
    "CondCtx",
    "add_condition",
    "add_conditions",
    "add_signup",
    "after_row",
    "cum_window",
    "mark_all_returns",
    "needs_signup",
    "part",
    "us",
]


def us(td: timedelta) -> int:
    """A duration in whole microseconds."""
    return td // timedelta(microseconds=1)


def part(t: ir.Table) -> str:
    """The column a user's rows are partitioned by: ``pk`` when the table has it (the lake's
    integer ``user_key`` where it identifies users exactly: the same partitions, and an
    integer sorts and hashes faster than a string), else ``user_id``."""
    return "pk" if "pk" in t.columns else "user_id"


def cum_window(t: ir.Table) -> Any:
    return ibis.window(group_by=part(t), order_by=["tu", "event_id"], rows=(None, 0))


def after_row(t: ir.Table, tu: str, eid: str) -> ir.BooleanValue:
    """Row strictly after the row (t[tu], t[eid]) in (time, event_id) order; NULL bound → True."""
    after = (t.tu > t[tu]) | ((t.tu == t[tu]) & (t.event_id > t[eid]))
    return t[tu].isnull() | after.fill_null(False)


@dataclass(frozen=True)
class CondCtx:
    """How leaves of one condition count: ``bounded`` (leaves not count_from lifetime, and
    sequences, count only rows after the bound columns), ``anchor`` (a_tu exists)."""

    tag: str
    bounded: bool
    anchor: bool = False
    signup_event: str = "signup"
    #: the program's return specs: ``returned`` leaf i reads the column ``ret{i}``
    returns: tuple[Any, ...] = ()


def _match(t: ir.Table, name: str, where: dict | None) -> ir.BooleanValue:  # type: ignore[type-arg]
    cond = t.name == name
    w = parse_where(where)
    return cond & where_expr(t.data, w) if w else cond


def _allowed(t: ir.Table, bounded: bool) -> ir.BooleanValue:
    if not bounded:
        return ibis.literal(True)
    cols = t.columns
    ok = after_row(t, "b_tu", "b_eid") if "b_tu" in cols else ibis.literal(True)
    if "b_time" in cols:
        ok = ok & (t.b_time.isnull() | (t.tu > t.b_time).fill_null(False))
    return ok


def _leaf_columns(
    t: ir.Table, leaf: Event | Returned, col: str, ctx: CondCtx
) -> dict[str, ir.Value]:
    bounded = ctx.bounded and leaf.count_from != "lifetime"
    if isinstance(leaf, Returned):  # the rows that are return moments (mark_returns)
        hit: ir.BooleanValue = t[f"ret{ctx.returns.index(leaf.returned.spec())}"]
    else:
        hit = _match(t, leaf.event, leaf.where)
    ok = hit & _allowed(t, bounded)
    d = us(leaf.within) if leaf.within is not None else None
    rolling = d is not None and leaf.from_ == "rolling"
    if d is not None and leaf.from_ == "signup":
        ok = ok & (t.tu <= t.su_first + d).fill_null(False)
    elif d is not None and not rolling:
        ok = ok & (t.tu <= t.a_tu + d).fill_null(False)
    weight: ir.NumericValue
    if isinstance(leaf, Event) and leaf.sum is not None:
        weight = json_number(t.data, leaf.sum.field).fill_null(0.0)
        x = ibis.ifelse(ok, weight, 0.0)
    else:
        x = ibis.ifelse(ok, 1, 0)
    value = x.sum().over(cum_window(t))
    if rolling:
        assert d is not None
        gone = x.sum().over(ibis.window(group_by=part(t), order_by="tu", range=(None, -(d + 1))))
        value = value - gone.fill_null(0)
    return {col: value}


def _holds(t: ir.Table, cond: Condition, cols: dict[int, str]) -> ir.BooleanValue:
    if isinstance(cond, Event | Returned):
        v = t[cols[id(cond)]]
        ok = v >= (cond.sum.gte if cond.sum is not None else cond.need)
        if cond.within is not None and cond.from_ == "signup":
            ok = ok & (t.su_seen >= 1)
        return ok.fill_null(False)
    if isinstance(cond, All):
        return ibis.and_(*(_holds(t, c, cols) for c in cond.all))
    if isinstance(cond, Any_):
        return ibis.or_(*(_holds(t, c, cols) for c in cond.any))
    if isinstance(cond, Not):
        return ~_holds(t, cond.not_, cols)
    return t[cols[id(cond)]] >= 1


def _add_sequence(t: ir.Table, seq: Sequence, col: str, ctx: CondCtx) -> ir.Table:
    """Latest-start chains: B_i = running max of the chain start over rows filling step i
    (start taken from B_{i-1} at the previous row), as in the replay's dynamic programme."""
    allowed = _allowed(t, ctx.bounded)
    w = cum_window(t)
    lag_w = ibis.window(group_by=part(t), order_by=["tu", "event_id"])
    prev = f"{col}_b0"
    first = seq.sequence[0]
    t = t.mutate(
        **{
            prev: ibis.ifelse(_match(t, first.event, first.where) & allowed, t.tu, None)
            .max()
            .over(w)
        }
    )
    n = len(seq.sequence)
    for i in range(1, n):
        step = seq.sequence[i]
        p = f"{col}_p{i}"
        m = _match(t, step.event, step.where) & allowed
        t = t.mutate(**{p: ibis.ifelse(m, t[prev].lag().over(lag_w), None)})
        if i < n - 1:
            cur = f"{col}_b{i}"
            t = t.mutate(**{cur: t[p].max().over(w)})
            prev = cur
    last = t[f"{col}_p{n - 1}"]
    ok = last.notnull()
    if seq.within is not None:
        ok = ok & ((t.tu - last) <= us(seq.within))
    return t.mutate(**{col: ibis.ifelse(ok.fill_null(False), 1, 0).max().over(w)})


def add_condition(t: ir.Table, cond: Condition, ctx: CondCtx) -> tuple[ir.Table, ir.BooleanValue]:
    """Add the value columns of every leaf/sequence of ``cond``; return the table and the
    boolean expression (over it) "cond holds at this row"."""
    t, (holds,) = add_conditions(t, [(cond, ctx)])
    return t, holds


def add_conditions(
    t: ir.Table, conds: list[tuple[Condition, CondCtx]]
) -> tuple[ir.Table, list[ir.BooleanValue]]:
    """:func:`add_condition` for several conditions (distinct tags) at once: their leaves'
    window sums are added in one projection, so the engine sorts the rows once for all of
    them (they share one window)."""
    cols: dict[int, str] = {}
    leaf_cols: dict[str, ir.Value] = {}
    seqs: list[tuple[Sequence, str, CondCtx]] = []
    for cond, ctx in conds:
        for i, (path, node) in enumerate(walk(cond, ctx.tag)):
            col = f"{ctx.tag}_{i}"
            if isinstance(node, Event | Returned) and ".sequence[" not in path:
                cols[id(node)] = col
                leaf_cols.update(_leaf_columns(t, node, col, ctx))
            elif isinstance(node, Sequence):
                cols[id(node)] = col
                seqs.append((node, col, ctx))
    if leaf_cols:
        t = t.mutate(**leaf_cols)
    for seq, col, ctx in seqs:
        t = _add_sequence(t, seq, col, ctx)
    return t, [_holds(t, cond, cols) for cond, _ in conds]


def needs_signup(conds: list[Condition | None]) -> bool:
    return any(
        isinstance(node, Event | Returned) and node.within is not None and node.from_ == "signup"
        for c in conds
        for _, node in walk(c, "x")
    )


def add_signup(t: ir.Table, signup_event: str) -> ir.Table:
    """su_first: the user's first signup time (whole history); su_seen: signups so far."""
    is_su = t.name == signup_event
    return t.mutate(
        su_first=ibis.ifelse(is_su, t.tu, None).min().over(ibis.window(group_by=part(t))),
        su_seen=ibis.ifelse(is_su, 1, 0).sum().over(cum_window(t)),
    )


def mark_all_returns(t: ir.Table, specs: list[Any], at: str) -> ir.Table:
    """Add ``ret{i}`` (the row is a return moment of ``specs[i]``, judged on the time column
    ``at`` with ties broken by event_id: journeylab.journeys.reactivation) to ``t``."""
    from journeylab.journeys.reactivation import mark_returns

    for i, spec in enumerate(specs):
        t = mark_returns(t, spec, at, ["event_id"])
        t = t.select(
            *[c for c in t.columns if c not in ("_act", "_prev", "_ret")], **{f"ret{i}": t._ret}
        )
    return t
