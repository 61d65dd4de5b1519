"""The ``journeylab`` command: thin wrappers over the library (typer + rich)."""

from __future__ import annotations

import os

import typer

from journeylab.cli import (
    activation_cmds,
    condition_cmds,
    funnel_cmds,
    journeys_cmds,
    lake_cmds,
    report_cmds,
    sample_cmds,
    serve_cmds,
)
from journeylab.cli.common import CleanGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="journeylab",
    help=(
        "Local-first product events: lake, funnels, activation with CAC, journeys, "
        "condition backtests."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CleanGroup,
)
lake_cmds.register(app)
sample_cmds.register(app)
condition_cmds.register(app)
activation_cmds.register(app)
funnel_cmds.register(app)
journeys_cmds.register(app)
report_cmds.register(app)
serve_cmds.register(app)


def main() -> None:
    """The ``journeylab`` command. Its process allocates Arrow's buffers from the C
    library's allocator unless ``ARROW_DEFAULT_MEMORY_POOL`` names a pool: pyarrow's own
    (mimalloc) handed freed huge pages back to the kernel and faulted them in again, zeroed:
    a funnel on the 104M-event lake took 1.45–3.03 s (median 1.91) against 1.37–1.50 s,
    and ingests of the 10M-event files 11–19% longer (docs/performance.md). pyarrow reads
    the variable when it loads, which no command has done yet."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    app()
