"""What the reference replay decides at one decision time: the events a user has shown so
far (:class:`Ev`, :class:`Ctx`), whether a condition holds on them (:func:`holds`), a
leaf's value (:func:`leaf_value`), and which events are return moments
(:class:`ReturnWatch`). The event-by-event machine is :mod:`.replay`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from journeylab.conditions.model import All, Any_, Condition, Event, Not, Returned, Sequence
from journeylab.where import parse_where, where_match

__all__ = ["Ctx", "Ev", "ReturnWatch", "holds", "leaf_value"]


@dataclass(frozen=True)
class Ev:
    """One event as the evaluator sees it: ``t`` is the time on the program's basis."""

    t: datetime
    event_id: str
    user_id: str
    name: str
    data: Mapping[str, Any] | None
    #: tags of the return specs this event is a return moment of (``returned`` leaves)
    returns: frozenset[str] = frozenset()


# -- evaluating a condition at one decision time -----------------------------------------
@dataclass
class Ctx:
    """Decision row ``k`` of ``hist``: bounded leaves (``bounded_default`` unless count_from
    lifetime) count rows after ``bound_row``/``bound_t``; ``values`` collects a trace."""

    hist: list[Ev]
    k: int
    bound_row: int = -1
    bound_t: datetime | None = None
    bounded_default: bool = False
    anchor: datetime | None = None
    signup_event: str = "signup"
    values: dict[str, Any] | None = None


def _after_bound(ctx: Ctx, j: int, bounded: bool) -> bool:
    if not bounded:
        return True
    if j <= ctx.bound_row:
        return False
    return ctx.bound_t is None or ctx.hist[j].t > ctx.bound_t


def _number(data: Mapping[str, Any] | None, key: str) -> float:
    v = (data or {}).get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0


def _matcher(leaf: Event | Returned) -> Callable[[Ev], bool]:
    if isinstance(leaf, Returned):
        tag = leaf.returned.spec().tag
        return lambda e: tag in e.returns
    where = parse_where(leaf.where)
    return lambda e: e.name == leaf.event and where_match(e.data, where)


def leaf_value(leaf: Event | Returned, ctx: Ctx) -> float | None:
    """The leaf's count (or sum) at the decision row; None when its window is undefined."""
    match = _matcher(leaf)
    bounded = ctx.bounded_default and leaf.count_from != "lifetime"
    now = ctx.hist[ctx.k].t
    upper: datetime | None = None
    lower: datetime | None = None
    if leaf.within is not None:
        if leaf.from_ == "rolling":
            lower = now - leaf.within
        elif leaf.from_ == "signup":
            first = next((e.t for e in ctx.hist[: ctx.k + 1] if e.name == ctx.signup_event), None)
            if first is None:
                return None
            upper = first + leaf.within
        else:
            assert ctx.anchor is not None, "from: enrollment outside satisfy"
            upper = ctx.anchor + leaf.within
    total = 0.0
    for j in range(ctx.k + 1):
        e = ctx.hist[j]
        if not match(e):
            continue
        if not _after_bound(ctx, j, bounded):
            continue
        if (upper is not None and e.t > upper) or (lower is not None and e.t < lower):
            continue
        total += _number(e.data, leaf.sum.field) if leaf.sum is not None else 1.0
    return total


def _sequence_holds(seq: Sequence, ctx: Ctx) -> bool:
    """Latest-start dynamic programme: best[i] = latest first-step time of a chain that has
    filled steps 0..i with strictly increasing rows; a chain counts when last - first <= within."""
    steps = [(s.event, parse_where(s.where)) for s in seq.sequence]
    best: list[datetime | None] = [None] * len(steps)
    for j in range(ctx.k + 1):
        if not _after_bound(ctx, j, ctx.bounded_default):
            continue
        e = ctx.hist[j]
        for i in range(len(steps) - 1, -1, -1):
            name, where = steps[i]
            if e.name != name or not where_match(e.data, where):
                continue
            start = e.t if i == 0 else best[i - 1]
            if start is None:
                continue
            if i == len(steps) - 1:
                if seq.within is None or e.t - start <= seq.within:
                    return True
            elif best[i] is None or start > best[i]:  # type: ignore[operator]
                best[i] = start
    return False


def holds(cond: Condition, ctx: Ctx, path: str) -> bool:
    """Does ``cond`` hold at the decision row (recording leaf values in ctx.values)?"""
    if isinstance(cond, Event | Returned):
        value = leaf_value(cond, ctx)
        ok = value is not None and (
            value >= cond.sum.gte if cond.sum is not None else value >= cond.need
        )
        if ctx.values is not None:
            ctx.values[path] = {"value": value, "holds": ok}
        return ok
    if isinstance(cond, All):
        results = [holds(c, ctx, f"{path}.all[{i}]") for i, c in enumerate(cond.all)]
        ok = all(results)
    elif isinstance(cond, Any_):
        results = [holds(c, ctx, f"{path}.any[{i}]") for i, c in enumerate(cond.any)]
        ok = any(results)
    elif isinstance(cond, Not):
        ok = not holds(cond.not_, ctx, f"{path}.not")
    else:
        ok = _sequence_holds(cond, ctx)
    if ctx.values is not None:
        ctx.values[path] = {"holds": ok}
    return ok


class ReturnWatch:
    """Each user's last activity per return spec, fed every event in order: flags the
    events that are return moments (known at the event: only earlier events matter)."""

    def __init__(self, specs: list[Any]) -> None:
        self.specs = specs
        self.last: list[dict[str, datetime]] = [{} for _ in specs]

    def see(self, e: Ev) -> Ev:
        tags = []
        for spec, last in zip(self.specs, self.last, strict=True):
            if not spec.is_activity(e.name, e.data):
                continue
            prev = last.get(e.user_id)
            last[e.user_id] = e.t
            if prev is not None and e.t - prev >= spec.dormant_for:
                tags.append(spec.tag)
        return replace(e, returns=frozenset(tags)) if tags else e
