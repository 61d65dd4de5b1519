"""Points in time as users pass them: aware or naive datetimes, dates, or ISO 8601 text.

Time ranges (``start_date``/``end_date`` in Python, ``--from``/``--to`` in the CLI) are read
by :func:`time_range`, the one parser every analysis uses: a date means the whole UTC day
and both ends include their day; a datetime is an instant, ``start <= t < end``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from journeylab.errors import InputError, JourneylabError, deprecated_alias, invalid

__all__ = ["EPOCH", "TimeLike", "as_utc", "from_us", "renamed", "time_range", "to_us"]

#: what a time parameter accepts: a datetime (naive is UTC), a date, or ISO 8601 text
TimeLike = datetime | date | str
_DAY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")

#: the Unix epoch; event times are integer microseconds since it
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact integer arithmetic)."""
    return (moment - EPOCH) // _US


def from_us(us: int) -> datetime:
    """The aware UTC datetime ``us`` microseconds after the epoch (exact)."""
    return EPOCH + timedelta(microseconds=us)


def as_utc(value: Any, param: str, cls: type[JourneylabError] = InputError) -> datetime | None:
    """``value`` as an aware UTC datetime; None stays None.

    Accepts a datetime (naive is read as UTC), a date (its midnight UTC) or ISO 8601 text
    (``2024-05-01``, ``2024-05-01T00:00:00Z``, with any offset).
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise invalid(
                param, value, "an ISO 8601 date or time like '2024-05-01T00:00:00Z'", cls=cls
            ) from None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise invalid(param, value, "a datetime, a date or an ISO 8601 string", cls=cls)


def _is_day(value: Any) -> bool:
    """A whole day: a ``date`` (not a datetime) or text like ``2025-01-31``."""
    if isinstance(value, str):
        return bool(_DAY.match(value))
    return isinstance(value, date) and not isinstance(value, datetime)


def time_range(
    start_date: TimeLike | None,
    end_date: TimeLike | None,
    params: tuple[str, str] = ("start_date", "end_date"),
    cls: type[JourneylabError] = InputError,
) -> tuple[datetime | None, datetime | None]:
    """The half-open UTC instants ``[lo, hi)`` of a time range; None stays None.

    A date (``date`` or ``"2025-01-31"``) is the whole UTC day: ``start_date`` starts at its
    midnight and ``end_date`` includes its day (``hi`` is the next midnight). A datetime (or
    ISO text with a time) is an instant: ``start_date <= t < end_date``. ``params`` name the
    two parameters in errors (``("--from", "--to")`` in the CLI).

    >>> lo, hi = jl.time_range("2025-01-01", "2025-01-31")  # January, both days included
    >>> lo.isoformat(), hi.isoformat()
    ('2025-01-01T00:00:00+00:00', '2025-02-01T00:00:00+00:00')
    >>> jl.time_range(None, "2025-01-31T12:00:00Z")[1].isoformat()  # an instant, excluded
    '2025-01-31T12:00:00+00:00'
    """
    lo = as_utc(start_date, params[0], cls)
    hi = as_utc(end_date, params[1], cls)
    if hi is not None and _is_day(end_date):
        if hi.date() == date.max:
            raise invalid(params[1], end_date, "a date before 9999-12-31", cls=cls)
        hi += timedelta(days=1)
    if lo is not None and hi is not None and hi <= lo:
        raise invalid(
            params[1],
            end_date,
            f"a time after {params[0]} {start_date!s}",
            "A date includes its whole day; a datetime is the first instant left out.",
            cls=cls,
        )
    return lo, hi


def renamed(old: str, old_value: Any, new: str, new_value: Any, stacklevel: int = 4) -> Any:
    """The value of a renamed parameter: ``new_value``, or ``old_value`` with a
    :class:`~journeylab.errors.JourneylabDeprecationWarning` when only the old one was given."""
    if old_value is None:
        return new_value
    deprecated_alias(f"{old}=", f"{new}=", stacklevel=stacklevel)
    if new_value is not None:
        raise invalid(old, old_value, None, f"Pass only {new}= (the new name of {old}=).")
    return old_value
