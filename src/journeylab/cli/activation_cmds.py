"""``journeylab activation``: compare activation definitions, with CAC per channel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journeylab.cli.common import (
    AsOfOpt,
    EngineChoice,
    FromOpt,
    JsonOpt,
    LakeOpt,
    StrictOpt,
    ToOpt,
    alias,
    console,
    engine_options,
    fail_cleanly,
    print_json,
    print_warnings,
    readable_file,
)
from journeylab.cli.tables import Table, duration, interval, pct
from journeylab.errors import SpecError, invalid
from journeylab.times import as_utc, time_range

if TYPE_CHECKING:
    from journeylab.activation.result import ActivationComparison

__all__ = ["register", "parse_activation"]


def parse_activation(value: str, param: str = "--activation") -> tuple[str, str]:
    """:func:`journeylab.activation.spec.parse_activation`, imported when a command runs
    (loading this module stays light: ``journeylab --help``)."""
    from journeylab.activation.spec import parse_activation as parse

    return parse(value, param)


def _fmt(value: Any, kind: str = "") -> str:
    if value is None:
        return "—"
    if kind == "money":
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@engine_options
def activation(
    lake: LakeOpt,
    activation: Annotated[
        list[str],
        typer.Option(
            "--activation",
            help="LABEL=EVENT_NAME (repeatable): one activation definition each.",
        ),
    ],
    start: Annotated[
        str, typer.Option("--start", help="The anchor event: each user's first one starts.")
    ] = "signup",
    within: Annotated[
        str, typer.Option("--within", help="Window after the start: 30s, 15m, 2h, 7d, 4w.")
    ] = "14d",
    spend: Annotated[
        Path | None,
        typer.Option("--spend", help="Spend CSV or Parquet with date, channel, amount."),
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="Start event's data field naming the channel.")
    ] = "channel",
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    start_date: Annotated[
        str | None, typer.Option("--start-date", hidden=True, help="Old name of --from.")
    ] = None,
    end_date: Annotated[
        str | None, typer.Option("--end-date", hidden=True, help="Old name of --to.")
    ] = None,
    retained_period: Annotated[
        str | None,
        typer.Option(
            "--retained-period",
            help="Activation quality: day | week | month; adds who is still active at "
            "--retained-at, activated or not, and CAC per retained activated user.",
        ),
    ] = None,
    retained_at: Annotated[
        int, typer.Option("--retained-at", help="The period N counted as 'still active'.")
    ] = 4,
    returning: Annotated[
        str, typer.Option("--returning", help="'any' event, or the event that means active.")
    ] = "any",
    retained_mode: Annotated[
        str, typer.Option("--retained-mode", help="on | on_or_after (period N, or N or later).")
    ] = "on",
    retained_windows: Annotated[
        str, typer.Option("--retained-windows", help="calendar | rolling periods.")
    ] = "calendar",
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Which activation moment to optimise for: rates with 95% intervals, time to activate,
    in-progress users, overlap between definitions, CAC per channel, and (with
    --retained-period) whether the activated users are still active later."""
    with fail_cleanly():
        from_ = alias("--start-date", start_date, "--from", from_)
        to = alias("--end-date", end_date, "--to", to)
        defs: dict[str, str] = {}
        for value in activation:
            label, name = parse_activation(value)
            if label in defs:
                raise invalid("--activation", value, "distinct labels", cls=SpecError)
            defs[label] = name
        if spend is not None:
            readable_file(spend, "--spend", "a spend CSV or Parquet file")
        lo, hi = time_range(from_, to, ("--from", "--to"))
        quality = None
        if retained_period is not None:
            from journeylab.journeys.retention_spec import retention_spec

            quality = retention_spec(
                start=start, returning=returning, period=retained_period,
                periods=retained_at, mode=retained_mode, windows=retained_windows,
            )  # fmt: skip
        result = engine.open(lake).compare_activations(
            start=start,
            activations=defs,
            within=within,
            spend=spend,
            channel=channel,
            as_of=as_utc(as_of, "--as-of"),
            start_date=lo,
            end_date=hi,
            strict=strict,
            retained=quality,
        )
    print_warnings(result.warnings)
    if as_json:
        d = result.to_dict()
        print_json(
            {
                "as_of": d["as_of"],
                "date_range": d["date_range"],
                "definitions": d["definitions"],
                "overlap": d["overlap"],
                "cac": d["cac"],
                **({"retained": d["retained"]} if "retained" in d else {}),
                "warnings": d["warnings"],
            }
        )
        return
    started = result.table()["started"][0] if result.table().height else 0
    table = Table(
        title=f"{started:,} users started ({start!r}); activation within {within}; "
        "rates over users whose window has closed"
    )
    table.add_column("definition")
    for col in ("activated", "rate", "95% CI", "in progress", "median", "p75"):
        table.add_column(col, justify="right")
    if spend is not None:
        table.add_column("CAC", justify="right")
    for r in result.table().to_dicts():
        ci = interval(r["ci_low_matured"], r["ci_high_matured"])
        cells = [
            r["definition"],
            _fmt(r["activated"]),
            pct(r["rate_matured"]),
            ci,
            _fmt(r["in_progress"]),
            duration(r["median_seconds"]),
            duration(r["p75_seconds"]),
        ]
        if spend is not None:
            cells.append(_fmt(r["cac"], "money"))
        table.add_row(*cells)
    console.print(table)
    if result.overlap().height:
        ov = Table(title="Overlap of activated users")
        for col in ("a", "b", "both", "only a", "only b", "Jaccard"):
            ov.add_column(col, justify="left" if col in ("a", "b") else "right")
        for r in result.overlap().to_dicts():
            jac = "—" if r["jaccard"] is None else f"{r['jaccard']:.2f}"
            ov.add_row(r["a"], r["b"], _fmt(r["both"]), _fmt(r["only_a"]), _fmt(r["only_b"]), jac)
        console.print(ov)
    if spend is not None:
        first, last = result.date_range or ("—", "—")
        cac = Table(title=f"CAC per channel (spend {first} to {last} ÷ activated users)")
        for col in ("channel", "definition", "started", "activated", "rate", "spend", "CAC"):
            cac.add_column(col, justify="left" if col in ("channel", "definition") else "right")
        for r in result.cac().to_dicts():
            cac.add_row(
                r["channel"],
                r["definition"],
                _fmt(r["started"]),
                _fmt(r["activated"]),
                pct(r["rate"]),
                _fmt(r["spend"], "money"),
                _fmt(r["cac"], "money"),
            )
        console.print(cac)
    if result.retained_spec is not None:
        console.print(_quality_table(result, spend is not None))
        if spend is not None:
            console.print(_retained_cac_table(result))


def _quality_table(result: ActivationComparison, spend: bool) -> Table:
    spec = result.retained_spec
    assert spec is not None
    table = Table(
        title=f"Still active in {spec.period} {spec.periods} after the start (rates over users "
        f"whose {spec.period} {spec.periods} had ended; censored users apart)"
    )
    for col in ("definition", "who", "users", "still active", "95% CI", "censored"):
        table.add_column(col, justify="left" if col in ("definition", "who") else "right")
    if spend:
        table.add_column("CAC per retained", justify="right")
    for r in result.retained().to_dicts():
        ci = interval(r["ci_low"], r["ci_high"])
        cells = [
            r["definition"],
            r["group"].replace("_", " "),
            _fmt(r["users"]),
            pct(r["rate"]),
            ci,
            _fmt(r["censored"]),
        ]
        if spend:
            cells.append(_fmt(r.get("cac_retained"), "money"))
        table.add_row(*cells)
    return table


def _retained_cac_table(result: ActivationComparison) -> Table:
    table = Table(title="CAC per retained activated user, per channel")
    for col in ("channel", "definition", "activated", "still active", "spend", "CAC",
                "per retained"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("channel", "definition") else "right")
    cac = {(r["channel"], r["definition"]): r["cac"] for r in result.cac().to_dicts()}
    import polars as pl

    rows = result.retained_by_channel().filter(pl.col("group") == "activated")
    for r in rows.to_dicts():
        table.add_row(
            r["channel"], r["definition"], _fmt(r["users"]), pct(r["rate"]),
            _fmt(r["spend"], "money"), _fmt(cac.get((r["channel"], r["definition"])), "money"),
            _fmt(r["cac_retained"], "money"),
        )  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    app.command()(activation)
