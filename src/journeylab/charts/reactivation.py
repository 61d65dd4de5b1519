"""Reactivation chart: returns per week, from the result's frames (never queries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt

from journeylab.charts.theme import ROW_MARK

if TYPE_CHECKING:
    from journeylab.journeys.reactivation_result import ReactivationResult

__all__ = ["reactivation_chart"]


def reactivation_chart(result: ReactivationResult, period: str = "week") -> alt.Chart:
    """Users coming back per ``period`` (bars), with returns and days away in tooltips."""
    frame = result.by_period(period)  # type: ignore[arg-type]
    s = result.summary()
    title = alt.Title(
        f"Users back after {s['dormant_for']} or more without activity",
        subtitle=f"{s['returns']:,} returns by {s['users']:,} users, per {period} of return",
    )
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=f"{period} of return (UTC)", timeUnit="yearmonthdate"),
            y=alt.Y("users:Q", title="returning users"),
            tooltip=[
                alt.Tooltip("period:T", title=period),
                alt.Tooltip("users:Q", title="returning users", format=","),
                alt.Tooltip("returns:Q", title="returns", format=","),
                alt.Tooltip("median_days_away:Q", title="median days away", format=".1f"),
                alt.Tooltip("p90_days_away:Q", title="p90 days away", format=".1f"),
            ],
        )
        .properties(name=ROW_MARK)
    )
