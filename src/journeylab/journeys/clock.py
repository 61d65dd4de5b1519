"""The time words every journeys call shares: ``start_date``, ``end_date``, ``as_of``.

``start_date`` / ``end_date`` bound the *entry* (the anchor event, the cohort start, the
periods reported); ``as_of`` is the clock (events after it are ignored, windows still open
at it are censored; default: the lake's last ``event_at``).

A date (or date-only ISO text like ``"2025-01-31"``) means the whole day in the call's time
zone (UTC unless ``timezone=`` is given) and both ends include their day; a datetime (or ISO
text with a time) is an instant and the range is ``start_date <= t < end_date``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from journeylab.errors import SpecError, invalid
from journeylab.journeys.calendar import local_midnight, zone
from journeylab.times import TimeLike, as_utc, time_range

__all__ = ["CLI_PARAMS", "Clock", "make_clock", "iso"]

_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


@dataclass(frozen=True)
class Clock:
    """Entry bounds as UTC instants (``start <= t < end``; None: open) and the as-of time
    (None: the lake's last ``event_at``, filled in when the analysis runs)."""

    start: datetime | None = None
    end: datetime | None = None
    as_of: datetime | None = None

    def admits(self, t: datetime) -> bool:
        """Whether an entry at ``t`` lies in the range (plain-Python twin of the filter)."""
        return (self.start is None or t >= self.start) and (self.end is None or t < self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "end": iso(self.end),
            "as_of": iso(self.as_of),
        }


def iso(t: datetime | None) -> str | None:
    """``2025-01-31T00:00:00Z`` (UTC, as the CLI prints times); None stays None."""
    if t is None:
        return None
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local_day(value: object) -> date | None:
    """The day of a whole-day bound (a ``date`` or text like ``2025-01-31``), else None."""
    if isinstance(value, str) and _DATE_ONLY.match(value):
        return date.fromisoformat(value.strip())  # time_range has validated it
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


#: the names of the time words in errors: Python's, or the CLI's (``--from``, ...)
PARAMS = ("start_date", "end_date", "as_of")
CLI_PARAMS = ("--from", "--to", "--as-of")


def make_clock(
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    timezone: str = "UTC",
    params: tuple[str, str, str] = PARAMS,
) -> Clock:
    """Validate the shared time arguments (errors name the parameter, as ``params`` spell
    them, and the fix). The range is read by :func:`journeylab.times.time_range`; a whole
    day is then the day in ``timezone`` (UTC unless given)."""
    tz = zone(timezone)
    lo, hi = time_range(start_date, end_date, (params[0], params[1]), SpecError)
    if tz.key != "UTC":
        if (day := _local_day(start_date)) is not None:
            lo = local_midnight(day, tz)
        if (day := _local_day(end_date)) is not None:
            hi = local_midnight(day + timedelta(days=1), tz)
        if lo is not None and hi is not None and hi <= lo:
            raise invalid(
                params[1], end_date, f"a time after {params[0]} {start_date!s}", cls=SpecError
            )
    return Clock(lo, hi, as_utc(as_of, params[2], SpecError))
