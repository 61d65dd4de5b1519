"""Calendar periods (day, week, month) in a time zone, and rolling periods, as integers.

A period index is an integer that grows by one per period: local days since 1970-01-01, local
weeks (starting on ``week_start``) counted the same way, or ``year * 12 + month - 1``.
Engines compute it with integer arithmetic on epoch microseconds (portable to DuckDB and
Spark, exact, no per-row time-zone library call): the local time is the UTC time plus the
zone's offset, and the offset is a short ``CASE`` over the zone's transitions inside the
data's range (found once, in Python, from ``zoneinfo``). The plain-Python twins
(:meth:`Calendar.index`) use ``datetime.astimezone`` and are the references the engine
version is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.types as ir

from journeylab.errors import SpecError, invalid
from journeylab.times import EPOCH, to_us

__all__ = [
    "PERIODS",
    "WEEKDAYS",
    "ROLLING",
    "Calendar",
    "Offsets",
    "local_midnight",
    "zone",
    "weekday",
]

PERIODS = ("day", "week", "month")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: rolling period lengths (Amplitude's: a week is 7 days, a month 30 days)
ROLLING = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
_EPOCH_DAY = date(1970, 1, 1)
_US = 1_000_000
_DAY_S = 86_400


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(name: Any) -> ZoneInfo:
    """An IANA time zone by name ('UTC', 'Europe/Paris'), or a clear error."""
    if not isinstance(name, str) or not name:
        raise invalid("timezone", name, "an IANA time zone name like 'Europe/Paris'", cls=SpecError)
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(
            "timezone",
            name,
            "an IANA time zone name like 'UTC', 'Europe/Paris' or 'America/New_York'",
            cls=SpecError,
        ) from None


def weekday(value: Any) -> int:
    """``week_start`` as 0 (Monday) .. 6 (Sunday); accepts the name or the number."""
    if isinstance(value, str) and value.lower() in WEEKDAYS:
        return WEEKDAYS.index(value.lower())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    raise invalid("week_start", value, WEEKDAYS, "Or 0 (Monday) .. 6 (Sunday).", cls=SpecError)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first UTC instant whose local date in ``tz`` is ``day`` or later (local midnight;
    the end of the gap when midnight does not exist that day)."""
    naive = datetime(day.year, day.month, day.day)
    guess = min(naive.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1))
    lo, hi = guess - timedelta(days=1), guess + timedelta(days=1)
    while hi - lo > timedelta(seconds=1):  # bisect on whole seconds: offsets are whole
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(tz).date() >= day:
            hi = mid
        else:
            lo = mid
    return hi if lo.astimezone(tz).date() < day else lo


@dataclass(frozen=True)
class Offsets:
    """A zone's UTC offsets (whole seconds) over a range: ``(since_us, offset_s)`` pieces,
    the first with ``since_us = None`` (from the beginning of time)."""

    pieces: tuple[tuple[int | None, int], ...]

    @classmethod
    def of(cls, tz: ZoneInfo, lo: datetime, hi: datetime) -> Offsets:
        """Scan ``[lo - 1 day, hi + 1 day]`` every 6 hours and bisect each change to the
        second (no zone changes its offset twice within 6 hours)."""
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)

        def off(t: datetime) -> int:
            delta = t.astimezone(tz).utcoffset()
            return int(delta.total_seconds()) if delta is not None else 0

        pieces: list[tuple[int | None, int]] = [(None, off(lo))]
        t, step = lo, timedelta(hours=6)
        while t < hi:
            nxt = min(t + step, hi)
            if off(nxt) != off(t):
                a, b = t, nxt  # off(a) != off(b): find the first second with off(b)
                while b - a > timedelta(seconds=1):
                    mid = (a + (b - a) / 2).replace(microsecond=0)
                    if mid <= a:
                        break
                    a, b = (mid, b) if off(mid) == off(a) else (a, mid)
                pieces.append((to_us(b), off(b)))
            t = nxt
        return cls(tuple(pieces))

    def expr(self, us: ir.IntegerValue) -> Any:
        """The offset in microseconds at ``us`` (epoch µs) as an Ibis expression."""

        def micros(seconds: int) -> Any:
            return ibis.literal(seconds * _US, type="int64")

        if len(self.pieces) == 1:
            return micros(self.pieces[0][1])
        branches = [
            (us < ibis.literal(since, type="int64"), micros(prev))
            for (_, prev), (since, _) in zip(self.pieces, self.pieces[1:], strict=False)
        ]
        return ibis.cases(*branches, else_=micros(self.pieces[-1][1]))


def _floordiv(a: Any, b: int) -> Any:
    """Floor division (the engines' FLOOR(a / b) in doubles: exact for |a| < 2**53 and the
    divisors used here — a quotient one microsecond below a boundary stays distinct)."""
    return a // b


def _local_us(us: Any, offsets: Offsets) -> Any:
    """Local wall-clock microseconds since the epoch (UTC plus the zone's offset)."""
    if len(offsets.pieces) == 1 and offsets.pieces[0][1] == 0:
        return us
    return us + offsets.expr(us)


def _month_of_days(days: Any) -> Any:
    """``year * 12 + month - 1`` of a day number (proleptic Gregorian; H. Hinnant's
    civil_from_days in integer arithmetic, valid after 0000-03-01)."""
    z = days + 719_468
    era = _floordiv(z, 146_097)
    doe = z - era * 146_097
    yoe = _floordiv(
        doe - _floordiv(doe, 1_460) + _floordiv(doe, 36_524) - _floordiv(doe, 146_096), 365
    )
    doy = doe - (365 * yoe + _floordiv(yoe, 4) - _floordiv(yoe, 100))
    mp = _floordiv(5 * doy + 2, 153)
    month0 = ibis.cases((mp < 10, mp + 2), else_=mp - 10)  # 0-based month
    year = yoe + era * 400 + ibis.cases((mp >= 10, 1), else_=0)
    return year * 12 + month0


@dataclass(frozen=True)
class Calendar:
    """Calendar periods: ``period`` (day | week | month) in ``timezone``, weeks starting on
    ``week_start`` (0 = Monday, ISO weeks)."""

    period: str = "week"
    timezone: str = "UTC"
    week_start: int = 0
    _tz: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise invalid("period", self.period, PERIODS, cls=SpecError)
        object.__setattr__(self, "_tz", zone(self.timezone))

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    # -- plain Python (references, labels, boundaries) ----------------------------------
    def index_of_day(self, day: date) -> int:
        if self.period == "day":
            return (day - _EPOCH_DAY).days
        if self.period == "week":
            return ((day - _EPOCH_DAY).days + 3 - self.week_start) // 7
        return day.year * 12 + day.month - 1

    def index(self, t: datetime) -> int:
        """The period index of instant ``t`` (plain-Python twin of :meth:`expr`)."""
        return self.index_of_day(t.astimezone(self._tz).date())

    def first_day(self, idx: int) -> date:
        """The local date on which period ``idx`` begins."""
        if self.period == "day":
            return _EPOCH_DAY + timedelta(days=idx)
        if self.period == "week":
            return _EPOCH_DAY + timedelta(days=idx * 7 - 3 + self.week_start)
        return date(idx // 12, idx % 12 + 1, 1)

    def start(self, idx: int) -> datetime:
        """The UTC instant at which period ``idx`` begins (its first local midnight)."""
        return local_midnight(self.first_day(idx), self._tz)

    def offsets(self, lo: datetime, hi: datetime) -> Offsets:
        """The zone's offsets over ``[lo, hi]`` (one constant piece for fixed zones)."""
        return Offsets.of(self._tz, lo, hi)

    # -- Ibis -----------------------------------------------------------------------------
    def expr(self, us: ir.IntegerValue, offsets: Offsets) -> ir.IntegerValue:
        """The period index of epoch microseconds ``us``; ``offsets`` must cover the data."""
        local = _local_us(us, offsets)
        day = _DAY_S * _US
        if self.period == "day":
            out = _floordiv(local, day)
        elif self.period == "week":  # one division per row: weeks counted from a week start
            out = _floordiv(local + (3 - self.week_start) * day, 7 * day)
        else:
            out = _month_of_days(_floordiv(local, day))
        return out.cast("int64")  # type: ignore[no-any-return]


def epoch_day(t: datetime) -> int:
    """UTC days since 1970-01-01 (for tests and labels)."""
    return (t - EPOCH) // timedelta(days=1)
