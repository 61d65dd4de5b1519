"""How the commands' tables look: cells never cut short, one way to write a share, a
duration and an instant."""

from __future__ import annotations

from typing import Any

from rich import table

__all__ = ["Table", "duration", "instant", "pct"]


class Table(table.Table):
    """rich's table whose cells are never cut short: when the terminal is narrow, the
    widest columns narrow first, and a value wider than its column wraps at spaces and
    folds a longer word onto the next line. rich cut such a value with "…": at 80
    columns (the width of any piped output) event names read "butto…" and "page_…", a
    p75 "118.…"; at 50 the funnel's numbers read "1,…" and its step column vanished."""

    def __rich_console__(self, console: Any, options: Any) -> Any:
        for column in self.columns:
            column.overflow, column.no_wrap = "fold", False
        return super().__rich_console__(console, options)


def pct(share: float | None) -> str:
    """A share as every table writes it: a percentage to one decimal ("84.6%"); "—" when
    there is none."""
    return "—" if share is None else f"{share:.1%}"


def duration(seconds: float | None) -> str:
    """A duration as every table writes it: whole seconds below an hour, hours with one
    decimal above ("512s", "6.1h"); "—" when there is none."""
    if seconds is None:
        return "—"
    return f"{seconds / 3600:,.1f}h" if seconds >= 3600 else f"{seconds:,.0f}s"


def instant(iso: str | None) -> str:
    """An instant of ``--json`` (RFC 3339 in UTC, "2025-01-06T02:54:34.166000Z") as a
    table writes it, to the second: "2025-01-06 02:54:34"; "—" when there is none."""
    if not iso:
        return "—"
    return iso.replace("T", " ", 1)[:19]
