"""``journeylab serve``: the local Events API endpoint (docs/serve.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from journeylab.cli.common import LakeOpt, fail_cleanly

__all__ = ["register"]


def serve(
    lake: LakeOpt,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (not loopback: needs a key).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port).")] = 8787,
    write_key: Annotated[
        str | None,
        typer.Option(
            "--write-key",
            envvar="JOURNEYLAB_WRITE_KEY",
            show_envvar=True,
            help="Key every write must carry (Bearer, or Basic with the key as user).",
        ),
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="Origin browsers may post from (repeat; '*': any)."),
    ] = None,
    flush_events: Annotated[
        int, typer.Option("--flush-events", help="Land the log once this many events wait.")
    ] = 100_000,
    flush_seconds: Annotated[
        float, typer.Option("--flush-seconds", help="... or once the oldest waited this long.")
    ] = 2.0,
) -> None:
    """Serve the Events API on a local endpoint; events land durably in the lake."""
    with fail_cleanly():
        try:
            from journeylab.serve import ServeConfig, run
        except ImportError as exc:  # the serve extra is not installed
            from journeylab.errors import InputError

            raise InputError(
                f"journeylab serve needs Starlette and uvicorn ({exc}). Install them with "
                "`pip install 'journeylab[serve]'`."
            ) from None
        config = ServeConfig(
            lake,
            host=host,
            port=port,
            write_key=write_key or None,
            cors_origins=tuple(cors_origin or ()),
            flush_events=flush_events,
            flush_seconds=flush_seconds,
        )
        run(config)


def register(app: typer.Typer) -> None:
    app.command()(serve)
