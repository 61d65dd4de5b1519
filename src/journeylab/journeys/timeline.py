"""Timeline: one user's events in order, with their data, gaps and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis
import polars as pl

from journeylab.durations import Duration
from journeylab.errors import SpecError, invalid
from journeylab.ingest.model import MAX_ID_CHARS
from journeylab.journeys.checks import UnknownUserWarning
from journeylab.journeys.clock import Clock, iso, make_clock
from journeylab.journeys.ibis_common import events_until, in_range, run
from journeylab.journeys.spec_common import optional_duration
from journeylab.lake.catalog import nearest_names
from journeylab.names import raise_if_strict
from journeylab.times import TimeLike

if TYPE_CHECKING:
    import altair as alt

    from journeylab.lake.core import Lake
    from journeylab.names import NameWarning

__all__ = ["TimelineResult", "timeline", "SIMILAR_IDS_SCANNED"]

#: ids read to suggest similar ones when a user has no event
SIMILAR_IDS_SCANNED = 200
SCHEMA: dict[str, Any] = {
    "event_at": pl.Datetime("us", "UTC"),
    "name": pl.String,
    "data": pl.String,
    "event_id": pl.String,
    "received_at": pl.Datetime("us", "UTC"),
    "seconds_since_previous": pl.Float64,
    "session": pl.Int64,
}


@dataclass(frozen=True)
class TimelineResult:
    """``events``: event_at, name, data (JSON text), event_id, received_at,
    seconds_since_previous and session (1, 2, ...: a new one after a gap longer than
    ``session_gap``), in ``(event_at, event_id)`` order."""

    user_id: str
    clock: Clock
    session_gap: timedelta | None
    as_of: datetime | None
    events: pl.DataFrame
    sql: str
    warnings: tuple[NameWarning, ...] = ()

    def table(self) -> pl.DataFrame:
        return self.events

    def sessions(self) -> pl.DataFrame:
        """Per session: start, end, events, seconds, first and last event names."""
        e = self.events
        return e.group_by("session", maintain_order=True).agg(
            start=pl.col("event_at").first(),
            end=pl.col("event_at").last(),
            events=pl.len().cast(pl.Int64),
            seconds=(pl.col("event_at").last() - pl.col("event_at").first()).dt.total_microseconds()
            / 1e6,
            first=pl.col("name").first(),
            last=pl.col("name").last(),
        )

    def chart(self) -> alt.LayerChart:
        from journeylab.charts.journeys import timeline_chart

        return timeline_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: user_id, as_of, events (event_at, name, data, event_id,
        received_at, seconds_since_previous, session) and warnings."""
        rows = self.events.with_columns(
            pl.col("event_at", "received_at").dt.to_string("%Y-%m-%dT%H:%M:%S%.6fZ")
        )
        return {
            "user_id": self.user_id,
            "as_of": iso(self.as_of),
            "events": rows.to_dicts(),
            "warnings": [w.to_dict() for w in self.warnings],
        }


def _shape(frame: pl.DataFrame, gap: timedelta | None) -> pl.DataFrame:
    if frame.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    f = frame.sort(["event_at", "event_id"]).with_columns(
        pl.col("event_at", "received_at").cast(pl.Datetime("us", "UTC"))
    )
    since = f["event_at"].diff().dt.total_microseconds() / 1e6
    f = f.with_columns(seconds_since_previous=since.cast(pl.Float64))
    brk = pl.col("seconds_since_previous") > gap.total_seconds() if gap else pl.lit(False)
    return f.with_columns(session=(1 + brk.fill_null(False).cast(pl.Int64).cum_sum())).select(
        list(SCHEMA)
    )


def _exists(lake: Lake, user_id: str) -> bool:
    """Whether ``user_id`` has any event in the lake (whatever its time)."""
    ev = lake.events()
    frame, _ = run(
        lake.engine, ev.filter(ev.user_id == ibis.literal(user_id)).select("name").limit(1)
    )
    return frame.height > 0


def _similar(lake: Lake, user_id: str) -> tuple[str, ...]:
    """Ids that differ only in case, or share the first half of ``user_id``: the
    :data:`SIMILAR_IDS_SCANNED` nearest by edit distance (of the lower-cased ids), then
    ranked as every name suggestion is."""
    ev = lake.events()
    head = user_id[: max(2, len(user_id) // 2)]
    hit = (ev.user_id.lower() == user_id.lower()) | ev.user_id.startswith(head)
    ids = ev.filter(hit).select("user_id").distinct()
    near = ids.user_id.lower().levenshtein(ibis.literal(user_id.lower()))
    frame, _ = run(lake.engine, ids.order_by([near, "user_id"]).limit(SIMILAR_IDS_SCANNED))
    return tuple(nearest_names(user_id, sorted(frame["user_id"].to_list())))


def timeline(
    lake: Lake,
    user_id: str,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    session_gap: Duration | None = "30m",
    strict: bool = False,
) -> TimelineResult:
    """``user_id``'s events in order (``start_date <= t < end_date``, at or before as-of).
    A user with no event gets a warning naming similar ids (an error with ``strict``)."""
    if not isinstance(user_id, str) or not user_id or len(user_id) > MAX_ID_CHARS:
        raise invalid("user_id", user_id, "a user id (a non-empty string)", cls=SpecError)
    clock = make_clock(start_date, end_date, as_of)
    gap = optional_duration(session_gap, "session_gap")
    cut = clock.as_of or lake.last_event_at()
    frame = pl.DataFrame(schema=SCHEMA)
    sql = ""
    if cut is not None:
        ev = events_until(lake.events(), cut, filter_as_of=clock.as_of is not None)
        ev = ev.filter((ev.user_id == ibis.literal(user_id)) & in_range(ev.us, clock))
        expr = ev.select("event_at", "name", "data", "event_id", "received_at")
        frame, sql = run(lake.engine, expr)
    warnings: list[NameWarning] = []
    if frame.height == 0 and not _exists(lake, user_id):
        warnings.append(
            UnknownUserWarning("user_id", user_id, "unknown_user", (), _similar(lake, user_id))
        )
    return TimelineResult(
        user_id, clock, gap, cut, _shape(frame, gap), sql, raise_if_strict(warnings, strict)
    )
