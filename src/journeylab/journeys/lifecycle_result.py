"""LifecycleResult: per period, new / returning / resurrecting / dormant users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.journeys.clock import iso

if TYPE_CHECKING:
    import altair as alt

    from journeylab.journeys.lifecycle import LifecycleSpec
    from journeylab.names import NameWarning

__all__ = ["LifecycleResult", "build_lifecycle", "lifecycle_counts"]

TABLE_SCHEMA: dict[str, Any] = {
    "period": pl.Int64,
    "period_start": pl.Date,
    "new": pl.Int64,
    "returning": pl.Int64,
    "resurrecting": pl.Int64,
    "dormant": pl.Int64,
    "active": pl.Int64,
    "quick_ratio": pl.Float64,
    "complete": pl.Boolean,
}


def lifecycle_counts(frame: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Engine rows (what, period, users) -> per period ``lo..hi``: new, returning,
    resurrecting, dormant, active."""
    wide = {
        w: dict(zip(g["period"].to_list(), g["users"].to_list(), strict=True))
        for (w,), g in frame.group_by("what")
    }
    active, new, ret = (wide.get(k, {}) for k in ("active", "new", "returning"))
    rows = []
    for p in range(lo, hi + 1):
        a, n, r = active.get(p, 0), new.get(p, 0), ret.get(p, 0)
        rows.append((p, n, r, a - n - r, active.get(p - 1, 0) - r, a))
    schema = {
        c: pl.Int64 for c in ("period", "new", "returning", "resurrecting", "dormant", "active")
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def build_lifecycle(
    spec: LifecycleSpec,
    frame: pl.DataFrame | None,
    as_of: datetime | None,
    sql: str,
    warnings: tuple[NameWarning, ...] = (),
) -> LifecycleResult:
    """The result of the engine's (what, period, users) rows."""
    cal = spec.calendar
    if frame is None or frame.height == 0 or as_of is None:
        return LifecycleResult(spec, as_of, pl.DataFrame(schema=TABLE_SCHEMA), sql, warnings)
    first_active = int(frame.filter(pl.col("what") == "new")["period"].min())  # type: ignore[arg-type]
    lo = cal.index(spec.clock.start) if spec.clock.start is not None else first_active
    end = spec.clock.end
    hi = cal.index(as_of if end is None else min(as_of, end - timedelta(microseconds=1)))
    counts = lifecycle_counts(frame, lo, hi)
    now = cal.index(as_of)
    starts = {p: cal.first_day(p) for p in range(lo, hi + 1)}
    table = counts.with_columns(
        period_start=pl.col("period").replace_strict(starts, return_dtype=pl.Date),
        quick_ratio=pl.when(pl.col("dormant") > 0).then(
            (pl.col("new") + pl.col("resurrecting")) / pl.col("dormant")
        ),
        complete=pl.col("period") < now,
    ).select(list(TABLE_SCHEMA))
    return LifecycleResult(spec, as_of, table, sql, warnings)


@dataclass(frozen=True)
class LifecycleResult:
    """``periods``: one row per period (index and local start date): new, returning,
    resurrecting, dormant (a positive count, drawn below zero), active = new + returning +
    resurrecting, quick_ratio = (new + resurrecting) / dormant, complete (the period had
    ended at as-of)."""

    spec: LifecycleSpec
    as_of: datetime | None
    periods: pl.DataFrame
    sql: str
    warnings: tuple[NameWarning, ...] = ()

    def table(self) -> pl.DataFrame:
        return self.periods

    def chart(self) -> alt.LayerChart:
        from journeylab.charts.journeys import lifecycle_chart

        return lifecycle_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: spec, as_of, periods (period_start, new, returning,
        resurrecting, dormant, active, quick_ratio, complete) and warnings."""
        rows = self.periods.drop("period").with_columns(pl.col("period_start").cast(pl.String))
        return {
            "spec": self.spec.to_dict(),
            "as_of": iso(self.as_of),
            "periods": rows.to_dicts(),
            "warnings": [w.to_dict() for w in self.warnings],
        }
