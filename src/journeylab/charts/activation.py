"""Charts for an activation comparison (read the result's frames; never query)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from journeylab.durations import format_duration

if TYPE_CHECKING:
    from journeylab.activation.result import ActivationComparison

__all__ = ["comparison_chart", "overlap_chart", "cac_chart"]


def _days(td: timedelta) -> str:
    """``14d`` rather than ``2w``: windows read in days when they are whole days."""
    if td.total_seconds() % 86400 == 0 and td.days:
        return f"{td.days}d"
    return format_duration(td)


def comparison_chart(result: ActivationComparison) -> alt.LayerChart | alt.FacetChart:
    """Activation rate per definition with Wilson 95% intervals.

    Two rows per definition: over users whose window has closed ("matured") and over
    everyone who started (in-progress users count as not activated there)."""
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
    frame = pl.DataFrame(
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
    order = list(result.spec.labels)
    title = f"Activation within {_days(result.spec.within)} of the first start"
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y("definition:N", sort=order, title=None),
        yOffset=alt.YOffset("basis:N", sort=["matured users", "everyone"]),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("basis:N", title="rate over", sort=["matured users", "everyone"]),
        x=alt.X("rate:Q", title="activation rate (95% CI)", axis=alt.Axis(format="%")),
        tooltip=[
            "definition",
            "basis",
            alt.Tooltip("rate:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", format=".1%"),
            alt.Tooltip("ci_high:Q", format=".1%"),
            "activated",
            "users",
            "in_progress",
            alt.Tooltip("median_hours:Q", format=".1f", title="median hours to activate"),
        ],
    )
    errors = base.mark_errorbar(ticks=True, color="black").encode(
        x=alt.X("ci_low:Q", title="activation rate (95% CI)"), x2="ci_high:Q"
    )
    return alt.layer(bars, errors)


def overlap_chart(result: ActivationComparison) -> alt.LayerChart | alt.FacetChart:
    """Jaccard similarity of activated users for every pair (1 on the diagonal)."""
    labels = list(result.spec.labels)
    rows = [{"a": x, "b": x, "jaccard": 1.0, "both": None} for x in labels]
    for r in result.overlap().to_dicts():
        rows.append({"a": r["a"], "b": r["b"], "jaccard": r["jaccard"], "both": r["both"]})
        rows.append({"a": r["b"], "b": r["a"], "jaccard": r["jaccard"], "both": r["both"]})
    frame = pl.DataFrame(
        rows, schema={"a": pl.String, "b": pl.String, "jaccard": pl.Float64, "both": pl.Int64}
    )
    base = alt.Chart(frame, title="Do the definitions activate the same users? (Jaccard)").encode(
        x=alt.X("a:N", sort=labels, title=None),
        y=alt.Y("b:N", sort=labels, title=None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("jaccard:Q", scale=alt.Scale(domain=[0, 1]), title="Jaccard"),
        tooltip=["a", "b", alt.Tooltip("jaccard:Q", format=".2f"), "both"],
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("jaccard:Q", format=".2f"),
        color=alt.condition(alt.datum.jaccard > 0.6, alt.value("white"), alt.value("black")),
    )
    side = max(160, 70 * len(labels))
    return alt.layer(heat, text).properties(width=side, height=side)


def cac_chart(result: ActivationComparison) -> alt.LayerChart | alt.FacetChart:
    """CAC (spend ÷ activated users) per channel, one bar per definition, with the
    interval implied by the rate's Wilson 95% bounds (spend taken as known)."""
    frame = result.cac().filter(pl.col("cac").is_not_null())
    labels = list(result.spec.labels)
    lo, hi = result.date_range or (None, None)
    title = f"CAC by channel ({lo} to {hi})" if lo else "CAC by channel"
    base = alt.Chart(frame, title=title).encode(
        x=alt.X("channel:N", title="channel"),
        xOffset=alt.XOffset("definition:N", sort=labels),
        color=alt.Color("definition:N", sort=labels, title="activation"),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("cac:Q", title="spend per activated user (95% CI)"),
        tooltip=[
            "channel",
            "definition",
            alt.Tooltip("cac:Q", format=",.2f"),
            alt.Tooltip("cac_low:Q", format=",.2f"),
            alt.Tooltip("cac_high:Q", format=",.2f"),
            alt.Tooltip("spend:Q", format=",.2f"),
            "activated",
            "started",
            alt.Tooltip("rate:Q", format=".1%"),
        ],
    )
    errors = base.mark_errorbar(ticks=True, color="black").encode(
        y=alt.Y("cac_low:Q", title="spend per activated user (95% CI)"), y2="cac_high:Q"
    )
    return alt.layer(bars, errors)
