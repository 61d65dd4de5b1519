"""Readers of ``data`` keys served by typed property columns (docs/adr/0009), for the
analyses that read rows straight from the files and filter them in polars (one-pass
funnels, docs/adr/0007; one-pass backtests, docs/adr/0010).

A reader (key, kind) is served by its column when the lake has one. A kind without a
column is null for certain when the key's ``present`` column and its other kinds'
columns leave no value to it: a row where the key is present and every other kind is
null holds a value of a kind without a column, which only ``data`` can give, so the
``guard`` flags it and the caller reads through the engine instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from journeylab.typed_columns import typed_column
from journeylab.where import Where, where_polars

__all__ = ["TypedReads", "typed_reads"]

_VALUE_KINDS = ("number", "string", "bool")
_DTYPES = {"number": pl.Float64, "string": pl.String, "bool": pl.Boolean}
_KEEP = "__journeylab_keep"


@dataclass(frozen=True)
class TypedReads:
    """How the readers a filter (or a breakdown) needs are read from typed columns."""

    typed: Mapping[str, Sequence[str]]
    #: the typed columns to read beside the rows
    columns: tuple[str, ...]
    #: true where a reader without a column could hold a value (the engine must read it)
    guard: pl.Expr | None

    def reader(self, key: str, kind: str) -> pl.Expr:
        """The ``kind`` reader of ``data[key]``: its column, or null (no column, and the
        guard found no row whose value could be of that kind). A string column read as a
        categorical stays one: ``where_polars`` compares its text where order matters,
        and equality on the categories is ~50x faster than on the cast (2.4M rows)."""
        if kind not in self.typed.get(key, ()):
            return pl.lit(None, _DTYPES[kind])
        return pl.col(typed_column(key, kind))

    def needs_data(self, frame: pl.DataFrame) -> bool:
        """Whether a row of ``frame`` (its ``columns``) holds a value only ``data`` has."""
        return self.guard is not None and bool(frame.select(self.guard.any()).item())

    def keep(self, where: Where, frame: pl.DataFrame) -> np.ndarray:
        """The rows of ``frame`` that ``where`` keeps, as a boolean array."""
        # with_columns: a filter of literals alone (no column) still gives a row each
        cond = where_polars(where, self.reader).alias(_KEEP)
        return frame.with_columns(cond)[_KEEP].to_numpy()


def typed_reads(
    typed: Mapping[str, Sequence[str]], need: set[tuple[str, str]]
) -> TypedReads | None:
    """The columns serving the readers ``need`` ((key, kind) pairs, as
    :func:`~journeylab.where.where_kinds` gives them) on a lake whose typed properties are
    ``typed``; None when a reader has no column and no ``present`` column to prove it null."""
    read: set[str] = set()
    guards: list[pl.Expr] = []
    for key, kind in sorted(need):
        kinds = typed.get(key, ())
        if kind in kinds:
            read.add(typed_column(key, kind))
        elif "present" in kinds:  # no column of this kind: null unless no other kind has it
            others = [typed_column(key, k) for k in kinds if k in _VALUE_KINDS]
            present = typed_column(key, "present")
            read |= {present, *others}
            guards.append(
                pl.all_horizontal([pl.col(present), *(pl.col(c).is_null() for c in others)])
            )
        else:
            return None
    guard = pl.any_horizontal(guards) if guards else None
    return TypedReads(typed, tuple(sorted(read)), guard)
