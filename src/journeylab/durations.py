"""Durations as users write them: ``30s``, ``15m``, ``2h``, ``7d``, ``4w`` or a timedelta."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from journeylab.errors import invalid

__all__ = ["MAX_DAYS", "Duration", "format_duration", "parse_duration"]

Duration = str | timedelta | int | float

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: the longest duration accepted: 100 years (longer windows only overflow time arithmetic)
MAX_DAYS = 36_525
_MAX_SECONDS = MAX_DAYS * 86400
_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_duration(value: Duration, param: str = "duration") -> timedelta:
    """Parse ``value`` into a non-negative timedelta; ints/floats are seconds."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):
        raise invalid(param, value, "a duration like '30s', '15m', '2h', '7d', '4w'")
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _RE.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    else:
        raise invalid(
            param,
            value,
            "a duration like '30s', '15m', '2h', '7d', '4w' or a datetime.timedelta",
            "Units: s, m, h, d, w.",
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise invalid(param, value, "a finite duration >= 0")
    if seconds > _MAX_SECONDS:
        raise invalid(param, value, f"a duration of at most {MAX_DAYS}d (100 years)")
    return timedelta(seconds=seconds)


def format_duration(td: timedelta) -> str:
    """Shortest exact spelling of ``td`` in the units parse_duration accepts."""
    total = td.total_seconds()
    for unit in ("w", "d", "h", "m"):
        size = _UNITS[unit]
        if total and total % size == 0:
            return f"{int(total // size)}{unit}"
    return f"{total:g}s"
