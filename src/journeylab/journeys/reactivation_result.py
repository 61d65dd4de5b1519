"""ReactivationResult: the returns of a lake (frozen, polars frames) and their summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from journeylab.errors import invalid

if TYPE_CHECKING:
    import altair as alt

    from journeylab.journeys.reactivation import ReturnSpec
    from journeylab.names import NameWarning

__all__ = ["RETURNS_SCHEMA", "ReactivationResult", "returns_frame"]

PERIODS = {"day": "1d", "week": "1w", "month": "1mo"}
RETURNS_SCHEMA: dict[str, Any] = {
    "user_id": pl.String,
    "returned_at": pl.Datetime("us", "UTC"),
    "last_active_at": pl.Datetime("us", "UTC"),
    "days_away": pl.Float64,
    "event_id": pl.String,
    "name": pl.String,
}


def returns_frame(rows: pl.DataFrame | list[dict[str, Any]]) -> pl.DataFrame:
    """Rows with user_id, event_id, name, returned_at, last_active_at → RETURNS_SCHEMA,
    ``days_away`` = the gap in days, sorted by (returned_at, user_id)."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows or None)
    if frame.height == 0:
        return pl.DataFrame(schema=RETURNS_SCHEMA)
    ts = pl.Datetime("us", "UTC")
    frame = frame.with_columns(
        [
            pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
            if frame.schema[c] != ts
            else pl.col(c)
            for c in ("returned_at", "last_active_at")
        ]
    )
    away = (pl.col("returned_at") - pl.col("last_active_at")).dt.total_microseconds()
    frame = frame.with_columns(days_away=away / 86_400_000_000)
    return frame.select([pl.col(c).cast(t) for c, t in RETURNS_SCHEMA.items()]).sort(
        ["returned_at", "user_id", "event_id"]
    )


@dataclass(frozen=True)
class ReactivationResult:
    """Users who came back after at least ``spec.dormant_for`` without activity.

    ``returns``: one row per return — user_id, returned_at, last_active_at, days_away (the
    gap in days, fractional), event_id and name of the returning event — sorted by time."""

    spec: ReturnSpec
    start: datetime | None
    end: datetime | None
    as_of: datetime | None
    returns: pl.DataFrame
    sql: str
    #: names the lake does not know (unknown events); see journeylab.names
    warnings: tuple[NameWarning, ...] = ()

    def table(self) -> pl.DataFrame:
        """The returns (one row per return, in time order)."""
        return self.returns

    def users(self) -> list[str]:
        """Sorted ids of the users who came back at least once."""
        return sorted(self.returns["user_id"].unique().to_list())

    def by_period(self, period: Literal["day", "week", "month"] = "week") -> pl.DataFrame:
        """Per UTC period of return (weeks start on Monday): returns, returning users, and
        the median and p90 days away."""
        if period not in PERIODS:
            raise invalid("period", period, tuple(PERIODS))
        r = self.returns.with_columns(period=pl.col("returned_at").dt.truncate(PERIODS[period]))
        return (
            r.group_by("period")
            .agg(
                returns=pl.len().cast(pl.Int64),
                users=pl.col("user_id").n_unique().cast(pl.Int64),
                median_days_away=pl.col("days_away").median(),
                p90_days_away=pl.col("days_away").quantile(0.9, "linear"),
            )
            .sort("period")
        )

    def summary(self) -> dict[str, Any]:
        r = self.returns
        return {
            "dormant_for": self.spec.to_dict()["dormant_for"],
            "returns": r.height,
            "users": r["user_id"].n_unique(),
            "median_days_away": r["days_away"].median() if r.height else None,
            "p90_days_away": r["days_away"].quantile(0.9, "linear") if r.height else None,
        }

    def chart(self) -> alt.Chart:
        from journeylab.charts.reactivation import reactivation_chart

        return reactivation_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form: spec, range, as_of, summary, returns, warnings."""

        def iso(t: datetime | None) -> str | None:
            return None if t is None else t.isoformat().replace("+00:00", "Z")

        return {
            "spec": self.spec.to_dict(),
            "start": iso(self.start),
            "end": iso(self.end),
            "as_of": iso(self.as_of),
            "summary": self.summary(),
            "returns": [
                {
                    **row,
                    "returned_at": iso(row["returned_at"]),
                    "last_active_at": iso(row["last_active_at"]),
                }
                for row in self.returns.iter_rows(named=True)
            ],
            "warnings": [w.to_dict() for w in self.warnings],
        }
