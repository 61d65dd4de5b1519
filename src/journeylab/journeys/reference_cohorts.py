"""Plain-Python references for retention and lifecycle: user by user, straight from the
semantics in docs/journeys.md (no masks, no offsets: ``datetime.astimezone``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from journeylab.funnels.reference import RefEvent, format_value
from journeylab.funnels.result import NONE
from journeylab.journeys.reference_paths import by_user, ref_events
from journeylab.journeys.retention_spec import RetentionSpec

__all__ = ["reference_retention", "reference_lifecycle", "entries_of"]


def _cut(evs: list[RefEvent], *candidates: datetime | None) -> datetime | None:
    for c in candidates:
        if c is not None:
            return c
    return max(e.event_at for e in evs) if evs else None


def entries_of(spec: RetentionSpec, ue: list[RefEvent]) -> list[RefEvent]:
    """A user's entry events: the first start event ever (if inside the range), or the first
    start event of each calendar period inside the range (``recurring``)."""
    starts = [e for e in ue if spec.start.matches(e.name, e.data)]
    if spec.start_kind == "first_time":
        return starts[:1] if starts and spec.clock.admits(starts[0].event_at) else []
    seen: set[int] = set()
    out = []
    for e in starts:
        c = spec.calendar.index(e.event_at)
        if spec.clock.admits(e.event_at) and c not in seen:
            seen.add(c)
            out.append(e)
    return out


def reference_retention(
    spec: RetentionSpec,
    events: Iterable[Mapping[str, Any] | RefEvent],
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """Rows (cohort, segment, period, users, eligible, retained, returned_open) sorted by
    (cohort, segment, period); segment is the raw ``by`` value (no top-N pooling) or
    ``all``."""
    evs = ref_events(events)
    cut = _cut(evs, spec.clock.as_of, as_of)
    if cut is None:
        return []
    acc: dict[tuple[int, str, int], list[int]] = {}
    for ue in by_user(evs, cut).values():
        back_events = [
            e for e in ue if spec.returning is None or spec.returning.matches(e.name, e.data)
        ]
        for x in entries_of(spec, ue):
            cohort = spec.calendar.index(x.event_at)
            seg = "all"
            if spec.by is not None:
                seg = format_value((x.data or {}).get(spec.by)) or NONE
            back = {
                spec.period_of(x.event_at, cohort, r.event_at)
                for r in back_events
                if r.event_at > x.event_at
            }
            ended = spec.ended(x.event_at, cohort, cut)
            for n in range(spec.periods + 1):
                hit = n in back if spec.mode == "on" else any(p >= n for p in back)
                row = acc.setdefault((cohort, seg, n), [0, 0, 0, 0])
                row[0] += 1
                row[1] += int(ended > n)
                row[2] += int(ended > n and hit)
                row[3] += int(ended <= n and hit)
    return [
        {
            "cohort": c,
            "segment": s,
            "period": n,
            "users": v[0],
            "eligible": v[1],
            "retained": v[2],
            "returned_open": v[3],
        }
        for (c, s, n), v in sorted(acc.items())
    ]


def reference_lifecycle(
    spec: Any, events: Iterable[Mapping[str, Any] | RefEvent], as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """Rows (period, new, returning, resurrecting, dormant, active, complete) for the
    reported periods, user by user over their whole history."""
    from datetime import timedelta

    evs = ref_events(events)
    cut = _cut(evs, spec.clock.as_of, as_of)
    if cut is None:
        return []
    cal = spec.calendar
    active: dict[str, set[int]] = {}
    for user, ue in by_user(evs, cut).items():
        hits = {
            cal.index(e.event_at)
            for e in ue
            if spec.active is None or spec.active.matches(e.name, e.data)
        }
        if hits:
            active[user] = hits
    if not active:
        return []
    lo = cal.index(spec.clock.start) if spec.clock.start else min(min(p) for p in active.values())
    last = cut if spec.clock.end is None else min(cut, spec.clock.end - timedelta(microseconds=1))
    out = []
    for p in range(lo, cal.index(last) + 1):
        row = {"period": p, "new": 0, "returning": 0, "resurrecting": 0, "dormant": 0}
        for ps in active.values():
            if p in ps:
                kind = "new" if min(ps) == p else "returning" if p - 1 in ps else "resurrecting"
                row[kind] += 1
            elif p - 1 in ps:
                row["dormant"] += 1
        row["active"] = row["new"] + row["returning"] + row["resurrecting"]
        row["complete"] = p < cal.index(cut)
        out.append(row)
    return out
