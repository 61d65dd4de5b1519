"""``journeylab sample``: write a deterministic sample app export with its planted rates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeylab.cli.common import JsonOpt, alias, console, fail_cleanly, print_json
from journeylab.cli.tables import Table
from journeylab.errors import invalid

if TYPE_CHECKING:
    from journeylab.sample import SampleManifest

__all__ = ["register"]

#: journeylab.sample.DEFAULT_START, written out so that loading this module imports none
#: of the generator (numpy, polars); tests/test_startup.py holds the two equal
DEFAULT_START = date(2025, 1, 6)


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"


def _print(m: SampleManifest) -> None:
    from journeylab.sample import ACTIVATIONS, CHANNELS

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
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", help=f"First day, YYYY-MM-DD (default {DEFAULT_START}).", show_default=False
        ),
    ] = None,
    gzip: Annotated[bool, typer.Option("--gzip", help="Write events.jsonl.gz.")] = False,
    as_json: JsonOpt = False,
    start: Annotated[
        str | None, typer.Option("--start", hidden=True, help="Old name of --from.")
    ] = None,
) -> None:
    """Generate a realistic app export: events (JSONL), daily spend (CSV), planted rates."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from journeylab.sample import generate

    with fail_cleanly():
        first_day = alias("--start", start, "--from", from_) or DEFAULT_START.isoformat()
        if out.exists() and not out.is_dir():
            raise invalid("--out", str(out), "a folder (new or existing) to write the export into")
        try:
            first = date.fromisoformat(first_day)
        except ValueError:
            raise invalid("--from", first_day, "a date YYYY-MM-DD") from None
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
