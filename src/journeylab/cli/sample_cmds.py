"""``journeylab sample``: write a deterministic sample app export with its planted rates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from journeylab.cli.common import JsonOpt, console, fail_cleanly, print_json
from journeylab.errors import invalid
from journeylab.sample import ACTIVATIONS, CHANNELS, DEFAULT_START, SampleManifest, generate

__all__ = ["register"]


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"


def _print(m: SampleManifest) -> None:
    console.print(
        f"wrote [bold]{m.lines:,}[/bold] lines for {m.users:,} users "
        f"({m.start} + {m.days} days, seed {m.seed}) in {m.seconds:.1f}s",
        highlight=False,
    )
    for path in (m.events_path, m.spend_path, m.planted_path):
        console.print(f"  {path}  {_human(path.stat().st_size)}", highlight=False)
    bad = sum(m.malformed.values())
    console.print(
        f"  {m.events:,} valid events ({m.journey_fraction:.1%} journey steps), "
        f"{m.duplicates:,} duplicate lines, {bad:,} malformed lines "
        + ", ".join(f"{k} {v}" for k, v in sorted(m.malformed.items())),
        highlight=False,
    )
    table = Table(title="planted: P(activation within 14d of signup)")
    table.add_column("channel")
    for d in ACTIVATIONS:
        table.add_column(d.replace("_", "_\n", 1), justify="right")
    table.add_column("cost/signup", justify="right")
    for c in CHANNELS:
        cells = [f"{m.rates.p(c, d):.0%}" for d in ACTIVATIONS]
        table.add_row(c, *cells, f"{m.rates.cost_per_signup[c]:.2f}")
    console.print(table)
    console.print(f"next: journeylab ingest {m.events_path} --lake LAKE_DIR", highlight=False)


def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the export into.")],
    users: Annotated[int, typer.Option("--users", help="Number of users.")] = 5_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")] = 0,
    days: Annotated[int, typer.Option("--days", help="Days of history (at least 15).")] = 90,
    start: Annotated[
        str, typer.Option("--start", help="First day, YYYY-MM-DD.")
    ] = DEFAULT_START.isoformat(),
    gzip: Annotated[bool, typer.Option("--gzip", help="Write events.jsonl.gz.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Generate a realistic app export: events (JSONL), daily spend (CSV), planted rates."""
    with fail_cleanly():
        try:
            first = date.fromisoformat(start)
        except ValueError:
            raise invalid("--start", start, "a date YYYY-MM-DD") from None
        bar = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
            console=console,
            disable=as_json or users < 100_000,
        )
        with bar:
            task = bar.add_task("users", total=users)
            manifest = generate(
                out,
                users=users,
                seed=seed,
                start=first,
                days=days,
                compress=gzip,
                on_chunk=lambda done, _lines: bar.update(task, completed=done),
            )
    if as_json:
        d = manifest.to_dict()
        d["out_dir"] = str(manifest.out_dir)
        d["seconds"] = round(manifest.seconds, 3)
        print_json(d)
        return
    _print(manifest)


def register(app: typer.Typer) -> None:
    app.command()(sample)
