"""The plain-Python reference funnel: event by event, straight from semantics.md "Funnels".

Slow (it enumerates every chain from every candidate start) and obviously right; the
Ibis compilers must equal it on every input (tests/test_funnel_differential.py). The
decisions semantics.md leaves open are listed in :mod:`journeylab.funnels.spec`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from journeylab.funnels.spec import FunnelSpec

__all__ = ["RefEvent", "UserOutcome", "reference_funnel", "format_value"]


@dataclass(frozen=True)
class RefEvent:
    event_id: str
    user_id: str
    name: str
    event_at: datetime
    data: Mapping[str, Any] | None


@dataclass(frozen=True)
class UserOutcome:
    """One entrant: furthest step reached, the chosen chain's step times, censoring."""

    reached: int
    times: tuple[datetime, ...]
    in_progress: bool
    value: str | None = None


def format_value(v: Any) -> str | None:
    """Breakdown value: a JSON string as is, a JSON number in its shortest form."""
    if isinstance(v, str):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    return None


def _as_events(events: Iterable[Mapping[str, Any] | RefEvent]) -> list[RefEvent]:
    out = []
    for e in events:
        if isinstance(e, RefEvent):
            out.append(e)
            continue
        data = e.get("data")
        if isinstance(data, str):
            data = json.loads(data)
        out.append(RefEvent(e["event_id"], e["user_id"], e["name"], e["event_at"], data))
    return out


def _chains(spec: FunnelSpec, evs: list[RefEvent], start: RefEvent) -> list[list[RefEvent]]:
    """Every valid ordered/strict chain from ``start`` (prefixes included)."""
    w = spec.within
    x_times = [[e.event_at for e in evs if x.step.matches(e.name, e.data)] for x in spec.exclude]
    out: list[list[RefEvent]] = []

    def ok(prev: RefEvent, nxt: RefEvent, k: int) -> bool:  # transition step k -> k+1
        if nxt.event_at < prev.event_at or nxt.event_at - start.event_at > w:
            return False
        gap = spec.gap(k)
        if gap is not None and nxt.event_at - prev.event_at > gap:
            return False
        if spec.order == "strict" and any(prev.event_at < e.event_at < nxt.event_at for e in evs):
            return False
        for i in spec.active_exclusions(k):
            if any(prev.event_at < t <= nxt.event_at for t in x_times[i]):
                return False
        return True

    def grow(chain: list[RefEvent]) -> None:
        out.append(chain)
        k = len(chain)
        if k == spec.n:
            return
        nxt_step = spec.steps[k]
        for e in evs:
            if e in chain or not nxt_step.matches(e.name, e.data):
                continue
            if ok(chain[-1], e, k):
                grow([*chain, e])

    grow([start])
    return out


def _any_chain(spec: FunnelSpec, evs: list[RefEvent], start: RefEvent) -> list[RefEvent]:
    """order='any': the start plus each other step's earliest event in the window."""
    s = start.event_at
    x_after = [
        e.event_at
        for e in evs
        for x in spec.exclude
        if x.step.matches(e.name, e.data) and e.event_at > s
    ]
    stop = min(x_after) if x_after else None
    chain = [start]
    for st in spec.steps[1:]:
        cands = [
            e
            for e in evs
            if e is not start
            and st.matches(e.name, e.data)
            and s <= e.event_at
            and e.event_at - s <= spec.within
            and (stop is None or e.event_at < stop)
        ]
        if cands:
            chain.append(min(cands, key=lambda e: (e.event_at, e.event_id)))
    return sorted(chain, key=lambda e: (e.event_at, 0 if e is start else 1, e.event_id))


def _key(chain: list[RefEvent]) -> tuple[Any, ...]:
    return tuple((e.event_at, e.event_id) for e in chain)


def _user(spec: FunnelSpec, evs: list[RefEvent], as_of: datetime) -> UserOutcome | None:
    first = spec.steps[0]
    starts = [
        e
        for e in evs
        if first.matches(e.name, e.data)
        and (spec.start is None or e.event_at >= spec.start)
        and (spec.end is None or e.event_at < spec.end)
    ]
    if not starts:
        return None
    if spec.order == "any":
        chains = [_any_chain(spec, evs, s) for s in starts]
    else:
        chains = [c for s in starts for c in _chains(spec, evs, s)]
    m = max(len(c) for c in chains)
    # furthest; ties -> earliest start; then each step at its earliest qualifying event
    best = min((c for c in chains if len(c) == m), key=_key)
    in_progress = m < spec.n and any(s.event_at + spec.within > as_of for s in starts)
    value = None
    if spec.by is not None:
        if spec.attribution == "first_touch":
            ev = best[0]
        elif spec.attribution == "last_touch":
            ev = best[-1] if spec.order != "any" else _last_touch_any(spec, best)
        else:
            k = spec.attribution_step or 1
            if spec.order == "any":
                hits = [e for e in best if e.name == spec.steps[k - 1].name]
                ev = hits[0] if hits else None  # type: ignore[assignment]
            else:
                ev = best[k - 1] if k <= len(best) else None  # type: ignore[assignment]
        value = format_value((ev.data or {}).get(spec.by)) if ev is not None else None
    return UserOutcome(m, tuple(e.event_at for e in best), in_progress, value)


def _last_touch_any(spec: FunnelSpec, chain: list[RefEvent]) -> RefEvent:
    """The latest counted step; ties at one instant -> the earliest step in funnel order."""
    order = {s.name: i for i, s in enumerate(spec.steps)}
    last = max(e.event_at for e in chain)
    return min((e for e in chain if e.event_at == last), key=lambda e: order[e.name])


def reference_funnel(
    spec: FunnelSpec,
    events: Iterable[Mapping[str, Any] | RefEvent],
    as_of: datetime | None = None,
) -> dict[str, UserOutcome]:
    """user_id -> outcome for every entrant (a user with a candidate step-1 event)."""
    evs = _as_events(events)
    cut = spec.as_of or as_of or (max(e.event_at for e in evs) if evs else None)
    if cut is None:
        return {}
    by_user: dict[str, list[RefEvent]] = {}
    for e in sorted(evs, key=lambda e: (e.event_at, e.event_id)):
        if e.event_at <= cut:
            by_user.setdefault(e.user_id, []).append(e)
    out = {}
    for user, ue in by_user.items():
        res = _user(spec, ue, cut)
        if res is not None:
            out[user] = res
    return out
