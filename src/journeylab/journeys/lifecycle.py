"""Lifecycle: per period, new, returning, resurrecting and dormant users.

Semantics (docs/journeys.md, "Lifecycle"): a user is *active* in a calendar period when
they have an ``active`` event (any event with ``"any"``) in it. Over the user's whole
history up to as-of — not only the reported range, so users active before the range are
never mistaken for new ones:

- new: the period holds the user's first active event ever;
- returning: active in this period and in the previous one;
- resurrecting: active in this period, not in the previous one, active at some time before;
- dormant: active in the previous period, not in this one (drawn below zero).

Periods run from ``start_date``'s (default: the first active event's) to ``end_date``'s
(default: as-of's). A period that has not ended at as-of is ``complete=False``: its
dormant users may still come back before it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from journeylab.errors import SpecError, invalid
from journeylab.journeys.calendar import PERIODS, WEEKDAYS, Calendar, Offsets, weekday
from journeylab.journeys.checks import checked
from journeylab.journeys.clock import Clock, make_clock
from journeylab.journeys.ibis_common import events_until, run
from journeylab.journeys.lifecycle_result import LifecycleResult, build_lifecycle
from journeylab.journeys.paths import user_key_column
from journeylab.journeys.retention import lake_offsets
from journeylab.journeys.spec_common import returning_step
from journeylab.steps import Step, StepLike
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["LifecycleSpec", "lifecycle_spec", "compile_lifecycle", "lifecycle"]


@dataclass(frozen=True)
class LifecycleSpec:
    active: Step | None = None  # None: any event
    calendar: Calendar = Calendar("week")
    clock: Clock = Clock()

    def to_dict(self) -> dict[str, Any]:
        return {
            "active": "any" if self.active is None else self.active.to_dict(),
            "period": self.calendar.period,
            "timezone": self.calendar.timezone,
            "week_start": WEEKDAYS[self.calendar.week_start],
            **self.clock.to_dict(),
        }


def lifecycle_spec(
    period: str = "week",
    active: StepLike = "any",
    timezone: str = "UTC",
    week_start: str | int = "monday",
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
) -> LifecycleSpec:
    """Validate user arguments into a :class:`LifecycleSpec`."""
    if period not in PERIODS:
        raise invalid("period", period, PERIODS, cls=SpecError)
    return LifecycleSpec(
        returning_step(active, "active"),
        Calendar(period, timezone, weekday(week_start)),
        make_clock(start_date, end_date, as_of, timezone),
    )


def compile_lifecycle(
    events: ir.Table,
    spec: LifecycleSpec,
    as_of: datetime,
    offsets: Offsets,
    key: str,
    filter_as_of: bool = True,
) -> ir.Table:
    """Rows (what, period, users) with what in active | new | returning: users active in
    the period, whose first active period it is, active in it and in the one before."""
    ev = events_until(events, as_of, filter_as_of=filter_as_of)
    if spec.active is not None:
        ev = ev.filter(spec.active.expr(ev))
    a = ev.select(u=ev[key], p=spec.calendar.expr(ev.us, offsets)).distinct()
    first = a.group_by("u").agg(p=a.p.min())
    prev = a.select(u2=a.u, p2=a.p + 1)
    both = a.join(prev, [a.u == prev.u2, a.p == prev.p2])
    parts = [
        a.group_by("p").agg(users=a.count()).mutate(what=ibis.literal("active")),
        first.group_by("p").agg(users=first.count()).mutate(what=ibis.literal("new")),
        both.group_by("p").agg(users=both.count()).mutate(what=ibis.literal("returning")),
    ]
    return ibis.union(
        *[
            t.select(what=t.what, period=t.p.cast("int64"), users=t.users.cast("int64"))
            for t in parts
        ]
    )


def lifecycle(
    lake: Lake,
    period: str = "week",
    active: StepLike = "any",
    timezone: str = "UTC",
    week_start: str | int = "monday",
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    strict: bool = False,
) -> LifecycleResult:
    """New, returning, resurrecting and dormant users per period; see docs/journeys.md."""
    spec = lifecycle_spec(period, active, timezone, week_start, start_date, end_date, as_of)
    warnings = checked(lake, [("active", spec.active)], strict=strict)
    cut = spec.clock.as_of or lake.last_event_at()
    if cut is None:
        return build_lifecycle(spec, None, None, "", warnings)
    offsets = lake_offsets(lake, spec.calendar, cut)
    expr = compile_lifecycle(
        lake.events(),
        spec,
        cut,
        offsets,
        user_key_column(lake),
        filter_as_of=spec.clock.as_of is not None,
    )
    frame, sql = run(lake.engine, expr)
    return build_lifecycle(spec, frame, cut, sql, warnings)
