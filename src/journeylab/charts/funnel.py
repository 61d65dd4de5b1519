"""Funnel charts: the funnel (bars with Wilson intervals), time to convert, trends.

Charts never query: they read only the result's polars frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from journeylab.charts.theme import (
    NEUTRAL,
    PALETTE,
    PCT_EXACT,
    ROW_MARK,
    color,
    in_words,
    interval_tooltips,
    pct_axis,
)

if TYPE_CHECKING:
    from journeylab.funnels.result import FunnelResult, FunnelTrend, TimeToConvert

__all__ = ["funnel_chart", "funnel_frame", "time_to_convert_chart", "trend_chart"]

_ORDER_WORDS = {
    "ordered": "steps in order",
    "strict": "steps in strict order",
    "any": "steps in any order",
}


def funnel_frame(result: FunnelResult) -> pl.DataFrame:
    """The rows the funnel chart draws: the step table with a label per step and the median
    time from the previous step in hours."""
    return result.table().with_columns(
        label=pl.format("{}. {}", pl.col("step"), pl.col("name")),
        median_hours_from_prev=pl.col("median_seconds_from_prev") / 3600,
    )


def funnel_chart(result: FunnelResult) -> alt.LayerChart:
    """Conversion from step 1 per step, with the 95% interval as an error bar; one colour per
    segment when the funnel has a breakdown."""
    spec = result.spec
    frame = funnel_frame(result)
    first, last = spec.steps[0].title, spec.steps[-1].title
    title = alt.Title(
        f"From {first} to {last}: {_ORDER_WORDS.get(spec.order, spec.order)} "
        f"within {in_words(spec.within)}",
        subtitle=f"{result.entrants:,} users entered; {result.in_progress:,} still in "
        "progress at the as-of time. Whiskers: 95% interval.",
    )
    segmented = "segment" in frame.columns
    segments = frame["segment"].unique(maintain_order=True).to_list() if segmented else []
    colour = color("segment:N", segments, "segment") if segmented else alt.value(PALETTE[0])
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
    )
    offset = {"yOffset": alt.YOffset("segment:N", sort=segments)} if segmented else {}
    x_title = "users reaching the step (% of step 1)"
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("conversion:Q", title=x_title, axis=pct_axis(), scale=alt.Scale(domain=[0, 1])),
            color=colour,
            tooltip=[
                alt.Tooltip("label:N", title="step"),
                *([alt.Tooltip("segment:N", title="segment")] if segmented else []),
                alt.Tooltip("users:Q", title="users", format=","),
                *interval_tooltips("conversion", "conversion from step 1"),
                alt.Tooltip("step_conversion:Q", title="from previous step", format=PCT_EXACT),
                alt.Tooltip("in_progress:Q", title="in progress", format=","),
                alt.Tooltip(
                    "median_hours_from_prev:Q", title="median hours from previous", format=",.1f"
                ),
            ],
            **offset,
        )
        .properties(name=ROW_MARK)
    )
    errs = base.mark_errorbar(ticks=True, color=NEUTRAL).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q", **offset
    )
    return alt.LayerChart(layer=[bars, errs], title=title).properties(
        height=alt.Step(34 if not segmented else 12)
    )


def time_to_convert_chart(ttc: TimeToConvert) -> alt.Chart:
    """How long converting users took from step ``from_step`` to ``to_step``."""
    frame = ttc.histogram.with_columns(
        hours_start=pl.col("bin_start_seconds") / 3600, hours_end=pl.col("bin_end_seconds") / 3600
    )
    return (
        alt.Chart(
            frame,
            title=alt.Title(
                f"Time from step {ttc.from_step} to step {ttc.to_step}",
                subtitle=f"{ttc.seconds.height:,} users who got there; bars: users per bin",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("hours_start:Q", bin="binned", title="hours to convert"),
            x2="hours_end:Q",
            y=alt.Y("users:Q", title="users"),
            tooltip=[
                alt.Tooltip("hours_start:Q", title="from hour", format=",.2f"),
                alt.Tooltip("hours_end:Q", title="to hour", format=",.2f"),
                alt.Tooltip("users:Q", title="users", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )


def trend_chart(trend: FunnelTrend) -> alt.LayerChart:
    """Conversion to the last step per cohort of entry, with 95% bands."""
    last = int(trend.table["step"].max()) if trend.table.height else 1  # type: ignore[arg-type]
    frame = trend.table.filter(pl.col("step") == last)
    name = frame["name"][0] if frame.height else f"step {last}"
    title = alt.Title(
        f"Conversion to {name} by {trend.period} of entry",
        subtitle="Band: 95% interval. Recent cohorts are still in progress.",
    )
    y = alt.Y("conversion:Q", title="conversion (% of entrants)", axis=pct_axis())
    base = alt.Chart(frame).encode(x=alt.X("cohort:T", title=f"{trend.period} of step 1 (UTC)"))
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("ci_low:Q", title="conversion (% of entrants)", axis=pct_axis()),
        y2="ci_high:Q",
    )
    line = base.mark_line().encode(y=y)
    points = (
        base.mark_point(size=40)
        .encode(
            y=y,
            tooltip=[
                alt.Tooltip("cohort:T", title=trend.period),
                alt.Tooltip("users:Q", title="users", format=","),
                *interval_tooltips("conversion", "conversion"),
                alt.Tooltip("conversion_matured:Q", title="over matured", format=PCT_EXACT),
                alt.Tooltip("in_progress:Q", title="in progress", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )
    return alt.LayerChart(layer=[band, line, points], title=title)
