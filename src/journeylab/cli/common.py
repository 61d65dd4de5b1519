"""Shared CLI plumbing: one vocabulary of options, and every user error as one line, exit 2.

- :class:`CleanGroup` turns usage errors (an unknown flag, a bad value, a missing option)
  into one ``error:`` line naming the option, the value and where to look, exit 2; it also
  keeps Python warnings raised inside libraries away from the terminal.
- :func:`fail_cleanly` does the same for the library's own errors and for files that cannot
  be read.
- The time options are the same on every analysis: ``--from``/``--to`` (a date is its whole
  UTC day, both ends included; a datetime is an instant, the end excluded) and ``--as-of``;
  old spellings stay as hidden aliases that warn (see :func:`alias`).
- The engine options are the same on every analysis too: ``--engine duckdb|pyspark``,
  ``--spark-remote sc://HOST:PORT`` and ``--spark-conf KEY=VALUE`` (repeatable). A command
  gets them with one line, the :func:`engine_options` decorator, and opens its lake with
  ``engine.open(lake)``.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from journeylab.errors import REMOVAL_VERSION, InputError, JourneylabError, invalid

if TYPE_CHECKING:
    from journeylab.engine import Engine
    from journeylab.lake import Lake

__all__ = [
    "AsOfOpt",
    "CleanGroup",
    "EngineChoice",
    "FromOpt",
    "JsonOpt",
    "LakeOpt",
    "StrictOpt",
    "ToOpt",
    "alias",
    "console",
    "engine_options",
    "err_console",
    "fail_cleanly",
    "open_lake",
    "print_json",
    "print_warnings",
    "readable_file",
]

console = Console()
err_console = Console(stderr=True)


def _lake_path(value: str) -> Path:
    """A lake folder; a URI (``s3a://bucket/lake``) is kept as text for Spark to read
    (a Path would fold its ``//``)."""
    from journeylab.lake.remote import is_uri

    return value if is_uri(value) else Path(value)  # type: ignore[return-value]


LakeOpt = Annotated[
    Path,
    typer.Option(
        "--lake",
        help="Lake folder (with Spark, also a URI Spark reads: s3a://bucket/lake, ...).",
        parser=_lake_path,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="Unknown event names or data fields are errors (exit 2), for CI gates."
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="First day or instant of entry (2025-01-01, or 2025-01-01T12:00:00Z).",
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Last day of entry, included (2025-01-31), or the first instant left out.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The clock: events after it are ignored (default: last event)."),
]


class CleanGroup(TyperGroup):
    """The ``journeylab`` group: usage errors as one ``error:`` line (exit 2), library
    warnings silenced, no traceback for anything a user typed."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # internal warnings never reach the user
            try:
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except typer.TyperException as exc:
                if not standalone_mode:
                    raise
                sys.exit(_usage_error(exc))
            except typer.Abort:
                if not standalone_mode:
                    raise
                err_console.print("aborted", highlight=False)
                sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error as one line (the option, the value, where to look); its code."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        console.print(ctx.get_help(), highlight=False, markup=False)
        return 2
    where = ctx.command_path if ctx is not None else "journeylab"
    msg = " ".join(exc.format_message().split()).rstrip(".")
    err_console.print(
        f"[red]error:[/red] {escape(msg)}. See '{escape(where)} --help'.",
        highlight=False,
        soft_wrap=True,
    )
    return int(getattr(exc, "exit_code", 2) or 2)


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Turn a JourneylabError (or a file that cannot be read) into 'error: reason' on
    stderr and exit status 2."""
    try:
        yield
    except JourneylabError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    except OSError as exc:  # a file that vanished or cannot be read, named by the OS
        name = exc.filename if exc.filename is not None else "a file"
        _error(f"cannot read {str(name)!r}: {exc.strerror or exc}. Check the path.")
        raise typer.Exit(2) from None


def _error(message: str) -> None:
    text = " ".join(message.split())
    err_console.print(f"[red]error:[/red] {escape(text)}", highlight=False, soft_wrap=True)


def readable_file(path: Path, param: str, what: str) -> Path:
    """``path`` when it is a regular file that can be read; else an InputError naming
    ``param``, the path, what it is instead, and what was expected (``what``)."""
    try:
        if not path.exists():
            problem = "does not exist"
        elif path.is_dir():
            problem = "is a folder"
        elif not path.is_file():
            problem = "is not a regular file (a pipe or a device)"
        else:
            with open(path, "rb") as fh:
                fh.read(1)
            return path
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    raise invalid(param, str(path), None, f"It {problem}; expected {what}.", cls=InputError)


def alias(old: str, old_value: Any, new: str, new_value: Any) -> Any:
    """A hidden old option's value (with a ``warning:`` line on stderr) or the new one's."""
    if old_value is None:
        return new_value
    err_console.print(
        f"[yellow]warning:[/yellow] {old} is deprecated; use {new} (removed in journeylab "
        f"{REMOVAL_VERSION}).",
        highlight=False,
        soft_wrap=True,
    )
    if new_value is not None:
        raise invalid(old, old_value, None, f"Pass only {new} (the new name of {old}).")
    return old_value


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")


def print_warnings(warnings: Any) -> None:
    """Each warning (anything with ``message()``) as one ``warning:`` line on stderr."""
    for w in warnings:
        err_console.print(
            f"[yellow]warning:[/yellow] {escape(w.message())}", highlight=False, soft_wrap=True
        )


# -- the engine options ------------------------------------------------------------------
ENGINES = ("duckdb", "pyspark")
EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="duckdb (in-process, the default) or pyspark (a local Spark session, or the "
        "Spark Connect server of --spark-remote).",
        show_default=False,
    ),
]
SparkRemoteOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-remote",
        metavar="sc://HOST:PORT",
        help="Run on the Spark Connect server at this address (implies --engine pyspark).",
    ),
]
SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--spark-conf",
        metavar="KEY=VALUE",
        help="A Spark setting, e.g. spark.sql.shuffle.partitions=64 (repeatable).",
    ),
]


@dataclass(frozen=True)
class EngineChoice:
    """What ``--engine``, ``--spark-remote`` and ``--spark-conf`` chose."""

    kind: str | None = None
    remote: str | None = None
    conf: tuple[str, ...] = ()

    def settings(self) -> dict[str, str]:
        """``--spark-conf`` as a mapping (an item without ``=`` is an InputError)."""
        out: dict[str, str] = {}
        for item in self.conf:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise invalid(
                    "--spark-conf", item, "KEY=VALUE, e.g. spark.sql.shuffle.partitions=64"
                )
            out[key.strip()] = value.strip()
        return out

    def engine(self) -> Engine:
        """The engine chosen (validated: a remote or settings need Spark)."""
        from journeylab.engine import Engine

        kind = self.kind.strip().lower() if self.kind is not None else None
        if kind is not None and kind not in ENGINES:
            raise invalid("--engine", self.kind, ENGINES)
        settings = self.settings()
        spark = kind == "pyspark" or self.remote is not None
        if kind == "duckdb" and self.remote is not None:
            raise invalid(
                "--spark-remote", self.remote, None, "It runs on Spark: drop --engine duckdb."
            )
        if not spark:
            if self.conf:
                raise invalid(
                    "--spark-conf",
                    self.conf[0],
                    None,
                    "Spark settings need --engine pyspark or --spark-remote.",
                )
            return Engine.duckdb()
        try:
            return Engine.pyspark(remote=self.remote, conf=settings)
        except JourneylabError as exc:  # name the flags, not the Python parameters
            text = str(exc).replace(
                "Invalid value for spark remote:", "Invalid value for --spark-remote:"
            )
            text = text.replace("Invalid value for spark conf:", "Invalid value for --spark-conf:")
            raise type(exc)(text) from None

    def open(self, lake: Path) -> Lake:
        """Open the lake folder ``lake`` on the chosen engine."""
        from journeylab.lake import open_lake

        return open_lake(lake, engine=self.engine())


F = TypeVar("F", bound=Callable[..., Any])


def engine_options(command: F) -> F:
    """Give a command ``--engine``, ``--spark-remote`` and ``--spark-conf``: its ``engine``
    parameter is replaced by the three options and receives them as an
    :class:`EngineChoice` (``engine.open(lake)`` opens the lake on it)."""
    sig = inspect.signature(command, eval_str=True)
    if "engine" not in sig.parameters:
        raise TypeError(f"{command.__name__} needs an `engine: EngineChoice` parameter")
    options = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
        for name, ann in (
            ("engine", EngineOpt),
            ("spark_remote", SparkRemoteOpt),
            ("spark_conf", SparkConfOpt),
        )
    ]
    params: list[inspect.Parameter] = []
    for p in sig.parameters.values():
        if p.name == "engine":
            params.extend(options)
        else:
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        choice = EngineChoice(
            kwargs.pop("engine"), kwargs.pop("spark_remote"), tuple(kwargs.pop("spark_conf") or ())
        )
        return command(engine=choice, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper  # type: ignore[return-value]


def open_lake(path: Path, create: bool = False, **kw: Any) -> Lake:
    """:func:`journeylab.open_lake`, imported when a command runs: the command modules
    import nothing heavy at load time, so ``journeylab --help`` starts fast."""
    from journeylab.lake import open_lake as open_

    return open_(path, create=create, **kw)
