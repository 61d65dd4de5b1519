"""Shared CLI plumbing: errors become one-line reasons with a non-zero exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from journeylab.errors import JourneylabError

__all__ = ["LakeOpt", "JsonOpt", "console", "err_console", "fail_cleanly", "print_json"]

console = Console()
err_console = Console(stderr=True)

LakeOpt = Annotated[Path, typer.Option("--lake", help="Lake folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Turn a JourneylabError into 'error: reason' on stderr and exit status 2."""
    try:
        yield
    except JourneylabError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
