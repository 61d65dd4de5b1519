"""The ``journeylab`` command: thin wrappers over the library (typer + rich)."""

from __future__ import annotations

import inspect
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


def _one_line_summaries(group: typer.Typer) -> None:
    """Each command's summary in ``journeylab --help``: the first paragraph of its
    docstring on one line. Typer's rich help keeps the docstring's line breaks there,
    which cut the summaries mid-sentence ("... (events unchanged), with" / "typed
    properties ...")."""
    for info in group.registered_commands:
        doc = info.help or (info.callback.__doc__ if info.callback is not None else None)
        if info.short_help is None and doc:
            info.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


_one_line_summaries(app)

#: what the command's process allocates with (see :func:`main`)
_ALLOCATION = {"ARROW_DEFAULT_MEMORY_POOL": "system", "NUMPY_MADVISE_HUGEPAGE": "0"}


def main() -> None:
    """The ``journeylab`` command. Its process keeps freed memory for what it allocates
    next, unless the environment says otherwise: Arrow's buffers come from the C library's
    allocator (``ARROW_DEFAULT_MEMORY_POOL=system``; pyarrow's mimalloc handed freed pages
    back to the kernel) and numpy's large arrays are not advised onto transparent huge
    pages (``NUMPY_MADVISE_HUGEPAGE=0``; each fresh 2 MiB page was zeroed as it was first
    touched). A funnel on the 104M-event lake took 1.82–4.35 s with the first alone and
    1.44–1.50 s with both; ingests of the 10M-event files 11–19% less with the first
    (docs/performance.md). numpy and pyarrow read the variables when they load, which no
    command has done yet."""
    for name, value in _ALLOCATION.items():
        os.environ.setdefault(name, value)
    app()
