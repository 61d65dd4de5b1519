"""What a report is made of: sections of blocks (figures, tables, text), before any HTML.

A section builder (``journeylab.report.sections``) turns the analyses' results into a
:class:`Section`; :mod:`journeylab.report.html` turns the sections into one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

__all__ = [
    "Block",
    "Column",
    "Figure",
    "Notes",
    "Paragraph",
    "Preformatted",
    "Section",
    "Table",
    "col",
    "figure",
    "with_interval",
]

Kind = Literal[
    "text", "code", "int", "pct", "float", "money", "hours", "days", "time", "bool", "ratio"
]


@dataclass(frozen=True)
class Column:
    """One table column: the frame's column, its heading and how to write its values."""

    name: str
    title: str
    kind: Kind = "text"


def col(name: str, title: str | None = None, kind: Kind = "text") -> Column:
    return Column(name, title or name.replace("_", " "), kind)


def with_interval(
    name: str, title: str, kind: Kind = "pct", low: str = "ci_low", high: str = "ci_high"
) -> list[Column]:
    """A value's column and its 95% interval's two columns."""
    return [col(name, title, kind), col(low, "95% from", kind), col(high, "95% to", kind)]


@dataclass(frozen=True)
class Table:
    """A polars frame shown as an HTML table (every row: the numbers are exact)."""

    frame: pl.DataFrame
    columns: tuple[Column, ...]
    caption: str | None = None
    header: bool = True

    def __post_init__(self) -> None:
        missing = [c.name for c in self.columns if c.name not in self.frame.columns]
        if missing:
            raise ValueError(f"table columns not in the frame: {missing}")


@dataclass(frozen=True)
class Figure:
    """A chart with a one-line "how to read this" and the table of the rows it draws.

    ``rows``: how many marks the chart's ``rows`` layer draws (one per row of its data);
    the browser test counts them."""

    key: str
    chart: Any
    how_to_read: str
    table: Table
    rows: int


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Preformatted:
    """Text shown as is, in a monospace block (an explanation's story)."""

    text: str
    caption: str | None = None
    collapsed: bool = False


@dataclass(frozen=True)
class Notes:
    """A short list; ``tone="warning"`` for things the reader must not miss."""

    items: tuple[str, ...]
    tone: Literal["info", "warning"] = "info"
    title: str | None = None


Block = Figure | Table | Paragraph | Preformatted | Notes


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    intro: str | None = None
    children: tuple[Section, ...] = field(default=())

    def figures(self) -> list[Figure]:
        out = [b for b in self.blocks if isinstance(b, Figure)]
        for child in self.children:
            out.extend(child.figures())
        return out


def figure(
    key: str,
    chart: Any,
    how_to_read: str,
    frame: pl.DataFrame,
    columns: Sequence[Column],
    caption: str | None = None,
) -> Figure:
    """A figure whose chart draws one mark per row of ``frame``."""
    return Figure(key, chart, how_to_read, Table(frame, tuple(columns), caption), frame.height)
