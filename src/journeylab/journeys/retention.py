"""``retention(lake, ...)``: spec -> Ibis expressions -> engine -> RetentionResult."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from journeylab.journeys.calendar import Calendar, Offsets
from journeylab.journeys.checks import checked
from journeylab.journeys.ibis_common import run
from journeylab.journeys.paths import user_key_column
from journeylab.journeys.retention_compile import compile_cohorts, compile_entries, compile_returns
from journeylab.journeys.retention_result import RetentionResult, build_retention
from journeylab.journeys.retention_spec import RetentionSpec, retention_spec
from journeylab.steps import StepLike
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["retention", "run_retention", "lake_offsets"]


def lake_offsets(lake: Lake, calendar: Calendar, as_of: datetime) -> Offsets:
    """The zone's offsets over the lake's events up to ``as_of`` (UTC: no query)."""
    if calendar.timezone in ("UTC", "Etc/UTC"):
        return Offsets(((None, 0),))
    ev = lake.events()
    frame, _ = run(lake.engine, ev.aggregate(first=ev.event_at.min()))
    first = frame["first"][0]
    lo = as_of if first is None else min(first.replace(tzinfo=first.tzinfo or UTC), as_of)
    return calendar.offsets(lo, as_of)


def run_retention(lake: Lake, spec: RetentionSpec, as_of: datetime) -> tuple[Any, str]:
    """The engine rows of ``spec`` (cohort, [vs, vn], ended, masks, users) and the SQL."""
    offsets = lake_offsets(lake, spec.calendar, as_of)
    events, key = lake.events(), user_key_column(lake)
    cut = spec.clock.as_of is not None  # else as-of is the lake's last event: nothing to cut
    entries = compile_entries(events, spec, as_of, offsets, key, cut)
    returns = compile_returns(events, spec, entries, as_of, offsets, key, cut)
    return run(lake.engine, compile_cohorts(returns, spec))


def retention(
    lake: Lake,
    start: StepLike = "signup",
    returning: StepLike = "any",
    period: str = "week",
    periods: int = 8,
    mode: str = "on",
    windows: str = "calendar",
    start_kind: str = "first_time",
    by: str | None = None,
    timezone: str = "UTC",
    week_start: str | int = "monday",
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    top: int = 10,
    strict: bool = False,
) -> RetentionResult:
    """Cohorts of ``start`` events × periods 0..``periods``: the share of users who came
    back (``returning``: any event, or a step), with Wilson intervals; periods still running
    at as-of are censored (shown apart, never counted as lost). See docs/journeys.md for
    every parameter and how ``mode``/``windows`` map to PostHog, Mixpanel and Amplitude."""
    spec = retention_spec(
        start=start,
        returning=returning,
        period=period,
        periods=periods,
        mode=mode,
        windows=windows,
        start_kind=start_kind,
        by=by,
        timezone=timezone,
        week_start=week_start,
        start_date=start_date,
        end_date=end_date,
        as_of=as_of,
        top=top,
    )
    warnings = checked(
        lake,
        [("start", spec.start), ("returning", spec.returning)],
        [("by", spec.by, [spec.start.name])],
        strict=strict,
    )
    cut = spec.clock.as_of or lake.last_event_at()
    if cut is None:
        return build_retention(spec, None, None, "", warnings)
    rows, sql = run_retention(lake, spec, cut)
    return build_retention(spec, rows, cut, sql, warnings)
