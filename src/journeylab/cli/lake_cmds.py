"""Lake commands: ingest, catalog, declare, compact, sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from journeylab.cli.common import JsonOpt, LakeOpt, console, fail_cleanly, print_json
from journeylab.lake import open_lake
from journeylab.lake.core import COMPACT_FILE_ROWS
from journeylab.lake.ingest import CHUNK_ROWS

__all__ = ["register"]


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files to land (jsonl, ndjson, json, csv, parquet).")
    ],
    lake: LakeOpt,
    format: Annotated[
        str | None, typer.Option("--format", help="Force the format: jsonl|json|csv|parquet.")
    ] = None,
    as_json: JsonOpt = False,
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", hidden=True, min=1, help="Records per commit.")
    ] = CHUNK_ROWS,
) -> None:
    """Land event files in the lake; bad events are quarantined with a reason."""
    with fail_cleanly():
        report = open_lake(lake).ingest(paths, format=format, chunk_rows=chunk_rows)
    if as_json:
        print_json(report.to_dict())
        return
    d = report.to_dict()
    console.print(
        f"[bold]{d['records']:,}[/bold] records: [green]{d['accepted']:,} accepted[/green], "
        f"{d['duplicates']:,} duplicates, [red]{d['rejected']:,} rejected[/red] "
        f"in {d['seconds']}s"
    )
    for reason, n in d["rejected_by_reason"].items():
        console.print(f"  rejected {reason}: {n:,}")
    if d["naive_timestamps"]:
        console.print(f"  {d['naive_timestamps']:,} timestamps without offset read as UTC")
    if d["first_event_at"]:
        console.print(f"  events from {d['first_event_at']} to {d['last_event_at']}")


def catalog(lake: LakeOpt, as_json: JsonOpt = False) -> None:
    """Every event name with events, users, first/last seen, declared; near-miss warnings."""
    with fail_cleanly():
        cat = open_lake(lake, create=False).catalog()
    if as_json:
        print_json(cat.to_records())
        return
    table = Table("name", "events", "users", "first seen", "last seen", "declared")
    for row in cat.to_records():
        table.add_row(
            row["name"],
            f"{row['events']:,}",
            f"{row['users']:,}",
            str(row["first_seen"] or "—"),
            str(row["last_seen"] or "—"),
            "yes" if row["declared"] else "",
        )
    console.print(table)
    for warning in cat.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning.message()}", highlight=False)


def declare(
    name: Annotated[str, typer.Argument(help="Event name, exactly as it will be fired.")],
    lake: LakeOpt,
    description: Annotated[
        str | None, typer.Option("--description", help="What the event means.")
    ] = None,
) -> None:
    """Register an event name before it is ever fired."""
    with fail_cleanly():
        open_lake(lake).declare(name, description=description)
    console.print(f"declared {name!r}", highlight=False)


def compact(
    lake: LakeOpt,
    file_rows: Annotated[
        int, typer.Option("--file-rows", hidden=True, min=1, help="Rows per file.")
    ] = COMPACT_FILE_ROWS,
) -> None:
    """Merge many small event files into few large sorted ones (content unchanged)."""
    with fail_cleanly():
        n = open_lake(lake, create=False).compact(file_rows=file_rows)
    console.print(f"{n} event file(s) after compaction")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(catalog)
    app.command()(declare)
    app.command()(compact)
