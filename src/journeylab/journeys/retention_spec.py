"""The retention spec: frozen, validated once; built by :func:`retention_spec`.

It says what "retained" means, apart from who is measured, so the same spec serves a
retention table (cohorts of ``start`` events) and any other set of users with an entry
time (an activation comparison's activated users): a user entering at ``t`` is retained
at period ``n`` when a ``returning`` event (any event with ``"any"``) strictly after ``t``
falls in period ``n`` (``mode="on"``) or in period ``n`` or later (``"on_or_after"``).
Periods are calendar periods in ``timezone`` counted from the entry's period
(``windows="calendar"``: period 0 is the rest of the entry's day/week/month) or elapsed
time from the entry (``"rolling"``: ``[t + n P, t + (n + 1) P)`` with P = 1, 7 or 30
days). A period that has not ended at as-of is *censored* for that user: neither retained
nor lost (docs/journeys.md, "Retention").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journeylab.errors import SpecError, invalid
from journeylab.journeys.calendar import PERIODS, ROLLING, WEEKDAYS, Calendar, weekday
from journeylab.journeys.clock import Clock, make_clock
from journeylab.journeys.spec_common import (
    event_step,
    field_name,
    one_of,
    positive_int,
    returning_step,
)
from journeylab.steps import Step, StepLike
from journeylab.times import TimeLike

__all__ = [
    "MODES",
    "WINDOWS",
    "START_KINDS",
    "MAX_PERIODS",
    "RetentionSpec",
    "retention_spec",
]

MODES = ("on", "on_or_after")
WINDOWS = ("calendar", "rolling")
START_KINDS = ("first_time", "recurring")
MAX_PERIODS = 366


@dataclass(frozen=True)
class RetentionSpec:
    """``start``: the cohort event; ``returning``: None for any event; ``periods``: the
    last period reported (periods 0..N); ``by``: a ``data`` field of the entry event."""

    start: Step
    returning: Step | None = None
    calendar: Calendar = Calendar("week")
    periods: int = 8
    mode: str = "on"
    windows: str = "calendar"
    start_kind: str = "first_time"
    by: str | None = None
    top: int = 10
    clock: Clock = Clock()

    @property
    def period(self) -> str:
        return self.calendar.period

    @property
    def length(self) -> timedelta:
        """A rolling period's length (1, 7 or 30 days)."""
        return ROLLING[self.calendar.period]

    def ended(self, entry: datetime, cohort: int, as_of: datetime) -> int:
        """How many of periods 0.. have ended at ``as_of`` for an entry at ``entry`` in
        calendar period ``cohort`` (capped at periods + 1)."""
        if self.windows == "rolling":
            done = (as_of - entry) // self.length
        else:
            done = self.calendar.index(as_of) - cohort
        return max(0, min(int(done), self.periods + 1))

    def period_of(self, entry: datetime, cohort: int, t: datetime) -> int:
        """The period (0, 1, ...) of an event at ``t`` after an entry at ``entry``."""
        if self.windows == "rolling":
            return (t - entry) // self.length
        return self.calendar.index(t) - cohort

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.to_dict(),
            "returning": "any" if self.returning is None else self.returning.to_dict(),
            "period": self.period,
            "periods": self.periods,
            "mode": self.mode,
            "windows": self.windows,
            "start_kind": self.start_kind,
            "by": self.by,
            "timezone": self.calendar.timezone,
            "week_start": WEEKDAYS[self.calendar.week_start],
            **self.clock.to_dict(),
        }


def retention_spec(
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
) -> RetentionSpec:
    """Validate user arguments into a :class:`RetentionSpec` (errors name the fix).

    ``start_date``/``end_date`` bound the entries (a date is its whole day in
    ``timezone``, both ends included)."""
    if period not in PERIODS:
        raise invalid("period", period, PERIODS, cls=SpecError)
    cal = Calendar(period, timezone, weekday(week_start))
    return RetentionSpec(
        start=event_step(start, "start"),
        returning=returning_step(returning, "returning"),
        calendar=cal,
        periods=_periods(periods),
        mode=one_of("mode", mode, MODES),
        windows=one_of("windows", windows, WINDOWS),
        start_kind=one_of("start_kind", start_kind, START_KINDS),
        by=field_name(by, "by"),
        top=positive_int(top, "top"),
        clock=make_clock(start_date, end_date, as_of, timezone),
    )


def _periods(value: Any) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PERIODS
    if not ok:
        raise invalid(
            "periods",
            value,
            f"an integer 0..{MAX_PERIODS} (the last period reported)",
            cls=SpecError,
        )
    return int(value)
