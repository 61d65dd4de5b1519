"""Tables as HTML: exact numbers, written the way the charts' tooltips write them."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from journeylab.report.model import Column, Table

__all__ = ["cell", "table_html"]

NUMERIC = {"int", "pct", "float", "money", "hours", "days", "ratio"}


def _time(value: Any) -> str:
    """Times in UTC to the second (every time journeylab stores is UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="seconds") + " UTC"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_FORMATS: dict[str, Callable[[Any], str]] = {
    "int": lambda v: f"{int(v):,}",
    "pct": lambda v: f"{v:.2%}",
    "float": lambda v: f"{v:,.2f}",
    "money": lambda v: f"{v:,.2f}",
    "ratio": lambda v: f"{v:.3f}",
    "hours": lambda v: f"{v:,.1f} h",
    "days": lambda v: f"{v:,.1f} d",
    "time": _time,
    "bool": lambda v: "yes" if v else "no",
}


def cell(value: Any, kind: str) -> str:
    """One value as text: ``—`` for missing; counts with thousands separators; rates as
    percentages with two decimals; hours and days with one; times in UTC."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return _FORMATS.get(kind, str)(value)


def _cls(column: Column) -> str:
    if column.kind in NUMERIC:
        return ' class="num"'
    return ' class="code"' if column.kind == "code" else ""


def _head(column: Column) -> str:
    return f'<th scope="col"{_cls(column)}>{html.escape(column.title)}</th>'


def table_html(table: Table, key: str | None = None) -> str:
    """The whole table (every row), numbers right-aligned."""
    attrs = f' data-table="{html.escape(key)}"' if key else ""
    parts = [f'<div class="table-wrap"><table{attrs}>']
    if table.caption:
        parts.append(f"<caption>{html.escape(table.caption)}</caption>")
    if table.header:
        parts.append("<thead><tr>" + "".join(_head(c) for c in table.columns) + "</tr></thead>")
    parts.append("<tbody>")
    names = [c.name for c in table.columns]
    for row in table.frame.select(names).iter_rows():
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            cells.append(f"<td{_cls(column)}>{html.escape(cell(value, column.kind))}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)
