"""Journeys charts: transitions (heatmap), retention (cohort × period with censored cells
apart, and the curve over cohorts with 95% bands), lifecycle (stacked bars, dormant below
zero) and one user's timeline. Charts never query: they read only the result's frames, and
take the library's look (:mod:`journeylab.charts.theme`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from journeylab.charts.theme import (
    INK,
    NEUTRAL,
    PALETTE,
    PCT,
    PCT_EXACT,
    ROW_MARK,
    SEQUENTIAL_HEAT,
    color,
    in_words,
    interval_tooltips,
    palette,
    pct_axis,
)

if TYPE_CHECKING:
    from journeylab.journeys.lifecycle_result import LifecycleResult
    from journeylab.journeys.retention_result import RetentionResult
    from journeylab.journeys.timeline import TimelineResult
    from journeylab.journeys.transitions_result import TransitionsResult

__all__ = [
    "transitions_chart",
    "retention_chart",
    "lifecycle_chart",
    "timeline_chart",
    "LIFECYCLE_COLORS",
    "CENSORED",
]

#: censored cells: the neutral grey, faint (never a colour of the rate's scale)
CENSORED = "censored"
#: new, returning, resurrecting, dormant (Okabe–Ito)
LIFECYCLE_COLORS = {
    "new": PALETTE[0],
    "returning": PALETTE[2],
    "resurrecting": PALETTE[1],
    "dormant": PALETTE[5],
}


def transitions_chart(result: TransitionsResult) -> alt.LayerChart:
    """From (rows) × to (columns): the share of ``from``'s occurrences followed by ``to``
    (``ended``: no next event in the window), with exact counts in tooltips."""
    t = result.transitions
    order = result.nodes["name"].to_list()
    within = result.spec.within
    title = alt.Title(
        "Which event comes next?",
        subtitle="Share of each event's occurrences followed by the next one"
        + (f" within {in_words(within)}" if within else "")
        + "; ended: nothing after it. Each row adds up to 100%.",
    )
    base = alt.Chart(t).encode(
        x=alt.X("to:N", sort=[*order, "ended"], title="next event",
                axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("from:N", sort=order, title="event"),
    )  # fmt: skip
    heat = (
        base.mark_rect()
        .encode(
            color=alt.Color(
                "p_out_all:Q",
                title="share of occurrences",
                scale=alt.Scale(scheme=SEQUENTIAL_HEAT, domain=[0, 1]),
                legend=alt.Legend(format=PCT),
            ),
            tooltip=[
                alt.Tooltip("from:N", title="event"),
                alt.Tooltip("to:N", title="next event"),
                alt.Tooltip("events:Q", title="events", format=","),
                alt.Tooltip("users:Q", title="users", format=","),
                alt.Tooltip("p_out:Q", title="share of transitions out", format=PCT_EXACT),
                alt.Tooltip("p_out_all:Q", title="share of occurrences", format=PCT_EXACT),
                alt.Tooltip("p_in:Q", title="share of transitions in", format=PCT_EXACT),
                alt.Tooltip("median_seconds:Q", title="median seconds between", format=",.1f"),
                alt.Tooltip("p95_seconds:Q", title="p95 seconds between", format=",.1f"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    text = base.mark_text(fontSize=9).encode(
        text=alt.Text("p_out_all:Q", format=PCT),
        color=alt.condition("datum.p_out_all > 0.5", alt.value("white"), alt.value(INK)),
    )
    return alt.LayerChart(layer=[heat, text], title=title)


def retention_chart(result: RetentionResult) -> alt.VConcatChart:
    """Top: retention by period over all cohorts with 95% bands (censored periods left
    out, partial ones hollow). Bottom: cohort × period; censored cells faint grey, never
    coloured as a drop."""
    spec = result.spec
    seg = spec.by is not None
    s = result.summary.filter(pl.col("eligible") > 0)
    what = "any event" if spec.returning is None else spec.returning.title
    when = "in" if spec.mode == "on" else "in or after"
    title = alt.Title(
        f"Retention after {spec.start.title}",
        subtitle=f"Users back ({what}) {when} each {spec.period} after their entry "
        f"({spec.windows} {spec.period}s), over users whose {spec.period} had ended. "
        "Bands: 95% intervals. Grey: still running, censored (never a drop).",
    )
    segments = sorted(s["segment"].unique().to_list()) if seg else []
    col_enc = color("segment:N", segments, spec.by) if seg else alt.value(PALETTE[0])
    x = alt.X("period:O", title=f"{spec.period}s since entry", axis=alt.Axis(labelAngle=0))
    y_title = f"back in that {spec.period} (% of users whose {spec.period} had ended)"
    curve = alt.Chart(s).encode(x=x)
    band = curve.mark_area(opacity=0.2).encode(
        y=alt.Y("ci_low:Q", title=y_title, axis=pct_axis()), y2="ci_high:Q", color=col_enc
    )
    line = curve.mark_line(point=alt.OverlayMarkDef(filled=True)).encode(
        y=alt.Y("rate:Q", title=y_title, axis=pct_axis()),
        color=col_enc,
        tooltip=[
            alt.Tooltip("period:O", title=spec.period),
            *([alt.Tooltip("segment:N", title=spec.by)] if seg else []),
            alt.Tooltip("retained:Q", title="back", format=","),
            alt.Tooltip("eligible:Q", title="period ended", format=","),
            *interval_tooltips("rate", "retained"),
            alt.Tooltip("censored:Q", title="censored (period still running)", format=","),
            alt.Tooltip("status:N", title="status"),
        ],
    )
    partial = (
        curve.transform_filter("datum.status == 'partial'")
        .mark_point(filled=False, size=120, color=INK)
        .encode(y=alt.Y("rate:Q", title=y_title, axis=pct_axis()))
    )
    cells = result.cohorts.with_columns(cohort=pl.col("cohort_start").cast(pl.String))
    if seg:
        cells = cells.with_columns(cohort=pl.format("{} · {}", pl.col("cohort"), pl.col("segment")))
    grid = alt.Chart(
        cells, title=f"By cohort ({spec.period} of entry); grey: still running, censored"
    ).encode(x=x, y=alt.Y("cohort:O", title=f"cohort ({spec.period} of entry)"))
    censored = "datum.status == 'censored'"
    heat = (
        grid.mark_rect(invalid="show")  # censored cells have no rate: drawn, not dropped
        .encode(
            color=alt.condition(
                censored,
                alt.value(NEUTRAL),
                alt.Color(
                    "rate:Q",
                    title="retained",
                    scale=alt.Scale(scheme=SEQUENTIAL_HEAT, domain=[0, 1]),
                    legend=alt.Legend(format=PCT),
                ),
            ),
            opacity=alt.condition(censored, alt.value(0.15), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("cohort:O", title="cohort"),
                alt.Tooltip("period:O", title=spec.period),
                alt.Tooltip("users:Q", title="users", format=","),
                alt.Tooltip("eligible:Q", title="period ended", format=","),
                alt.Tooltip("retained:Q", title="back", format=","),
                *interval_tooltips("rate", "retained"),
                alt.Tooltip("censored:Q", title="censored", format=","),
                alt.Tooltip("status:N", title="status"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    top = alt.LayerChart(layer=[line, band, partial])
    # the grid is a plain chart: Altair renames the layers of a layered chart in a concat,
    # and the rows layer keeps its name (exact rates are in the tooltips)
    return alt.vconcat(top, heat, title=title)


def lifecycle_chart(result: LifecycleResult) -> alt.LayerChart:
    """Stacked bars per period: new, returning, resurrecting above zero, dormant below;
    a period still running at as-of is drawn lighter."""
    p = result.periods
    kinds = list(LIFECYCLE_COLORS)
    long = p.unpivot(
        index=["period_start", "complete"], on=kinds, variable_name="status", value_name="users"
    )
    long = long.with_columns(
        value=pl.when(pl.col("status") == "dormant")
        .then(-pl.col("users"))
        .otherwise(pl.col("users"))
    )
    spec = result.spec
    what = "any event" if spec.active is None else spec.active.title
    period = spec.calendar.period
    title = alt.Title(
        f"Who is active ({what}), {period} by {period}",
        subtitle=f"New, returning and resurrecting users above zero; dormant (active the "
        f"{period} before, not this one) below. Lighter: the {period} is still running.",
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("period_start:T", title=f"{period} starting ({spec.calendar.timezone})"),
            y=alt.Y("value:Q", title="users (dormant below zero)", stack="zero"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=kinds, range=list(LIFECYCLE_COLORS.values())),
                sort=kinds,
                title="users",
            ),
            opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("period_start:T", title=f"{period} starting"),
                alt.Tooltip("status:N", title="users"),
                alt.Tooltip("users:Q", title="how many", format=","),
                alt.Tooltip("complete:N", title="period ended at as-of"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    zero = alt.Chart(pl.DataFrame({"y": [0]})).mark_rule(color=NEUTRAL).encode(y="y:Q")
    return alt.LayerChart(layer=[bars, zero], title=title)


def timeline_chart(result: TimelineResult) -> alt.LayerChart:
    """One user's events on a time axis, one row per event name, coloured by session."""
    e = result.events.with_columns(session=pl.col("session").cast(pl.String))
    sessions = list(dict.fromkeys(e["session"].to_list()))
    title = alt.Title(
        f"What user {result.user_id} did",
        subtitle=f"{e.height:,} events in {len(sessions):,} sessions, one row per event name; "
        "colour: the session.",
    )
    points = (
        alt.Chart(e)
        .mark_circle(size=60)
        .encode(
            x=alt.X("event_at:T", title="event time (UTC)"),
            y=alt.Y("name:N", title="event"),
            color=alt.Color(
                "session:N",
                title="session",
                scale=alt.Scale(domain=sessions, range=palette(len(sessions))),
            ),
            tooltip=[
                alt.Tooltip("event_at:T", title="time", format="%Y-%m-%d %H:%M:%S"),
                alt.Tooltip("name:N", title="event"),
                alt.Tooltip("data:N", title="data"),
                alt.Tooltip(
                    "seconds_since_previous:Q", title="seconds after the previous", format=",.1f"
                ),
                alt.Tooltip("session:N", title="session"),
                alt.Tooltip("event_id:N", title="event id"),
            ],
        )  # fmt: skip
        .properties(name=ROW_MARK)
    )
    return alt.LayerChart(layer=[points], title=title)
