"""``journeylab report``: every analysis on a lake, as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from journeylab.cli.common import (
    AsOfOpt,
    EngineChoice,
    FromOpt,
    LakeOpt,
    StrictOpt,
    ToOpt,
    console,
    engine_options,
    err_console,
    fail_cleanly,
    readable_file,
)
from journeylab.errors import InputError, invalid
from journeylab.times import as_utc, time_range

__all__ = ["register"]


@engine_options
def report(
    lake: LakeOpt,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    spend: Annotated[
        Path | None,
        typer.Option("--spend", help="Spend CSV or Parquet (date, channel, amount): adds CAC."),
    ] = None,
    offer: Annotated[
        list[Path] | None,
        typer.Option("--offer", help="Offer or referral YAML to backtest (repeatable)."),
    ] = None,
    activation: Annotated[
        list[str] | None,
        typer.Option(
            "--activation",
            help="LABEL=EVENT (repeatable): an activation definition. None: not guessed.",
        ),
    ] = None,
    funnel: Annotated[
        str | None,
        typer.Option(
            "--funnel",
            help="Comma-separated funnel steps (default: the start event, then each "
            "activation's event).",
        ),
    ] = None,
    start: Annotated[
        str, typer.Option("--start", help="Start (anchor) event of funnels and activation.")
    ] = "signup",
    within: Annotated[
        str, typer.Option("--within", help="Window after the start: 30s, 15m, 2h, 7d, 4w.")
    ] = "14d",
    channel: Annotated[
        str, typer.Option("--channel", help="Start event's data field naming the channel.")
    ] = "channel",
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    retained_period: Annotated[
        str,
        typer.Option(
            "--retained-period",
            help="Activation quality: who is still active (any event) in period --retained-at "
            "after the start: day | week | month, or none.",
        ),
    ] = "week",
    retained_at: Annotated[
        int, typer.Option("--retained-at", help="The period N counted as 'still active'.")
    ] = 4,
    strict: StrictOpt = False,
    title: Annotated[str | None, typer.Option("--title", help="The report's title.")] = None,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Write one HTML report (opens offline: every script and style inside): ingest and
    quarantine, catalog, funnel, activation definitions with CAC and who they keep,
    offer/referral backtests."""
    from journeylab.journeys.retention_spec import RetentionSpec, retention_spec
    from journeylab.report import report as build

    with fail_cleanly():
        start_date, end_date = time_range(from_, to, ("--from", "--to"))
        cut = as_utc(as_of, "--as-of")
        if out.is_dir():
            raise invalid("--out", str(out), "an HTML file path, not a folder", cls=InputError)
        if spend is not None:
            readable_file(spend, "--spend", "a spend CSV or Parquet file")
        for path in offer or ():
            readable_file(path, "--offer", "an offer or referral YAML file")
        quality: RetentionSpec | bool = False
        if retained_period.strip().lower() != "none":
            quality = retention_spec(start=start, period=retained_period, periods=retained_at)
        result = build(
            engine.open(lake),
            out,
            start=start,
            within=within,
            activations=activation or None,
            funnel=funnel,
            spend=spend,
            channel=channel,
            offers=offer or None,
            start_date=start_date,
            end_date=end_date,
            as_of=cut,
            strict=strict,
            title=title,
            retained=quality,
        )
    for warning in result.messages:
        err_console.print(
            f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False, soft_wrap=True
        )
    size = out.stat().st_size
    console.print(
        f"report: {out} ({size / 1e6:.1f} MB, {len(result.figures())} charts)", highlight=False
    )


def register(app: typer.Typer) -> None:
    app.command()(report)
