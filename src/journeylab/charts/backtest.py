"""Charts for condition backtests: stage funnel, time to satisfy, daily flow, explanations,
and two programs side by side. Never queries; reads only the results' frames."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from journeylab.errors import invalid

if TYPE_CHECKING:
    from journeylab.conditions.compare import Comparison
    from journeylab.conditions.explain import Explanation
    from journeylab.conditions.result import BacktestResult

__all__ = [
    "KINDS",
    "backtest_chart",
    "compare_chart",
    "daily_chart",
    "explanation_chart",
    "stages_chart",
    "time_to_satisfy_chart",
]

KINDS = ("stages", "time_to_satisfy", "daily", "all")
_STATUS_ORDER = ["audience", "enrolled", "satisfied", "expired", "pending", "capped"]
_STATUS_ORDER += ["ineligible", "not_enrolled"]


def _title(result: Any, what: str) -> str:
    name = getattr(result.program, "name", None)
    return f"{name}: {what}" if name else what


def stages_chart(result: BacktestResult) -> alt.Chart:
    """Users at each stage: audience → enrolled → satisfied / expired / pending / ..."""
    frame = result.stages.with_columns(
        pl.when(pl.col("stage").is_in(["audience", "enrolled"]))
        .then(pl.lit("funnel"))
        .otherwise(pl.lit("outcome"))
        .alias("group")
    )
    return (
        alt.Chart(frame, title=_title(result, "users by stage"))
        .mark_bar()
        .encode(
            x=alt.X("users:Q", title="users"),
            y=alt.Y("stage:N", sort=_STATUS_ORDER, title=None),
            color=alt.Color("group:N", title=None),
            tooltip=["stage", "users"],
        )
    )


def time_to_satisfy_chart(result: BacktestResult, bins: int = 30) -> alt.Chart:
    """Histogram of hours from enrolment (or referral link) to satisfaction."""
    frame = result.time_to_satisfy.with_columns((pl.col("seconds") / 3600).alias("hours"))
    return (
        alt.Chart(frame, title=_title(result, "time to satisfy"))
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", bin=alt.Bin(maxbins=bins), title="hours after enrolment"),
            y=alt.Y("count():Q", title="satisfactions"),
            tooltip=[alt.Tooltip("count():Q", title="satisfactions")],
        )
    )


def daily_chart(result: BacktestResult) -> alt.Chart:
    """Enrolments and satisfactions per UTC day."""
    frame = result.daily.unpivot(
        index="day", on=["enrolled", "satisfied"], variable_name="what", value_name="count"
    )
    return (
        alt.Chart(frame, title=_title(result, "enrolments and satisfactions per day"))
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="day (UTC)"),
            y=alt.Y("count:Q", title="rounds"),
            color=alt.Color("what:N", title=None),
            tooltip=["day:T", "what", "count"],
        )
    )


def backtest_chart(result: BacktestResult, kind: str = "stages", **kw: Any) -> Any:
    """``kind``: stages (default), time_to_satisfy, daily, or all (the three stacked)."""
    if kind == "stages":
        return stages_chart(result)
    if kind == "time_to_satisfy":
        return time_to_satisfy_chart(result, **kw)
    if kind == "daily":
        return daily_chart(result)
    if kind == "all":
        return alt.vconcat(
            stages_chart(result), time_to_satisfy_chart(result, **kw), daily_chart(result)
        )
    raise invalid("kind", kind, KINDS)


def explanation_chart(expl: Explanation) -> Any:
    """Each satisfy/entry leaf's count or sum at every decision time, with what it needs."""
    frame = expl.frame.filter(pl.col("value").is_not_null() & pl.col("need").is_not_null())
    base = alt.Chart(frame, title=f"{expl.program.name}: user {expl.user_id} ({expl.status})")
    line = base.mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("at:T", title="decision time"),
        y=alt.Y("value:Q", title="count or sum"),
        color=alt.Color("path:N", title="leaf"),
        tooltip=["at:T", "name", "phase", "path", "required", "value", "need", "holds"],
    )
    need = base.mark_rule(strokeDash=[4, 4]).encode(
        y="need:Q", color=alt.Color("path:N"), tooltip=["path", "need"]
    )
    return alt.layer(line, need)


def compare_chart(cmp: Comparison) -> Any:
    """Users at each stage under program A and program B, side by side."""
    frame = cmp.stages.unpivot(
        index="stage", on=["a", "b"], variable_name="program", value_name="users"
    ).with_columns(
        pl.col("program").replace_strict({"a": f"A: {cmp.a_name}", "b": f"B: {cmp.b_name}"})
    )
    return (
        alt.Chart(frame, title=f"{cmp.a_name} vs {cmp.b_name}: users by stage")
        .mark_bar()
        .encode(
            x=alt.X("users:Q", title="users"),
            y=alt.Y("program:N", title=None),
            row=alt.Row("stage:N", sort=_STATUS_ORDER, title=None),
            color=alt.Color("program:N", title=None),
            tooltip=["stage", "program", "users"],
        )
    )
