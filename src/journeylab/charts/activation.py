"""Charts for an activation comparison (read the result's frames; never query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from journeylab.charts.theme import (
    INK,
    NEUTRAL,
    PCT_EXACT,
    ROW_MARK,
    SEQUENTIAL_HEAT,
    color,
    in_words,
    interval_tooltips,
    pct_axis,
)

if TYPE_CHECKING:
    from journeylab.activation.result import ActivationComparison

__all__ = [
    "cac_chart",
    "comparison_chart",
    "comparison_frame",
    "overlap_chart",
    "overlap_frame",
    "retained_chart",
]

BASES = ["matured users", "everyone"]


def comparison_frame(result: ActivationComparison) -> pl.DataFrame:
    """The rows the comparison chart draws: per definition, the rate over users whose window
    has closed ("matured users") and over everyone who started."""
    t = result.table()
    rows = []
    for r in t.to_dicts():
        for basis, sfx, n, k in (
            ("matured users", "_matured", r["matured"], r["activated_matured"]),
            ("everyone", "", r["started"], r["activated"]),
        ):
            rows.append(
                {
                    "definition": r["definition"],
                    "basis": basis,
                    "rate": r[f"rate{sfx}"],
                    "ci_low": r[f"ci_low{sfx}"],
                    "ci_high": r[f"ci_high{sfx}"],
                    "users": n,
                    "activated": k,
                    "in_progress": r["in_progress"],
                    "median_hours": None
                    if r["median_seconds"] is None
                    else r["median_seconds"] / 3600,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "definition": pl.String,
            "basis": pl.String,
            "rate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "users": pl.Int64,
            "activated": pl.Int64,
            "in_progress": pl.Int64,
            "median_hours": pl.Float64,
        },
    )


def comparison_chart(result: ActivationComparison) -> alt.LayerChart:
    """Activation rate per definition with Wilson 95% intervals.

    Two rows per definition: over users whose window has closed ("matured") and over
    everyone who started (in-progress users count as not activated there)."""
    frame = comparison_frame(result)
    order = list(result.spec.labels)
    title = alt.Title(
        f"Activation within {in_words(result.spec.within)} of the first {result.spec.start.title}",
        subtitle="Share of started users who activated. Whiskers: 95% interval.",
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("definition:N", sort=order, title=None),
        yOffset=alt.YOffset("basis:N", sort=BASES),
    )
    x_title = "activated users (% of started users)"
    bars = (
        base.mark_bar()
        .encode(
            color=color("basis:N", BASES, "rate over"),
            x=alt.X("rate:Q", title=x_title, axis=pct_axis()),
            tooltip=[
                alt.Tooltip("definition:N", title="definition"),
                alt.Tooltip("basis:N", title="rate over"),
                alt.Tooltip("activated:Q", title="activated", format=","),
                alt.Tooltip("users:Q", title="users", format=","),
                *interval_tooltips("rate", "rate"),
                alt.Tooltip("in_progress:Q", title="in progress", format=","),
                alt.Tooltip("median_hours:Q", title="median hours to activate", format=",.1f"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    errors = base.mark_errorbar(ticks=True, color=NEUTRAL).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q"
    )
    return alt.LayerChart(layer=[bars, errors], title=title)


def overlap_frame(result: ActivationComparison) -> pl.DataFrame:
    """Every ordered pair of definitions with its Jaccard similarity (1 on the diagonal)."""
    labels = list(result.spec.labels)
    rows = [{"a": x, "b": x, "jaccard": 1.0, "both": None} for x in labels]
    for r in result.overlap().to_dicts():
        rows.append({"a": r["a"], "b": r["b"], "jaccard": r["jaccard"], "both": r["both"]})
        rows.append({"a": r["b"], "b": r["a"], "jaccard": r["jaccard"], "both": r["both"]})
    return pl.DataFrame(
        rows, schema={"a": pl.String, "b": pl.String, "jaccard": pl.Float64, "both": pl.Int64}
    )


def overlap_chart(result: ActivationComparison) -> alt.LayerChart:
    """Jaccard similarity of activated users for every pair (1 on the diagonal)."""
    labels = list(result.spec.labels)
    frame = overlap_frame(result)
    title = alt.Title(
        "Do the definitions activate the same users?",
        subtitle="Jaccard similarity: activated under both ÷ activated under either",
    )
    base = alt.Chart(frame).encode(
        x=alt.X("a:N", sort=labels, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("b:N", sort=labels, title=None),
    )
    heat = (
        base.mark_rect()
        .encode(
            color=alt.Color(
                "jaccard:Q",
                scale=alt.Scale(domain=[0, 1], scheme=SEQUENTIAL_HEAT),
                title="Jaccard (0 to 1)",
            ),
            tooltip=[
                alt.Tooltip("a:N", title="definition"),
                alt.Tooltip("b:N", title="and"),
                alt.Tooltip("jaccard:Q", title="Jaccard", format=".3f"),
                alt.Tooltip("both:Q", title="activated under both", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("jaccard:Q", format=".2f"),
        color=alt.condition(alt.datum.jaccard > 0.6, alt.value("white"), alt.value(INK)),
    )
    side = max(160, 70 * len(labels))
    return alt.LayerChart(layer=[heat, text], title=title).properties(width=side, height=side)


def cac_chart(result: ActivationComparison) -> alt.LayerChart:
    """CAC (spend ÷ activated users) per channel, one bar per definition, with the
    interval implied by the rate's Wilson 95% bounds (spend taken as known)."""
    frame = result.cac().filter(pl.col("cac").is_not_null())
    labels = list(result.spec.labels)
    lo, hi = result.date_range or (None, None)
    span = f"spend from {lo} to {hi}" if lo else "spend"
    title = alt.Title(
        "Cost per activated user, by channel",
        subtitle=f"{span} ÷ users activated within {in_words(result.spec.within)}. "
        "Whiskers: 95% interval from the rate.",
    )
    base = alt.Chart(frame).encode(
        x=alt.X("channel:N", title="channel", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("definition:N", sort=labels),
        color=color("definition:N", labels, "activation"),
    )
    y_title = "CAC (spend per activated user, spend's currency)"
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y("cac:Q", title=y_title, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("channel:N", title="channel"),
                alt.Tooltip("definition:N", title="definition"),
                *interval_tooltips("cac", "CAC", ",.2f", "cac_low", "cac_high"),
                alt.Tooltip("spend:Q", title="spend", format=",.2f"),
                alt.Tooltip("activated:Q", title="activated", format=","),
                alt.Tooltip("started:Q", title="started", format=","),
                alt.Tooltip("rate:Q", title="rate", format=PCT_EXACT),
            ],
        )
        .properties(name=ROW_MARK)
    )
    errors = base.mark_errorbar(ticks=True, color=NEUTRAL).encode(
        y=alt.Y("cac_low:Q", title=y_title), y2="cac_high:Q"
    )
    return alt.LayerChart(layer=[bars, errors], title=title).properties(width=alt.Step(22))


GROUPS = ["activated", "not_activated"]


def retained_chart(result: ActivationComparison) -> alt.LayerChart:
    """Share still active at period N, for the activated and the not-activated users of each
    definition, with Wilson 95% intervals over users whose period N had ended (censored
    users apart, in the tooltip)."""
    spec = result.retained_spec
    frame = result.retained()
    labels = list(result.spec.labels)
    when = f"{spec.period} {spec.periods}" if spec is not None else "period N"
    title = alt.Title(
        f"Still active in {when} after the first {result.spec.start.title}",
        subtitle="Activated users beside the others. Rates over users whose "
        f"{when} had ended (censored users apart). Whiskers: 95% interval.",
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("definition:N", sort=labels, title=None),
        yOffset=alt.YOffset("group:N", sort=GROUPS),
    )
    x_title = f"still active in {when} (% of users whose {when} had ended)"
    cost = (
        [alt.Tooltip("cac_retained:Q", title="CAC per retained activated user", format=",.2f")]
        if "cac_retained" in frame.columns
        else []
    )
    bars = (
        base.mark_bar()
        .encode(
            color=color("group:N", GROUPS, "users"),
            x=alt.X("rate:Q", title=x_title, axis=pct_axis()),
            tooltip=[
                alt.Tooltip("definition:N", title="definition"),
                alt.Tooltip("group:N", title="users"),
                *interval_tooltips("rate", "still active"),
                alt.Tooltip("retained:Q", title="still active", format=","),
                alt.Tooltip("eligible:Q", title="period ended", format=","),
                alt.Tooltip("censored:Q", title="censored (period running)", format=","),
                *cost,
            ],
        )
        .properties(name=ROW_MARK)
    )
    errors = base.mark_errorbar(ticks=True, color=NEUTRAL).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q"
    )
    return alt.LayerChart(layer=[bars, errors], title=title)
