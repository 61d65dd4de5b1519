"""Transitions: how often each event is followed by each other (a first-order transition
matrix), with times between them.

Semantics (docs/journeys.md, "Transitions"): each user's events at or before as-of (only
``names`` when given) in ``(event_at, event_id)`` order; an event followed by the user's
next event within ``within`` (inclusive; any gap when None) makes a transition ``from ->
to``; otherwise it is a path end (``ended``). Only events whose time is in the entry range
(``start_date <= t < end_date``) count as ``from``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from journeylab.durations import Duration
from journeylab.errors import SpecError, invalid
from journeylab.ingest.model import MAX_ID_CHARS
from journeylab.journeys.checks import checked
from journeylab.journeys.clock import Clock, make_clock
from journeylab.journeys.ibis_common import events_until, in_range, lit, micros, run, us_of
from journeylab.journeys.paths import user_key_column
from journeylab.journeys.spec_common import optional_duration
from journeylab.journeys.transitions_result import TransitionsResult, build_transitions
from journeylab.steps import step
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["TransitionsSpec", "transitions_spec", "compile_transitions", "transitions"]


@dataclass(frozen=True)
class TransitionsSpec:
    names: tuple[str, ...] | None = None
    within: timedelta | None = None
    clock: Clock = Clock()

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": None if self.names is None else list(self.names),
            "within_seconds": None if self.within is None else self.within.total_seconds(),
            **self.clock.to_dict(),
        }


def transitions_spec(
    names: Sequence[str] | None = None,
    within: Duration | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
) -> TransitionsSpec:
    """Validate user arguments into a :class:`TransitionsSpec`."""
    parsed: tuple[str, ...] | None = None
    if names is not None:
        if isinstance(names, str) or not isinstance(names, Sequence) or not names:
            raise invalid("names", names, "a non-empty list of event names, or None", cls=SpecError)
        for n in names:
            if not isinstance(n, str) or not n or len(n) > MAX_ID_CHARS:
                raise invalid("names", n, "event names (non-empty strings)", cls=SpecError)
        parsed = tuple(dict.fromkeys(names))
    return TransitionsSpec(
        parsed, optional_duration(within, "within"), make_clock(start_date, end_date, as_of)
    )


def compile_transitions(
    events: ir.Table,
    spec: TransitionsSpec,
    as_of: datetime,
    key: str = "user_id",
    filter_as_of: bool = True,
) -> ir.Table:
    """One row per (from, to) with ``to`` null for path ends: events, users, median_us,
    p95_us (time between, transitions only), ends_open (ends whose window is still open at
    as-of: no next event yet and ``t + within > as_of``, or any last event without
    ``within``)."""
    ev = events_until(events, as_of, filter_as_of=filter_as_of)
    if spec.names is not None:
        ev = ev.filter(ev.name.isin(list(spec.names)))
    w = ibis.window(group_by=ev[key], order_by=[ev.us, ev.event_id])
    r = ev.select(
        u=ev[key], src=ev.name, us=ev.us, nus=ev.us.lead().over(w), nxt=ev.name.lead().over(w)
    )
    r = r.filter(in_range(r.us, spec.clock))
    gap = r.nus - r.us
    moved = r.nus.notnull()
    if spec.within is not None:
        moved = moved & (gap <= lit(micros(spec.within)))
    opened: Any = r.nus.isnull()
    if spec.within is not None:
        opened = opened & (r.us + lit(micros(spec.within)) > lit(us_of(as_of)))
    t = r.select(
        u=r.u,
        src=r.src,
        dst=ibis.cases((moved, r.nxt), else_=ibis.null("string")),
        gap=ibis.cases((moved, gap), else_=ibis.null("int64")),
        opn=ibis.cases((opened, 1), else_=0),
    )
    return t.group_by(["src", "dst"]).agg(
        events=t.count(),
        users=t.u.nunique(),
        median_us=t.gap.quantile(0.5),
        p95_us=t.gap.quantile(0.95),
        ends_open=t.opn.sum(),
    )


def transitions(
    lake: Lake,
    names: Sequence[str] | None = None,
    within: Duration | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    strict: bool = False,
) -> TransitionsResult:
    """From/to counts and probabilities between consecutive events; see docs/journeys.md.
    ``names`` are checked against the lake (warnings, or an error with ``strict=True``)."""
    spec = transitions_spec(names, within, start_date, end_date, as_of)
    steps = [(f"names[{i}]", step(n)) for i, n in enumerate(spec.names or ())]
    warnings = checked(lake, steps, strict=strict)
    cut = spec.clock.as_of or lake.last_event_at()
    if cut is None:
        return build_transitions(spec, None, None, "", warnings)
    given = spec.clock.as_of is not None  # else as-of is the lake's last event: nothing to cut
    expr = compile_transitions(lake.events(), spec, cut, user_key_column(lake), given)
    frame, sql = run(lake.engine, expr)
    return build_transitions(spec, frame, cut, sql, warnings)
