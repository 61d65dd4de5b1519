"""Funnel charts: the funnel (bars with Wilson intervals), time to convert, trends.

Charts never query: they read only the result's polars frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

if TYPE_CHECKING:
    from journeylab.funnels.result import FunnelResult, FunnelTrend, TimeToConvert

__all__ = ["funnel_chart", "time_to_convert_chart", "trend_chart"]


def _label(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        label=pl.format("{}. {}", pl.col("step"), pl.col("name")),
        pct=(pl.col("conversion") * 100).round(1),
    )


def funnel_chart(result: FunnelResult) -> alt.LayerChart:
    """Conversion from step 1 per step, with the 95% interval as an error bar; one colour per
    segment when the funnel has a breakdown."""
    spec = result.spec
    frame = _label(result.table())
    title = (
        f"Funnel ({spec.order}, within {spec.within}): {result.entrants:,} entrants, "
        f"{result.in_progress:,} in progress"
    )
    color = "segment:N" if "segment" in frame.columns else alt.value("#4c78a8")
    base = alt.Chart(frame, title=title).encode(
        x=alt.X("label:N", sort=None, title="step"),
    )
    offset = {"xOffset": alt.XOffset("segment:N")} if "segment" in frame.columns else {}
    bars = base.mark_bar().encode(
        y=alt.Y("conversion:Q", title="conversion from step 1", axis=alt.Axis(format="%")),
        color=color,
        tooltip=[
            "label",
            "users",
            alt.Tooltip("conversion:Q", format=".1%"),
            alt.Tooltip("step_conversion:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", format=".1%"),
            alt.Tooltip("ci_high:Q", format=".1%"),
            "in_progress",
            alt.Tooltip("median_seconds_from_prev:Q", format=",.0f"),
            *(["segment"] if "segment" in frame.columns else []),
        ],
        **offset,
    )
    errs = base.mark_errorbar().encode(
        y=alt.Y("ci_low:Q", title="conversion from step 1"), y2="ci_high:Q", **offset
    )
    return alt.LayerChart(layer=[bars, errs])


def time_to_convert_chart(ttc: TimeToConvert) -> alt.Chart:
    """How long converting users took from step ``from_step`` to ``to_step``."""
    frame = ttc.histogram.with_columns(
        hours_start=pl.col("bin_start_seconds") / 3600, hours_end=pl.col("bin_end_seconds") / 3600
    )
    return (
        alt.Chart(
            frame,
            title=f"Time from step {ttc.from_step} to step {ttc.to_step} "
            f"({ttc.seconds.height:,} users)",
        )
        .mark_bar()
        .encode(
            x=alt.X("hours_start:Q", bin="binned", title="hours to convert"),
            x2="hours_end:Q",
            y=alt.Y("users:Q", title="users"),
            tooltip=[
                alt.Tooltip("hours_start:Q", format=".2f"),
                alt.Tooltip("hours_end:Q", format=".2f"),
                "users",
            ],
        )
    )


def trend_chart(trend: FunnelTrend) -> alt.LayerChart:
    """Conversion to the last step per cohort of entry, with 95% bands."""
    last = int(trend.table["step"].max()) if trend.table.height else 1  # type: ignore[arg-type]
    frame = trend.table.filter(pl.col("step") == last)
    base = alt.Chart(frame, title=f"Conversion to the last step by {trend.period} of entry")
    band = base.mark_area(opacity=0.25).encode(
        x=alt.X("cohort:T", title=f"{trend.period} of step 1"),
        y=alt.Y("ci_low:Q", title="conversion", axis=alt.Axis(format="%")),
        y2="ci_high:Q",
    )
    line = base.mark_line(point=True).encode(
        x="cohort:T",
        y="conversion:Q",
        tooltip=[
            alt.Tooltip("cohort:T"),
            "users",
            alt.Tooltip("conversion:Q", format=".1%"),
            alt.Tooltip("conversion_matured:Q", format=".1%"),
            "in_progress",
        ],
    )
    return alt.LayerChart(layer=[band, line])
