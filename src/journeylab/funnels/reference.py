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
from journeylab.steps import Step

__all__ = ["RefEvent", "UserOutcome", "reference_funnel", "format_value"]


@dataclass(frozen=True)
class RefEvent:
    event_id: str
    user_id: str
    name: str | None  # None: a derived moment (e.g. a return, journeylab.journeys)
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


def _groups(spec: FunnelSpec) -> dict[str, list[int]]:
    """Event name -> its steps (0-based, in funnel order)."""
    out: dict[str, list[int]] = {}
    for k, st in enumerate(spec.steps):
        out.setdefault(st.name, []).append(k)
    return out


def _matching(steps: list[Step], events: list[RefEvent]) -> int:
    """The most steps that distinct events can fill (one event per step): augmenting paths."""
    owner: dict[int, int] = {}  # event index -> step index

    def place(k: int, seen: set[int]) -> bool:
        for j, e in enumerate(events):
            if j in seen or not steps[k].matches(e.name, e.data):
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = k
                return True
        return False

    return sum(place(k, set()) for k in range(len(steps)))


def _any_times(spec: FunnelSpec, evs: list[RefEvent], start: RefEvent) -> list[datetime | None]:
    """order='any': per step, the time it counts from ``start`` (None: not reached).

    The window holds the other events at or after the start, inside ``within`` and before
    the first excluded event strictly after the start. The steps sharing a name count by
    occurrence: that name's j-th step (in funnel order, after step 1) counts at the earliest
    time by which j distinct events of the window can fill j of those steps."""
    s = start.event_at
    x_after = [
        e.event_at
        for e in evs
        for x in spec.exclude
        if x.step.matches(e.name, e.data) and e.event_at > s
    ]
    stop = min(x_after) if x_after else None
    window = [
        e
        for e in evs
        if e is not start
        and s <= e.event_at
        and e.event_at - s <= spec.within
        and (stop is None or e.event_at < stop)
    ]
    times: list[datetime | None] = [s] + [None] * (spec.n - 1)
    for ks in _groups(spec).values():
        others = [k for k in ks if k != 0]
        cands = [e for e in window if any(spec.steps[k].matches(e.name, e.data) for k in ks)]
        counted: list[datetime] = []
        for t in sorted({e.event_at for e in cands}):
            size = _matching([spec.steps[k] for k in others], [e for e in cands if e.event_at <= t])
            counted += [t] * (size - len(counted))
        for k, t in zip(others, counted, strict=False):
            times[k] = t
    return times


def _key(times: list[datetime | None], ids: tuple[str, ...]) -> tuple[Any, ...]:
    """Chains compare by their sorted step times, then by their events' ids."""
    return (sorted(t for t in times if t is not None), ids)


def _in_bounds(spec: FunnelSpec, e: RefEvent) -> bool:
    return (spec.start is None or e.event_at >= spec.start) and (
        spec.end is None or e.event_at < spec.end
    )


def _attributed(
    spec: FunnelSpec, evs: list[RefEvent], times: list[datetime | None], k: int
) -> RefEvent | None:
    """Step ``k``'s (1-based) event: the smallest event_id at its time that matches it; for
    order='any' after step 1, that matches any step of its name (steps count by occurrence)."""
    t = times[k - 1]
    if t is None:
        return None
    same = [k - 1]
    if spec.order == "any" and k > 1:
        same = _groups(spec)[spec.steps[k - 1].name]
    hits = [
        e
        for e in evs
        if e.event_at == t
        and any(spec.steps[j].matches(e.name, e.data) and (j or _in_bounds(spec, e)) for j in same)
    ]
    return min(hits, key=lambda e: e.event_id) if hits else None


def _user(spec: FunnelSpec, evs: list[RefEvent], as_of: datetime) -> UserOutcome | None:
    first = spec.steps[0]
    starts = [e for e in evs if first.matches(e.name, e.data) and _in_bounds(spec, e)]
    if not starts:
        return None
    # (per-step times, events' ids) of every candidate chain
    chains: list[tuple[list[datetime | None], tuple[str, ...]]] = []
    for s in starts:
        if spec.order == "any":
            chains.append((_any_times(spec, evs, s), (s.event_id,)))
            continue
        for c in _chains(spec, evs, s):
            times = [e.event_at for e in c] + [None] * (spec.n - len(c))
            chains.append((times, tuple(e.event_id for e in c)))
    m = max(sum(t is not None for t in times) for times, _ in chains)
    # furthest; ties -> earliest start; then each step at its earliest qualifying event
    best = min(
        (c for c in chains if sum(t is not None for t in c[0]) == m),
        key=lambda c: _key(*c),
    )[0]
    in_progress = m < spec.n and any(s.event_at + spec.within > as_of for s in starts)
    value = None
    if spec.by is not None:
        if spec.attribution == "first_touch":
            k: int | None = 1
        elif spec.attribution == "last_touch":
            k = m if spec.order != "any" else _last_touch_any(best)
        else:
            k = spec.attribution_step or 1
        ev = _attributed(spec, evs, best, k) if k is not None else None
        # a derived moment carries no data of the user's
        real = ev is not None and ev.name is not None
        value = format_value((ev.data or {}).get(spec.by)) if real else None  # type: ignore[union-attr]
    chain = tuple(sorted(t for t in best if t is not None))
    return UserOutcome(m, chain, in_progress, value)


def _last_touch_any(times: list[datetime | None]) -> int:
    """The latest counted step; ties at one instant -> the earliest step in funnel order."""
    last = max(t for t in times if t is not None)
    return min(k for k, t in enumerate(times, start=1) if t == last)


def _derived(spec: FunnelSpec, evs: list[RefEvent]) -> list[RefEvent]:
    """One derived event per return moment of each ``jl.returned`` step or exclusion."""
    from journeylab.journeys.reactivation import DERIVED_KEY, derived_steps, reference_returns

    rows = [{**e.__dict__} for e in evs]
    out = []
    for st in derived_steps([*spec.steps, *[x.step for x in spec.exclude]]):
        data = {DERIVED_KEY: st.ret.tag}
        for r in reference_returns(rows, st.ret):
            out.append(RefEvent("", r["user_id"], None, r["returned_at"], data))
    return out


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
    evs += _derived(spec, evs)
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
