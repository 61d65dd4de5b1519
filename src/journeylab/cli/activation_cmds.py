"""``journeylab activation``: compare activation definitions, with CAC per channel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from journeylab.cli.common import JsonOpt, LakeOpt, console, fail_cleanly, print_json
from journeylab.errors import SpecError, invalid
from journeylab.lake import open_lake

__all__ = ["register", "parse_activation"]


def parse_activation(value: str) -> tuple[str, str]:
    """``LABEL=EVENT`` → (label, event); a bare ``EVENT`` is its own label."""
    label, sep, name = value.partition("=")
    if not sep:
        label, name = value, value
    if not label.strip() or not name.strip():
        raise invalid(
            "--activation",
            value,
            "LABEL=EVENT_NAME, e.g. purchase=first_widget_purchase",
            cls=SpecError,
        )
    return label.strip(), name.strip()


def _fmt(value: Any, kind: str = "") -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "hours":
        return f"{value / 3600:.1f}h"
    if kind == "money":
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def activation(
    lake: LakeOpt,
    activation: Annotated[
        list[str],
        typer.Option(
            "--activation",
            help="LABEL=EVENT_NAME (repeatable): one activation definition each.",
        ),
    ],
    start: Annotated[str, typer.Option("--start", help="Start event name.")] = "signup",
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
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As-of time (default: the last event).")
    ] = None,
    start_date: Annotated[
        str | None, typer.Option("--start-date", help="First start date (YYYY-MM-DD).")
    ] = None,
    end_date: Annotated[
        str | None, typer.Option("--end-date", help="Last start date (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which activation moment to optimise for: rates with 95% intervals, time to activate,
    in-progress users, overlap between definitions, and CAC per channel."""
    with fail_cleanly():
        defs: dict[str, str] = {}
        for value in activation:
            label, name = parse_activation(value)
            if label in defs:
                raise invalid("--activation", value, "distinct labels", cls=SpecError)
            defs[label] = name
        result = open_lake(lake, create=False).compare_activations(
            start=start,
            activations=defs,
            within=within,
            spend=spend,
            channel=channel,
            as_of=as_of,
            start_date=start_date,
            end_date=end_date,
        )
    if as_json:
        d = result.to_dict()
        print_json(
            {
                "as_of": d["as_of"],
                "date_range": d["date_range"],
                "definitions": d["definitions"],
                "overlap": d["overlap"],
                "cac": d["cac"],
            }
        )
        return
    started = result.table()["started"][0] if result.table().height else 0
    table = Table(
        title=f"{started:,} users started ({start!r}); activation within {within}; "
        "rates over users whose window has closed"
    )
    table.add_column("definition", no_wrap=True)
    for col in ("activated", "rate", "95% CI"):
        table.add_column(col, justify="right", no_wrap=True)
    for col in ("in progress", "median", "p75"):
        table.add_column(col, justify="right")
    if spend is not None:
        table.add_column("CAC", justify="right")
    for r in result.table().to_dicts():
        lo, hi = r["ci_low_matured"], r["ci_high_matured"]
        ci = "—" if lo is None else f"{lo:.1%}–{hi:.1%}".replace("%–", "–")
        cells = [
            r["definition"],
            _fmt(r["activated"]),
            _fmt(r["rate_matured"], "pct"),
            ci,
            _fmt(r["in_progress"]),
            _fmt(r["median_seconds"], "hours"),
            _fmt(r["p75_seconds"], "hours"),
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
        lo, hi = result.date_range or ("—", "—")
        cac = Table(title=f"CAC per channel (spend {lo} to {hi} ÷ activated users)")
        for col in ("channel", "definition", "started", "activated", "rate", "spend", "CAC"):
            cac.add_column(col, justify="left" if col in ("channel", "definition") else "right")
        for r in result.cac().to_dicts():
            cac.add_row(
                r["channel"],
                r["definition"],
                _fmt(r["started"]),
                _fmt(r["activated"]),
                _fmt(r["rate"], "pct"),
                _fmt(r["spend"], "money"),
                _fmt(r["cac"], "money"),
            )
        console.print(cac)


def register(app: typer.Typer) -> None:
    app.command()(activation)
