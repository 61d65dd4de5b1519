"""How the commands' tables look: cells never cut short, one way to write a share, a
duration and an instant."""

from __future__ import annotations

from typing import Any

from rich import table
from rich.cells import cell_len

__all__ = ["Table", "capped", "duration", "instant", "interval", "narrowed", "pct"]


class Table(table.Table):
    """rich's table whose cells are never cut short. When the terminal is narrow, the
    columns give room in this order, the widest first at each step: a header wraps at its
    spaces ("median to last step" over "531s"); then a cell wraps at its spaces
    ("2025-01-06" over "02:54:34"), no column narrower than its longest word, so event
    names stay whole; then a header word folds, in two lines at most; only then does a
    cell's word fold onto the next line, the longest words first.

    rich cut such a value with "…": at 80 columns (the width of any piped output) event
    names read "butto…" and "page_…", a p75 "118.…"; at 50 the funnel's numbers read
    "1,…" and its step column vanished. Narrowed by rich alone (the widest columns
    alike), the catalog's names folded ("onboarding_sta" over "rted") beside instants
    that had room to wrap, and paths took four lines where a header could have wrapped."""

    def __rich_console__(self, console: Any, options: Any) -> Any:
        for column in self.columns:
            column.overflow, column.no_wrap = "fold", False
        return super().__rich_console__(console, options)

    def _calculate_column_widths(self, console: Any, options: Any) -> list[int]:
        ranges = [self._measure_column(console, options, c) for c in self.columns]
        widths = [r.maximum or 1 for r in ranges]
        room = options.max_width
        if sum(widths) <= room or self.expand:
            return super()._calculate_column_widths(console, options)
        words = [min(r.minimum or 1, w) for r, w in zip(ranges, widths, strict=True)]
        longest, cell_words = self._cell_widths(widths)
        pads = [self._get_padding_width(k) + 1 for k in range(len(widths))]
        levels = [
            [max(w, c) for w, c in zip(words, longest, strict=True)],
            words,
            cell_words,
            capped(cell_words, pads, room),
        ]
        for floors in levels:  # the class's order
            widths = narrowed(widths, floors, max(room, sum(floors)))
            if sum(widths) <= room:
                return widths
        return super()._calculate_column_widths(console, options)  # not a letter a column

    def _cell_widths(self, widths: list[int]) -> tuple[list[int], list[int]]:
        """Each column's longest cell, and its longest word in its cells or half its
        header's longest word, with its padding (no wider than ``widths``)."""
        longest, words = [], []
        for k, column in enumerate(self.columns):
            pad = self._get_padding_width(k)
            cells = [line for c in column._cells for line in str(c).splitlines()]
            header = max((cell_len(w) for w in str(column.header).split()), default=1)
            longest.append(pad + max((cell_len(c) for c in cells), default=1))
            words.append(
                pad + max(-(-header // 2), *(cell_len(w) for c in cells for w in c.split()), 1)
            )
        clip = [min(f, w) for f, w in zip(longest, widths, strict=True)]
        return clip, [min(f, w) for f, w in zip(words, widths, strict=True)]


def capped(floors: list[int], least: list[int], room: int) -> list[int]:
    """``floors`` with the largest lowered to one cap, the highest at which they fit in
    ``room`` (none below ``least``): the columns with the longest words fold them, the
    others keep theirs."""
    for cap in range(max(floors), 0, -1):
        fit = [max(min(f, cap), m) for f, m in zip(floors, least, strict=True)]
        if sum(fit) <= room:
            return fit
    return least


def narrowed(widths: list[int], floors: list[int], room: int) -> list[int]:
    """``widths`` made to fit in ``room`` (their floors do) by narrowing the widest
    column that is above its floor, one cell at a time."""
    widths = list(widths)
    for _ in range(sum(widths) - room):
        k = max((i for i, w in enumerate(widths) if w > floors[i]), key=lambda i: (widths[i], -i))
        widths[k] -= 1
    return widths


def pct(share: float | None) -> str:
    """A share as every table writes it: a percentage to one decimal ("84.6%"); "—" when
    there is none."""
    return "—" if share is None else f"{share:.1%}"


def interval(low: float | None, high: float | None) -> str:
    """A 95% interval as every table writes it: "98.7%–100.0%"; "—" when there is none."""
    return "—" if low is None or high is None else f"{pct(low)}–{pct(high)}"


def duration(seconds: float | None) -> str:
    """A duration as every table writes it: whole seconds below an hour, hours with one
    decimal above ("512s", "6.1h"); "—" when there is none."""
    if seconds is None:
        return "—"
    return f"{seconds / 3600:,.1f}h" if seconds >= 3600 else f"{seconds:,.0f}s"


def instant(iso: str | None, fraction: bool = False) -> str:
    """An instant of ``--json`` (RFC 3339 in UTC, "2025-01-06T02:54:34.166000Z") as a
    table writes it, to the second: "2025-01-06 02:54:34" (with ``fraction``, its
    fraction of a second as given, trailing zeros dropped: "2025-01-06 02:54:34.166");
    "—" when there is none."""
    if not iso:
        return "—"
    text = iso.replace("T", " ", 1)[:19]
    if fraction and iso[19:20] == ".":
        digits = iso[20:].rstrip("Z").rstrip("0")
        text += "." + digits if digits else ""
    return text
