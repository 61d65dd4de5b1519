"""Plain-Python reference transitions: event by event (docs/journeys.md, "Transitions")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from journeylab.funnels.reference import RefEvent
from journeylab.journeys.reference_paths import by_user, name_of, ref_events
from journeylab.journeys.transitions import TransitionsSpec

__all__ = ["reference_transitions", "quantile"]


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (DuckDB ``quantile_cont``, Spark
    ``percentile``)."""
    if not values:
        return None
    s = sorted(values)
    h = q * (len(s) - 1)
    lo = int(h)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def reference_transitions(
    spec: TransitionsSpec,
    events: Iterable[Mapping[str, Any] | RefEvent],
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """Rows (src, dst — None for ends —, events, users, median_seconds, p95_seconds,
    ends_open), sorted by (src, dst)."""
    evs = ref_events(events)
    cut = spec.clock.as_of or as_of or (max(e.event_at for e in evs) if evs else None)
    if cut is None:
        return []
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for user, ue in by_user(evs, cut).items():
        if spec.names is not None:
            ue = [e for e in ue if e.name in spec.names]
        for i, e in enumerate(ue):
            if not spec.clock.admits(e.event_at):
                continue
            nxt = ue[i + 1] if i + 1 < len(ue) else None
            gap = None if nxt is None else nxt.event_at - e.event_at
            moved = gap is not None and (spec.within is None or gap <= spec.within)
            opened = nxt is None and (spec.within is None or e.event_at + spec.within > cut)
            g = groups.setdefault(
                (name_of(e), name_of(nxt) if moved and nxt else None),
                {"events": 0, "users": set(), "gaps": [], "ends_open": 0},
            )
            g["events"] += 1
            g["users"].add(user)
            g["ends_open"] += int(opened)
            if moved and gap is not None:
                g["gaps"].append(gap / timedelta(microseconds=1) / 1e6)
    out = []
    for (src, dst), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        out.append(
            {
                "src": src,
                "dst": dst,
                "events": g["events"],
                "users": len(g["users"]),
                "median_seconds": quantile(g["gaps"], 0.5),
                "p95_seconds": quantile(g["gaps"], 0.95),
                "ends_open": g["ends_open"],
            }
        )
    return out
