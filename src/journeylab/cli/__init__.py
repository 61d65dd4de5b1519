"""The ``journeylab`` command: thin wrappers over the library (typer + rich)."""

from __future__ import annotations

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
    app()
