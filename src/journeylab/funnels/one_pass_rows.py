"""The rows a one-pass funnel reads (docs/adr/0007): per step, ``user_key`` and ``event_at``
(µs) sorted by both; for a breakdown, the start step's values beside them.

Every step is read straight from the Parquet files (:func:`~journeylab.lake.keyed.
keyed_read`, one pass over the footers for all steps). A step with a ``where`` filter, and
the start step of a breakdown, are read with the typed columns (docs/adr/0009) their
readers need and filtered in polars (:func:`~journeylab.where.where_polars`) when every
reader has a column or provably reads null: the key's ``present`` column and its other
kinds' columns leave no value to a kind without a column. Otherwise such a step is read
through the engine with the filter and the breakdown's readers as Ibis expressions — the
very ones the SQL paths compile, so a key without a column is read from ``data``, with
identical semantics. ``tests/test_funnel_one_pass.py`` holds both equal to the SQL paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from journeylab.funnels.spec import FunnelSpec
from journeylab.lake.keyed import KeyedFrame, Want, key_time_order, keyed_read
from journeylab.steps import Step
from journeylab.typed_columns import typed_column, typed_column_prefix
from journeylab.typed_reads import TypedReads, typed_reads
from journeylab.where import json_number, json_string, where_expr, where_kinds

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["StepRows", "one_pass_rows"]

#: per step: (user_key int64, event_at µs int64) sorted by both
StepRows = list[tuple[np.ndarray, np.ndarray]]


def one_pass_rows(lake: Lake, spec: FunnelSpec) -> tuple[StepRows, pl.DataFrame | None] | None:
    """Each step's rows and, with a breakdown, the start step's ``vs``/``vn`` aligned with
    its rows; None when the files cannot be read this way (no ``user_key``, or times stored
    in another unit). One read of the files' footers for every step."""
    files = lake.layout.snapshot()
    typed = lake.layout.pinned_keys()
    plans = [_plan(typed, st, _by(spec, k)) for k, st in enumerate(spec.steps)]
    got = keyed_read(files, [p.want for p in plans if p is not None])
    if got is None:
        return None
    reads = iter(got)
    steps: StepRows = []
    values = None
    for k, (st, plan) in enumerate(zip(spec.steps, plans, strict=True)):
        read = next(reads) if plan is not None else None
        rows = plan.rows(read) if plan is not None and read is not None else None
        keys, at, vals = rows if rows is not None else _engine_rows(lake, st, _by(spec, k))
        steps.append((keys, at))
        values = vals if k == 0 else values
    return steps, values


def _by(spec: FunnelSpec, k: int) -> str | None:
    """The breakdown step ``k`` carries: the start's (first touch)."""
    return spec.by if k == 0 else None


@dataclass(frozen=True)
class _Typed:
    """How a step is read from the files: a plain one as its rows, a filtered one or a
    breakdown's start with the typed columns its readers need, filtered in polars."""

    step: Step
    by: str | None
    reads: TypedReads
    want: Want

    def rows(self, read: KeyedFrame) -> tuple[np.ndarray, np.ndarray, pl.DataFrame | None] | None:
        """The step's rows filtered, with the breakdown's values; None when the guard
        finds a row that needs ``data``."""
        keys, at, frame = read
        by = self.by
        if not len(keys):  # no rows: no columns to read either
            empty = pl.DataFrame(schema={"vs": pl.String, "vn": pl.Float64})
            return keys, at, None if by is None else empty
        if self.reads.needs_data(frame):
            return None
        if self.step.where:
            mask = self.reads.keep(self.step.where, frame)
            keys, at = keys[mask], at[mask]
            frame = frame.filter(pl.Series(mask)) if by is not None else frame
        if by is None:
            return keys, at, None
        shown = typed_column(by, "string")
        vs = pl.col(shown) if shown in frame.columns else pl.lit(None, pl.String)  # categorical
        values = frame.with_columns(vs.alias("vs"), self.reads.reader(by, "number").alias("vn"))
        return keys, at, values.select("vs", "vn")


def _plan(typed: Mapping[str, Sequence[str]], step: Step, by: str | None) -> _Typed | None:
    """How to read ``step`` from the files; None when one of its readers has no column
    and no ``present`` column to prove it null (the engine then reads ``data``)."""
    need = where_kinds(step.where) | ({(by, "string"), (by, "number")} if by else set())
    reads = typed_reads(typed, need)
    if reads is None:
        return None
    strings = tuple(c for c in reads.columns if c.startswith(typed_column_prefix("string")))
    want = Want(step.name, reads.columns, strings)  # typed strings as categoricals
    return _Typed(step, by, reads, want)


def _engine_rows(
    lake: Lake, step: Step, by: str | None
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame | None]:
    """One step's rows through the engine (its filter applied), with the breakdown's
    values when ``by``; sorted by (user_key, event_at), ties kept in the files' order."""
    ev = lake.events()
    rows = ev.filter(ev.name == step.name)
    if step.where:
        rows = rows.filter(where_expr(rows.data, step.where))
    from journeylab.dialects import epoch_us

    cols = {"k": rows.user_key, "t": epoch_us(rows.event_at)}
    if by is not None:
        cols |= {"vs": json_string(rows.data, by), "vn": json_number(rows.data, by)}
    frame = lake.execute(rows.select(**cols))
    keys = frame["k"].to_numpy().astype(np.int64, copy=False)
    at = frame["t"].to_numpy().astype(np.int64, copy=False)
    order = key_time_order(keys, at)  # None in a compacted lake: stored in that order
    if order is not None:
        keys, at, frame = keys[order], at[order], frame[order]
    values = frame.select("vs", "vn") if by is not None else None
    return np.ascontiguousarray(keys), np.ascontiguousarray(at), values
