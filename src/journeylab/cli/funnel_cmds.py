"""``journeylab funnel``: a conversion funnel over a lake."""

from __future__ import annotations

from typing import Annotated

import typer

from journeylab.cli.common import (
    AsOfOpt,
    EngineChoice,
    FromOpt,
    JsonOpt,
    LakeOpt,
    StrictOpt,
    ToOpt,
    console,
    engine_options,
    fail_cleanly,
    print_json,
    print_warnings,
)
from journeylab.cli.tables import Table, duration, interval, pct
from journeylab.times import as_utc, time_range

__all__ = ["register"]


@engine_options
def funnel(
    lake: LakeOpt,
    steps: Annotated[str, typer.Option("--steps", help="Comma-separated event names, in order.")],
    within: Annotated[
        str, typer.Option("--within", help="Window from step 1: 30s, 2h, 7d.")
    ] = "7d",
    order: Annotated[str, typer.Option("--order", help="ordered | strict | any.")] = "ordered",
    by: Annotated[
        str | None, typer.Option("--by", help="Break down by this data field (first touch).")
    ] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Where users drop between steps: users, conversion with 95% intervals, median times."""
    names = [s.strip() for s in steps.split(",") if s.strip()]
    with fail_cleanly():
        lo, hi = time_range(from_, to, ("--from", "--to"))
        result = engine.open(lake).funnel(
            names,
            within=within,
            order=order,
            by=by,
            as_of=as_utc(as_of, "--as-of"),
            start_date=lo,
            end_date=hi,
            strict=strict,
        )
    print_warnings(result.warnings)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table("step")
    for col in ("users", "conversion", "95% CI", "step conv.", "median from\nprevious"):
        table.add_column(col, justify="right")
    for row in result.to_dict()["steps"]:
        table.add_row(
            row["name"],
            f"{row['users']:,}",
            pct(row["conversion"]),
            interval(row["ci_low"], row["ci_high"]),
            pct(row["step_conversion"]),
            duration(row["median_seconds"]),
        )
    console.print(table)
    console.print(f"{result.in_progress:,} users in progress (window still open at as-of)")
    if result.by_segment is not None:
        seg = Table("segment", "entrants", "converted", "conversion", "95% CI")
        last = result.spec.n
        for row in result.by_segment.filter(result.by_segment["step"] == last).iter_rows(
            named=True
        ):
            first = result.by_segment.filter(
                (result.by_segment["segment"] == row["segment"]) & (result.by_segment["step"] == 1)
            )["users"][0]
            seg.add_row(
                str(row["segment"]),
                f"{first:,}",
                f"{row['users']:,}",
                pct(row["conversion"]),
                interval(row["ci_low"], row["ci_high"]),
            )
        console.print(seg)


def register(app: typer.Typer) -> None:
    app.command()(funnel)
