"""What the live page shows: events per second, the last events, rejection reasons."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from typing import Any

from journeylab.serve.batch import Entry
from journeylab.times import from_us

__all__ = ["Stats"]

_WINDOW = 10  # seconds averaged for events per second
_LAST = 20  # last events shown


def _iso(us: int) -> str:
    return from_us(us).isoformat().replace("+00:00", "Z")


class Stats:
    """Counters of one server since it started (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self.requests = 0
        self.accepted = 0
        self.rejected: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # whole requests: 400, 401, 413, ...
        self.flushed = 0
        self.duplicates = 0
        self.pending = 0
        self.last_flush: float | None = None
        self.flush_error: str | None = None
        self._per_second: deque[tuple[int, int]] = deque()
        self._last: deque[dict[str, Any]] = deque(maxlen=_LAST)

    def accepted_entry(self, entry: Entry) -> None:
        now = int(time.time())
        n = len(entry.event_id)
        with self._lock:
            self.requests += 1
            self.accepted += n
            self.pending += n
            for _, _, reason, _ in entry.rejects:
                self.rejected[reason] += 1
            if self._per_second and self._per_second[-1][0] == now:
                self._per_second[-1] = (now, self._per_second[-1][1] + n)
            else:
                self._per_second.append((now, n))
            while self._per_second and self._per_second[0][0] <= now - _WINDOW:
                self._per_second.popleft()
            for k in range(max(0, n - _LAST), n):
                self._last.append(
                    {
                        "eventId": entry.event_id[k],
                        "userId": entry.user_id[k],
                        "name": entry.name[k],
                        "eventAt": _iso(entry.event_at[k]),
                        "receivedAt": _iso(entry.received_at),
                    }
                )

    def refused_request(self, reason: str) -> None:
        with self._lock:
            self.refused[reason] += 1

    def landed(self, events: int, accepted: int) -> None:
        with self._lock:
            self.flushed += accepted
            self.duplicates += events - accepted
            self.pending = max(0, self.pending - events)
            self.last_flush = time.time()
            self.flush_error = None

    def to_dict(self) -> dict[str, Any]:
        now = int(time.time())
        with self._lock:
            recent = sum(n for second, n in self._per_second if second > now - _WINDOW)
            return {
                "uptime_seconds": round(time.time() - self.started, 1),
                "events_per_second": round(recent / _WINDOW, 1),
                "requests": self.requests,
                "accepted": self.accepted,
                "rejected": sum(self.rejected.values()),
                "rejected_by_reason": dict(sorted(self.rejected.items())),
                "refused_by_reason": dict(sorted(self.refused.items())),
                "landed": self.flushed,
                "duplicates": self.duplicates,
                "pending": self.pending,
                "last_flush": None if self.last_flush is None else round(self.last_flush, 3),
                "flush_error": self.flush_error,
                "last_events": list(reversed(self._last)),
            }
