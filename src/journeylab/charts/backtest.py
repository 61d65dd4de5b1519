"""Charts for condition backtests: stage funnel, time to satisfy, daily flow, explanations,
and two programs side by side. Never queries; reads only the results' frames."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from journeylab.charts.theme import NEUTRAL, ROW_MARK, color
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
    "daily_frame",
    "explanation_chart",
    "stages_chart",
    "stages_frame",
    "time_to_satisfy_chart",
    "time_to_satisfy_frame",
]

KINDS = ("stages", "time_to_satisfy", "daily", "all")
_STATUS_ORDER = ["audience", "enrolled", "satisfied", "expired", "pending", "capped"]
_STATUS_ORDER += ["ineligible", "not_enrolled"]
_GROUPS = ["on the way in", "outcome"]


def _title(result: Any, what: str) -> str:
    name = getattr(result.program, "name", None)
    return f"{name}: {what}" if name else what


def stages_frame(result: BacktestResult) -> pl.DataFrame:
    """Users at each stage, with whether the stage is on the way in or an outcome."""
    return result.stages.with_columns(
        pl.when(pl.col("stage").is_in(["audience", "enrolled"]))
        .then(pl.lit("on the way in"))
        .otherwise(pl.lit("outcome"))
        .alias("group")
    )


def stages_chart(result: BacktestResult) -> alt.Chart:
    """Users at each stage: audience → enrolled → satisfied / expired / pending / ..."""
    frame = stages_frame(result)
    return (
        alt.Chart(
            frame,
            title=alt.Title(
                _title(result, "users by stage"),
                subtitle="Each audience user ends in exactly one outcome",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("users:Q", title="users"),
            y=alt.Y("stage:N", sort=_STATUS_ORDER, title=None),
            color=color("group:N", _GROUPS, None),
            tooltip=[
                alt.Tooltip("stage:N", title="stage"),
                alt.Tooltip("users:Q", title="users", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )


def time_to_satisfy_frame(result: BacktestResult, bins: int = 30) -> tuple[pl.DataFrame, str]:
    """Satisfactions per equal-width bin of time from enrolment (or the referral link), in
    hours, or in days when the longest took over three days; returns (frame, unit)."""
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise invalid("bins", bins, "an integer >= 1")
    seconds = result.time_to_satisfy["seconds"].cast(pl.Float64)
    top = float(seconds.max()) if seconds.len() else 0.0  # type: ignore[arg-type]
    unit, size = ("days", 86400.0) if top > 3 * 86400 else ("hours", 3600.0)
    schema = {"start": pl.Float64, "end": pl.Float64, "satisfactions": pl.Int64}
    if seconds.len() == 0:
        return pl.DataFrame(schema=schema), unit
    values = seconds / size
    lo, hi = float(values.min()), float(values.max())  # type: ignore[arg-type]
    width = (hi - lo) / bins if hi > lo else 1.0
    idx = ((values - lo) / width).floor().cast(pl.Int64).clip(0, bins - 1)
    counts = idx.value_counts(name="n").rename({idx.name: "b"})
    full = pl.DataFrame({"b": list(range(bins))}).join(counts, on="b", how="left")
    frame = full.select(
        start=lo + pl.col("b") * width,
        end=lo + (pl.col("b") + 1) * width,
        satisfactions=pl.col("n").fill_null(0).cast(pl.Int64),
    )
    return frame, unit


def time_to_satisfy_chart(result: BacktestResult, bins: int = 30) -> alt.Chart:
    """Histogram of time from enrolment (or referral link) to satisfaction."""
    frame, unit = time_to_satisfy_frame(result, bins)
    return (
        alt.Chart(
            frame,
            title=alt.Title(
                _title(result, "time to satisfy"),
                subtitle=f"{int(frame['satisfactions'].sum()):,} satisfactions "
                "(rewarded or capped), by time since enrolment",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("start:Q", bin="binned", title=f"{unit} after enrolment"),
            x2="end:Q",
            y=alt.Y("satisfactions:Q", title="satisfactions"),
            tooltip=[
                alt.Tooltip("start:Q", title=f"from {unit}", format=",.2f"),
                alt.Tooltip("end:Q", title=f"to {unit}", format=",.2f"),
                alt.Tooltip("satisfactions:Q", title="satisfactions", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )


def daily_frame(result: BacktestResult) -> pl.DataFrame:
    """Rounds enrolled and satisfied per UTC day, one row per day and kind."""
    return result.daily.unpivot(
        index="day", on=["enrolled", "satisfied"], variable_name="what", value_name="count"
    )


def daily_chart(result: BacktestResult) -> alt.LayerChart:
    """Enrolments and satisfactions per UTC day."""
    frame = daily_frame(result)
    title = _title(result, "enrolments and satisfactions per day")
    base = alt.Chart(frame).encode(
        x=alt.X("day:T", title="day (UTC)"),
        y=alt.Y("count:Q", title="rounds per day"),
        color=color("what:N", ["enrolled", "satisfied"], None),
    )
    line = base.mark_line()
    points = (
        base.mark_point(size=25)
        .encode(
            tooltip=[
                alt.Tooltip("day:T", title="day"),
                alt.Tooltip("what:N", title="what"),
                alt.Tooltip("count:Q", title="rounds", format=","),
            ]
        )
        .properties(name=ROW_MARK)
    )
    return alt.LayerChart(layer=[line, points], title=title)


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
    paths = frame["path"].unique(maintain_order=True).to_list()
    title = alt.Title(
        f"{expl.program.name}: why user {expl.user_id} is {expl.status}",
        subtitle="Each condition's count (or sum) at every decision time; dashed: what it needs",
    )
    base = alt.Chart(frame)
    line = base.mark_line(interpolate="step-after").encode(
        x=alt.X("at:T", title="decision time (UTC)"),
        y=alt.Y("value:Q", title="count or sum so far"),
        color=color("path:N", paths, "condition"),
    )
    points = (
        base.mark_point(size=40)
        .encode(
            x="at:T",
            y="value:Q",
            color=color("path:N", paths, "condition"),
            tooltip=[
                alt.Tooltip("at:T", title="at", format="%Y-%m-%d %H:%M:%S"),
                alt.Tooltip("name:N", title="event"),
                alt.Tooltip("phase:N", title="phase"),
                alt.Tooltip("path:N", title="condition"),
                alt.Tooltip("required:N", title="requires"),
                alt.Tooltip("value:Q", title="had", format=",.6~g"),
                alt.Tooltip("need:Q", title="needs", format=",.6~g"),
                alt.Tooltip("holds:N", title="holds"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    need = base.mark_rule(strokeDash=[4, 4], color=NEUTRAL).encode(
        y="need:Q",
        tooltip=[
            alt.Tooltip("path:N", title="condition"),
            alt.Tooltip("need:Q", title="needs", format=",.6~g"),
        ],
    )
    return alt.LayerChart(layer=[line, points, need], title=title)


def compare_chart(cmp: Comparison) -> Any:
    """Users at each stage under program A and program B, side by side."""
    a, b = f"A: {cmp.a_name}", f"B: {cmp.b_name}"
    frame = cmp.stages.unpivot(
        index="stage", on=["a", "b"], variable_name="program", value_name="users"
    ).with_columns(pl.col("program").replace_strict({"a": a, "b": b}))
    return (
        alt.Chart(frame, title=f"{cmp.a_name} and {cmp.b_name}: users by stage")
        .mark_bar()
        .encode(
            x=alt.X("users:Q", title="users"),
            y=alt.Y("stage:N", sort=_STATUS_ORDER, title=None),
            yOffset=alt.YOffset("program:N", sort=[a, b]),
            color=color("program:N", [a, b], None),
            tooltip=[
                alt.Tooltip("stage:N", title="stage"),
                alt.Tooltip("program:N", title="program"),
                alt.Tooltip("users:Q", title="users", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )
