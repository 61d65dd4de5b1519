"""From the start event to activation: the funnel, and the activation definitions compared
(rates, overlap, CAC per channel, and whether the activated users are still active later)."""

from __future__ import annotations

from typing import Any

import polars as pl

from journeylab.charts.activation import (
    cac_chart,
    comparison_chart,
    comparison_frame,
    overlap_chart,
    overlap_frame,
    retained_chart,
)
from journeylab.charts.funnel import funnel_chart, funnel_frame, time_to_convert_chart
from journeylab.charts.theme import in_words
from journeylab.report.context import ReportContext
from journeylab.report.model import (
    Block,
    Notes,
    Paragraph,
    Section,
    Table,
    col,
    figure,
    with_interval,
)

__all__ = ["activation_section", "funnel_section"]

HOW = {
    "funnel": "Each bar is the share of users who entered at step 1 and reached that step "
    "in order within the window; whiskers are 95% intervals, so bars whose whiskers overlap "
    "are not clearly different.",
    "ttc": "Each bar counts the users who reached the last step after that many hours from "
    "step 1; a long tail means reminders have time to work.",
    "comparison": "Each definition has two bars: over users whose window has closed "
    "(the fair rate) and over everyone who started (in-progress users count as not "
    "activated); whiskers are 95% intervals.",
    "overlap": "Each cell compares two definitions: 1 means they activate exactly the same "
    "users, 0 no user in common.",
    "retained": "For each definition, two bars: the share of the users it activated who are "
    "still active in the period shown, and the same share for the users it did not activate "
    "(users still inside their activation window are in neither). Only users whose period "
    "had ended count; the others are censored (listed, never counted as lost). A definition "
    "whose two bars overlap picks users no more likely to stay than anyone.",
    "cac": "Each bar is spend divided by activated users for one channel and definition; "
    "whiskers come from the rate's 95% interval (spend taken as known). Compare bars of one "
    "colour to rank channels for that definition.",
}


def _not_configured(ctx: ReportContext, what: str) -> list[Block]:
    """No activation definitions were given: say how to add them, never guess."""
    cands = ctx.candidate_names()
    blocks: list[Block] = [
        Paragraph(
            f"No {what}: activation definitions are a product decision, so the report does "
            "not guess them. Add them with --activation LABEL=EVENT (repeatable) and, for a "
            "funnel through other steps, --funnel STEP,STEP,... (Python: activations={...}, "
            "funnel=[...])."
        )
    ]
    if cands:
        frame = pl.DataFrame(cands, schema=["name", "users"], orient="row")
        blocks.append(
            Table(
                frame,
                (col("name", "event name"), col("users", "users", "int")),
                caption=f"Names reached by the most users (the start, {ctx.options.start!r}, "
                "left out): candidates, not recommendations",
            )
        )
    return blocks


def funnel_section(ctx: ReportContext) -> Section:
    title = "Funnel"
    result = ctx.funnel
    if result is None:
        return Section("funnel", title, tuple(_not_configured(ctx, "funnel")))
    frame = funnel_frame(result)
    blocks: list[Block] = [
        figure(
            "funnel",
            funnel_chart(result),
            HOW["funnel"],
            frame,
            [
                col("label", "step"),
                col("users", "users", "int"),
                *with_interval("conversion", "conversion"),
                col("step_conversion", "from previous", "pct"),
                col("in_progress", "in progress", "int"),
                col("median_hours_from_prev", "median from previous", "hours"),
            ],
        )
    ]
    if result.entrants and int(frame["users"][-1]) > 0:
        ttc = result.time_to_convert(bins=24)
        hours = ttc.histogram.with_columns(
            from_hours=pl.col("bin_start_seconds") / 3600,
            to_hours=pl.col("bin_end_seconds") / 3600,
        )
        blocks.append(
            figure(
                "time-to-convert",
                time_to_convert_chart(ttc),
                HOW["ttc"],
                hours,
                [
                    col("from_hours", "from", "hours"),
                    col("to_hours", "to", "hours"),
                    col("users", "users", "int"),
                ],
            )
        )
    steps = " → ".join(s.title for s in result.spec.steps)
    return Section(
        "funnel",
        title,
        tuple(blocks),
        intro=f"{steps}, each step at or after the previous one, within "
        f"{in_words(result.spec.within)} of a step-1 event (every step-1 event is a "
        f"candidate start). {result.in_progress:,} users are still in progress: their "
        "window is open at the as-of time, so they are not counted as lost.",
    )


def activation_section(ctx: ReportContext) -> Section:
    title = "Activation definitions and CAC"
    result = ctx.comparison
    if result is None:
        return Section("activation", title, tuple(_not_configured(ctx, "activation comparison")))
    blocks: list[Block] = [
        figure(
            "activation",
            comparison_chart(result),
            HOW["comparison"],
            comparison_frame(result),
            [
                col("definition"),
                col("basis", "rate over"),
                col("activated", "activated", "int"),
                col("users", "users", "int"),
                *with_interval("rate", "rate"),
                col("in_progress", "in progress", "int"),
                col("median_hours", "median time", "hours"),
            ],
        )
    ]
    if len(result.spec.labels) > 1:
        blocks.append(
            figure(
                "overlap",
                overlap_chart(result),
                HOW["overlap"],
                overlap_frame(result),
                [
                    col("a", "definition"),
                    col("b", "and"),
                    col("jaccard", "Jaccard", "ratio"),
                    col("both", "activated under both", "int"),
                ],
            )
        )
    if result.has_spend:
        cac = result.cac().filter(pl.col("cac").is_not_null())
        blocks.append(
            figure(
                "cac",
                cac_chart(result),
                HOW["cac"],
                cac,
                [
                    col("channel"),
                    col("definition"),
                    col("started", "started", "int"),
                    col("activated", "activated", "int"),
                    col("rate", "rate", "pct"),
                    col("spend", "spend", "money"),
                    col("cac", "CAC", "money"),
                    col("cac_low", "95% from", "money"),
                    col("cac_high", "95% to", "money"),
                ],
            )
        )
        missing = result.cac().filter(pl.col("cac").is_null())
        if missing.height:
            blocks.append(
                Notes(
                    tuple(
                        f"{r['channel']} / {r['definition']}: no activated user, CAC undefined"
                        for r in missing.iter_rows(named=True)
                    )
                )
            )
    else:
        blocks.append(
            Paragraph(
                "No spend table was given, so there is no CAC: pass --spend FILE (date, "
                "channel, amount; Python: spend=PATH or a polars frame)."
            )
        )
    if result.retained_spec is not None:
        blocks.append(_retained_figure(result))
    lo, hi = result.date_range or (None, None)
    span = f" who started from {lo} to {hi}" if lo else ""
    return Section(
        "activation",
        title,
        tuple(blocks),
        intro=f"Users{span} are counted from their first {result.spec.start.title!r} event; "
        f"a definition is reached within {in_words(result.spec.within)} of it. The channel "
        f"is the start event's data.{result.spec.channel} field.",
    )


def _retained_figure(result: Any) -> Block:
    """Activation quality: still active at period N, activated vs not (CAC per retained
    activated user with spend)."""
    frame = result.retained()
    columns = [
        col("definition"),
        col("group", "users"),
        col("users", "how many", "int"),
        col("eligible", "period ended", "int"),
        col("retained", "still active", "int"),
        *with_interval("rate", "share still active"),
        col("censored", "censored", "int"),
    ]
    if "cac_retained" in frame.columns:
        columns += [
            col("cac_retained", "CAC per retained", "money"),
            col("cac_retained_low", "95% from", "money"),
            col("cac_retained_high", "95% to", "money"),
        ]
    return figure("retained", retained_chart(result), HOW["retained"], frame, columns)
