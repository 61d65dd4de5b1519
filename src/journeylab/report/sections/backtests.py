"""Offers and referrals backtested on the lake's history, with one user explained each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from journeylab.charts.backtest import (
    explanation_chart,
    stages_chart,
    stages_frame,
    time_to_satisfy_chart,
    time_to_satisfy_frame,
)
from journeylab.conditions.describe import fmt_num, fmt_span, fmt_t
from journeylab.report.context import ReportContext, explained_user
from journeylab.report.model import Block, Notes, Paragraph, Preformatted, Section, col, figure

__all__ = ["backtests_section", "program_section"]

HOW = {
    "stages": "The first two bars are the way in (audience, then enrolled); the others split "
    "the audience by how each user ended: every user is in exactly one of them.",
    "tts": "Each bar counts satisfactions that came that long after enrolment (or the "
    "referral link); a pile-up at the end means the window is tight.",
    "explain": "Each line is one part of the condition, counted at every decision time; it "
    "is met once it reaches the dashed line of the same colour.",
}


def _summary(result: Any) -> Notes:
    median = result.median_seconds_to_satisfy
    items = [
        f"as of {fmt_t(result.as_of)}",
        f"rewards: {fmt_num(result.reward_total)} in all"
        + (
            f", of which {fmt_num(result.reward_unearned)} not yet earned at the as-of time"
            if result.reward_unearned
            else ""
        ),
        "median time to satisfy: "
        + ("—" if median is None else fmt_span(timedelta(seconds=median))),
    ]
    return Notes(tuple(items))


def _explained(ctx: ReportContext, result: Any) -> list[Block]:
    user = explained_user(result)
    if user is None:
        return [Paragraph("No user is in this program's audience, so there is no one to explain.")]
    expl = ctx.explain(result, user)
    blocks: list[Block] = [
        Preformatted(
            str(expl),
            caption=f"Why user {user} is {expl.status} (journeylab explain SPEC --lake DIR "
            f"--user {user})",
        )
    ]
    frame = expl.frame.filter(pl.col("value").is_not_null() & pl.col("need").is_not_null())
    if frame.height:
        blocks.append(
            figure(
                f"explain-{result.program.name}",
                explanation_chart(expl),
                HOW["explain"],
                frame,
                [
                    col("at", "decision time", "time"),
                    col("name", "event"),
                    col("phase"),
                    col("path", "condition"),
                    col("required", "requires"),
                    col("value", "had", "float"),
                    col("need", "needs", "float"),
                    col("holds", "holds", "bool"),
                ],
            )
        )
    return blocks


def program_section(ctx: ReportContext, result: Any) -> Section:
    program = result.program
    name = program.name
    blocks: list[Block] = [
        _summary(result),
        figure(
            f"stages-{name}",
            stages_chart(result),
            HOW["stages"],
            stages_frame(result),
            [col("stage"), col("users", "users", "int")],
        ),
    ]
    tts, unit = time_to_satisfy_frame(result, bins=24)
    if int(tts["satisfactions"].sum()):
        blocks.append(
            figure(
                f"time-to-satisfy-{name}",
                time_to_satisfy_chart(result, bins=24),
                HOW["tts"],
                tts,
                [
                    col("start", "from", unit),  # type: ignore[arg-type]
                    col("end", "to", unit),  # type: ignore[arg-type]
                    col("satisfactions", "satisfactions", "int"),
                ],
            )
        )
    blocks += _explained(ctx, result)
    blocks.append(
        Preformatted(program.to_yaml(), caption=f"The {program.kind} as YAML", collapsed=True)
    )
    return Section(f"program-{name}", f"{program.kind.capitalize()} {name!r}", tuple(blocks))


def backtests_section(ctx: ReportContext) -> Section:
    title = "Offer and referral backtests"
    if not ctx.options.programs:
        return Section(
            "backtests",
            title,
            (
                Paragraph(
                    "No offer or referral was given: pass --offer SPEC.yaml (repeatable; "
                    "Python: offers=[...]) to see who would have been enrolled and rewarded, "
                    "when, at what cost, and why. `journeylab schema` prints the YAML schema."
                ),
            ),
        )
    children = tuple(program_section(ctx, r) for r in ctx.backtests)
    return Section(
        "backtests",
        title,
        intro="Each program replayed point in time over the lake's history: audience and "
        "entry judged with only the events up to each moment, the condition on the events "
        "after enrolment.",
        children=children,
    )
