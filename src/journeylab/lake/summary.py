"""What a lake holds, in four numbers: events, users, first and last ``event_at``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["LakeSummary", "summarize_lake"]


@dataclass(frozen=True)
class LakeSummary:
    """Events and distinct users in the lake, and the span of their ``event_at``."""

    events: int
    users: int
    first_event_at: datetime | None
    last_event_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return None if t is None else t.isoformat().replace("+00:00", "Z")

        return {
            "events": self.events,
            "users": self.users,
            "first_event_at": iso(self.first_event_at),
            "last_event_at": iso(self.last_event_at),
        }


def summarize_lake(lake: Lake) -> LakeSummary:
    """One aggregate over the events (distinct users counted on ``user_key`` when the lake
    records that keys are exact: an integer count instead of a string one)."""
    if not lake.layout.event_files():
        return LakeSummary(0, 0, None, None)
    ev = lake.events()
    who = ev.user_key if lake.user_keys_exact() else ev.user_id
    row = lake.execute(
        ev.aggregate(
            events=ev.count(),
            users=who.nunique(),
            first=ev.event_at.min(),
            last=ev.event_at.max(),
        )
    ).row(0, named=True)

    def utc(t: datetime | None) -> datetime | None:
        return None if t is None else t.astimezone(UTC)

    return LakeSummary(int(row["events"]), int(row["users"]), utc(row["first"]), utc(row["last"]))
