"""RetentionResult: cohort × period with Wilson intervals; censored periods apart.

Per cohort (and segment) and period ``n``: ``users`` (the cohort), ``eligible`` (users whose
period ``n`` had ended at as-of), ``retained`` (eligible users who returned), ``rate =
retained / eligible`` with its Wilson 95% interval, ``censored = users - eligible`` (their
period ``n`` is still running: neither retained nor lost), ``returned_open`` (censored users
already seen back in that period, not counted) and ``status``: complete, partial (some
users censored: rolling windows) or censored (rate null).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.funnels.reference import format_value
from journeylab.funnels.result import NONE, OTHER
from journeylab.journeys.clock import iso
from journeylab.journeys.retention_compile import BITS, mask_cols
from journeylab.journeys.retention_spec import RetentionSpec
from journeylab.stats import wilson

if TYPE_CHECKING:
    import altair as alt

    from journeylab.names import NameWarning

__all__ = ["RetentionResult", "build_retention", "segments", "period_counts"]

COUNT_SCHEMA: dict[str, Any] = {
    "cohort": pl.Int64,
    "segment": pl.String,
    "period": pl.Int64,
    "users": pl.Int64,
    "eligible": pl.Int64,
    "retained": pl.Int64,
    "returned_open": pl.Int64,
}


def segments(frame: pl.DataFrame, top: int) -> pl.DataFrame:
    """Add ``segment``: the entry's ``by`` value as text (a JSON string as is, a number in
    its shortest form, missing -> ``(none)``); the ``top`` values by users, the rest
    ``other``."""
    nums = frame["vn"].cast(pl.Float64).drop_nulls().unique().to_list()
    shown = pl.DataFrame(
        {"vn": nums, "vn_text": [format_value(v) for v in nums]},
        schema={"vn": pl.Float64, "vn_text": pl.String},
    )
    f = (
        frame.with_columns(pl.col("vn").cast(pl.Float64))
        .join(shown, on="vn", how="left", nulls_equal=False)
        .with_columns(raw=pl.coalesce(pl.col("vs").cast(pl.String), "vn_text").fill_null(NONE))
    )
    counts = f.group_by("raw").agg(pl.col("users").sum().alias("c"))
    keep = counts.sort(["c", "raw"], descending=[True, False]).head(top)["raw"].to_list()
    return f.with_columns(
        segment=pl.when(pl.col("raw").is_in(keep)).then(pl.col("raw")).otherwise(pl.lit(OTHER))
    ).drop("vn_text", "raw", "vs", "vn")


def _hit(n: int, periods: int, mode: str) -> pl.Expr:
    """Returned in period ``n`` (bit n), or for ``on_or_after`` in ``n`` or later (a bit
    at or above n: the engine counts returns after the last period in the last)."""
    j, b = divmod(n, BITS)
    own = pl.col(f"m{j}").cast(pl.Int64) // (1 << b)
    if mode == "on":
        return own % 2 == 1
    later = [pl.col(c).cast(pl.Int64) != 0 for c in mask_cols(periods)[j + 1 :]]
    return pl.any_horizontal(own > 0, *later)


def period_counts(rows: pl.DataFrame, periods: int, mode: str = "on") -> pl.DataFrame:
    """Engine rows (cohort, segment, ended, masks, users) -> one row per (cohort, segment,
    period) with users, eligible, retained, returned_open."""
    if rows.height == 0:
        return pl.DataFrame(schema=COUNT_SCHEMA)
    parts = []
    for n in range(periods + 1):
        bit = _hit(n, periods, mode)
        done = pl.col("ended") > n
        parts.append(
            rows.group_by(["cohort", "segment"]).agg(
                period=pl.lit(n, pl.Int64),
                users=pl.col("users").sum(),
                eligible=pl.col("users").filter(done).sum(),
                retained=pl.col("users").filter(done & bit).sum(),
                returned_open=pl.col("users").filter(~done & bit).sum(),
            )
        )
    out = pl.concat(parts).with_columns(
        pl.col(c).cast(pl.Int64) for c in COUNT_SCHEMA if c not in ("segment",)
    )
    return out.select(list(COUNT_SCHEMA)).sort(["cohort", "segment", "period"])


def _rates(counts: pl.DataFrame) -> pl.DataFrame:
    ci = [wilson(r, e) for r, e in zip(counts["retained"], counts["eligible"], strict=True)]
    status = (
        pl.when(pl.col("eligible") == 0)
        .then(pl.lit("censored"))
        .when(pl.col("eligible") < pl.col("users"))
        .then(pl.lit("partial"))
    )
    return counts.with_columns(
        rate=pl.when(pl.col("eligible") > 0).then(pl.col("retained") / pl.col("eligible")),
        ci_low=pl.Series([c[0] for c in ci], dtype=pl.Float64),
        ci_high=pl.Series([c[1] for c in ci], dtype=pl.Float64),
        censored=pl.col("users") - pl.col("eligible"),
        status=status.otherwise(pl.lit("complete")),
    )


def build_retention(
    spec: RetentionSpec,
    rows: pl.DataFrame | None,
    as_of: datetime | None,
    sql: str,
    warnings: tuple[NameWarning, ...] = (),
) -> RetentionResult:
    """The result of the engine's rows (cohort, [vs, vn], ended, m0.., users)."""
    if rows is None or rows.height == 0:
        counts = pl.DataFrame(schema=COUNT_SCHEMA)
    else:
        rows = rows.with_columns(pl.col("users").cast(pl.Int64), pl.col("ended").cast(pl.Int64))
        rows = (
            segments(rows, spec.top)
            if spec.by is not None
            else rows.with_columns(segment=pl.lit("all"))
        )
        keep = ["cohort", "segment", "ended", *mask_cols(spec.periods), "users"]
        counts = period_counts(rows.select(keep), spec.periods, spec.mode)
    starts = {c: spec.calendar.first_day(c) for c in counts["cohort"].unique().to_list()}
    cohorts = _rates(counts).with_columns(
        cohort_start=pl.col("cohort").replace_strict(starts, return_dtype=pl.Date, default=None)
    )
    total = counts.group_by(["segment", "period"]).agg(
        pl.col("users", "eligible", "retained", "returned_open").sum()
    )
    summary = _rates(total.sort(["segment", "period"]))
    return RetentionResult(spec, as_of, cohorts, summary, sql, warnings)


@dataclass(frozen=True)
class RetentionResult:
    """``cohorts``: cohort × segment × period (see the module docstring); ``summary``: the
    same summed over cohorts (per segment), so each period's rate is over the users whose
    period had ended, whatever their cohort."""

    spec: RetentionSpec
    as_of: datetime | None
    cohorts: pl.DataFrame
    summary: pl.DataFrame
    sql: str
    warnings: tuple[NameWarning, ...] = ()

    def table(self) -> pl.DataFrame:
        """One row per cohort and period (per segment with ``by``)."""
        cols = ["cohort_start", "period", "users", "eligible", "retained", "rate",
                "ci_low", "ci_high", "censored", "returned_open", "status"]  # fmt: skip
        if self.spec.by is not None:
            cols.insert(1, "segment")
        return self.cohorts.select(cols)

    def chart(self) -> alt.VConcatChart:
        from journeylab.charts.journeys import retention_chart

        return retention_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: spec, as_of, cohorts (cohort_start, segment, users, periods:
        period, eligible, retained, rate, ci_low, ci_high, censored, status), summary (per
        segment and period) and warnings."""
        cohorts = []
        keys = ["period", "eligible", "retained", "rate", "ci_low", "ci_high", "censored", "status"]
        for (start, seg), part in self.cohorts.group_by(
            ["cohort_start", "segment"], maintain_order=True
        ):
            cohorts.append(
                {
                    "cohort_start": None if start is None else start.isoformat(),
                    "segment": seg,
                    "users": int(part["users"][0]),
                    "periods": part.select(keys).to_dicts(),
                }
            )
        return {
            "spec": self.spec.to_dict(),
            "as_of": iso(self.as_of),
            "cohorts": cohorts,
            "summary": self.summary.select("segment", "users", *keys).to_dicts(),
            "warnings": [w.to_dict() for w in self.warnings],
        }
