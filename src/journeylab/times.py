"""Points in time as users pass them: aware or naive datetimes, dates, or ISO 8601 text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from journeylab.errors import InputError, JourneylabError, invalid

__all__ = ["EPOCH", "as_utc", "from_us", "to_us"]

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
