"""Plain-Python references for paths and transitions: event by event, straight from the
semantics in docs/journeys.md. Slow and obviously right; the Ibis versions must equal them
on every input (tests/test_journeys_differential.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journeylab.funnels.reference import RefEvent
from journeylab.journeys.paths_spec import PathsSpec
from journeylab.journeys.spec_common import grouped

__all__ = ["RefPath", "aggregate_paths", "ref_events", "by_user", "reference_paths"]


def ref_events(events: Iterable[Mapping[str, Any] | RefEvent]) -> list[RefEvent]:
    """Events as :class:`RefEvent` (``data`` may be JSON text)."""
    out: list[RefEvent] = []
    for e in events:
        if not isinstance(e, RefEvent):
            raw = e.get("data")
            data = json.loads(raw) if isinstance(raw, str) else raw
            e = RefEvent(e["event_id"], e["user_id"], e["name"], e["event_at"], data)
        out.append(e)
    return out


def name_of(e: RefEvent) -> str:
    """The name of an event of the lake (only derived moments have none; journeys read none)."""
    if e.name is None:
        raise ValueError(f"event {e.event_id!r} has no name: a derived moment is not an event")
    return e.name


def by_user(evs: list[RefEvent], cut: datetime) -> dict[str, list[RefEvent]]:
    """Each user's events at or before ``cut`` in ``(event_at, event_id)`` order."""
    users: dict[str, list[RefEvent]] = {}
    for e in sorted(evs, key=lambda e: (e.event_at, e.event_id)):
        if e.event_at <= cut:
            users.setdefault(e.user_id, []).append(e)
    return users


@dataclass(frozen=True)
class RefPath:
    """One path: its steps after the anchor (at most ``depth``, in path order), seconds from
    the anchor to the last of them, whether it reached ``between``'s B, whether it ended
    early with its window or session still open at as-of."""

    user_id: str
    anchor_at: datetime
    steps: tuple[str, ...]
    seconds: float | None
    reached: bool
    open: bool


def _secs(a: datetime, b: datetime) -> float:
    return abs((b - a) / timedelta(microseconds=1)) / 1e6


def _path(spec: PathsSpec, evs: list[RefEvent], a: RefEvent, cut: datetime) -> RefPath:
    if spec.forward:
        rest = [e for e in evs if e is not a and e.event_at >= a.event_at]
    else:
        rest = [e for e in reversed(evs) if e is not a and e.event_at <= a.event_at]
    if spec.within is not None:
        rest = [e for e in rest if abs(e.event_at - a.event_at) <= spec.within]
    kept, prev, cut_by_gap, reached = [a], a, False, False
    for e in rest:
        if spec.session_gap is not None and abs(e.event_at - prev.event_at) > spec.session_gap:
            cut_by_gap = True
            break
        kept.append(e)
        prev = e
        if spec.until is not None and spec.until.matches(e.name, e.data):
            reached = True
            break
    names = [grouped(name_of(a), spec.group)]
    times = [a.event_at]
    for e in kept[1:]:
        g = grouped(name_of(e), spec.group)
        if spec.collapse_repeats and g == names[-1]:
            continue
        names.append(g)
        times.append(e.event_at)
    after = names[1:]
    shown = after if spec.depth is None else after[: spec.depth]
    seconds = _secs(a.event_at, times[len(shown)]) if shown else None
    short = spec.depth is None or len(after) < spec.depth
    could = (
        spec.forward
        and short
        and not reached
        and not cut_by_gap
        and (spec.session_gap is None or kept[-1].event_at + spec.session_gap > cut)
        and (spec.within is None or a.event_at + spec.within > cut)
    )
    return RefPath(a.user_id, a.event_at, tuple(shown), seconds, reached, could)


def reference_paths(
    spec: PathsSpec, events: Iterable[Mapping[str, Any] | RefEvent], as_of: datetime | None = None
) -> list[RefPath]:
    """Every path of ``spec`` over ``events`` (as-of: the spec's, else ``as_of``, else the
    last event), sorted by user and anchor time."""
    evs = ref_events(events)
    cut = spec.clock.as_of or as_of or (max(e.event_at for e in evs) if evs else None)
    if cut is None:
        return []
    keep_users = None if spec.users is None else set(spec.users)
    out: list[RefPath] = []
    for user, ue in sorted(by_user(evs, cut).items()):
        if keep_users is not None and user not in keep_users:
            continue
        ue = [e for e in ue if not any(x.matches(e.name, e.data) for x in spec.exclude)]
        anchors = [
            e for e in ue if spec.anchor.matches(e.name, e.data) and spec.clock.admits(e.event_at)
        ]
        if spec.occurrence == "first":
            anchors = anchors[:1]
        out += [_path(spec, ue, a, cut) for a in anchors]
    return out


def aggregate_paths(found: list[RefPath]) -> list[dict[str, Any]]:
    """The references' paths grouped by sequence, as the engine returns them: path, paths,
    users, median_seconds, in_progress, reached (sorted by path)."""
    groups: dict[tuple[str, ...], list[RefPath]] = {}
    for p in found:
        groups.setdefault(p.steps, []).append(p)
    out = []
    for steps, ps in sorted(groups.items()):
        secs = sorted(p.seconds for p in ps if p.seconds is not None)
        out.append(
            {
                "path": list(steps),
                "paths": len(ps),
                "users": len({p.user_id for p in ps}),
                "median_seconds": _median(secs),
                "in_progress": sum(p.open for p in ps),
                "reached": sum(p.reached for p in ps),
            }
        )
    return out


def _median(values: list[float]) -> float | None:
    n = len(values)
    if not n:
        return None
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
