"""Lake commands: init, ingest, catalog, declare, compact."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from journeylab.cli.common import (
    EngineChoice,
    JsonOpt,
    LakeOpt,
    console,
    engine_options,
    fail_cleanly,
    open_lake,
    print_json,
    print_warnings,
)
from journeylab.cli.no_pandas import pyarrow_without_pandas
from journeylab.cli.tables import Table, instant
from journeylab.errors import SpecError, invalid
from journeylab.ingest.options import CHUNK_ROWS, IngestOptions, size_bytes

__all__ = ["register"]


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files to land (jsonl, ndjson, json, csv, parquet).")
    ],
    lake: LakeOpt,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force the format: jsonl|json|csv|parquet, or import an export: "
            "segment|amplitude|posthog|mixpanel (docs/importers.md).",
        ),
    ] = None,
    as_json: JsonOpt = False,
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", hidden=True, min=1, help="Records per commit.")
    ] = CHUNK_ROWS,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Stop at the first rejected record instead of quarantining it."
        ),
    ] = False,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="DuckDB threads (default: one per core).")
    ] = None,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 1GB.")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Mixpanel exports whose times are the project's wall clock: its time zone.",
        ),
    ] = None,
    ids_memory: Annotated[
        str | None,
        typer.Option(
            "--ids-memory",
            help="Memory for the lake's event ids, e.g. 256MB (the default; 4 bytes an "
            "event): a larger lake's ids are probed on disk.",
        ),
    ] = None,
) -> None:
    """Land event files in the lake; bad events are quarantined with a reason.

    The lake is created when the folder is new or empty. A file that is not what it claims
    (binary, HTML, a CSV without the required columns) is refused whole."""
    pyarrow_without_pandas()  # 0.3–0.45 s of imports an ingest never uses
    with fail_cleanly():
        options = IngestOptions(
            chunk_rows=chunk_rows,
            threads=threads,
            memory_limit=memory_limit,
            strict=strict,
            timezone=timezone,
            ids_memory=None if ids_memory is None else size_bytes(ids_memory, "--ids-memory"),
        )
        from journeylab.ingest.pipeline import check_inputs
        from journeylab.ingest.report import unknown_fields_message

        check_inputs(paths, format, options)  # a refused input creates no lake
        report = open_lake(lake, create=True).ingest(paths, format=format, options=options)
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
        line = f"  rejected {reason}: {n:,}"
        first = d["rejected_examples"].get(reason)
        if first is not None:
            where = f"{first['source']} record {first['record']}"
            line += f" (first: {where}: {_short(first['detail'])})"
        console.print(escape(line), soft_wrap=True)  # one line a reason, as the warnings
    if d["unknown_field_names"]:
        console.print(
            f"  [yellow]warning:[/yellow] {escape(unknown_fields_message(d['unknown_field_names']))}",
            soft_wrap=True,
        )
    if d["naive_timestamps"]:
        console.print(f"  {d['naive_timestamps']:,} timestamps without offset read as UTC")
    if d["first_event_at"]:
        span = f"{instant(d['first_event_at'])} to {instant(d['last_event_at'])}"
        console.print(f"  events from {span} UTC")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@engine_options
def catalog(lake: LakeOpt, as_json: JsonOpt = False, engine: EngineChoice = EngineChoice()) -> None:
    """Every event name with events, users, first/last seen, declared; near-miss warnings.

    In --json, each row lists the warnings about its name under "warnings"."""
    with fail_cleanly():
        cat = engine.open(lake).catalog()
    if as_json:
        print_json(cat.to_records(warnings=True))
        return
    table = Table("name", "events", "users", "first seen", "last seen", "declared")
    for row in cat.to_records():
        table.add_row(
            row["name"],
            f"{row['events']:,}",
            f"{row['users']:,}",
            instant(row["first_seen"]),
            instant(row["last_seen"]),
            "yes" if row["declared"] else "",
        )
    console.print(table)
    for warning in cat.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning.message())}", highlight=False)


def declare(
    name: Annotated[str, typer.Argument(help="Event name, exactly as it will be fired.")],
    lake: LakeOpt,
    description: Annotated[
        str | None, typer.Option("--description", help="What the event means.")
    ] = None,
) -> None:
    """Register an event name before it is ever fired (the lake must exist: see init)."""
    with fail_cleanly():
        open_lake(lake).declare(name, description=description)
    console.print(f"declared {name!r}", highlight=False)


def compact(
    lake: LakeOpt,
    file_rows: Annotated[
        int | None, typer.Option("--file-rows", hidden=True, min=1, help="Rows per file.")
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit",
            help="DuckDB memory limit while sorting (it spills beyond; default 700MB).",
        ),
    ] = None,
    properties: Annotated[
        str | None,
        typer.Option(
            "--properties",
            help="data keys to store as typed columns, comma-separated (declared: later "
            "compactions keep them); 'auto': the most used keys; 'none': no typed columns. "
            "Default: the declared keys, else auto.",
        ),
    ] = None,
) -> None:
    """Merge many small event files into few large sorted ones (events unchanged), with
    typed properties for fast filters and breakdowns on data keys."""
    with fail_cleanly():
        from journeylab.lake.compact import COMPACT_FILE_ROWS, COMPACT_MEMORY

        opened = open_lake(lake)
        declared = _properties(properties)
        n = opened.compact(
            file_rows=file_rows or COMPACT_FILE_ROWS,
            memory_limit=memory_limit or COMPACT_MEMORY,
            properties=declared,
        )
        keys = opened.properties()
        if isinstance(declared, list) and declared:  # a typo must not look like a column
            from journeylab.names import check_names, event_names

            fired = tuple(sorted(event_names(opened)))
            print_warnings(
                check_names(opened, fields=[("--properties", k, fired) for k in declared])
            )
    console.print(f"{n} event file(s) after compaction", highlight=False)
    typed = ", ".join(keys) if keys else "none"
    console.print(f"typed properties: {typed}", highlight=False)


def _properties(value: str | None) -> list[str] | str | None:
    """``--properties``: None (the declaration, else auto), 'auto', 'none' ([]), or keys."""
    if value is None:
        return None
    if value.strip() in ("auto", "none"):
        return "auto" if value.strip() == "auto" else []
    keys = [k.strip() for k in value.split(",") if k.strip()]
    if not keys:
        raise invalid(
            "--properties", value, "comma-separated data keys, 'auto' or 'none'", cls=SpecError
        )
    return keys


def init(
    path: Annotated[Path, typer.Argument(help="Folder for the new lake (new or empty).")],
) -> None:
    """Create an empty lake, so event names can be declared before they are fired."""
    with fail_cleanly():
        marker = path / "journeylab-lake.json"
        existed = marker.is_file()
        open_lake(path, create=True)
    if existed:
        console.print(
            f"{str(path)!r} is already a journeylab lake", highlight=False, soft_wrap=True
        )
    else:
        console.print(
            f"created an empty lake in {str(path)!r}; next: journeylab ingest FILE --lake "
            f"{path} or journeylab declare NAME --lake {path}",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(ingest)
    app.command()(catalog)
    app.command()(declare)
    app.command()(compact)
